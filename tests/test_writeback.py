"""`kiemsat deadlines --write`: the three computed columns are filled, nothing else changes,
an open workbook is refused, and LibreOffice opens the result with the values in place."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from macros_py.law.deadlines import compute_deadlines
from macros_py.law.writeback import COMPUTED, WritebackError, write_deadlines
from macros_py.ledger.reader import read_ledger
from macros_py.workbook.safefile import BACKUP_DIR, FileBusy
from tests.fingerprint import workbook_fingerprint
from tests.lo import libreoffice  # noqa: F401  (session fixture)

TODAY = date(2026, 3, 16)  # the sample ledger's reference day (conftest)
CLERK_SHEET, CLERK_HEADER = "Án hình sự", "Ghi chú riêng của thư ký"
KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))


def _with_clerk_column(sample_ledger: Path, target: Path) -> Path:
    """The sample ledger plus a column a clerk added right of the table, and an extra sheet."""
    wb = load_workbook(sample_ledger)
    ws = wb[CLERK_SHEET]
    col = ws.max_column + 1
    ws.cell(2, col, CLERK_HEADER)
    for r in range(3, 13):
        ws.cell(r, col, f"nhắc anh {r} gọi CQĐT")
    ws.cell(3, col + 1, date(2026, 1, 2)).number_format = "dd/mm/yyyy"
    wb.create_sheet("Sổ tay").append(["Việc riêng", 42])
    wb.save(target)
    return target


def _computed_cells(path: Path) -> set[tuple[str, str]]:
    """(sheet, coordinate) of every computed cell in the rows the reader reads."""
    ledger = read_ledger(path)
    cells = set()
    for data in ledger.sheets.values():
        for key in COMPUTED:
            if key in data.columns:
                letter = get_column_letter(data.columns[key] + 1)
                cells |= {(data.name, f"{letter}{rec.row}") for rec in data.records}
    return cells


@pytest.fixture()
def ledger(sample_ledger: Path, tmp_path: Path) -> Path:
    return _with_clerk_column(sample_ledger, tmp_path / "so.xlsx")


def test_write_fills_the_computed_columns_and_keeps_everything_else(ledger):
    skip = _computed_cells(ledger)
    before = workbook_fingerprint(ledger, skip_cells=skip)
    original = ledger.read_bytes()
    result = write_deadlines(ledger, lambda led: compute_deadlines(led, TODAY))
    report = result.report

    assert workbook_fingerprint(ledger, skip_cells=skip) == before  # values, formats, validation, CF, names
    assert result.backup.read_bytes() == original and result.backup.parent.name == BACKUP_DIR
    assert result.written > 0 and result.notes == []
    nexts = report.next_by_row()
    wb = load_workbook(ledger)
    after = read_ledger(ledger)
    checked = 0
    for key, data in after.sheets.items():
        if "next_deadline" not in data.columns:
            continue
        cols = {k: data.columns[k] + 1 for k in COMPUTED}
        ws = wb[data.name]
        for rec in data.records:
            d = nexts.get((key, rec.row))
            expected = (d.due, d.days_left, d.basis) if d else (None, None, None)
            assert (rec.values["next_deadline"], rec.values["days_left"], rec.values["deadline_basis"]) == expected
            if d:
                assert ws.cell(rec.row, cols["next_deadline"]).number_format == "dd/mm/yyyy"
                checked += 1
    assert checked == result.written
    # the clerk's column and sheet are still there, read as extra values
    clerk = read_ledger(ledger).sheets["an_hinh_su"].records[0].extra
    assert clerk[CLERK_HEADER] == "nhắc anh 3 gọi CQĐT"
    assert load_workbook(ledger)["Sổ tay"]["B1"].value == 42
    # reading again gives the same deadlines: the write changed no input of the computation
    again = compute_deadlines(after, TODAY)
    assert [x.as_dict() for x in again.deadlines] == [x.as_dict() for x in report.deadlines]


def test_a_finished_step_clears_its_row(ledger):
    led = read_ledger(ledger)
    write_deadlines(ledger, lambda led: compute_deadlines(led, TODAY))
    data = read_ledger(ledger).sheets["tin_bao"]
    pending = next(r for r in data.records if r.values["next_deadline"] is not None)
    wb = load_workbook(ledger)
    ws = wb[data.name]
    ws.cell(pending.row, data.columns["outcome_date"] + 1, TODAY).number_format = "dd/mm/yyyy"
    ws.cell(pending.row, data.columns["outcome"] + 1, "Khởi tố vụ án")
    wb.save(ledger)

    led = read_ledger(ledger)
    result = write_deadlines(ledger, lambda led: compute_deadlines(led, TODAY))
    assert result.cleared >= 1
    row = next(r for r in read_ledger(ledger).sheets["tin_bao"].records if r.row == pending.row)
    assert (row.values["next_deadline"], row.values["days_left"], row.values["deadline_basis"]) == (None, None, None)


@pytest.mark.parametrize("lock", ["~$so.xlsx", ".~lock.so.xlsx#"])
def test_write_refuses_while_the_workbook_is_open(ledger, lock):
    original = ledger.read_bytes()
    led = read_ledger(ledger)
    (ledger.parent / lock).write_text("owner")
    with pytest.raises(FileBusy, match="đang được mở"):
        write_deadlines(ledger, lambda led: compute_deadlines(led, TODAY))
    assert ledger.read_bytes() == original
    assert not (ledger.parent / BACKUP_DIR).exists()

    out = subprocess.run([KIEMSAT, "deadlines", str(ledger), "--today", TODAY.isoformat(), "--write"],
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 2 and "đang được mở" in out.stderr
    assert ledger.read_bytes() == original


@pytest.mark.parametrize("suffix", [".xlsb", ".xls", ".ods"])
def test_only_xlsx_and_xlsm_are_written(ledger, tmp_path, suffix):
    other = tmp_path / f"so{suffix}"
    other.write_bytes(ledger.read_bytes())
    with pytest.raises(WritebackError, match=r"\.xlsx"):
        write_deadlines(other, lambda led: compute_deadlines(led, TODAY))
    assert other.read_bytes() == ledger.read_bytes()


def test_cli_write_reports_the_backup(ledger):
    out = subprocess.run([KIEMSAT, "deadlines", str(ledger), "--today", TODAY.isoformat(), "--write", "--json"],
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode in (0, 1), out.stderr
    assert "sao lưu" in out.stderr and out.stdout.lstrip().startswith("[")
    assert list((ledger.parent / BACKUP_DIR).iterdir())
    assert any(r.values["next_deadline"] for r in read_ledger(ledger).sheets["tin_bao"].records)


def test_libreoffice_opens_the_written_workbook_with_the_values(ledger, libreoffice, tmp_path):  # noqa: F811
    report = write_deadlines(ledger, lambda led: compute_deadlines(led, TODAY)).report
    (resaved,) = libreoffice.convert([ledger], "xlsx", tmp_path / "lo")
    (csv,) = libreoffice.convert([ledger], "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
                                 tmp_path / "lo_csv")

    expected = {(d.sheet, d.row): (d.due, d.days_left, d.basis) for d in report.next_by_row().values()}
    seen = 0
    for key, data in read_ledger(resaved).sheets.items():
        for rec in data.records:
            if "next_deadline" not in data.columns:
                continue
            got = (rec.values["next_deadline"], rec.values["days_left"], rec.values["deadline_basis"])
            assert got == expected.get((key, rec.row), (None, None, None)), (key, rec.row)
            seen += got[0] is not None
    assert seen == len(expected) > 0
    # as LibreOffice shows the first sheet (Tin báo): dates dd/mm/yyyy, the basis text in Vietnamese
    text = csv.read_text(encoding="utf-8")
    first_tip = next(d for d in report.next_by_row().values() if d.sheet == "tin_bao")
    assert first_tip.due.strftime("%d/%m/%Y") in text and first_tip.basis in text
