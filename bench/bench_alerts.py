"""Benchmark: deadline alerts for a province, 26 ledgers of 5,000 rows, into the .eml outbox.

    .venv/bin/python bench/bench_alerts.py                 # 26 ledgers x 5,000 rows
    .venv/bin/python bench/bench_alerts.py --ledgers 4 --rows 2000
    .venv/bin/python bench/bench_alerts.py --smtp          # also send them to aiosmtpd on 127.0.0.1

Each ledger holds sample rows (`macros_py.sample`, the deadline benchmark's mix over the four
deadline sheets) with its own unit name and staff addresses (one unit each), written once into
bench/out/ (git-ignored). «Bắt đầu cảnh báo từ» is set back to 2000 so every pending step is an
alert (the heaviest first run). Steps, each timed once:

1. read: `read_ledger` + `compute_deadlines` for every ledger (the deadline engine's cost, apart);
2. plan: `plan_alerts` from those reports;
3. compose + record: `Outbox.track_steps` (each alerted step's due date, as a run records it
   first) and `Outbox.enqueue` into a fresh SQLite outbox (one digest per recipient:
   text, HTML, one .ics) and `Outbox.send_due` through the .eml folder transport (each file
   fsynced and renamed, each message marked sent): the figure the issue asks for, in alerts/s,
   against the target of 5,000 alerts/s;
4. baseline, in the same run: writing the same bytes as files (fsync + rename, no outbox, no
   composing), the floor any .eml outbox pays; printed as a ratio.

Exits 0.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench_deadlines import TODAY, _rows  # noqa: E402  (the deadline benchmark's row mix)
from bench_reader import _sources_hash  # noqa: E402

from macros_py.law.deadlines import compute_deadlines  # noqa: E402
from macros_py.ledger.reader import read_ledger  # noqa: E402
from mailer.config import SmtpConfig  # noqa: E402
from mailer.messages import Sender, compose_digest  # noqa: E402
from mailer.outbox import Outbox  # noqa: E402
from mailer.planning import Plan, plan_alerts, reminder_days, source_for  # noqa: E402
from mailer.transports import EmlFolderTransport, SmtpTransport  # noqa: E402
from workbook_templates import builder  # noqa: E402

TARGET = 5000  # alerts/s composed and recorded (issue 16)

OUT = ROOT / "bench" / "out"


def unit_ledgers(prefix: str, count: int, rows: int,
                 unit: Callable[[int, dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]) -> list[Path]:
    """`count` ledgers of the deadline benchmark's row mix in bench/out/ (kept while the sources are unchanged);
    `unit(i, rows)` gives the i-th unit's rows and Cấu hình settings."""
    OUT.mkdir(parents=True, exist_ok=True)
    base = _rows(rows)
    paths = []
    t0 = time.perf_counter()
    for i in range(1, count + 1):
        path = OUT / f"{prefix}_unit{i:02d}_{rows}rows_{_sources_hash()}.xlsx"
        if not path.exists():
            data, settings = unit(i, base)
            tmp = path.with_name(path.name + ".tmp")
            builder.build_workbook(data, settings, write_only=True).save(tmp)
            os.replace(tmp, path)
        paths.append(path)
    print(f"{count} ledgers of {rows} rows in bench/out/ ({time.perf_counter() - t0:.1f} s to prepare)")
    return paths


def ledgers(count: int, rows: int) -> list[Path]:
    def unit(i: int, base: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        data = dict(base)
        data["can_bo"] = [{**s, "email": f"u{i:02d}.{s['email']}"} for s in base["can_bo"]]
        return data, {"unit_name": f"VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC {i}", "alert_start": date(2000, 1, 1)}
    return unit_ledgers("alerts", count, rows, unit)


class Counting:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        self.messages += 1
        return "250 OK"


def baseline(raws: list[tuple[str, bytes]], folder: Path) -> float:
    """Seconds to write these messages as files the way the .eml transport does (fsync + rename)."""
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    for i, (name, raw) in enumerate(raws):
        tmp = folder / f".{i}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / name)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ledgers", type=int, default=26)
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--smtp", action="store_true", help="also send the digests to aiosmtpd on 127.0.0.1")
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
    identities = []
    for ledger, report in reports:
        days, _ = reminder_days(ledger.settings)
        source, _ = source_for(ledger.settings, ledger.path, start=day)
        identities.append(source.identity)
        plan.extend(plan_alerts(report, ledger.records("can_bo"), ledger=source.identity, ledger_name=source.name,
                                days=days, source=source))
    t_plan = time.perf_counter() - t0
    n = len(plan.alerts)
    assert len(set(identities)) == len(paths), "two bench ledgers share an identity"

    tmp = Path(tempfile.mkdtemp(prefix="kiemsat-bench-"))
    try:
        sender = Sender("canhbao@vks.example")
        now = datetime.now(timezone.utc)
        with Outbox(tmp / "o.sqlite3") as ob:
            t0, c0 = time.perf_counter(), time.process_time()
            # as a run does first: record each alerted step's due date (to report later moves)
            assert ob.track_steps(plan.steps, plan.alerts, identities, now) == []
            t_steps = time.perf_counter() - t0
            _, built = ob.enqueue(plan.alerts, identities, now,
                                  lambda items: compose_digest(items, day, sender, now, sequences=ob.sequences))
            t_compose = time.perf_counter() - t0
            folder = EmlFolderTransport(tmp / "thu")
            t0 = time.perf_counter()
            report = ob.send_due(folder, sender.address, now)
            t_write = time.perf_counter() - t0
            cpu = time.process_time() - c0
        assert len(report.sent) == len(built) == len(list((tmp / "thu").glob("*.eml")))
        t_floor = baseline([(Path(d.location).name, Path(d.location).read_bytes()) for d in report.sent],
                           tmp / "baseline")
        size = sum(len(c.raw) for c in built) / max(1, len(built)) / 1024
        t_record = t_steps + t_compose + t_write
        rate = n / t_record
        print(f"read + deadlines: {t_read:.2f} s for {args.ledgers * args.rows} rows ({deadlines} deadlines), "
              "not counted below")
        print(f"plan:    {t_plan:.3f} s, {n} alerts due on {day:%d/%m/%Y}: {n / t_plan:,.0f} alerts/s")
        print(f"steps:   {t_steps:.2f} s, {len(plan.steps)} steps compared, alerted ones recorded (due dates that "
              f"move are reported by later runs): {t_steps / t_record:.0%} of the record time")
        print(f"compose: {t_compose:.2f} s, {len(built)} digests composed and recorded in the outbox "
              f"({size:.0f} KB each on average)")
        print(f"write:   {t_write:.2f} s, {len(report.sent)} .eml files written (fsync) and marked sent")
        print(f"baseline: {t_floor:.2f} s to write the same bytes as files, no outbox, no composing")
        print(f"cpu:     {cpu:.2f} s of this process's CPU time for compose + write ({n / cpu:,.0f} alerts/s of CPU; "
              f"the wall time above also waits for the disk and for other processes: load average "
              f"{os.getloadavg()[0]:.1f})")
        print(f"ALERTS COMPOSED AND RECORDED INTO THE .eml OUTBOX: {rate:,.0f} alerts/s "
              f"({rate / TARGET:.2f} x the target of {TARGET:,}/s; {t_record / t_floor:.1f} x the file-writing "
              "baseline's time)")
        if args.smtp:
            smtp_run(plan, identities, day, sender, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def smtp_run(plan: Plan, identities: list[str], day: date, sender: Sender, tmp: Path) -> None:
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        now = datetime.now(timezone.utc)
        with Outbox(tmp / "smtp.sqlite3") as ob:
            _, built = ob.enqueue(plan.alerts, identities, now,
                                  lambda items: compose_digest(items, day, sender, now, sequences=ob.sequences))
            transport = SmtpTransport(SmtpConfig(host="127.0.0.1", port=port, security="none"), sender.address)
            t0 = time.perf_counter()
            report = ob.send_due(transport, sender.address, now)
            t_send = time.perf_counter() - t0
    finally:
        controller.stop()
    assert len(report.sent) == len(built) == handler.messages
    print(f"send:    {t_send:.2f} s over one SMTP connection: {len(report.sent) / t_send:,.1f} messages/s, "
          f"{len(plan.alerts) / t_send:,.0f} alerts/s")


if __name__ == "__main__":
    main()
