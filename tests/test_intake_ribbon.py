"""The ribbon's «Nạp văn bản» on a closed ledger through the file shell (the handler's code as Excel runs it):
first press without a dialog asks for the path in B1; the next shows the plan in the sheet «Nạp văn bản»; the
one after, once the clerk corrected a value there, writes it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from addin.excel.filebook import run_on_file
from addin.excel.handlers.intake import FIRST, PREVIEW_SHEET, WAITING
from macros_py.ledger.reader import read_ledger
from macros_py.workbook.package import Patch, write_cells

DOCS = Path(__file__).resolve().parent / "intake_corpus" / "docs"


def _sheet_rows(path: Path) -> list[list]:
    wb = load_workbook(path, read_only=True)
    try:
        return [list(r) for r in wb[PREVIEW_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()


def test_preview_correct_and_write(tmp_path):
    from workbook_templates.builder import create_ledger

    path = tmp_path / "so.xlsx"
    create_ledger(path)
    first = run_on_file(path, "intake")
    assert "ô B1" in first.ui.messages("info")[0]
    patch = Patch()
    patch.set(PREVIEW_SHEET, 1, 2, str(DOCS / "070-tinbao-t6.txt"))
    write_cells(path, patch, backup=False)

    second = run_on_file(path, "intake")
    assert "070-tinbao-t6.txt" in second.ui.messages("info")[0]
    rows = _sheet_rows(path)
    assert rows[1][1] == WAITING
    plan = {r[7]: r for r in rows[FIRST - 1:] if r and len(r) > 7 and r[7]}
    assert plan["reporter"][4] == "Phạm Văn Long" and "Phạm Văn Long" in plan["reporter"][5]
    assert plan["receipt_no"][6] == "đề xuất"
    assert read_ledger(path).records("tin_bao") == []  # nothing written before the second press

    row = next(i for i, r in enumerate(rows, 1) if r and len(r) > 7 and r[7] == "receipt_no")
    patch = Patch()
    patch.set(PREVIEW_SHEET, row, 5, "TB-77/2026")  # the clerk's own number
    write_cells(path, patch, backup=False)

    third = run_on_file(path, "intake")
    assert "Đã ghi" in third.ui.messages("info")[0]
    [tip] = read_ledger(path).records("tin_bao")
    assert (tip["receipt_no"], tip["receipt_date"], tip["reporter"]) == ("TB-77/2026", date(2026, 4, 7),
                                                                          "Phạm Văn Long")
    assert _sheet_rows(path)[1][1].startswith("Đã ghi")
