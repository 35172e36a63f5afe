"""The Thống kê sheet: the summary tables, one under the other, each followed by its native chart.

The layout is computed once (`layout`) as plain data: which value goes in which cell with which
style, which cells merge, column widths, and each chart with the cell ranges it reads. A
`SheetWriter` then puts it into a sheet. `OpenpyxlSheetWriter` writes into a workbook file (the
CLI: into the ledger through `safefile.edit_workbook`, or into a standalone .xlsx); the Excel
add-in can implement the same five methods with xlwings to write into the live workbook
(`write_statistics(stats, writer)`).

Rewriting replaces the sheet's content: the old sheet is removed and a new one takes its place
(same position), so nothing is ever appended below an earlier run.

The sheet is not a ledger sheet. Its header cells are chosen so that the reader can never take
it for one (at most one header of a row matches a schema column; tests/test_stats_sheet.py
checks it); the reader lists it among the unknown sheets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from macros_py.ledger.schema import STATS_SHEET
from macros_py.ledger.values import fmt_date
from macros_py.stats.summaries import TOTAL_ROW, Chart, Statistics, StatsTable, drawn_series
from macros_py.workbook.literal import literal_cell

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "STATS_SHEET", "STYLE_SPECS", "CellOut", "CellStyle", "ChartOut", "OpenpyxlSheetWriter", "SheetLayout",
    "SheetWriter", "free_title", "layout", "save_statistics_workbook", "write_statistics", "write_statistics_sheet",
    "write_statistics_to_ledger",
]

MARKER = "kiemsat_ThongKe"  # a sheet-scoped defined name: this sheet was written by kiemsat
STYLES = ("title", "subtitle", "heading", "header", "label", "number", "share", "total_label",
          "total_number", "total_share", "note")
LABEL_WIDTH = 40.0
VALUE_WIDTH = 15.0
ROW_HEIGHT_CM = 0.53  # Excel's default row (15 pt)
CHART_WIDTH_CM = 17.0
CHART_MIN_HEIGHT_CM = 7.5
BAR_CM = 1.0  # per category of a horizontal bar chart (less and LibreOffice skips names)
HEADER_LINE_PT = 15.0
FONT_NAME = "Times New Roman"
NO_SHARE = "—"  # a share of 0 of 0
BORDER_COLOUR = "8EA9DB"


@dataclass(frozen=True)
class CellStyle:
    """How a style of the sheet looks, for any writer (colours as RRGGBB)."""

    size: float
    bold: bool = False
    italic: bool = False
    colour: str | None = None  # the font's
    fill: str | None = None  # solid background
    horizontal: str | None = None  # "left", "center", "right"
    vertical: str | None = None  # "center", "top"
    wrap: bool | None = None
    number_format: str | None = None
    border: bool = False  # thin lines of BORDER_COLOUR on every side


_HEADER_FILL, _TOTAL_FILL = "1F4E78", "DDEBF7"
STYLE_SPECS: dict[str, CellStyle] = {
    "title": CellStyle(14, bold=True, colour="1F3864", horizontal="center"),
    "subtitle": CellStyle(11, italic=True, horizontal="center", wrap=False),
    "heading": CellStyle(12, bold=True, colour="1F3864", horizontal="left"),
    "header": CellStyle(11, bold=True, colour="FFFFFF", fill=_HEADER_FILL, horizontal="center", vertical="center",
                        wrap=True, border=True),
    "label": CellStyle(11, horizontal="left", vertical="center", wrap=True, border=True),
    "number": CellStyle(11, horizontal="right", vertical="center", number_format="#,##0", border=True),
    "share": CellStyle(11, horizontal="right", vertical="center", number_format="0.00%", border=True),
    "total_label": CellStyle(11, bold=True, fill=_TOTAL_FILL, horizontal="left", vertical="center", wrap=True,
                             border=True),
    "total_number": CellStyle(11, bold=True, fill=_TOTAL_FILL, horizontal="right", vertical="center",
                              number_format="#,##0", border=True),
    "total_share": CellStyle(11, bold=True, fill=_TOTAL_FILL, horizontal="right", vertical="center",
                             number_format="0.00%", border=True),
    "note": CellStyle(10, italic=True, colour="404040", horizontal="left", vertical="top", wrap=True),
}
assert set(STYLE_SPECS) == set(STYLES)


def free_title(title: str, taken: Iterable[str]) -> str:
    """`title`, or «title (2)», «title (3)»... whichever no sheet in `taken` bears (case ignored)."""
    used = {t.casefold() for t in taken}
    return next(t for t in (title, *(f"{title} ({n})" for n in range(2, 100))) if t.casefold() not in used)


@dataclass(frozen=True)
class CellOut:
    row: int  # 1-based
    col: int  # 1-based
    value: Any
    style: str  # one of STYLES


@dataclass(frozen=True)
class ChartOut:
    chart: Chart
    anchor: tuple[int, int]  # (row, col) of the top-left cell
    header_row: int  # the row of the series names
    first_row: int  # first data row
    last_row: int  # last data row (the total row is not drawn)
    label_col: int  # the categories
    series_cols: tuple[int, ...]  # the values drawn, one series per column
    width_cm: float
    height_cm: float


@dataclass
class SheetLayout:
    cells: list[CellOut] = field(default_factory=list)
    merges: list[tuple[int, int, int]] = field(default_factory=list)  # (row, first col, last col)
    widths: dict[int, float] = field(default_factory=dict)  # col -> width in characters
    heights: dict[int, float] = field(default_factory=dict)  # row -> height in points (taller rows only)
    charts: list[ChartOut] = field(default_factory=list)
    table_rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # table key -> (header row, last row)


class SheetWriter(Protocol):
    """What writing the Thống kê sheet needs from a spreadsheet (openpyxl here; xlwings in Excel)."""

    def reset(self) -> None:
        """Empty kiemsat's statistics sheet: values, formats, merges and charts (create it if missing)."""

    def cell(self, row: int, col: int, value: Any, style: str) -> None: ...

    def merge(self, row: int, first_col: int, last_col: int) -> None: ...

    def column_width(self, col: int, width: float) -> None: ...

    def row_height(self, row: int, points: float) -> None: ...

    def chart(self, spec: ChartOut) -> None: ...


# ---------------------------------------------------------------- layout


def _chart_height(chart: Chart, categories: int) -> float:
    if chart.kind == "hbar":
        return max(CHART_MIN_HEIGHT_CM, 4.0 + BAR_CM * categories)
    return CHART_MIN_HEIGHT_CM


def _table(out: SheetLayout, table: StatsTable, number: int, top: int) -> int:
    """Lay out one table (and its chart) from row `top`; returns the next free row."""
    ncols = 1 + len(table.columns)
    out.cells.append(CellOut(top, 1, f"{number}. {table.title}", "heading"))
    out.merges.append((top, 1, max(ncols, 4)))
    header = top + 1
    out.cells.append(CellOut(header, 1, table.label, "header"))
    longest = max((len(name) for name in table.columns), default=0)
    out.heights[header] = HEADER_LINE_PT * max(1, math.ceil(longest / (VALUE_WIDTH - 2)))
    for j, name in enumerate(table.columns, start=2):
        out.cells.append(CellOut(header, j, name, "header"))
    r = header
    for label, values in table.rows:
        r += 1
        out.cells.append(CellOut(r, 1, label, "label"))
        for j, v in enumerate(values):
            out.cells.append(CellOut(r, 2 + j, NO_SHARE if v is None else v, "share" if j in table.shares else "number"))
    last = r
    if table.total is not None:
        r += 1
        out.cells.append(CellOut(r, 1, TOTAL_ROW, "total_label"))
        for j, v in enumerate(table.total):
            out.cells.append(CellOut(r, 2 + j, NO_SHARE if v is None else v,
                                     "total_share" if j in table.shares else "total_number"))
    out.table_rows[table.key] = (header, r)
    if table.note:
        r += 1
        out.cells.append(CellOut(r, 1, table.note, "note"))
        out.merges.append((r, 1, max(ncols, 6)))
    r += 2
    if table.chart is not None and table.rows:
        height = _chart_height(table.chart, len(table.rows))
        out.charts.append(ChartOut(table.chart, (r, 1), header, header + 1, last, 1,
                                   tuple(2 + j for j in drawn_series(table, table.chart)), CHART_WIDTH_CM, height))
        r += math.ceil(height / ROW_HEIGHT_CM) + 2
    return r


def layout(stats: Statistics, created: datetime | None = None) -> SheetLayout:
    out = SheetLayout()
    out.cells.append(CellOut(1, 1, f"THỐNG KÊ SỐ LIỆU {stats.period.label.upper()}", "title"))
    out.merges.append((1, 1, 7))
    made = fmt_date((created or datetime.now()).date())
    out.cells.append(CellOut(2, 1, f"Kỳ báo cáo {stats.period.span}; thời hạn tố tụng tính đến ngày "
                                   f"{fmt_date(stats.today)}. Lập ngày {made} từ sổ «{stats.source}».", "subtitle"))
    out.merges.append((2, 1, 7))
    r = 3
    if stats.undated:
        missing = "; ".join(f"«{k}»: {v} dòng" for k, v in stats.undated.items())
        out.cells.append(CellOut(r, 1, f"Không tính các dòng chưa có ngày: {missing}.", "note"))
        out.merges.append((r, 1, 7))
        r += 1
    r += 1
    widest = 1
    for number, table in enumerate(stats.tables, start=1):
        r = _table(out, table, number, r)
        widest = max(widest, 1 + len(table.columns))
    out.widths[1] = LABEL_WIDTH
    for c in range(2, widest + 1):
        out.widths[c] = VALUE_WIDTH
    return out


def write_statistics(stats: Statistics, writer: SheetWriter, created: datetime | None = None) -> SheetLayout:
    """Replace the content of the writer's sheet with the statistics; returns the layout used."""
    plan = layout(stats, created)
    writer.reset()
    for col, width in plan.widths.items():
        writer.column_width(col, width)
    for row, points in plan.heights.items():
        writer.row_height(row, points)
    for c in plan.cells:
        writer.cell(c.row, c.col, c.value, c.style)
    for row, first, last in plan.merges:
        writer.merge(row, first, last)
    for chart in plan.charts:
        writer.chart(chart)
    return plan


# ---------------------------------------------------------------- openpyxl


class OpenpyxlSheetWriter:
    """Writes the Thống kê sheet of an openpyxl workbook, replacing an earlier one in place.

    The sheet kiemsat wrote carries the defined name MARKER; a sheet named «Thống kê» without it
    is the clerk's own and is left alone (the statistics then go to «Thống kê (2)»).
    """

    def __init__(self, wb: Workbook, title: str = STATS_SHEET):
        self.wb, self.title = wb, title
        self.ws: Worksheet | None = None
        self._styles = _openpyxl_styles()

    def reset(self) -> None:
        wb = self.wb
        ours = next((ws for ws in wb.worksheets if MARKER in ws.defined_names), None)
        index = len(wb.worksheets)
        if ours is not None:
            index = wb.worksheets.index(ours)
            self.title = ours.title
            wb.remove(ours)
        else:  # never replace a sheet of the clerk's own that happens to bear the name
            self.title = free_title(self.title, (ws.title for ws in wb.worksheets))
        from openpyxl.utils import quote_sheetname
        from openpyxl.workbook.defined_name import DefinedName

        ws = wb.create_sheet(self.title, index)
        ws.defined_names[MARKER] = DefinedName(MARKER, attr_text=f"{quote_sheetname(ws.title)}!$A$1")
        ws.sheet_view.showGridLines = False
        ws.page_setup.orientation = "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.oddFooter.center.text = "Trang &P / &N"
        self.ws = ws

    def _sheet(self) -> Worksheet:
        assert self.ws is not None, "reset() first"
        return self.ws

    def cell(self, row: int, col: int, value: Any, style: str) -> None:
        cell = literal_cell(self._sheet().cell(row, col, value))  # a name from the ledger stays text
        font, fill, align, fmt, border = self._styles[style]
        cell.font = font
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        cell.alignment = align
        if fmt:
            cell.number_format = fmt

    def merge(self, row: int, first_col: int, last_col: int) -> None:
        if last_col > first_col:
            self._sheet().merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)

    def column_width(self, col: int, width: float) -> None:
        from openpyxl.utils import get_column_letter

        self._sheet().column_dimensions[get_column_letter(col)].width = width

    def row_height(self, row: int, points: float) -> None:
        self._sheet().row_dimensions[row].height = points

    def chart(self, spec: ChartOut) -> None:
        from openpyxl.chart import BarChart, LineChart, Reference
        from openpyxl.chart.label import DataLabelList
        from openpyxl.utils import get_column_letter

        ws = self._sheet()
        c = spec.chart
        if c.kind == "line":
            chart: Any = LineChart()
        else:
            chart = BarChart()
            chart.type = "bar" if c.kind == "hbar" else "col"
            if c.kind == "hbar" and len(spec.series_cols) > 1:
                chart.grouping, chart.overlap = "stacked", 100
            chart.gapWidth = 60
        for col in spec.series_cols:
            chart.add_data(Reference(ws, min_col=col, min_row=spec.header_row, max_row=spec.last_row),
                           titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=spec.label_col, min_row=spec.first_row, max_row=spec.last_row))
        if c.kind == "line":
            for series in chart.series:
                series.smooth = False
        chart.x_axis.tickLblSkip = 1  # every name, not every other one
        chart.title = c.title
        chart.y_axis.title = c.axis_title
        # openpyxl >= 3.1 leaves the axes' «delete» unset, which Excel reads as hidden axes
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        if c.kind == "hbar":
            chart.x_axis.scaling.orientation = "maxMin"  # first name at the top, as in the table
        if len(spec.series_cols) == 1:
            chart.legend = None
            chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                             showLegendKey=False, showPercent=False)
            if c.kind == "line":
                chart.dataLabels.position = "t"
        else:
            chart.legend.position = "b"
        if c.axis_title == "Tỷ lệ":
            chart.y_axis.number_format = "0%"
            chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.width, chart.height = spec.width_cm, spec.height_cm
        ws.add_chart(chart, f"{get_column_letter(spec.anchor[1])}{spec.anchor[0]}")


def _openpyxl_styles() -> dict[str, tuple]:
    """STYLE_SPECS as openpyxl objects: (font, fill, alignment, number format, border) per style."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color=BORDER_COLOUR)
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    out: dict[str, tuple] = {}
    for name, st in STYLE_SPECS.items():
        font = Font(name=FONT_NAME, size=st.size, bold=st.bold or None, italic=st.italic or None, color=st.colour)
        fill = PatternFill("solid", fgColor=st.fill) if st.fill else None
        align = Alignment(horizontal=st.horizontal, vertical=st.vertical, wrap_text=st.wrap)
        out[name] = (font, fill, align, st.number_format, box if st.border else None)
    return out


def write_statistics_sheet(wb: Workbook, stats: Statistics, created: datetime | None = None) -> str:
    """Write (or rewrite in place) the Thống kê sheet of an openpyxl workbook; returns its name."""
    writer = OpenpyxlSheetWriter(wb)
    write_statistics(stats, writer, created)
    return writer.title


def statistics_donor(stats: Statistics, created: datetime | None = None) -> bytes:
    """A workbook of its own holding only the Thống kê sheet (what the ledger writer grafts in)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    default = wb.active
    write_statistics_sheet(wb, stats, created)
    wb.remove(default)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_statistics_to_ledger(path: str | Path, stats: Statistics, keep: int | None = None) -> tuple[str, Path | None]:
    """Put the Thống kê sheet into the ledger file (replacing kiemsat's earlier one in place, never a
    sheet of the clerk's own), through the ledger writer: every other part of the file is kept.
    Returns the sheet's name and the backup's path. Raises FileBusy while the workbook is open."""
    from macros_py.workbook.package import DonorSheet, Patch, write_cells
    from macros_py.workbook.safefile import BACKUPS_KEPT, ledger_lock

    patch = Patch(sheets={STATS_SHEET: DonorSheet(statistics_donor(stats), MARKER)})
    with ledger_lock(Path(path)):
        report = write_cells(Path(path), patch, keep=BACKUPS_KEPT if keep is None else keep)
    return report.sheets[STATS_SHEET], report.backup


def save_statistics_workbook(path: str | Path, stats: Statistics) -> Path | None:
    """A standalone workbook holding only the Thống kê sheet (replaced atomically if it exists)."""
    from openpyxl import Workbook

    from macros_py.workbook.safefile import atomic_write

    wb = Workbook()
    default = wb.active
    write_statistics_sheet(wb, stats)
    wb.remove(default)
    wb.properties.creator = "kiemsat"
    wb.properties.title = f"Thống kê {stats.period.label}"
    return atomic_write(Path(path), wb.save, overwrite=True)
