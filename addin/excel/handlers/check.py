"""Kiểm tra sổ: validate the open ledger and list its problems in a sheet of the workbook."""

from __future__ import annotations

from typing import Any

from addin.excel.ui import ExcelUI
from macros_py.ledger.schema import PROBLEMS_SHEET

HEADER = ["Sheet", "Dòng", "Cột", "Giá trị", "Lỗi"]
SHOWN_IN_BOX = 8


def _sheet(book: Any, name: str) -> Any | None:
    for s in book.sheets:
        if s.name.casefold() == name.casefold():
            return s
    return None


def write_problems(book: Any, problems: list) -> None:
    """Replace the problems sheet's content (or remove the sheet when there is none)."""
    sheet = _sheet(book, PROBLEMS_SHEET)
    if not problems:
        if sheet is not None:
            sheet.delete()
        return
    if sheet is None:
        sheet = book.sheets.add(PROBLEMS_SHEET, after=book.sheets[len(book.sheets) - 1])
    else:
        sheet.clear_contents()
    rows = [HEADER] + [[p.sheet, p.row if p.row is not None else "", p.column, p.value, p.message]
                       for p in problems]
    sheet.range("A1").value = rows


def run(book: Any, ui: ExcelUI) -> None:
    from addin.excel.livebook import read_ledger_book

    ledger = read_ledger_book(book, ui)
    ui.status(f"ghi {len(ledger.problems)} lỗi…")
    write_problems(book, ledger.problems)
    counts = ", ".join(f"{len(d.records)} dòng «{d.name}»" for d in ledger.sheets.values())
    if not ledger.problems:
        ui.info(f"Sổ «{book.name}» hợp lệ: {counts}.")
        return
    lines = [f"- {p}" for p in ledger.problems[:SHOWN_IN_BOX]]
    more = len(ledger.problems) - SHOWN_IN_BOX
    if more > 0:
        lines.append(f"… và {more} lỗi nữa.")
    ui.info(f"Sổ «{book.name}» có {len(ledger.problems)} lỗi ({counts}). Danh sách đầy đủ ở sheet "
            f"«{PROBLEMS_SHEET}»:\n" + "\n".join(lines))
