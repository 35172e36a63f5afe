"""Reading the ledger from the workbook open in Excel (through xlwings), not from its file.

The clerk's workbook may be unsaved, so a handler reads what Excel holds: each sheet's values
in one call, error cells as their text (#VALUE!, #REF!). The reader's own steps then run on
those rows exactly as on a file (`macros_py.ledger.reader`: sheet assignment, header search, column
conversion, settings, cross-checks), so the ribbon and `kiemsat check` report the same problems.

Known gap: merged header cells are not read from Excel (calamine gives them for files, and so does
the file shell); in Excel a two-row header with merged cells is matched by its lower row alone.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

ERROR_TEXTS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
               "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!")


class _Sheet:
    """The part of python-calamine's sheet interface the reader uses."""

    def __init__(self, rows: list[list[Any]]):
        self.rows = rows
        self.merged_cell_ranges: list = []

    def to_python(self, skip_empty_area: bool = False, nrows: int | None = None) -> list[list[Any]]:
        rows = [list(r) for r in (self.rows if nrows is None else self.rows[:nrows])]
        return rows


class _Workbook:
    def __init__(self, sheets: dict[str, list[list[Any]]]):
        self._sheets = sheets
        self.sheet_names = list(sheets)

    def get_sheet_by_name(self, name: str) -> _Sheet:
        return _Sheet(self._sheets[name])

    def close(self) -> None:
        pass


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, datetime) and v.hour == v.minute == v.second == v.microsecond == 0:
        return v.date()
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def sheet_rows(sheet: Any) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
    """All values of a sheet from A1 to its last used cell, and its error cells {(row0, col0): text}."""
    used = sheet.used_range
    last = used.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value or []
    rows: list[list[Any]] = []
    errors: dict[tuple[int, int], str] = {}
    for r, row in enumerate(values):
        out = []
        for c, v in enumerate(row):
            if isinstance(v, str) and v in ERROR_TEXTS:
                errors[(r, c)] = v
                v = ""
            out.append(_cell(v))
        rows.append(out)
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    return rows, errors


class LiveCells:
    """The cell values read from the open workbook, as read (error cells as their text)."""

    def __init__(self, sheets: dict[str, list[list[Any]]], errors: dict[str, dict[tuple[int, int], str]]):
        self._sheets, self._errors = sheets, errors

    def value(self, sheet: str, row: int, column: int) -> Any:
        """The value of (Excel row, 1-based column) of `sheet`; "" for an empty cell."""
        error = self._errors.get(sheet, {}).get((row - 1, column - 1))
        if error is not None:
            return error
        rows = self._sheets.get(sheet, [])
        if row - 1 >= len(rows) or column - 1 >= len(rows[row - 1]):
            return ""
        return rows[row - 1][column - 1]


def _sidecar_pins(book: Any, sheets: dict[str, Any]) -> Any:
    """The pin file beside the workbook's file (`mapping.load_pins`), when it is a file on this PC;
    the pins in its Cấu hình are read with the rest of the workbook."""
    from macros_py.ledger.mapping import load_pins

    from addin.excel.bookpath import local_file

    path = local_file(book)  # OneDrive's web address: its synced copy, if any
    return load_pins(path, list(sheets)) if path is not None else None


def read_book_cells(book: Any, progress: Any = None) -> tuple[Any, LiveCells]:
    """Read and validate the ledger in an open xlwings Book; returns the `macros_py.ledger.reader.Ledger`
    and the cells as read, for a handler that writes back only what changes."""
    from macros_py.ledger import reader as R

    sheets: dict[str, list[list[Any]]] = {}
    errors: dict[str, dict[tuple[int, int], str]] = {}
    merged: dict[str, list] = {}
    all_sheets = list(book.sheets)
    for i, sheet in enumerate(all_sheets, 1):
        if progress:
            progress(i, len(all_sheets), "Đang đọc sheet")
        sheets[sheet.name], errors[sheet.name] = sheet_rows(sheet)
        merged[sheet.name] = getattr(sheet, "merged_ranges", None) or []  # the file shell's; not Excel's
    # the reader may pad short rows with "" (empty cells): LiveCells still gives what Excel holds
    ledger = R.read_workbook(Path(book.name), _Workbook(sheets), lambda names: {
        name: R.SheetRows(sheets[name], merged[name], errors.get(name, {})) for name in names},
        _sidecar_pins(book, sheets))
    return ledger, LiveCells(sheets, errors)


def read_book(book: Any, progress: Any = None) -> Any:
    """Read and validate the ledger in an open xlwings Book; returns a `macros_py.ledger.reader.Ledger`."""
    return read_book_cells(book, progress)[0]


def read_ledger_book(book: Any, ui: Any) -> Any:
    """`read_book` for a handler: with progress on the status bar, and a Vietnamese refusal
    (`HandlerError`) when the workbook holds no kiemsat ledger at all."""
    from addin.excel.ui import HandlerError
    from macros_py.ledger.schema import LEDGER_SHEETS

    ui.status("đang đọc sổ…")
    ledger = read_book(book, progress=ui.progress)
    if not ledger.sheets:
        examples = ", ".join(f"«{s.title}»" for s in LEDGER_SHEETS[:3])
        raise HandlerError(f"Sổ «{book.name}» không có sheet nào của kiemsat (cần các sheet như {examples}). "
                           "Hãy mở đúng sổ theo dõi rồi bấm lại.")
    return ledger
