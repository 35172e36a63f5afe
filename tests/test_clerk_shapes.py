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
    (said,) = ledger.warnings  # and said: no detention deadline is computed from them on this sheet
    assert "«Tạm giam › Gia hạn đến»" in said.message and "Bị can" in said.message


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


# ---------------------------------------------------------------- 4. many sheets, one kind

def test_a_sheet_per_prosecutor_is_one_ledger_with_the_prosecutor_from_the_name(tmp_path):
    rows = shapes.tips(33)
    path = shapes.per_prosecutor(tmp_path / "ksv.xlsx", rows)
    ledger = read_ledger(path)
    assert [(d.name, d.spec.key, len(d.records)) for d in ledger.all_sheets()] == [
        (f"KSV {p}", "tin_bao", 11) for p in shapes.PROSECUTORS]
    assert ledger.problems == [] and ledger.unknown_sheets == []
    from macros_py.law.deadlines import compute_deadlines

    found = {(d.case, d.kind, d.due, d.prosecutor) for d in compute_deadlines(ledger, shapes.TODAY).deadlines}
    template = shapes.tip_template(tmp_path / "tpl.xlsx", shapes.with_prosecutors(rows))
    expected = {(d.case, d.kind, d.due, d.prosecutor)
                for d in compute_deadlines(read_ledger(template), shapes.TODAY).deadlines}
    assert found == expected and None not in {p for *_, p in found}
    result = run("check", str(path), "--mapping")
    assert "«Kiểm sát viên» của mọi dòng: «Trần Thị Bình», lấy từ tên sheet" in result.stdout


def test_pinning_every_sheet_keeps_every_row(tmp_path):
    path = shapes.per_prosecutor(tmp_path / "ksv.xlsx", shapes.tips(33))
    (tmp_path / "ksv.ghim-cot.toml").write_text(
        "".join(f'["KSV {p}"]\n"sổ" = "Tin báo"\n' for p in shapes.PROSECUTORS), encoding="utf-8")
    ledger = read_ledger(path)
    assert sum(len(d.records) for d in ledger.all_sheets()) == 33
    assert ledger.problems == []


def test_deadlines_write_into_each_sheet_of_a_kind_at_its_own_rows(tmp_path):
    """Two sheets in kiemsat's own columns (2025 and 2026): each row's «Hạn tiếp theo» goes to its own sheet."""
    from openpyxl import load_workbook

    from macros_py.law.deadlines import compute_deadlines
    from macros_py.law.writeback import write_deadlines
    from macros_py.ledger.schema import TIP_OFFS

    rows = shapes.tips(12)
    wb = Workbook()
    wb.remove(wb.active)
    for title, part in (("Tin báo 2025", rows[:5]), ("Tin báo 2026", rows[5:])):
        ws = wb.create_sheet(title)
        ws.append([c.label for c in TIP_OFFS.columns])
        for row in part:
            ws.append([row.get(c.key) for c in TIP_OFFS.columns])
    wb.save(tmp_path / "hai.xlsx")
    ledger = read_ledger(tmp_path / "hai.xlsx")
    assert [d.name for d in ledger.sheets_of("tin_bao")] == ["Tin báo 2025", "Tin báo 2026"]
    report = compute_deadlines(ledger, shapes.TODAY)
    expected = {(k[0], k[1]): d.due for k, d in report.next_by_sheet_row().items()}
    assert {s for s, _ in expected} == {"Tin báo 2025", "Tin báo 2026"}
    write_deadlines(tmp_path / "hai.xlsx", lambda led: compute_deadlines(led, shapes.TODAY))
    book = load_workbook(tmp_path / "hai.xlsx")
    col = [c.key for c in TIP_OFFS.columns].index("next_deadline") + 1
    written = {(ws.title, r): ws.cell(r, col).value.date() for ws in book.worksheets
               for r in range(2, ws.max_row + 1) if ws.cell(r, col).value}
    assert written == expected


# ---------------------------------------------------------------- the figures for the closing note

def test_figures(tmp_path):
    """Every shape against the same rows in kiemsat's template: deadlines found / expected, errors,
    headers waiting for a pin. Printed with `-s`; asserted all the same."""
    from macros_py.law.deadlines import compute_deadlines

    def deadlines(path: Path, keys=("case", "kind", "due")) -> tuple[set, int, int]:
        ledger = read_ledger(path)
        report = compute_deadlines(ledger, shapes.TODAY)
        unsure = [p for p in ledger.problems if p.confirm]
        return {tuple(getattr(d, k) for k in keys) for d in report.deadlines}, len(ledger.errors), len(unsure)

    cases, tips = shapes.cases(), shapes.tips(33)
    template_cases = deadlines(shapes.template(tmp_path / "t1.xlsx", cases))[0]
    template_tips = deadlines(shapes.tip_template(tmp_path / "t2.xlsx", shapes.with_prosecutors(tips)),
                              ("case", "kind", "due", "prosecutor"))[0]
    (tmp_path / "g").mkdir()
    rows = [
        ("national, number and date columns", shapes.national(tmp_path / "n.xlsx", cases), template_cases, None),
        ("national, «101/QĐ-CSĐT ngày 6/6/2026» in one cell",
         shapes.national(tmp_path / "n1.xlsx", cases, one_cell=True), template_cases, None),
        ("legacy .xls (LibreOffice-made)", XLS, template_cases, None),
        ("3-row title, grouped two-row headers", shapes.grouped(tmp_path / "g" / "g.xlsx", cases),
         template_cases, None),
        ("a sheet per prosecutor", shapes.per_prosecutor(tmp_path / "k.xlsx", tips), template_tips,
         ("case", "kind", "due", "prosecutor")),
        ("the clerk's own deadline formula", shapes.own_formula(tmp_path / "f.xlsx", tips),
         deadlines(shapes.tip_template(tmp_path / "t3.xlsx", tips))[0], None),
    ]
    lines = []
    for name, path, expected, keys in rows:
        found, errors, unsure = deadlines(path, keys or ("case", "kind", "due"))
        lines.append(f"{name:<55} {len(found & expected):>4} / {len(expected):<4} false errors {errors}, "
                     f"unconfirmed {unsure}, extra {len(found - expected)}")
        assert found == expected and errors == 0 and unsure == 0, lines[-1]
    print("\n" + "\n".join(lines))  # shown with -s
