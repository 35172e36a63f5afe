"""`kiemsat alerts`: run-once into the .eml folder, status, the config file, the scheduler's settings."""

from __future__ import annotations

import json
import threading
from datetime import datetime, time, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.commands.cli import cli
from macros_py.ledger.reader import read_ledger
from mailer.config import ConfigError, load_config
from mailer.planning import plan_ledger
from mailer.service import build_scheduler, send_time_for
from tests.conftest import TODAY


@pytest.fixture
def config(tmp_path: Path, sample_ledger: Path) -> Path:
    path = tmp_path / "cfg" / "canh-bao.toml"
    path.parent.mkdir()
    path.write_text(f'ledgers = ["{sample_ledger.as_posix()}"]\n', encoding="utf-8")
    return path


def invoke(*args: str):  # noqa: ANN201
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_run_once_puts_the_digests_into_the_outbox_folder_once(config: Path, sample_ledger: Path):
    folder = config.parent / "thu-canh-bao"
    dry = invoke("alerts", "run-once", "--config", str(config), "--today", TODAY.isoformat(), "--dry-run")
    assert dry.exit_code == 0 and "Chạy thử" in dry.output and not folder.exists()
    assert not (config.parent / "canh-bao.sqlite3").exists()

    first = invoke("alerts", "run-once", "--config", str(config), "--today", TODAY.isoformat())
    assert first.exit_code == 0, first.output
    plan = plan_ledger(read_ledger(sample_ledger), TODAY)
    recipients = {a.recipient.address for a in plan.alerts}
    files = sorted(folder.glob("*.eml"))
    assert len(files) == len(recipients)
    assert f"Đã ghi {len(recipients)} tệp thư (.eml) vào thư mục {folder}" in first.output
    got = {message_from_bytes(f.read_bytes(), policy=default)["To"].addresses[0].addr_spec for f in files}
    assert got == recipients
    stamps = {f: f.stat().st_mtime_ns for f in files}

    second = invoke("alerts", "run-once", str(sample_ledger), "--config", str(config), "--today", TODAY.isoformat())
    assert second.exit_code == 0 and "0 cảnh báo mới" in second.output and "Không có thư mới" in second.output
    assert {f: f.stat().st_mtime_ns for f in folder.glob("*.eml")} == stamps

    st = invoke("alerts", "status", "--config", str(config), "--json")
    data = json.loads(st.output)
    assert st.exit_code == 0 and data["alerts"] == {"sent": len(plan.alerts)} and data["failed"] == []
    text = invoke("alerts", "status", "--config", str(config)).output
    assert f"Cảnh báo: {len(plan.alerts)} đã gửi, 0 chờ gửi" in text
    assert "Cảnh báo thời hạn ngày 16/03/2026" in (config.parent / "canh-bao.log").read_text(encoding="utf-8")


def test_outbox_option_and_json(tmp_path: Path, config: Path, sample_ledger: Path):
    out = tmp_path / "khac"
    res = invoke("alerts", "run-once", str(sample_ledger), "--config", str(config), "--outbox", str(out),
                 "--today", TODAY.isoformat(), "--json")
    data = json.loads(res.output)
    assert res.exit_code == 0 and len(data["sent"]) == len(list(out.glob("*.eml"))) == len(data["digests"]) > 0
    assert all(s["location"].startswith(str(out)) for s in data["sent"])


def test_cli_errors_are_one_vietnamese_line(tmp_path: Path, config: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[smtp]\nhost = "smtp.example"\npassword = "lộ-mật-khẩu"\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["alerts", "run-once", "x.xlsx", "--config", str(bad)])
    assert res.exit_code == 2 and "không ghi mật khẩu vào tệp cấu hình" in res.output and "lộ-mật-khẩu" not in res.output
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    res = CliRunner().invoke(cli, ["alerts", "run-once", "--config", str(empty)])
    assert res.exit_code == 2 and "chưa có sổ nào" in res.output
    res = CliRunner().invoke(cli, ["alerts", "status", "--config", str(empty)])
    assert res.exit_code == 2 and "chưa lần nào chạy" in res.output
    res = CliRunner().invoke(cli, ["alerts", "run-once", str(tmp_path / "khong-co.xlsx"), "--config", str(config),
                                   "--today", TODAY.isoformat()])
    assert res.exit_code == 1 and "Không tìm thấy tệp" in res.output


def test_config_keys(tmp_path: Path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('ledgers = ["so.xlsx"]\nsend_time = "6h30"\nmax_tries = 3\n\n[smtp]\nhost = "mail.vks.example"\n'
                   'security = "ssl"\nuser = "canhbao@vks.example"\n', encoding="utf-8")
    c = load_config(cfg)
    assert c.ledgers == [tmp_path / "so.xlsx"] and c.transport == "smtp" and c.send_time == time(6, 30)
    assert c.smtp is not None and c.smtp.effective_port == 465 and c.sender == "canhbao@vks.example"
    assert c.db_path == tmp_path / "canh-bao.sqlite3" and c.outbox_dir == tmp_path / "thu-canh-bao"
    cfg.write_text('[smtp]\nhost = "x"\nsecurity = "tls13"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="security"):
        load_config(cfg)
    with pytest.raises(ConfigError, match="không tìm thấy"):
        load_config(tmp_path / "khong-co.toml")


def test_the_scheduler_catches_up_once_after_a_sleep(config: Path, sample_ledger: Path):
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

    c = load_config(config)
    assert send_time_for(c) == time(7, 0)  # "Giờ gửi cảnh báo" of the ledger
    slept = datetime.now().astimezone() - timedelta(days=3)  # the 07:00 of three days was missed
    scheduler = build_scheduler(c, first_run=slept, background=True)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert str(jobs["daily"].trigger) == "cron[hour='7', minute='0']"
    runs: list[int] = []
    done = threading.Event()

    def seen(event) -> None:  # noqa: ANN001
        if event.job_id == "daily":
            runs.append(event.code)
            done.set()

    scheduler.add_listener(seen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        assert done.wait(120)
        daily = scheduler.get_job("daily")
        assert daily.coalesce is True and daily.misfire_grace_time is None and daily.max_instances == 1
        # the missed fire times were folded into this one run; the next one is in the future
        assert runs == [EVENT_JOB_EXECUTED] and daily.next_run_time > datetime.now().astimezone()
    finally:
        scheduler.shutdown(wait=True)
    assert runs == [EVENT_JOB_EXECUTED]
    assert len(list((config.parent / "thu-canh-bao").glob("*.eml"))) > 0  # today's alerts went out


def test_status_warns_when_a_public_mail_service_would_carry_more_than_counts(tmp_path: Path):
    from tests.test_mailer_policy import ledger_with

    def status_for(host: str, level: str) -> str:
        ledger = ledger_with(tmp_path / f"so-{len(level)}.xlsx", alert_content=level)
        cfg = tmp_path / f"{host}-{len(level)}.toml"
        cfg.write_text(f'ledgers = ["{ledger.as_posix()}"]\ntransport = "smtp"\n\n[smtp]\nhost = "{host}"\n',
                       encoding="utf-8")
        return CliRunner().invoke(cli, ["alerts", "status", "--config", str(cfg)]).stderr

    for host, provider in (("smtp.gmail.com", "Gmail"), ("smtp.mail.yahoo.com", "Yahoo"),
                           ("smtp-mail.outlook.com", "Outlook.com")):
        warned = status_for(host, "Rút gọn")
        assert f"dịch vụ thư công cộng ({provider})" in warned and "5598/VPCP-TTĐT" in warned, host
    assert "dịch vụ thư công cộng" in status_for("smtp.gmail.com", "Đầy đủ")
    assert "dịch vụ thư công cộng" not in status_for("smtp.gmail.com", "Chỉ số lượng")
    assert "dịch vụ thư công cộng" not in status_for("mail.vks.gov.vn", "Đầy đủ")
    assert "dịch vụ thư công cộng" not in status_for("notgmail.com.example", "Đầy đủ")
