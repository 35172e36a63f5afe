"""The Thống kê sheet written through xlwings into the workbook open in Excel.

`XlwingsSheetWriter` implements `macros_py.stats.sheet.SheetWriter` (the layout, the cells and
the styles are the core's; this module only says how Excel gets them), so the ribbon button and
`kiemsat stats --write` produce the same sheet:

* the sheet kiemsat wrote carries the sheet-scoped name `stats_sheet.MARKER`; it is deleted and
  a new sheet takes its place (same position, same name), so a second press refreshes and never
  appends. A sheet named «Thống kê» without the marker is the clerk's own and is left alone: the
  statistics then go to «Thống kê (2)» (`stats_sheet.free_title`), as on files;
* cells are buffered and written in one range write, and each style is applied once per
  rectangle of cells that share it (a few hundred calls into Excel, not one per cell and
  attribute);
* charts are native Excel charts (`sheet.charts.add`, `set_source_data`, `set_x_axis_values`),
  reading the table's cells, so they follow the numbers if a leader edits them.

Needs xlwings 0.37.3 or later (chart types, anchors, chart titles and axes, alignment, borders,
gridlines); `check_xlwings()` says so in Vietnamese. Not carried over from the file writer:
data labels on the bars (xlwings has no API for them), the print setup (A4, fit to width, page
numbers) and per-point formatting. Alignment and gridlines are not available on xlwings' remote
engine with clients other than Office.js; there they are skipped (on the desktop they are set).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from macros_py.ledger.schema import STATS_SHEET
from macros_py.stats.sheet import (
    BORDER_COLOUR,
    FONT_NAME,
    MARKER,
    STYLE_SPECS,
    ChartOut,
    free_title,
)
from macros_py.workbook.literal import excel_typed

__all__ = ["MIN_XLWINGS", "XlwingsSheetWriter", "check_xlwings", "rectangles"]

MIN_XLWINGS = (0, 37, 3)
POINTS_PER_CM = 72 / 2.54
BASE_SIZE = 11  # every written cell gets FONT_NAME at this size first; styles change what differs

# Chart.kind (macros_py.stats.summaries) -> xlwings chart type; hbar with several series is stacked
CHART_TYPES = {"bar": "column_clustered", "line": "line_markers", "hbar": "bar_clustered"}
STACKED_HBAR = "bar_stacked"


def _version(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def check_xlwings(version: str | None = None) -> str | None:
    """None when the installed xlwings can write the sheet, else the reason (Vietnamese)."""
    if version is None:
        import xlwings

        version = xlwings.__version__
    if _version(version) >= MIN_XLWINGS:
        return None
    need = ".".join(map(str, MIN_XLWINGS))
    return (f"Lập sheet thống kê trong Excel cần xlwings {need} trở lên, máy này đang có xlwings {version}. "
            "Hãy mở Command Prompt và gõ «pip install -U xlwings», rồi chạy «kiemsat addin install».")


def rectangles(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover the (row, col) cells with rectangles (first row, first col, last row, last col):
    runs of adjacent columns in a row, joined with the same run in the rows just below."""
    runs: list[tuple[int, int, int]] = []
    for row, col in sorted(set(cells)):
        if runs and runs[-1][0] == row and runs[-1][2] == col - 1:
            runs[-1] = (row, runs[-1][1], col)
        else:
            runs.append((row, col, col))
    open_: dict[tuple[int, int], list[int]] = {}  # (first col, last col) -> [first row, last row]
    done: list[tuple[int, int, int, int]] = []
    for row, c0, c1 in runs:
        rect = open_.get((c0, c1))
        if rect is not None and rect[1] == row - 1:
            rect[1] = row
            continue
        if rect is not None:
            done.append((rect[0], c0, rect[1], c1))
        open_[(c0, c1)] = [row, row]
    done += [(r0, c0, r1, c1) for (c0, c1), (r0, r1) in open_.items()]
    return sorted(done)


def _has_marker(sheet: Any) -> bool:
    """The sheet bears kiemsat's sheet-scoped name (Excel shows it as «'Sheet'!name»)."""
    return any(n.name.rsplit("!", 1)[-1] == MARKER for n in sheet.names)


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


class XlwingsSheetWriter:
    """Writes the Thống kê sheet of an open xlwings Book, replacing kiemsat's earlier one in place."""

    def __init__(self, book: Any, title: str = STATS_SHEET, status: Callable[[str], None] | None = None):
        self.book, self.title = book, title
        self._status = status or (lambda text: None)  # progress for the status bar (Vietnamese)
        self.sheet: Any = None
        self.replaced = False  # an earlier Thống kê sheet of kiemsat's was replaced
        self.charts: list[Any] = []  # the xlwings Chart objects made
        self._pending: dict[tuple[int, int], tuple[Any, str]] = {}
        self._cosmetic_ok = True

    # ---------------------------------------------------------------- SheetWriter

    def reset(self) -> None:
        sheets = list(self.book.sheets)
        ours = next((s for s in sheets if _has_marker(s)), None)
        if ours is not None:
            position = sheets.index(ours)
            self.title = ours.name
            for n in list(ours.names):  # gone with the sheet in Excel; said explicitly for every engine
                if n.name.rsplit("!", 1)[-1] == MARKER:
                    n.delete()
            ours.delete()
            self.replaced = True
            rest = list(self.book.sheets)
            if position > 0:
                sheet = self.book.sheets.add(self.title, after=rest[position - 1])
            else:
                sheet = self.book.sheets.add(self.title, before=rest[0])
        else:  # never replace a sheet of the clerk's own that happens to bear the name
            self.title = free_title(self.title, (s.name for s in sheets))
            sheet = self.book.sheets.add(self.title, after=sheets[-1])
        sheet.names.add(MARKER, f"={_quoted(self.title)}!$A$1")
        self.sheet = sheet
        self._cosmetic(lambda: setattr(sheet, "show_gridlines", False))

    def cell(self, row: int, col: int, value: Any, style: str) -> None:
        self._pending[(row, col)] = (value, style)

    def merge(self, row: int, first_col: int, last_col: int) -> None:
        self.flush()
        if last_col > first_col:
            self._sheet().range((row, first_col), (row, last_col)).merge()

    def column_width(self, col: int, width: float) -> None:
        self._sheet().range((1, col)).column_width = width

    def row_height(self, row: int, points: float) -> None:
        self._sheet().range((row, 1)).row_height = points

    def chart(self, spec: ChartOut) -> None:
        self.flush()
        sheet = self._sheet()
        c = spec.chart
        self._status(f"đang vẽ biểu đồ {len(self.charts) + 1}…")
        cols = spec.series_cols
        if list(cols) != list(range(cols[0], cols[0] + len(cols))):
            raise ValueError(f"chart «{c.title}»: the series columns {cols} are not adjacent")
        kind = STACKED_HBAR if c.kind == "hbar" and len(cols) > 1 else CHART_TYPES[c.kind]
        chart = sheet.charts.add(width=spec.width_cm * POINTS_PER_CM, height=spec.height_cm * POINTS_PER_CM,
                                 chart_type=kind, anchor=sheet.range(spec.anchor))
        # the series with their names (header row); the categories without a header
        chart.set_source_data(sheet.range((spec.header_row, cols[0]), (spec.last_row, cols[-1])), plot_by="columns")
        chart.set_x_axis_values(sheet.range((spec.first_row, spec.label_col), (spec.last_row, spec.label_col)))
        chart.title = c.title
        chart.value_axis.title = c.axis_title
        if c.axis_title == "Tỷ lệ":
            chart.value_axis.number_format = "0%"
            chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 0, 1
        if c.kind == "hbar":
            chart.category_axis.reverse_order = True  # first name at the top, as in the table
        if len(cols) == 1:
            chart.legend.visible = False
        else:
            chart.legend.position = "bottom"
        self.charts.append(chart)

    # ---------------------------------------------------------------- the buffered cells

    def flush(self) -> None:
        """Write the buffered cells: their values in one range write, then each style by rectangles."""
        if not self._pending:
            return
        sheet = self._sheet()
        pending, self._pending = self._pending, {}
        self._status(f"đang ghi {len(pending)} ô thống kê…")
        last_row = max(r for r, _ in pending)
        last_col = max(c for _, c in pending)
        first_row = min(r for r, _ in pending)
        # a staff name or case type is the ledger's text: never a formula or number Excel would make of it
        grid = [[excel_typed(pending.get((r, c), (None, ""))[0]) for c in range(1, last_col + 1)]
                for r in range(first_row, last_row + 1)]
        sheet.range((first_row, 1), (last_row, last_col)).value = grid
        whole = sheet.range((first_row, 1), (last_row, last_col))
        whole.font.name = FONT_NAME
        whole.font.size = BASE_SIZE
        by_style: dict[str, list[tuple[int, int]]] = {}
        for at, (_, style) in pending.items():
            by_style.setdefault(style, []).append(at)
        for style, cells in sorted(by_style.items()):
            for r0, c0, r1, c1 in rectangles(cells):
                self._style(sheet.range((r0, c0), (r1, c1)), style)
        # one border for all the boxed styles: a table is one rectangle, not one per style
        boxed = [at for at, (_, style) in pending.items() if STYLE_SPECS[style].border]
        for r0, c0, r1, c1 in rectangles(boxed):
            sheet.range((r0, c0), (r1, c1)).borders.set("all", line_style="continuous", color=f"#{BORDER_COLOUR}")

    def _style(self, rng: Any, style: str) -> None:
        st = STYLE_SPECS[style]
        font = rng.font
        if st.size != BASE_SIZE:
            font.size = st.size
        if st.bold:
            font.bold = True
        if st.italic:
            font.italic = True
        if st.colour:
            font.color = f"#{st.colour}"
        if st.fill:
            rng.color = f"#{st.fill}"
        if st.number_format:
            rng.number_format = st.number_format
        if st.wrap is not None:
            rng.wrap_text = st.wrap
        if st.horizontal:
            self._cosmetic(lambda: setattr(rng, "horizontal_alignment", st.horizontal))
        if st.vertical:
            self._cosmetic(lambda: setattr(rng, "vertical_alignment", st.vertical))

    def _cosmetic(self, apply: Callable[[], None]) -> None:
        """Alignment and gridlines: skipped where the engine has none (xlwings' remote engine
        with a client other than Office.js); once refused, not tried again."""
        if not self._cosmetic_ok:
            return
        try:
            apply()
        except NotImplementedError:
            self._cosmetic_ok = False

    def _sheet(self) -> Any:
        assert self.sheet is not None, "reset() first"
        return self.sheet
