"""No cell stops a ledger (issue 13): hostile cells become per-cell problems, hostile files one
Vietnamese message; memory stays bounded; nothing hangs, aborts or shows a traceback."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from macros_py.ledger.reader import LedgerError, read_ledger
from tests.hostile import NEW_ERRORS, bomb, ledger_rows, tall_sheet, text_cell, workbook

ROOT = Path(__file__).resolve().parent.parent
KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))


def _child(args: list[str], limit_mb: int, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.hostile", *args, "--limit-mb", str(limit_mb)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_fuzz_500_hostile_workbooks_no_traceback_no_abort(tmp_path):
    """At least 500 generated hostile workbooks, under a 1 GB address-space limit: each gives exit 0, 1 or 2
    with a message, none raises, the child neither aborts nor runs out of memory, all within 60 s."""
    done = _child([str(tmp_path / "fuzz"), "504", "13"], limit_mb=1024)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["files"] >= 500
    assert summary["raised"] == []
    assert set(summary["outcomes"]) <= {"0", "1", "2"}
    assert summary["seconds"] < 60
    assert sum(summary["outcomes"].values()) == summary["files"]


def _ledger(tmp_path: Path, sheets: dict[str, str], name: str = "so.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(workbook(sheets))
    return path


@pytest.mark.parametrize("error", NEW_ERRORS)
def test_each_new_excel_error_is_a_problem_for_that_cell_only(tmp_path, error):
    rows = ledger_rows(random.Random(1))
    rows.append(f'<row r="8">{text_cell("A8", "99/TB")}<c r="B8" t="e"><v>{error}</v></c></row>')
    own = f'<row r="1"><c r="A1" t="e"><v>{error}</v></c></row>'
    ledger = read_ledger(_ledger(tmp_path, {"Tin báo": "".join(rows), "Sổ riêng": own}))
    records = ledger.records("tin_bao")
    assert [r.values["receipt_no"] for r in records] == [f"{i}/TB" for i in range(1, 7)] + ["99/TB"]
    assert all(r.values["receipt_date"] is not None for r in records[:6])
    bad = [p for p in ledger.problems if p.row == 8]
    assert [(p.sheet, p.column, p.value) for p in bad] == [("Tin báo", "B", error)]
    assert bad[0].is_error and "Ngày tiếp nhận" in bad[0].message
    assert not [p for p in ledger.problems if p.sheet == "Sổ riêng"]  # the clerk's own sheet never matters


@pytest.mark.parametrize("raw, style", [("-1e308", 1), ("-INF", 1), ("NaN", 1), ("2958466", 1), ("1e308", 2),
                                        ("99999999", 1)])
def test_numbers_no_date_can_hold_are_a_problem_for_that_cell(tmp_path, raw, style):
    rows = ledger_rows(random.Random(2))
    rows.append(f'<row r="8">{text_cell("A8", "99/TB")}<c r="B8" s="{style}"><v>{raw}</v></c></row>')
    ledger = read_ledger(_ledger(tmp_path, {"Tin báo": "".join(rows)}))
    assert len(ledger.records("tin_bao")) == 7
    assert [(p.row, p.column, p.value) for p in ledger.problems if p.is_error] == [(8, "B", raw)]


def test_serial_above_last_excel_day_in_a_plain_number_cell(tmp_path):
    rows = ledger_rows(random.Random(2))
    rows.append(f'<row r="8">{text_cell("A8", "99/TB")}<c r="B8"><v>2958466</v></c></row>')
    ledger = read_ledger(_ledger(tmp_path, {"Tin báo": "".join(rows)}))
    assert [(p.row, p.column) for p in ledger.problems if p.is_error] == [(8, "B")]
    assert "không phải một ngày" in ledger.problems[0].message


def test_boolean_holding_2_and_a_broken_shared_string(tmp_path):
    rows = ledger_rows(random.Random(3))
    rows.append(f'<row r="8"><c r="A8" t="b"><v>2</v></c><c r="B8" t="s"><v>12345</v></c></row>')
    ledger = read_ledger(_ledger(tmp_path, {"Tin báo": "".join(rows)}))
    assert len(ledger.records("tin_bao")) == 7
    assert {(p.row, p.column) for p in ledger.problems} >= {(8, "A"), (8, "B")}


@pytest.mark.parametrize("ref", ["XFD1048576", "XFE1", "A99999999999", "A0", "BAD"])
def test_a_stray_or_impossible_cell_reference_is_left_out_with_a_note(tmp_path, ref):
    rows = ledger_rows(random.Random(4))
    rows.append(f'<row r="1048576"><c r="{ref}"><v>1</v></c></row>')
    ledger = read_ledger(_ledger(tmp_path, {"Tin báo": "".join(rows)}))
    assert len(ledger.records("tin_bao")) == 6
    notes = [p for p in ledger.problems if p.value == ref]
    assert len(notes) == 1 and not notes[0].is_error and "bỏ qua" in notes[0].message


@pytest.mark.parametrize("row, cells", [(1048576, 2), (500, 20000)])
def test_cells_without_a_reference_far_away_are_left_out(tmp_path, row, cells):
    """Cells placed by their order (no r="..."): far down, or 20,000 in one row, are stray cells too."""
    rows = ledger_rows(random.Random(8))
    rows.append(f'<row r="{row}">' + "<c><v>1</v></c>" * cells + "</row>")
    ledger = read_ledger(_ledger(tmp_path, {"Tin báo": "".join(rows)}))
    assert [r.values["receipt_no"] for r in ledger.records("tin_bao")][:6] == [f"{i}/TB" for i in range(1, 7)]
    assert any(not p.is_error and "quá xa" in p.message for p in ledger.problems)


def test_header_below_a_long_letterhead_is_found(tmp_path):
    letterhead = "".join(f'<row r="{r}">{text_cell(f"A{r}", "VIỆN KIỂM SÁT NHÂN DÂN TỈNH")}</row>'
                         for r in range(1, 25))
    header = '<row r="25">' + "".join(text_cell(f"{c}25", h) for c, h in zip(
        "ABCD", ["Mã vụ án", "Họ tên bị can", "Năm sinh", "Tạm giam từ ngày"])) + "</row>"
    body = f'<row r="26">{text_cell("A26", "1/HS")}{text_cell("B26", "Nguyễn Văn A")}<c r="D26" s="1"><v>45400</v></c></row>'
    ledger = read_ledger(_ledger(tmp_path, {"Bị can": letterhead + header + body}))
    assert [r.values["name"] for r in ledger.records("bi_can")] == ["Nguyễn Văn A"]
    assert ledger.sheets["bi_can"].header_row == 25


def test_a_sheet_that_looks_like_a_ledger_but_is_skipped_gets_a_note(tmp_path):
    header = '<row r="1">' + text_cell("A1", "Mã vụ án") + text_cell("B1", "Họ tên bị can") + "</row>"
    ledger = read_ledger(_ledger(tmp_path, {"Sổ của tôi": header, "Tin báo": "".join(ledger_rows(random.Random(5)))}))
    notes = [p for p in ledger.problems if p.sheet == "Sổ của tôi"]
    assert len(notes) == 1 and not notes[0].is_error and "bỏ qua" in notes[0].message


def test_zip_bomb_is_refused_with_one_message(tmp_path):
    for seed in range(4):  # shared strings or a sheet; sizes told or lied about
        path = tmp_path / f"bomb{seed}.xlsx"
        path.write_bytes(bomb(random.Random(seed)))
        with pytest.raises(LedgerError, match="tránh treo máy|bị hỏng"):
            read_ledger(path)


def test_truncated_xls_is_one_message(tmp_path):
    path = tmp_path / "so.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4)
    with pytest.raises(LedgerError, match="không phải sổ Excel"):
        read_ledger(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_xlsx_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "so.xlsx"
    os.mkfifo(fifo)
    result = subprocess.run([KIEMSAT, "check", str(fifo)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "không phải một tệp thông thường" in result.stderr


def test_memory_ceiling_far_cell_tall_sheet_and_bomb(tmp_path):
    """Under a 700 MB address-space limit (python-calamine alone needs 549 GB for the first file and
    2.8 GB for the second): a clear outcome for each, and the rest of the ledger read."""
    far = workbook({"Tin báo": "".join(ledger_rows(random.Random(6))) +
                    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'})
    files = {"far.xlsx": far, "tall.xlsx": tall_sheet(), "bomb.xlsx": bomb(random.Random(1))}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    script = (
        "import resource, sys, json\n"
        "resource.setrlimit(resource.RLIMIT_AS, (700 << 20, 700 << 20))\n"
        "from click.testing import CliRunner\n"
        "from addin.commands.cli import cli\n"
        "from tests.hostile import peak_mb\n"
        "out = {}\n"
        "for p in sys.argv[1:]:\n"
        "    r = CliRunner().invoke(cli, ['check', p])\n"
        "    out[p.rsplit('/', 1)[-1]] = [r.exit_code, r.output, repr(r.exception)]\n"
        "out['peak_mb'] = peak_mb()\n"
        "print(json.dumps(out))\n")
    done = subprocess.run([sys.executable, "-c", script, *(str(tmp_path / n) for n in files)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["far.xlsx"][0] == 0 and "6 dòng «Tin báo»" in out["far.xlsx"][1] and "bỏ qua ô này" in out["far.xlsx"][1]
    assert out["tall.xlsx"][0] == 1 and "sheet quá lớn" in out["tall.xlsx"][1]
    assert out["bomb.xlsx"][0] == 2 and "tránh treo máy" in out["bomb.xlsx"][1]
    assert out["peak_mb"] < 600


def test_cli_exit_codes_in_a_subprocess(tmp_path):
    rows = ledger_rows(random.Random(7))
    rows.append('<row r="9"><c r="A9" t="e"><v>#SPILL!</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    path = _ledger(tmp_path, {"Tin báo": "".join(rows)})
    result = subprocess.run([KIEMSAT, "check", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr  # an error value in a read column is an error
    assert "#SPILL!" in result.stdout and "Traceback" not in result.stdout + result.stderr
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 50)
    result = subprocess.run([KIEMSAT, "check", str(tmp_path / "x.xlsx")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("Lỗi: ")



def test_a_formula_without_a_cached_value_is_named_as_such(tmp_path):
    rows = ledger_rows(random.Random(9))
    rows.append(f'<row r="8">{text_cell("A8", "99/TB")}<c r="B8" s="1"><f>TODAY()</f></c></row>')
    ledger = read_ledger(_ledger(tmp_path, {"Tin báo": "".join(rows)}))
    bad = [p for p in ledger.problems if p.row == 8]
    assert [(p.column, p.is_error) for p in bad] == [("B", True)]
    assert "chưa có giá trị đã tính" in bad[0].message
    assert len(ledger.records("tin_bao")) == 7
