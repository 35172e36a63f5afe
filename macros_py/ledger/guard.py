"""Looking at a workbook before python-calamine does, so that no file can stop kiemsat.

calamine allocates a sheet's whole bounding range (one cell at XFD1048576 asks for 549 GB and the
process aborts), reads past a zip entry's declared size, refuses a whole sheet for one error value
it does not know (#SPILL!, #CALC!, ...) or a boolean holding 2, and panics on a date cell holding
-1e308 or -INF. So, before calamine sees an .xlsx/.xlsm file, this module

- opens only regular files (a FIFO named .xlsx must not hang), of a bounded size;
- checks each zip entry calamine reads: declared size and ratio bounded, actual expansion equal to
  the declared one (zipfile stops at the declared size and the CRC then fails on a lie);
- scans each sheet's XML for the cells calamine cannot take: cell references far outside the used
  area or beyond the grid, error values, booleans other than 0/1, date or time cells holding a
  number no date can have; each becomes a per-cell problem and is removed from an in-memory copy
  of the workbook that calamine then reads. The file on disk is never changed;
- refuses, with one Vietnamese sentence, a file or a sheet too large to read.

Error cells (#VALUE!, #REF!, ...) are also reported from here: calamine reads them as empty text.
"""

from __future__ import annotations

import io
import math
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from macros_py.ledger.oserrors import IS_A_DIRECTORY, os_reason
from macros_py.ledger.problems import column_index, column_letter
from macros_py.ledger.values import LAST_SERIAL

MAX_FILE_BYTES = 256 << 20  # a ledger file on disk
MAX_PART_BYTES = 320 << 20  # one zip entry, expanded (a 50,000-row sheet is about 80 MB)
MAX_TOTAL_BYTES = 640 << 20  # all entries calamine reads, expanded
MAX_RATIO = 400  # expansion ratio of an entry above SMALL_PART (an XML sheet compresses 10-30x)
SMALL_PART = 4 << 20
MAX_SHEET_CELLS = 6_000_000  # rows x columns of one sheet's used area (about 50,000 rows x 120 columns)
MAX_COLUMNS = 1_000  # a cell right of this is not part of a ledger
FAR_GAP = 100_000  # rows after this many empty rows are stray cells, not the ledger
GRID_ROWS, GRID_COLUMNS = 1_048_576, 16_384
MAX_DROPPED_REPORTED = 20  # far cells reported one by one; the rest counted

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class Refused(Exception):
    """The file cannot be read at all; the message is one Vietnamese sentence."""


@dataclass(frozen=True)
class CellNote:
    row0: int | None  # None: a far note with no true cell to name (an impossible reference, the rest counted)
    col0: int | None
    value: str
    message: str
    far: bool = False  # a stray cell far from the data, left out (not a value of the table)


@dataclass
class SheetScan:
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row0, col0) -> '#REF!'
    notes: list[CellNote] = field(default_factory=list)  # cells removed before calamine read the sheet
    refused: str = ""  # why the sheet cannot be read at all (too large)
    far: set[tuple[int, int]] = field(default_factory=set)  # (row0, col0) of the stray cells left out


@dataclass
class Preflight:
    kind: str  # "zip" (an .xlsx/.xlsm), "ods", "ole" (an .xls), "other"
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # by sheet name as in the file
    data: bytes | None = None  # a repaired in-memory copy for calamine, when any cell had to go


def open_regular(path: Path) -> tuple[int, bytes]:
    """(size, first bytes) of a regular file; refuses anything else without blocking on it."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise Refused(f"Không tìm thấy tệp «{path}».") from None
    except IsADirectoryError:
        raise Refused(f"«{path}» {IS_A_DIRECTORY}.") from None
    except OSError as exc:
        raise Refused(f"Không mở được tệp «{path}»: {os_reason(exc)}.") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise Refused(f"«{path}» {IS_A_DIRECTORY}.")
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"«{path.name}» không phải một tệp thông thường (có thể là ống dẫn hoặc thiết bị); "
                          "hãy chọn tệp Excel đã lưu trên đĩa.")
        if st.st_size > MAX_FILE_BYTES:
            raise Refused(f"Tệp «{path.name}» quá lớn ({st.st_size / 1e6:.0f} MB; kiemsat đọc sổ đến "
                          f"{MAX_FILE_BYTES / 1e6:.0f} MB).")
        head = os.read(fd, 1 << 20)
    except OSError as exc:
        raise Refused(f"Không mở được tệp «{path}»: {os_reason(exc)}.") from None
    finally:
        os.close(fd)
    return st.st_size, head


def preflight(path: Path) -> Preflight:
    size, head = open_regular(path)
    if head.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in head:
            raise Refused(f"Tệp «{path.name}» được đặt mật khẩu; hãy gỡ mật khẩu trong Excel rồi thử lại.")
        return Preflight("ole")
    if not head.startswith(b"PK"):
        return Preflight("other")
    try:
        with zipfile.ZipFile(path) as zf:
            return _preflight_zip(path, zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
            OSError):
        raise Refused(f"Tệp «{path.name}» không phải sổ Excel đọc được hoặc bị hỏng (nén sai, thiếu phần); "
                      "hãy mở bằng Excel, lưu lại rồi thử lại.") from None
    except MemoryError:
        raise Refused(f"Tệp «{path.name}» quá lớn so với bộ nhớ còn trống của máy; hãy đóng bớt chương trình "
                      "hoặc tách sổ rồi thử lại.") from None
    except (RuntimeError, ElementTree.ParseError):
        raise Refused(f"Tệp «{path.name}» không phải sổ Excel đọc được (.xlsx, .xlsm, .xls, .ods).") from None


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """An entry's bytes; zipfile stops at the declared size, and a CRC error reveals a lie."""
    if info.file_size > MAX_PART_BYTES or (
            info.file_size > SMALL_PART and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
        raise Refused(f"Tệp «{name}» có phần nén bất thường ({info.filename}: {info.compress_size:,} byte "
                      f"nở thành {info.file_size:,} byte); kiemsat không đọc tệp này để tránh treo máy.")
    return zf.read(info)


def _preflight_zip(path: Path, zf: zipfile.ZipFile) -> Preflight:
    infos = {i.filename: i for i in zf.infolist()}
    if "xl/workbook.xml" not in infos:
        mimetype = zf.read("mimetype")[:100] if "mimetype" in infos else b""
        # .ods or another zip: calamine's own checks, size bounded above
        return Preflight("ods" if b"opendocument.spreadsheet" in mimetype else "zip")
    read_by_calamine = [i for n, i in infos.items() if n.startswith("xl/") and n.endswith((".xml", ".rels"))]
    if sum(i.file_size for i in read_by_calamine) > MAX_TOTAL_BYTES:
        raise Refused(f"Tệp «{path.name}» quá lớn khi giải nén; kiemsat không đọc tệp này để tránh treo máy.")
    for name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        if name in infos:
            _read_part(zf, infos[name], path.name)
    strings = 0
    if "xl/sharedStrings.xml" in infos:
        sst = _read_part(zf, infos["xl/sharedStrings.xml"], path.name)
        strings = sst.count(b"<si>") + sst.count(b"<si ")
        del sst
    book = ElementTree.fromstring(_read_part(zf, infos["xl/workbook.xml"], path.name))
    rels_info = infos.get("xl/_rels/workbook.xml.rels")
    rels = ElementTree.fromstring(zf.read(rels_info)) if rels_info else []
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    date_styles = _date_styles(zf, infos, path.name)

    result = Preflight("zip")
    replaced: dict[str, bytes] = {}
    for sheet in book.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        info = infos.get(os.path.normpath(part).replace(os.sep, "/"))
        if info is None:
            continue
        xml = _read_part(zf, info, path.name)
        scan, repaired = scan_sheet(xml, date_styles, strings)
        result.sheets[sheet.get("name", "")] = scan
        if repaired is not None:
            replaced[info.filename] = repaired
    if replaced:
        result.data = _rebuilt(zf, replaced)
    return result


def _rebuilt(zf: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in zf.infolist():
            if info.filename.startswith("xl/") or info.filename in ("[Content_Types].xml", "_rels/.rels"):
                out.writestr(info.filename, replaced.get(info.filename) or zf.read(info))
    return buf.getvalue()


_BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(45, 48)) | {27, 30, 36, 50, 57}


def _date_styles(zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], name: str) -> set[str]:
    """Style indexes (the `s` attribute, as text) whose number format shows a date or a time."""
    info = infos.get("xl/styles.xml")
    if info is None:
        return set()
    root = ElementTree.fromstring(_read_part(zf, info, name))
    custom: dict[str, str] = {f.get("numFmtId", ""): f.get("formatCode", "")
                              for f in root.iter(f"{_MAIN_NS}numFmt")}
    styles: set[str] = set()
    xfs = root.find(f"{_MAIN_NS}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else ()):
        fmt = xf.get("numFmtId", "0")
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", custom.get(fmt, "")).lower()
        if (fmt.isdigit() and int(fmt) in _BUILTIN_DATE_FORMATS) or re.search(r"[dmyhs]", code):
            styles.add(str(i))
    return styles


# ---------------------------------------------------------------- one sheet's XML

_ROW_REF = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_GOOD_REF = re.compile(rb"([A-Z]{1,3})([1-9]\d{0,6})")
_ERROR_CELL = re.compile(rb'<c\b([^>]*?\bt="e"[^>]*?)(?:/>|>(.*?)</c>)', re.S)
_BOOL_CELL = re.compile(rb'<c\b([^>]*?\bt="b"[^>/]*)>(.*?)</c>', re.S)
_ODD_NUMBER = re.compile(rb'<v>\s*(-|[^<]*[eEiInN]|\d{7})')
_CELL_REF = re.compile(rb'\br="([A-Za-z]+)(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
# the error values calamine knows; any other (#SPILL!, #CALC!, ...) makes it refuse the sheet
# a formula with no cached value (<f> and no <v>): written by a program that does not calculate
_UNCALCULATED_CELL = re.compile(rb'<c\b([^>]*?)(?<!/)>(?:(?!</c>).)*?<f\b(?:(?!</c>).)*?</c>', re.S)
_CACHED = re.compile(rb"<v>[^<]|<is>")
NO_CACHED_VALUE = "#CHƯA_TÍNH"  # marks such a cell among the error cells
_KNOWN_ERRORS = {b"#DIV/0!", b"#N/A", b"#NAME?", b"#NULL!", b"#NUM!", b"#REF!", b"#VALUE!"}


def _columns_upto(n: int) -> bytes:
    """A regex for the column letters A .. the n-th column (n <= 702, two letters at most)."""
    one = b"[A-Z]" if n >= 26 else b"[A-%c]" % (64 + n)
    if n <= 26:
        return one
    full, part = divmod(n - 26, 26)
    alts = [one]
    if full:
        alts.append(b"[A-%c][A-Z]" % (64 + full))
    if part:
        alts.append(b"%c[A-%c]" % (65 + full, 64 + part))
    return b"(?:" + b"|".join(alts) + b")"


def _numbers_upto(n: int) -> bytes:
    """A regex for the numbers 1 .. n written without leading zeros (n >= 1): 50001 gives
    10000-49999, 50000, 50001, 1-9999. The numbers as long as n come first (most rows of a ledger), the
    shorter ones last and possessive: no backtracking through them (2.3 s -> 1.8 s for 3 million cells)."""
    s = str(n)
    k = len(s)
    alts = []
    for i, ch in enumerate(s):
        low = 1 if i == 0 else 0
        if int(ch) > low:
            rest = k - i - 1
            alts.append(s[:i].encode() + b"[%d-%c]" % (low, ord(ch) - 1) + (rb"\d{%d}" % rest if rest else b""))
    alts.append(s.encode())
    if k > 1:
        alts.append(rb"[1-9]\d{0,%d}+" % (k - 2))
    return b"(?:" + b"|".join(alts) + b")"


def _within_bounds(xml: bytes) -> bool:
    """True when every cell reference is well formed and the sheet's area is surely small enough,
    judged in two passes of C-speed searching (the exact look, `_far_cells`, is slower). The area is
    bounded by the last row's number (no row nor cell below it) times the columns that leaves."""
    at = xml.rfind(b'<row r="')
    last = xml[at + 8:xml.find(b'"', at + 8)] if at >= 0 else b"1"
    if not (last.isdigit() and 0 < len(last) <= 7 and last[:1] != b"0"):
        return False
    n = int(last)
    if n > GRID_ROWS or (n > FAR_GAP and n - xml.count(b"<row") > FAR_GAP):
        return False  # beyond the grid, or rows missing by the hundred thousand: stray cells far below?
    rows = _numbers_upto(n)
    if re.search(rb'<row r="(?!%s")' % rows, xml):
        return False  # a row further down than the last one
    width = min(MAX_SHEET_CELLS // n, 702)
    if width < 1:
        return False
    # a reference out of bounds, or a cell placed by its order (no reference: counted the careful way)
    pattern = rb'<c(?: r="(?!%s%s")|(?! r=")[ >/])' % (_columns_upto(width), rows)
    return re.search(pattern, xml) is None


def _ref(m: re.Match) -> tuple[int, int] | None:
    letters, digits = m.group(1).upper(), m.group(2)
    if len(letters) > 3 or len(digits) > 7:
        return None
    return int(digits) - 1, column_index(letters.decode())


def scan_sheet(xml: bytes, date_styles: set[str], strings: int = 0) -> tuple[SheetScan, bytes | None]:
    """What calamine must not see in one sheet's XML; the XML without those cells when any."""
    scan = SheetScan()
    drop: list[tuple[int, int]] = []  # byte spans to remove

    suspicious = not _within_bounds(xml)
    rows = [int(r) for r in _ROW_REF.findall(xml)] if suspicious else []
    if len(rows) * 10 > MAX_SHEET_CELLS:  # too many rows to be a ledger: no need to look closer
        scan.refused = _too_large(len(rows))
        return scan, None
    if suspicious:
        _far_cells(xml, scan, drop)

    data_end = xml.find(b"</sheetData>")
    data_end = len(xml) if data_end < 0 else data_end
    # cell formulas only: <formula> of conditional formats and validations come after </sheetData>
    if re.compile(rb"<f[ >/]").search(xml, 0, data_end):
        for m in _UNCALCULATED_CELL.finditer(xml, 0, data_end):
            cell = m.group(0)
            # Excel stores a text result "" as t="str" with <v></v>; openpyxl's <v></v> has no t
            if not _CACHED.search(cell) and not (b't="str"' in m.group(1) and b"<v" in cell):
                ref = _CELL_REF.search(m.group(1))
                if ref and (pos := _ref(ref)) is not None:
                    scan.errors[pos] = NO_CACHED_VALUE
    typed = re.search(rb't="[ebs]"', xml) is not None  # one pass: most sheets kiemsat writes hold none
    if typed and b't="e"' in xml:
        for m in _ERROR_CELL.finditer(xml):
            ref = _CELL_REF.search(m.group(1))
            pos = None
            value = _VALUE.search(m.group(2) or b"")
            text = value.group(1).strip() if value else b"#ERROR"
            if ref and (pos := _ref(ref)) is not None and pos not in scan.far:  # a stray cell: left out, noted once
                scan.errors[pos] = text.decode("utf-8", "replace")
            if text not in _KNOWN_ERRORS and (pos is None or pos not in scan.far):
                drop.append(m.span())
    if typed and b't="b"' in xml:
        for m in _BOOL_CELL.finditer(xml):
            value = _VALUE.search(m.group(2))
            if value and value.group(1).strip() not in (b"0", b"1"):
                _note_cell(scan, drop, m, m.group(1), value.group(1),
                           "là ô kiểu đúng/sai nhưng chứa giá trị khác; hãy nhập lại ô này")
    if typed and b't="s"' in xml:
        # a shared-string index past the table makes calamine refuse the whole sheet
        short = re.compile(rb'<c\b([^>]*?\bt="s"[^>/]*)>\s*<v>(?!\d{1,%d}</v>)([^<]*)</v>\s*</c>'
                           % max(len(str(strings)) - 1, 0) if strings >= 10 else
                           rb'<c\b([^>]*?\bt="s"[^>/]*)>\s*<v>([^<]*)</v>\s*</c>')
        for m in short.finditer(xml):
            value = m.group(2).strip()
            if value.isdigit() and int(value) < strings:
                continue
            _note_cell(scan, drop, m, m.group(1), value, "trỏ tới một chuỗi không có trong tệp (tệp bị hỏng); "
                       "hãy nhập lại ô này")
    if date_styles:
        for m in _ODD_NUMBER.finditer(xml):
            start = xml.rfind(b"<c ", 0, m.start())
            end = xml.find(b"</c>", m.end())
            if start < 0 or end < 0:
                continue
            head = xml[start:xml.find(b">", start) + 1]
            style, kind = _STYLE.search(head), _TYPE.search(head)
            if style is None or style.group(1).decode() not in date_styles or (kind and kind.group(1) != b"n"):
                continue
            value = _VALUE.search(xml, m.start() - 1, end)
            if value is None:
                continue
            try:
                number = float(value.group(1))
            except ValueError:
                number = math.nan
            if math.isfinite(number) and 0 <= number < LAST_SERIAL + 1:
                continue
            _note_cell(scan, drop, (start, end + 4), head, value.group(1),
                       f"chứa số {value.group(1).decode('ascii', 'replace')} định dạng ngày, không ngày nào có "
                       "số này; cần ngày dạng dd/mm/yyyy")

    if suspicious and _used_area(xml, drop) > MAX_SHEET_CELLS:
        scan.refused = _too_large(len(rows))
        return scan, None
    if not drop:
        return scan, None
    drop.sort()
    out, at = [], 0
    for a, b in drop:
        if a < at:
            continue
        out.append(xml[at:a])
        at = b
    out.append(xml[at:])
    return scan, b"".join(out)


def _too_large(rows: int) -> str:
    return (f"sheet quá lớn ({rows:_} dòng; kiemsat đọc mỗi sheet đến {MAX_SHEET_CELLS:_} ô, khoảng 50.000 dòng); "
            "hãy tách sổ theo năm rồi kiểm tra từng tệp").replace("_", ".")


def _note_cell(scan: SheetScan, drop: list[tuple[int, int]], span, head: bytes, value: bytes, message: str) -> None:
    ref = _CELL_REF.search(head)
    pos = _ref(ref) if ref else None
    if isinstance(span, re.Match):
        span = span.span()
    drop.append(span)
    if pos is not None:
        scan.notes.append(CellNote(pos[0], pos[1], value.decode("utf-8", "replace").strip(), message))


_ROW_EL = re.compile(rb'<row\b([^>]*?)(?:/>|>(.*?)</row>)', re.S)
_CELL_EL = re.compile(rb'<c\b([^>]*?)(?:/>|>.*?</c>)', re.S)
_R_ATTR = re.compile(rb'\br="([^"]*)"')


def _cells(xml: bytes):
    """(row, column, span, reference as written) of every cell, placed as calamine places it: by its
    reference, or after the previous cell of its row (and the row after the previous row) when it has
    none; row 0 for a reference that is not one."""
    row = 0
    for m in _ROW_EL.finditer(xml):
        r = _R_ATTR.search(m.group(1))
        row = int(r.group(1)) if r and r.group(1).isdigit() else row + 1
        if m.group(2) is None:
            continue
        base, col = m.start(2), 0
        for c in _CELL_EL.finditer(m.group(2)):
            span = (base + c.start(), base + c.end())
            ref = _R_ATTR.search(c.group(1))
            if ref is None:
                col += 1
                yield row, col, span, b"%s%d" % (column_letter(col - 1).encode(), row)
                continue
            good = _GOOD_REF.fullmatch(ref.group(1))
            if good is None:  # "A0", "BAD", "a1": calamine refuses the whole sheet for it
                yield 0, 0, span, ref.group(1)
                continue
            col = column_index(good.group(1).decode()) + 1
            yield int(good.group(2)), col, span, ref.group(1)


def _far_cells(xml: bytes, scan: SheetScan, drop: list[tuple[int, int]]) -> None:
    """Drop cells beyond the grid, right of MAX_COLUMNS, or far below the rows that hold the data.

    "Far below" is judged from the rows themselves: the rows after a gap of 100,000 empty rows are
    stray cells (a value typed at XFD1048576).
    """
    cells = list(_cells(xml))
    rows = sorted({r for r, *_ in cells if r})
    body_end = rows[-1] if rows else 0
    for prev, nxt in zip(rows, rows[1:]):
        if nxt - prev > FAR_GAP:
            body_end = prev
            break
    dropped = 0
    for row, col, span, ref in cells:
        if row == 0:
            why = f"địa chỉ ô «{ref.decode('ascii', 'replace')[:20]}» không hợp lệ (tệp bị hỏng); kiemsat bỏ qua ô này"
        elif row > GRID_ROWS or col > GRID_COLUMNS:
            why = "ô nằm ngoài bảng tính (Excel chỉ có 1.048.576 dòng, 16.384 cột); kiemsat bỏ qua ô này"
        elif col > MAX_COLUMNS:
            why = f"ô ở quá xa bên phải (cột thứ {col:_}); kiemsat bỏ qua ô này".replace("_", ".")
        elif row > body_end:
            why = f"ô ở quá xa bên dưới dữ liệu (dòng {row:_}); kiemsat bỏ qua ô này".replace("_", ".")
        else:
            continue
        drop.append(span)
        scan.far.add((row - 1, col - 1))
        dropped += 1
        if dropped <= MAX_DROPPED_REPORTED:
            # the cell as written, even beyond the grid (A1048577 is «dòng 1048577», never the grid's last row);
            # a reference that is not one names no cell
            r0, c0 = (row - 1, col - 1) if row else (None, None)
            scan.notes.append(CellNote(r0, c0, ref.decode("ascii", "replace"), why, far=True))
    if dropped > MAX_DROPPED_REPORTED:
        rest = dropped - MAX_DROPPED_REPORTED
        scan.notes.append(CellNote(None, None, "", f"còn {rest} ô ở quá xa khác cũng bị bỏ qua", far=True))
    # rows with no cells left keep their element: harmless, calamine builds no range from them


def _used_area(xml: bytes, drop: list[tuple[int, int]]) -> int:
    """Rows x columns of the cells left once `drop` is removed (only called for suspicious sheets)."""
    gone = {span[0] for span in drop}
    last_row = last_col = 0
    for row, col, span, _ in _cells(xml):
        if row and span[0] not in gone:
            last_row, last_col = max(last_row, row), max(last_col, col)
    return last_row * last_col


# what a file's name promises, and what its bytes are (Preflight.kind)
_NAMED_KIND = {".xlsx": "zip", ".xlsm": "zip", ".xltx": "zip", ".xltm": "zip", ".xls": "ole", ".xlt": "ole",
               ".ods": "ods"}
KIND_WORDS = {"zip": "sổ Excel (.xlsx)", "ole": "sổ Excel 97-2003 (.xls)", "ods": "bảng tính OpenDocument (.ods)"}
KIND_SUFFIX = {"zip": ".xlsx", "ole": ".xls", "ods": ".ods"}


def misnamed(path: Path, kind: str) -> bool:
    """The file's bytes are a workbook of another kind than its name says («.xls» holding an .xlsx)."""
    return kind in KIND_WORDS and _NAMED_KIND.get(path.suffix.lower()) != kind
