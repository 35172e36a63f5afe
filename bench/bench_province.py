"""Benchmark: a province of 26 units x 5,000 rows published to the shared store, and the province workbook built.

    .venv/bin/python bench/bench_province.py                    # PostgreSQL (started here) and SQLite
    .venv/bin/python bench/bench_province.py --units 4 --rows 2000
    .venv/bin/python bench/bench_province.py --no-sqlite

Each unit's ledger holds the deadline benchmark's row mix (`bench_deadlines._rows`) with its own «Tên đơn vị» and
«Mã sổ», written once into bench/out/ (git-ignored). PostgreSQL is Debian's postgresql 15, started in a temporary
folder as the tests do (tests/pgserver.py: as user «postgres» when run by root), stopped at the end; publishing
runs as a unit's role would (through the row-level security policies: one login per unit). Steps, each timed once:

1. read: `read_ledger` + `compute_deadlines` for every ledger (what the unit pays before publishing; apart);
2. snapshot: `build_snapshot` (the rows and deadlines as JSON text, the content hash);
3. publish: `publish` of each unit into an empty store, one transaction each (rows + deadlines inserted);
4. publish again: the same snapshots (nothing changes: the content hash is found);
5. baseline, in the same run: a plain `COPY` of the same rows and deadline rows (the same texts) into tables
   with the same columns and no keys, constraints or policies, by the store's owner: the floor any
   publish pays; printed as a ratio;
6. province: `build_view` (every unit's current snapshot read back, deadlines counted for the day,
   statistics computed per unit and summed) and the workbook saved.

On SQLite the same steps run into a file (the baseline there: the same rows inserted by `executemany` into a
plain table, in one transaction). Exits 0.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench_deadlines import TODAY  # noqa: E402
from bench_alerts import unit_ledgers  # noqa: E402  (the units' ledgers, built once and kept)

from macros_py.law.deadlines import compute_deadlines  # noqa: E402
from macros_py.ledger.reader import read_ledger  # noqa: E402
from macros_py.stats.periods import half_year_of  # noqa: E402
from macros_py.store.connect import open_store  # noqa: E402
from macros_py.store.migrate import ready  # noqa: E402
from macros_py.store.province import build_view  # noqa: E402
from macros_py.store.publish import publish  # noqa: E402
from macros_py.store.roles import grant  # noqa: E402
from macros_py.store.snapshot import build_snapshot  # noqa: E402
from macros_py.store.workbook import save_province_workbook  # noqa: E402

def ledgers(count: int, rows: int) -> list[Path]:
    return unit_ledgers("province", count, rows, lambda i, base: (base, {
        "unit_name": f"VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC {i}", "ledger_code": f"HP-KV{i:02d}"}))


def line(step: str, seconds: float, n: int, what: str = "rows") -> None:
    print(f"  {step:<44} {seconds:8.2f} s  {n / seconds if seconds else 0:>10,.0f} {what}/s")


def copy_baseline(server, snaps) -> float:  # noqa: ANN001
    """A plain COPY of the same rows and deadline rows into tables without keys, by the owner."""
    with server.admin_conn("bench") as conn:
        conn.execute("CREATE TABLE plain_rows (unit_code text, snapshot_id bigint, sheet text, row_no integer, "
                     "data text, extra text)")
        conn.execute("CREATE TABLE plain_deadlines (unit_code text, snapshot_id bigint, seq integer, sheet text, "
                     "row_no integer, kind text, case_ref text, person text, due date, done boolean, lapses boolean, "
                     "prosecutor text, leader text, data text)")
        t0 = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            for n, s in enumerate(snaps, start=1):
                with cur.copy("COPY plain_rows FROM STDIN") as cp:
                    for r in s.rows:
                        cp.write_row((s.unit_code, n, r.sheet, r.row, r.data, r.extra))
                with cur.copy("COPY plain_deadlines FROM STDIN") as cp:
                    for d in s.deadlines:
                        cp.write_row((s.unit_code, n, d.seq, d.sheet, d.row, d.kind, d.case_ref, d.person, d.due,
                                      d.done, d.lapses, d.prosecutor, d.leader, d.data))
        return time.perf_counter() - t0


def sqlite_baseline(path: Path, snaps) -> float:  # noqa: ANN001
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE plain_rows (unit_code, snapshot_id, sheet, row_no, data, extra)")
    conn.execute("CREATE TABLE plain_deadlines (unit_code, snapshot_id, seq, sheet, row_no, kind, case_ref, person, "
                 "due, done, lapses, prosecutor, leader, data)")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    for n, s in enumerate(snaps, start=1):
        conn.executemany("INSERT INTO plain_rows VALUES (?, ?, ?, ?, ?, ?)",
                         [(s.unit_code, n, r.sheet, r.row, r.data, r.extra) for r in s.rows])
        conn.executemany("INSERT INTO plain_deadlines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [(s.unit_code, n, d.seq, d.sheet, d.row, d.kind, d.case_ref, d.person, d.due.isoformat(),
                           d.done, d.lapses, d.prosecutor, d.leader, d.data) for d in s.deadlines])
    conn.execute("COMMIT")
    seconds = time.perf_counter() - t0
    conn.close()
    return seconds


def run(kind: str, stores: list, snaps: list, baseline: float, out: Path, province_store) -> None:  # noqa: ANN001
    rows = sum(len(s.rows) for s in snaps)
    deadlines = sum(len(s.deadlines) for s in snaps)
    total = rows + deadlines
    print(f"{kind}: {len(snaps)} units, {rows:,} rows + {deadlines:,} deadline rows")
    t0 = time.perf_counter()
    for store, snap in zip(stores, snaps):
        assert publish(store, snap).changed
    t_pub = time.perf_counter() - t0
    t0 = time.perf_counter()
    for store, snap in zip(stores, snaps):
        assert not publish(store, snap).changed
    t_again = time.perf_counter() - t0
    line("publish (rows + deadlines, one tx per unit)", t_pub, total)
    line("publish again (unchanged: nothing written)", t_again, total)
    line("baseline: plain " + ("COPY" if kind == "PostgreSQL" else "executemany") + " of the same rows",
         baseline, total)
    print(f"  publish / baseline: {t_pub / baseline:.1f}x")
    t0 = time.perf_counter()
    view = build_view(province_store, half_year_of(TODAY), TODAY)
    t_view = time.perf_counter() - t0
    t0 = time.perf_counter()
    save_province_workbook(out, view)
    t_book = time.perf_counter() - t0
    line("province: read back, deadlines, statistics", t_view, rows)
    line("province: workbook saved", t_book, len(view.urgent), "deadlines listed")
    print(f"  province view / baseline: {t_view / baseline:.1f}x; {len(view.read)} units read, "
          f"{len(view.overdue()):,} overdue, {len(view.urgent):,} overdue or due soon listed")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=26)
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--no-postgresql", action="store_true")
    args = ap.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {platform.system()}")
    paths = ledgers(args.units, args.rows)

    t0 = time.perf_counter()
    read = []
    for path in paths:
        ledger = read_ledger(path)
        read.append((ledger, compute_deadlines(ledger, TODAY)))
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    snaps = [build_snapshot(ledger, report) for ledger, report in read]
    t_snap = time.perf_counter() - t0
    del read
    rows = sum(len(s.rows) for s in snaps)
    print("each unit, before publishing:")
    line("read + deadlines (apart)", t_read, rows)
    line("snapshot (JSON texts, content hash)", t_snap, rows)

    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_postgresql:
            sys.path.insert(0, str(ROOT))
            from tests.pgserver import start_server, stop_server, why_not

            reason = why_not()
            if reason:
                print(f"PostgreSQL: skipped ({reason})")
            else:
                server = start_server()
                try:
                    server.create_database("bench")
                    admin = open_store(server.url("kiemsat_admin", "bench"), password=server.admin_password)
                    ready(admin)
                    stores = []
                    for s in snaps:
                        role = "bench_" + s.unit_code.lower().replace("-", "_")
                        grant(admin, role, [s.unit_code], password=lambda: "bench")
                        stores.append(open_store(server.url(role, "bench"), password="bench"))
                    grant(admin, "bench_tinh", [], province=True, password=lambda: "bench")
                    tinh = open_store(server.url("bench_tinh", "bench"), password="bench")
                    baseline = copy_baseline(server, snaps)
                    run("PostgreSQL", stores, snaps, baseline, Path(tmp) / "TINH_pg.xlsx", tinh)
                    for store in [*stores, tinh, admin]:
                        store.dispose()
                finally:
                    stop_server(server)
        if not args.no_sqlite:
            db = Path(tmp) / "kho.sqlite3"
            store = open_store(f"sqlite:///{db}")
            ready(store)
            baseline = sqlite_baseline(Path(tmp) / "plain.sqlite3", snaps)
            run("SQLite", [store] * len(snaps), snaps, baseline, Path(tmp) / "TINH_sqlite.xlsx", store)


if __name__ == "__main__":
    main()
