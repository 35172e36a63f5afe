"""The ribbon's «Kiểm tra sổ» writes «Cách đọc cột»: how each header of each sheet was read (column, or the
unit's own; the score; for a required column not found, the closest headers), the same content as
`kiemsat check --mapping`, from one source (`mapping.mapping_table`). In the live workbook through
xlwings' remote engine, and on a closed file through the file shell and the one writer (issue 13)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.xlremote import actions, grid, remote_book  # noqa: I001  (sets the remote engine's licence first)
from addin.excel import dispatch
from addin.excel.filebook import run_on_file
from addin.excel.livebook import read_book
from macros_py.ledger.mapping import MAPPING_HEADER, mapping_report, mapping_table
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import MAPPING_SHEET
from macros_py.workbook.literal import excel_typed
from tests.messy import CASE_SHEET, TIP_SHEET, build_messy_ledger

KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))


def _expected(path: Path, ledger=None) -> list[list[object]]:  # noqa: ANN001 - a reader.Ledger
    rows = mapping_table(mapping_report(ledger or read_ledger(path)))
    # what the table must hold for this ledger, whatever the code that builds it
    assert [TIP_SHEET, "Tin báo", 5, "C", "Số TB", "Số thụ lý", "100%", ""] in rows
    assert [TIP_SHEET, "Tin báo", 5, "K", "Người nhập", "cột riêng của đơn vị (giữ nguyên)", "", ""] in rows
    missing = [r for r in rows if r[0] == CASE_SHEET and r[5] == "thiếu cột bắt buộc «Loại tội phạm»"]
    assert len(missing) == 1 and missing[0][7].startswith("tiêu đề gần nhất: «")
    return rows


def test_check_mapping_prints_the_same_rows(tmp_path):
    path = build_messy_ledger(tmp_path / "so_tay.xlsx")
    shown = subprocess.run([KIEMSAT, "check", "--mapping", str(path)], capture_output=True, text=True).stdout
    for sheet, _, _, letter, header, how, _, note in _expected(path)[1:]:
        if letter:
            assert f"  {letter} «{header}» -> {how}" + (f" ({note})" if note else "") + "\n" in shown
        else:
            assert f"  {how[0].upper()}{how[1:]}; {note}.\n" in shown


def test_the_live_workbook_gets_the_mapping_sheet(tmp_path):
    path = build_messy_ledger(tmp_path / "so_tay.xlsx")
    book = remote_book(path)
    ui = dispatch.run("check", book=book)
    assert f"«{MAPPING_SHEET}»" in ui.messages("info")[0]
    assert MAPPING_SHEET in [a["args"][1] for a in actions(book, "addSheet")]
    written = [a["values"] for a in actions(book, "setValues") if a["values"][0] == MAPPING_HEADER]
    assert len(written) == 1
    # as read from Excel (merged header cells are not: «Đến ngày» under «Gia hạn» is then the unit's own)
    # the engine sends a blank cell as ""; text Excel would convert («100%») goes with its apostrophe
    assert written[0] == [[excel_typed(v) for v in row] for row in _expected(path, read_book(remote_book(path)))]


def test_the_file_shell_writes_the_mapping_sheet_through_the_writer(tmp_path):
    path = build_messy_ledger(tmp_path / "so_tay.xlsx")
    before = grid(path)
    expected = _expected(path)
    run = run_on_file(path, "check")
    assert run.backup is not None and f"«{MAPPING_SHEET}»" in run.ui.messages("info")[0]
    after = grid(path)
    assert {name: cells for name, cells in after.items() if name in before} == before  # nothing else changed
    rows = [list(r) for r in openpyxl.load_workbook(path)[MAPPING_SHEET].iter_rows(values_only=True)]
    assert rows == [[None if v == "" else v for v in row] for row in expected]
    assert read_ledger(path).unknown_sheets == []  # kiemsat's own sheet is never taken for a ledger
    again = run_on_file(path, "check")  # a second press replaces the sheet's content, once
    assert again.backup is not None
    assert [list(r) for r in openpyxl.load_workbook(path)[MAPPING_SHEET].iter_rows(values_only=True)] == rows


def test_a_ledger_read_as_the_template_gets_no_mapping_sheet(sample_ledger):
    book = remote_book(sample_ledger)
    dispatch.run("check", book=book)
    assert MAPPING_SHEET not in [a["args"][1] for a in actions(book, "addSheet")]
