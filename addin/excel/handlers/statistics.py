"""Thống kê: compute the statistics of the open ledger for the six months containing today and
write (or refresh in place) the «Thống kê» sheet of the workbook.

The figures are `macros_py.stats.summaries.compute_statistics`, the layout `macros_py.stats.sheet.layout`:
the same sheet as `kiemsat stats --write`. In Excel it is written through xlwings into the
live workbook (`addin.excel.xlsheetwriter.XlwingsSheetWriter`), never into its file; on the file shell
(`addin.excel.filebook`, the CLI's closed workbooks) through `OpenpyxlSheetWriter` into the workbook
the shell saves. Either way the marker rule of stats_sheet holds: kiemsat's earlier sheet is
replaced where it stands, a clerk's own sheet named «Thống kê» is never touched.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from addin.excel.ui import ExcelUI, HandlerError

SHOWN_IN_BOX = 6  # tables listed by name in the message box


def _today() -> date:
    return date.today()


def _write(book: Any, stats: Any, ui: ExcelUI) -> tuple[str, bool, int]:
    """Write the sheet; returns its name, whether an earlier kiemsat sheet was replaced, and the
    number of charts."""
    from addin.excel.filebook import FileBook
    from macros_py.stats.sheet import MARKER, write_statistics

    if isinstance(book, FileBook):  # a closed file: the sheet is built apart, the shell grafts it in
        from macros_py.ledger.schema import STATS_SHEET
        from macros_py.stats.sheet import free_title, layout, statistics_donor

        ours = next((ws.title for ws in book.wb.worksheets if MARKER in ws.defined_names), None)
        title = ours or free_title(STATS_SHEET, (ws.title for ws in book.wb.worksheets))
        book.put_sheet(STATS_SHEET, statistics_donor(stats), MARKER)
        return title, ours is not None, len(layout(stats).charts)
    from addin.excel.xlsheetwriter import XlwingsSheetWriter, check_xlwings

    problem = check_xlwings()
    if problem:
        raise HandlerError(problem)
    xl_writer = XlwingsSheetWriter(book, status=ui.status)
    plan = write_statistics(stats, xl_writer)
    xl_writer.flush()
    xl_writer.sheet.activate()
    return xl_writer.title, xl_writer.replaced, len(plan.charts)


def summary(stats: Any, sheet: str, replaced: bool, charts: int, ledger_problems: int) -> str:
    """The message box's text (Vietnamese)."""
    from macros_py.ledger.values import fmt_date

    lines = [
        (f"Đã {'cập nhật' if replaced else 'lập'} sheet «{sheet}»: thống kê {stats.period.label} "
         f"({stats.period.span}), thời hạn tố tụng tính đến ngày {fmt_date(stats.today)}."),
        f"{len(stats.tables)} bảng, {charts} biểu đồ:",
    ]
    lines += [f"- {t.title}" for t in stats.tables[:SHOWN_IN_BOX]]
    if len(stats.tables) > SHOWN_IN_BOX:
        lines.append(f"… và {len(stats.tables) - SHOWN_IN_BOX} bảng nữa.")
    if stats.undated:
        missing = "; ".join(f"«{k}»: {v} dòng" for k, v in stats.undated.items())
        lines.append(f"Không tính các dòng chưa có ngày: {missing}.")
    if ledger_problems:
        lines.append(f"Sổ có {ledger_problems} lỗi nhập liệu (ô sai không được tính): bấm «Kiểm tra sổ» để xem "
                     "từng lỗi.")
    lines.append("Kỳ khác (tháng, quý, năm) và báo cáo Word: lệnh «kiemsat stats» (xem «kiemsat stats --help»).")
    return "\n".join(lines)


def run(book: Any, ui: ExcelUI) -> None:
    from addin.excel.livebook import read_ledger_book
    from macros_py.law.rules import RulesError
    from macros_py.stats.periods import PeriodError, default_period
    from macros_py.stats.summaries import compute_statistics

    ledger = read_ledger_book(book, ui)
    today = _today()
    try:
        period = default_period(today, ledger.settings.get("stats_period"))
    except PeriodError as exc:
        raise HandlerError(str(exc)[:1].upper() + str(exc)[1:]) from None
    ui.status(f"đang tính thống kê {period.label}…")
    try:
        stats = compute_statistics(ledger, period, today)
    except (RulesError, ValueError) as exc:  # a broken rules table; a contradictory calendar in Cấu hình
        raise HandlerError(f"Không tính được thống kê: {exc}") from None
    ui.status("đang ghi sheet thống kê…")
    sheet, replaced, charts = _write(book, stats, ui)
    ui.info(summary(stats, sheet, replaced, charts, len(ledger.problems)))
