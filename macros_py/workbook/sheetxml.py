"""Patching cells in a worksheet part (SpreadsheetML) without rewriting the rest of it.

The part is scanned row by row; a row that holds no cell to change is copied as it is, text for
text. In a row that does, only the cells to change are rebuilt; their style (`s`) is kept, a new
cell takes the style of the cell above it, or the column's. Text is written as an inline string,
so the shared-strings part is never touched. A cell holding a formula is never overwritten (it is
the clerk's, and keeping it keeps `calcChain.xml` valid): it is reported back instead.

This works on the serialised text because the grammar of `<sheetData>` is small and fixed (rows
of cells; `<`, `>` and `&` are always escaped inside values), and a full DOM of a 50,000-row
sheet would cost hundreds of MB.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from macros_py.ledger import problems
from macros_py.workbook.literal import escape_underscores

_NAME = r"(?:[A-Za-z_][\w.-]*:)?"
ROW_RE = re.compile(rf"<{_NAME}row\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</{_NAME}row>)", re.S)
CELL_RE = re.compile(rf"<{_NAME}c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</{_NAME}c>)", re.S)
ATTR_RE = re.compile(r"""([\w:.-]+)\s*=\s*(["'])(.*?)\2""", re.S)
REF_RE = re.compile(r"([A-Z]{1,3})(\d+)$")
FORMULA_RE = re.compile(rf"<{_NAME}f[\s>/]")
ROW_ATTR_R = re.compile(r"""\br\s*=\s*(["'])(\d+)\1""")
SPANS_RE = re.compile(r"""\s+spans\s*=\s*(["'])[^"']*\1""")
DIMENSION_RE = re.compile(rf"""<{_NAME}dimension\b[^>]*?\bref\s*=\s*(["'])([^"']*)\1""")
SHEETDATA_OPEN = re.compile(rf"<(?P<p>{_NAME})sheetData\b[^>]*?(?P<empty>/)?>")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # lone surrogates too
EXCEL_TEXT_LIMIT = 32767
EXCEL_EPOCH = date(1899, 12, 30)
EPOCH_1904 = date(1904, 1, 1)


@lru_cache(maxsize=None)
def column_letter(col: int) -> str:
    """1-based column -> Excel letters (cached: called for every cell written)."""
    return problems.column_letter(col - 1)


@lru_cache(maxsize=None)
def column_number(letters: str) -> int:
    """Excel letters -> 1-based column."""
    return problems.column_index(letters) + 1


def _escape(text: str) -> str:
    """Cell text as XML: `&<>` escaped, a carriage return as a character reference (a parser turns a
    literal one into a line feed), and text that reads as Excel's `_xHHHH_` escape with its
    underscore escaped (else Excel, LibreOffice and calamine read "_x000D_" as a carriage return)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return escape_underscores(text)


def clean_text(text: str) -> str:
    """Text as a cell can hold it: characters XML 1.0 forbids removed, cut to Excel's limit."""
    return _ILLEGAL_XML.sub("", text)[:EXCEL_TEXT_LIMIT]


def excel_serial(value: date | datetime, date1904: bool = False) -> float | int:
    epoch = EPOCH_1904 if date1904 else EXCEL_EPOCH
    if not date1904 and (value.date() if isinstance(value, datetime) else value) < date(1900, 3, 1):
        epoch = date(1899, 12, 31)  # Excel's 1900 system counts a 29/02/1900: days before it are one less
    if isinstance(value, datetime):
        delta = value - datetime.combine(epoch, time())
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return (value - epoch).days


@dataclass
class SheetPatchResult:
    chunks: Iterable[str]  # the new part's text in pieces, consumed once (joined only by whoever needs it whole)
    formulas_kept: list[tuple[int, int]] = field(default_factory=list)  # (row, col) not overwritten
    max_row: int = 0
    max_col: int = 0
    has_formulas: bool = False  # the part holds a formula anywhere


# a function that answers the style index to use for a value written over style `s`:
# date values need a date format (styles.xml may have to gain one)
StyleFor = Callable[[int, Any], int]


def _attrs(text: str) -> dict[str, str]:
    return {k: v for k, _, v in ATTR_RE.findall(text)}


def value_xml(ref: str, style: int, value: Any, style_for: StyleFor, date1904: bool, p: str = "") -> str:
    """One `<c>` element holding `value` (None: an empty cell that keeps its style); `p`: the
    prefix the part gives the main namespace ("x:" in `<x:worksheet xmlns:x=...>`)."""
    if value is not None:
        style = style_for(style, value)
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<{p}c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<{p}c r="{ref}"{s} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, (date, datetime)):
        return f'<{p}c r="{ref}"{s}><{p}v>{excel_serial(value, date1904)}</{p}v></{p}c>'
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} into a cell")
        return f'<{p}c r="{ref}"{s}><{p}v>{value!r}</{p}v></{p}c>'
    text = _escape(clean_text(str(value)))
    return f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">{text}</{p}t></{p}is></{p}c>'


def _cells(body: str, row: int) -> list[tuple[int, str, int, bool]]:
    """(column, text, style, has formula) of each cell in a row's body."""
    out = []
    col = 0
    for m in CELL_RE.finditer(body):
        attrs = _attrs(m.group("attrs"))
        ref = REF_RE.match(attrs.get("r", ""))
        col = column_number(ref.group(1)) if ref else col + 1
        out.append((col, m.group(0), int(attrs.get("s", 0) or 0), bool(m.group("body") and
                                                                         FORMULA_RE.search(m.group("body")))))
    return out


def patch_sheet(xml: bytes, cells: Mapping[tuple[int, int], Any], style_for: StyleFor, *,
                date1904: bool = False, column_styles: Mapping[int, int] | None = None) -> SheetPatchResult:
    """Set `cells` ({(row, col): value}, 1-based) in the worksheet part `xml`."""
    text = xml.decode("utf-8")
    del xml  # the caller passes its only reference: a large sheet is not held twice
    column_styles = column_styles or {}
    has_formulas = FORMULA_RE.search(text) is not None
    arrays = _array_ranges(text) if has_formulas else []
    locked = [(r, c) for r, c in cells if any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in arrays)]
    by_row: dict[int, dict[int, Any]] = {}
    for (r, c), v in cells.items():
        by_row.setdefault(r, {})[c] = v
    for r, c in locked:  # a cell of an array formula's range is part of that formula, even without <f>
        del by_row[r][c]
        if not by_row[r]:
            del by_row[r]
    pending = sorted(by_row)
    result = SheetPatchResult([])
    opening = SHEETDATA_OPEN.search(text)
    if opening is None:
        raise ValueError("worksheet part without sheetData")
    prefix = opening.group("p")
    if opening.group("empty"):
        end = opening.end()
        head, tail = text[: opening.start()] + f"<{prefix}sheetData>", f"</{prefix}sheetData>" + text[end:]
        text, lo, hi = "", 0, 0
    else:
        close = text.index(f"</{prefix}sheetData>", opening.end())
        head, tail = text[: opening.end()], text[close:]
        lo, hi = opening.end(), close

    fast = _fast_sheet(text, lo, hi, by_row, pending, prefix, style_for, date1904, column_styles, result)
    result.has_formulas = has_formulas
    if fast is not None:
        result.formulas_kept += locked
        head = _grow_dimension(head, max(pending, default=0), result.max_col)
        # the unchanged stretches are cut from the sheet's text only as the compressor takes them:
        # a large sheet is then held once, not once whole and once in pieces
        result.chunks = _pieces(head, text, fast, tail)
        return result
    data = text[lo:hi]
    del text
    result.formulas_kept.clear()
    result.max_col = 0

    out: list[str] = []
    prev_styles: dict[int, int] = {}
    prev_text: str | None = None  # the previous row's text, parsed only when a new cell needs it
    position = 0
    last_row = 0
    i = 0

    def styles_above() -> dict[int, int]:
        nonlocal prev_text, prev_styles
        if prev_text is not None:
            m = ROW_RE.match(prev_text)
            prev_styles = {c: s for c, _, s, _ in _cells(m.group("body") or "", 0)} if m else {}
            prev_text = None
        return prev_styles

    def new_cells(row: int, wanted: dict[int, Any]) -> dict[int, str]:
        above = styles_above()
        return {c: value_xml(column_letter(c) + str(row), above.get(c, column_styles.get(c, 0)), v, style_for,
                             date1904, prefix) for c, v in wanted.items()}

    def emit_new_row(row: int) -> None:
        nonlocal prev_styles, prev_text
        made = new_cells(row, by_row[row])
        out.append(f'<{prefix}row r="{row}">' + "".join(made[c] for c in sorted(made)) + f"</{prefix}row>")
        result.max_col = max(result.max_col, max(made))
        prev_styles = {c: int((_attrs(CELL_RE.match(x).group("attrs")).get("s", 0)) or 0) for c, x in made.items()}
        prev_text = None

    for m in ROW_RE.finditer(data):
        attrs = m.group("attrs")
        r_match = ROW_ATTR_R.search(attrs)
        row = int(r_match.group(2)) if r_match else last_row + 1
        while i < len(pending) and pending[i] < row:
            out.append(data[position: m.start()])
            position = m.start()
            emit_new_row(pending[i])
            i += 1
        last_row = row
        if i < len(pending) and pending[i] == row:
            out.append(data[position: m.start()])
            position = m.end()
            new_row = _fast_row(m.group(0), row, by_row[row], prefix, style_for, date1904, result)
            if new_row is None:
                new_row = _slow_row(m, row, attrs, by_row[row], prefix, style_for, date1904, result, new_cells)
            out.append(new_row)
            i += 1
            prev_text = new_row
        else:
            prev_text = m.group(0)
    out.append(data[position:])
    while i < len(pending):
        emit_new_row(pending[i])
        i += 1
    result.max_row = max([last_row, *pending]) if pending or last_row else 0
    head = _grow_dimension(head, max(pending, default=0), result.max_col)
    result.chunks = [head, *out, tail]
    result.formulas_kept += locked
    return result


_RANGE_FORMULA = re.compile(rf"<{_NAME}f\b(?P<attrs>[^>]*?\bt\s*=\s*[\"'](?:array|dataTable)[\"'][^>]*?)/?>")


def _array_ranges(text: str) -> list[tuple[int, int, int, int]]:
    """(first row, first col, last row, last col) of every array formula and data table in the part."""
    out = []
    for m in _RANGE_FORMULA.finditer(text):
        first, _, last = _attrs(m.group("attrs")).get("ref", "").replace("$", "").partition(":")
        a, b = REF_RE.match(first), REF_RE.match(last or first)
        if a and b:
            out.append((int(a.group(2)), column_number(a.group(1)), int(b.group(2)), column_number(b.group(1))))
    return out


_S_ATTR = re.compile(r"""\ss\s*=\s*["'](\d+)["']""")


def _pieces(head: str, text: str, pieces: list[str | tuple[int, int]], tail: str) -> Iterator[str]:
    yield head
    for piece in pieces:
        yield piece if isinstance(piece, str) else text[piece[0]:piece[1]]
    yield tail


def _fast_sheet(data: str, lo: int, hi: int, by_row: Mapping[int, Mapping[int, Any]], pending: list[int],
                prefix: str, style_for: StyleFor, date1904: bool, column_styles: Mapping[int, int],
                result: SheetPatchResult) -> list[str | tuple[int, int]] | None:
    """sheetData (`data[lo:hi]`) with the rows to change found by their opening tag, in file order,
    without scanning the others: new rows as text, the stretches between them as (start, end) of
    `data`; None when a row is missing or unusual (the full scan handles it)."""
    out: list[str | tuple[int, int]] = []
    position = lo
    for row in pending:
        start = data.find(f'<{prefix}row r="{row}"', position, hi)
        if start < 0:
            return None
        tag_end = data.find(">", start, hi)
        if tag_end < 0:
            return None
        if data[tag_end - 1] == "/":
            return None  # an empty row: the full scan inserts its cells
        end = data.find(f"</{prefix}row>", tag_end, hi)
        if end < 0:
            return None
        end += len(prefix) + 6
        new_row = _fast_row(data[start:end], row, by_row[row], prefix, style_for, date1904, result)
        if new_row is None:
            m = ROW_RE.match(data, start, end)
            if m is None or m.end() != end:
                return None
            above = _styles_before(data, lo, start, prefix)

            def new_cells(r: int, wanted: dict[int, Any]) -> dict[int, str]:
                return {c: value_xml(column_letter(c) + str(r), above.get(c, column_styles.get(c, 0)), v,
                                     style_for, date1904, prefix) for c, v in wanted.items()}

            new_row = _slow_row(m, row, m.group("attrs"), by_row[row], prefix, style_for, date1904, result,
                                new_cells)
        out += ((position, start), new_row)
        position = end
    out.append((position, hi))
    return out


def _styles_before(data: str, lo: int, start: int, prefix: str) -> dict[int, int]:
    """Column -> style of the row just above the one starting at `start` (rows begin at `lo`)."""
    before = data.rfind(f"<{prefix}row ", lo, start)
    if before < 0:
        return {}
    m = ROW_RE.match(data, before, start)
    return {c: s for c, _, s, _ in _cells(m.group("body") or "", 0)} if m else {}


def _fast_row(text: str, row: int, wanted: Mapping[int, Any], prefix: str, style_for: StyleFor,
              date1904: bool, result: SheetPatchResult) -> str | None:
    """The row with `wanted` cells replaced in place when every one of them already exists with its
    reference as first attribute (as Excel, LibreOffice and openpyxl write them); else None."""
    spans: list[tuple[int, int, str]] = []
    kept: list[tuple[int, int]] = []
    for col in sorted(wanted):
        ref = f"{column_letter(col)}{row}"
        start = text.find(f'<{prefix}c r="{ref}"')
        if start < 0:
            return None
        tag_end = text.index(">", start)
        if text[tag_end - 1] == "/":
            end = tag_end + 1
            body = ""
        else:
            close = text.index(f"</{prefix}c>", tag_end)
            end = close + len(prefix) + 4
            body = text[tag_end + 1: close]
        if "f" in body and FORMULA_RE.search(body):
            kept.append((row, col))
            continue
        s = _S_ATTR.search(text, start, tag_end)
        spans.append((start, end, value_xml(ref, int(s.group(1)) if s else 0, wanted[col], style_for, date1904,
                                            prefix)))
    spans.sort()  # in the text's order: a row's cells may be out of column order
    result.formulas_kept += kept
    result.max_col = max(result.max_col, max(wanted))
    pieces, last = [], 0
    for start, end, cell in spans:
        pieces += (text[last:start], cell)
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _slow_row(m: re.Match[str], row: int, attrs: str, wanted_cells: Mapping[int, Any], prefix: str,
              style_for: StyleFor, date1904: bool, result: SheetPatchResult,
              new_cells: Callable[[int, dict[int, Any]], dict[int, str]]) -> str:
    """The row rebuilt cell by cell: for cells to insert, or references written unusually."""
    wanted = dict(wanted_cells)
    pieces: dict[int, str] = {}
    for col, cell_text, style, has_formula in _cells(m.group("body") or "", row):
        if col in wanted:
            if has_formula:
                result.formulas_kept.append((row, col))
                pieces[col] = cell_text
            else:
                pieces[col] = value_xml(column_letter(col) + str(row), style, wanted[col], style_for, date1904,
                                        prefix)
            del wanted[col]
        else:
            pieces[col] = cell_text
    if wanted:
        row_attrs = _attrs(attrs)
        if row_attrs.get("customFormat") in ("1", "true") and (row_attrs.get("s") or "0").isdigit():
            # a formatted row: its empty cells show in the row's style, so a new one takes it
            style = int(row_attrs.get("s") or 0)
            pieces.update({c: value_xml(column_letter(c) + str(row), style, v, style_for, date1904, prefix)
                           for c, v in wanted.items()})
        else:
            pieces.update(new_cells(row, wanted))
        attrs = SPANS_RE.sub("", attrs)  # spans is an optional hint; it may no longer be right
    result.max_col = max(result.max_col, max(pieces))
    name = f"{prefix}row"
    return f"<{name}{attrs}>" + "".join(pieces[c] for c in sorted(pieces)) + f"</{name}>"


def _grow_dimension(head: str, max_row: int, max_col: int) -> str:
    m = DIMENSION_RE.search(head)
    if m is None or not max_row:
        return head
    first, _, last = m.group(2).partition(":")
    last = last or first
    ref = REF_RE.match(last)
    if ref is None:
        return head
    new_col = max(column_number(ref.group(1)), max_col)
    new_row = max(int(ref.group(2)), max_row)
    new_last = f"{column_letter(new_col)}{new_row}"
    if new_last == last:
        return head
    start, end = m.span(2)
    return head[:start] + f"{first}:{new_last}" + head[end:]
