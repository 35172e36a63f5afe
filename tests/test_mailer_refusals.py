"""A server that refuses: aiosmtpd on 127.0.0.1 answering 451 (try later), 550 for one recipient
and 554 on DATA; what the run says, what `alerts status` explains, and `alerts resend`. Also two
`alerts run-once` racing on a fresh outbox (SQLite WAL + busy timeout)."""

from __future__ import annotations

import multiprocessing
import time as _time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from addin.commands.cli import cli
from macros_py.ledger.reader import read_ledger
from mailer.config import load_config
from mailer.outbox import Outbox, local_time
from mailer.planning import plan_ledger
from mailer.service import resend, run_once, status
from tests.conftest import TODAY
from tests.test_mailer_smtp import HOST, NOW, SENDER, Received, free_port, transport, write_config


class Refusing:
    """Answers `data` (e.g. "554 5.7.1 ...") on DATA, `rcpt[address]` on RCPT; accepts otherwise."""

    def __init__(self, data: str = "", rcpt: dict[str, str] | None = None):
        self.data, self.rcpt = data, rcpt or {}
        self.received: list[Received] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        if address in self.rcpt:
            return self.rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        if self.data:
            return self.data
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def refusing():
    handler = Refusing()
    controller = Controller(handler, hostname=HOST, port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def recipients(ledger: Path) -> list[str]:
    return sorted(plan_ledger(read_ledger(ledger), TODAY).by_recipient())


def test_451_is_a_temporary_refusal_retried_with_backoff_not_a_content_refusal(refusing, sample_ledger: Path,
                                                                                 tmp_path: Path):
    refusing.data = "451 4.3.0 Temporary local problem, try again later"
    db = tmp_path / "o.sqlite3"
    first = run_once([sample_ledger], TODAY, db_path=db, transport=transport(refusing.port), now=NOW, sender=SENDER)
    n = len(recipients(sample_ledger))
    assert first.sent == [] and len(first.report.retrying) == n and first.report.refused == []
    text = "\n".join(first.lines())
    assert f"Sẽ gửi lại {n} thư" in text and "Lỗi:" not in text and "Đã gửi" not in text
    assert "451" in text and "tạm thời" in text and "từ chối" not in text
    st = status(db)
    assert len(st.waiting) == n and st.failed == []  # pending, not failed
    # within the back-off nothing is tried; after it, and with the server fixed, everything goes
    refusing.data = ""
    soon = run_once([sample_ledger], TODAY, db_path=db, transport=transport(refusing.port),
                    now=NOW + timedelta(minutes=1), sender=SENDER)
    assert soon.sent == [] and soon.failed == [] and refusing.received == []
    later = run_once([sample_ledger], TODAY, db_path=db, transport=transport(refusing.port),
                     now=NOW + timedelta(minutes=6), sender=SENDER)
    assert len(later.sent) == n == len(refusing.received)
    assert status(db).alerts == {"sent": len(plan_ledger(read_ledger(sample_ledger), TODAY).alerts)}


def test_550_for_one_recipient_fails_only_that_mail_and_status_says_why(refusing, sample_ledger: Path,
                                                                        tmp_path: Path):
    everyone = recipients(sample_ledger)
    bad = everyone[0]
    refusing.rcpt = {bad: "550 5.1.1 <%s>: Recipient address rejected: User unknown" % bad}
    cfg = write_config(tmp_path, refusing.port, sample_ledger)
    result = run_once(load_config(cfg).ledgers, TODAY, config=load_config(cfg), now=NOW)
    assert sorted(r.rcpt_tos[0] for r in refusing.received) == everyone[1:]
    assert [d.recipient for d in result.report.refused] == [bad] and result.report.retrying == []
    text = "\n".join(result.lines())
    assert f"Đã gửi {len(everyone) - 1} thư." in text and "Lỗi: 1 thư bị máy chủ từ chối" in text
    assert "alerts resend --failed" in text and "Sẽ gửi lại" not in text
    out = CliRunner().invoke(cli, ["alerts", "status", "--config", str(cfg)])
    assert out.exit_code == 1
    assert "KHÔNG GỬI ĐƯỢC (máy chủ từ chối" in out.output and bad in out.output
    assert "550" in out.output and "không tồn tại" in out.output and "User unknown" in out.output
    assert "UTC" not in out.output
    # the next day's run does not resend it by itself (refused for good) ...
    run_once(load_config(cfg).ledgers, TODAY, config=load_config(cfg), now=NOW + timedelta(hours=3))
    assert bad not in [r.rcpt_tos[0] for r in refusing.received]
    # ... `resend --failed` does, once the address is fixed on the server side
    refusing.rcpt = {}
    out = CliRunner().invoke(cli, ["alerts", "resend", "--failed", "--config", str(cfg)])
    assert out.exit_code == 0, out.output
    assert "Đưa lại vào hàng gửi 1 thư." in out.output and "Đã gửi 1 thư." in out.output
    assert [r.rcpt_tos[0] for r in refusing.received].count(bad) == 1
    assert status(tmp_path / "o.sqlite3").failed == []


def test_mails_lost_to_554_on_data_are_sent_by_resend_once_the_server_is_fixed(refusing, sample_ledger: Path,
                                                                               tmp_path: Path):
    refusing.data = "554 5.7.1 Message rejected by content policy"
    cfg = load_config(write_config(tmp_path, refusing.port, sample_ledger))
    everyone = recipients(sample_ledger)
    first = run_once(cfg.ledgers, TODAY, config=cfg, now=NOW)
    assert first.sent == [] and len(first.report.refused) == len(everyone) and first.report.retrying == []
    assert all("554" in d.error and "từ chối thư" in d.error and "bộ lọc thư rác" in d.error
               for d in first.report.refused)
    st = status(cfg.db_path)
    assert len(st.failed) == len(everyone) and all(d.permanent for d in st.failed)
    refusing.data = ""  # the administrator fixes the server
    again = run_once(cfg.ledgers, TODAY, config=cfg, now=NOW + timedelta(hours=1))
    assert again.sent == [] and refusing.received == []  # nothing lost, nothing sent behind one's back
    queued, report = resend(cfg, failed_only=True, now=NOW + timedelta(hours=2))
    assert queued == len(everyone) and len(report.sent) == len(everyone)
    assert sorted(r.rcpt_tos[0] for r in refusing.received) == everyone
    expected = len(plan_ledger(read_ledger(sample_ledger), TODAY).alerts)
    assert status(cfg.db_path).alerts == {"sent": expected} and status(cfg.db_path).failed == []


def test_resend_since_a_day_sends_sent_mails_again_as_the_same_message(refusing, sample_ledger: Path,
                                                                       tmp_path: Path):
    cfg = load_config(write_config(tmp_path, refusing.port, sample_ledger))
    run_once(cfg.ledgers, TODAY, config=cfg, now=NOW)
    first = {r.message["Message-ID"]: r.content for r in refusing.received}
    refusing.received.clear()
    queued, report = resend(cfg, failed_only=True, now=NOW + timedelta(hours=1))
    assert queued == 0 and report.sent == []
    out = CliRunner().invoke(cli, ["alerts", "resend", "--config", str(tmp_path / "canh-bao.toml")])
    assert out.exit_code == 2 and "--failed" in out.output and "--since" in out.output
    queued, report = resend(cfg, failed_only=False, since=TODAY, now=NOW + timedelta(hours=2))
    assert queued == len(first) == len(report.sent)
    assert {r.message["Message-ID"]: r.content for r in refusing.received} == first  # byte for byte
    queued, _ = resend(cfg, failed_only=False, since=TODAY + timedelta(days=400), now=NOW + timedelta(hours=3))
    assert queued == 0


def test_status_shows_local_time(sample_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    _time.tzset()
    try:
        assert local_time("2026-12-01T11:41:09") == "01/12/2026 18:41"
        folder = tmp_path / "thu"
        cfg = tmp_path / "canh-bao.toml"
        cfg.write_text(f'ledgers = ["{sample_ledger.as_posix()}"]\noutbox_dir = "thu"\n', encoding="utf-8")
        moment = datetime(2026, 3, 16, 1, 5, tzinfo=timezone.utc)
        result = run_once([sample_ledger], TODAY, config=load_config(cfg), now=moment)
        text = "\n".join(result.lines())
        assert f"Đã ghi {len(result.sent)} tệp thư (.eml) vào thư mục {folder}" in text and "Đã gửi" not in text
        out = CliRunner().invoke(cli, ["alerts", "status", "--config", str(cfg)])
        assert "lần gửi gần nhất 16/03/2026 08:05 (giờ máy này)" in out.output and "UTC" not in out.output
    finally:
        monkeypatch.delenv("TZ")
        _time.tzset()


def _race(db: str, barrier, queue) -> None:  # noqa: ANN001
    barrier.wait()
    try:
        with Outbox(db) as ob:  # what every `alerts run-once` does first, then one write transaction
            ob.enqueue([], [], NOW, lambda alerts: None)
        queue.put("ok")
    except Exception as exc:  # noqa: BLE001 - the test reports it
        queue.put(f"{type(exc).__name__}: {exc}")


def test_concurrent_runs_on_a_fresh_outbox_wait_instead_of_failing(tmp_path: Path):
    """Before the fix, 4 in 240 processes opening a fresh outbox at once failed with
    "database is locked" (the switch to WAL does not wait for the busy timeout)."""
    ctx = multiprocessing.get_context("fork")
    outcomes = []
    for i in range(40):
        db = tmp_path / f"o{i}.sqlite3"
        barrier, queue = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_race, args=(str(db), barrier, queue)) for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        outcomes += [queue.get(timeout=5) for _ in procs]
    assert [o for o in outcomes if o != "ok"] == []
    with Outbox(tmp_path / "o0.sqlite3") as ob:
        assert ob.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ob.db.execute("PRAGMA busy_timeout").fetchone()[0] == 60000
