"""The Sổ quyết định register: the next decision number, and writing decisions back to the ledger.

Numbers run per year and symbol (12/QĐ-VKSKV1) and are never reused or skipped. Two clerks
issuing at the same moment are serialised by a lock file beside the ledger: whoever holds it
reads the register, takes the next numbers, writes the documents and records them (through
safefile.edit_workbook: refused while the workbook is open, backed up, replaced atomically),
and only then lets the other in. The ribbon takes the same lock beside the workbook open in
Excel and writes `plan_write_back`'s cells through xlwings; the lock serialises kiemsat's
numbering on one workbook file, it cannot merge two copies of the workbook edited apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import copy
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from openpyxl.utils.cell import get_column_letter, range_boundaries

from macros_py.decisions.merge import clean_text
from macros_py.ledger.reader import Ledger, Record
from macros_py.ledger.schema import DATE_FORMAT, REGISTER
from macros_py.ledger.values import fold
from macros_py.workbook.safefile import edit_workbook

LOCK_TIMEOUT = 300.0  # seconds to wait for another clerk's batch
EXCEL_TEXT_LIMIT = 32767
REQUIRED_REGISTER_COLUMNS = ("number", "year", "symbol")


class RegisterError(Exception):
    """The register cannot be used; the message is Vietnamese."""


def lock_path(ledger: Path) -> Path:
    return ledger.with_name(f".~kiemsat-{ledger.name}.lock")


@contextmanager
def register_lock(ledger: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the numbering lock of `ledger` (across processes) for the duration of the block."""
    lock = FileLock(str(lock_path(Path(ledger))), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise RegisterError(f"một người khác đang cấp số quyết định trên sổ «{Path(ledger).name}» "
                            "(chờ quá lâu); hãy thử lại sau ít phút.") from None
    try:
        yield
    finally:
        lock.release()


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
    data = ledger.sheets.get(REGISTER.key)
    if data is None:
        raise RegisterError(f"sổ «{ledger.path.name}» không có sheet «{REGISTER.title}» để cấp số quyết định; "
                            "hãy thêm sheet này (tạo sổ mới bằng «kiemsat init» để có mẫu).")
    missing = [REGISTER.column(k).label for k in REQUIRED_REGISTER_COLUMNS if k not in data.columns]
    if missing:
        raise RegisterError(f"sheet «{data.name}» thiếu cột: {', '.join(missing)}.")


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


@dataclass
class CaseUpdate:
    sheet: str  # schema sheet key
    row: int  # Excel row number
    values: dict[str, Any] = field(default_factory=dict)


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
    register = ledger.sheets[REGISTER.key]
    start = max([r.row for r in register.records] + [register.header_row]) + 1
    plan = WriteBack([], register.name, register.header_row, start, start + len(entries) - 1)
    for i, entry in enumerate(entries):
        values = asdict(entry)
        for key, col0 in sorted(register.columns.items(), key=lambda kv: kv[1]):
            if key in values:
                plan.cells.append(CellWrite(register.name, start + i, col0 + 1, cell_value(values[key])))
    for update in updates:
        data = ledger.sheets[update.sheet]
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


def _set(ws: Any, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row, col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT


def _extend_tables(ws: Any, header_row: int, last_row: int) -> None:
    for table in ws.tables.values():
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        if min_row == header_row and max_row < last_row:
            ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{last_row}"
            table.ref = ref
            if table.autoFilter is not None:
                table.autoFilter.ref = ref


def write_back(ledger: Ledger, entries: Sequence[Entry], updates: Sequence[CaseUpdate]) -> tuple[Path, list[str]]:
    """Append `entries` to the register and write `updates` into the case rows, in one safe edit
    of the ledger's file (`plan_write_back`'s cells, the style of the row above on new register rows).

    Returns the backup's path and warnings (columns the ledger does not have)."""
    plan = plan_write_back(ledger, entries, updates)
    register = ledger.sheets[REGISTER.key]

    def edit(wb: Any) -> None:
        ws = wb[plan.register_sheet]
        for row in range(plan.first_row, plan.last_row + 1):
            for col0 in register.columns.values():
                above = ws.cell(row - 1, col0 + 1)
                if row - 1 > plan.header_row and above.has_style:
                    ws.cell(row, col0 + 1)._style = copy(above._style)
        _extend_tables(ws, plan.header_row, plan.last_row)
        for cell in plan.cells:
            _set(wb[cell.sheet], cell.row, cell.column, cell.value)

    _, backup = edit_workbook(ledger.path, edit)
    return backup, plan.warnings
