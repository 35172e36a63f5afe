"""Kiểm tra sổ: validate the open ledger and list its problems in a sheet of the workbook, and, when
some header was not read as spelled in kiemsat's template, how each header was read in another
(«Cách đọc cột»: the content of `kiemsat check --mapping`, from `mapping.mapping_table`).

Both sheets are written through the book the handler gets: xlwings' in Excel, or the file shell's
(`addin.excel.filebook`), which grafts a new sheet in through the one ledger writer."""

from __future__ import annotations

from typing import Any

from addin.excel.ui import ExcelUI
from macros_py.ledger.schema import MAPPING_SHEET, PIN_SECTION, PROBLEMS_SHEET, SETTINGS_SHEET
from macros_py.workbook.literal import excel_typed

HEADER = ["Sheet", "Dòng", "Cột", "Giá trị", "Lỗi"]
SHOWN_IN_BOX = 8


def _sheet(book: Any, name: str) -> Any | None:
    for s in book.sheets:
        if s.name.casefold() == name.casefold():
            return s
    return None


def _replace_sheet(book: Any, name: str, rows: list[list[Any]] | None) -> None:
    """Replace sheet `name`'s content with `rows` (or remove the sheet when there are none)."""
    sheet = _sheet(book, name)
    if not rows:
        if sheet is not None:
            sheet.delete()
        return
    if sheet is None:
        sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    else:
        sheet.clear_contents()
    # blank, not empty text; a ledger's text as typed (never a formula, date or number Excel would make of it)
    sheet.range("A1").value = [[None if v == "" else excel_typed(v) for v in row] for row in rows]


def write_problems(book: Any, problems: list) -> None:
    """Replace the problems sheet's content (or remove the sheet when there is none)."""
    _replace_sheet(book, PROBLEMS_SHEET, [HEADER] + [
        [p.sheet, p.row if p.row is not None else "", p.column, p.value, p.message] for p in problems]
        if problems else None)


def write_mapping(book: Any, ledger: Any) -> bool:
    """Write how each header was read, unless every one is spelled as in the template (then the sheet
    is removed if an earlier press left it). True when the sheet was written."""
    from macros_py.ledger.mapping import as_template, mapping_report, mapping_table

    report = mapping_report(ledger)
    shown = not as_template(report)
    _replace_sheet(book, MAPPING_SHEET, mapping_table(report) if shown else None)
    return shown


def run(book: Any, ui: ExcelUI) -> None:
    from addin.excel.livebook import read_ledger_book

    ledger = read_ledger_book(book, ui)
    ui.status(f"ghi {len(ledger.problems)} lỗi…")
    write_problems(book, ledger.problems)
    mapped = write_mapping(book, ledger)
    counts = ", ".join(f"{len(d.records)} dòng «{d.name}»" for d in ledger.sheets.values())
    how = (f"\nCách kiemsat đọc từng tiêu đề cột ở sheet «{MAPPING_SHEET}»; đọc sai thì ghim ở sheet "
           f"«{SETTINGS_SHEET}», mục «{PIN_SECTION}»." if mapped else "")
    if not ledger.problems:
        ui.info(f"Sổ «{book.name}» hợp lệ: {counts}." + how)
        return
    lines = [f"- {p}" for p in ledger.problems[:SHOWN_IN_BOX]]
    more = len(ledger.problems) - SHOWN_IN_BOX
    if more > 0:
        lines.append(f"… và {more} lỗi nữa.")
    ui.info(f"Sổ «{book.name}» có {len(ledger.problems)} lỗi ({counts}). Danh sách đầy đủ ở sheet "
            f"«{PROBLEMS_SHEET}»:\n" + "\n".join(lines) + how)
