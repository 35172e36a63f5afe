"""A criminal ledger kept one row per defendant (issue 22): «Vụ án (bị can)», the defendant's name and
custody dates on each row, two defendants of one case sharing it. Read as kiemsat's two sheets (Án hình sự,
one row per case; Bị can, one row per defendant), it gives the deadlines the same data gives in the
two-sheet template: case deadlines once per case, custody and detention per defendant.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from macros_py.law.deadlines import compute_deadlines
from macros_py.ledger.mapping import mapping_report, mapping_table
from macros_py.ledger.reader import read_ledger
from tests import shapes
from tests.lo import libreoffice  # noqa: F401


def deadlines(path: Path) -> tuple[Counter, object]:
    """Every deadline as (sheet kind, case, person, kind, start, due), counted; and the ledger."""
    ledger = read_ledger(path)
    report = compute_deadlines(ledger, shapes.TODAY)
    return Counter((d.sheet, d.case, d.person, d.kind, d.start, d.due) for d in report.deadlines), ledger


@pytest.fixture(scope="module")
def data() -> tuple[list, list]:
    rows = shapes.cases()
    people = shapes.defendants(rows)
    # the data this test needs: cases with two defendants, and cases with none
    per_case = Counter(p["case_id"] for p in people)
    assert max(per_case.values()) >= 2 and len(per_case) < len(rows)
    return rows, people


@pytest.fixture(scope="module")
def expected(data, tmp_path_factory) -> Counter:
    found, ledger = deadlines(shapes.two_sheet_template(tmp_path_factory.mktemp("tpl") / "t.xlsx", *data))
    assert ledger.errors == []
    kinds = {k[0] for k in found}
    assert kinds == {"an_hinh_su", "bi_can"}  # both case and custody deadlines are compared
    return found


def _same(path: Path, expected: Counter, data) -> object:
    found, ledger = deadlines(path)
    assert [str(p) for p in ledger.errors] == []
    assert [str(p) for p in ledger.problems if p.confirm] == []
    assert not [p for p in ledger.problems if "trùng" in p.message]
    assert found - expected == Counter() and expected - found == Counter()
    rows, people = data
    assert len(ledger.records("an_hinh_su")) == len(rows)  # one record per case
    assert len(ledger.records("bi_can")) == len(people)  # one per defendant
    return ledger


@pytest.mark.parametrize("merged", [False, True], ids=["case-on-every-row", "case-merged-down"])
def test_one_row_per_defendant_gives_the_two_sheet_template_deadlines(tmp_path, data, expected, merged):
    ledger = _same(shapes.per_defendant(tmp_path / "pd.xlsx", *data, merged=merged), expected, data)
    assert "mỗi dòng một bị can" in ledger.sheets["an_hinh_su"].reading
    assert ledger.sheets["bi_can"].name == "Án hình sự"


def test_saved_by_libreoffice(tmp_path, data, expected, libreoffice):  # noqa: F811
    (tmp_path / "built").mkdir()
    built = shapes.per_defendant(tmp_path / "built" / "pd.xlsx", *data, merged=True)
    (saved,) = libreoffice.convert([built], "xlsx", tmp_path / "lo")
    _same(saved, expected, data)


def _small(path: Path, extra_rows: list[list] | None = None) -> Path:
    """One case (serious: 03 months of investigation), two defendants detained on different days."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws.append(["Vụ án (bị can)", "Họ tên bị can", "Ngày khởi tố", "Tội danh", "Loại tội phạm", "Tạm giam từ ngày"])
    ws.append(["1/2026/HS", "Nguyễn Văn A", date(2026, 6, 6), "Trộm cắp tài sản", "Nghiêm trọng", date(2026, 6, 8)])
    ws.append(["1/2026/HS", "Trần Văn B", date(2026, 6, 6), "Trộm cắp tài sản", "Nghiêm trọng", date(2026, 6, 10)])
    for row in extra_rows or ():
        ws.append(row)
    wb.save(path)
    return path


def test_case_deadline_once_and_detention_per_defendant(tmp_path):
    ledger = read_ledger(_small(tmp_path / "s.xlsx"))
    assert ledger.errors == []
    report = compute_deadlines(ledger, date(2026, 6, 10))
    investigation = [d for d in report.deadlines if d.kind == "dieu_tra"]
    detention = sorted((d.person, d.start, d.row) for d in report.deadlines if d.kind == "tam_giam")
    # once for the case, from its opening, at the case's first row
    assert [(d.case, d.start, d.row) for d in investigation] == [("1/2026/HS", date(2026, 6, 6), 2)]
    # once for each defendant, from that defendant's own detention order, at that defendant's row
    assert detention == [("Nguyễn Văn A", date(2026, 6, 8), 2), ("Trần Văn B", date(2026, 6, 10), 3)]
    # BLTTHS Điều 173 khoản 2 điểm b: detention while investigating a serious offence, 03 months
    due = {d.person: d.due for d in report.deadlines if d.kind == "tam_giam"}
    assert due["Trần Văn B"] > due["Nguyễn Văn A"]


def test_same_defendant_twice_is_still_a_duplicate(tmp_path):
    path = _small(tmp_path / "dup.xlsx", [["1/2026/HS", "nguyễn văn a", date(2026, 6, 6), "Trộm cắp tài sản",
                                           "Nghiêm trọng", date(2026, 6, 8)]])
    (error,) = read_ledger(path).errors
    assert (error.sheet, error.row, error.column, error.value) == ("Án hình sự", 4, "B", "nguyễn văn a")
    assert "dòng 2" in error.message and "1/2026/HS" in error.message


def test_conflicting_case_dates_are_an_error(tmp_path):
    path = _small(tmp_path / "conflict.xlsx", [["1/2026/HS", "Lê Thị C", date(2026, 6, 7), "Trộm cắp tài sản",
                                                "Nghiêm trọng", None]])
    (error,) = read_ledger(path).errors
    assert (error.sheet, error.row, error.column, error.value) == ("Án hình sự", 4, "C", "07/06/2026")
    assert "«Ngày khởi tố»" in error.message and "dòng 2 (06/06/2026)" in error.message


def test_a_criminal_sheet_one_row_per_case_is_read_as_before(tmp_path):
    """No defendant column and distinct cases: one reading, the custody group kept as the unit's (issue 22)."""
    ledger = read_ledger(shapes.grouped(tmp_path / "g.xlsx", shapes.cases(4)))
    assert "bi_can" not in ledger.sheets and ledger.sheets["an_hinh_su"].reading == ""


def test_check_and_mapping_say_how_the_sheet_was_read(tmp_path, data):
    path = shapes.per_defendant(tmp_path / "pd.xlsx", *data)
    run = [sys.executable, "-m", "addin.commands.cli", "check", str(path)]
    result = subprocess.run(run, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(data[0])} vụ án ở «Án hình sự», {len(data[1])} bị can ở «Án hình sự»" in result.stdout
    assert "Sheet «Án hình sự»: mỗi dòng một bị can (có cột «Họ tên bị can» và các cột riêng" in result.stdout
    result = subprocess.run([*run, "--mapping"], capture_output=True, text=True)
    assert "Sheet «Án hình sự» đọc là sổ «Bị can»" in result.stdout
    assert "C «Họ tên bị can» -> Họ tên bị can" in result.stdout
    ledger = read_ledger(path)
    report = mapping_report(ledger)
    assert [s["ledger"] for s in report] == ["Án hình sự", "Bị can"]
    assert all("mỗi dòng một bị can" in s["reading"] for s in report)
    assert any(str(row[-1]).startswith("Cách đọc: mỗi dòng một bị can") for row in mapping_table(report))


def _sheet(path: Path, header: list, *rows: list) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    for row in (header, *rows):
        ws.append(row)
    wb.save(path)
    return path


CASE = [date(2026, 6, 6), "Trộm cắp tài sản", "Nghiêm trọng"]


def test_a_row_per_case_listing_its_defendants_is_not_split(tmp_path):
    """«Bị can» naming everyone of a case in one cell, each case once: one reading, the column the unit's own."""
    path = _sheet(tmp_path / "list.xlsx", ["Mã vụ án", "Ngày khởi tố", "Tội danh", "Loại tội phạm", "Bị can"],
                  ["1/2026/HS", *CASE, "Nguyễn Văn A, Trần Văn B"], ["2/2026/HS", *CASE, "Lê Thị C"])
    ledger = read_ledger(path)
    assert "bi_can" not in ledger.sheets and len(ledger.records("an_hinh_su")) == 2 and ledger.errors == []
    assert ledger.records("an_hinh_su")[0].extra == {"Bị can": "Nguyễn Văn A, Trần Văn B"}


def test_custody_per_row_and_a_repeated_case_without_a_name_column(tmp_path):
    path = _sheet(tmp_path / "held.xlsx", ["Vụ án (bị can)", "Ngày khởi tố", "Tội danh", "Loại tội phạm",
                                           "Tạm giam từ ngày"],
                  ["1/2026/HS", *CASE, date(2026, 6, 8)], ["1/2026/HS", *CASE, date(2026, 6, 10)])
    ledger = read_ledger(path)
    assert ledger.errors == []
    assert len(ledger.records("an_hinh_su")) == 1
    assert [r["detention_start"] for r in ledger.records("bi_can")] == [date(2026, 6, 8), date(2026, 6, 10)]
    assert "một vụ án có nhiều dòng" in ledger.sheets["an_hinh_su"].reading
    # no name to tell the defendants by: said, never guessed
    assert any("Họ tên bị can" in p.message for p in ledger.warnings)


def test_import_writes_the_cases_and_the_defendants_apart(tmp_path, data, expected):
    path = shapes.per_defendant(tmp_path / "pd.xlsx", *data, merged=True)
    out = tmp_path / "moi.xlsx"
    result = subprocess.run([sys.executable, "-m", "addin.commands.cli", "import", str(path), "--out", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    found, ledger = deadlines(out)
    assert {d.name for d in ledger.all_sheets()} >= {"Án hình sự", "Bị can"}
    assert ledger.sheets["bi_can"].name == "Bị can" and ledger.sheets["an_hinh_su"].reading == ""
    assert found == expected


def test_deadlines_write_each_row_its_own_next_deadline(tmp_path):
    """Row 2 holds case 1 and its first defendant: the earlier of the case's investigation (07/09/2026, see
    below) and A's detention; row 3 B's detention (the case's limit falls the same day); row 4 case 2, no
    defendant detained. By hand: detention while
    investigating a serious offence, 03 months (BLTTHS Điều 173 khoản 2 điểm b) of 30 days, the first day
    counted: 08/06/2026 + 89 days = 05/09/2026, 10/06/2026 + 89 days = 07/09/2026; investigation 03 months
    from 06/05/2026 (Điều 172 khoản 1): 06/08/2026, a Thursday."""
    from openpyxl import load_workbook

    path = _sheet(tmp_path / "w.xlsx", ["Vụ án (bị can)", "Họ tên bị can", "Ngày khởi tố", "Tội danh",
                                        "Loại tội phạm", "Tạm giam từ ngày", "Hạn tiếp theo", "Còn lại (ngày)",
                                        "Căn cứ thời hạn"],
                  ["1/2026/HS", "Nguyễn Văn A", *CASE, date(2026, 6, 8)],
                  ["1/2026/HS", "Trần Văn B", *CASE, date(2026, 6, 10)],
                  ["2/2026/HS", "Lê Thị C", date(2026, 5, 6), "Trộm cắp tài sản", "Nghiêm trọng", None])
    result = subprocess.run([sys.executable, "-m", "addin.commands.cli", "deadlines", str(path), "--write",
                             "--today", "2026-06-10"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Hạn đã thay đổi so với sổ trước khi ghi (3)" in result.stdout
    ws = load_workbook(path).active
    written = [(ws.cell(r, 7).value.date(), ws.cell(r, 8).value) for r in (2, 3, 4)]
    assert written == [(date(2026, 9, 5), 87), (date(2026, 9, 7), 89), (date(2026, 8, 6), 57)]
    assert ws.cell(2, 9).value.startswith("Tạm giam") and ws.cell(4, 9).value.startswith("Thời hạn điều tra")


def _pinned(path: Path, header: str, rows: list[list], pin: str | None, sidecar: bool = False) -> Path:
    """A criminal sheet whose detention header kiemsat reads only partly («Ngày bắt giam»), pinned as
    `check --mapping` advises, in Cấu hình or in the sidecar file."""
    from macros_py.ledger.schema import PIN_COLUMNS, PIN_SECTION, SETTINGS_SHEET

    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws.append(header)
    for row in rows:
        ws.append(row)
    if pin is not None and not sidecar:
        settings = wb.create_sheet(SETTINGS_SHEET)
        for row in (["Tham số", "Giá trị"], [], [PIN_SECTION], list(PIN_COLUMNS), ["Án hình sự", "Ngày bắt giam", pin]):
            settings.append(row)
    wb.save(path)
    if pin is not None and sidecar:
        path.with_name(path.stem + ".ghim-cot.toml").write_text(f'["Án hình sự"]\n"Ngày bắt giam" = "{pin}"\n',
                                                                encoding="utf-8")
    return path


PER_DEFENDANT = (["Vụ án (bị can)", "Họ tên bị can", "Ngày khởi tố", "Tội danh", "Loại tội phạm", "Ngày bắt giam"],
                 [["1/2026/HS", "Nguyễn Văn A", *CASE, date(2026, 6, 8)],
                  ["1/2026/HS", "Trần Văn B", *CASE, date(2026, 6, 10)]])


@pytest.mark.parametrize("sidecar", [False, True], ids=["cau-hinh", "sidecar"])
def test_a_pin_on_a_defendant_header_applies_to_the_defendant_reading(tmp_path, sidecar):
    unpinned = read_ledger(_pinned(tmp_path / "u.xlsx", *PER_DEFENDANT, None))
    (unsure,) = unpinned.problems  # without the pin: a cảnh báo advising it, exit 1
    assert unsure.confirm and "«Án hình sự» | «Ngày bắt giam» | «Tạm giam từ ngày»" in unsure.message
    ledger = read_ledger(_pinned(tmp_path / "p.xlsx", *PER_DEFENDANT, "Tạm giam từ ngày", sidecar))
    assert [str(p) for p in ledger.problems] == []  # the pin is taken, used and silences the cảnh báo
    assert [r["detention_start"] for r in ledger.records("bi_can")] == [date(2026, 6, 8), date(2026, 6, 10)]
    (read,) = [h for h in ledger.sheets["bi_can"].mapping if h.text == "Ngày bắt giam"]
    assert (read.keys, read.source) == (("detention_start",), "ghim")
    # the case reading does not read it too
    assert all(h.text != "Ngày bắt giam" for h in ledger.sheets["an_hinh_su"].mapping)
    # the unit's own column: neither reading reads it
    own = read_ledger(_pinned(tmp_path / "o.xlsx", *PER_DEFENDANT, "Cột riêng của đơn vị", sidecar))
    assert own.problems == [] and [r.values.get("detention_start") for r in own.records("bi_can")] == [None, None]


def test_a_pin_to_a_defendant_column_on_a_sheet_of_one_row_per_case_is_said(tmp_path):
    header = ["Mã vụ án", "Ngày khởi tố", "Tội danh", "Loại tội phạm", "Ngày bắt giam"]
    rows = [["1/2026/HS", *CASE, date(2026, 6, 8)], ["2/2026/HS", *CASE, date(2026, 6, 10)]]
    ledger = read_ledger(_pinned(tmp_path / "c.xlsx", header, rows, "Tạm giam từ ngày"))
    assert "bi_can" not in ledger.sheets and len(ledger.records("an_hinh_su")) == 2 and ledger.errors == []
    (said,) = [p for p in ledger.warnings if "Ngày bắt giam" in p.message]
    assert (said.sheet, said.row, said.column) == ("Án hình sự", 1, "E")
    assert "mỗi dòng một vụ án" in said.message and "không đọc cột này" in said.message


def test_every_row_of_a_case_shows_the_case_deadline_when_it_comes_first(tmp_path):
    """A clerk filtering the sheet by defendant sees, on each defendant's row, the earlier of the case's next
    limit and the defendant's own. Counted by hand (today 10/06/2026):
    - case 1/2026/HS, serious, opened 06/06/2026: investigation 03 months (BLTTHS Điều 172 khoản 1), ending on
      the same day three months on, 06/09/2026, a Sunday, so on the next working day (Điều 134 as the rules
      table reads it): Monday 07/09/2026, 89 days left;
    - A detained from 08/06/2026: 03 months (Điều 173 khoản 2 điểm b) of 30 days, the first day counted,
      continuous (TTLT 04/2018 Điều 17): 08/06 + 89 days = Saturday 05/09/2026, 87 days left: A's own, earlier;
    - B detained from 20/06/2026: 20/06 + 89 days = 17/09/2026: the case's 07/09/2026 is earlier;
    - D not held: the case's 07/09/2026 (before this, an empty row);
    - E detained from 10/06/2026: 10/06 + 89 days = Monday 07/09/2026, the case's day: E's own (a person held);
    - case 2/2026/HS opened 06/05/2026: 06/08/2026, a Thursday, 57 days left, on its only row."""
    from openpyxl import load_workbook

    header = ["Vụ án (bị can)", "Họ tên bị can", "Ngày khởi tố", "Tội danh", "Loại tội phạm", "Tạm giam từ ngày",
              "Hạn tiếp theo", "Còn lại (ngày)", "Căn cứ thời hạn", "Ghi chú của đơn vị"]
    path = _sheet(tmp_path / "w.xlsx", header,
                  ["1/2026/HS", "Nguyễn Văn A", *CASE, date(2026, 6, 8)],
                  ["1/2026/HS", "Trần Văn B", *CASE, date(2026, 6, 20)],
                  ["1/2026/HS", "Phạm Văn D", *CASE, None],
                  ["1/2026/HS", "Võ Văn E", *CASE, date(2026, 6, 10)],
                  ["2/2026/HS", "Lê Thị C", date(2026, 5, 6), "Trộm cắp tài sản", "Nghiêm trọng", None])
    run = [sys.executable, "-m", "addin.commands.cli", "deadlines", str(path), "--write", "--today", "2026-06-10"]
    result = subprocess.run(run, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    ws = load_workbook(path).active
    written = [(ws.cell(r, 7).value.date(), ws.cell(r, 8).value, ws.cell(r, 9).value.split(" (")[0].split(":")[0])
               for r in range(2, 7)]
    assert written == [(date(2026, 9, 5), 87, "Tạm giam để điều tra"),
                       (date(2026, 9, 7), 89, "Thời hạn điều tra"),
                       (date(2026, 9, 7), 89, "Thời hạn điều tra"),
                       (date(2026, 9, 7), 89, "Tạm giam để điều tra"),
                       (date(2026, 8, 6), 57, "Thời hạn điều tra")]
    # minimal: a second write changes no cell, so the file is left as it is
    before = path.read_bytes()
    again = subprocess.run(run, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    assert path.read_bytes() == before, again.stdout
