"""The «Loại quyết định» menu: one item per decision type, the unit's own included.

The ribbon's dynamicMenu asks for its items each time it opens (`getContent`, through the COM server's
`MenuContent`): the built-in types, then the types the unit dropped into the «mau_quyet_dinh» folder
beside the workbook (`unit_templates`), read from their manifests there and then, so a type added while
Excel is open is on the menu at the next click. Each item is pressed like a button: its id names the
type (`registry.type_item_id`), and `decide.run_type` issues it for the selected rows. An extension needs
its end date, which the ribbon cannot ask for (no input box: VBA's are ANSI), so extension items are shown
disabled, saying to use `kiemsat decide --until`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from addin.commands.registry import CUSTOMUI_NAMESPACE as NAMESPACE
from addin.commands.registry import ON_ACTION, type_item_id

UNIT_TEMPLATES = "mau_quyet_dinh"  # the unit's decision types and edited templates, beside the workbook


def unit_templates(workbook: Path | None) -> Path | None:
    """The unit's templates folder beside `workbook`, when there is one."""
    if workbook is None:
        return None
    folder = Path(workbook).parent / UNIT_TEMPLATES
    return folder if folder.is_dir() else None


def _book_folder(book: Any) -> Path | None:
    if book is None:
        return None
    from addin.excel.handlers.decide import workbook_path

    try:
        return unit_templates(workbook_path(book))
    except Exception:  # a workbook not saved yet, or on a web address: the built-in types only
        return None


def menu_xml(templates: Path | None) -> str:
    """The menu's XML (a customUI `menu` element) for the types built in and those in `templates`."""
    from macros_py.decisions.manifest import load_types

    typeset = load_types(templates)
    ET.register_namespace("", NAMESPACE)
    q = lambda tag: f"{{{NAMESPACE}}}{tag}"  # noqa: E731
    root = ET.Element(q("menu"))
    own = [typeset.types[k] for k in typeset.own]
    builtin = [t for k, t in typeset.types.items() if k not in typeset.own]
    sections = [("qd_sep_builtin", "Các loại quyết định của kiemsat", builtin)]
    if own or typeset.problems:
        sections.append(("qd_sep_unit", f"Mẫu riêng của đơn vị (thư mục «{UNIT_TEMPLATES}» cạnh sổ)", own))
    for sep_id, title, types in sections:
        ET.SubElement(root, q("menuSeparator"), id=sep_id, title=title)
        for dtype in types:
            sheet = dtype.spec.title
            tip = f"Chọn các dòng ở sheet «{sheet}» rồi bấm: ra «{dtype.title}» cho từng dòng."
            attrs = {"id": type_item_id(dtype.key), "label": dtype.title[:1024], "onAction": ON_ACTION,
                     "screentip": dtype.title[:1024]}
            if dtype.extension:
                attrs["enabled"] = "false"
                tip = (f"Quyết định gia hạn cần ngày gia hạn đến: trên dòng lệnh «kiemsat decide SO.xlsx --type "
                       f"{dtype.key} --rows … --until dd/mm/yyyy».")
            if dtype.form:
                tip += f" Theo: {dtype.form}"
            attrs["supertip"] = tip[:1024]
            ET.SubElement(root, q("button"), attrs)
    if typeset.problems:
        ET.SubElement(root, q("button"), {
            "id": "qd_unit_problems", "enabled": "false",
            "label": f"{len(typeset.problems)} lỗi ở mẫu riêng của đơn vị (xem kiemsat templates check)",
            "supertip": "; ".join(typeset.problems)[:1024]})
    return ET.tostring(root, encoding="unicode")


def content(book: Any) -> str:
    """getContent of the «Loại quyết định» menu for the workbook open in Excel (or None)."""
    return menu_xml(_book_folder(book))
