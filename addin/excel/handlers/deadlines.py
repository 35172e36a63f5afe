"""Kiểm tra thời hạn: compute every procedural time limit of the open ledger and write each
row's next deadline, days left and legal basis into its three computed columns.

Which cell gets which value is `macros_py.law.writeback.deadline_cells`, the plan `kiemsat
deadlines --write` follows on files; here it is written through xlwings into the workbook open
in Excel (never into its file). Only the computed cells of the rows the reader read are
written, and only where their value changes: a row with nothing pending has its cells emptied,
every other cell (the clerk's columns, formats, other sheets) is left alone. One range write
per block of adjacent computed columns and run of consecutive changed rows keeps a large ledger
to a few calls into Excel. The template's conditional formats colour overdue and near rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from addin.excel.ui import ExcelUI, HandlerError

SHOWN_IN_BOX = 5  # nearest deadlines and problems listed in the message box


@dataclass
class Write:
    """One range write: `values` (rows x columns) from (row, column), Excel numbering."""

    sheet: str
    row: int
    column: int
    values: list[list[Any]]


@dataclass
class LivePlan:
    writes: list[Write] = field(default_factory=list)
    with_deadline: int = 0  # rows given a deadline
    cleared: int = 0  # rows with nothing pending whose computed cells held something
    changed: int = 0  # rows whose computed cells change


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _same(planned: Any, current: Any) -> bool:
    """The cell already holds the planned value (as xlwings reads it back)."""
    if planned is None:
        return _empty(current)
    if isinstance(current, datetime) and not isinstance(planned, datetime):
        current = current.date() if current.time() == datetime.min.time() else current
    return type(current) is type(planned) and current == planned


def _runs(rows: Iterable[int]) -> list[list[int]]:
    """Sorted row numbers split into runs of consecutive rows."""
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    return runs


def _column_blocks(columns: dict[str, int]) -> list[list[str]]:
    """Column keys grouped into blocks of adjacent Excel columns, left to right."""
    blocks: list[list[str]] = []
    for key in sorted(columns, key=columns.__getitem__):
        if blocks and columns[key] == columns[blocks[-1][-1]] + 1:
            blocks[-1].append(key)
        else:
            blocks.append([key])
    return blocks


def plan_writes(cells: Any, current: Any) -> LivePlan:
    """The range writes that bring the live workbook to `cells` (a `writeback.DeadlineCells`),
    given `current` (a `livebook.LiveCells`, what Excel holds now).

    Within a run of consecutive ledger rows, the rows from the first changed one to the last
    changed one are written (unchanged rows in between get the value they already have); rows
    the ledger does not have (blank or header rows) are never written.
    """
    plan = LivePlan()
    by_sheet: dict[str, dict[int, dict[str, Any]]] = {}
    for sheet, row, values in cells.by_row():
        by_sheet.setdefault(sheet, {})[row] = values
    for sheet, rows in by_sheet.items():
        cols = cells.columns[sheet]
        changed: set[int] = set()
        for row, values in rows.items():
            now = {k: current.value(sheet, row, cols[k]) for k in values}
            if (sheet, row) in cells.with_deadline:
                plan.with_deadline += 1
            elif not all(_empty(v) for v in now.values()):
                plan.cleared += 1
            if not all(_same(values[k], now[k]) for k in values):
                changed.add(row)
        plan.changed += len(changed)
        for run in _runs(rows):
            hit = [r for r in run if r in changed]
            if not hit:
                continue
            first, last = hit[0], hit[-1]
            for block in _column_blocks(cols):
                plan.writes.append(Write(sheet, first, cols[block[0]],
                                         [[rows[r][k] for k in block] for r in range(first, last + 1)]))
    return plan


def summary(book_name: str, report: Any, plan: LivePlan, ledger_problems: int, notes: list[str]) -> str:
    """The message box's text (Vietnamese)."""
    from macros_py.law.deadlines import STATUS_OVERDUE, STATUS_SOON
    from macros_py.law.urgency import band_for, due_text, when_text
    from macros_py.ledger.values import fmt_date

    pending = report.pending()
    overdue = [d for d in pending if d.status == STATUS_OVERDUE]
    soon = [d for d in pending if d.status == STATUS_SOON]
    lines = [
        f"Sổ «{book_name}», tính đến ngày {fmt_date(report.today)}:",
        f"- {len(overdue)} thời hạn đã quá hạn;",
        f"- {len(soon)} thời hạn sắp hết hạn (trong {report.alert_days} ngày);",
        f"- {len(report.problems)} việc cần kiểm tra.",
        (f"Đã ghi hạn tiếp theo vào {plan.with_deadline} dòng, xóa hạn ở {plan.cleared} dòng đã xong "
         f"({plan.changed} dòng thay đổi)."),
    ]
    nearest = overdue + soon
    if nearest:
        lines.append("Gần nhất:")
        for d in nearest[:SHOWN_IN_BOX]:
            who = " - ".join(x for x in (d.case, d.person) if x)
            lines.append(f"- {band_for(d).word} {due_text(d.due, d.due_time)} ({when_text(d.days_left, d.due_time)}): "
                         f"«{d.sheet_name}» dòng {d.row}{', ' + who if who else ''}: {d.title}")
        if len(nearest) > SHOWN_IN_BOX:
            lines.append(f"… và {len(nearest) - SHOWN_IN_BOX} thời hạn nữa.")
    if report.problems:
        lines.append(f"Cần kiểm tra ({len(report.problems)}):")
        lines += [f"- {p}" for p in report.problems[:SHOWN_IN_BOX]]
        if len(report.problems) > SHOWN_IN_BOX:
            lines.append(f"… và {len(report.problems) - SHOWN_IN_BOX} việc nữa (xem đủ bằng lệnh "
                         "«kiemsat deadlines»).")
    if ledger_problems:
        lines.append(f"Sổ có {ledger_problems} lỗi nhập liệu (ô sai được bỏ qua khi tính): bấm «Kiểm tra sổ» "
                     "để xem từng lỗi.")
    lines += [f"Lưu ý: {n}" for n in notes]
    return "\n".join(lines)


def _today() -> date:
    return date.today()


def _now() -> datetime | None:
    """The clock, for limits counted in hours; None when a test has moved the day (`_today`)."""
    now = datetime.now()
    return now if now.date() == _today() else None


def run(book: Any, ui: ExcelUI) -> None:
    from addin.excel.livebook import read_book_cells
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.law.rules import RulesError
    from macros_py.law.writeback import deadline_cells
    from macros_py.ledger.schema import LEDGER_SHEETS

    ui.status("đang đọc sổ…")
    ledger, current = read_book_cells(book, progress=ui.progress)
    if not any(d.spec.has_deadlines for d in ledger.sheets.values()):
        wanted = ", ".join(f"«{s.title}»" for s in LEDGER_SHEETS if s.has_deadlines)
        raise HandlerError(f"Sổ «{book.name}» không có sheet nào có thời hạn tố tụng (cần các sheet như {wanted}). "
                           "Hãy mở đúng sổ theo dõi rồi bấm lại.")
    ui.status("đang tính thời hạn…")
    try:
        report = compute_deadlines(ledger, _today(), now=_now())
    except (RulesError, ValueError) as exc:  # a broken rules table; a contradictory calendar in Cấu hình
        raise HandlerError(f"Không tính được thời hạn: {exc}") from None
    cells = deadline_cells(ledger, report)
    plan = plan_writes(cells, current)
    sheets = {s.name: s for s in book.sheets}
    for i, w in enumerate(plan.writes, 1):
        ui.progress(i, len(plan.writes), "Đang ghi thời hạn")
        sheet = sheets[w.sheet]
        sheet.range((w.row, w.column), (w.row + len(w.values) - 1, w.column + len(w.values[0]) - 1)).value = w.values
    ui.info(summary(book.name, report, plan, len(ledger.problems), cells.notes))
