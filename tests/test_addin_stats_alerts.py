"""The «Thống kê» and «Gửi cảnh báo ngay» buttons: on xlwings' remote engine (tests only, licence key
noncommercial), on the file shell, and against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import Any

# xlwings loads its remote engine only if a licence key is set when it is first imported (tests only)
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
import pytest  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from macros_py.ledger.reader import read_ledger  # noqa: E402
from macros_py.ledger.schema import STATS_SHEET  # noqa: E402
from macros_py.stats.periods import half_year_of, parse_period  # noqa: E402
from macros_py.workbook.literal import excel_typed  # noqa: E402
from macros_py.stats.sheet import MARKER, layout, write_statistics_to_ledger  # noqa: E402
from macros_py.stats.summaries import compute_statistics  # noqa: E402
from tests.conftest import TODAY  # noqa: E402
from tests.xlremote import actions, remote_book  # noqa: E402

DAY = TODAY  # the sample ledger's reference day


@pytest.fixture
def fixed_today(monkeypatch):
    from addin.excel.handlers import alerts, statistics

    monkeypatch.setattr(statistics, "_today", lambda: DAY)
    monkeypatch.setattr(alerts, "_today", lambda: DAY)


def payload_book(path: Path, name: str | None = None, client: str = "Microsoft Office Scripts",
                 edit: Any = None) -> Any:
    """An xlwings Book on the remote engine holding `path`'s values and its sheet-scoped names;
    `edit(sheets)` may change the values first (what the clerk typed and did not save)."""
    return remote_book(path, name=name, client=client, with_names=True, edit=edit)


def _actions(book: Any, func: str | None = None, since: int = 0) -> list[dict]:
    return actions(book, func, since)


def _cells(actions: list[dict], position: int) -> dict[tuple[int, int], Any]:
    """The non-empty cells the setValues actions wrote into the sheet at `position`."""
    grid: dict[tuple[int, int], Any] = {}
    for a in actions:
        if a["func"] == "setValues" and a["sheet_position"] == position:
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    if v not in (None, ""):
                        grid[(a["start_row"] + 1 + i, a["start_column"] + 1 + j)] = v
    return grid


def _expected(path: Path, period: str | None = None) -> Any:
    stats = compute_statistics(read_ledger(path), parse_period(period) if period else half_year_of(DAY), DAY)
    return stats, layout(stats)


def _copy(src: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)
    return target


# ---------------------------------------------------------------- Thống kê on the remote engine


def test_statistics_writes_the_layout_into_the_live_workbook(sample_ledger, tmp_path, fixed_today):
    from addin.excel import dispatch

    path = _copy(sample_ledger, tmp_path / "so.xlsx")
    stats, plan = _expected(path)
    book = payload_book(path)
    before = [s.name for s in book.sheets]
    ui = dispatch.run("statistics", book=book)
    assert ui.messages("error") == []

    [added] = _actions(book, "addSheet")
    assert added["args"] == [len(before), STATS_SHEET]  # after the last sheet
    [marker] = _actions(book, "namesAdd")
    assert marker["args"] == [MARKER, f"='{STATS_SHEET}'!$A$1"] and marker["sheet_position"] == len(before)
    actions = _actions(book)
    # text Excel would turn into a date or number («05/2026», a month's label) goes with its apostrophe
    assert _cells(actions, len(before)) == {(c.row, c.col): excel_typed(c.value) for c in plan.cells
                                            if c.value not in (None, "")}
    assert _cells(actions, len(before))[next((c.row, c.col) for c in plan.cells if c.value == "05/2026")] == "'05/2026"
    assert all(a["sheet_position"] == len(before) for a in actions if a["func"].startswith("set"))
    merged = {(a["start_row"] + 1, a["start_column"] + 1, a["start_column"] + a["column_count"])
              for a in _actions(book, "rangeMerge")}
    assert merged == {m for m in plan.merges if m[2] > m[1]}
    widths = {a["start_column"] + 1: a["args"][0] for a in _actions(book, "setColumnWidth")}
    assert widths == plan.widths
    assert {a["start_row"] + 1: a["args"][0] for a in _actions(book, "setRowHeight")} == plan.heights

    # one native chart per chart of the layout, reading the table's own cells
    charts = _actions(book, "addChart")
    assert len(charts) == len(plan.charts) >= 4
    kinds = {"bar": "ColumnClustered", "line": "LineMarkers"}
    for a, spec in zip(charts, plan.charts):
        first, last = get_column_letter(spec.series_cols[0]), get_column_letter(spec.series_cols[-1])
        assert a["args"][2:4] == [STATS_SHEET, f"${first}${spec.header_row}:${last}${spec.last_row}"]
        assert a["args"][9] == f"$A${spec.anchor[0]}"
        hbar = "BarStacked" if len(spec.series_cols) > 1 else "BarClustered"
        assert a["args"][1] == kinds.get(spec.chart.kind, hbar)
    label = get_column_letter(plan.charts[0].label_col)
    assert [a["args"] for a in _actions(book, "setChartXAxisValues")] == [
        [i, STATS_SHEET, f"${label}${s.first_row}:${label}${s.last_row}"] for i, s in enumerate(plan.charts)]
    assert [a["args"] for a in _actions(book, "setChartTitle")] == [[i, s.chart.title] for i, s in enumerate(plan.charts)]
    assert "BarStacked" in {a["args"][1] for a in charts}  # the per-person tables: one bar per status
    axes = [a["args"] for a in _actions(book, "setChartAxis")]
    legends = [a["args"] for a in _actions(book, "setChartLegend")]
    for i, spec in enumerate(plan.charts):
        assert [i, "value", {"title": spec.chart.axis_title}] in axes
        # horizontal bars list the first name at the top, as the table does
        assert ([i, "category", {"reverse_order": True}] in axes) == (spec.chart.kind == "hbar")
        assert ([i, "value", {"number_format": "0%"}] in axes) == (spec.chart.axis_title == "Tỷ lệ")
        assert legends.count([i, "visible", False] if len(spec.series_cols) == 1 else [i, "position", "Bottom"]) == 1

    # formats: the title bold and large, shares as percentages, the boxes bordered
    fonts = _actions(book, "setFontProperty")
    assert any(a["start_row"] == 0 and a["args"][:2] == ["size", 14] for a in fonts)
    assert ["0.00%"] in [a["args"] for a in _actions(book, "setNumberFormat")]
    assert _actions(book, "setBorderProperty")

    statuses = ui.messages("status")
    assert "đang tính thống kê 6 tháng đầu năm 2026…" in statuses
    assert f"đang vẽ biểu đồ {len(plan.charts)}…" in statuses
    [message] = ui.messages("info")
    assert message.startswith(f"Đã lập sheet «{STATS_SHEET}»: thống kê 6 tháng đầu năm 2026 (từ ngày 01/01/2026 "
                              "đến ngày 30/06/2026), thời hạn tố tụng tính đến ngày 16/03/2026.")
    assert f"{len(stats.tables)} bảng, {len(plan.charts)} biểu đồ:" in message
    [activate] = _actions(book, "activateSheet")
    assert activate["args"] == [len(before)]


def test_statistics_second_press_refreshes_in_place(sample_ledger, tmp_path, fixed_today):
    from addin.excel import dispatch

    path = _copy(sample_ledger, tmp_path / "so.xlsx")
    _, plan = _expected(path)
    book = payload_book(path)
    dispatch.run("statistics", book=book)
    names = [s.name for s in book.sheets]
    first = len(_actions(book))
    ui = dispatch.run("statistics", book=book)
    assert ui.messages("error") == []
    assert [s.name for s in book.sheets] == names  # no «Thống kê (2)», nothing appended
    second = _actions(book, since=first)
    position = names.index(STATS_SHEET)
    assert [(a["func"], a["sheet_position"]) for a in second if a["func"] in ("nameDelete", "sheetDelete")] == [
        ("nameDelete", position), ("sheetDelete", position)]
    assert [a["args"] for a in second if a["func"] == "addSheet"] == [[position, STATS_SHEET]]
    assert _cells(second, position) == {(c.row, c.col): excel_typed(c.value) for c in plan.cells
                                        if c.value not in (None, "")}
    assert len([a for a in second if a["func"] == "addChart"]) == len(plan.charts)
    assert ui.messages("info")[0].startswith(f"Đã cập nhật sheet «{STATS_SHEET}»")


def test_statistics_replaces_the_sheet_kiemsat_wrote_where_it_stands(sample_ledger, tmp_path, fixed_today):
    """A sheet written earlier by `kiemsat stats --write` (another period), moved by the clerk."""
    from addin.excel import dispatch

    path = _copy(sample_ledger, tmp_path / "so.xlsx")
    write_statistics_to_ledger(path, compute_statistics(read_ledger(path), parse_period("2025"), DAY))
    wb = openpyxl.load_workbook(path)
    wb.move_sheet(STATS_SHEET, offset=-(len(wb.sheetnames) - 3))
    wb.save(path)
    position = openpyxl.load_workbook(path).sheetnames.index(STATS_SHEET)
    assert 0 < position < len(wb.sheetnames) - 1
    _, plan = _expected(path)
    book = payload_book(path)
    names = [s.name for s in book.sheets]
    ui = dispatch.run("statistics", book=book)
    assert ui.messages("error") == []
    assert [s.name for s in book.sheets] == names
    [deleted] = _actions(book, "sheetDelete")
    assert deleted["sheet_position"] == position
    [added] = _actions(book, "addSheet")
    assert added["args"] == [position, STATS_SHEET]
    cells = _cells(_actions(book), position)
    assert cells[(1, 1)] == "THỐNG KÊ SỐ LIỆU 6 THÁNG ĐẦU NĂM 2026"
    assert cells == {(c.row, c.col): excel_typed(c.value) for c in plan.cells if c.value not in (None, "")}


def test_statistics_never_overwrites_a_clerks_own_sheet_of_that_name(sample_ledger, tmp_path, fixed_today):
    from addin.excel import dispatch

    path = _copy(sample_ledger, tmp_path / "so.xlsx")
    wb = openpyxl.load_workbook(path)
    own = wb.create_sheet(STATS_SHEET.upper())  # the name matches whatever the case
    own["A1"] = "Bảng tự lập của Kiểm sát viên"
    wb.save(path)
    book = payload_book(path)
    clerks = [s.name for s in book.sheets].index(STATS_SHEET.upper())
    ui = dispatch.run("statistics", book=book)
    assert ui.messages("error") == []
    [added] = _actions(book, "addSheet")
    assert added["args"][1] == f"{STATS_SHEET} (2)"
    assert _actions(book, "sheetDelete") == []
    assert all(a["sheet_position"] != clerks for a in _actions(book) if a["sheet_position"] is not None)
    assert f"«{STATS_SHEET} (2)»" in ui.messages("info")[0]


def test_statistics_with_an_office_js_client_also_aligns(sample_ledger, tmp_path, fixed_today):
    from addin.excel import dispatch

    path = _copy(sample_ledger, tmp_path / "so.xlsx")
    book = payload_book(path, client="Office.js")
    ui = dispatch.run("statistics", book=book)
    assert ui.messages("error") == []
    assert {a["args"][0] for a in _actions(book, "setHorizontalAlignment")} >= {"Center", "Right"}
    assert _actions(book, "setVerticalAlignment")
    assert [a["args"] for a in _actions(book, "setShowGridlines")] == [[False]]


def test_statistics_on_a_workbook_that_is_not_a_ledger(tmp_path, fixed_today):
    from addin.excel import dispatch

    path = tmp_path / "khac.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Họ tên", "Tuổi"])
    wb.save(path)
    book = payload_book(path)
    ui = dispatch.run("statistics", book=book)
    assert "không có sheet nào của kiemsat" in ui.messages("error")[0]
    assert _actions(book, "addSheet") == []


def test_statistics_asks_for_a_recent_xlwings(sample_ledger, tmp_path, fixed_today, monkeypatch):
    import xlwings

    from addin.excel import dispatch
    from addin.excel.xlsheetwriter import check_xlwings

    assert check_xlwings("0.37.3") is None and check_xlwings("0.38.0.dev1") is None
    assert "pip install -U xlwings" in check_xlwings("0.30.10")
    book = payload_book(_copy(sample_ledger, tmp_path / "so.xlsx"))
    monkeypatch.setattr(xlwings, "__version__", "0.33.1")
    ui = dispatch.run("statistics", book=book)
    [error] = ui.messages("error")
    assert "cần xlwings 0.37.3 trở lên" in error and "0.33.1" in error
    assert _actions(book, "addSheet") == []


def test_rectangles_cover_each_cell_once():
    from addin.excel.xlsheetwriter import rectangles

    cells = {(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 3), (5, 1), (5, 2)}
    rects = rectangles(cells)
    assert rects == [(1, 1, 2, 2), (3, 1, 3, 1), (3, 3, 3, 3), (5, 1, 5, 2)]
    covered = [(r, c) for r0, c0, r1, c1 in rects for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
    assert sorted(covered) == sorted(cells)


# ---------------------------------------------------------------- Thống kê on the file shell


def test_statistics_on_the_file_shell_matches_kiemsat_stats_write(sample_ledger, tmp_path, fixed_today):
    from addin.excel.filebook import run_on_file
    from tests.fingerprint import workbook_fingerprint

    path = _copy(sample_ledger, tmp_path / "so.xlsx")
    copy = _copy(sample_ledger, tmp_path / "ban_sao" / "so.xlsx")
    stats, plan = _expected(copy)
    write_statistics_to_ledger(copy, stats)

    run = run_on_file(path, "statistics")
    assert run.ui.messages("error") == [] and run.backup is not None
    assert workbook_fingerprint(path) == workbook_fingerprint(copy)
    ws = openpyxl.load_workbook(path)[STATS_SHEET]
    assert MARKER in ws.defined_names
    # approx: a workbook stores a float with 15-16 significant digits
    assert {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None} == pytest.approx({
        (c.row, c.col): c.value for c in plan.cells})
    assert run.ui.messages("info")[0].startswith(f"Đã lập sheet «{STATS_SHEET}»")

    names = openpyxl.load_workbook(path).sheetnames
    again = run_on_file(path, "statistics")
    assert openpyxl.load_workbook(path).sheetnames == names
    assert again.ui.messages("info")[0].startswith(f"Đã cập nhật sheet «{STATS_SHEET}»")
    assert workbook_fingerprint(path) == workbook_fingerprint(copy)


# ---------------------------------------------------------------- Gửi cảnh báo ngay


@pytest.fixture
def saved(sample_ledger, tmp_path, monkeypatch, fixed_today) -> Path:
    """The sample ledger saved as so.xlsx, with no alert configuration. As in Excel, the book's
    `name` is the file name and its `fullname` the path (the remote engine gives the name for
    both), and Python's current folder is another one."""
    from xlwings.pro import _xlremote

    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "cau-hinh" / "canh-bao.toml"))
    monkeypatch.setattr(_xlremote.Book, "fullname", property(lambda self: str(tmp_path / self.name)))
    (tmp_path / "noi-khac").mkdir()
    monkeypatch.chdir(tmp_path / "noi-khac")
    return _copy(sample_ledger, tmp_path / "so.xlsx")


def _planned_recipients(path: Path) -> set[str]:
    from mailer.planning import plan_ledger

    return set(plan_ledger(read_ledger(path), DAY).by_recipient())


def test_send_alerts_writes_eml_beside_the_workbook_then_nothing_new(saved):
    from addin.excel import dispatch

    recipients = _planned_recipients(saved)
    assert len(recipients) >= 3
    ui = dispatch.run("send_alerts", book=payload_book(saved))
    assert ui.messages("error") == []
    outbox = saved.parent / "thu-canh-bao"
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == len(recipients)
    [message] = ui.messages("info")
    assert f"Đã ghi {len(recipients)} tệp thư (.eml) vào thư mục {outbox};" in message
    for address in recipients:
        assert f"  - {address}: " in message
    assert "thư được ghi thành tệp .eml" in message
    assert (saved.parent / "canh-bao.sqlite3").is_file()
    assert "đang gửi thư cảnh báo…" in ui.messages("status")

    again = dispatch.run("send_alerts", book=payload_book(saved))
    [message] = again.messages("info")
    assert "Không có thư mới cần gửi." in message and "0 cảnh báo mới" in message
    assert sorted(outbox.glob("*.eml")) == files


def test_the_daily_service_does_not_send_again_what_the_button_sent(saved):
    from addin.excel import dispatch
    from mailer.config import AlertConfig
    from mailer.service import run_once

    dispatch.run("send_alerts", book=payload_book(saved))
    result = run_once([saved], DAY, config=AlertConfig(None, saved.parent))
    assert result.planned > 0 and result.new == 0 and result.sent == []


def test_send_alerts_reads_the_unsaved_workbook(saved):
    """An e-mail address removed in Excel and not saved: that person gets no mail."""
    from addin.excel import dispatch

    ledger = read_ledger(saved)
    staff = ledger.sheets["can_bo"]
    recipients = _planned_recipients(saved)
    victim = next(r for r in staff.records if str(r.get("email", "")).strip().lower() in recipients)
    column = staff.columns["email"]

    def blank(sheets: dict[str, list[list[Any]]]) -> None:
        sheets[staff.name][victim.row - 1][column] = None

    ui = dispatch.run("send_alerts", book=payload_book(saved, edit=blank))
    [message] = ui.messages("info")
    address = str(victim["email"]).strip().lower()
    assert f"  - {address}: " not in message
    assert victim["name"] in message  # reported as unreachable
    assert len(list((saved.parent / "thu-canh-bao").glob("*.eml"))) == len(recipients) - 1
    assert read_ledger(saved).records("can_bo")[staff.records.index(victim)].get("email")  # the file is untouched


def test_send_alerts_needs_a_saved_workbook(saved):
    from addin.excel import dispatch

    ui = dispatch.run("send_alerts", book=payload_book(saved, name="Book1"))
    [error] = ui.messages("error")
    assert "chưa được lưu thành tệp trên máy này" in error
    assert not (saved.parent / "thu-canh-bao").exists()


def test_send_alerts_reports_a_bad_configuration(saved, tmp_path):
    from addin.excel import dispatch

    config = tmp_path / "cau-hinh" / "canh-bao.toml"
    config.parent.mkdir()
    config.write_text('password = "123"\n', encoding="utf-8")
    ui = dispatch.run("send_alerts", book=payload_book(saved))
    [error] = ui.messages("error")
    assert error.startswith("Tệp cấu hình cảnh báo có lỗi: không ghi mật khẩu vào tệp cấu hình")


def test_send_alerts_through_smtp_as_configured(saved, tmp_path):
    from aiosmtpd.controller import Controller

    from addin.excel import dispatch

    class Collect:
        def __init__(self) -> None:
            self.rcpts: list[str] = []

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            self.rcpts += envelope.rcpt_tos
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = tmp_path / "cau-hinh" / "canh-bao.toml"
        config.parent.mkdir()
        config.write_text(f'ledgers = ["{(tmp_path / "so_khac.xlsx").as_posix()}"]\nsender = "canhbao@vks.example"\n'
                          f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\ntimeout = 10\n',
                          encoding="utf-8")
        recipients = _planned_recipients(saved)
        ui = dispatch.run("send_alerts", book=payload_book(saved))
        [message] = ui.messages("info")
        assert sorted(handler.rcpts) == sorted(recipients)
        assert f"Đã gửi {len(recipients)} thư." in message and ".eml" not in message
        assert "chưa có trong danh sách «ledgers»" in message  # the daily service does not watch this book
        assert (config.parent / "canh-bao.sqlite3").is_file() and not (saved.parent / "canh-bao.sqlite3").exists()

        again = dispatch.run("send_alerts", book=payload_book(saved))
        assert "Không có thư mới cần gửi." in again.messages("info")[0]
        assert sorted(handler.rcpts) == sorted(recipients)
    finally:
        controller.stop()
