"""Writers at the same moment, and writers killed at random moments (issue 11).

`decide` ‖ `deadlines --write` ‖ `stats --write` on one ledger, several rounds: every writer takes
the one lock and reads the ledger inside it, so no register row and no write-back is lost. Then
`kill -9` during `decide` at random moments: a number on a document is always in the register, no
number is given twice, and the next run marks an interrupted run's numbers «Không sử dụng».
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

from macros_py.decisions.register import ISSUED, RESERVED, UNUSED
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import REGISTER, STATS_SHEET
from macros_py.workbook.safefile import TEMP_PREFIX
from tests.conftest import TODAY
from tests.test_cli import KIEMSAT

ROUNDS = 3


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([KIEMSAT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


def _tip_rows(path: Path) -> list[int]:
    return [r.row for r in read_ledger(path).records("tin_bao")]


def test_decide_deadlines_and_stats_at_once_lose_nothing(sample_ledger: Path, tmp_path: Path):
    ledger = tmp_path / "so.xlsx"
    shutil.copy(sample_ledger, ledger)
    before = len(read_ledger(ledger).records(REGISTER.key))
    rows = _tip_rows(ledger)
    issued_rows: list[int] = []
    for n in range(ROUNDS):
        mine = rows[n * 2: n * 2 + 2]
        issued_rows += mine
        procs = [
            _spawn("decide", str(ledger), "--type", "tin-bao", "--rows", ",".join(map(str, mine)),
                   "--out", str(tmp_path / "qd"), "--date", "16/03/2026", "--force"),  # stage: not this test's
            _spawn("deadlines", str(ledger), "--today", TODAY.isoformat(), "--write"),
            _spawn("stats", str(ledger), "--period", "2026-Q1", "--today", TODAY.isoformat(), "--write"),
        ]
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode in (0, 1), (p.args[1], out, err)
    led = read_ledger(ledger)
    entries = led.records(REGISTER.key)[before:]
    assert len(entries) == 2 * ROUNDS  # no register row lost
    numbers = [e.values["number"] for e in entries]
    assert len(set(numbers)) == len(numbers) and {e.values["status"] for e in entries} == {ISSUED}
    tips = {r.row: r for r in led.records("tin_bao")}
    written = {tips[r].values.get("decision_no") for r in issued_rows}
    assert written == {f"{e.values['number']}/{e.values['symbol']}" for e in entries}  # no write-back lost
    assert any(r.values.get("next_deadline") for r in tips.values())  # the deadlines' write is there too
    assert STATS_SHEET in [n for n in _sheet_names(ledger)]


def _sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).sheet_names


def _free_tip_rows(path: Path) -> list[int]:
    return [r.row for r in read_ledger(path).records("tin_bao") if not r.values.get("decision_no")]


def _reserved(path: Path) -> int:
    return sum(e.values.get("status") == RESERVED for e in read_ledger(path).records(REGISTER.key))


def test_kill_minus_nine_during_decide_never_loses_or_reuses_a_number(sample_ledger: Path, tmp_path: Path):
    ledger = tmp_path / "so.xlsx"
    shutil.copy(sample_ledger, ledger)
    out = tmp_path / "qd"
    rng = random.Random(20261201)

    def decide(rows: list[int]) -> subprocess.Popen:
        return _spawn("decide", str(ledger), "--type", "tin-bao", "--rows", ",".join(map(str, rows)),
                      "--out", str(out), "--date", "16/03/2026", "--force")  # stage: not this test's

    # Kill each run at a random moment: half of them just after the ledger file is first replaced
    # (the numbers are reserved, the documents are being published), the others anywhere in the run.
    hits = kills = 0
    for attempt in range(12):
        free = _free_tip_rows(ledger)[:10]
        if len(free) < 2 or hits >= 3:
            break
        inode = ledger.stat().st_ino
        proc = decide(free)
        started = time.monotonic()
        if attempt % 2 == 0:
            while proc.poll() is None and ledger.stat().st_ino == inode and time.monotonic() - started < 60:
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.03))
        else:
            time.sleep(rng.uniform(0.0, 0.4))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=120)
        hits += _reserved(ledger) > 0  # killed between reserving the numbers and marking them issued
    # one more run completes, repairing what the killed ones left
    first_case = read_ledger(ledger).records("an_hinh_su")[0].row
    final = _spawn("decide", str(ledger), "--type", "hinh-su", "--rows", str(first_case), "--out", str(out),
                   "--date", "16/03/2026", "--force")
    stdout, stderr = final.communicate(timeout=300)
    assert final.returncode == 0, stderr
    assert hits >= 1, f"{kills} kills, none between reservation and marking: the test proved nothing"

    entries = read_ledger(ledger).records(REGISTER.key)
    assert _reserved(ledger) == 0  # nothing is left half-issued
    issued = [e for e in entries if e.values.get("status") == ISSUED]
    numbers = [(e.values["year"], e.values["symbol"], e.values["number"]) for e in entries]
    assert len(numbers) == len(set(numbers))  # never given twice, unused ones included
    registered = {(ledger.parent / e.values["file"]).resolve() for e in issued}
    documents = {p.resolve() for p in out.rglob("*.docx")}
    assert documents == registered  # every document on disk is an issued number, and the other way round
    unused = [e for e in entries if e.values.get("status") == UNUSED]
    assert unused and all("gián đoạn" in (e.values.get("note") or "") for e in unused)
    assert [p for p in tmp_path.rglob(f"{TEMP_PREFIX}*")] == []  # no temporary file left
