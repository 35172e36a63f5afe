"""The alert run says which due dates moved (old -> new, row, reason) and still sends the alert for the
new date exactly once, against a real SMTP server on 127.0.0.1 (aiosmtpd).

Due dates are counted by hand (BLTTHS Đ.147 k1: 20 days, the receipt day is day 1, an end on a day off
moves to the next working day, Đ.134 k1):
  receipt 02/03/2026: 02/03 + 19 = 21/03 (Sat) -> Mon 23/03/2026
  receipt 12/03/2026: 12/03 + 19 = 31/03/2026 (Tue)
and the request for an extension is due 5 days before (Đ.147 k2): 18/03, resp. 26/03/2026, a step of its
own that moves with it. The reminder is the ledger's default «Số ngày cảnh báo trước» (10 days).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from openpyxl import load_workbook

from mailer.outbox import Outbox
from mailer.service import run_once
from tests.test_mailer_smtp import SENDER, Server, server, transport  # noqa: F401  (server: the fixture)
from workbook_templates.builder import build_workbook

D = date.fromisoformat
KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))
STAFF = [{"name": "Nguyễn Văn An", "title": "Kiểm sát viên", "email": "an@vks.example", "receives_alerts": True}]


def _ledger(path: Path, **tip: object) -> Path:
    row = {"receipt_no": "TB1", "prosecutor": "Nguyễn Văn An", **{k: D(v) if isinstance(v, str) and v[:2] == "20"
                                                                 else v for k, v in tip.items()}}
    build_workbook({"tin_bao": [row], "can_bo": STAFF}).save(path)
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    """The CLI with its outbox and log in `tmp_path`, not in the user's configuration folder."""
    return {**os.environ, "KIEMSAT_ALERTS_CONFIG": str(tmp_path / "cau-hinh" / "canh-bao.toml")}


def _cells(ledger: Path):
    """The workbook, its Tin báo sheet, TB1's Excel row and the «Ngày tiếp nhận» column, as a clerk sees them."""
    wb = load_workbook(ledger)
    ws = wb["Tin báo"]
    header = next(r for r in ws.iter_rows(max_row=6) if any(c.value == "Ngày tiếp nhận" for c in r))
    col = next(c.column for c in header if c.value == "Ngày tiếp nhận")
    row = next(c.row for c in ws[header[0].column_letter] if c.value == "TB1")
    return wb, ws, row, col


def _run(ledger: Path, db: Path, day: str, port: int, hour: int = 1):
    return run_once([ledger], D(day), db_path=db, transport=transport(port), sender=SENDER,
                    now=datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc))


def _text(received) -> str:  # noqa: ANN001 - tests.test_mailer_smtp.Received
    return received.message.get_body(("plain",)).get_content()


def _dues(server: Server) -> list[str]:
    """The due dates the mails received so far announce, in order."""
    out = []
    for r in server.received:
        text = r.message.get_body(("plain",)).get_content()
        out += [line.split("Hết hạn: ", 1)[1][:10] for line in text.splitlines() if line.startswith("   Hết hạn: ")]
    return out


def test_a_corrected_receipt_date_is_reported_and_the_new_date_alerted_once(server: Server, tmp_path: Path):
    ledger, db = _ledger(tmp_path / "so.xlsx", receipt_date="2026-03-02"), tmp_path / "o.sqlite3"
    first = _run(ledger, db, "2026-03-13", server.port)  # 10 days before 23/03: the reminder goes
    assert len(first.sent) == 1 and first.moved == [] and _dues(server) == ["18/03/2026", "23/03/2026"]

    # the clerk corrects the receipt date to 12/03: the step is due 31/03, 17 days away on 14/03
    _ledger(ledger, receipt_date="2026-03-12")
    second = _run(ledger, db, "2026-03-14", server.port)
    request, limit = second.moved
    row = _cells(ledger)[2]
    assert (limit.sheet, limit.row, limit.old, limit.new) == ("Tin báo", row, D("2026-03-23"), D("2026-03-31"))
    assert "02/03/2026 thành 12/03/2026" in limit.reason and "Điều 147" in limit.reason
    assert (request.row, request.old, request.new) == (row, D("2026-03-18"), D("2026-03-26"))
    lines = "\n".join(second.lines())
    assert "Hạn đã thay đổi" in lines and "23/03/2026 → 31/03/2026" in lines and f"dòng {row}" in lines
    assert second.sent == [] and len(server.received) == 1  # nothing due yet under the new dates

    assert _run(ledger, db, "2026-03-14", server.port, hour=5).moved == []  # reported once

    # 21/03 is 10 days before 31/03: the alerts for the new dates go, once, although some went for 23/03
    assert len(_run(ledger, db, "2026-03-21", server.port).sent) == 1
    assert _run(ledger, db, "2026-03-21", server.port, hour=6).sent == []
    assert _dues(server) == ["18/03/2026", "23/03/2026", "26/03/2026", "31/03/2026"]
    # the new mail says each step's earlier due date; the first one had nothing to say
    assert "hạn trước đây" not in _text(server.received[0])
    before = [line for line in _text(server.received[1]).splitlines() if "hạn trước đây" in line]
    assert len(before) == 2 and "18/03/2026" in before[0] + before[1] and "23/03/2026" in before[0] + before[1]


def test_a_date_moved_into_an_already_sent_reminder_is_still_sent_once(server: Server, tmp_path: Path):
    # due 31/03: the 10-day reminder went on 21/03; then the receipt is corrected to 02/03, due 23/03:
    # the same reminder day (10), a new due date: a new alert, not swallowed by the one already sent
    ledger, db = _ledger(tmp_path / "so.xlsx", receipt_date="2026-03-12"), tmp_path / "o.sqlite3"
    assert len(_run(ledger, db, "2026-03-21", server.port).sent) == 1  # 31/03 and its request step (26/03)
    _ledger(ledger, receipt_date="2026-03-02")
    again = _run(ledger, db, "2026-03-21", server.port, hour=3)
    # the request step (now 18/03) has lapsed: only the limit itself is still running, and moved
    assert [(m.old, m.new) for m in again.moved] == [(D("2026-03-31"), D("2026-03-23"))]
    assert len(again.sent) == 1
    assert _run(ledger, db, "2026-03-21", server.port, hour=4).sent == []
    assert _run(ledger, db, "2026-03-22", server.port).sent == []
    assert _dues(server) == ["26/03/2026", "31/03/2026", "23/03/2026"]
    with Outbox(db) as outbox:  # one alert row sent per step and due date, none pending or twice
        assert outbox.status().alerts == {"sent": 3}


def test_an_extension_is_reported_as_the_reason(server: Server, tmp_path: Path):
    ledger, db = _ledger(tmp_path / "so.xlsx", receipt_date="2026-03-02"), tmp_path / "o.sqlite3"
    _run(ledger, db, "2026-03-13", server.port)
    # Đ.147 k2: the procuracy extends the check to 30/04 (within 4 months of 02/03, i.e. 02/07)
    _ledger(ledger, receipt_date="2026-03-02", extension_date="2026-03-18", extended_to="2026-04-30")
    (moved,) = _run(ledger, db, "2026-03-19", server.port).moved
    assert (moved.old, moved.new) == (D("2026-03-23"), D("2026-04-30"))
    assert "gia hạn đến 30/04/2026" in moved.reason and "trước:" in moved.reason


def test_dry_run_shows_the_move_without_recording_it(server: Server, tmp_path: Path):
    ledger, db = _ledger(tmp_path / "so.xlsx", receipt_date="2026-03-02"), tmp_path / "o.sqlite3"
    _run(ledger, db, "2026-03-13", server.port)
    _ledger(ledger, receipt_date="2026-03-12")
    dry = run_once([ledger], D("2026-03-14"), db_path=db, dry_run=True, sender=SENDER)
    assert (D("2026-03-23"), D("2026-03-31")) in [(m.old, m.new) for m in dry.moved]
    assert len(_run(ledger, db, "2026-03-14", server.port).moved) == 2  # the real run still reports them


def test_cli_run_once_prints_what_moved(tmp_path: Path):
    ledger, outbox = _ledger(tmp_path / "so.xlsx", receipt_date="2026-03-02"), tmp_path / "thu"

    def cli(day: str) -> subprocess.CompletedProcess:
        return subprocess.run([KIEMSAT, "alerts", "run-once", str(ledger), "--today", day, "--outbox", str(outbox)],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                              cwd=tmp_path, env=_env(tmp_path))

    assert cli("2026-03-13").returncode == 0
    wb, ws, row, col = _cells(ledger)  # the clerk corrects the receipt date in Excel
    ws.cell(row, col).value = D("2026-03-12")
    wb.save(ledger)
    out = cli("2026-03-14")
    assert out.returncode == 0, out.stderr
    assert "Hạn đã thay đổi" in out.stdout and "23/03/2026 → 31/03/2026" in out.stdout


def test_the_schedulers_daily_job_logs_what_moved(server: Server, tmp_path: Path, caplog):
    # the job the scheduler fires (`daily_job`) runs on the real today: dates relative to it. A receipt
    # 10 days ago is due in about 9 days (20 days, day 1 = receipt; later if the end is a day off)
    from datetime import timedelta

    from mailer.config import AlertConfig
    from mailer.service import daily_job
    from tests.test_mailer_smtp import smtp_cfg

    today = date.today()
    ledger = _ledger(tmp_path / "so.xlsx", receipt_date=(today - timedelta(days=10)).isoformat())
    config = AlertConfig(None, tmp_path, ledgers=[ledger], transport="smtp", smtp=smtp_cfg(server.port),
                         sender="canhbao@vks.example")
    caplog.set_level("INFO", logger="kiemsat.alerts")
    first = daily_job(config)
    assert first is not None and len(first.sent) == 1
    old_due = max(_dues(server), key=lambda s: (s[6:], s[3:5], s[:2]))  # the limit, after its request step
    _ledger(ledger, receipt_date=(today - timedelta(days=3)).isoformat())  # corrected: a week later
    second = daily_job(config)
    assert second is not None and second.moved
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Hạn đã thay đổi" in logged and f"{old_due} → " in logged


def test_cli_json_lists_what_moved(tmp_path: Path):
    import json

    ledger, outbox = _ledger(tmp_path / "so.xlsx", receipt_date="2026-03-02"), tmp_path / "thu"
    args = [KIEMSAT, "alerts", "run-once", str(ledger), "--outbox", str(outbox), "--json", "--today"]
    env = _env(tmp_path)
    assert subprocess.run([*args, "2026-03-13"], capture_output=True, timeout=120, cwd=tmp_path,
                          env=env).returncode == 0
    _ledger(ledger, receipt_date="2026-03-12")
    out = subprocess.run([*args, "2026-03-14"], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    moved = json.loads(out.stdout)["moved"]
    assert {(m["old"], m["new"]) for m in moved} == {("2026-03-23", "2026-03-31"), ("2026-03-18", "2026-03-26")}


def test_an_outbox_from_before_the_steps_table_still_reports_a_move(server: Server, tmp_path: Path):
    import sqlite3

    ledger, db = _ledger(tmp_path / "so.xlsx", receipt_date="2026-03-02"), tmp_path / "o.sqlite3"
    _run(ledger, db, "2026-03-13", server.port)
    with sqlite3.connect(db) as con:  # what an outbox of the previous version holds: alerts, no steps
        con.execute("DROP TABLE steps")
        con.execute("DELETE FROM meta WHERE key = 'steps_seeded'")
    _ledger(ledger, receipt_date="2026-03-12")
    moved = _run(ledger, db, "2026-03-14", server.port).moved
    assert {(m.old, m.new) for m in moved} == {(D("2026-03-23"), D("2026-03-31")), (D("2026-03-18"), D("2026-03-26"))}
    assert all("trước: chưa có căn cứ" in m.reason for m in moved)  # the old basis was never recorded
