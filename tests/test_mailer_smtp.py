"""Against a real SMTP server (aiosmtpd on 127.0.0.1, on a free port) and real OS processes:
delivery, an outage, a process killed mid-send, and two processes over one outbox."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from macros_py.ledger.reader import read_ledger
from mailer.config import ConfigError, SmtpConfig, load_config
from mailer.messages import Sender, compose_digest
from mailer.outbox import Outbox
from mailer.planning import Alert, plan_ledger
from mailer.service import run_once, setup_logging, status
from mailer.transports import SmtpTransport
from tests.conftest import TODAY
from workbook_templates.builder import create_ledger

HOST = "127.0.0.1"
NOW = datetime(2026, 3, 16, 0, 30, tzinfo=timezone.utc)
PASSWORD = "Mat-khau-thu-123"
SENDER = Sender("canhbao@vks.example", "VKS khu vực 1 - Hải Phòng")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        msg = message_from_bytes(self.content, policy=default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    kill_pid: int | None = None  # SIGKILL this process ...
    kill_at: str = ""  # ... at "rcpt" (before the message) or "data" (after the server has it)
    pid_ready: threading.Event = field(default_factory=threading.Event)
    overlap: int = 0  # hold the first message until this many connections are sending at once
    senders: set = field(default_factory=set)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: ANN001
        self.senders.add(session.peer)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def _maybe_kill(self, stage: str) -> None:
        if self.kill_at != stage:
            return
        await asyncio.get_running_loop().run_in_executor(None, self.pid_ready.wait, 30)
        assert self.kill_pid is not None
        os.kill(self.kill_pid, signal.SIGKILL)
        self.kill_at = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        await self._maybe_kill("rcpt")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        if self.overlap:
            for _ in range(600):  # at most 60 s: then the test fails on its own assertions
                if len(self.senders) >= self.overlap:
                    break
                await asyncio.sleep(0.1)
            self.overlap = 0
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        await self._maybe_kill("data")  # the server has the message; the sender dies before the reply
        return "250 Message accepted for delivery"


class Server:
    """aiosmtpd on a fixed loopback port that can be stopped and started again."""

    def __init__(self, auth: bool = False):
        self.port = free_port()
        self.handler = Handler()
        self.auth = auth
        self.controller: Controller | None = None
        self.logins: list[tuple[bytes, bytes]] = []

    def _authenticate(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == PASSWORD.encode(), handled=False)

    def start(self) -> None:
        kwargs = {"authenticator": self._authenticate, "auth_require_tls": False} if self.auth else {}
        self.controller = Controller(self.handler, hostname=HOST, port=self.port, **kwargs)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received


@pytest.fixture
def server():
    s = Server()
    s.start()
    yield s
    s.stop()


def smtp_cfg(port: int, **kw) -> SmtpConfig:
    return SmtpConfig(host=HOST, port=port, security="none", timeout=10, **kw)


def transport(port: int) -> SmtpTransport:
    return SmtpTransport(smtp_cfg(port), "canhbao@vks.example")


def alert_lines(received: list[Received]) -> Counter:
    """(recipient, numbered line of the digest without its number) -> how many times it arrived."""
    seen: Counter = Counter()
    for r in received:
        text = r.message.get_body(("plain",)).get_content()
        # a numbered card: «3. QUÁ HẠN 2 NGÀY — title» and its indented lines (case, due date, action, row)
        for head, rest in re.findall(r"^(\d+)\. ([^\n]*\n(?:   [^\n]*\n)*)", text, re.M):
            seen[(r.rcpt_tos[0], rest)] += 1
    return seen


def expected_count(ledger: Path, day=TODAY) -> int:
    """Outbox rows: alerts and leaders' daily summaries."""
    return len(plan_ledger(read_ledger(ledger), day).alerts)


def expected_lines(ledger: Path, day=TODAY) -> int:
    """Numbered lines in the digests: one per alert (a leader's summary lists the unit unnumbered)."""
    return sum(isinstance(a, Alert) for a in plan_ledger(read_ledger(ledger), day).alerts)


# ---------------------------------------------------------------- delivery


def test_digests_arrive_with_vietnamese_headers_bodies_and_attachments(server: Server, sample_ledger: Path,
                                                                         tmp_path: Path):
    result = run_once([sample_ledger], TODAY, db_path=tmp_path / "o.sqlite3", transport=transport(server.port),
                      now=NOW, sender=SENDER)
    ledger = read_ledger(sample_ledger)
    plan = plan_ledger(ledger, TODAY)
    recipients = {a.recipient.address for a in plan.alerts}
    assert len(server.received) == len(result.sent) == len(recipients) > 1  # one digest per recipient
    assert sorted(r.rcpt_tos[0] for r in server.received) == sorted(recipients)
    assert sum(alert_lines(server.received).values()) == expected_lines(sample_ledger)
    names = {r["email"]: r["name"] for r in ledger.records("can_bo")}
    for r in server.received:
        msg = r.message
        assert r.mail_from == "canhbao@vks.example" and len(r.rcpt_tos) == 1
        assert msg["Subject"].split(":")[0] in ("QUÁ HẠN", "CƠ QUAN KHÁC CHẬM", "HẾT HẠN HÔM NAY",
                                                  "Tổng hợp thời hạn ngày 16/03/2026") or \
            msg["Subject"].split(":")[0].startswith("CÒN ")
        assert msg["To"].addresses[0].display_name == names[r.rcpt_tos[0]]  # e.g. "Đinh Minh Bình", decoded
        assert msg["Message-ID"].startswith("<kiemsat.")
        assert f"Kính gửi đồng chí {names[r.rcpt_tos[0]]}," in msg.get_body(("plain",)).get_content()
        assert 'name="viewport"' in msg.get_body(("html",)).get_content()
        ics = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert len(ics) <= 1 and all(p.get_content_disposition() == "attachment" for p in ics)
        assert all("BEGIN:VEVENT" in p.get_content() for p in ics)
    assert any(p.get_content_type() == "text/calendar" for r in server.received for p in r.message.iter_attachments())
    # a second run sends nothing
    again = run_once([sample_ledger], TODAY, db_path=tmp_path / "o.sqlite3", transport=transport(server.port),
                     now=NOW + timedelta(hours=1), sender=SENDER)
    assert again.sent == [] and again.new == 0 and len(server.received) == len(recipients)


def test_login_with_the_password_from_the_environment_never_logged(sample_ledger: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch):
    srv = Server(auth=True)
    srv.start()
    try:
        log_file = tmp_path / "canh-bao.log"
        setup_logging(log_file, logging.DEBUG)
        cfg = smtp_cfg(srv.port, user="canhbao@vks.example", password_env="KIEMSAT_TEST_SMTP_PASSWORD")
        monkeypatch.delenv("KIEMSAT_TEST_SMTP_PASSWORD", raising=False)
        monkeypatch.setattr("keyring.get_password", lambda service, user: None)
        with pytest.raises(ConfigError, match="KIEMSAT_TEST_SMTP_PASSWORD"):
            SmtpTransport(cfg, "canhbao@vks.example")
        monkeypatch.setenv("KIEMSAT_TEST_SMTP_PASSWORD", "mật-khẩu-có-dấu")
        accented = run_once([sample_ledger], TODAY, db_path=tmp_path / "o.sqlite3",
                            transport=SmtpTransport(cfg, "canhbao@vks.example"), now=NOW, sender=SENDER)
        assert "ngoài ASCII" in accented.report.stopped and srv.received == []
        monkeypatch.setenv("KIEMSAT_TEST_SMTP_PASSWORD", "sai-mat-khau")
        wrong = run_once([sample_ledger], TODAY, db_path=tmp_path / "o.sqlite3",
                         transport=SmtpTransport(cfg, "canhbao@vks.example"), now=NOW, sender=SENDER)
        assert wrong.sent == [] and "từ chối đăng nhập" in wrong.report.stopped and srv.received == []
        monkeypatch.setenv("KIEMSAT_TEST_SMTP_PASSWORD", PASSWORD)
        right = run_once([sample_ledger], TODAY, db_path=tmp_path / "o.sqlite3",
                         transport=SmtpTransport(cfg, "canhbao@vks.example"), now=NOW + timedelta(days=1),
                         sender=SENDER)
        assert right.sent and len(srv.received) == len(right.sent)
        assert srv.logins[-1] == (b"canhbao@vks.example", PASSWORD.encode())
        text = log_file.read_text(encoding="utf-8")
        assert "Đã gửi" in text and PASSWORD not in text and "sai-mat-khau" not in text and "có-dấu" not in text
    finally:
        srv.stop()
        for name in ("kiemsat", "apscheduler"):
            for h in list(logging.getLogger(name).handlers):
                if getattr(h, "baseFilename", "").startswith(str(tmp_path)):
                    logging.getLogger(name).removeHandler(h)
                    h.close()


# ---------------------------------------------------------------- outage


def test_server_down_for_two_runs_every_alert_arrives_once_on_the_third(sample_ledger: Path, tmp_path: Path):
    srv = Server()  # not started: connections are refused
    db = tmp_path / "o.sqlite3"
    days = [TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2)]
    planned: set[str] = set()
    for i, day in enumerate(days):
        now = NOW + timedelta(days=i)
        if i == 2:
            srv.start()
        try:
            result = run_once([sample_ledger], day, db_path=db, transport=transport(srv.port), now=now,
                              sender=SENDER)
        finally:
            if i == 2:
                srv.stop()
        planned |= {a.key for a in plan_ledger(read_ledger(sample_ledger), day, start=TODAY).alerts}
        if i < 2:
            assert result.sent == [] and result.report.stopped.startswith("không kết nối được máy chủ thư")
            # in Vietnamese, not the name of Python's exception
            assert "máy chủ từ chối kết nối" in result.report.stopped and "Error" not in result.report.stopped
            assert len(result.failed) == 1  # the run stops at the first refused connection
    with Outbox(db) as ob:
        st = ob.status()
        sent = set(ob.sent_keys())
    # every alert planned on any of the three days went out, exactly once, in one digest per person
    assert st.messages == {"sent": len(srv.received)} and st.waiting == [] and st.failed == []
    rcpts = [r.rcpt_tos[0] for r in srv.received]
    assert len(rcpts) == len(set(rcpts))
    lines = alert_lines(srv.received)
    assert set(lines.values()) == {1}
    cancelled = st.alerts.get("cancelled", 0)
    summaries = {k for k in sent if k.startswith("tong-hop")}  # the leader's digest of the third day
    assert len(summaries) == 1 and len(sent) == sum(lines.values()) + 1 and sent <= planned
    assert len(planned) == len(sent) + cancelled  # the rest moved to a later reminder day or ended
    # the digest states the days left as of the day it was sent
    sent_on = days[2]
    for r in srv.received:
        text = r.message.get_body(("plain",)).get_content()
        assert "Tình hình thời hạn tố tụng ngày 18/03/2026." in text
        found = re.findall(r"CÒN (\d+) NGÀY — [^\n]*\n(?:   [^\n]*\n)*?   Hết hạn: (\d\d/\d\d/\d{4})", text)
        assert found or "SẮP ĐẾN HẠN" not in text
        for n, due in found:
            assert (datetime.strptime(due, "%d/%m/%Y").date() - sent_on).days == int(n)


def test_failures_are_retried_with_backoff_and_reported_after_max_tries(sample_ledger: Path, tmp_path: Path):
    port = free_port()  # nothing listens
    plan = plan_ledger(read_ledger(sample_ledger), TODAY)
    first = plan.alerts[0].recipient.address
    mine = [a for a in plan.alerts if a.recipient.address == first]
    ledgers = {a.ledger for a in plan.alerts}

    def compose(alerts):  # noqa: ANN001, ANN202
        return compose_digest(alerts, TODAY, SENDER, NOW)

    with Outbox(tmp_path / "o.sqlite3", max_tries=3, backoff=timedelta(minutes=5)) as ob:
        ob.enqueue(mine, ledgers, NOW, compose)
        moments = [NOW, NOW + timedelta(minutes=1), NOW + timedelta(minutes=6), NOW + timedelta(minutes=15),
                   NOW + timedelta(minutes=17)]
        tried = [len(ob.send_due(transport(port), SENDER.address, m).failed) for m in moments]
        assert tried == [1, 0, 1, 0, 1]  # after 5 minutes, then after 10 more
        st = ob.status()
        assert st.waiting == [] and len(st.failed) == 1 and "không kết nối được" in st.failed[0].error
        # the next planning run regroups it (never reached a server) and keeps its record of tries
        ob.enqueue(mine, ledgers, NOW + timedelta(days=1), compose)
        assert len(ob.status().failed) == 1
        # still retried (at the longest interval), and delivered once the server is back
        srv = Server()
        srv.port = port
        srv.start()
        try:
            later = ob.send_due(transport(port), SENDER.address, NOW + timedelta(days=1))
        finally:
            srv.stop()
        assert len(later.sent) == 1 and len(srv.received) == 1 and ob.status().failed == []


# ---------------------------------------------------------------- real processes


def write_config(tmp_path: Path, port: int, ledger: Path) -> Path:
    cfg = tmp_path / "canh-bao.toml"
    cfg.write_text(f'ledgers = ["{ledger.as_posix()}"]\ntransport = "smtp"\ndatabase = "o.sqlite3"\n'
                   f'log_file = "canh-bao.log"\nsender = "canhbao@vks.example"\n\n'
                   f'[smtp]\nhost = "{HOST}"\nport = {port}\nsecurity = "none"\ntimeout = 20\n', encoding="utf-8")
    return cfg


def run_once_process(cfg: Path, today=TODAY) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "addin.commands.cli", "alerts", "run-once", "--config", str(cfg),
                             "--today", today.isoformat()], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_process_killed_mid_send(stage: str, server: Server, sample_ledger: Path, tmp_path: Path):
    """Killed before the server has the message: it is sent once. Killed after the server has it
    but before the outbox records it: it is sent again on the next run, as the same message with
    the same Message-ID, and never a third time. That is the guarantee, stated in outbox.py."""
    cfg = write_config(tmp_path, server.port, sample_ledger)
    server.handler.kill_at = stage
    proc = run_once_process(cfg)
    server.handler.kill_pid = proc.pid
    server.handler.pid_ready.set()
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    first = list(server.received)
    assert len(first) == (1 if stage == "data" else 0)
    with Outbox(tmp_path / "o.sqlite3") as ob:
        assert ob.status().messages.get("sending") == 1  # claimed, outcome unknown
    # the next run, after the lease has run out (run_once is the same code the CLI runs)
    config = load_config(cfg)
    for hours in (1, 2):
        run_once(config.ledgers, TODAY, config=config, now=datetime.now(timezone.utc) + timedelta(hours=hours))
    ids = Counter(r.message["Message-ID"] for r in server.received)
    lines = alert_lines(server.received)
    assert sum(1 for r in server.received) == len(ids) + (1 if stage == "data" else 0)
    if stage == "data":
        dup = first[0].message["Message-ID"]
        assert ids[dup] == 2 and all(n == 1 for i, n in ids.items() if i != dup)
        copies = [r.content for r in server.received if r.message["Message-ID"] == dup]
        assert copies[0] == copies[1]  # byte for byte: mail clients fold it
        assert {k: v for k, v in lines.items() if v != 1} == {
            k: 2 for k in alert_lines(first)}
    else:
        assert set(ids.values()) == {1} and set(lines.values()) == {1}
    assert sum(1 for v in lines.values()) == expected_lines(sample_ledger)
    st = status(tmp_path / "o.sqlite3")
    assert st.waiting == [] and st.failed == [] and st.alerts == {"sent": expected_count(sample_ledger)}


def test_two_processes_over_one_outbox_send_each_alert_once(server: Server, tmp_path: Path):
    ledger = tmp_path / "so_lon.xlsx"
    create_ledger(ledger, sample=400, seed=11, today=TODAY)
    cfg = write_config(tmp_path, server.port, ledger)
    server.handler.overlap = 2  # the first message is held until a second process is sending too
    procs = [run_once_process(cfg) for _ in range(3)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1].decode() for o in outs]
    total = expected_count(ledger)
    ids = Counter(r.message["Message-ID"] for r in server.received)
    lines = alert_lines(server.received)
    assert set(ids.values()) == {1} and set(lines.values()) == {1} and sum(lines.values()) == expected_lines(ledger)
    said = [o[0].decode() for o in outs]
    assert sum("Đã gửi " in s for s in said) >= 2  # the processes really raced for the same outbox
    assert sum("cảnh báo mới" in s.splitlines()[0] for s in said) == 3
    st = status(tmp_path / "o.sqlite3")
    assert st.alerts == {"sent": total} and st.messages == {"sent": len(server.received)}
