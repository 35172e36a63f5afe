"""Putting a sheet kiemsat built (the «Thống kê» sheet, «Lỗi nhập liệu») into a clerk's workbook.

The sheet is built from nothing with openpyxl in a workbook of its own (the donor), then its
parts are grafted into the ledger's package: the worksheet and every part it reaches through its
relationships (drawing, charts) under free names, its cell formats appended to the ledger's
`styles.xml` (indices remapped), its shared strings turned into inline strings, its defined names
given the new sheet's index, and the entries of `workbook.xml`, its relationships and
`[Content_Types].xml` that list them. A sheet kiemsat put there before (found by its marker
name) is replaced in place, with the parts only it used; nothing else of the ledger changes.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from lxml import etree

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_REL = REL_NS + "/worksheet"
_M = f"{{{MAIN_NS}}}"
_R = f"{{{PKG_REL_NS}}}Relationship"
_CELL_OR_ROW_S = re.compile(r"""(<(?:[\w.-]+:)?(?:c|row)\b[^>]*?\ss\s*=\s*["'])(\d+)(["'])""")
_COL_STYLE = re.compile(r"""(<(?:[\w.-]+:)?col\b[^>]*?\sstyle\s*=\s*["'])(\d+)(["'])""")
_SHARED_CELL = re.compile(r"""<((?:[\w.-]+:)?)c\b([^>]*?)\st\s*=\s*["']s["']([^>]*)>\s*<(?:[\w.-]+:)?v>(\d+)</(?:[\w.-]+:)?v>\s*</(?:[\w.-]+:)?c>""")


@dataclass
class DonorSheet:
    """A sheet to put into the ledger: `xlsx` holds a workbook whose only sheet is it."""

    xlsx: bytes
    marker: str | None  # the sheet-scoped defined name that marks kiemsat's own sheet
    replaces: str | None = None  # or: the name of kiemsat's own sheet to replace in place


def number_format_id(styles: Any, code: str) -> int:
    """The id of number format `code` in the styles part `styles` (lxml root), added if absent."""
    found = {n.get("formatCode"): int(n.get("numFmtId")) for n in styles.iter(_M + "numFmt")}
    if code in found:
        return found[code]
    new_id = max([163, *found.values()]) + 1
    fmts = styles.find(_M + "numFmts")
    if fmts is None:
        fmts = etree.Element(_M + "numFmts")
        styles.insert(0, fmts)
    etree.SubElement(fmts, _M + "numFmt", numFmtId=str(new_id), formatCode=code)
    fmts.set("count", str(len(fmts)))
    return new_id


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relative(base: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(base))


def _xml(data: bytes) -> Any:
    return etree.fromstring(data)


def _dump(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class Parts:
    """The ledger's parts as the graft sees them: read from the package, changed in memory."""

    def __init__(self, read: Any, names: set[str], changed: dict[str, bytes]):
        self._read, self.names, self.changed = read, set(names), changed
        self.original = frozenset(names)
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def get(self, part: str) -> bytes:
        if part in self.added:
            return self.added[part]
        if part in self.changed:
            data = self.changed[part]
            return data if isinstance(data, bytes) else zlib.decompress(data.data, -15)
        return self._read(part)

    def put(self, part: str, data: bytes) -> None:
        self.removed.discard(part)
        if part in self.original:
            self.changed[part] = data
        else:
            self.added[part] = data
        self.names.add(part)

    def drop(self, part: str) -> None:
        self.added.pop(part, None)
        self.changed.pop(part, None)
        self.removed.add(part)
        self.names.discard(part)

    def rels(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type, resolved target) of `part`'s internal relationships."""
        name = rels_name(part)
        if name not in self.names:
            return []
        return [(r.get("Id"), r.get("Type", ""), resolve(part, r.get("Target", "")))
                for r in _xml(self.get(name)).iter(_R) if r.get("TargetMode") != "External"]

    def free_name(self, like: str) -> str:
        folder, name = posixpath.split(like)
        stem = re.sub(r"\d+$", "", posixpath.splitext(name)[0])
        ext = posixpath.splitext(name)[1]
        n = 1
        while posixpath.join(folder, f"{stem}{n}{ext}") in self.names:
            n += 1
        return posixpath.join(folder, f"{stem}{n}{ext}")


def _reachable(read_rels: Any, start: str) -> list[str]:
    seen, todo = [start], [start]
    while todo:
        part = todo.pop()
        for _, _, target in read_rels(part):
            if target not in seen:
                seen.append(target)
                todo.append(target)
    return seen


class _StyleMerger:
    """Brings the donor's cell formats into the ledger's styles.xml, reusing an equal one the ledger has;
    maps donor xf -> ledger xf."""

    def __init__(self, target: Any, donor: Any):
        self.t, self.d = target, donor
        self.map: dict[int, int] = {}
        self._lists: dict[str, dict[int, int]] = {"fonts": {}, "fills": {}, "borders": {}}
        self._known: dict[str, dict[bytes, int]] = {}  # list (fonts, cellXfs, ...) -> canonical form -> index
        self.d_fmts = {int(n.get("numFmtId")): n.get("formatCode") for n in donor.iter(_M + "numFmt")}

    def _child(self, root: Any, tag: str) -> Any:
        node = root.find(_M + tag)
        if node is None:
            node = etree.SubElement(root, _M + tag)
        return node

    def _existing(self, kind: str, dest: Any, element: Any) -> int:
        """The index of an element of `dest` equal to `element` (a font, fill, border or cell format the
        ledger already has, kiemsat's own from an earlier write included), or -1: reused, never appended again."""
        if kind not in self._known:
            self._known[kind] = {}
            for i, node in enumerate(dest):
                self._known[kind].setdefault(_canonical(node), i)
        return self._known[kind].get(_canonical(element), -1)

    def _append(self, kind: str, element: Any) -> int:
        dest = self._child(self.t, kind)
        found = self._existing(kind, dest, element)
        if found >= 0:
            return found
        dest.append(element)
        dest.set("count", str(len(dest)))
        self._known[kind][_canonical(element)] = len(dest) - 1
        return len(dest) - 1

    def _copy(self, kind: str, index: int) -> int:
        cache = self._lists[kind]
        if index not in cache:
            source = list(self.d.find(_M + kind))[index]
            cache[index] = self._append(kind, deepcopy(source))
        return cache[index]

    def _fmt(self, fmt_id: int) -> int:
        if fmt_id < 164:
            return fmt_id
        return number_format_id(self.t, self.d_fmts.get(fmt_id, "General"))

    def xf(self, index: int) -> int:
        if index not in self.map:
            source = list(self.d.find(_M + "cellXfs"))[index]
            xf = deepcopy(source)
            xf.set("fontId", str(self._copy("fonts", int(source.get("fontId", 0)))))
            xf.set("fillId", str(self._copy("fills", int(source.get("fillId", 0)))))
            xf.set("borderId", str(self._copy("borders", int(source.get("borderId", 0)))))
            xf.set("numFmtId", str(self._fmt(int(source.get("numFmtId", 0)))))
            xf.set("xfId", "0")
            self.map[index] = self._append("cellXfs", xf)
        return self.map[index]


def _canonical(element: Any) -> bytes:
    """An element's content for comparison: attribute order and namespace prefixes do not matter."""
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False, with_tail=False)


def _inline_shared_strings(sheet: str, strings: list[str]) -> str:
    def inline(m: re.Match[str]) -> str:
        p = m.group(1)
        return f'<{p}c{m.group(2)} t="inlineStr"{m.group(3)}><{p}is>{strings[int(m.group(4))]}</{p}is></{p}c>'

    return _SHARED_CELL.sub(inline, sheet)


def _shared_strings(donor: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in donor.namelist():
        return []
    root = _xml(donor.read("xl/sharedStrings.xml"))
    out = []
    for si in root.iter(_M + "si"):
        out.append("".join(etree.tostring(child, encoding="unicode") for child in si))
    return out


def put_sheet(parts: Parts, workbook_part: str, styles_part: str, title: str, donor_sheet: DonorSheet) -> str:
    """Graft the donor's sheet into `parts` as `title` (replacing kiemsat's earlier sheet, found by
    the donor's marker, in place). Returns the sheet's name in the ledger."""
    donor = zipfile.ZipFile(io.BytesIO(donor_sheet.xlsx))
    d_wb = _xml(donor.read("xl/workbook.xml"))
    d_rels = {r.get("Id"): resolve("xl/workbook.xml", r.get("Target"))
              for r in _xml(donor.read("xl/_rels/workbook.xml.rels")).iter(_R)}
    (d_sheet_el,) = list(d_wb.iter(_M + "sheet"))
    d_sheet_part = d_rels[d_sheet_el.get(f"{{{REL_NS}}}id")]

    def donor_rels(part: str) -> list[tuple[str, str, str]]:
        name = rels_name(part)
        if name not in donor.namelist():
            return []
        return [(r.get("Id"), r.get("Type", ""), resolve(part, r.get("Target", "")))
                for r in _xml(donor.read(name)).iter(_R) if r.get("TargetMode") != "External"]

    wb = _xml(parts.get(workbook_part))
    wb_rels_name = rels_name(workbook_part)
    wb_rels = _xml(parts.get(wb_rels_name))
    content_types = _xml(parts.get("[Content_Types].xml"))
    sheets_el = wb.find(_M + "sheets")
    sheet_els = list(sheets_el)
    names_el = wb.find(_M + "definedNames")

    # kiemsat's earlier sheet: the one whose sheet-scoped defined names hold the marker
    old_index = None
    if donor_sheet.replaces is not None:
        old_index = next((i for i, e in enumerate(sheet_els) if e.get("name") == donor_sheet.replaces), None)
    if names_el is not None and donor_sheet.marker:
        for dn in names_el:
            if dn.get("name") == donor_sheet.marker and dn.get("localSheetId") is not None:
                old_index = int(dn.get("localSheetId"))
    index = len(sheet_els)
    rel_id = None
    if old_index is not None and old_index < len(sheet_els):
        index = old_index
        old_el = sheet_els[old_index]
        title = old_el.get("name")
        rel_id = old_el.get(f"{{{REL_NS}}}id")
        old_part = next((t for i, _, t in parts.rels(workbook_part) if i == rel_id), None)
        if old_part is not None:
            keep_refs = set()
            doomed = set(_reachable(parts.rels, old_part))
            for name in list(parts.names):
                if name.endswith(".rels"):
                    owner = name.replace("_rels/", "").removesuffix(".rels")
                    if owner not in doomed:  # (the workbook's link to the old sheet goes with it)
                        keep_refs |= {t for i, _, t in parts.rels(owner) if not (owner == workbook_part and i == rel_id)}
            for part in doomed - keep_refs:
                parts.drop(part)
                if rels_name(part) in parts.names:
                    parts.drop(rels_name(part))
                for o in content_types.findall(f"{{{CT_NS}}}Override"):
                    if o.get("PartName") == "/" + part:
                        content_types.remove(o)
        for dn in list(names_el) if names_el is not None else []:
            if dn.get("localSheetId") == str(old_index):
                names_el.remove(dn)
        sheet_id = old_el.get("sheetId")
        sheets_el.remove(old_el)
    else:
        taken = {e.get("name").casefold() for e in sheet_els}
        base, n = title, 1
        while title.casefold() in taken:
            n += 1
            title = f"{base} ({n})"
        sheet_id = str(max([int(e.get("sheetId")) for e in sheet_els] + [0]) + 1)

    # the donor's parts under free names
    d_types = {o.get("PartName").lstrip("/"): o.get("ContentType")
               for o in _xml(donor.read("[Content_Types].xml")).iter(f"{{{CT_NS}}}Override")}
    renamed: dict[str, str] = {}
    for part in _reachable(donor_rels, d_sheet_part):
        renamed[part] = parts.free_name(part if part != d_sheet_part else "xl/worksheets/sheet1.xml")
        parts.names.add(renamed[part])
    d_title = d_sheet_el.get("name")
    for old, new in renamed.items():
        data = donor.read(old)
        if d_title != title:  # formulas and chart ranges name the sheet
            for a, b in ((_quote(d_title), _quote(title)), (_quote(d_title, "&apos;"), _quote(title, "&apos;"))):
                data = data.replace((a + "!").encode("utf-8"), (b + "!").encode("utf-8"))
        if old == d_sheet_part:
            styles = _xml(parts.get(styles_part))
            merger = _StyleMerger(styles, _xml(donor.read("xl/styles.xml")))
            text = _inline_shared_strings(data.decode("utf-8"), _shared_strings(donor))
            shift = (_epoch_days(d_wb) - _epoch_days(wb)) if _epoch_days(d_wb) != _epoch_days(wb) else 0
            if shift:
                text = _shift_dates(text, shift, donor.read("xl/styles.xml"))
            text = _CELL_OR_ROW_S.sub(lambda m: f"{m.group(1)}{merger.xf(int(m.group(2)))}{m.group(3)}", text)
            text = _COL_STYLE.sub(lambda m: f"{m.group(1)}{merger.xf(int(m.group(2)))}{m.group(3)}", text)
            data = text.encode("utf-8")
            parts.put(styles_part, _dump(styles))
        parts.put(new, data)
        if d_types.get(old):
            etree.SubElement(content_types, f"{{{CT_NS}}}Override", PartName="/" + new, ContentType=d_types[old])
        old_rels = rels_name(old)
        if old_rels in donor.namelist():
            rels = _xml(donor.read(old_rels))
            for r in rels.iter(_R):
                if r.get("TargetMode") != "External":
                    r.set("Target", _relative(new, renamed[resolve(old, r.get("Target"))]))
            parts.put(rels_name(new), _dump(rels))

    # list the sheet in the workbook (under the earlier sheet's relationship id when replacing it)
    for r in list(wb_rels.iter(_R)):
        if rel_id is not None and r.get("Id") == rel_id:
            wb_rels.remove(r)
    if rel_id is None:
        used = {r.get("Id") for r in wb_rels.iter(_R)}
        rel_id = next(f"rId{n}" for n in range(1, 10**6) if f"rId{n}" not in used)
    etree.SubElement(wb_rels, _R, Id=rel_id, Type=WORKSHEET_REL, Target=_relative(workbook_part,
                                                                                   renamed[d_sheet_part]))
    new_el = etree.Element(_M + "sheet", name=title, sheetId=sheet_id)
    new_el.set(f"{{{REL_NS}}}id", rel_id)
    sheets_el.insert(index, new_el)
    d_names = d_wb.find(_M + "definedNames")
    if d_names is not None:
        if names_el is None:
            names_el = etree.Element(_M + "definedNames")
            sheets_el.addnext(names_el)
        for dn in d_names:
            copy_ = deepcopy(dn)
            if copy_.get("localSheetId") is not None:
                copy_.set("localSheetId", str(index))
            if copy_.text and d_title != title:
                copy_.text = copy_.text.replace(_quote(d_title), _quote(title))
            names_el.append(copy_)
    parts.put(workbook_part, _dump(wb))
    parts.put(wb_rels_name, _dump(wb_rels))
    parts.put("[Content_Types].xml", _dump(content_types))
    return title


_NUMBER_CELL = re.compile(r"""<((?:[\w.-]+:)?)c\b([^>]*?)>\s*<\1v>([-+0-9.eE]+)</\1v>\s*</\1c>""")
_T_ATTR = re.compile(r"""\st\s*=\s*["'](?!n["'])""")
_S_ATTR = re.compile(r"""\ss\s*=\s*["'](\d+)["']""")


def _epoch_days(workbook: Any) -> int:
    """Days from 30/12/1899 to the workbook's day 0: 0, or 1462 for the 1904 date system."""
    pr = workbook.find(_M + "workbookPr")
    return 1462 if pr is not None and pr.get("date1904") in ("1", "true") else 0


def _shift_dates(text: str, days: int, donor_styles: bytes) -> str:
    """The donor's dates moved to the ledger's date system (its serials count from another day 0)."""
    from macros_py.workbook.package import _Styles  # package imports this module

    styles = _Styles(donor_styles)

    def shift(m: re.Match[str]) -> str:
        s = _S_ATTR.search(m.group(2))
        if _T_ATTR.search(m.group(2)) or not s or not styles.is_date(int(s.group(1))):
            return m.group(0)
        value = float(m.group(3)) + days
        number = int(value) if value.is_integer() else value
        p = m.group(1)
        return f"<{p}c{m.group(2)}><{p}v>{number!r}</{p}v></{p}c>"

    return _NUMBER_CELL.sub(shift, text)


def _quote(name: str, apostrophe: str = "'") -> str:
    return apostrophe + name.replace("'", apostrophe * 2) + apostrophe
