"""Benchmark: every deadline of a 50,000-row ledger, end to end (read the file, compute).

    .venv/bin/python bench/bench_deadlines.py                # 50,000 rows, median of 3 runs
    .venv/bin/python bench/bench_deadlines.py --rows 10000 --runs 5
    .venv/bin/python bench/bench_deadlines.py --profile      # also cProfile the compute step

The ledger is our template layout, written in openpyxl write-only mode by `bench_reader._write_ledger`
(the reader benchmark's generator), with sample rows (`macros_py.sample`) spread over the four
sheets that have deadlines, as `sample_rows` spreads them: for n cases, n tin báo, n criminal
cases, about 1.3 n defendants and n civil cases; n is chosen so the four sheets hold `--rows`
rows together. The file is cached under bench/out/ (git-ignored).

Timed, median of `--runs` runs: `read_ledger(path)` then `compute_deadlines(ledger, today)`
(rules table, calendar, every row of the sheets the table's rules read). Printed: total, read,
compute, the share spent reading, the deadline counts, and the per-rule share: each rule's share of
the deadlines and each engine step's share of the compute time (one step per rule of the table that
starts a clock, with the rules replacing it for some rows). Target (issue 12): compute under 2 s
for 50,000 rows on this machine (reading the file is the reader's benchmark; end to end stays under
the 3 s of issue 3). Ratios are against the read time of the same run.
The script always exits 0; it prints the verdict.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench_reader import _sources_hash, _write_ledger  # noqa: E402  (the template, write-only)

from macros_py.law.deadlines import compute_deadlines  # noqa: E402
from macros_py.ledger.reader import read_ledger  # noqa: E402
from macros_py.sample import sample_rows  # noqa: E402

OUT = ROOT / "bench" / "out"
SEED = 1
TODAY = date(2025, 9, 1)  # the sample's reference day: fixed so the cached file never changes
DEADLINE_SHEETS = ("tin_bao", "an_hinh_su", "bi_can", "an_dan_su")
TARGET_SECONDS = 3.0  # end to end (issue 3)
COMPUTE_TARGET_SECONDS = 2.0  # compute (issue 12)


def _rows(total: int) -> dict[str, list[dict[str, Any]]]:
    """Sample rows for the four deadline sheets, `total` rows together, plus the staff."""
    n = max(1, round(total / 4.3))
    rows = sample_rows(n, seed=SEED, today=TODAY)
    while sum(len(rows[k]) for k in DEADLINE_SHEETS) < total:
        n += max(1, (total - sum(len(rows[k]) for k in DEADLINE_SHEETS)) // 4)
        rows = sample_rows(n, seed=SEED, today=TODAY)
    extra = sum(len(rows[k]) for k in DEADLINE_SHEETS) - total
    rows["an_dan_su"] = rows["an_dan_su"][:len(rows["an_dan_su"]) - extra]  # exactly `total` rows
    return {k: rows[k] for k in (*DEADLINE_SHEETS, "can_bo")}


def ledger_path(total: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"ledger_deadlines_{total}rows_seed{SEED}_{_sources_hash()}.xlsx"
    if path.exists():
        print(f"ledger: {path.relative_to(ROOT)} (cached, {path.stat().st_size / 1e6:.1f} MB)")
        return path
    t0 = time.perf_counter()
    _write_ledger(path, _rows(total))
    print(f"ledger: {path.relative_to(ROOT)} (generated in {time.perf_counter() - t0:.1f} s, "
          f"{path.stat().st_size / 1e6:.1f} MB)")
    return path


def run_once(path: Path) -> tuple[float, float, Any, Any]:
    gc.collect()
    t0 = time.perf_counter()
    ledger = read_ledger(path)
    t1 = time.perf_counter()
    report = compute_deadlines(ledger, TODAY)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, ledger, report


def profile_compute(ledger: Any, total: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    compute_deadlines(ledger, TODAY)
    profiler.disable()
    out = OUT / f"compute_deadlines_{total}rows.txt"
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats("tottime").print_stats(20)
    out.write_text(buf.getvalue(), encoding="utf-8")
    print(f"\nprofile of compute_deadlines (cProfile overhead included): {out.relative_to(ROOT)}")
    print("\n".join(buf.getvalue().splitlines()[:30]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows in the four deadline sheets together")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the median is reported")
    parser.add_argument("--profile", action="store_true", help="cProfile compute_deadlines")
    args = parser.parse_args(argv)
    if args.rows < 10 or args.runs < 1:
        parser.error("--rows must be at least 10 and --runs at least 1")

    from importlib.metadata import version
    print(f"Python {platform.python_version()}, python-calamine {version('python-calamine')}, "
          f"holidays {version('holidays')}, {os.cpu_count()} CPUs, {platform.machine()}")
    path = ledger_path(args.rows)

    reads, computes = [], []
    ledger = report = None
    for _ in range(args.runs):
        r, c, ledger, report = run_once(path)
        reads.append(r)
        computes.append(c)
    totals = [r + c for r, c in zip(reads, computes)]
    total, read, compute = statistics.median(totals), statistics.median(reads), statistics.median(computes)

    rows = {k: len(ledger.records(k)) for k in DEADLINE_SHEETS}
    statuses = Counter(d.status for d in report.deadlines)
    print(f"\nrows: {sum(rows.values()):,} ({', '.join(f'{k} {n:,}' for k, n in rows.items())}); "
          f"deadlines: {len(report.deadlines):,} ({', '.join(f'{s} {n:,}' for s, n in statuses.items())}); "
          f"problems: {len(report.problems):,}")
    print(f"{'':<10} {'median s':>9}   runs (s)")
    for name, median, times in (("total", total, totals), ("read", read, reads), ("compute", compute, computes)):
        print(f"{name:<10} {median:9.3f}   {' '.join(f'{t:.3f}' for t in times)}")
    print(f"reading: {read / total:.0%} of the total; compute: {compute / total:.0%} "
          f"({compute / max(1, sum(rows.values())) * 1e6:.1f} µs per row)")
    print(f"compute / read in the same run: {compute / read:.2f}")

    kinds = Counter(d.kind for d in report.deadlines)
    print(f"\nper rule: share of the {len(report.deadlines):,} deadlines")
    for kind, n in kinds.most_common():
        print(f"  {kind:<42} {n:>8,}  {n / len(report.deadlines):6.1%}")
    spent = sum(report.timings.values()) or 1.0
    print(f"per engine step: share of the compute time ({spent:.3f} s in steps, last run)")
    for step, seconds in sorted(report.timings.items(), key=lambda kv: -kv[1]):
        print(f"  {step:<42} {seconds:8.3f} s  {seconds / spent:6.1%}")

    target = TARGET_SECONDS * args.rows / 50_000
    compute_target = COMPUTE_TARGET_SECONDS * args.rows / 50_000
    ok = total < target and compute < compute_target
    scaled = '' if args.rows == 50_000 else ', scaled from 50,000'
    print(f"verdict: {'PASS' if ok else 'FAIL'}  compute {compute:.2f} s (target < {compute_target:.2f} s), "
          f"{total:.2f} s end to end (target < {target:.2f} s) for {args.rows:,} rows{scaled}")
    if args.profile:
        profile_compute(ledger, args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
