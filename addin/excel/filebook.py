"""The file shell: a closed ledger file dressed as the part of an xlwings `Book` the handlers use,
so the CLI and the alert service can run a ribbon command on a file with the same code.

`run_on_file(path, command_id)` follows the file rules of kiemsat: under the ledger's writers' lock,
refused while Excel or LibreOffice has the file open. Values are read as Excel last saved them
(openpyxl `data_only`: a formula's cached result, read only); what the handler writes is kept in
that view (so it reads back what it wrote) and recorded as a cell patch, which the one ledger
writer (`macros_py.workbook.package`) applies to the file: everything else in it is kept byte for
byte. A sheet the handler adds is built apart and grafted in. Nothing is written when the
command wrote nothing. .xlsx and .xlsm files.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from macros_py.workbook.literal import literal_cell

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from addin.excel.ui import ExcelUI


class FileShellError(Exception):
    """The file cannot be used (message in Vietnamese)."""


class FileApp:
    """What `ExcelUI` asks of `book.app`: a status bar and message boxes, kept for the caller."""

    def __init__(self) -> None:
        self.status_bar: Any = False
        self.alerts: list[tuple[str, str]] = []  # (text, mode)

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str:
        self.alerts.append((prompt, mode or ""))
        return "ok"


@dataclass
class _Cell:
    row: int
    column: int


def _address(ref: str | tuple[int, int]) -> tuple[int, int]:
    if isinstance(ref, tuple):
        return ref
    letters, row = coordinate_from_string(ref.replace("$", ""))
    return row, column_index_from_string(letters)


class FileRange:
    def __init__(self, sheet: FileSheet, first: tuple[int, int], last: tuple[int, int]):
        self.sheet = sheet
        (self.row, self.column), (self.last_row, self.last_column) = first, last
        self._ndim: int | None = None

    def options(self, ndim: int | None = None, **_ignored: Any) -> FileRange:
        self._ndim = ndim
        return self

    @property
    def last_cell(self) -> _Cell:
        return _Cell(self.last_row, self.last_column)

    @property
    def value(self) -> Any:
        rows = [list(r) for r in self.sheet.values_ws.iter_rows(
            min_row=self.row, max_row=self.last_row, min_col=self.column, max_col=self.last_column,
            values_only=True)]
        if self._ndim == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(r) == 1 for r in rows):
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        """As xlwings: a 2-D list is written from the top-left cell in its own shape, a 1-D list
        along one row, a single value into every cell of the range."""
        if isinstance(data, (list, tuple)):
            rows = [list(r) for r in data] if data and isinstance(data[0], (list, tuple)) else [list(data)]
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    self.sheet.set(self.row + i, self.column + j, v)
        else:
            for r in range(self.row, self.last_row + 1):
                for c in range(self.column, self.last_column + 1):
                    self.sheet.set(r, c, data)


class FileSheet:
    def __init__(self, book: FileBook, ws: Worksheet, new: bool = False):
        self.book, self.values_ws, self.new = book, ws, new

    @property
    def ws(self) -> Worksheet:
        return self.values_ws

    @property
    def name(self) -> str:
        return self.values_ws.title

    @property
    def merged_ranges(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """The merged cells, 0-based ((row, col), (row, col)) as python-calamine gives them: a two-row
        header merged across its children reads as on the file (xlwings' sheets have no such list)."""
        return [((r.min_row - 1, r.min_col - 1), (r.max_row - 1, r.max_col - 1))
                for r in self.values_ws.merged_cells.ranges]

    @property
    def used_range(self) -> FileRange:
        return FileRange(self, (1, 1), (self.values_ws.max_row, self.values_ws.max_column))

    def range(self, first: str | tuple[int, int], last: str | tuple[int, int] | None = None) -> FileRange:
        a = _address(first)
        return FileRange(self, a, _address(last) if last is not None else a)

    def set(self, row: int, column: int, value: Any) -> None:
        if isinstance(value, str) and value.startswith("'"):
            value = value[1:]  # as in Excel: a leading apostrophe keeps text as typed and is not part of it
        self.values_ws.cell(row, column).value = value
        if not self.new:
            self.book.patch.set(self.name, row, column, value)
        self.book.changed = True

    def clear_contents(self) -> None:
        for row in self.values_ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    self.set(cell.row, cell.column, None)

    def delete(self) -> None:
        self.book._remove(self)

    def activate(self) -> None:
        """Which sheet the file opens on is not worth a write of its own: nothing to do on a file."""


class FileSheets:
    def __init__(self, book: FileBook):
        self._book = book

    def _all(self) -> list[FileSheet]:
        return self._book._sheets

    def __iter__(self) -> Iterator[FileSheet]:
        return iter(list(self._all()))

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, key: int | str) -> FileSheet:
        if isinstance(key, int):
            return self._all()[key]
        for s in self._all():
            if s.name == key:
                return s
        raise KeyError(key)

    def add(self, name: str, before: FileSheet | None = None, after: FileSheet | None = None) -> FileSheet:
        return self._book._add(name, before, after)


class FileBook:
    """A workbook file as the handlers see an xlwings Book (`name`, `sheets`, `app`)."""

    def __init__(self, path: Path, values: Workbook):
        from macros_py.workbook.package import Patch

        self.path, self.wb = path, values
        self.name = path.name
        self.fullname = str(path)
        self.app = FileApp()
        self.changed = False
        self.patch = Patch()
        self.removed: set[str] = set()  # existing sheets the handler deleted
        self._sheets = [FileSheet(self, ws) for ws in values.worksheets]
        self.sheets = FileSheets(self)

    def _add(self, name: str, before: FileSheet | None, after: FileSheet | None) -> FileSheet:
        if before is not None:
            index = self._sheets.index(before)
        elif after is not None:
            index = self._sheets.index(after) + 1
        else:
            index = 0
        sheet = FileSheet(self, self.wb.create_sheet(name, index), new=True)
        self._sheets.insert(index, sheet)
        self.changed = True
        return sheet

    def _remove(self, sheet: FileSheet) -> None:
        if not sheet.new:
            self.removed.add(sheet.name)
            self.patch.cells.pop(sheet.name, None)
        self.wb.remove(sheet.values_ws)
        self._sheets.remove(sheet)
        self.changed = True

    def put_sheet(self, title: str, xlsx: bytes, marker: str) -> None:
        """A whole sheet built apart (a workbook holding only it), grafted in when the file is written."""
        from macros_py.workbook.package import DonorSheet

        self.patch.sheets[title] = DonorSheet(xlsx, marker)
        self.changed = True

    def finish(self) -> None:
        """Turn the sheets the handler added into grafts (an existing sheet it deleted and added
        again, as «Kiểm tra sổ» does with its own sheet, is replaced in place)."""
        from openpyxl import Workbook

        from macros_py.workbook.package import DonorSheet

        for sheet in self._sheets:
            if not sheet.new:
                continue
            wb = Workbook()
            ws = wb.active
            ws.title = sheet.name
            for row in sheet.values_ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        literal_cell(ws.cell(cell.row, cell.column, cell.value))  # the ledger's text stays text
            buf = io.BytesIO()
            wb.save(buf)
            replaces = sheet.name if sheet.name in self.removed else None
            self.patch.sheets[sheet.name] = DonorSheet(buf.getvalue(), marker=None, replaces=replaces)
            self.removed.discard(sheet.name)
        if self.removed:
            raise FileShellError("lệnh này xóa sheet «" + "», «".join(sorted(self.removed)) + "»; trên tệp "
                                 "đang đóng kiemsat không xóa sheet. Hãy chạy lệnh bằng nút trên thanh Kiểm sát trong "
                                 "Excel.")


class _NothingWritten(Exception):
    pass


@dataclass
class FileRun:
    ui: ExcelUI
    backup: Path | None  # the copy of the file before the command; None when nothing was written


def run_on_file(path: str | Path, command_id: str) -> FileRun:
    """Run the ribbon command `command_id` on the closed workbook file `path`.

    Raises `macros_py.workbook.safefile.FileBusy` while the file is open, `FileShellError` for a file that
    is not an .xlsx/.xlsm workbook or cannot be loaded. What the clerk would have seen is in `ui.log`.
    """
    from openpyxl import load_workbook

    from addin.excel import dispatch
    from macros_py.ledger.reader import settings_of
    from macros_py.workbook.package import WorkbookError, backups_kept, check_writable, write_cells
    from macros_py.workbook.safefile import ensure_not_open, ledger_lock

    path = Path(path)
    try:
        check_writable(path)
    except WorkbookError as exc:
        raise FileShellError(str(exc)) from None
    if not path.is_file():
        raise FileShellError(f"không thấy tệp «{path}».")
    with ledger_lock(path):
        ensure_not_open(path)
        try:
            values = load_workbook(path, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a file it cannot load
            raise FileShellError(f"không mở được «{path.name}»: {type(exc).__name__}: {exc}.") from None
        try:
            # the ledger's Cấu hình as it was before the press: how many backups of it to keep
            keep = backups_kept(settings_of({ws.title: lambda ws=ws: [list(r) for r in ws.iter_rows(values_only=True)]
                                             for ws in values.worksheets}))
            book = FileBook(path, values)
            ui = dispatch.run(command_id, book=book)
        finally:
            values.close()
        if not book.changed:
            return FileRun(ui, None)
        book.finish()
        try:
            report = write_cells(path, book.patch, keep=keep)
        except WorkbookError as exc:
            raise FileShellError(str(exc)) from None
    return FileRun(ui, report.backup)
