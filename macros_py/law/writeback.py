"""Writing each row's next deadline, days left and legal basis into the ledger file.

Only the three computed columns of the schema (`next_deadline`, `days_left`, `deadline_basis`)
are touched, and only in the rows the reader read: a row with a pending deadline gets its
earliest one, a row without clears the three cells. Everything else (other sheets, formats,
dropdowns, colours, tables, names, the clerk's own columns) is left as it is. The template's
conditional formats then colour overdue and near rows in Excel.

The file is changed through `safefile.edit_workbook` (openpyxl, .xlsx only, macros not kept):
refused while Excel or LibreOffice has it open, backed up, written to a temporary file and
renamed over the original.

Which cell gets which value is decided once, by the pure `deadline_cells`; the add-in's
«Kiểm tra thời hạn» button (addin/excel/handlers/deadlines.py) writes the same plan into the workbook
open in Excel.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from macros_py.law.deadlines import DeadlineReport
from macros_py.ledger.reader import Ledger
from macros_py.ledger.schema import DATE_FORMAT, LEDGER_SHEETS
from macros_py.workbook.safefile import FileBusy, edit_workbook

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = [
    "CellValue",
    "DeadlineCells",
    "WriteResult",
    "WritebackError",
    "computed_columns",
    "deadline_cells",
    "write_deadlines",
]

COMPUTED = ("next_deadline", "days_left", "deadline_basis")


class WritebackError(Exception):
    """The ledger cannot be written; message in Vietnamese."""


@dataclass
class WriteResult:
    path: Path
    backup: Path
    written: int = 0  # rows given a deadline
    cleared: int = 0  # rows whose computed cells were emptied (nothing pending)
    notes: list[str] = field(default_factory=list)  # Vietnamese: sheets or columns not written


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
    nexts = report.next_by_row()
    out = DeadlineCells()
    for key, data in ledger.sheets.items():
        if key not in schema_computed:
            continue
        cols = {k: data.columns[k] + 1 for k in COMPUTED if k in data.columns}
        missing = [data.spec.column(k).label for k in COMPUTED if k not in cols]
        if missing:
            out.notes.append(f"sheet «{data.name}» không có cột " + ", ".join(f"«{m}»" for m in missing)
                             + "; các cột này không được ghi.")
        if not cols:
            continue
        out.columns[data.name] = cols
        for rec in data.records:
            d = nexts.get((key, rec.row))
            if d is None:
                row_values: tuple[CellValue, ...] = (None, None, None)
            else:
                row_values = (d.due, d.days_left, d.basis)
                out.with_deadline.add((data.name, rec.row))
            for k, value in zip(COMPUTED, row_values):
                if k in cols:
                    out.values[(data.name, rec.row, k)] = value
    return out


def write_deadlines(path: str | Path, ledger: Ledger, report: DeadlineReport) -> WriteResult:
    """Fill the computed columns of `path` (the file `ledger` was read from) from `report`.

    Raises `safefile.FileBusy` while the workbook is open, `WritebackError` for a file that is
    not an .xlsx workbook.
    """
    from openpyxl.styles.numbers import (
        is_date_format,  # here: the add-in imports this module without openpyxl
    )

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise WritebackError(f"chỉ ghi được vào sổ dạng .xlsx; «{path.name}» là tệp {path.suffix or 'không đuôi'}. "
                             "Hãy lưu sổ thành .xlsx trong Excel rồi chạy lại.")
    cells = deadline_cells(ledger, report)
    result = WriteResult(path, Path(), notes=list(cells.notes))

    def edit(wb: Workbook) -> None:
        missing_sheets: set[str] = set()
        for sheet_name, row, row_values in cells.by_row():
            if sheet_name not in wb.sheetnames:
                if sheet_name not in missing_sheets:
                    missing_sheets.add(sheet_name)
                    result.notes.append(f"không thấy sheet «{sheet_name}» khi ghi; bỏ qua.")
                continue
            ws = wb[sheet_name]
            cols = cells.columns[sheet_name]
            if (sheet_name, row) in cells.with_deadline:
                result.written += 1
            elif all(ws.cell(row, cols[k]).value is None for k in row_values):
                continue  # nothing to clear: leave the row untouched
            else:
                result.cleared += 1
            for k, value in row_values.items():
                cell = ws.cell(row, cols[k])
                cell.value = value
                if isinstance(value, date) and not is_date_format(cell.number_format):
                    cell.number_format = DATE_FORMAT

    try:
        _, backup = edit_workbook(path, edit)
    except (FileBusy, OSError):
        raise
    except Exception as exc:  # openpyxl raises several types for a file it cannot load
        raise WritebackError(f"không ghi được «{path.name}»: {type(exc).__name__}: {exc}.") from None
    result.backup = backup
    return result
