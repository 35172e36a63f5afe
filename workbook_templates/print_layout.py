"""How a ledger sheet or an exported register prints: A4 landscape, never below 8 pt.

A 44-column sheet «fit to one page wide» prints at about 2 pt. Instead the columns are split into printed
groups: each group fits the width of an A4 landscape page at the largest scale that still needs no more
groups than at the smallest readable one (11 pt text scaled to at least 8 pt: 76%), a manual column break
ends each group, and the key columns (the case's number) repeat at the left of every page, the header rows
at the top. Pages run down the rows of a group, then on to the next group (Excel's «Down, then over»).

The page header carries the unit's name (left) and the sheet's title (right; not on the first page, whose
first row already holds it); the footer «Trang N» restarts at 1 on every sheet, so a workbook printed at once
numbers each register's pages from 1. Header and footer keep their own size (not scaled with the sheet).

`wrapped_height` gives the height a row needs so that wrapped text is not printed over the next row (other
applications than Excel do not grow a row by themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["MIN_SCALE", "PRINTABLE_WIDTH_PT", "column_groups", "print_scale", "set_print_layout", "wrapped_height"]

BODY_PT = 11  # the sheets' text
MIN_PT = 8  # the smallest printed text allowed
MIN_SCALE = 76  # percent: 11 pt * 0.76 = 8.4 pt (LibreOffice prints a scaled sheet about 3% smaller still)
MARGIN_IN = 0.4  # left and right
PRINTABLE_WIDTH_PT = 297 / 25.4 * 72 - 2 * MARGIN_IN * 72  # A4 landscape, less the margins
SLACK = 0.96  # of the page's width used: applications round column widths differently
HEADER_PT = 11  # page header and footer (Excel does not scale them; LibreOffice does)
LINE_PT = 15  # one line of 11 pt Times New Roman
CHARS_PER_WIDTH = 1.0  # Vietnamese text in 11 pt Times New Roman: characters per unit of column width (measured in LibreOffice: 1.15 wrapped a 54-character name in a 50-wide column onto 2 lines)


def width_pt(width: float) -> float:
    """A column's printed width at 100%, in points (Excel: 7 px a character plus 5 px padding, 96 dpi)."""
    return (width * 7 + 5) * 0.75


def column_groups(widths: Sequence[float], keys: int, scale: int) -> list[int]:
    """The 1-based index of the last column of each printed group but the last: every group, after the `keys`
    repeated key columns, fits the page at `scale` percent (a column wider than a page gets a page of its own)."""
    room = PRINTABLE_WIDTH_PT * SLACK * 100 / scale - sum(width_pt(w) for w in widths[:keys])
    breaks: list[int] = []
    used = 0.0
    for j in range(keys, len(widths)):
        w = width_pt(widths[j])
        if used and used + w > room:
            breaks.append(j)  # column j (0-based) starts a new group: the break is after column j (1-based)
            used = 0.0
        used += w
    return breaks


def print_scale(widths: Sequence[float], keys: int) -> int:
    """The largest scale (percent, at most 100) that prints the sheet in as few groups as the smallest
    readable scale does."""
    fewest = len(column_groups(widths, keys, MIN_SCALE))
    return next(s for s in range(100, MIN_SCALE - 1, -1) if len(column_groups(widths, keys, s)) == fewest)


def set_print_layout(ws: Any, widths: Sequence[float], title: str, unit: str = "", *, keys: int = 1,
                     title_rows: str | None = None, landscape: bool = True, unit_on_first: bool = True) -> int:
    """Page set-up of `ws` (also a write-only sheet, before its first row); returns the scale chosen.
    `unit_on_first`: False when the sheet's first rows already print the unit's name."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    scale = print_scale(widths, keys) if landscape else 100
    ws.page_setup.scale = scale
    ws.page_setup.pageOrder = "downThenOver"
    ws.page_setup.firstPageNumber = 1
    ws.page_setup.useFirstPageNumber = True
    for j in column_groups(widths, keys, scale):
        ws.col_breaks.append(Break(id=j))
    if title_rows:
        ws.print_title_rows = title_rows
    if keys:
        last = _letter(keys)
        ws.print_title_cols = f"A:{last}"
    ws.page_margins.left = ws.page_margins.right = MARGIN_IN
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    hf = ws.HeaderFooter
    hf.scaleWithDoc = False
    hf.differentFirst = True
    unit_text, title_text = unit.replace("&", "&&"), title.replace("&", "&&")
    # the unit at the left, the title at the right (a centred block would need a line break, which openpyxl
    # writes as «_x000a_»); the first page has the title in its first row already
    for header in ((hf.oddHeader, hf.firstHeader) if unit_on_first else (hf.oddHeader,)) if unit_text else ():
        header.left.text = unit_text
        header.left.size = HEADER_PT
        header.left.font = "Times New Roman,Bold"
    hf.oddHeader.right.text = title_text
    hf.oddHeader.right.size = HEADER_PT
    hf.oddHeader.right.font = "Times New Roman,Bold"
    for footer in (hf.oddFooter, hf.firstFooter):
        footer.center.text = "Trang &P"
        footer.center.size = HEADER_PT
        footer.center.font = "Times New Roman"
    return scale


def wrapped_height(values: Sequence[Any], widths: Sequence[float]) -> float | None:
    """The height (points) a row of wrapped cells needs, None when one line is enough."""
    lines = max((_lines(v, w) for v, w in zip(values, widths)), default=1)
    return LINE_PT * lines if lines > 1 else None


def _lines(value: Any, width: float) -> int:
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(int(width * CHARS_PER_WIDTH) - 1, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)
