"""Nạp văn bản: an incoming document becomes a ledger row, confirmed in a sheet of the workbook.

First press: the document is chosen (Excel's Open dialog; where there is none, the path typed in cell B1 of the
sheet «Nạp văn bản»), read, and its plan written in that sheet: each cell to fill, old and new value, the words
it was read from and how sure. The clerk checks it, may correct a «Giá trị mới», and presses again: the plan is
made again from the ledger as it is now, the corrections applied, and the cells written into the open workbook.
The core is macros_py/intake, as for `kiemsat intake`; this handler only shows and asks.
"""

from __future__ import annotations

from typing import Any

from addin.excel.handlers.check import _replace_sheet, _sheet
from addin.excel.ui import ExcelUI, HandlerError
from macros_py.ledger.schema import INTAKE_SHEET

PREVIEW_SHEET = INTAKE_SHEET  # one of kiemsat's own sheets: never a ledger, never «unknown»
WAITING = "Chờ xác nhận: kiểm tra, sửa cột «Giá trị mới» nếu cần, rồi bấm lại «Nạp văn bản» để ghi."
HEADER = ["Sheet", "Dòng", "Cột", "Giá trị cũ", "Giá trị mới", "Đọc từ", "Độ chắc", "Mã cột"]
FIRST = 5  # the first plan row in the sheet


def _choose(book: Any) -> str | None:
    try:
        chosen = book.app.api.GetOpenFilename("Văn bản (*.docx;*.pdf;*.txt;*.png;*.jpg;*.tif),"
                                              "*.docx;*.pdf;*.txt;*.png;*.jpg;*.jpeg;*.tif;*.tiff", 1,
                                              "Chọn văn bản cần nạp vào sổ")
    except Exception:  # no dialog here (the file shell, the remote engine): the path typed in B1
        return None
    return str(chosen) if chosen not in (False, None, "False") else ""


def _plan(book: Any, ui: ExcelUI, document: str) -> Any:
    from addin.excel.livebook import read_ledger_book
    from macros_py.intake.errors import IntakeError
    from macros_py.intake.fields import read_document
    from macros_py.intake.plan import plan_intake
    from macros_py.intake.text import read_source

    ledger = read_ledger_book(book, ui)
    try:
        ui.status("đang đọc văn bản…")
        source = read_source(document)
        reading = read_document(source.text, ocr=source.ocr)
        plan = plan_intake(ledger, reading)
    except IntakeError as exc:
        raise HandlerError(f"Chưa nạp «{document}»: {exc}") from None
    return ledger, plan


def run(book: Any, ui: ExcelUI) -> None:
    from macros_py.decisions.register import CellWrite
    from macros_py.ledger.values import display, fmt_date

    sheet = _sheet(book, PREVIEW_SHEET)
    state = sheet.range("B2").value if sheet is not None else None
    document = (sheet.range("B1").value if sheet is not None else None) or ""
    if state != WAITING:
        chosen = _choose(book)
        if chosen == "":
            return  # the clerk cancelled the dialog
        document = chosen or str(document).strip()
        if not document:
            _replace_sheet(book, PREVIEW_SHEET, [["Tệp văn bản:", None], ["Trạng thái:", "Ghi đường dẫn tệp văn bản "
                                                  "vào ô B1 rồi bấm lại «Nạp văn bản»."]])
            ui.info(f"Ghi đường dẫn tệp văn bản (.docx, .pdf, .txt, ảnh quét) vào ô B1 của sheet «{PREVIEW_SHEET}» "
                    "rồi bấm lại «Nạp văn bản».")
            return
        _, plan = _plan(book, ui, document)
        rows = [["Tệp văn bản:", document], ["Trạng thái:", WAITING],
                ["Loại văn bản:", plan.reading.kind.label if plan.reading.kind else ""], HEADER]
        for c in plan.changes:
            rows.append([plan.sheet_of(c), c.row, c.label, display(c.old) if c.old is not None
                         else "", display(c.new), c.source, "đề xuất" if c.confidence is None else
                         f"{c.confidence:.0%}", c.key])
        rows += [[f"Lưu ý: {n}"] for n in plan.notes]
        _replace_sheet(book, PREVIEW_SHEET, rows)
        ui.info(f"Đã đọc «{document}» ({plan.reading.kind.label if plan.reading.kind else '?'}): "
                f"{len(plan.changes)} ô sẽ được ghi, xem sheet «{PREVIEW_SHEET}». {WAITING}")
        return
    ledger, plan = _plan(book, ui, str(document))
    shown = sheet.range((FIRST, 1), (FIRST + len(plan.changes) - 1, 8)).value if plan.changes else []
    shown = [shown] if plan.changes and len(plan.changes) == 1 else shown
    cells: list[CellWrite] = []
    for c, line in zip(plan.changes, shown):
        moved = str(line[0] or "") != plan.sheet_of(c)
        if moved or (line[1], line[7]) != (c.row, c.key) and (int(line[1] or 0), line[7]) != (c.row, c.key):
            raise HandlerError(f"Sổ đã thay đổi từ khi xem trước; sheet «{PREVIEW_SHEET}» không còn đúng. Hãy xóa sheet "
                               "đó rồi bấm lại «Nạp văn bản».")
        value = line[4] if line[4] not in (None, "") else c.new
        data = ledger.sheet_named(c.sheet_name, c.sheet) or ledger.sheets[c.sheet]
        cells.append(CellWrite(data.name, c.row, data.columns[c.key] + 1, value if display(value) != display(c.new)
                               else c.new))
    from addin.excel.handlers.decide import write_cells

    write_cells(book, cells, ui, "đang ghi vào sổ")
    from datetime import datetime

    sheet.range("B2").value = f"Đã ghi {len(cells)} ô lúc {datetime.now():%H:%M %d/%m/%Y}."
    where = ", ".join(f"dòng {r} sheet «{plan.sheet_names.get(s, s)}»" for s, r in plan.rows)
    ui.info(f"Đã ghi {len(cells)} ô ({where}) từ «{document}». Bấm «Kiểm tra thời hạn» để tính thời hạn mới; "
            f"lưu sổ (Ctrl+S) để giữ. Ngày ghi: {fmt_date(datetime.now().date())}.")
