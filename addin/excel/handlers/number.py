"""Cấp số: the next number of the Sổ quyết định register for a decision typed by hand.

The case is the active row of the active sheet, the symbol Cấu hình's «Ký hiệu văn bản», the date
today. The register row is appended in the workbook open in Excel (through xlwings), under the
same lock beside the workbook as `kiemsat decide` and «Tạo quyết định», from the same
`next_number`. The button asks nothing: an input box is not something xlwings' remote engine
(the one the tests run on) can answer synchronously, and the clerk fills «Loại quyết định» and
«Trích yếu» in the new register row, which the message box names.
"""

from __future__ import annotations

from typing import Any

from addin.excel.handlers import decide
from addin.excel.handlers.decide import (
    active_record,
    numbering,
    workbook_path,
    write_cells,
)
from addin.excel.ui import ExcelUI, HandlerError


def run(book: Any, ui: ExcelUI) -> None:
    from addin.excel.livebook import read_book
    from macros_py.decisions.issuing import record_case
    from macros_py.decisions.register import (
        Entry,
        RegisterError,
        next_number,
        plan_write_back,
        symbol_for,
    )
    from macros_py.ledger.schema import REGISTER
    from macros_py.ledger.values import fmt_date

    workbook = workbook_path(book)
    day = decide._today()
    with numbering(workbook):
        ui.status("đang đọc sổ…")
        ledger = read_book(book, progress=ui.progress)
        data, record = active_record(book, ledger)
        if data.spec.key == REGISTER.key:
            raise HandlerError(f"Đang chọn một dòng của sheet «{data.name}». Hãy bấm vào dòng của vụ án cần cấp số "
                               "(ở sheet «Tin báo», «Án hình sự»…) rồi bấm lại.")
        case = record_case(data.spec, record)
        try:
            symbol = symbol_for(ledger.settings.get("doc_symbol", ""))
            number = next_number(ledger.records(REGISTER.key), day.year, symbol)
            entry = Entry(number, day.year, symbol, day, "", "", case, "", "")
            cells = plan_write_back(ledger, [entry], [])
        except RegisterError as exc:
            raise HandlerError(f"Chưa cấp số: {exc}") from None
        write_cells(book, [c for c in cells.cells if c.value != ""], ui, "Đang ghi vào sổ")  # the clerk fills the rest
    columns = ", ".join(f"«{REGISTER.column(k).label}»" for k in ("decision_type", "summary", "signer", "file"))
    ui.info(f"Đã cấp số {number}/{symbol} ngày {fmt_date(day)} cho «{case}» (dòng {record.row} sheet «{data.name}»), "
            f"ghi ở dòng {cells.first_row} sheet «{cells.register_sheet}».\n"
            f"Hãy điền {columns} vào dòng đó, rồi lưu sổ «{book.name}» (Ctrl+S) để giữ số đã cấp."
            + "".join(f"\nLưu ý: {w}" for w in cells.warnings))
