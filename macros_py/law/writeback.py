"""Writing each row's next deadline, days left and legal basis into the ledger file.

Only the three computed columns of the schema (`next_deadline`, `days_left`, `deadline_basis`)
are touched, and only in the rows the reader read: a row with a pending deadline gets its
earliest one, a row without clears the three cells. Everything else (other sheets, formats,
dropdowns, colours, tables, names, the clerk's own columns) is left as it is. The template's
conditional formats then colour overdue and near rows in Excel.

The file is changed through `workbook.package.update_ledger`: under the writers' lock, read
again, only the changed cells patched into the package (.xlsx or .xlsm; everything else kept
byte for byte), refused while Excel or LibreOffice has it open, backed up, replaced atomically.

Which cell gets which value is decided once, by the pure `deadline_cells`; the add-in's
«Kiểm tra thời hạn» button (addin/excel/handlers/deadlines.py) writes the same plan into the workbook
open in Excel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from macros_py.law.deadlines import Deadline, DeadlineReport
from macros_py.ledger import per_defendant
from macros_py.ledger.reader import Ledger
from macros_py.ledger.schema import LEDGER_SHEETS
from macros_py.ledger.values import fmt_date
from macros_py.workbook.package import Patch, WorkbookError, update_ledger
from macros_py.workbook.safefile import FileBusy  # noqa: F401  (raised through)

__all__ = [
    "CellValue",
    "DeadlineCells",
    "Moved",
    "WriteResult",
    "WritebackError",
    "computed_columns",
    "deadline_cells",
    "moved",
    "write_deadlines",
]

COMPUTED = ("next_deadline", "days_left", "deadline_basis")


class WritebackError(Exception):
    """The ledger cannot be written; message in Vietnamese."""


@dataclass(frozen=True)
class Moved:
    """A row whose next deadline differs from what its «Hạn tiếp theo» cell held before this write."""

    sheet: str  # the sheet's name in the file
    row: int
    case: str | None
    old: date | None  # what the ledger held (None: empty)
    new: date | None  # what is written (None: nothing pending any more)
    reason: str  # Vietnamese: the old and new basis, and how the new date was counted

    def __str__(self) -> str:
        old = self.old.strftime("%d/%m/%Y") if self.old else "(trống)"
        new = self.new.strftime("%d/%m/%Y") if self.new else "(không còn hạn nào)"
        who = f" ({self.case})" if self.case else ""
        return f"sheet «{self.sheet}», dòng {self.row}{who}: {old} → {new}; {self.reason}"


@dataclass
class WriteResult:
    path: Path
    backup: Path | None
    written: int = 0  # rows given a deadline
    cleared: int = 0  # rows whose computed cells were emptied (nothing pending)
    notes: list[str] = field(default_factory=list)  # Vietnamese: sheets or columns not written
    moved: list[Moved] = field(default_factory=list)  # due dates that changed, old -> new
    report: Any = None  # the DeadlineReport written (computed from the ledger read under the lock)


def computed_columns() -> dict[str, tuple[str, ...]]:
    """Sheet key -> the schema's computed columns (the only ones this module writes)."""
    return {spec.key: tuple(c.key for c in spec.columns if c.computed) for spec in LEDGER_SHEETS
            if spec.has_deadlines}


CellValue = date | int | str | None


@dataclass
class DeadlineCells:
    """Which computed cells get which values: the plan both writers (file and live workbook) follow.

    `values` holds every computed cell of every row the reader read, in sheet and row order:
    (sheet name, Excel row, column key) -> the value (None: the cell is to be emptied).
    """

    values: dict[tuple[str, int, str], CellValue] = field(default_factory=dict)
    columns: dict[str, dict[str, int]] = field(default_factory=dict)  # sheet name -> key -> Excel column (1-based)
    with_deadline: set[tuple[str, int]] = field(default_factory=set)  # (sheet name, row) given a deadline
    notes: list[str] = field(default_factory=list)  # Vietnamese: columns a sheet lacks
    moved: list[Moved] = field(default_factory=list)  # rows whose «Hạn tiếp theo» changes

    def by_row(self) -> Iterator[tuple[str, int, dict[str, CellValue]]]:
        """(sheet name, row, {column key: value}) in sheet and row order."""
        current: tuple[str, int] | None = None
        row_values: dict[str, CellValue] = {}
        for (sheet, row, key), value in self.values.items():
            if (sheet, row) != current:
                if current is not None:
                    yield current[0], current[1], row_values
                current, row_values = (sheet, row), {}
            row_values[key] = value
        if current is not None:
            yield current[0], current[1], row_values


def deadline_cells(ledger: Ledger, report: DeadlineReport) -> DeadlineCells:
    """The values of the computed columns for every row of `ledger` (pure: nothing is read or written).

    A row with a pending deadline gets its earliest one (due date, days left, basis); any other
    row gets None in each of its computed cells. A column missing from a sheet is left out, with
    a note.
    """
    schema_computed = computed_columns()
    assert set(COMPUTED) == {k for keys in schema_computed.values() for k in keys}, "schema changed"
    nexts = report.next_by_sheet_row()
    nexts.update(_with_case_deadlines(ledger, report, nexts))
    out = DeadlineCells()
    told: set[tuple[str, int]] = set()
    for data in ledger.all_sheets():
        key = data.spec.key
        if key not in schema_computed:
            continue
        cols = {k: data.columns[k] + 1 for k in COMPUTED if k in data.columns}
        missing = [data.spec.column(k).label for k in COMPUTED if k not in cols]
        if missing and not any(f"«{data.name}»" in n for n in out.notes):  # a sheet read twice: said once
            out.notes.append(f"sheet «{data.name}» không có cột " + ", ".join(f"«{m}»" for m in missing)
                             + "; các cột này không được ghi.")
        if not cols:
            continue
        out.columns[data.name] = cols
        for rec in data.records:
            d = nexts.get((data.name, rec.row))
            if d is None:
                row_values: tuple[CellValue, ...] = (None, None, None)
            else:
                row_values = (d.due, d.days_left, d.basis)
                out.with_deadline.add((data.name, rec.row))
            for k, value in zip(COMPUTED, row_values):
                if k in cols:
                    out.values[(data.name, rec.row, k)] = value
            if "next_deadline" in cols and (data.name, rec.row) not in told:
                told.add((data.name, rec.row))  # a sheet read twice (one row per defendant): a row said once
                change = moved(data.name, rec.row, rec.values.get(data.spec.id_column) if data.spec.id_column
                               else None, rec.values.get("next_deadline"), rec.values.get("deadline_basis"), d)
                if change is not None:
                    out.moved.append(change)
    return out


def _with_case_deadlines(ledger: Ledger, report: DeadlineReport,
                         nexts: dict[tuple[str, int], Deadline]) -> dict[tuple[str, int], Deadline]:
    """A criminal sheet kept one row per defendant: the case's limits (investigation, prosecution, trial)
    are counted once, at the case's first row, but they bind every defendant of the case, so each later
    row of the case shows the earlier of its case's next limit and its defendant's own (custody,
    detention); on the same day, the defendant's own (a person held). A clerk filtering the sheet by
    defendant sees the case's limit on that defendant's row. Returns the rows whose next deadline changes."""
    out: dict[tuple[str, int], Deadline] = {}
    for cases in ledger.all_sheets():
        if cases.spec.key != per_defendant.CASE_SHEET or cases.defendants is None:
            continue
        first_row = {per_defendant.case_key(r.values["case_id"]): r.row for r in cases.records
                     if r.values.get("case_id") is not None}
        case_next: dict[int, Deadline] = {}
        for d in report.deadlines:
            if (d.sheet == per_defendant.CASE_SHEET and d.sheet_name == cases.name and not d.done
                    and d.step_of is None):
                case_next.setdefault(d.row, d)
        for rec in cases.defendants.records:
            case = rec.values.get("case_id")
            head = first_row.get(per_defendant.case_key(case)) if case is not None else None
            if head is None or head == rec.row or head not in case_next:
                continue
            theirs, own = case_next[head], nexts.get((cases.name, rec.row))
            if own is None or theirs.due < own.due:
                out[(cases.name, rec.row)] = theirs
    return out


def moved(sheet: str, row: int, case: object, old: object, old_basis: object, d: Deadline | None, *,
          old_start: date | None = None) -> Moved | None:
    """What changed in a due date, from what was known before (the ledger's «Hạn tiếp theo» and
    «Căn cứ thời hạn» cells, or what the alert service recorded when it planned an alert); None
    when it did not change. With `old_start`, a changed start date is named as the reason."""
    old_day = old if isinstance(old, date) else None
    new_day = d.due if d is not None else None
    if old_day == new_day:
        return None
    before = f"trước: {old_basis}" if old_basis else "trước: chưa có căn cứ"
    if d is None:
        reason = f"{before}; nay không còn thời hạn nào đang chạy (việc đã xong hoặc đã hết)"
    elif old_day is None:
        reason = f"thời hạn mới: {d.basis}; cách tính: {d.computation}"
    elif old_basis and str(old_basis).split(":")[0] != d.basis.split(":")[0]:
        reason = f"{before}; nay là bước khác: {d.basis}; cách tính: {d.computation}"
    elif old_start is not None and old_start != d.start:
        reason = (f"ngày bắt đầu tính đổi từ {fmt_date(old_start)} thành {fmt_date(d.start)}; {before}; "
                  f"nay: {d.basis}; cách tính: {d.computation}")
    elif old_basis and str(old_basis) != d.basis:
        reason = f"{before}; nay (gia hạn hoặc bảng thời hạn đã đổi): {d.basis}; cách tính: {d.computation}"
    else:
        reason = (f"{before}; tính lại (ngày mốc, gia hạn, ngày nghỉ hoặc bảng thời hạn đã đổi): {d.basis}; "
                  f"cách tính: {d.computation}")
    return Moved(sheet, row, str(case) if case is not None else None, old_day, new_day, reason)



def deadline_patch(ledger: Ledger, report: DeadlineReport) -> tuple[Patch, WriteResult]:
    """The cells `write_deadlines` changes: computed cells whose value differs from what the
    ledger holds (pure)."""
    cells = deadline_cells(ledger, report)
    result = WriteResult(ledger.path, None, notes=list(cells.notes), moved=list(cells.moved))
    records = {data.name: {r.row: r for r in data.records} for data in ledger.all_sheets()}
    patch = Patch()
    for sheet_name, row, row_values in cells.by_row():
        record = records[sheet_name].get(row)
        current = {k: (record.values.get(k) if record is not None else None) for k in row_values}
        if current == row_values:
            continue  # the ledger already says this
        if (sheet_name, row) in cells.with_deadline:
            result.written += 1
        else:
            result.cleared += 1
        cols = cells.columns[sheet_name]
        for k, value in row_values.items():
            if current[k] != value:
                patch.set(sheet_name, row, cols[k], value)
    return patch, result


def write_deadlines(path: str | Path, compute: Callable[[Ledger], DeadlineReport]) -> WriteResult:
    """Fill the computed columns of the ledger file at `path` with `compute(ledger)`'s deadlines.

    The ledger is read inside the writers' lock (`update_ledger`), so the deadlines are those of
    the file as it is when written; the report is returned in `result.report`. Only cells whose
    value changes are written (`workbook.package`: the rest of the file is kept byte for byte).
    Raises `FileBusy` while the workbook is open, `WritebackError` for a file kiemsat cannot write.
    """
    path = Path(path)

    def plan(ledger: Ledger) -> tuple[Patch, WriteResult]:
        report = compute(ledger)
        patch, result = deadline_patch(ledger, report)
        result.report = report  # not the ledger: freed before the write, a large one is most of the memory
        return patch, result

    try:
        written, result = update_ledger(path, plan)
    except WorkbookError as exc:
        raise WritebackError(str(exc)) from None
    result.path = path
    result.backup = written.backup
    result.notes += written.describe_kept()
    return result
