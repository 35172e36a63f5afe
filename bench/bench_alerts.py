"""Benchmark: deadline alerts for a province, 26 ledgers of 5,000 rows, sent to a local SMTP server.

    .venv/bin/python bench/bench_alerts.py                 # 26 ledgers x 5,000 rows
    .venv/bin/python bench/bench_alerts.py --ledgers 4 --rows 2000

Each ledger holds sample rows (`macros_py.sample`, the deadline benchmark's mix over the four
deadline sheets) with its own staff addresses (one unit each), written once into bench/out/
(git-ignored). Steps, each timed once:

1. read: `read_ledger` + `compute_deadlines` for every ledger (the deadline engine's cost);
2. plan: `plan_alerts` from those reports (the pure planning step of issue 5);
3. record: `Outbox.enqueue` into a fresh SQLite outbox, composing one digest per recipient
   (HTML, text, one .ics per deadline);
4. send: `Outbox.send_due` to aiosmtpd on 127.0.0.1 over one SMTP connection, each message
   claimed and marked sent in the outbox (synchronous=FULL).

Printed: seconds per step and alerts per second for planning and for sending. Exits 0.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import socket
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench_deadlines import TODAY, _rows  # noqa: E402  (the deadline benchmark's row mix)
from bench_reader import _sources_hash, _write_ledger  # noqa: E402

from macros_py.law.deadlines import compute_deadlines  # noqa: E402
from macros_py.ledger.reader import read_ledger  # noqa: E402
from mailer.config import SmtpConfig  # noqa: E402
from mailer.messages import Sender, compose_digest  # noqa: E402
from mailer.outbox import Outbox  # noqa: E402
from mailer.planning import Plan, ledger_id, plan_alerts, reminder_days  # noqa: E402
from mailer.transports import SmtpTransport  # noqa: E402

OUT = ROOT / "bench" / "out"


def ledgers(count: int, rows: int) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    base = _rows(rows)
    paths = []
    t0 = time.perf_counter()
    for i in range(1, count + 1):
        path = OUT / f"alerts_unit{i:02d}_{rows}rows_{_sources_hash()}.xlsx"
        if not path.exists():
            unit = dict(base)
            unit["can_bo"] = [{**s, "email": f"u{i:02d}.{s['email']}"} for s in base["can_bo"]]
            _write_ledger(path, unit)
        paths.append(path)
    print(f"{count} ledgers of {rows} rows in bench/out/ ({time.perf_counter() - t0:.1f} s to prepare)")
    return paths


class Counting:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        self.messages += 1
        return "250 OK"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ledgers", type=int, default=26)
    ap.add_argument("--rows", type=int, default=5000)
    args = ap.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {platform.system()}")
    paths = ledgers(args.ledgers, args.rows)
    day = TODAY

    t0 = time.perf_counter()
    reports = []
    for path in paths:
        ledger = read_ledger(path)
        reports.append((ledger, compute_deadlines(ledger, day)))
    t_read = time.perf_counter() - t0
    deadlines = sum(len(r.deadlines) for _, r in reports)

    t0 = time.perf_counter()
    plan = Plan(day)
    for ledger, report in reports:
        days, _ = reminder_days(ledger.settings)
        plan.extend(plan_alerts(report, ledger.records("can_bo"), ledger=ledger_id(ledger.path),
                                ledger_name=ledger.path.name, days=days))
    t_plan = time.perf_counter() - t0
    n = len(plan.alerts)

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    tmp = Path(tempfile.mkdtemp(prefix="kiemsat-bench-"))
    try:
        sender = Sender("canhbao@vks.example")
        now = datetime.now(timezone.utc)
        with Outbox(tmp / "o.sqlite3") as ob:
            t0 = time.perf_counter()
            _, built = ob.enqueue(plan.alerts, [ledger_id(p) for p in paths], now,
                                  lambda alerts: compose_digest(alerts, day, sender, now))
            t_record = time.perf_counter() - t0
            transport = SmtpTransport(SmtpConfig(host="127.0.0.1", port=port, security="none"), sender.address)
            t0 = time.perf_counter()
            report = ob.send_due(transport, sender.address, now)
            t_send = time.perf_counter() - t0
    finally:
        controller.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    size = sum(len(c.raw) for c in built) / max(1, len(built)) / 1024
    assert len(report.sent) == len(built) == handler.messages, (len(report.sent), len(built), handler.messages)
    print(f"read + deadlines: {t_read:.2f} s for {args.ledgers * args.rows} rows ({deadlines} deadlines)")
    print(f"plan:   {t_plan:.3f} s, {n} alerts due on {day:%d/%m/%Y}: {n / t_plan:,.0f} alerts/s")
    print(f"record: {t_record:.2f} s, {len(built)} digests composed and recorded ({size:.0f} KB each on average)")
    print(f"send:   {t_send:.2f} s over one SMTP connection: {len(report.sent) / t_send:,.1f} messages/s, "
          f"{n / t_send:,.0f} alerts/s")
    print(f"record + send: {n / (t_record + t_send):,.0f} alerts/s")


if __name__ == "__main__":
    main()
