"""Start-up budget of a ribbon button press: `python -X importtime` totals, and one press end to end.

The first press of an Excel session starts kiemsat's COM server and imports what it needs, so the
dispatcher's import path must stay lean; later presses find it warm. Prints, each measured in a fresh interpreter (median of --runs):

* the cumulative import time of `addin.excel.dispatch` (target: under 0.3 s) and of xlwings (paid by
  the COM server once per Excel session, at its first press);
* the import time of each available handler's module;
* one press end to end in one process (start Python, import, read a 40-row sample ledger built by
  xlwings' remote engine, run the command, show the message), for every available button (the
  row buttons on one selected row of «Án hình sự»; the issue's target: under 1.5 s): the cold
  press, the COM server's first of an Excel session (each press gets its own copy of the ledger, so
  a decision press is never refused because an earlier run decided the row);
* the same press again in that process: the warm press, what kiemsat's COM server pays from the
  second press on (issue 14's target for «Tạo quyết định» on one row: under 0.3 s in Python).

Run: .venv/bin/python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.commands.registry import COMMANDS  # noqa: E402


def import_seconds(module: str) -> float:
    """Cumulative import time of `module` in a fresh interpreter (python -X importtime)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stderr
    for line in reversed(out.splitlines()):
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s?(.*)$", line)
        if m and m.group(2).strip() == module:
            return int(m.group(1)) / 1e6
    raise RuntimeError(f"no importtime line for {module}")


PRESS = """
import os, time, openpyxl
t0 = float(os.environ["BENCH_T0"])
import xlwings as xw
from addin.excel import dispatch
ledgers = os.environ["BENCH_LEDGER"].split(os.pathsep)  # one copy for the cold press, one for the warm
wb = openpyxl.load_workbook(ledgers[0], data_only=True)
sheets = [{"name": ws.title, "values": [[c.value for c in r] for r in ws.iter_rows()] or [[None]],
           "pictures": [], "tables": []} for ws in wb.worksheets]
t1 = time.time()
sheet = os.environ["BENCH_SHEET"]
def make_book(path):
    return xw.Book(json={"client": "Microsoft Office Scripts", "version": xw.__version__,
                         "book": {"name": path, "active_sheet_index": wb.sheetnames.index(sheet),
                                  "selection": os.environ["BENCH_SELECTION"]},
                         "names": [], "sheets": sheets})
def check(ui):
    assert ui.alerts() and not ui.messages("error"), ui.log
book = make_book(ledgers[0])
check(dispatch.run(os.environ["BENCH_COMMAND"], book=book, deferred=True))
t2 = time.time()
# the same press again in the same process: what kiemsat's COM server (warm, kept by Excel) pays
book = make_book(ledgers[1])
t3 = time.time()
check(dispatch.run(os.environ["BENCH_COMMAND"], book=book, deferred=True))
print(t2 - t0, t1 - t0, time.time() - t3)
"""


# (command, active sheet, selection) of the presses timed end to end: every available button
# (row 4 already has its prosecutor's decision, which the inspector's decision cites)
PRESSES = tuple((c.id, "Án hình sự", "A4" if c.id == "decisions_inspector" else "A3") for c in COMMANDS if c.available)


def press_seconds(ledger: Path, command: str, sheet: str, selection: str) -> tuple[float, float, float]:
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for kind in ("cold", "warm"):  # each press on its own copy, in its own folder (decisions, outbox)
            (Path(tmp) / kind).mkdir()
            copies.append(str(shutil.copy(ledger, Path(tmp) / kind / ledger.name)))
        env = dict(os.environ, XLWINGS_LICENSE_KEY="noncommercial", BENCH_LEDGER=os.pathsep.join(copies),
                   BENCH_T0=repr(time.time()), BENCH_COMMAND=command, BENCH_SHEET=sheet, BENCH_SELECTION=selection,
                   KIEMSAT_ALERTS_CONFIG=str(Path(tmp) / "none.toml"), KIEMSAT_LOG_DIR=str(Path(tmp) / "logs"))
        done = subprocess.run([sys.executable, "-c", PRESS], capture_output=True, text=True, cwd=ROOT, env=env)
        if done.returncode != 0:
            raise SystemExit(f"the «{command}» press failed:\n{done.stderr[-2000:]}")
        out = done.stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def _open_row(ledger: Path, sheet_key: str, row: int, **values: object) -> None:
    """Make `row` a case still under investigation (and give it `values`), so a decision press issues."""
    import openpyxl

    from macros_py.ledger.reader import read_ledger

    data = read_ledger(ledger).sheets[sheet_key]
    wb = openpyxl.load_workbook(ledger)
    for key, value in {"judgment_date": None, "stage": "Điều tra", **values}.items():
        wb[data.name].cell(row, data.columns[key] + 1).value = value
    wb.save(ledger)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    med = lambda f: statistics.median(f() for _ in range(args.runs))  # noqa: E731

    print(f"python -X importtime, cumulative, median of {args.runs} fresh interpreters")
    dispatch = med(lambda: import_seconds("addin.excel.dispatch"))
    print(f"  addin.excel.dispatch                 {dispatch:6.3f} s   (target < 0.300 s: {'ok' if dispatch < 0.3 else 'OVER'})")
    print(f"  xlwings (1st press pays it)    {med(lambda: import_seconds('xlwings')):6.3f} s")
    for c in COMMANDS:
        if c.available:
            module = c.handler.split(":")[0]
            print(f"  {module:<30} {med(lambda m=module: import_seconds(m)):6.3f} s")
    # handlers import their core inside run(); what Kiểm tra sổ pulls in when pressed:
    print(f"  macros_py.ledger.reader (Kiểm tra sổ) {med(lambda: import_seconds('macros_py.ledger.reader')):6.3f} s")
    print(f"  macros_py.law.writeback (thời hạn) {med(lambda: import_seconds('macros_py.law.writeback')):6.3f} s")

    from datetime import date

    from workbook_templates.builder import create_ledger

    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "so.xlsx"
        create_ledger(ledger, sample=40, seed=1, today=date(2026, 3, 16))
        _open_row(ledger, "an_hinh_su", 3)  # the decision buttons' row: a case still under investigation
        _open_row(ledger, "an_hinh_su", 4, decision_no="1/QĐ-VKSKV1", decision_date=date(2026, 3, 2))
        for command, sheet, selection in PRESSES:
            label = next(c.label_vi for c in COMMANDS if c.id == command)
            # each press starts from the same file: a decision press is refused on a row already decided
            results = [press_seconds(ledger, command, sheet, selection) for _ in range(args.runs)]
            total = statistics.median(r[0] for r in results)
            setup = statistics.median(r[1] for r in results)
            warm = statistics.median(r[2] for r in results)
            print(f"one «{label}» press, cold (a fresh process, as the COM server's first press): {total:.3f} s "
                  f"(of which start-up, imports and building the test book: {setup:.3f} s)")
            target = " (target < 0.300 s: " + ("ok)" if warm < 0.3 else "OVER)") if command == "decisions" else ""
            print(f"one «{label}» press, warm (the same process again, as the COM server's next presses): "
                  f"{warm:.3f} s{target}; cold/warm ratio {total / warm:.1f}")


if __name__ == "__main__":
    main()
