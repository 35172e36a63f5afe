"""The mistakes people make with `kiemsat`, each answered with one Vietnamese line (issue 17).

In-process through `RootGroup.main`, the entry point of the installed script; real files on disk.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.commands.cli import cli

TODAY = "2026-03-16"  # the sample ledger's reference day (tests/conftest.py)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def one_error(result, code: int = 2) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Lỗi: ") and "Traceback" not in result.stderr
    assert "chưa lường trước" not in lines[0], lines[0]  # each of these is foreseen
    return lines[0]


@pytest.fixture
def ledger(sample_ledger, tmp_path) -> Path:
    path = tmp_path / "so.xlsx"
    shutil.copy(sample_ledger, path)
    return path


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "canh-bao.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ---- alerts: the outbox database, the log file, the sender, the TOML --------------------------------------

def test_outbox_database_that_is_a_folder(ledger, tmp_path):
    (tmp_path / "db").mkdir()
    cfg = config(tmp_path, 'database = "db"\noutbox_dir = "thu"\n')
    for args in (("alerts", "run-once", str(ledger), "--config", str(cfg), "--today", TODAY),
                 ("alerts", "status", "--config", str(cfg))):
        assert "là một thư mục" in one_error(run(*args))


def test_outbox_database_that_is_garbage(ledger, tmp_path):
    (tmp_path / "db.sqlite3").write_bytes(b"not a database at all " * 100)
    cfg = config(tmp_path, 'database = "db.sqlite3"\noutbox_dir = "thu"\n')
    for args in (("alerts", "run-once", str(ledger), "--config", str(cfg), "--today", TODAY),
                 ("alerts", "status", "--config", str(cfg))):
        line = one_error(run(*args))
        assert "không phải sổ thư cảnh báo" in line and "db.sqlite3" in line
    assert (tmp_path / "db.sqlite3").read_bytes().startswith(b"not a database")  # left as it was


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root writes anywhere")
def test_outbox_database_in_a_read_only_folder(ledger, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        cfg = config(tmp_path, 'database = "ro/db.sqlite3"\noutbox_dir = "thu"\n')
        one_error(run("alerts", "run-once", str(ledger), "--config", str(cfg), "--today", TODAY))
    finally:
        ro.chmod(0o755)


def test_log_file_that_is_a_folder(ledger, tmp_path):
    (tmp_path / "nhat-ky").mkdir()
    cfg = config(tmp_path, 'log_file = "nhat-ky"\noutbox_dir = "thu"\n')
    line = one_error(run("alerts", "run-once", str(ledger), "--config", str(cfg), "--today", TODAY))
    assert "log_file" in line and "thư mục" in line


@pytest.mark.parametrize("sender,expected", [("canhbao@vks.gov.vn\\r\\nBcc: ai@do.vn", "xuống dòng"),
                                             ("khong phai dia chi", "không phải địa chỉ thư"),
                                             ("ten@", "không phải địa chỉ thư")])
def test_sender_with_line_breaks_or_not_an_address(ledger, tmp_path, sender, expected):
    cfg = config(tmp_path, f'sender = "{sender}"\noutbox_dir = "thu"\n')
    assert expected in one_error(run("alerts", "run-once", str(ledger), "--config", str(cfg), "--today", TODAY))
    assert not (tmp_path / "thu").exists()


def test_deeply_nested_toml(ledger, tmp_path):
    cfg = config(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert "lồng nhau quá sâu" in one_error(run("alerts", "status", "--config", str(cfg)))


# ---- files and folders -----------------------------------------------------------------------------------

def test_out_into_a_place_that_cannot_be_written(ledger, tmp_path):
    line = one_error(run("stats", str(ledger), "--today", TODAY, "--out", "/proc/kiemsat/bao-cao.docx"))
    assert "/proc/kiemsat" in line and "không ghi được" in line
    line = one_error(run("decide", str(ledger), "--type", "hinh-su", "--rows", "3", "--out", "/proc/kiemsat",
                         "--date", TODAY, "--force"))  # row 3's case is tried: --force, the folder is the point
    assert "/proc/kiemsat" in line


def test_init_into_a_folder_that_does_not_exist(tmp_path):
    target = tmp_path / "theo doi" / "so.xlsx"
    line = one_error(run("init", str(target)))
    assert "không có" in line and "theo doi" in line
    assert not target.parent.exists()  # not created behind the clerk's back


def test_deadlines_write_on_an_open_ledger_refuses_before_listing(ledger):
    (ledger.parent / f"~${ledger.name}").write_bytes(b"owner")
    result = run("deadlines", str(ledger), "--today", TODAY, "--write")
    assert "đang được mở" in one_error(result)
    assert result.stdout == ""


# ---- rows, days, dates -----------------------------------------------------------------------------------

def test_a_huge_row_range_is_summarised(ledger, tmp_path):
    # 2,000 rows, not the 100,000: parse_rows (macros_py/decisions) is quadratic, ~45 s for 100,000
    result = run("decide", str(ledger), "--type", "hinh-su", "--rows", "3-2003", "--out", str(tmp_path / "q"),
                 "--date", TODAY)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) <= 25 and len(result.stderr) < 5000
    assert "dữ liệu ở dòng 3 đến" in result.stderr


@pytest.mark.parametrize("rows", ["٣", "３", "3-٥"])
def test_rows_in_other_digits_are_refused(ledger, tmp_path, rows):
    line = one_error(run("decide", str(ledger), "--type", "hinh-su", "--rows", rows, "--out", str(tmp_path / "q")))
    assert "0-9" in line
    assert not (tmp_path / "q").exists()


def test_a_title_row_says_where_the_data_is(ledger, tmp_path):
    from macros_py.ledger.reader import read_ledger

    rows = [r.row for r in read_ledger(ledger).sheets["an_hinh_su"].records]
    result = run("decide", str(ledger), "--type", "hinh-su", "--rows", "1", "--out", str(tmp_path / "q"))
    assert result.exit_code == 2
    assert f"dữ liệu ở dòng {min(rows)} đến {max(rows)}" in result.stderr
    assert "tiêu đề" in result.stderr


def test_within_speaks_of_one_number_of_days(ledger):
    result = run("deadlines", str(ledger), "--today", TODAY, "--within", "5")
    first = result.stdout.splitlines()[0]
    assert "5 ngày" in first and "10 ngày" not in first


@pytest.mark.parametrize("command", [("stats",), ("deadlines",)])
def test_a_date_out_of_any_sensible_range(ledger, command):
    line = one_error(run(*command, str(ledger), "--today", "0001-01-01"))
    assert "1945" in line and "kỳ" not in line


# ---- the unforeseen --------------------------------------------------------------------------------------

def test_an_unforeseen_error_is_one_line_and_a_log_with_the_traceback(ledger, tmp_path, monkeypatch):
    import macros_py.ledger.reader as reader

    def broken(*args, **kwargs):
        raise RuntimeError("bug inside kiemsat")

    monkeypatch.setattr(reader, "read_ledger", broken)
    logs = tmp_path / "logs"
    result = run("check", str(ledger), env={"KIEMSAT_LOG_DIR": str(logs)})
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 3 and len(lines) == 1, result.stderr
    log = logs / "kiemsat-loi.log"
    assert str(log) in lines[0] and "Traceback" not in result.stderr
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "bug inside kiemsat" in text


# ---- one output style: a summary, at most 20 details, all with --verbose --------------------------------

def test_check_prints_a_summary_and_twenty_problems_then_all_with_verbose(tmp_path):
    from workbook_templates.builder import build_workbook

    path = tmp_path / "so.xlsx"
    # (with their agency: a row lacking it would add a decision's cảnh báo to the 30 lỗi)
    rows = [{"receipt_no": f"{i}/TB", "receipt_date": f"3{i % 2 + 2}/13/2024", "investigating_body": "CQĐT"}
            for i in range(1, 31)]
    build_workbook({"tin_bao": rows}).save(path)
    short = run("check", str(path))
    assert short.exit_code == 1
    lines = short.stdout.splitlines()
    assert lines[0].startswith("Sổ «so.xlsx» có 30 lỗi")
    assert sum(line.startswith("  - ") for line in lines) == 20
    # besides the 30 errors, each row may carry cảnh báo (a decision's missing facts): counted, not shown
    full = run("check", str(path), "--verbose")
    shown = [line for line in full.stdout.splitlines() if line.startswith("  - ")]
    assert sum("(cảnh báo)" not in line for line in shown) == 30
    assert f"và {len(shown) - 20} dòng nữa (thêm --verbose để xem hết)" in short.stdout
