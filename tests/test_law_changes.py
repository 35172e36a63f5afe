"""What changed when deadlines are written again, and the `kiemsat holidays` listing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from macros_py.law.deadlines import compute_deadlines
from macros_py.law.writeback import write_deadlines
from workbook_templates.builder import build_workbook

KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))
TODAY = date(2026, 3, 10)
D = date.fromisoformat


def _write_again(path: Path):
    return write_deadlines(path, lambda led: compute_deadlines(led, TODAY))


def test_a_moved_trigger_date_is_reported_old_to_new(tmp_path):
    path = tmp_path / "so.xlsx"
    build_workbook({"tin_bao": [
        {"receipt_no": "TB1", "receipt_date": D("2026-03-02")},  # 20 days: 21/03 (Sat) -> 23/03
        {"receipt_no": "TB2", "receipt_date": D("2026-03-04")},  # 20 days: 23/03 (Mon)
    ]}).save(path)
    first = _write_again(path)
    assert {(m.case, m.old, m.new) for m in first.moved} == {("TB1", None, D("2026-03-23")),
                                                             ("TB2", None, D("2026-03-23"))}
    assert _write_again(path).moved == []  # nothing changed, nothing reported

    # the clerk corrects TB1's receipt date to 12/03: 12/03 + 19 = 31/03 (Tue)
    wb = load_workbook(path)
    ws = wb["Tin báo"]
    header = next(r for r in ws.iter_rows(max_row=6) if any(c.value == "Ngày tiếp nhận" for c in r))
    col = next(c.column for c in header if c.value == "Ngày tiếp nhận")
    row = next(c.row for c in ws[header[0].column_letter] if c.value == "TB1")
    ws.cell(row, col).value = D("2026-03-12")
    wb.save(path)
    (moved,) = _write_again(path).moved
    assert (moved.case, moved.row, moved.old, moved.new) == ("TB1", row, D("2026-03-23"), D("2026-03-31"))
    assert "23/03/2026 → 31/03/2026" in str(moved) and "12/03/2026" in moved.reason
    assert "Điều 147" in moved.reason


def test_cli_write_prints_what_moved(tmp_path):
    path = tmp_path / "so.xlsx"
    build_workbook({"tin_bao": [{"receipt_no": "TB1", "receipt_date": D("2026-03-02")}]}).save(path)
    out = subprocess.run([KIEMSAT, "deadlines", str(path), "--today", TODAY.isoformat(), "--write"],
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert "Hạn đã thay đổi" in out.stdout and "(trống) → 23/03/2026" in out.stdout


def test_holidays_2026_lists_the_decided_day_off_with_its_source(tmp_path):
    out = subprocess.run([KIEMSAT, "holidays", "2026", "--json"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    days = {d["date"]: d for d in json.loads(out.stdout)}
    assert days["2026-01-02"]["day_off"] and "12729/VPCP-KGVX" in days["2026-01-02"]["source"]
    assert not days["2026-01-10"]["day_off"]  # the Saturday worked in exchange
    assert days["2026-02-17"]["day_off"] and "holidays" in days["2026-02-17"]["source"]
    assert not days["2026-08-22"]["day_off"] and days["2026-08-31"]["day_off"]

    # the unit's own make-up day off from its Cấu hình sheet is listed with that source
    path = tmp_path / "so.xlsx"
    build_workbook({}, {"extra_days_off": (D("2026-12-31"),)}).save(path)
    out = subprocess.run([KIEMSAT, "holidays", "2026", "--ledger", str(path)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("31/12/2026"))
    assert "Cấu hình" in line and "nghỉ" in line
