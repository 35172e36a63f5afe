"""Pins in Cấu hình («Ghim cột», issue 13): a clerk writes in the ledger itself that header X of sheet Y
is column Z (or the unit's own); every read uses it; a pin naming nothing known is a cảnh báo at its
cell; when the sidecar file pins the same header otherwise, Cấu hình wins and says so."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tests.xlremote import remote_book  # noqa: I001  (sets the remote engine's licence before xlwings loads)

from macros_py.law.deadlines import compute_deadlines
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import PIN_COLUMNS, PIN_OWN_COLUMN, PIN_SECTION, SETTINGS_SHEET

TODAY = date(2025, 9, 1)
CASES = "Theo dõi án 2025"  # a name kiemsat does not know
KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))
# «Phân nhóm» is no header kiemsat knows; with only two known headers the sheet is not claimed as a ledger
HEADERS = ["Mã vụ án", "Ngày khởi tố", "Phân nhóm", "Tội danh", "Ghi chú"]
ROWS = [["1/2025/HS", date(2025, 8, 1), "Nghiêm trọng", "Trộm cắp tài sản", "bị can tại ngoại"],
        ["2/2025/HS", date(2025, 7, 15), "Ít nghiêm trọng", "Đánh bạc", ""]]


def _ledger(path: Path, pins: list[list[object]] | None = None, unit: str = "VKS KHU VỰC 9") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = CASES
    ws.append(HEADERS)
    for row in ROWS:
        ws.append(row)
    settings = wb.create_sheet(SETTINGS_SHEET)
    settings.append(["Tham số", "Giá trị"])
    settings.append(["Tên đơn vị", unit])
    if pins is not None:
        settings.append([])
        settings.append([PIN_SECTION])
        settings.append(list(PIN_COLUMNS))
        for pin in pins:
            settings.append(pin)
    wb.save(path)
    return path


PINS = [[CASES, "sổ", "Án hình sự"], [CASES, "Phân nhóm", "Loại tội phạm"], [CASES, "Ghi chú", PIN_OWN_COLUMN]]


def test_without_pins_the_category_is_missing(tmp_path):
    ledger = read_ledger(_ledger(tmp_path / "so.xlsx"))
    data = ledger.sheets["an_hinh_su"]
    assert data.column_of("category") is None and data.column_of("note") == 4
    assert [p.column for p in ledger.errors] == ["Loại tội phạm"]


def test_a_sheet_pin_makes_a_sheet_a_ledger(tmp_path):
    path = _ledger(tmp_path / "so.xlsx", [["Khác", "sổ", "Tin báo"], ["Khác", "Ngày", "Ngày tiếp nhận"],
                                          ["khác", "Số", "Số thụ lý"]])  # the sheet's name, in any case
    wb = load_workbook(path)
    other = wb.create_sheet("Khác")
    other.append(["Số", "Ngày", "Người nhập"])  # no header kiemsat reads as Tin báo: no ledger by its headers
    other.append(["5/TB", date(2025, 8, 20), "Hà"])
    wb.save(path)
    ledger = read_ledger(path)
    assert ledger.sheets["tin_bao"].name == "Khác"
    assert [(r.values["receipt_no"], r.values["receipt_date"]) for r in ledger.records("tin_bao")] == [
        ("5/TB", date(2025, 8, 20))]


def test_pins_in_cau_hinh_are_used_and_the_settings_above_still_read(tmp_path):
    ledger = read_ledger(_ledger(tmp_path / "so.xlsx", PINS))
    assert ledger.problems == [], [str(p) for p in ledger.problems]
    data = ledger.sheets["an_hinh_su"]
    assert data.name == CASES and data.column_of("category") == 2 and data.column_of("note") is None
    assert data.extra_columns == {4: "Ghi chú"}  # the unit's own column, kept as typed
    assert [r.values["category"] for r in data.records] == ["Nghiêm trọng", "Ít nghiêm trọng"]
    assert data.records[0].extra == {"Ghi chú": "bị can tại ngoại"}
    assert ledger.settings["unit_name"] == "VKS KHU VỰC 9"
    # the category selects the investigation limit (BLTTHS Đ.172 k1: 3 months for «Nghiêm trọng», 2 for
    # «Ít nghiêm trọng», from the day the case was opened; Đ.134 k1: a limit in months ends on the same date
    # of the last month, a day off moves it to the next working day): 01/08 + 3 months = 01/11/2025, a
    # Saturday, so Monday 03/11/2025; 15/07 + 2 months = 15/09/2025, a Monday
    due = {d.case: d.due for d in compute_deadlines(ledger, TODAY).deadlines if d.kind == "dieu_tra"}
    assert due == {"1/2025/HS": date(2025, 11, 3), "2/2025/HS": date(2025, 9, 15)}


def test_every_command_uses_the_pins(tmp_path):
    path = _ledger(tmp_path / "so.xlsx", PINS)
    shown = subprocess.run([KIEMSAT, "check", "--mapping", str(path)], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert f"Sheet «{CASES}» đọc là sổ «Án hình sự»" in shown.stdout
    assert "C «Phân nhóm» -> Loại tội phạm (đơn vị đã ghim)" in shown.stdout
    assert "E «Ghi chú» -> cột riêng của đơn vị (giữ nguyên)" in shown.stdout
    listed = subprocess.run([KIEMSAT, "deadlines", str(path), "--today", TODAY.isoformat(), "--json"],
                            capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert {d["case"] for d in json.loads(listed.stdout) if d["kind"] == "dieu_tra"} == {"1/2025/HS", "2/2025/HS"}
    new = tmp_path / "moi.xlsx"
    moved = subprocess.run([KIEMSAT, "import", str(path), "--out", str(new)], capture_output=True, text=True)
    assert moved.returncode == 0, moved.stderr
    assert [r.values["category"] for r in read_ledger(new).records("an_hinh_su")] == ["Nghiêm trọng", "Ít nghiêm trọng"]


def test_the_ribbon_on_the_file_uses_the_pins(tmp_path):
    """«Kiểm tra sổ» through the file shell reads the workbook as the ribbon does (livebook.read_book)."""
    from addin.excel.filebook import run_on_file

    path = _ledger(tmp_path / "so.xlsx", PINS)
    shown = run_on_file(path, "check").ui.messages("info")
    assert len(shown) == 1 and "hợp lệ" in shown[0] and f"2 dòng «{CASES}»" in shown[0], shown


def test_the_live_workbook_uses_both_pins(tmp_path):
    """In Excel (xlwings' remote engine): Cấu hình's pins are in the workbook; the sidecar is beside its file."""
    from addin.excel.livebook import read_book

    path = _ledger(tmp_path / "so.xlsx", PINS[:2])
    live = read_book(remote_book(path, name=str(path)))
    assert live.sheets["an_hinh_su"].column_of("category") == 2 and live.problems == []
    (tmp_path / "so.ghim-cot.toml").write_text(f'["{CASES}"]\n"Ghi chú" = "{PIN_OWN_COLUMN}"\n', encoding="utf-8")
    live = read_book(remote_book(path, name=str(path)))
    assert live.sheets["an_hinh_su"].column_of("note") is None and live.sheets["an_hinh_su"].extra_columns == {
        4: "Ghi chú"}
    assert [str(p) for p in live.problems] == [str(p) for p in read_ledger(path).problems] == []


def test_a_pin_naming_nothing_known_is_a_warning_at_its_cell(tmp_path):
    pins = [[CASES, "sổ", "Án hình sự"], [CASES, "Phân nhóm", "Loại tội phạm"],
            ["Sổ không có", "Phân nhóm", "Loại tội phạm"],  # row 8: no such sheet
            [CASES, "Phân nhóm", "Tội danh"],  # row 9: the same header twice
            [CASES, "Không có tiêu đề này", "Tội danh"],  # row 10: no such header
            [CASES, "Ghi chú", "Không có cột này"],  # row 11: no such column
            [CASES, "Ghi chú", "Nguồn tin"],  # row 12: a column of another ledger
            ["Cấu hình", "", "Tội danh"],  # row 13: Cấu hình is no ledger
            [CASES, "Tội danh", ""],  # row 14: what it is read as left empty
            [CASES, "sổ", "Tin báo"]]  # row 15: the sheet pinned twice
    ledger = read_ledger(_ledger(tmp_path / "so.xlsx", pins))
    assert ledger.sheets["an_hinh_su"].column_of("category") == 2  # the good pins are still used
    got = {(p.row, p.column): p for p in ledger.problems if p.sheet == SETTINGS_SHEET}
    assert all(not p.is_error for p in got.values())
    assert set(got) == {(8, "A"), (9, "B"), (10, "B"), (11, "C"), (12, "C"), (13, "A"), (14, "C"), (15, "B")}, \
        [str(p) for p in got.values()]
    assert got[(8, "A")].value == "Sổ không có" and f"«{CASES}»" in got[(8, "A")].message
    assert "đã được ghim ở dòng 7" in got[(9, "B")].message
    assert "không có tiêu đề «Không có tiêu đề này»" in got[(10, "B")].message and "dòng 1" in got[(10, "B")].message
    assert got[(11, "C")].value == "Không có cột này" and "như ở dòng tiêu đề của mẫu sổ (ví dụ «" in got[(11, "C")].message
    assert "không có cột «Nguồn tin» ở sổ «Án hình sự»" in got[(12, "C")].message
    assert "sổ không có sheet «Cấu hình»" in got[(13, "A")].message
    assert PIN_OWN_COLUMN in got[(14, "C")].message
    assert "đã được ghim là sổ ở dòng 6" in got[(15, "B")].message
    assert ledger.errors == [], [str(p) for p in ledger.errors]


def test_an_unknown_ledger_name_is_a_warning(tmp_path):
    ledger = read_ledger(_ledger(tmp_path / "so.xlsx", [[CASES, "sổ", "Án kinh tế"]]))
    p, = [p for p in ledger.problems if p.sheet == SETTINGS_SHEET]
    assert (p.row, p.column, p.value, p.is_error) == (6, "C", "Án kinh tế", False)
    assert "«Tin báo»" in p.message and "«Án hình sự»" in p.message


def test_cau_hinh_wins_over_the_sidecar_and_says_so(tmp_path):
    path = _ledger(tmp_path / "so.xlsx", PINS)
    (tmp_path / "so.ghim-cot.toml").write_text(
        f'["{CASES}"]\n"sổ" = "Án hình sự"\n"Phân nhóm" = ""\n"Tội danh" = "Tội danh"\n', encoding="utf-8")
    ledger = read_ledger(path)
    data = ledger.sheets["an_hinh_su"]
    assert data.column_of("category") == 2  # Cấu hình: Loại tội phạm; the sidecar: the unit's own column
    assert data.column_of("offence") == 3  # a pin only the sidecar has is still used
    p, = ledger.problems
    assert (p.sheet, p.row, p.column, p.value, p.is_error) == (SETTINGS_SHEET, 7, "C", "Loại tội phạm", False)
    assert "so.ghim-cot.toml" in p.message and "Cấu hình" in p.message


def test_a_sidecar_pin_to_another_ledgers_column_is_a_warning_not_a_broken_file(tmp_path):
    path = _ledger(tmp_path / "so.xlsx", PINS[:2])
    (tmp_path / "so.ghim-cot.toml").write_text(f'["{CASES}"]\n"Ghi chú" = "Nguồn tin"\n', encoding="utf-8")
    ledger = read_ledger(path)  # was: «tệp bị hỏng (KeyError)»
    p, = ledger.problems
    assert p.sheet == "so.ghim-cot.toml" and "không có cột «Nguồn tin»" in p.message and not p.is_error


def test_the_template_has_the_pin_section_and_reads_clean(tmp_path):
    from workbook_templates.builder import build_workbook

    path = tmp_path / "so.xlsx"
    build_workbook().save(path)
    ws = load_workbook(path)[SETTINGS_SHEET]
    texts = [[c.value for c in row] for row in ws.iter_rows()]
    at = texts.index(list(PIN_COLUMNS))
    assert texts[at - 1][0].casefold() == PIN_SECTION.casefold() and PIN_OWN_COLUMN in texts[at - 1][2]
    ws.append([CASES, "Phân nhóm", "Loại tội phạm"])  # a pin for a sheet the workbook lacks
    ws.parent.save(path)
    ledger = read_ledger(path)
    p, = ledger.problems
    assert (p.sheet, p.row, p.column) == (SETTINGS_SHEET, at + 2, "A")
