"""Ledgers as clerks keep them (issue 22): each shape gives the deadlines the same rows give in
kiemsat's template, with no error and no header read by guesswork left unconfirmed.

The figures for the closing note: `.venv/bin/python -m pytest -q tests/test_clerk_shapes.py -s -k figures`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from macros_py.ledger.mapping import mapping_report
from macros_py.ledger.reader import read_ledger
from tests import shapes
from tests.lo import libreoffice  # noqa: F401

DATA = Path(__file__).parent / "data"
XLS = DATA / "so07_clerk.xls"  # shapes.national(..., shapes.cases()) saved as .xls by LibreOffice 7.4


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> set:
    path = shapes.template(tmp_path_factory.mktemp("tpl") / "template.xlsx", shapes.cases())
    found, errors, unsure = shapes.deadlines_of(path)
    assert found and not errors and not unsure
    return found


def _same_as_template(path: Path, expected: set) -> None:
    found, errors, unsure = shapes.deadlines_of(path)
    assert [str(p) for p in errors] == []
    assert [str(p) for p in unsure] == []
    assert sorted(expected - found) == [] and sorted(found - expected) == []


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "addin.commands.cli", *args], capture_output=True, text=True)


# ---------------------------------------------------------------- 1. number and date

def test_smallest_number_then_date_case_gives_its_deadline(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws.append(["Vụ án", "QĐ khởi tố vụ án", "Ngày khởi tố", "Tội danh", "Loại tội", "KSV thụ lý"])
    ws.append(["Trộm cắp - Nguyễn Văn A", "101/QĐ-CSĐT", date(2026, 6, 6), "Trộm cắp tài sản", "Nghiêm trọng", "An"])
    wb.save(tmp_path / "nd.xlsx")
    ledger = read_ledger(tmp_path / "nd.xlsx")
    (rec,) = ledger.records("an_hinh_su")
    assert (rec["opening_no"], rec["opening_date"]) == ("101/QĐ-CSĐT", date(2026, 6, 6))
    assert ledger.errors == []
    report = mapping_report(ledger)[0]["headers"]
    # the mapping says where the date was read and why
    assert report[1]["fields"] == ["Số QĐ khởi tố"] and "cột C" in report[1]["note"]
    result = run("deadlines", str(tmp_path / "nd.xlsx"), "--json", "--all", "--today", "2026-06-10")
    assert result.returncode == 0, result.stderr
    assert '"start": "2026-06-06"' in result.stdout


def test_date_column_before_number_column_is_still_told_by_content(tmp_path):
    """Order does not decide: the date column first, the number (a composite header) after."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws.append(["Mã vụ án", "Ngày khởi tố", "QĐ khởi tố vụ án", "Tội danh", "Loại tội phạm"])
    ws.append(["1/2026/HS", date(2026, 6, 6), "101/QĐ-CSĐT", "Trộm cắp tài sản", "Nghiêm trọng"])
    wb.save(tmp_path / "dn.xlsx")
    (rec,) = read_ledger(tmp_path / "dn.xlsx").records("an_hinh_su")
    assert (rec["opening_no"], rec["opening_date"]) == ("101/QĐ-CSĐT", date(2026, 6, 6))


def test_two_whole_date_columns_the_one_holding_dates_wins_and_says_so(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws.append(["Mã vụ án", "Ngày khởi tố", "Ngày QĐ khởi tố", "Tội danh", "Loại tội phạm"])
    ws.append(["1/2026/HS", "xem hồ sơ", date(2026, 6, 6), "Trộm cắp tài sản", "Nghiêm trọng"])
    ws.append(["2/2026/HS", None, date(2026, 6, 8), "Trộm cắp tài sản", "Nghiêm trọng"])
    wb.save(tmp_path / "dd.xlsx")
    ledger = read_ledger(tmp_path / "dd.xlsx")
    assert [r["opening_date"] for r in ledger.records("an_hinh_su")] == [date(2026, 6, 6), date(2026, 6, 8)]
    (warning,) = [p for p in ledger.warnings if "Ngày khởi tố" in p.message]
    assert "kiemsat đọc cột C" in warning.message and warning.column == "B"


@pytest.mark.parametrize("one_cell", [False, True], ids=["number-and-date-columns", "one-cell"])
def test_national_layout_gives_the_template_deadlines(tmp_path, expected, one_cell):
    _same_as_template(shapes.national(tmp_path / "so07.xlsx", shapes.cases(), one_cell=one_cell), expected)


def test_legacy_xls_gives_the_template_deadlines(expected):
    _same_as_template(XLS, expected)


# ---------------------------------------------------------------- 2. grouped headers

def test_grouped_headers_are_read_with_their_group(tmp_path, expected):
    path = shapes.grouped(tmp_path / "grouped.xlsx", shapes.cases())
    _same_as_template(path, expected)
    ledger = read_ledger(path)
    heads = {h["header"]: h["fields"] for h in mapping_report(ledger)[0]["headers"]}
    assert heads["Tạm giam › Gia hạn đến"] == []  # never «Gia hạn điều tra đến»
    assert heads["Điều tra › Gia hạn đến"] == ["Gia hạn điều tra đến"]
    assert heads["Khởi tố › Ngày"] == ["Ngày khởi tố"]
    first = ledger.records("an_hinh_su")[0]
    assert set(first.extra) == {"Tạm giam › Ngày bắt đầu", "Tạm giam › Gia hạn đến"}  # kept, with the group


def test_grouped_headers_saved_by_libreoffice(tmp_path, expected, libreoffice):  # noqa: F811
    (tmp_path / "built").mkdir()
    built = shapes.grouped(tmp_path / "built" / "grouped.xlsx", shapes.cases())
    (saved,) = libreoffice.convert([built], "xlsx", tmp_path / "lo")
    _same_as_template(saved, expected)
    heads = {h["header"]: h["fields"] for h in mapping_report(read_ledger(saved))[0]["headers"]}
    assert heads["Tạm giam › Gia hạn đến"] == []


def test_check_mapping_and_import_keep_the_group(tmp_path):
    path = shapes.grouped(tmp_path / "grouped.xlsx", shapes.cases(3))
    result = run("check", str(path), "--mapping")
    assert "«Tạm giam › Gia hạn đến» -> cột riêng của đơn vị" in result.stdout, result.stdout
    out = tmp_path / "moi.xlsx"
    result = run("import", str(path), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    from openpyxl import load_workbook
    wb = load_workbook(out, read_only=True)
    cells = {v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}
    assert "Tạm giam › Gia hạn đến" in cells


# ---------------------------------------------------------------- 3. a partial match is a question

def _partial(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws.append(["Mã vụ án", "Tội danh", "Loại tội phạm", "Ngày khởi tố", "Ngày gia hạn điều tra đến"])
    ws.append(["1/2026/HS", "Trộm cắp tài sản", "Nghiêm trọng", date(2026, 1, 5), date(2026, 6, 5)])
    wb.save(tmp_path / "partial.xlsx")
    return tmp_path / "partial.xlsx"


def test_partial_match_of_a_deadline_column_waits_for_a_pin(tmp_path):
    path = _partial(tmp_path)
    ledger = read_ledger(path)
    (p,) = [p for p in ledger.problems if p.confirm]
    assert p.level == "cảnh báo" and p.column == "E"
    assert "«Ngày gia hạn điều tra đến»" in p.message and "«Gia hạn điều tra đến»" in p.message
    assert "Ghim cột" in p.message  # the pin that fixes it
    for command in (["check"], ["deadlines", "--today", "2026-06-01"]):
        result = run(*command, str(path))
        assert result.returncode == 1, (command, result.stdout, result.stderr)
    # confirmed by a pin: silent, exit 0
    (tmp_path / "partial.ghim-cot.toml").write_text(
        '["Án hình sự"]\n"Ngày gia hạn điều tra đến" = "Gia hạn điều tra đến"\n', encoding="utf-8")
    ledger = read_ledger(path)
    assert not [p for p in ledger.problems if p.confirm]
    assert ledger.records("an_hinh_su")[0]["investigation_extended_to"] == date(2026, 6, 5)
    assert run("check", str(path)).returncode == 0
    # or set right: the unit's own column
    (tmp_path / "partial.ghim-cot.toml").write_text(
        '["Án hình sự"]\n"Ngày gia hạn điều tra đến" = "Cột riêng của đơn vị"\n', encoding="utf-8")
    ledger = read_ledger(path)
    assert ledger.records("an_hinh_su")[0].get("investigation_extended_to") is None
    assert run("check", str(path)).returncode == 0


def test_partial_match_of_a_free_text_column_stays_silent(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws.append(["Mã vụ án", "Tội danh", "Loại tội phạm", "Ngày khởi tố", "Ghi chú thêm"])
    ws.append(["1/2026/HS", "Trộm cắp tài sản", "Nghiêm trọng", date(2026, 1, 5), "x"])
    wb.save(tmp_path / "note.xlsx")
    assert not [p for p in read_ledger(tmp_path / "note.xlsx").problems if p.confirm]


# ---------------------------------------------------------------- 5. the clerk's own deadline formula

def test_own_deadline_formula_is_checked_against_the_law(tmp_path):
    """«Hạn giải quyết» = «Ngày tiếp nhận» + 19 (20 days, the first counted, never moved off a day off).
    By hand, Điều 147 khoản 1 and Điều 134 BLTTHS: received 28/01/2026, day 20 is 16/02/2026, the eve of
    Tết (days off 14-22/02/2026, QĐ of the Prime Minister; holidays.VN), so the last day is Monday 23/02/2026."""
    rows = shapes.tips(receipts=[date(2026, 1, 28)])
    path = shapes.own_formula(tmp_path / "own.xlsx", rows)
    from macros_py.law.deadlines import compute_deadlines

    ledger = read_ledger(path)
    assert ledger.errors == [] and ledger.problems == []  # the column is the unit's own, read as written
    report = compute_deadlines(ledger, shapes.TODAY)
    own = [p for p in report.problems if "«Hạn giải quyết»" in p.message]
    first = next(p for p in own if p.row == 2)
    assert first.level == "cảnh báo" and first.confirm and first.column == "J"
    assert "sổ ghi 16/02/2026" in first.message and "là 23/02/2026" in first.message
    assert "Điều 147" in first.message and "Tết" in first.message
    # every row where the formula and the law part, and none where they agree
    tip = {d.row: d.due for d in report.deadlines if d.kind == "tin_bao"}
    differ = {r for r, due in tip.items() if due != shapes.naive_deadline(rows[r - 2]["receipt_date"])}
    assert {p.row for p in own} == differ and 0 < len(differ) < len(rows)
    # the same rows in kiemsat's template give the same deadlines
    template = shapes.tip_template(tmp_path / "tpl.xlsx", rows)
    found = {(d.case, d.kind, d.due) for d in compute_deadlines(read_ledger(template), shapes.TODAY).deadlines}
    assert found == {(d.case, d.kind, d.due) for d in report.deadlines}
    result = run("deadlines", str(path), "--today", "2026-06-01")
    assert result.returncode == 1 and "sổ ghi 16/02/2026" in result.stdout


def test_own_deadline_header_is_never_read_as_an_extension_column(tmp_path):
    """«Hạn điều tra» is 75% like «Gia hạn điều tra»: it stays the unit's own, checked, never written into."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws.append(["Mã vụ án", "Ngày khởi tố", "Tội danh", "Loại tội phạm", "Hạn điều tra"])
    ws.append(["1/2026/HS", date(2026, 6, 6), "Trộm cắp tài sản", "Nghiêm trọng", date(2026, 9, 6)])
    wb.save(tmp_path / "dt.xlsx")
    from macros_py.law.deadlines import compute_deadlines

    ledger = read_ledger(tmp_path / "dt.xlsx")
    (rec,) = ledger.records("an_hinh_su")
    assert rec.get("investigation_extended_to") is None and rec.extra == {"Hạn điều tra": date(2026, 9, 6)}
    # 3 months from 06/06/2026 end on Sunday 06/09/2026: the last day is Monday 07/09/2026 (Điều 134 BLTTHS)
    (p,) = [p for p in compute_deadlines(ledger, date(2026, 6, 10)).problems if "Hạn điều tra" in p.message]
    assert "sổ ghi 06/09/2026" in p.message and "là 07/09/2026" in p.message and "Điều 172" in p.message
