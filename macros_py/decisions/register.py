"""The Sổ quyết định register: the next decision number, and writing decisions back to the ledger.

Numbers run per year and symbol (12/QĐ-VKSKV1) and are never reused. Every writer of a ledger
file holds its one lock (`safefile.ledger_lock`, here also `register_lock`): whoever holds it
reads the register, takes the next numbers and records them. On a file the numbers are first
*reserved* (register rows with «Tình trạng» = «Đang cấp số», committed to the file), then the
documents are published, then the rows are marked «Đã cấp» together with the case rows; a run
interrupted in between leaves reserved rows, which the next run marks «Không sử dụng» with the
reason (their documents removed), so a number on a document is always in the register and no
number is given twice. The ribbon takes the same lock beside the workbook open in Excel and
writes `plan_write_back`'s cells through xlwings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from macros_py.decisions.merge import clean_text
from macros_py.ledger.reader import Ledger, Record, SheetData
from macros_py.ledger.schema import REGISTER
from macros_py.ledger.values import fold
from macros_py.workbook.package import Patch, WorkbookError, backups_kept, write_cells
from macros_py.workbook.safefile import LOCK_TIMEOUT, FileBusy, ledger_lock
from macros_py.workbook.safefile import lock_path as lock_path
from macros_py.workbook.sheetxml import EXCEL_TEXT_LIMIT

RESERVED = "Đang cấp số"
ISSUED = "Đã cấp"
UNUSED = "Không sử dụng"
REQUIRED_REGISTER_COLUMNS = ("number", "year", "symbol")


class RegisterError(Exception):
    """The register cannot be used; the message is Vietnamese."""


@contextmanager
def register_lock(ledger: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the ledger's writers' lock (the numbering takes the same lock as every other writer)."""
    try:
        with ledger_lock(Path(ledger), timeout=timeout):
            yield
    except FileBusy as exc:
        if "đang được mở" in str(exc):
            raise
        raise RegisterError(f"một người khác đang cấp số quyết định hoặc ghi vào sổ «{Path(ledger).name}» "
                            "(chờ quá lâu); hãy thử lại sau ít phút.") from None


def symbol_for(doc_symbol: str) -> str:
    """The register symbol from Cấu hình's «Ký hiệu văn bản»: VKSKV1 -> QĐ-VKSKV1."""
    doc_symbol = clean_text(str(doc_symbol)).strip()
    return doc_symbol if fold(doc_symbol).startswith("qd ") else f"QĐ-{doc_symbol}"


def next_number(records: Sequence[Record], year: int, symbol: str) -> int:
    """One more than the highest number already registered for `year` and `symbol`."""
    key = fold(symbol)
    used = [r.values["number"] for r in records
            if r.values.get("year") == year and fold(str(r.values.get("symbol") or "")) == key
            and isinstance(r.values.get("number"), int)]
    return max(used, default=0) + 1


def check_register(ledger: Ledger) -> None:
    sheets = ledger.sheets_of(REGISTER.key)
    if not sheets:
        raise RegisterError(f"sổ «{ledger.path.name}» không có sheet «{REGISTER.title}» để cấp số quyết định; "
                            "hãy thêm sheet này (tạo sổ mới bằng «kiemsat init» để có mẫu).")
    for data in sheets:  # numbers run across every register sheet: each must say its numbers
        missing = [REGISTER.column(k).label for k in REQUIRED_REGISTER_COLUMNS if k not in data.columns]
        if missing:
            raise RegisterError(f"sheet «{data.name}» thiếu cột: {', '.join(missing)}.")


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def register_sheet_for(ledger: Ledger, year: int) -> tuple[SheetData, str | None]:
    """The register sheet a decision of `year` is written to, and a warning when the choice is a guess.

    A unit may keep the register as one sheet per year («Sổ QĐ 2025», «Sổ QĐ 2026»); numbers run
    across all of them (`next_number` reads every register sheet). A new row goes to the sheet whose
    name holds the year; else to the last sheet that already holds a row of that year; else to the
    first register sheet (with a warning when there are several, so the clerk can add the year's sheet)."""
    sheets = ledger.sheets_of(REGISTER.key)
    if len(sheets) == 1:
        return sheets[0], None
    named = [d for d in sheets if str(year) in _YEAR.findall(d.name)]
    if named:
        return named[0], None
    holding = [d for d in sheets if any(r.values.get("year") == year for r in d.records)]
    if holding:
        return holding[-1], None
    return sheets[0], (f"không có sheet «{REGISTER.title}» nào của năm {year} (các sheet: "
                       + ", ".join(f"«{d.name}»" for d in sheets) + f"); số quyết định được ghi vào sheet "
                       f"«{sheets[0].name}» (sheet đầu tiên). Nếu đơn vị giữ mỗi năm một sheet, hãy thêm sheet "
                       f"có năm {year} trong tên, cùng các cột.")


@dataclass
class Entry:
    """One register row (keys are the register's schema columns)."""

    number: int
    year: int
    symbol: str
    date: date
    decision_type: str
    summary: str
    case_id: str
    signer: str
    file: str
    status: str = ""  # RESERVED / ISSUED / UNUSED; blank on rows typed by hand
    note: str | None = None  # «Thay thế Quyết định số …» when it replaces an earlier one


@dataclass
class CaseUpdate:
    sheet: str  # schema sheet key
    row: int  # Excel row number
    values: dict[str, Any] = field(default_factory=dict)
    sheet_name: str | None = None  # the sheet's name in the file (None: the kind's first sheet)

    @classmethod
    def of(cls, record: Record, values: dict[str, Any]) -> CaseUpdate:
        """Cells to write into `record`'s own row, in the sheet it was read from."""
        return cls(record.sheet, record.row, values, record.sheet_name)


def update_sheet(ledger: Ledger, update: CaseUpdate) -> SheetData:
    """The sheet `update` writes into: the one it names, of its kind."""
    if update.sheet_name is not None:
        data = ledger.sheet_named(update.sheet_name, update.sheet)
        if data is not None:
            return data
        raise RegisterError(f"sổ «{ledger.path.name}» không còn sheet «{update.sheet_name}»; chưa ghi gì.")
    return ledger.sheets[update.sheet]


def parse_decision_no(text: str) -> tuple[int, str] | None:
    """«12/QĐ-VKSKV1» -> (12, «QĐ-VKSKV1»)."""
    head, sep, symbol = str(text).strip().partition("/")
    return (int(head), symbol.strip()) if sep and head.strip().isdigit() else None


def replacement_updates(records: Sequence[Record], old_no: str, old_date: date | None, new_no: str,
                        new_date: date) -> list[CaseUpdate]:
    """The register row of decision `old_no` (of `old_date`'s year when known), its «Ghi chú»
    extended with «Đã được thay thế bằng Quyết định số …»: the old number stays, marked replaced.
    No update when the register has no such row."""
    parsed = parse_decision_no(old_no)
    if parsed is None:
        return []
    number, symbol = parsed
    matches = [r for r in records if r.values.get("number") == number
               and fold(str(r.values.get("symbol") or "")) == fold(symbol)
               and (old_date is None or r.values.get("year") in (None, old_date.year))]
    if not matches:
        return []
    row = matches[-1]
    mark = f"Đã được thay thế bằng Quyết định số {new_no} ngày {new_date:%d/%m/%Y}"
    note = str(row.values.get("note") or "").strip()
    return [CaseUpdate.of(row, {"note": f"{note}; {mark}" if note else mark})]


@dataclass
class CellWrite:
    """One cell to write: `sheet` is the sheet's name in the workbook, row and column Excel's."""

    sheet: str
    row: int
    column: int
    value: Any


@dataclass
class WriteBack:
    """Where a batch goes in the workbook: the cells, and which register rows are new."""

    cells: list[CellWrite]
    register_sheet: str
    header_row: int
    first_row: int  # the first new register row
    last_row: int  # the last new register row (first_row - 1 when there is none)
    warnings: list[str] = field(default_factory=list)  # columns the ledger does not have


def cell_value(value: Any) -> Any:
    """A value as kiemsat writes it into a cell: text cleaned of what XML cannot hold, and cut to
    Excel's limit."""
    if isinstance(value, str):
        return clean_text(value)[:EXCEL_TEXT_LIMIT]
    return value


def plan_write_back(ledger: Ledger, entries: Sequence[Entry], updates: Sequence[CaseUpdate]) -> WriteBack:
    """The cells that append `entries` below the register's last row and write `updates` into the
    case rows, for a ledger read from a file or from the workbook open in Excel."""
    check_register(ledger)
    years = sorted({e.year for e in entries})
    if len(years) > 1:  # one batch is one day's decisions: one register sheet
        raise RegisterError("một lần cấp số chỉ cho quyết định của cùng một năm.")
    register, guess = register_sheet_for(ledger, years[0]) if years else (ledger.sheets[REGISTER.key], None)
    start = max([r.row for r in register.records] + [register.header_row]) + 1
    plan = WriteBack([], register.name, register.header_row, start, start + len(entries) - 1)
    if guess:
        plan.warnings.append(guess)
    columns = dict(register.columns)
    if entries and any(e.status for e in entries) and "status" not in columns:
        # a register typed before kiemsat kept states: give it the column, right of the others
        col0 = max([*columns.values(), *register.extra_columns]) + 1
        columns["status"] = col0
        plan.cells.append(CellWrite(register.name, register.header_row, col0 + 1, REGISTER.column("status").label))
    for i, entry in enumerate(entries):
        values = asdict(entry)
        for key, col0 in sorted(columns.items(), key=lambda kv: kv[1]):
            if key in values and (values[key] is not None or key != "note"):  # an empty note is not written
                plan.cells.append(CellWrite(register.name, start + i, col0 + 1, cell_value(values[key])))
    for update in updates:
        data = update_sheet(ledger, update)
        for key, value in update.values.items():
            if key in data.columns:
                plan.cells.append(CellWrite(data.name, update.row, data.columns[key] + 1, cell_value(value)))
            else:
                label = data.spec.column(key).label
                message = (f"sheet «{data.name}» chưa có cột «{label}»; số quyết định chỉ được ghi vào "
                           f"«{register.name}».")
                if message not in plan.warnings:
                    plan.warnings.append(message)
    return plan


def patch_of(cells: Sequence[CellWrite]) -> Patch:
    patch = Patch()
    for cell in cells:
        patch.set(cell.sheet, cell.row, cell.column, cell.value)
    return patch


def _write(path: Path, cells: Sequence[CellWrite], ledger: Ledger, backup: bool = True) -> Path | None:
    try:
        return write_cells(path, patch_of(cells), backup=backup, keep=backups_kept(ledger.settings)).backup
    except WorkbookError as exc:
        raise RegisterError(str(exc)) from None


def write_back(ledger: Ledger, entries: Sequence[Entry], updates: Sequence[CaseUpdate]) -> tuple[Path | None, list[str]]:
    """Append `entries` to the register and write `updates` into the case rows, in one write of the
    ledger's file (new register rows take the style of the row above). Call it holding the lock.

    Returns the backup's path and warnings (columns the ledger does not have)."""
    plan = plan_write_back(ledger, entries, updates)
    return _write(ledger.path, plan.cells, ledger), plan.warnings


def mark(ledger_path: Path, plan: WriteBack, rows: Sequence[int], values: Sequence[dict[str, Any]],
         updates: Sequence[CaseUpdate], ledger: Ledger, *, backup: bool = True) -> Path | None:
    """Set register cells of rows reserved by `plan` (`values[i]` for `rows[i]`: column key -> value)
    and write `updates` into the case rows, in one write."""
    register = ledger.sheet_named(plan.register_sheet, REGISTER.key) or ledger.sheets[REGISTER.key]
    status_col = _status_column(plan, register)
    cells: list[CellWrite] = []
    for row, row_values in zip(rows, values):
        for key, value in row_values.items():
            col0 = status_col if key == "status" else register.columns.get(key)
            if col0 is not None:
                cells.append(CellWrite(register.name, row, col0 + 1, cell_value(value)))
    cells += [c for c in plan_write_back(ledger, [], updates).cells]
    return _write(ledger_path, cells, ledger, backup)


def _status_column(plan: WriteBack | None, register: Any) -> int | None:
    if "status" in register.columns:
        return register.columns["status"]
    if plan is not None:
        for cell in plan.cells:
            if cell.row == plan.header_row and cell.value == REGISTER.column("status").label:
                return cell.column - 1
    return None


def reserved_rows(ledger: Ledger) -> list[Record]:
    """Register rows a run left «Đang cấp số» (interrupted before it marked them), of every register sheet."""
    return [r for data in ledger.sheets_of(REGISTER.key) if "status" in data.columns
            for r in data.records if fold(str(r.values.get("status") or "")) == fold(RESERVED)]
