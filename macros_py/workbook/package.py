"""The one writer of ledger files: cell patches applied to the .xlsx/.xlsm package in place.

`write_cells(path, patch)` rewrites only the worksheet parts whose cells change, a table part
whose range grows (rows appended just below it), `styles.xml` when a date must be shown in a
cell whose style has no date format, and `workbook.xml` when formulas elsewhere must be
recalculated on load. Every other part (VBA project, drawings, charts, comments and threaded
comments, customXml, printer settings, pivot caches, parts kiemsat has never heard of) is
copied byte for byte, compressed data included (`zipcopy`).

The file rules of `safefile` apply: refused while Excel or LibreOffice has the file open, one
backup per write, a temporary file renamed over the original, mode and owner kept. Callers
hold `safefile.ledger_lock` and read the ledger inside it (`update_ledger` does both).
"""

from __future__ import annotations

import gc
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lxml import etree

from macros_py.ledger.schema import DATE_FORMAT
from macros_py.workbook import zipcopy
from macros_py.workbook.dependents import drop_caches
from macros_py.workbook.graft import (
    _M,
    PKG_REL_NS,
    REL_NS,
    DonorSheet,
    Parts,
    number_format_id,
    put_sheet,
    rels_name,
    resolve,
)
from macros_py.workbook.safefile import BACKUPS_KEPT, FileBusy, ensure_not_open, ledger_lock, replace_file
from macros_py.workbook.sheetxml import (
    REF_RE,
    column_letter,
    column_number,
    patch_sheet,
)

if TYPE_CHECKING:
    from macros_py.ledger.reader import Ledger

T = TypeVar("T")

TABLE_REL = REL_NS + "/table"
WRITABLE = (".xlsx", ".xlsm")
# built-in number formats that show dates (ECMA-376 18.8.30; 27-36 and 50-58 are East Asian dates)
DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)])
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
# CT_Workbook's children that come before calcPr, in order (ECMA-376 18.2.27)
_BEFORE_CALCPR = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                  "functionGroups", "externalReferences", "definedNames")
_TABLE_REF = re.compile(r"""(<(?:[\w.-]+:)?(?:table|autoFilter)\b[^>]*?\bref\s*=\s*)(["'])([^"']*)\2""")
_TOTALS_ROW = re.compile(r"""\btotalsRowCount\s*=\s*["']0*[1-9]""")
_COL_RE = re.compile(r"<(?:[\w.-]+:)?col\b([^>]*?)/?>")
_COLS_BLOCK = re.compile(r"<(?:[\w.-]+:)?cols\b.*?</(?:[\w.-]+:)?cols>", re.S)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(["'])(.*?)\2""")


class WorkbookError(Exception):
    """The workbook cannot be written this way (message in Vietnamese)."""


@dataclass
class Patch:
    """Cells to set, by sheet name: {(row, col): value}, 1-based; None empties a cell (style kept)."""

    cells: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    # sheets kiemsat builds whole (title -> donor), grafted after the cells are set
    sheets: dict[str, DonorSheet] = field(default_factory=dict)

    def set(self, sheet: str, row: int, col: int, value: Any) -> None:
        self.cells.setdefault(sheet, {})[(row, col)] = value

    def __bool__(self) -> bool:
        return any(self.cells.values()) or bool(self.sheets)


@dataclass
class WriteReport:
    path: Path
    backup: Path | None = None
    parts: list[str] = field(default_factory=list)  # the parts rewritten
    formulas_kept: list[tuple[str, int, int]] = field(default_factory=list)  # (sheet, row, col) left alone
    sheets: dict[str, str] = field(default_factory=dict)  # donor title -> the sheet's name in the ledger
    notes: list[str] = field(default_factory=list)  # Vietnamese

    def describe_kept(self) -> list[str]:
        return [f"sheet «{s}», ô {column_letter(c)}{r} có công thức của đơn vị nên kiemsat không ghi đè."
                for s, r, c in self.formulas_kept]


def check_writable(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in WRITABLE:
        _check_content(path)
        return
    if _is_xlsx_package(path):  # an Excel workbook under another name: say what it is, never write it so
        raise WorkbookError(f"«{path.name}» có đuôi {suffix or 'trống'} nhưng tệp là sổ Excel (.xlsx); kiemsat "
                            "không ghi vào tệp mang đuôi sai. Hãy đổi đuôi tệp thành «.xlsx» rồi chạy lại.")
    if suffix in (".xlsb", ".xls"):
        raise WorkbookError(f"kiemsat không ghi vào sổ dạng {suffix} («{path.name}»). Hãy mở sổ bằng Excel, chọn "
                            "File > Save As, lưu thành «Excel Workbook (*.xlsx)» (hoặc .xlsm nếu sổ có macro) "
                            "rồi chạy lại với tệp mới.")
    raise WorkbookError(f"chỉ ghi được vào sổ dạng .xlsx hoặc .xlsm; «{path.name}» là tệp "
                        f"{suffix or 'không đuôi'}.")


def _is_xlsx_package(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _check_content(path: Path) -> None:
    """An .xlsx/.xlsm name over other bytes (an .xls or .ods renamed): refused by what the file is."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return  # the write itself says why it cannot open the file
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        what = "sổ Excel 97-2003 (.xls)"
    elif head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                if "xl/workbook.xml" in zf.namelist():
                    return
                ods = "mimetype" in zf.namelist() and b"opendocument.spreadsheet" in zf.read("mimetype")[:100]
        except (zipfile.BadZipFile, OSError):
            return  # the write refuses a broken package in its own words
        what = "bảng tính OpenDocument (.ods)" if ods else ""
    else:
        what = ""
    if what:
        raise WorkbookError(f"«{path.name}» có đuôi {path.suffix} nhưng tệp là {what}; kiemsat không ghi vào tệp "
                            "này. Hãy mở bằng Excel, chọn File > Save As, lưu thành «Excel Workbook (*.xlsx)» "
                            "rồi chạy lại với tệp mới.")


class _Styles:
    """styles.xml, parsed only if a date value needs a date format its cell does not have."""

    def __init__(self, data: bytes | None):
        self.data = data
        self.root: Any = None
        self.changed = False
        self._date_xf: dict[int, int] = {}
        self._is_date: dict[int, bool] = {}

    def _load(self) -> None:
        if self.root is not None:
            return
        if self.data is None:
            raise WorkbookError("sổ không có phần định dạng (styles.xml); hãy mở và lưu lại bằng Excel.")
        self.root = etree.fromstring(self.data)
        self.formats = {int(n.get("numFmtId")): n.get("formatCode", "")
                        for n in self.root.iter(_M + "numFmt")}
        self.xfs = self.root.find(_M + "cellXfs")

    def is_date(self, style: int) -> bool:
        if style not in self._is_date:
            self._load()
            xf_list = list(self.xfs) if self.xfs is not None else []
            fmt = int(xf_list[style].get("numFmtId", 0)) if style < len(xf_list) else 0
            if fmt in DATE_FORMAT_IDS:
                self._is_date[style] = True
            else:
                code = _QUOTED.sub("", self.formats.get(fmt, "")).lower()
                self._is_date[style] = any(ch in code for ch in "dmy")
        return self._is_date[style]

    def style_for(self, style: int, value: Any) -> int:
        if not isinstance(value, (date, datetime)) or self.is_date(style):
            return style
        if style not in self._date_xf:
            self._load()
            fmt_id = number_format_id(self.root, DATE_FORMAT)
            self.formats[fmt_id] = DATE_FORMAT
            xf_list = list(self.xfs)
            xf = deepcopy(xf_list[style]) if style < len(xf_list) else etree.Element(_M + "xf", fontId="0",
                                                                                     fillId="0", borderId="0")
            xf.set("numFmtId", str(fmt_id))
            xf.set("applyNumberFormat", "1")
            self.xfs.append(xf)
            self.xfs.set("count", str(len(self.xfs)))
            self._date_xf[style] = len(self.xfs) - 1
            self._is_date[len(self.xfs) - 1] = True
            self.changed = True
        return self._date_xf[style]

    def serialise(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


class Package:
    """A workbook package opened for reading its parts (the file itself is never written here)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise WorkbookError(f"«{path.name}» không phải tệp Excel .xlsx đọc được ({exc}).") from None
        self.names = set(self.zip.namelist())
        root_rels = self._xml("_rels/.rels")
        office = [r.get("Target") for r in root_rels.iter(f"{{{PKG_REL_NS}}}Relationship")
                  if r.get("Type", "").endswith("/officeDocument")]
        self.workbook_part = resolve("", office[0]) if office else "xl/workbook.xml"
        self.workbook = self._xml(self.workbook_part)
        rels = self._rels(self.workbook_part)
        self.sheets: dict[str, str] = {}
        for sheet in self.workbook.iter(_M + "sheet"):
            target = rels.get(sheet.get(f"{{{REL_NS}}}id"))
            if target:
                self.sheets[sheet.get("name")] = target[1]
        self.styles_part = next((part for t, part in rels.values() if t.endswith("/styles")), None)
        pr = self.workbook.find(_M + "workbookPr")
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")

    def close(self) -> None:
        self.zip.close()

    def read(self, part: str) -> bytes:
        return self.zip.read(part)

    def _xml(self, part: str) -> Any:
        return etree.fromstring(self.read(part))

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (type, resolved part name) of `part`'s relationships."""
        name = rels_name(part)
        if name not in self.names:
            return {}
        out = {}
        for r in self._xml(name).iter(f"{{{PKG_REL_NS}}}Relationship"):
            if r.get("TargetMode") == "External":
                continue
            out[r.get("Id")] = (r.get("Type", ""), resolve(part, r.get("Target", "")))
        return out

    def tables(self, sheet_part: str) -> list[str]:
        return [p for t, p in self._rels(sheet_part).values() if t == TABLE_REL and p in self.names]

    def has_formulas(self, known: dict[str, bool] | None = None) -> bool:
        """Whether any worksheet holds a formula (`known`: parts already looked at)."""
        known = known or {}
        if any(known.values()):
            return True
        return any(re.search(rb"<(?:[\w.-]+:)?f[\s>/]", self.read(p)) for p in self.sheets.values()
                   if p in self.names and p not in known)


def _column_styles(sheet_xml: bytes) -> dict[int, int]:
    head = sheet_xml[:sheet_xml.find(b"sheetData")].decode("utf-8", "replace")
    block = _COLS_BLOCK.search(head)
    out: dict[int, int] = {}
    if block:
        for m in _COL_RE.finditer(block.group(0)):
            attrs = {k: v for k, _, v in _ATTR.findall(m.group(1))}
            if "style" in attrs and attrs.get("min") and attrs.get("max"):
                for c in range(int(attrs["min"]), min(int(attrs["max"]), 16384) + 1):
                    out[c] = int(attrs["style"])
    return out


def _grow_table(xml: bytes, rows: Iterable[tuple[int, int]]) -> bytes | None:
    """The table part with its range grown over rows written just below it, or None."""
    text = xml.decode("utf-8")
    m = _TABLE_REF.search(text)
    if m is None or _TOTALS_ROW.search(text[: text.find(">", m.end())]):
        return None  # a totals row is the table's last row: rows written below it are not the table's
    first, _, last = m.group(3).partition(":")
    a, b = REF_RE.match(first.replace("$", "")), REF_RE.match(last.replace("$", ""))
    if not (a and b):
        return None
    c1, c2, bottom = column_number(a.group(1)), column_number(b.group(1)), int(b.group(2))
    written = {r for r, c in rows if c1 <= c <= c2}
    new_bottom = bottom
    while new_bottom + 1 in written:
        new_bottom += 1
    if new_bottom == bottom:
        return None

    def grow(match: re.Match[str]) -> str:
        old = match.group(3)
        f, _, l_ = old.partition(":")
        lm = REF_RE.match(l_.replace("$", "")) if l_ else None
        if lm and int(lm.group(2)) == bottom:
            return f"{match.group(1)}{match.group(2)}{f}:{lm.group(1)}{new_bottom}{match.group(2)}"
        return match.group(0)

    return _TABLE_REF.sub(grow, text).encode("utf-8")


def _full_calc_on_load(workbook_xml: bytes) -> bytes | None:
    root = etree.fromstring(workbook_xml)
    calc = root.find(_M + "calcPr")
    if calc is not None and calc.get("fullCalcOnLoad") in ("1", "true"):
        return None
    if calc is None:
        calc = etree.Element(_M + "calcPr")
        anchor = None
        for child in root:
            if etree.QName(child).localname in _BEFORE_CALCPR:
                anchor = child
        if anchor is None:
            root.insert(0, calc)
        else:
            anchor.addnext(calc)
    calc.set("fullCalcOnLoad", "1")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_dependent_caches(pkg: Package, parts: Parts, patch: Patch, kept: set[tuple[str, int, int]]) -> None:
    """The clerk's formulas over written cells lose their cached values (`dependents`): LibreOffice, which
    ignores fullCalcOnLoad, then computes them as Excel does, instead of showing a stale result. `kept`:
    (sheet, row, col) of the cells left alone because they hold a formula (not written)."""
    written = {sheet: {rc for rc in cells if (sheet, *rc) not in kept} for sheet, cells in patch.cells.items()}
    if not written:
        return
    texts = {}
    for sheet, part in pkg.sheets.items():
        if part in parts.names:
            data = parts.get(part)
            if re.search(rb"<(?:[\w.-]+:)?f[\s>/]", data):
                texts[sheet] = data.decode("utf-8")
    for sheet, text in drop_caches(texts, written).items():
        parts.put(pkg.sheets[sheet], text.encode("utf-8"))


def backups_kept(settings: Mapping[str, Any]) -> int:
    """How many backups of a ledger to keep: its Cấu hình «Số bản sao lưu giữ lại» (at least 1)."""
    value = settings.get("backups_kept")
    return max(int(value), 1) if isinstance(value, int) else BACKUPS_KEPT


def write_cells(path: str | Path, patch: Patch, *, backup: bool = True, keep: int = BACKUPS_KEPT) -> WriteReport:
    """Apply `patch` to the workbook file at `path` (see the module's docstring). Call it holding
    `ledger_lock(path)`. Raises FileBusy while the file is open, WorkbookError for a file kiemsat
    cannot write (.xlsb, .xls, not a workbook, a sheet that is not there). `backup=False` for the
    later writes of one command (the first write's backup holds the file as it was before it);
    `keep`: how many backups of this ledger to keep (`backups_kept(ledger.settings)`)."""
    path = Path(path)
    check_writable(path)
    ensure_not_open(path)
    report = WriteReport(path)
    if not patch:
        return report
    pkg = Package(path)
    try:
        styles = _Styles(pkg.read(pkg.styles_part) if pkg.styles_part in pkg.names else None)
        replace: dict[str, bytes] = {}
        formulas: dict[str, bool] = {}
        for sheet, cells in patch.cells.items():
            if not cells:
                continue
            part = pkg.sheets.get(sheet)
            if part is None or part not in pkg.names:
                raise WorkbookError(f"sổ «{path.name}» không có sheet «{sheet}» để ghi.")
            xml = [pkg.read(part)]
            column_styles = _column_styles(xml[0])
            result = patch_sheet(xml.pop(), cells, styles.style_for, date1904=pkg.date1904,
                                 column_styles=column_styles)
            replace[part] = zipcopy.Deflated(result.chunks)  # only the compressed form is kept
            result.chunks = []
            formulas[part] = result.has_formulas
            report.formulas_kept += [(sheet, r, c) for r, c in result.formulas_kept]
            for table in pkg.tables(part):
                grown = _grow_table(pkg.read(table), cells)
                if grown is not None:
                    replace[table] = grown
        if styles.changed:
            replace[pkg.styles_part] = styles.serialise()
        parts = Parts(pkg.read, pkg.names, replace)
        for title, donor in patch.sheets.items():
            if pkg.styles_part is None:
                raise WorkbookError(f"sổ «{path.name}» không có phần định dạng (styles.xml); hãy mở và lưu lại "
                                    "bằng Excel rồi chạy lại.")
            report.sheets[title] = put_sheet(parts, pkg.workbook_part, pkg.styles_part, title, donor)
        if pkg.has_formulas(formulas):
            calc = _full_calc_on_load(parts.get(pkg.workbook_part))
            if calc is not None:
                parts.put(pkg.workbook_part, calc)
            _drop_dependent_caches(pkg, parts, patch, set(report.formulas_kept))
        report.parts = sorted([*parts.changed, *parts.added, *parts.removed])
        with path.open("rb") as source:
            report.backup = replace_file(path, lambda out: zipcopy.rewrite(
                source, out, parts.changed, add=parts.added, remove=frozenset(parts.removed)), make_backup=backup,
                keep=keep)
    finally:
        pkg.close()
    return report


def update_ledger(path: str | Path, plan: Callable[[Ledger], tuple[Patch, T]], *,
                  read: Callable[[Path], Ledger] | None = None) -> tuple[WriteReport, T]:
    """The read-modify-write of every kiemsat writer: take the ledger's lock, read the ledger
    again inside it (so no other writer's update is lost), let `plan(ledger)` decide the cells,
    and write them. Returns the write report and what `plan` returned besides the patch."""
    from macros_py.ledger.reader import read_ledger

    path = Path(path)
    check_writable(path)
    collecting = gc.isenabled()
    gc.disable()  # a large ledger is a million live objects: full collections would only rescan them
    try:
        with ledger_lock(path):
            ensure_not_open(path)
            ledger = (read or read_ledger)(path)
            patch, extra = plan(ledger)
            keep = backups_kept(ledger.settings)
            del ledger  # what plan kept of it stays; the rest is freed before the file is rewritten
            return write_cells(path, patch, keep=keep), extra
    finally:
        if collecting:
            gc.enable()


__all__ = ["DonorSheet", "FileBusy", "Package", "Patch", "WorkbookError", "WriteReport", "backups_kept", "check_writable",
           "update_ledger", "write_cells"]
