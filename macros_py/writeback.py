"""Writing each row's next deadline, days left and legal basis into the ledger file.

Only the three computed columns of the schema (`next_deadline`, `days_left`, `deadline_basis`)
are touched, and only in the rows the reader read: a row with a pending deadline gets its
earliest one, a row without clears the three cells. Everything else (other sheets, formats,
dropdowns, colours, tables, names, the clerk's own columns) is left as it is. The template's
conditional formats then colour overdue and near rows in Excel.

The file is changed through `safefile.edit_workbook` (openpyxl, .xlsx only, macros not kept):
refused while Excel or LibreOffice has it open, backed up, written to a temporary file and
renamed over the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.styles.numbers import is_date_format

from .deadlines import DeadlineReport
from .reader import Ledger
from .safefile import FileBusy, edit_workbook
from .schema import LEDGER_SHEETS

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = ["WritebackError", "WriteResult", "computed_columns", "write_deadlines"]

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


def write_deadlines(path: str | Path, ledger: Ledger, report: DeadlineReport) -> WriteResult:
    """Fill the computed columns of `path` (the file `ledger` was read from) from `report`.

    Raises `safefile.FileBusy` while the workbook is open, `WritebackError` for a file that is
    not an .xlsx workbook.
    """
    from workbook_templates.builder import DATE_FORMAT  # the template's date format

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise WritebackError(f"chỉ ghi được vào sổ dạng .xlsx; «{path.name}» là tệp {path.suffix or 'không đuôi'}. "
                             "Hãy lưu sổ thành .xlsx trong Excel rồi chạy lại.")
    schema_computed = computed_columns()
    assert set(COMPUTED) == {k for keys in schema_computed.values() for k in keys}, "schema changed"
    nexts = report.next_by_row()
    result = WriteResult(path, Path())

    def edit(wb: Workbook) -> None:
        for key, data in ledger.sheets.items():
            if key not in schema_computed:
                continue
            if data.name not in wb.sheetnames:
                result.notes.append(f"không thấy sheet «{data.name}» khi ghi; bỏ qua.")
                continue
            ws = wb[data.name]
            cols = {k: data.columns[k] + 1 for k in COMPUTED if k in data.columns}
            missing = [data.spec.column(k).label for k in COMPUTED if k not in cols]
            if missing:
                result.notes.append(f"sheet «{data.name}» không có cột " + ", ".join(f"«{m}»" for m in missing)
                                    + "; các cột này không được ghi.")
            if not cols:
                continue
            due_col, left_col, basis_col = (cols.get(k) for k in COMPUTED)
            for rec in data.records:
                d = nexts.get((key, rec.row))
                values: tuple[date | None, int | None, str | None] = (
                    (d.due, d.days_left, d.basis) if d is not None else (None, None, None))
                if d is None:
                    if all(ws.cell(rec.row, c).value is None for c in cols.values()):
                        continue  # nothing to clear: leave the row untouched
                    result.cleared += 1
                else:
                    result.written += 1
                for col, value in zip((due_col, left_col, basis_col), values):
                    if col is None:
                        continue
                    cell = ws.cell(rec.row, col)
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
