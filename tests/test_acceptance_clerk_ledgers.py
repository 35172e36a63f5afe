"""Acceptance: ledgers built the way units keep them (issue 22), run through the CLI as a clerk would.

Every workbook here is built from nothing in this file (openpyxl, zip edits, LibreOffice headless for the
files LibreOffice saves, .xls and .ods); none comes from kiemsat's own builders, samples or test fixtures,
except the decide/recalculation case, which starts from `kiemsat init` as a unit does. Expected deadlines are
computed by hand from the statute:

- BLTTHS 2015 Điều 134 khoản 1: a limit in days counts the day it starts as day one (kiemsat's «tính ngày
  đầu» reading, the earlier of the two it computes); a limit in months ends on the same date of the month it
  reaches («ngày trùng»), or that month's last day; when the last day is a day off, the next working day is
  the last day.
- Điều 147 khoản 1: a tin báo is settled within 20 days of receipt.
- Điều 172 khoản 1: investigation is at most 2 / 3 / 4 / 4 months from the khởi tố vụ án, for ít nghiêm
  trọng / nghiêm trọng / rất nghiêm trọng / đặc biệt nghiêm trọng crimes.
- Days off used below (Bộ luật Lao động 2019 Điều 112): Tết Dương lịch 01/01/2026 and the swapped Friday
  02/01/2026 (Công văn 12729/VPCP-KGVX); Tết Nguyên đán from Saturday 14/02 to Sunday 22/02/2026; Giỗ Tổ
  Hùng Vương on Sunday 26/04/2026, taken on Monday 27/04; 30/04 and 01/05/2026. Dates whose end would fall
  near Quốc khánh (22/08-04/09: the day added to 02/09 and a Saturday worked for it vary by year) or
  24/11 are avoided.

LibreOffice tests skip with the reason when soffice is absent (tests/lo.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree

from tests.lo import libreoffice  # noqa: F401  (session-wide LibreOffice with a fresh profile)

D = dt.date
KIEMSAT = Path(sys.executable).with_name("kiemsat")

# ---- the law by hand ---------------------------------------------------------------------------------------

DAYS_OFF_2026 = {
    D(2026, 1, 1), D(2026, 1, 2),                                   # Tết Dương lịch (CV 12729/VPCP-KGVX)
    *(D(2026, 2, d) for d in range(14, 23)),                        # Tết Nguyên đán 14/02 - 22/02
    D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1),                  # Giỗ Tổ (nghỉ bù), 30/4, 1/5
}
UNSETTLED = [(D(2026, 8, 22), D(2026, 9, 4)), (D(2026, 11, 22), D(2026, 11, 25))]  # avoided, see above


def working(day: dt.date) -> dt.date:
    """Đ.134 k1: a last day that is a day off moves to the next working day."""
    while day.weekday() >= 5 or day in DAYS_OFF_2026:
        day += dt.timedelta(days=1)
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    """Đ.134 k1: the same date of the month reached, or that month's last day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (D(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return D(year, month, min(day.day, last))


def tin_bao_due(received: dt.date) -> dt.date:
    """Đ.147 k1: 20 days, the day of receipt being day one (Đ.134)."""
    return working(received + dt.timedelta(days=19))


INVESTIGATION_MONTHS = {"Ít nghiêm trọng": 2, "Nghiêm trọng": 3, "Rất nghiêm trọng": 4,
                        "Đặc biệt nghiêm trọng": 4}  # Đ.172 k1


def investigation_due(opened: dt.date, category: str) -> dt.date:
    return working(add_months(opened, INVESTIGATION_MONTHS[category]))


def unsettled(day: dt.date) -> bool:
    return any(a <= day <= b for a, b in UNSETTLED)


def opening(day: dt.date, category: str) -> dt.date:
    """`day`, or the first day after it whose investigation limit does not end near an unsettled day off."""
    while unsettled(add_months(day, INVESTIGATION_MONTHS[category])):
        day += dt.timedelta(days=1)
    return day


# ---- running kiemsat as a clerk does ---------------------------------------------------------------------

def kiemsat(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIEMSAT_LOG_DIR": str(cwd or Path.cwd())}
    return subprocess.run([str(KIEMSAT), *map(str, args)], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=env)


def deadlines(path: Path, today: str = "2026-01-01") -> tuple[list[dict], subprocess.CompletedProcess]:
    done = kiemsat("deadlines", path, "--json", "--all", "--today", today)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout), done


def due_by_row(items: list[dict], kind: str) -> dict[tuple[str, int], str]:
    return {(x["sheet"], x["row"]): x["due"] for x in items if x["kind"] == kind}


def check_json(path: Path) -> tuple[list[dict], int]:
    done = kiemsat("check", path, "--json")
    return json.loads(done.stdout), done.returncode


def errors_of(problems: list[dict]) -> list[dict]:
    return [p for p in problems if p.get("level") != "cảnh báo"]


def assert_read_right(book: Path, kind: str, expected: dict) -> list[dict]:
    """Every row's `kind` deadline as computed by hand, no false error, `check` exits 0; the problems."""
    assert due_by_row(deadlines(book)[0], kind) == expected
    problems, code = check_json(book)
    assert errors_of(problems) == [] and code == 0, problems
    return problems


def date_cells(ws) -> None:  # noqa: ANN001 - an openpyxl worksheet
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, dt.date):
                c.number_format = "dd/mm/yyyy"


# ---- 1. a national-register layout: «QĐ khởi tố vụ án» (number) + «Ngày khởi tố» (date) -------------------

def national(path: Path, rows: list[tuple], date_first: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    pair = ["Ngày khởi tố", "QĐ khởi tố vụ án"] if date_first else ["QĐ khởi tố vụ án", "Ngày khởi tố"]
    ws.append(["Vụ án", *pair, "Loại tội", "KSV thụ lý"])
    for case, number, opened, category, prosecutor in rows:
        values = [opened, number] if date_first else [number, opened]
        ws.append([case, *values, category, prosecutor])
    date_cells(ws)
    wb.save(path)
    return path


@pytest.mark.parametrize("date_first", [False, True], ids=["number-then-date", "date-then-number"])
def test_national_layout_smallest_case(tmp_path: Path, date_first: bool) -> None:
    # the smallest case: one row, 101/QĐ-CSĐT, khởi tố 06/06/2026, nghiêm trọng
    book = national(tmp_path / "so.xlsx", [("Trộm cắp tài sản", "101/QĐ-CSĐT", D(2026, 6, 6), "Nghiêm trọng",
                                            "Nguyễn Văn An")], date_first)
    items, done = deadlines(book)
    # Đ.172 k1: 3 months from 06/06/2026 -> 06/09/2026, a Sunday -> Monday 07/09/2026 (Đ.134 k1)
    assert investigation_due(D(2026, 6, 6), "Nghiêm trọng") == D(2026, 9, 7)
    assert due_by_row(items, "dieu_tra") == {("Án hình sự", 2): "2026-09-07"}
    assert [x["prosecutor"] for x in items if x["kind"] == "dieu_tra"] == ["Nguyễn Văn An"]
    problems, code = check_json(book)
    assert errors_of(problems) == [] and code == 0
    assert not any("hai lần" in p["message"] for p in problems)  # no «cột ... có hai lần» any more
    mapping = kiemsat("check", book, "--mapping").stdout
    # the date is read where the dates are, and the mapping says why (by content, not position)
    date_col = "B" if date_first else "C"
    assert f"«Ngày khởi tố» đọc ở cột {date_col}" in mapping, mapping


def test_national_layout_twenty_rows_both_orders(tmp_path: Path) -> None:
    categories = list(INVESTIGATION_MONTHS)
    rows, expected = [], {}
    start = D(2026, 1, 12)
    for i in range(20):
        category = categories[i % 4]
        opened = opening(start + dt.timedelta(days=9 * i), category)
        rows.append((f"VA{i + 1:02d}", f"{100 + i}/QĐ-CSĐT", opened, category, "Trần Thị Bình"))
        expected[("Án hình sự", i + 2)] = investigation_due(opened, category).isoformat()
    for date_first in (False, True):
        book = national(tmp_path / f"so_{date_first}.xlsx", rows, date_first)
        assert_read_right(book, "dieu_tra", expected)  # 20 of 20


def test_number_and_date_in_one_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sổ thụ lý án hình sự"
    ws.append(["Vụ án", "QĐ khởi tố vụ án", "Loại tội", "KSV thụ lý"])
    ws.append(["VA1", "101/QĐ-CSĐT ngày 06/6/2026", "Nghiêm trọng", "Nguyễn Văn An"])
    ws.append(["VA2", "Số 7/QĐ-CSĐT ngày 15/7/2026", "Ít nghiêm trọng", "Nguyễn Văn An"])
    wb.save(tmp_path / "so.xlsx")
    items, _ = deadlines(tmp_path / "so.xlsx")
    # VA2: Đ.172 k1, 2 months from 15/07/2026 -> Tuesday 15/09/2026
    assert due_by_row(items, "dieu_tra") == {("Sổ thụ lý án hình sự", 2): "2026-09-07",
                                             ("Sổ thụ lý án hình sự", 3): investigation_due(
                                                 D(2026, 7, 15), "Ít nghiêm trọng").isoformat()}
    problems, code = check_json(tmp_path / "so.xlsx")
    assert errors_of(problems) == [] and code == 0


# ---- 2. LibreOffice-saved, 3-row merged title, two header rows with a group «Tạm giam» --------------------

def grouped_criminal(path: Path) -> tuple[Path, dict]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sổ thụ lý hình sự 2026"
    for r, text in enumerate(["VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 1 - HẢI PHÒNG",
                              "SỔ THỤ LÝ, GIẢI QUYẾT VỤ ÁN HÌNH SỰ NĂM 2026",
                              "(Bộ phận hình sự lập, theo dõi)"], 1):
        ws.cell(r, 1, text)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=11)
    singles = ["STT", "Mã vụ án", "Ngày khởi tố", "Tội danh", "Loại tội", "KSV thụ lý"]
    for c, text in enumerate(singles, 1):
        ws.cell(4, c, text)
        ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
    ws.cell(4, 7, "Tạm giam")
    ws.merge_cells("G4:H4")
    ws.cell(5, 7, "Ngày bắt đầu")
    ws.cell(5, 8, "Gia hạn đến")
    ws.cell(4, 9, "Gia hạn điều tra")
    ws.merge_cells("I4:J4")
    ws.cell(5, 9, "Số lần")
    ws.cell(5, 10, "Đến ngày")
    ws.cell(4, 11, "Ghi chú")
    ws.merge_cells("K4:K5")
    categories = list(INVESTIGATION_MONTHS)
    expected = {}
    for i in range(25):
        category = categories[i % 4]
        opened = opening(D(2026, 2, 2) + dt.timedelta(days=6 * i), category)
        due = investigation_due(opened, category)
        custody = (opened + dt.timedelta(days=2), due + dt.timedelta(days=27)) if i % 2 == 0 else (None, None)
        extension = (None, None)
        if i % 6 == 5:  # the unit extended the investigation: its «Đến ngày» is the deadline now
            extension = (1, add_months(due, 2))
            due = extension[1]
        ws.append([i + 1, f"{i + 1}/2026/HS", opened, "Trộm cắp tài sản", category, "Lê Văn Cường",
                   *custody, *extension, None])
        expected[("Sổ thụ lý hình sự 2026", 6 + i)] = due.isoformat()
    date_cells(ws)
    wb.save(path)
    return path, expected


def test_libreoffice_saved_grouped_headers(tmp_path: Path, libreoffice) -> None:  # noqa: F811
    (tmp_path / "src").mkdir()
    source, expected = grouped_criminal(tmp_path / "src" / "so_hinh_su.xlsx")
    (book,) = libreoffice.convert([source], "xlsx", tmp_path / "lo")
    assert b"LibreOffice" in zipfile.ZipFile(book).read("docProps/app.xml")
    items, _ = deadlines(book)
    got = due_by_row(items, "dieu_tra")
    # «Tạm giam › Gia hạn đến» never moves an investigation deadline; «Gia hạn điều tra › Đến ngày» does
    assert got == expected
    problems, code = check_json(book)
    assert errors_of(problems) == []  # the header's lower row is no ledger row
    # «Đến ngày» under «Gia hạn điều tra» drives a deadline and is matched only partly: a cảnh báo naming the
    # pin, exit 1 until the unit pins it
    unsure = [p for p in problems if "«Gia hạn điều tra › Đến ngày» chỉ khớp" in p["message"]]
    assert len(unsure) == 1 and code == 1, problems
    # the custody dates kept in the cases sheet are not dropped without a word: one note names them
    custody_notes = [p for p in problems if "«Tạm giam › Ngày bắt đầu», «Tạm giam › Gia hạn đến»" in p["message"]]
    assert len(custody_notes) == 1, problems
    mapping = kiemsat("check", book, "--mapping").stdout
    assert "(dòng tiêu đề 5)" in mapping, mapping
    assert "«Tạm giam › Gia hạn đến» -> cột riêng của đơn vị" in mapping, mapping
    assert "«Gia hạn điều tra › Đến ngày» -> Gia hạn điều tra đến" in mapping, mapping
    book.with_name(f"{book.stem}.ghim-cot.toml").write_text(
        '["Sổ thụ lý hình sự 2026"]\n"Gia hạn điều tra › Đến ngày" = "Gia hạn điều tra đến"\n', encoding="utf-8")
    problems, code = check_json(book)
    assert errors_of(problems) == [] and code == 0, problems
    assert due_by_row(deadlines(book)[0], "dieu_tra") == expected


def test_two_groups_over_a_two_row_header(tmp_path: Path) -> None:
    # the same shape as saved by Excel or openpyxl (no LibreOffice needed): a group whose own name is one of
    # kiemsat's headers («Gia hạn điều tra») must not make the upper header row the header, or the names
    # under the groups would become a ledger row with false errors
    book, expected = grouped_criminal(tmp_path / "so_hinh_su.xlsx")
    problems, code = check_json(book)
    assert errors_of(problems) == [], problems
    assert not any(p["row"] == 5 and p["message"].endswith("không được để trống.") for p in problems)
    assert "(25 dòng «Sổ thụ lý hình sự 2026»)" in kiemsat("check", book).stdout
    assert due_by_row(deadlines(book)[0], "dieu_tra") == expected


def by_case(items: list[dict], kind: str) -> dict[str, str]:
    return {x["case"]: x["due"] for x in items if x["kind"] == kind}


def test_import_keeps_the_groups_and_the_deadlines(tmp_path: Path) -> None:
    # Done when: each shape gives the deadlines the same data gives in kiemsat's template
    book, _ = grouped_criminal(tmp_path / "so_hinh_su.xlsx")
    moved = kiemsat("import", book, "--out", tmp_path / "so_moi.xlsx")
    assert moved.returncode in (0, 1) and "25 dòng «Án hình sự»" in moved.stdout, moved.stdout + moved.stderr
    report = openpyxl.load_workbook(tmp_path / "so_moi.xlsx")["Kết quả chuyển sổ"]
    shown = {row[2]: row[3] for row in report.iter_rows(values_only=True) if row[2]}
    assert shown["Tạm giam › Gia hạn đến"].startswith("cột riêng của đơn vị")
    assert shown["Gia hạn điều tra › Đến ngày"] == "Gia hạn điều tra đến"
    assert by_case(deadlines(tmp_path / "so_moi.xlsx")[0], "dieu_tra") == by_case(deadlines(book)[0], "dieu_tra")


# ---- 3. one sheet per prosecutor -------------------------------------------------------------------------

PROSECUTORS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]


def per_prosecutor(path: Path) -> tuple[Path, dict]:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    expected = {}
    n = 0
    for k, name in enumerate(PROSECUTORS):
        ws = wb.create_sheet(f"KSV {name}")
        ws.append(["STT", "Mã vụ án", "Ngày khởi tố", "Tội danh", "Loại tội", "Cơ quan điều tra", "Ghi chú"])
        for i in range(11):
            n += 1
            category = list(INVESTIGATION_MONTHS)[(i + k) % 4]
            opened = opening(D(2026, 3, 2) + dt.timedelta(days=5 * i + k), category)
            ws.append([i + 1, f"HS{n:02d}/2026", opened, "Trộm cắp tài sản", category, "Cơ quan CSĐT Công an TP",
                       None])
            expected[(ws.title, i + 2)] = (investigation_due(opened, category).isoformat(), name)
        date_cells(ws)
    wb.save(path)
    return path, expected


def test_sheet_per_prosecutor(tmp_path: Path) -> None:
    book, expected = per_prosecutor(tmp_path / "so_ksv.xlsx")
    items, _ = deadlines(book)
    got = {(x["sheet"], x["row"]): (x["due"], x["prosecutor"]) for x in items if x["kind"] == "dieu_tra"}
    assert got == expected  # 33 of 33, each with the prosecutor named by its sheet
    problems, code = check_json(book)
    assert errors_of(problems) == [] and code == 0
    mapping = kiemsat("check", book, "--mapping").stdout
    assert all(f"Sheet «KSV {name}» đọc là sổ «Án hình sự»" in mapping for name in PROSECUTORS), mapping


def test_sheet_per_prosecutor_pinned(tmp_path: Path) -> None:
    book, expected = per_prosecutor(tmp_path / "so_ksv.xlsx")
    pins = "".join(f'["KSV {name}"]\n"sổ" = "Án hình sự"\n' for name in PROSECUTORS)
    book.with_name("so_ksv.ghim-cot.toml").write_text(pins, encoding="utf-8")
    items, _ = deadlines(book)
    assert len(due_by_row(items, "dieu_tra")) == 33  # a pin never drops rows
    # pinned as the wrong kind (Tin báo): not silent: every sheet named, exit 1
    book.with_name("so_ksv.ghim-cot.toml").write_text(pins.replace("Án hình sự", "Tin báo"), encoding="utf-8")
    problems, code = check_json(book)
    assert code == 1
    assert {p["sheet"] for p in errors_of(problems)} == {f"KSV {name}" for name in PROSECUTORS}
    assert kiemsat("deadlines", book, "--today", "2026-01-01").returncode == 1


def test_sheet_per_prosecutor_statistics(tmp_path: Path) -> None:
    book, _ = per_prosecutor(tmp_path / "so_ksv.xlsx")
    done = kiemsat("stats", book, "--period", "2026", "--today", "2026-07-01", "--json")
    table = next(t for t in json.loads(done.stdout)["tables"].values() if t.get("label") == "Kiểm sát viên")
    per_person = {r["label"]: r["values"]["Án hình sự"] for r in table["rows"]}
    assert per_person == {name: 11 for name in PROSECUTORS}


def test_sheet_per_prosecutor_import(tmp_path: Path) -> None:
    book, expected = per_prosecutor(tmp_path / "so_ksv.xlsx")
    moved = kiemsat("import", book, "--out", tmp_path / "so_moi.xlsx")
    assert moved.returncode in (0, 1), moved.stderr
    items = [x for x in deadlines(tmp_path / "so_moi.xlsx")[0] if x["kind"] == "dieu_tra"]
    assert sorted((x["due"], x["prosecutor"]) for x in items) == sorted(expected.values())


# ---- 4. a Google Sheets export (tin báo) and a legacy .xls (criminal) -------------------------------------

def google_sheets_tin_bao(path: Path) -> tuple[Path, dict]:
    """As Google Sheets exports: header in row 1, dates as serial numbers with a dd/mm/yyyy format, some typed
    as text by hand, a frozen header, no table, empty outcome columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sổ tin báo"
    ws.append(["Số TB", "Ngày nhận", "Nguồn tin", "Nội dung", "KSV", "Kết quả giải quyết", "Ngày giải quyết"])
    ws.freeze_panes = "A2"
    expected = {}
    for i in range(32):
        received = D(2026, 1, 5) + dt.timedelta(days=6 * i)
        typed = received.strftime("%d/%m/%Y") if i % 5 == 0 else received  # some typed as text
        ws.append([f"{i + 1}/TB", typed, "Công an phường", "Trộm cắp tài sản", PROSECUTORS[i % 3], None, None])
        expected[("Sổ tin báo", i + 2)] = tin_bao_due(received).isoformat()
    date_cells(ws)
    wb.save(path)
    return path, expected


def test_google_sheets_export(tmp_path: Path) -> None:
    book, expected = google_sheets_tin_bao(tmp_path / "Sổ tin báo - Google Sheets.xlsx")
    assert_read_right(book, "tin_bao", expected)  # 32 of 32 (Đ.147 k1, Tết and Giỗ Tổ shifts included)


def test_legacy_xls(tmp_path: Path, libreoffice) -> None:  # noqa: F811
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thụ lý HS"
    ws.append(["Mã vụ án", "Số QĐ khởi tố", "Ngày khởi tố", "Tội danh", "Loại tội", "KSV thụ lý"])
    expected = {}
    for i in range(26):
        category = list(INVESTIGATION_MONTHS)[i % 4]
        opened = opening(D(2026, 1, 10) + dt.timedelta(days=7 * i), category)
        ws.append([f"{i + 1}/2026/HS", f"{i + 1}/QĐ-CSĐT", opened, "Cướp tài sản", category, PROSECUTORS[i % 3]])
        expected[("Thụ lý HS", i + 2)] = investigation_due(opened, category).isoformat()
    date_cells(ws)
    (tmp_path / "src").mkdir()
    wb.save(tmp_path / "src" / "so_cu.xlsx")
    (book,) = libreoffice.convert([tmp_path / "src" / "so_cu.xlsx"], "xls:MS Excel 97", tmp_path / "lo")
    assert book.suffix == ".xls" and book.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    assert_read_right(book, "dieu_tra", expected)  # 26 of 26


# ---- 5. the clerk's own «Hạn giải quyết» formula, which forgets days off -------------------------------------

def test_clerk_deadline_formula_disagrees_with_the_law(tmp_path: Path, libreoffice) -> None:  # noqa: F811
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sổ tin báo 2026"
    ws.append(["Số thụ lý", "Ngày tiếp nhận", "Nguồn tin", "Nội dung", "KSV", "Hạn giải quyết"])
    received = [D(2026, 1, 5) + dt.timedelta(days=5 * i) for i in range(32)]
    for r, day in enumerate(received, 2):
        ws.append([f"{r - 1}/TB", day, "Công an phường", "Trộm xe máy", "Nguyễn Văn An", f"=B{r}+19"])
        ws.cell(r, 6).number_format = "dd/mm/yyyy"
    date_cells(ws)
    (tmp_path / "src").mkdir()
    wb.save(tmp_path / "src" / "so_tb.xlsx")
    # LibreOffice saves the file with the formula's values (openpyxl writes none)
    (book,) = libreoffice.convert([tmp_path / "src" / "so_tb.xlsx"], "xlsx", tmp_path / "lo")
    cached = openpyxl.load_workbook(book, data_only=True).active
    assert cached["F2"].value is not None
    wrong = {r: (day + dt.timedelta(days=19), tin_bao_due(day)) for r, day in enumerate(received, 2)
             if day + dt.timedelta(days=19) != tin_bao_due(day)}
    assert len(wrong) >= 8  # weekends, Tết (16/02 -> 23/02/2026), Giỗ Tổ
    done = kiemsat("deadlines", book, "--today", "2026-01-01", "--verbose")
    assert done.returncode == 1, done.stdout + done.stderr
    said = [line for line in (done.stdout + done.stderr).splitlines() if "«Hạn giải quyết»: sổ ghi" in line]
    assert len(said) == len(wrong), said
    for r, (typed, law) in wrong.items():
        line = next(x for x in said if f"dòng {r}, cột F" in x)
        assert f"sổ ghi {typed:%d/%m/%Y}" in line and f"kiemsat tính là {law:%d/%m/%Y}" in line
        assert "Điều 147" in line
    tet = next(x for x in said if "sổ ghi 18/02/2026" in x)  # received 30/01/2026: day 20 in Tết
    assert "kiemsat tính là 23/02/2026" in tet and "Tết" in tet
    # the unit's own column is the unit's: deadlines --write never overwrites it
    before = openpyxl.load_workbook(book).active
    formulas = [before.cell(r, 6).value for r in range(2, 34)]
    assert kiemsat("deadlines", book, "--today", "2026-01-01", "--write").returncode in (0, 1)
    after = openpyxl.load_workbook(book).active
    assert [after.cell(r, 6).value for r in range(2, 34)] == formulas


# ---- 6. cells beyond Excel's grid ---------------------------------------------------------------------------

def with_cell(src: Path, dst: Path, xml: str) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", xml.encode() + b"</sheetData>")
            zout.writestr(item, data)
    return dst


@pytest.mark.parametrize("xml", [
    '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c></row>',
    '<row r="1048576"><c r="A1048576" t="e"><v>#N/A</v></c></row>',
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
], ids=["A1048577", "error-at-A1048576", "XFD1048576"])
def test_cells_beyond_the_grid(tmp_path: Path, xml: str) -> None:
    clean = national(tmp_path / "clean.xlsx", [("VA1", "101/QĐ-CSĐT", D(2026, 6, 6), "Nghiêm trọng",
                                                "Nguyễn Văn An")])
    stray = with_cell(clean, tmp_path / "stray.xlsx", xml)
    assert deadlines(stray)[0] == deadlines(clean)[0]
    problems, code = check_json(stray)
    assert errors_of(problems) == [] and code == 0  # no false error
    notes = [p for p in problems if "bỏ qua ô này" in p["message"]]
    assert len(notes) == 1, problems
    summary = kiemsat("check", stray).stdout
    assert "(1 dòng «Án hình sự»)" in summary, summary  # not a ledger row


# ---- 7. a real .xls or .ods renamed .xlsx -------------------------------------------------------------------

@pytest.mark.parametrize("fmt,what", [("xls:MS Excel 97", "Excel 97-2003 (.xls)"),
                                      ("ods", "OpenDocument (.ods)")], ids=["xls", "ods"])
def test_renamed_workbook_read_by_content(tmp_path: Path, libreoffice, fmt: str, what: str) -> None:  # noqa: F811
    (tmp_path / "src").mkdir()
    src = national(tmp_path / "src" / "so.xlsx", [("VA1", "101/QĐ-CSĐT", D(2026, 6, 6), "Nghiêm trọng",
                                                   "Nguyễn Văn An")])
    (real,) = libreoffice.convert([src], fmt, tmp_path / "lo")
    renamed = tmp_path / "so_doi_ten.xlsx"
    shutil.copy(real, renamed)
    items, _ = deadlines(renamed)
    assert due_by_row(items, "dieu_tra") == {("Án hình sự", 2): "2026-09-07"}
    problems, code = check_json(renamed)
    assert code == 0 and errors_of(problems) == []
    assert any(what in p["message"] for p in problems), problems
    before = renamed.read_bytes()
    done = kiemsat("deadlines", renamed, "--write", "--today", "2026-07-01")
    assert done.returncode == 2 and what in done.stderr, done.stderr
    assert renamed.read_bytes() == before
    assert "không phải sổ Excel đọc được" not in done.stderr + done.stdout


@pytest.mark.parametrize("name", ["so.xls", "so.ods"])
def test_xlsx_renamed_otherwise_read_and_never_written(tmp_path: Path, name: str) -> None:
    book = tmp_path / name
    national(book, [("VA1", "101/QĐ-CSĐT", D(2026, 6, 6), "Nghiêm trọng", "Nguyễn Văn An")])  # xlsx bytes
    assert due_by_row(deadlines(book)[0], "dieu_tra") == {("Án hình sự", 2): "2026-09-07"}
    problems, code = check_json(book)
    assert code == 0 and any("nhưng tệp là sổ Excel (.xlsx)" in p["message"] for p in problems), problems
    before = book.read_bytes()
    done = kiemsat("deadlines", book, "--write", "--today", "2026-07-01")
    # refused by what the file is (an .xlsx under a wrong name), not by what its name says
    assert done.returncode == 2 and "nhưng tệp là sổ Excel (.xlsx)" in done.stderr, done.stderr
    assert f"sổ dạng {book.suffix}" not in done.stderr and book.read_bytes() == before


# ---- 8. operating-system faults in Vietnamese, worded the same by every command ------------------------------

ENGLISH = re.compile(r"Too many|symbolic|Input/output|[Ee]rror|[Dd]irectory|WorksheetNotFound|Errno|No such|"
                     r"[Pp]ermission|'PATH'|\(\)")


def broken_files(tmp_path: Path) -> dict[str, Path]:
    good = national(tmp_path / "good.xlsx", [("VA1", "101/QĐ-CSĐT", D(2026, 6, 6), "Nghiêm trọng", "An")])
    files = {}
    loop_a, loop_b = tmp_path / "vong_a.xlsx", tmp_path / "vong_b.xlsx"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    files["symlink-loop"] = loop_a
    if Path("/proc/self/mem").exists():  # reading offset 0 of a process's own memory: EIO
        (tmp_path / "eio.xlsx").symlink_to("/proc/self/mem")
        files["EIO"] = tmp_path / "eio.xlsx"
    (tmp_path / "thu_muc.xlsx").mkdir()
    files["directory"] = tmp_path / "thu_muc.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(tmp_path / "mat_sheet.xlsx", "w") as zout:
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(item, zin.read(item.filename))
    files["missing-sheet"] = tmp_path / "mat_sheet.xlsx"
    return files


def test_os_faults_in_vietnamese_alike_for_every_command(tmp_path: Path) -> None:
    files = broken_files(tmp_path)
    for fault, path in files.items():
        lines = {}
        for command in (["check"], ["deadlines", "--today", "2026-07-01"], ["stats", "--period", "2026"],
                        ["export", "--so", "07", "--out", tmp_path / "xuat.xlsx"]):
            done = kiemsat(command[0], path, *command[1:], cwd=tmp_path)
            said = done.stdout + done.stderr
            assert not ENGLISH.search(said), (fault, command, said)
            assert "Traceback" not in said and done.returncode in (1, 2), (fault, command, said)
            if fault != "missing-sheet":
                assert done.returncode == 2, (fault, command, said)
                lines[command[0]] = done.stderr.strip().splitlines()[0]
        # the same fault, the same words
        if lines:
            assert len(set(lines.values())) == 1, (fault, lines)


# ---- 9. stats --write fifty times: the package as lean as after one ------------------------------------------

def package_shape(path: Path) -> tuple:
    with zipfile.ZipFile(path) as z:
        names = sorted(z.namelist())
        styles = etree.fromstring(z.read("xl/styles.xml"))
        types = etree.fromstring(z.read("[Content_Types].xml"))
        ns = {"m": styles.nsmap[None]}
        counts = {tag: len(styles.findall(f"m:{tag}/*", ns)) for tag in ("fonts", "fills", "borders", "cellXfs",
                                                                         "numFmts", "cellStyleXfs")}
        overrides = sorted(o.get("PartName") for o in types if o.get("PartName"))
        return names, counts, overrides, len(z.read("xl/styles.xml"))


def test_stats_write_fifty_times(tmp_path: Path, libreoffice) -> None:  # noqa: F811
    from addin.commands.cli import cli

    (tmp_path / "src").mkdir()
    source, _ = grouped_criminal(tmp_path / "src" / "so.xlsx")
    (book,) = libreoffice.convert([source], "xlsx", tmp_path / "lo")
    book.with_name(f"{book.stem}.ghim-cot.toml").write_text(  # the partly matched header, confirmed
        '["Sổ thụ lý hình sự 2026"]\n"Gia hạn điều tra › Đến ngày" = "Gia hạn điều tra đến"\n', encoding="utf-8")
    with zipfile.ZipFile(book) as z:
        clerk_sheet = z.read("xl/worksheets/sheet1.xml")
    runner = CliRunner()
    args = ["stats", str(book), "--period", "2026", "--today", "2026-07-01", "--write"]
    shapes = []
    for i in range(50):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        if i in (0, 1, 49):
            shapes.append(package_shape(book))
    assert shapes[0] == shapes[1] == shapes[2]
    names = shapes[2][0]
    assert sum(n.startswith("xl/worksheets/sheet") for n in names) == 2  # the clerk's sheet and «Thống kê»
    assert sum(n.startswith("xl/charts/chart") for n in names) <= 5
    with zipfile.ZipFile(book) as z:
        assert z.read("xl/worksheets/sheet1.xml") == clerk_sheet  # the clerk's sheet byte for byte


# ---- 10. after decide, LibreOffice shows a clerk's formulas over written cells up to date ---------------------

def test_decide_then_libreoffice_recalculates_clerk_formulas(tmp_path: Path, libreoffice) -> None:  # noqa: F811
    init = kiemsat("init", tmp_path / "mau.xlsx", "--sample", "4", "--seed", "3", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    wb = openpyxl.load_workbook(tmp_path / "mau.xlsx")
    ws = wb["Án hình sự"]
    headers = [c.value for c in ws[2]]
    number = openpyxl.utils.get_column_letter(headers.index("Số QĐ phân công") + 1)
    free = openpyxl.utils.get_column_letter(ws.max_column + 1)
    ws[f"{free}2"] = "Đã phân công?"
    for r in range(3, 7):
        ws[f"{free}{r}"] = f'=IF({number}{r}="","chưa PC","đã PC")'
    mine = wb.create_sheet("Theo dõi")
    mine["A1"] = "Số quyết định đã ghi"
    mine["B1"] = "=COUNTA('Sổ quyết định'!A:A)"
    (tmp_path / "src").mkdir()
    wb.save(tmp_path / "src" / "so.xlsx")  # the clerk's own edit; LibreOffice then saves it with values
    (book,) = libreoffice.convert([tmp_path / "src" / "so.xlsx"], "xlsx", tmp_path / "lo")
    before = openpyxl.load_workbook(book, data_only=True)
    assert [before["Án hình sự"][f"{free}{r}"].value for r in (3, 4)] == ["chưa PC", "chưa PC"]
    counted = before["Theo dõi"]["B1"].value
    done = kiemsat("decide", book, "--type", "hinh-su", "--rows", "3,4", "--out", tmp_path / "qd", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    # LibreOffice with its default settings (a fresh profile) opens the written file and saves it again
    (again,) = libreoffice.convert([book], "xlsx", tmp_path / "lo2")
    after = openpyxl.load_workbook(again, data_only=True)
    sheet = after["Án hình sự"]
    assert [bool(sheet[f"{number}{r}"].value) for r in (3, 4)] == [True, True]
    assert [sheet[f"{free}{r}"].value for r in (3, 4)] == ["đã PC", "đã PC"]
    filled = sum(1 for c in after["Sổ quyết định"]["A"] if c.value not in (None, ""))
    assert after["Theo dõi"]["B1"].value == filled == counted + 2
