"""`deadlines --write` on a 50,000-row ledger against an openpyxl load + save of the same file.

Each measurement is a whole child process on a fresh copy of the deadline benchmark's ledger
(`bench_deadlines.ledger_path`), its peak memory read from the child's rusage:

* baseline: `openpyxl.load_workbook(path)` then `wb.save(path)` (what every kiemsat write did in 0.1);
* write: `write_deadlines(path, compute)` — under the lock, read the ledger, compute every deadline,
  patch the changed cells into the package (what `--write` does after listing);
* command: `kiemsat deadlines PATH --today ... --write --json` whole (it also reads and lists first).

Targets (issue 11): the write at least 10x faster than the baseline, peak memory under 300 MB.

    .venv/bin/python bench/bench_writer.py [--rows 50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench_deadlines import TODAY, ledger_path  # noqa: E402

OUT = ROOT / "bench" / "out"
KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))

BASELINE = ("import sys\nfrom openpyxl import load_workbook\n"
            "wb = load_workbook(sys.argv[1]); wb.save(sys.argv[1])\n")
WRITE = ("import sys, time\nfrom datetime import date\n"
         "from macros_py.law.deadlines import compute_deadlines\n"
         "from macros_py.law.writeback import write_deadlines\n"
         "import macros_py.workbook.package as P\n"
         "day = date.fromisoformat(sys.argv[2])\n"
         "phase = {}\n"
         "write_cells = P.write_cells\n"
         "def timed_write(*a, **k):\n    t = time.perf_counter(); r = write_cells(*a, **k); phase['write'] = time.perf_counter() - t; return r\n"
         "P.write_cells = timed_write\n"
         "def compute(led):\n    t = time.perf_counter(); r = compute_deadlines(led, day); phase['compute'] = time.perf_counter() - t; return r\n"
         "r = write_deadlines(sys.argv[1], compute)\n"
         "print(r.written, r.cleared, round(phase['compute'], 3), round(phase['write'], 3))\n")


def measure(cmd: list[str], source: Path, runs: int) -> tuple[float, float, str]:
    """Median wall time (s) and the largest peak RSS (MB) of `cmd` run on fresh copies of `source`."""
    times, peaks, out = [], [], ""
    for i in range(runs):
        work = OUT / f"writer_copy{source.suffix}"
        shutil.copy(source, work)
        for stale in (OUT / "kiemsat-sao-luu").glob("writer_copy*"):
            stale.unlink()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        done = subprocess.run([part.replace("{path}", str(work)) for part in cmd], capture_output=True, text=True,
                              cwd=ROOT, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{cmd[:3]} failed: {done.stderr[-2000:]}")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        # ru_maxrss of children is the largest child so far: a run only shows when it is a new maximum
        peaks.append(max(peak, before) / 1024)
        out = done.stdout.strip()[-200:]
    return statistics.median(times), max(peaks), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    source = ledger_path(args.rows)
    print(f"python {platform.python_version()} on {platform.machine()}, {args.runs} runs each, whole processes")
    # the kiemsat measurements first: RUSAGE_CHILDREN's peak only grows, and openpyxl's is larger
    write_t, write_mb, written = measure([sys.executable, "-c", WRITE, "{path}", TODAY.isoformat()], source,
                                         args.runs)
    cmd_t, cmd_mb, _ = measure([KIEMSAT, "deadlines", "{path}", "--today", TODAY.isoformat(), "--write", "--json"],
                               source, args.runs)
    base_t, base_mb, _ = measure([sys.executable, "-c", BASELINE, "{path}"], source, args.runs)
    print(f"  openpyxl load + save (baseline)      {base_t:6.2f} s   peak {base_mb:6.0f} MB")
    rows_written, cleared, compute_s, patch_s = written.split()
    print(f"  write_deadlines (read, compute, patch) {write_t:5.2f} s   peak {write_mb:6.0f} MB   "
          f"rows written {rows_written}, cleared {cleared}")
    print(f"    of which, in the last run: compute {float(compute_s):.2f} s, the patch and the file write "
          f"{float(patch_s):.2f} s (the rest: start-up and reading the ledger)")
    print(f"  kiemsat deadlines --write --json     {cmd_t:6.2f} s   peak {max(cmd_mb, write_mb):6.0f} MB")
    print(f"  ratio baseline / write   {base_t / write_t:5.1f}x   (target >= 10x: "
          f"{'ok' if base_t / write_t >= 10 else 'UNDER'})")
    print(f"  ratio baseline / command {base_t / cmd_t:5.1f}x")
    print(f"  ratio baseline / the write itself (patch + file) {base_t / float(patch_s):5.1f}x")
    print(f"  write peak memory under 300 MB: {'ok' if write_mb < 300 else 'OVER'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
