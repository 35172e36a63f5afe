"""A national register printed from the ledger: entered once, printed as the register the unit must keep.

`export_register(ledger, "04", out)` writes the records of the register's sheet in the register's own
columns (`schema.REGISTER_LAYOUTS`), composite cells written as `values.extract` reads them back, the
unit's own columns from the ledger when it has them, the numbering row (1), (2), ... under the header,
and the print layout of the ledger (`print_layout.set_print_layout`: A4 landscape at 8 pt or more, columns
in printed groups that repeat the first column, the header and numbering rows on every page, the unit's
name in the page header, «Trang N» from 1); every row as tall as its wrapped text, so that a PDF
(`export --so NN --pdf`) never prints a row over the next. The ledger itself is never changed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from macros_py.ledger.schema import DATE_FORMAT, REGISTER_LAYOUTS, RegisterLayout
from macros_py.ledger.values import compose, fold
from macros_py.workbook.literal import literal_cell
from workbook_templates.print_layout import set_print_layout, wrapped_height

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name="Times New Roman", size=11)
_BOLD = Font(name="Times New Roman", size=11, bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")


class ExportError(Exception):
    """A Vietnamese sentence: the register asked for cannot be printed."""


def layout_for(code: str) -> RegisterLayout:
    for layout in REGISTER_LAYOUTS:
        if layout.code == code.zfill(2):
            return layout
    raise ExportError(f"không có mẫu Sổ {code}; kiemsat in được: "
                      + ", ".join(f"{x.code} ({x.title})" for x in REGISTER_LAYOUTS) + ".")


def _row(headers: Any, rec: Any, n: int) -> list[Any]:
    """One record in the register's columns."""
    own = {fold(k): v for k, v in rec.extra.items()}
    row = []
    for h in headers:
        if h.fills and not (h.fallback and all(rec.values.get(k) is None for k, _ in h.fills)):
            row.append(compose(h.fills, rec.values))
        elif fold(h.header) == "stt":
            row.append(own.get("stt", n))
        else:
            row.append(own.get(fold(h.header)))
    return row


def _width(header: str, values: list[Any]) -> float:
    """A column as wide as its header needs (up to 30), wider for long values: at most 3 lines of the
    longest value, up to 40."""
    width = max(8.0, min(30.0, len(header) * 0.9))
    longest = max((len(v.strftime("%d/%m/%Y")) if isinstance(v, date) else len(str(v)) for v in values
                   if v is not None), default=0)
    if longest > width:
        width = min(40.0, max(width, longest / 3 + 1, min(longest + 1.0, 12.0)))
    return width


def export_register(ledger: Any, code: str, out: Path, unit: str = "") -> int:
    """Write register `code` from `ledger` (a reader.Ledger) to `out`; returns the number of rows."""
    layout = layout_for(code)
    wb = Workbook()
    ws = wb.active
    ws.title = f"Sổ {layout.code}"
    headers = layout.printed
    unit = unit or str(ledger.settings.get("unit_name") or "")
    records = ledger.records(layout.sheet)
    rows = [_row(headers, rec, n) for n, rec in enumerate(records, start=1)]
    widths = [_width(h.header, [r[j] for r in rows]) for j, h in enumerate(headers)]
    set_print_layout(ws, widths, layout.title.upper(), unit, keys=1, title_rows="4:5", unit_on_first=False)
    ws.append([unit])
    ws.append([layout.title.upper()])
    ws.append([])
    ws.append([h.header for h in headers])
    ws.append([f"({i})" for i in range(1, len(headers) + 1)])
    for cell in ws[4]:
        cell.font, cell.alignment, cell.border = _BOLD, _CENTER, _BORDER
    for cell in ws[5]:
        cell.font, cell.alignment, cell.border = _FONT, _CENTER, _BORDER
    ws["A1"].font = ws["A2"].font = _BOLD
    for row in rows:
        ws.append(row)
        shown = [v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row]
        height = wrapped_height([v if isinstance(v, str) else str(v or "") for v in shown], widths)
        if height:
            ws.row_dimensions[ws.max_row].height = height
        for cell in ws[ws.max_row]:
            literal_cell(cell)  # the ledger's text, exported: never a formula
            cell.font, cell.alignment, cell.border = _FONT, _WRAP, _BORDER
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(4, j).column_letter].width = width
    ws.row_dimensions[4].height = max(60, wrapped_height([h.header for h in headers], widths) or 0)
    wb.properties.creator = "kiemsat"
    wb.save(out)
    return len(records)
