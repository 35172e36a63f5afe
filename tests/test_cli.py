"""The `kiemsat` command as clerks and scripts run it: a real process, real files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.messy import DECISION_WARNINGS, EXPECTED_PROBLEMS, build_messy_ledger

KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([KIEMSAT, *args], capture_output=True, text=True, cwd=cwd, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_init_sample_then_check_is_clean(tmp_path):
    ledger = tmp_path / "L.xlsx"
    made = run("init", str(ledger), "--sample", "200")
    assert made.returncode == 0, made.stderr
    checked = run("check", str(ledger), "--json")
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout) == []


def test_init_is_deterministic_for_a_seed(tmp_path):
    from macros_py.ledger.reader import read_ledger

    a, b, c = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    for path, seed in ((a, "5"), (b, "5"), (c, "6")):
        assert run("init", str(path), "--sample", "20", "--seed", seed, "--today", "2026-01-10").returncode == 0
    values = [[r.values for d in read_ledger(p).sheets.values() for r in d.records] for p in (a, b, c)]
    assert values[0] == values[1]
    assert values[0] != values[2]


def test_init_refuses_to_overwrite_and_backs_up_with_force(tmp_path):
    ledger = tmp_path / "L.xlsx"
    assert run("init", str(ledger)).returncode == 0
    again = run("init", str(ledger))
    assert again.returncode == 2 and "đã có" in again.stderr and "Traceback" not in again.stderr
    forced = run("init", str(ledger), "--sample", "5", "--force")
    assert forced.returncode == 0
    backups = list((tmp_path / "kiemsat-sao-luu").glob("L-*.xlsx"))
    assert len(backups) == 1


def test_init_refuses_while_excel_has_the_file_open(tmp_path):
    ledger = tmp_path / "L.xlsx"
    assert run("init", str(ledger)).returncode == 0
    before = ledger.read_bytes()
    (tmp_path / "~$L.xlsx").write_bytes(b"owner")
    busy = run("init", str(ledger), "--force")
    assert busy.returncode == 2 and "đang được mở" in busy.stderr
    assert ledger.read_bytes() == before


def test_check_reports_hand_typed_faults_as_json(tmp_path):
    path = build_messy_ledger(tmp_path / "so tay có dấu.xlsx")
    result = run("check", str(path), "--json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert all(set(p) == {"sheet", "row", "column", "value", "message", "level", "confirm"} for p in problems)
    assert {(p["sheet"], p["row"], p["column"]) for p in problems} == EXPECTED_PROBLEMS | DECISION_WARNINGS


def test_check_text_output_lists_each_problem(tmp_path):
    path = build_messy_ledger(tmp_path / "so.xlsx")
    result = run("check", str(path))
    assert result.returncode == 1
    errors = sum(1 for p in json.loads(run("check", str(path), "--json").stdout) if p["level"] == "lỗi")
    warnings = len(EXPECTED_PROBLEMS) + len(DECISION_WARNINGS) - errors
    assert f"có {errors} lỗi và {warnings} cảnh báo" in result.stdout
    assert "dòng 14, cột B: «Ngày tiếp nhận»: không có ngày «32/13/2024»" in result.stdout


@pytest.mark.parametrize("make", ["missing", "text", "folder", "encrypted"])
def test_check_unreadable_file_exits_2_with_one_line(tmp_path, make, sample_ledger):
    path = tmp_path / "so.xlsx"
    if make == "text":
        path.write_text("không phải Excel")
    elif make == "folder":
        path.mkdir()
    elif make == "encrypted":
        from msoffcrypto.format.ooxml import OOXMLFile

        with sample_ledger.open("rb") as src, path.open("wb") as out:
            OOXMLFile(src).encrypt("matkhau", out)
    result = run("check", str(path), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: ") and "Traceback" not in result.stderr


def test_demo_runs_on_embedded_defaults(tmp_path):
    result = run("demo", "--dir", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stdout + result.stderr
    ledger = tmp_path / "demo" / "so_theo_doi_mau.xlsx"
    assert "Kiểm tra sổ: 0 lỗi" in result.stdout
    from macros_py.ledger.reader import read_ledger

    read = read_ledger(ledger)
    # deadlines were written into the ledger's computed columns
    assert any(r.get("next_deadline") for r in read.records("tin_bao"))
    # five numbered decisions were made, recorded in the register and on their rows
    files = sorted((tmp_path / "demo" / "quyet_dinh").rglob("*.docx"))
    assert len(files) == 5
    register = read.records("so_quyet_dinh")
    assert [r["file"] is not None for r in register].count(True) == 5
    assert len({(r["year"], r["number"]) for r in register}) == len(register)
    # the statistics sheet and report, and the alerts delivered to the local outbox
    assert (tmp_path / "demo" / "bao_cao_thong_ke.docx").stat().st_size > 0
    mails = sorted((tmp_path / "demo" / "thu-canh-bao").glob("*.eml"))
    assert mails, result.stdout
    staff = {r["email"] for r in read.records("can_bo")}
    import email

    for mail in mails:
        message = email.message_from_bytes(mail.read_bytes())
        assert email.utils.parseaddr(message["To"])[1] in staff
    # running the demo again starts over instead of piling up
    again = run("demo", "--dir", str(tmp_path / "demo"))
    assert again.returncode == 0
    assert len(list((tmp_path / "demo" / "thu-canh-bao").glob("*.eml"))) == len(mails)
