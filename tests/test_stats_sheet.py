"""The Thống kê sheet: written into the ledger safely, rewritten in place, with native charts, and
never mistaken for a ledger sheet by the reader."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from macros_py.ledger.reader import HEADER_SEARCH_ROWS, find_header, read_ledger
from macros_py.ledger.schema import LEDGER_SHEETS
from macros_py.stats.periods import parse_period
from macros_py.stats.sheet import (
    STATS_SHEET,
    OpenpyxlSheetWriter,
    layout,
    save_statistics_workbook,
    write_statistics,
    write_statistics_to_ledger,
)
from macros_py.stats.summaries import compute_statistics, drawn_series
from macros_py.workbook.safefile import BACKUP_DIR, FileBusy
from tests.conftest import TODAY
from tests.lo import libreoffice  # noqa: F401  (session fixture)


def read_sheet_tables(path: Path, sheet: str = STATS_SHEET) -> dict[str, dict[str, Any]]:
    """The tables of a Thống kê sheet as a reader of the sheet sees them: a heading «N. title» in
    column A, the header row under it, rows down to «Cộng». {title: {"columns", "rows", "total"}}."""
    ws = load_workbook(path, data_only=True)[sheet]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    tables: dict[str, dict[str, Any]] = {}
    r = 0
    while r < len(grid):
        first = grid[r][0] if grid[r] else None
        m = re.match(r"^(\d+)\. (.+)$", first) if isinstance(first, str) else None
        if not m:
            r += 1
            continue
        header = grid[r + 1]
        width = max(j for j, v in enumerate(header) if v is not None) + 1
        rows, total, r = {}, None, r + 2
        while r < len(grid) and grid[r][0] is not None:
            label, values = grid[r][0], list(grid[r][1:width])
            if all(v is None for v in values):  # the note under a table without a «Cộng» row
                break
            if label == "Cộng":
                total = values
                r += 1
                break
            rows[label] = values
            r += 1
        tables[m.group(2)] = {"columns": list(header[1:width]), "rows": rows, "total": total}
    return tables


def chart_parts(path: Path) -> dict[str, str]:
    """Chart XML parts of a workbook file, by part name."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)}


@pytest.fixture()
def ledger_copy(sample_ledger: Path, tmp_path: Path) -> Path:
    path = tmp_path / "so.xlsx"
    shutil.copy(sample_ledger, path)
    return path


def _stats(path: Path, period: str = "2026-Q1"):
    return compute_statistics(read_ledger(path), parse_period(period), TODAY)


def test_sheet_holds_the_statistics_and_one_native_chart_per_charted_table(ledger_copy):
    stats = _stats(ledger_copy)
    before = read_ledger(ledger_copy)
    sheet, backup = write_statistics_to_ledger(ledger_copy, stats)
    assert sheet == STATS_SHEET
    assert backup.parent.name == BACKUP_DIR and backup.exists()

    tables = read_sheet_tables(ledger_copy)
    assert list(tables) == [t.title for t in stats.tables]
    for t in stats.tables:
        got = tables[t.title]
        assert got["columns"] == list(t.columns)
        shown = {label: ["—" if v is None else v for v in values] for label, values in t.rows}
        assert got["rows"] == {label: pytest.approx(values) for label, values in shown.items()}
        assert got["total"] == (None if t.total is None else pytest.approx(["—" if v is None else v for v in t.total]))

    charts = chart_parts(ledger_copy)
    titled = [t.chart.title for t in stats.tables if t.chart and t.rows]
    assert len(charts) == len(titled) >= 4
    xml = "".join(charts.values())
    for title in titled:
        assert title in xml
    # counts per month read better as columns than as a line
    assert not re.search(r"<(c:)?lineChart>", xml) and re.search(r'barDir val="col"', xml)
    # a legend lists only series that are not zero everywhere
    series = sum(len(re.findall(r"<(?:c:)?ser>", x)) for x in charts.values())
    assert series == sum(len(drawn_series(t, t.chart)) for t in stats.tables if t.chart and t.rows)
    # the drawing belongs to the Thống kê sheet
    wb = load_workbook(ledger_copy)
    index = wb.sheetnames.index(STATS_SHEET) + 1
    with zipfile.ZipFile(ledger_copy) as zf:
        rels = zf.read(f"xl/worksheets/_rels/sheet{index}.xml.rels").decode()
    assert "drawing" in rels

    # the ledger itself is unchanged for the reader, which skips kiemsat's own sheet
    after = read_ledger(ledger_copy)
    assert after.unknown_sheets == []  # kiemsat's own sheet is neither a ledger nor unknown
    assert [p.as_dict() for p in after.problems] == [p.as_dict() for p in before.problems]
    for key, data in before.sheets.items():
        assert [r.values for r in after.sheets[key].records] == [r.values for r in data.records]


def test_rewriting_replaces_the_sheet_in_place(ledger_copy):
    write_statistics_to_ledger(ledger_copy, _stats(ledger_copy, "2026-Q1"))
    names = load_workbook(ledger_copy).sheetnames
    write_statistics_to_ledger(ledger_copy, _stats(ledger_copy, "2025"))
    wb = load_workbook(ledger_copy)
    assert wb.sheetnames == names  # same sheets, same place: nothing appended
    ws = wb[STATS_SHEET]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("NĂM 2025" in t for t in texts)
    assert not any("QUÝ I" in t for t in texts)
    fresh = layout(_stats(ledger_copy, "2025"))
    assert ws.max_row == max(c.row for c in fresh.cells)
    assert len(chart_parts(ledger_copy)) == len(fresh.charts)
    assert len(list((ledger_copy.parent / BACKUP_DIR).iterdir())) == 2


def test_a_sheet_of_the_clerks_own_named_thong_ke_is_never_replaced(ledger_copy):
    wb = load_workbook(ledger_copy)
    wb.create_sheet(STATS_SHEET).cell(1, 1, "Số liệu tôi tự đếm")
    wb.save(ledger_copy)
    first, _ = write_statistics_to_ledger(ledger_copy, _stats(ledger_copy))
    again, _ = write_statistics_to_ledger(ledger_copy, _stats(ledger_copy, "2025"))
    assert first == again == f"{STATS_SHEET} (2)"
    wb = load_workbook(ledger_copy)
    assert wb[STATS_SHEET]["A1"].value == "Số liệu tôi tự đếm"
    assert wb.sheetnames[-2:] == [STATS_SHEET, first]
    assert "NĂM 2025" in wb[first]["A1"].value


def test_writing_is_refused_while_the_ledger_is_open(ledger_copy):
    lock = ledger_copy.with_name(f"~${ledger_copy.name}")
    lock.write_text("")
    with pytest.raises(FileBusy):
        write_statistics_to_ledger(ledger_copy, _stats(ledger_copy))
    assert STATS_SHEET not in load_workbook(ledger_copy).sheetnames


def test_the_reader_never_takes_the_sheet_for_a_ledger(tmp_path, ledger_copy):
    """At most one header of any row matches a schema column, so no ledger can claim the sheet
    (the reader claims an unknown sheet by three matching headers)."""
    stats = _stats(ledger_copy)
    path = tmp_path / "only.xlsx"
    save_statistics_workbook(path, stats)
    ws = load_workbook(path)[STATS_SHEET]
    rows = [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]
    for spec in LEDGER_SHEETS:
        for top in range(len(rows)):
            found = find_header(rows[top:top + HEADER_SEARCH_ROWS], [], spec)
            assert found is None or len(set(found.matched.values())) <= 2, (spec.key, top)
    # a ledger that lacks most sheets still leaves it alone
    write_statistics_to_ledger(ledger_copy, stats)
    from openpyxl import load_workbook as load

    wb = load(ledger_copy)
    for name in ("Tin báo", "Án hình sự", "Bị can", "Án dân sự, hành chính", "Thi hành án hình sự",
                 "Tạm đình chỉ", "Sổ quyết định", "Cơ quan"):
        wb.remove(wb[name])
    wb.save(ledger_copy)
    ledger = read_ledger(ledger_copy)
    assert set(ledger.sheets) == {"can_bo"}
    assert ledger.unknown_sheets == []  # kiemsat's own sheet is neither a ledger nor unknown


class RecordingWriter:
    """A stand-in for the add-in's xlwings writer: records what it is asked to do."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def reset(self) -> None:
        self.calls.append(("reset",))

    def cell(self, row: int, col: int, value: Any, style: str) -> None:
        self.calls.append(("cell", row, col, value, style))

    def merge(self, row: int, first_col: int, last_col: int) -> None:
        self.calls.append(("merge", row, first_col, last_col))

    def column_width(self, col: int, width: float) -> None:
        self.calls.append(("width", col, width))

    def row_height(self, row: int, points: float) -> None:
        self.calls.append(("height", row, points))

    def chart(self, spec) -> None:
        self.calls.append(("chart", spec))


def test_any_sheet_writer_gets_the_same_content(ledger_copy):
    stats = _stats(ledger_copy)
    recorder = RecordingWriter()
    write_statistics(stats, recorder)
    assert recorder.calls[0] == ("reset",)
    cells = {(c[1], c[2]): c[3] for c in recorder.calls if c[0] == "cell"}
    charts = [c[1] for c in recorder.calls if c[0] == "chart"]
    from openpyxl import Workbook

    wb = Workbook()
    write_statistics(stats, OpenpyxlSheetWriter(wb))
    ws = wb[STATS_SHEET]
    assert cells == {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert len(charts) == len(ws._charts)
    # each chart reads the rows of its own table: categories are the table's labels
    for spec in charts:
        labels = [cells[(r, spec.label_col)] for r in range(spec.first_row, spec.last_row + 1)]
        table = next(t for t in stats.tables if t.chart == spec.chart)
        assert labels == [label for label, _ in table.rows]
        assert [cells[(spec.header_row, c)] for c in spec.series_cols] == [table.columns[j] for j in table.chart.series]


def test_a_ledger_saved_by_libreoffice_is_still_refreshed_in_place(ledger_copy, libreoffice, tmp_path):  # noqa: F811
    write_statistics_to_ledger(ledger_copy, _stats(ledger_copy))
    (saved,) = libreoffice.convert([ledger_copy], "xlsx", tmp_path / "lo")
    names = load_workbook(saved).sheetnames
    sheet, _ = write_statistics_to_ledger(saved, _stats(saved, "2025"))
    assert sheet == STATS_SHEET
    assert load_workbook(saved).sheetnames == names
    assert "NĂM 2025" in load_workbook(saved)[STATS_SHEET]["A1"].value
