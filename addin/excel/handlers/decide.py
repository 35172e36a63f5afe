"""Tạo quyết định and QĐ phân công KTV: one numbered decision per selected row of the active sheet.

The decision type follows the sheet (`macros_py.decisions.issuing.type_for_row`: Tin báo -> tin-bao, Án
hình sự -> hinh-su, Án dân sự -> dan-su or hanh-chinh by «Loại vụ việc», Thi hành án ->
thi-hanh-an); the inspector's decision (kiem-tra-vien) has its own button, on Án hình sự rows.
Numbering and rendering are the core's (`plan_decisions`, `issue_planned`), exactly as `kiemsat
decide` runs them on a file; what differs is where the ledger comes from (the workbook open in
Excel, read through xlwings, saved or not) and where the register rows and the case cells go
(into that live workbook through xlwings, never into its file). The documents go to
`quyet_dinh/<case>/` beside the workbook, as `kiemsat decide --out quyet_dinh` puts them.

Two clerks pressing at the same moment are serialised by the register's lock file beside the
workbook (the one `kiemsat decide` takes). What no lock can fix: two people editing two copies of
the workbook (a copy on each PC, or one not yet synchronised by OneDrive) each see only their
own register, so each takes the same next number.

This module also holds what the other live-register buttons share (Cấp số, Mở hồ sơ): the
workbook's folder, the selection, the lock, and writing cells into the open workbook.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from addin.excel.ui import ExcelUI, HandlerError
from macros_py.workbook.literal import excel_typed

if TYPE_CHECKING:
    from macros_py.decisions.register import CellWrite
    from macros_py.ledger.reader import Ledger, Record, SheetData

SHOWN_IN_BOX = 10  # decisions listed by name in the message box
EXCEL_ROWS = 1_048_576  # a selection reaching the last row is a whole column, not chosen rows
_AREA = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d+)?(?::\$?([A-Z]{1,3})?\$?(\d+)?)?$", re.IGNORECASE)


def _today() -> date:
    return date.today()


# ---------------------------------------------------------------- the workbook and the selection


def workbook_path(book: Any) -> Path:
    """The open workbook's file on this PC (`bookpath.ledger_file`): decisions and the register lock go
    beside it."""
    from addin.excel.bookpath import ledger_file

    return ledger_file(book, "kiemsat không ghi được quyết định và khóa cấp số vào thư mục cạnh sổ")


def parse_areas(address: str) -> list[tuple[int, int]]:
    """«$A$3,$B$5:$D$7» -> [(3, 3), (5, 7)]: the first and last row of each area (a column «A:C» is
    rows 1 to the last). Areas may be separated by commas (Excel) or spaces (a saved file)."""
    spans: list[tuple[int, int]] = []
    for part in re.split(r"[,\s]+", address.rsplit("!", 1)[-1].strip()):
        if not part:
            continue
        m = _AREA.match(part)
        if not m or not (m.group(1) or m.group(2)):
            raise ValueError(part)
        first = int(m.group(2)) if m.group(2) else 1
        last = int(m.group(4)) if m.group(4) else (first if m.group(3) is None and m.group(2) else EXCEL_ROWS)
        spans.append((min(first, last), max(first, last)))
    return spans


def _saved_selection(book: Any) -> tuple[str, str]:
    """The file shell has no live selection: the sheet and cells selected when the file was saved."""
    wb = getattr(book, "wb", None)
    if wb is None:
        raise HandlerError("Không xác định được ô đang chọn trong sổ. Hãy bấm vào một ô của dòng cần làm rồi bấm lại.")
    ws = wb.active
    views = ws.sheet_view.selection
    return ws.title, str(views[0].sqref) if views and views[0].sqref else "A1"


def selection(book: Any) -> tuple[str, list[tuple[int, int]]]:
    """The active sheet's name and the row spans of the cells selected in it."""
    try:
        sel = book.app.selection
    except AttributeError:
        sel = None
        sheet, address = _saved_selection(book)
    else:
        if sel is None:
            raise HandlerError("Đang chọn một hình hay biểu đồ, không phải ô. Hãy bấm vào ô của dòng cần làm "
                               "rồi bấm lại.")
        sheet, address = sel.sheet.name, sel.address
    try:
        return sheet, parse_areas(address)
    except ValueError:
        raise HandlerError(f"Không đọc được vùng đang chọn «{address}». Hãy chọn các ô của những dòng cần làm "
                           "rồi bấm lại.") from None


def ledger_sheet(ledger: Ledger, sheet_name: str) -> SheetData | None:
    """The ledger sheet the workbook names `sheet_name`, whichever sheet of its kind it is (one per
    prosecutor, per year, ...); None for a sheet kiemsat does not read."""
    return ledger.sheet_named(sheet_name)


def active_record(book: Any, ledger: Ledger) -> tuple[SheetData, Record]:
    """The sheet and row of the active cell (the selection's first row), as the reader read them."""
    sheet_name, spans = selection(book)
    data = ledger_sheet(ledger, sheet_name)
    row = spans[0][0]
    record = next((r for r in data.records if r.row == row), None) if data is not None else None
    if data is None or record is None:
        where = f"dòng {row} của sheet «{sheet_name}»" if data is not None else f"sheet «{sheet_name}»"
        raise HandlerError(f"Ô đang chọn không thuộc dòng vụ án nào ({where}). Hãy bấm vào một ô trên dòng của vụ án "
                           "(ở các sheet như «Tin báo», «Án hình sự», «Án dân sự», «Thi hành án») rồi bấm lại.")
    return data, record


# ---------------------------------------------------------------- the lock and the writes


@contextmanager
def numbering(workbook: Path) -> Iterator[None]:
    """Hold the register lock beside the workbook (the one `kiemsat decide` takes)."""
    from macros_py.decisions import register
    from macros_py.decisions.register import RegisterError, lock_path, register_lock

    with ExitStack() as stack:
        try:
            stack.enter_context(register_lock(workbook, timeout=register.LOCK_TIMEOUT))
        except RegisterError as exc:
            raise HandlerError(_sentence(str(exc))) from None
        except PermissionError:
            raise HandlerError(f"Không tạo được tệp khóa «{lock_path(workbook).name}» trong thư mục của sổ "
                               f"({workbook.parent}): cần quyền ghi vào thư mục này để cấp số.") from None
        yield


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class Block:
    """One range write: `values` (rows x columns) from (row, column), Excel numbering."""

    sheet: str
    row: int
    column: int
    values: list[list[Any]]


def blocks(cells: Sequence[CellWrite]) -> list[Block]:
    """Cells grouped into few range writes: adjacent columns of a row, then consecutive rows with
    the same columns. Only the given cells are written (never one in between)."""
    rows: dict[tuple[str, int], dict[int, Any]] = {}
    for c in cells:
        rows.setdefault((c.sheet, c.row), {})[c.column] = c.value
    runs: list[Block] = []
    for (sheet, row), by_col in rows.items():
        for col in sorted(by_col):
            last = runs[-1] if runs else None
            if last and last.sheet == sheet and last.row == row and last.column + len(last.values[0]) == col:
                last.values[0].append(by_col[col])
            else:
                runs.append(Block(sheet, row, col, [[by_col[col]]]))
    merged: list[Block] = []
    open_ends: dict[tuple[str, int, int, int], Block] = {}  # (sheet, column, width, next row) -> block
    for b in runs:
        key = (b.sheet, b.column, len(b.values[0]), b.row)
        block = open_ends.pop(key, None)
        if block is None:
            block = b
            merged.append(block)
        else:
            block.values.append(b.values[0])
        open_ends[(b.sheet, b.column, len(b.values[0]), block.row + len(block.values))] = block
    return merged


def write_cells(book: Any, cells: Sequence[CellWrite], ui: ExcelUI, what: str) -> None:
    """Write `cells` into the open workbook through xlwings (the file shell: into its workbook)."""
    sheets = {s.name: s for s in book.sheets}
    todo = blocks(cells)
    for i, b in enumerate(todo, 1):
        if len(todo) > 1:
            ui.progress(i, len(todo), what)
        values = [[excel_typed(v) for v in row] for row in b.values]
        last = (b.row + len(values) - 1, b.column + len(values[0]) - 1)
        sheets[b.sheet].range((b.row, b.column), last).value = values


# ---------------------------------------------------------------- Tạo quyết định


def chosen_rows(book: Any, ledger: Ledger) -> tuple[SheetData, list[Record]]:
    sheet_name, spans = selection(book)
    data = ledger_sheet(ledger, sheet_name)
    if data is None:
        raise HandlerError(f"Sheet «{sheet_name}» không phải sổ vụ án. Hãy chọn các dòng cần ra quyết định ở sheet "
                           "«Tin báo», «Án hình sự», «Án dân sự» hoặc «Thi hành án» rồi bấm lại.")
    if any(last >= EXCEL_ROWS for _, last in spans):
        raise HandlerError("Đang chọn cả cột. Hãy chọn các dòng cần ra quyết định (giữ Ctrl để chọn nhiều vùng) "
                           "rồi bấm lại.")
    wanted = {r for first, last in spans for r in range(first, last + 1)}
    records = [r for r in data.records if r.row in wanted]
    if not records:
        raise HandlerError(f"Vùng đang chọn ở sheet «{sheet_name}» không có dòng dữ liệu nào. Hãy chọn các dòng "
                           "vụ án cần ra quyết định rồi bấm lại.")
    return data, records


def _already_decided(dtype: Any, data: SheetData, record: Record, register_rows: Sequence[Record] = ()) -> str | None:
    """The row's own decision of this type, which the clerk may replace (asked first); a number another
    decision wrote there (the hình sự decision's for the Kiểm tra viên it named) is no such case: the
    core refuses that row with its reason."""
    from macros_py.decisions.issuing import earlier_assignment, record_case
    from macros_py.ledger.values import display

    no_key = dtype.writeback[0]
    number = record.values.get(no_key)
    if number in (None, "") or dtype.repeatable or earlier_assignment(dtype, record.values, register_rows):
        return None
    return (f"dòng {record.row} ({record_case(data.spec, record)}): đã có quyết định số {display(number)} (cột "
            f"«{data.spec.column(no_key).label}»)")


def confirm(ui: ExcelUI, text: str) -> bool:
    """Ask the clerk Có / Không (`ExcelUI.ask`: in Excel a Unicode box in front of it)."""
    return ui.ask(text)


def issue(book: Any, ui: ExcelUI, inspector: bool = False, chosen: Any = None) -> None:
    """Issue for the selected rows: the sheet's assignment decision, the inspector's (`inspector`), or
    the decision type `chosen` (an item of the «Loại quyết định» menu, the unit's own types included)."""
    from addin.excel.livebook import read_book
    from macros_py.decisions.decision_types import DECISION_TYPES_BY_KEY
    from macros_py.decisions.issuing import (
        INSPECTOR_TYPE,
        DecisionError,
        Options,
        default_out_dir,
        issue_planned,
        load_template,
        plan_decisions,
        type_for_row,
    )
    from macros_py.decisions.merge import MergeError
    from macros_py.decisions.register import RegisterError, plan_write_back
    from macros_py.ledger.schema import REGISTER

    from addin.excel.handlers.decision_menu import unit_templates

    workbook = workbook_path(book)
    templates_dir = unit_templates(workbook)
    out_dir = default_out_dir(workbook)
    day = _today()
    with numbering(workbook):
        ui.status("đang đọc sổ…")
        ledger = read_book(book, progress=ui.progress)
        data, records = chosen_rows(book, ledger)
        try:
            if inspector or chosen is not None:
                dtype = chosen if chosen is not None else DECISION_TYPES_BY_KEY[INSPECTOR_TYPE]
                if data.spec.key != dtype.sheet:
                    raise HandlerError(f"Quyết định «{dtype.title}» ra cho các dòng của sheet "
                                       f"«{dtype.spec.title}»; đang chọn ở sheet «{data.name}».")
                rows = [(dtype, r) for r in records]
            else:
                problems, rows = [], []
                for r in records:
                    try:
                        rows.append((type_for_row(data.spec.key, r), r))
                    except DecisionError as exc:
                        problems += exc.messages
                if problems:
                    raise DecisionError(problems)
            register_rows = ledger.records(REGISTER.key)
            done = [m for dtype, r in rows if (m := _already_decided(dtype, data, r, register_rows))]
            reissue = bool(done) and confirm(ui, "\n".join(
                ["Các dòng sau đã có quyết định:", *(f"- {m}" for m in done),
                 "Ra quyết định mới thay thế? Số cũ vẫn giữ trong Sổ quyết định, ghi «đã được thay thế»."]))
            if done and not reissue:
                raise DecisionError([f"{m}; muốn ra quyết định mới thay thế thì bấm «Yes» (Có) khi được hỏi, hoặc "
                                     "dùng «kiemsat decide --reissue»." for m in done])
            templates = {t.key: load_template(t, templates_dir) for t in {dtype for dtype, _ in rows}}
            ui.status(f"đang soạn {len(rows)} quyết định…")
            plan = plan_decisions(ledger, rows, templates, out_dir=out_dir, day=day, ledger_path=workbook,
                                  options=Options(reissue=reissue, all_or_nothing=True))
            cells = plan_write_back(ledger, plan.entries, plan.updates)

            def record(_plan: Any) -> None:
                write_cells(book, cells.cells, ui, "Đang ghi vào sổ")

            ui.status(f"đang ghi {len(rows)} quyết định…")
            issue_planned(plan, record)
        except DecisionError as exc:
            raise HandlerError("Chưa ra quyết định nào, sổ và thư mục không thay đổi:\n"
                               + "\n".join(f"- {m}" for m in exc.messages)) from None
        except (RegisterError, MergeError) as exc:
            raise HandlerError(f"Chưa ra quyết định nào: {exc}") from None
    ui.info(summary(book.name, data.name, plan, out_dir, cells.register_sheet, cells.warnings))


def summary(book_name: str, sheet_name: str, plan: Any, out_dir: Path, register_sheet: str,
            warnings: Sequence[str]) -> str:
    from macros_py.ledger.values import fmt_date

    issued = plan.issued
    first = issued[0]
    lines = [(f"Đã ra {len(issued)} quyết định ngày {fmt_date(first.date)}, ghi vào sheet «{register_sheet}» và "
              f"các dòng của sheet «{sheet_name}»:")]
    for item, entry in list(zip(issued, plan.entries))[:SHOWN_IN_BOX]:
        lines.append(f"- dòng {item.row}: số {item.decision_no} → {entry.file}")
    if len(issued) > SHOWN_IN_BOX:
        lines.append(f"… và {len(issued) - SHOWN_IN_BOX} quyết định nữa (xem sheet «{register_sheet}»).")
    lines.append(f"Thư mục quyết định: {out_dir}")
    lines += [f"Lưu ý: {w}" for w in warnings]
    lines.append(f"Hãy lưu sổ «{book_name}» (Ctrl+S) để giữ các số đã cấp.")
    return "\n".join(lines)


def run(book: Any, ui: ExcelUI) -> None:
    """Tạo quyết định: the sheet's assignment decision for each selected row."""
    issue(book, ui)


def run_type(book: Any, ui: ExcelUI, type_key: str) -> None:
    """An item of the «Loại quyết định» menu: the decision type `type_key` (built in, or the unit's own in
    the «mau_quyet_dinh» folder beside the workbook) for each selected row."""
    from addin.excel.handlers.decision_menu import UNIT_TEMPLATES, unit_templates
    from macros_py.decisions.manifest import load_types

    typeset = load_types(unit_templates(workbook_path(book)))
    dtype = typeset.types.get(type_key)
    if dtype is None:
        raise HandlerError(f"Không có loại quyết định «{type_key}» (các loại của kiemsat và của đơn vị trong thư mục "
                           f"«{UNIT_TEMPLATES}» cạnh sổ); mẫu vừa bị xóa hoặc đổi tên? Hãy mở lại menu «Loại quyết "
                           "định» và chọn lại.")
    if dtype.extension:
        raise HandlerError(f"«{dtype.title}» cần ngày gia hạn đến, trên Excel chưa nhập được: hãy dùng «kiemsat "
                           f"decide SO.xlsx --type {dtype.key} --rows … --until dd/mm/yyyy».")
    issue(book, ui, chosen=dtype)


def run_inspector(book: Any, ui: ExcelUI) -> None:
    """QĐ phân công KTV: the inspector's assignment decision for each selected Án hình sự row."""
    issue(book, ui, inspector=True)
