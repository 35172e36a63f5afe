"""Exit codes with warnings (README, «Mã kết thúc»): every command that reads a ledger exits 0 when the
ledger has only cảnh báo (a value kept as typed) and 1 when it has a lỗi (a value kiemsat needs to compute
and cannot read), as `kiemsat check` does (issue 13)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.commands.cli import cli
from macros_py import sample
from macros_py.ledger.reader import read_ledger
from workbook_templates.builder import build_workbook

TODAY = date(2026, 3, 10)
# «Kết quả giải quyết» is a dropdown kiemsat does not compute with: a value outside its list is a cảnh báo
WARNING_OUTCOME = "Chuyển Công an xã xử lý hành chính"
BAD_DATE = "32/13/2025"  # «Ngày tiếp nhận» starts the tin báo limit: a date no calendar has is a lỗi


def _spoil(rows: dict[str, list[dict]], kind: str) -> dict[str, list[dict]]:
    tips = rows["tin_bao"]
    tips[0]["outcome"] = WARNING_OUTCOME
    if kind == "error":
        tips[1]["receipt_date"] = BAD_DATE
    return rows


def _ledger(path: Path, kind: str) -> Path:
    build_workbook(_spoil(sample.sample_rows(12, seed=3, today=TODAY), kind)).save(path)
    ledger = read_ledger(path)
    assert ledger.warnings and bool(ledger.errors) == (kind == "error"), [str(p) for p in ledger.problems]
    return path


def _alerts(path: Path, folder: Path):  # noqa: ANN202 - click's Result
    config = folder / "canh-bao.toml"  # a config of its own: nothing from the machine's
    config.write_text("", encoding="utf-8")
    return CliRunner().invoke(cli, ["alerts", "run-once", str(path), "--today", TODAY.isoformat(),
                                    "--outbox", str(folder / "thu"), "--config", str(config)], catch_exceptions=False)


def _run(*args: str) -> int:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False).exit_code


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exit")
    return {kind: _ledger(folder / f"{kind}.xlsx", kind) for kind in ("warning", "error")}


@pytest.mark.parametrize("kind, code", [("warning", 0), ("error", 1)])
@pytest.mark.parametrize("command", [
    ["check"], ["deadlines", "--today", TODAY.isoformat()], ["stats", "--today", TODAY.isoformat()]])
def test_ledger_commands_exit_0_on_warnings_and_1_on_errors(ledgers, command, kind, code):
    assert _run(command[0], str(ledgers[kind]), *command[1:]) == code


def test_deadlines_write_exits_as_deadlines(tmp_path):
    for kind, code in (("warning", 0), ("error", 1)):
        path = _ledger(tmp_path / f"{kind}.xlsx", kind)
        assert _run("deadlines", str(path), "--today", TODAY.isoformat(), "--write") == code


@pytest.mark.parametrize("kind, code", [("warning", 0), ("error", 1)])
def test_alerts_run_once_exits_0_on_warnings_and_1_on_errors(ledgers, tmp_path, kind, code):
    result = _alerts(ledgers[kind], tmp_path)
    assert result.exit_code == code, result.output
    assert ("lỗi nhập liệu" in result.output) == (kind == "error")


def test_alerts_run_once_a_setting_not_understood_is_a_warning(tmp_path):
    """A reminder day that is not a number is skipped and said (cảnh báo): the alerts still go, exit 0."""
    rows = sample.sample_rows(12, seed=3, today=TODAY)
    path = tmp_path / "so.xlsx"
    build_workbook(rows, {"reminder_days": "3; hôm qua"}).save(path)
    result = _alerts(path, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Cảnh báo (1):" in result.output and "«hôm qua» không phải số ngày" in result.output


@pytest.mark.parametrize("kind, code", [("warning", 0), ("error", 1)])
def test_demo_exits_0_on_warnings_and_1_on_errors(tmp_path, monkeypatch, kind, code):
    """The README's first command: its sample ledger given one cảnh báo (and one lỗi)."""
    real = sample.sample_rows
    monkeypatch.setattr(sample, "sample_rows", lambda *a, **k: _spoil(real(*a, **k), kind))
    result = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path / "demo"), "--today", TODAY.isoformat()],
                                catch_exceptions=False)
    assert result.exit_code == code, result.output
    ledger = read_ledger(tmp_path / "demo" / "so_theo_doi_mau.xlsx")
    assert any(p.value == WARNING_OUTCOME and not p.is_error for p in ledger.problems)
