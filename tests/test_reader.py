from datetime import date

import pytest

from macros_py.ledger.reader import LedgerError, read_ledger
from macros_py.ledger.schema import LEDGER_SHEETS, SETTINGS
from macros_py.sample import sample_rows
from tests.conftest import SAMPLE_ROWS, SAMPLE_SEED, TODAY
from tests.messy import (
    CASE_SHEET,
    EXPECTED_PROBLEMS,
    GOOD_TIPS,
    STAFF_SHEET,
    TIP_SHEET,
    build_messy_ledger,
)
from workbook_templates.builder import TEMPLATE_PATH


def test_empty_template_reads_clean_with_default_settings():
    ledger = read_ledger(TEMPLATE_PATH)
    assert ledger.problems == []
    assert set(ledger.sheets) == {s.key for s in LEDGER_SHEETS}
    assert all(not d.records for d in ledger.sheets.values())
    assert ledger.settings == {s.key: s.default if s.key != "send_time" else ledger.settings["send_time"]
                               for s in SETTINGS}
    assert ledger.settings["send_time"].strftime("%H:%M") == "07:00"


def test_sample_ledger_reads_back_exactly_what_was_written(sample_ledger):
    expected = sample_rows(SAMPLE_ROWS, seed=SAMPLE_SEED, today=TODAY)
    ledger = read_ledger(sample_ledger)
    assert ledger.problems == []
    for spec in LEDGER_SHEETS:
        records = ledger.records(spec.key)
        assert len(records) == len(expected[spec.key]), spec.key
        for rec, row in zip(records, expected[spec.key]):
            for key in spec.keys:
                assert rec.values[key] == row.get(key), (spec.key, rec.row, key)
        if records:
            assert records[0].row == 3  # title in row 1, header in row 2
    assert isinstance(ledger.records("tin_bao")[0]["receipt_date"], date)


def test_messy_hand_typed_ledger_reports_every_fault(tmp_path):
    ledger = read_ledger(build_messy_ledger(tmp_path / "so_tay.xlsx"))
    found = {(p.sheet, p.row, p.column) for p in ledger.problems}
    assert found == EXPECTED_PROBLEMS, "\n".join(map(str, ledger.problems))
    assert all(p.message for p in ledger.problems)


def test_messy_ledger_good_rows_come_through(tmp_path):
    ledger = read_ledger(build_messy_ledger(tmp_path / "so_tay.xlsx"))
    tips = ledger.sheets["tin_bao"]
    assert tips.name == TIP_SHEET and tips.header_row == 5
    by_no: dict = {}
    for r in tips.records:  # "1/TB" is typed twice (rows 7 and 19): keep the first
        by_no.setdefault(r["receipt_no"], r)
    for no, received in GOOD_TIPS.items():
        assert by_no[no]["receipt_date"] == received, no
        assert by_no[no].problems == 0
    # rows 7-12 and 14-23 are typed; the blank row 13 and the pre-numbered empty row 25 are skipped
    assert [r.row for r in tips.records] == [*range(7, 13), *range(14, 24)]
    r8 = by_no["2/TB"]
    assert r8["outcome"] == "Không khởi tố vụ án" and r8["outcome_date"] == date(2024, 3, 30)
    # staff names are matched to the staff list whatever the case or diacritics
    assert by_no["2/TB"]["prosecutor"] == by_no["3/TB"]["prosecutor"] == "Nguyễn Văn An"
    assert by_no["1/TB"]["category"] == "Ít nghiêm trọng"
    # the "Gia hạn" group header above "Ngày QĐ" / "Đến ngày"
    assert by_no["5/TB"]["extension_date"] == date(2024, 4, 2)
    assert by_no["5/TB"]["extended_to"] == date(2024, 5, 15)
    # the clerk's own column is kept, the STT column too
    assert by_no["1/TB"].extra == {"STT": 1.0, "Người nhập": "Hà"}
    # a bad cell is read as empty and the row is marked, but it still comes through
    assert by_no["7/TB"]["receipt_date"] is None and by_no["7/TB"].problems == 1

    staff = ledger.sheets["can_bo"]
    assert staff.name == STAFF_SHEET
    assert [(r["name"], r["title"], r["receives_alerts"]) for r in staff.records] == [
        ("Nguyễn Văn An", "Kiểm sát viên", True), ("Lê Thị Bình", "Kiểm sát viên", False)]
    cases = ledger.sheets["an_hinh_su"]
    assert cases.name == CASE_SHEET
    assert [r["case_id"] for r in cases.records] == ["1/2024/HS", None]
    assert cases.records[0].extra == {"Ghi chú riêng": "x"}


def test_problem_messages_name_the_column_and_what_is_expected(tmp_path):
    ledger = read_ledger(build_messy_ledger(tmp_path / "so_tay.xlsx"))
    by_cell = {(p.sheet, p.row, p.column): p for p in ledger.problems}
    bad_date = by_cell[(TIP_SHEET, 14, "B")]
    assert bad_date.value == "32/13/2024"
    assert "Ngày tiếp nhận" in bad_date.message and "dd/mm/yyyy" in bad_date.message
    assert by_cell[(TIP_SHEET, 16, "B")].value == "#VALUE!"
    assert "dòng 7" in by_cell[(TIP_SHEET, 19, "C")].message
    assert "Ít nghiêm trọng" in by_cell[(TIP_SHEET, 17, "H")].message
    assert str(bad_date).startswith(f"{TIP_SHEET}, dòng 14, cột B: «Ngày tiếp nhận»: không có ngày «32/13/2024»")
    unknown = str(by_cell[(TIP_SHEET, 17, "H")])
    assert unknown.endswith("(đang ghi «Nghiêm trọng lắm»)")


@pytest.mark.parametrize("content, words", [
    (None, "Không tìm thấy"),
    (b"this is not a spreadsheet", "không phải sổ Excel"),
    (b"PK\x03\x04 broken zip", "không phải sổ Excel"),
])
def test_unreadable_files_raise_one_clear_error(tmp_path, content, words):
    path = tmp_path / "so.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LedgerError, match=words):
        read_ledger(path)


def test_password_protected_workbook_is_named_as_such(tmp_path, sample_ledger):
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = tmp_path / "mat_khau.xlsx"
    with sample_ledger.open("rb") as src, locked.open("wb") as out:
        OOXMLFile(src).encrypt("123456", out)
    with pytest.raises(LedgerError, match="mật khẩu"):
        read_ledger(locked)


def test_warnings_apart_from_errors_and_check_exit_codes(tmp_path):
    """Issue 13: «Công an xã» in «Nguồn tin» is accepted; «Loại tội» is «Loại tội phạm» and an impossible
    category is an error for that cell; an outcome outside its list is a warning, kept as typed; a
    ledger without «Số thụ lý» is a warning. check exits 0 on warnings only, 1 on errors."""
    import subprocess
    import sys
    from pathlib import Path

    from openpyxl import Workbook

    def ledger(category: str) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.title = "Tin báo"
        ws.append(["Ngày tiếp nhận", "Nguồn tin", "Loại tội", "Kết quả giải quyết"])
        ws.append([date(2024, 3, 1), "Công an xã", "Nghiêm trọng", "Đã chuyển CA tỉnh"])
        ws.append([date(2024, 3, 2), "Tin báo", category, None])
        path = tmp_path / f"{category}.xlsx"
        wb.save(path)
        return path

    kiemsat = str(Path(sys.executable).with_name("kiemsat"))
    clean = read_ledger(ledger("Rất NT"))
    assert clean.errors == []
    values = [r.values for r in clean.records("tin_bao")]
    assert values[0]["source"] == "Công an xã" and values[0]["outcome"] == "Đã chuyển CA tỉnh"
    assert values[1]["category"] == "Rất nghiêm trọng"
    assert {(p.row, p.column) for p in clean.warnings} == {(1, "Số thụ lý"), (2, "D")}
    assert subprocess.run([kiemsat, "check", str(ledger("Rất NT"))], capture_output=True).returncode == 0

    bad = read_ledger(ledger("rất rất nặng"))
    assert [(p.row, p.column, p.value) for p in bad.errors] == [(3, "C", "rất rất nặng")]
    assert bad.records("tin_bao")[1].values["category"] is None
    assert subprocess.run([kiemsat, "check", str(ledger("rất rất nặng"))], capture_output=True).returncode == 1
