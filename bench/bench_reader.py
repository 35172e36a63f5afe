"""Benchmark: read and validate a large ledger with kiemsat, against a plain openpyxl loop.

    .venv/bin/python bench/bench_reader.py                 # 50,000 rows, median of 3 runs
    .venv/bin/python bench/bench_reader.py --rows 10000 --runs 5
    .venv/bin/python bench/bench_reader.py --profile       # also cProfile read_ledger into bench/out/
    .venv/bin/python bench/bench_reader.py --check-layout  # compare the generated layout with builder.py

The ledger is our own template layout (every ledger sheet, Cấu hình and the hidden Danh mục
sheet) with `--rows` rows of sample data in «Án hình sự» and the sample staff in «Cán bộ»,
written with openpyxl in write-only mode, mirroring `workbook_templates.builder._write_sheet`:
title row 1 (merged), styled header row 2, every table cell styled, dd/mm/yyyy dates, an Excel
Table, dropdowns, conditional formatting. (`builder.build_workbook` takes minutes and gigabytes
at 50,000 rows in openpyxl's normal mode.) The file is cached under bench/out/ (git-ignored),
keyed by row count, seed and a hash of the sources that shape it, so reruns do not regenerate it.

Timed, median of `--runs` runs each:
  kiemsat           `read_ledger(path)`: calamine read + header detection + conversion + validation
  openpyxl          `load_workbook(path, data_only=True)` then `iter_rows(values_only=True)` on the sheet
  openpyxl r/o      the same with `read_only=True`

Target (issue): under 2 s for 50,000 rows, and at least 8x faster than openpyxl's default mode.
The script always exits 0; it prints the verdict.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import os
import platform
import pstats
import statistics
import subprocess
from copy import copy
import sys
import time
import warnings
from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import macros_py.reader as reader_module  # noqa: E402
import macros_py.sample as sample_module  # noqa: E402
import macros_py.schema as schema_module  # noqa: E402
from macros_py.reader import read_ledger  # noqa: E402
from macros_py.sample import sample_rows  # noqa: E402
from macros_py.schema import (  # noqa: E402
    ALL_CHOICES, CRIMINAL_CASES, LEDGER_SHEETS, LISTS_SHEET, SETTINGS, SETTINGS_SHEET, STAFF, Kind, SheetSpec,
)
from workbook_templates import builder  # noqa: E402
from workbook_templates.builder import (  # noqa: E402
    ALERT_DAYS_NAME, DATE_FORMAT, FIRST_DATA_ROW, FIXED_TIMESTAMP, HEADER_ROW, MIN_FORMATTED_ROWS, SPARE_ROWS,
    STAFF_LIST,
)

OUT = Path(__file__).resolve().parent / "out"
SHEET = CRIMINAL_CASES  # the big sheet
SEED = 1
TODAY = date(2025, 9, 1)  # fixed, so the cached file is the same whatever day it is generated
LAYOUT_VERSION = 1  # bump when _write_ledger changes

TARGET_SECONDS = 2.0
TARGET_RATIO = 8.0


# ---------------------------------------------------------------- generating the ledger


def _rows(n: int) -> dict[str, list[dict[str, Any]]]:
    """n sample criminal cases (ids are unique: «i/year/HS») plus the sample staff."""
    rows = sample_rows(n, seed=SEED, today=TODAY)
    return {SHEET.key: rows[SHEET.key], STAFF.key: rows[STAFF.key]}


def _write_sheet(wb: Workbook, spec: SheetSpec, rows: list[Mapping[str, Any]]) -> None:
    """builder._write_sheet, in write-only mode (same cells, styles, table, validation, formatting)."""
    ws = wb.create_sheet(spec.title)
    ncols = len(spec.columns)
    last = get_column_letter(ncols)
    n = len(rows)
    table_end = FIRST_DATA_ROW + max(n, 1) - 1
    formatted_end = max(MIN_FORMATTED_ROWS, table_end + SPARE_ROWS)

    # everything that goes before <sheetData> must be set before the first row is written
    for j, col in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = col.width
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[HEADER_ROW].height = 48
    ws.freeze_panes = f"B{FIRST_DATA_ROW}"

    title = WriteOnlyCell(ws, spec.heading)
    title.font = builder._TITLE_FONT
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([title])
    ws.merged_cells.add(f"A1:{last}1")

    header = []
    for col in spec.columns:
        cell = WriteOnlyCell(ws, col.label)
        cell.font = builder._HEADER_FONT
        cell.fill = builder._COMPUTED_FILL if col.computed else builder._HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = builder._BORDER
        header.append(cell)
    ws.append(header)

    body_font = builder._BODY_FONT
    wrap = Alignment(wrap_text=True, vertical="top")
    layout = [(col, col.kind is Kind.DATE, col.width >= 28) for col in spec.columns]
    for row in (rows or [{}]):  # an Excel Table needs at least one data row
        cells = []
        for col, is_date, is_wrapped in layout:
            cell = WriteOnlyCell(ws, builder._cell_value(col, row.get(col.key)))
            cell.font = body_font
            if is_date:
                cell.number_format = DATE_FORMAT
            if is_wrapped:
                cell.alignment = wrap
            cells.append(cell)
        ws.append(cells)

    table = Table(displayName=spec.table, ref=f"A{HEADER_ROW}:{last}{table_end}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    table._initialise_columns()  # write-only mode cannot take the names from the header cells
    for tc, col in zip(table.tableColumns, spec.columns):
        tc.name = col.label
    with warnings.catch_warnings():  # "you must add table columns manually": done just above
        warnings.filterwarnings("ignore", message="In write-only mode")
        ws.add_table(table)

    for j, col in enumerate(spec.columns, start=1):
        dv = builder._validation(col)
        if dv is not None:
            letter = get_column_letter(j)
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{formatted_end}")
            ws.data_validations.append(dv)

    if spec.has_deadlines:
        due = get_column_letter(spec.keys.index("next_deadline") + 1)
        area = f"A{FIRST_DATA_ROW}:{last}{formatted_end}"
        ref = f"${due}{FIRST_DATA_ROW}"
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f"AND(ISNUMBER({ref}),{ref}<TODAY())"], fill=builder._OVERDUE_FILL, stopIfTrue=True))
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f"AND(ISNUMBER({ref}),{ref}-TODAY()<={ALERT_DAYS_NAME})"], fill=builder._SOON_FILL,
            stopIfTrue=True))

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P / &N"


def _write_settings(wb: Workbook) -> None:
    ws = wb.create_sheet(SETTINGS_SHEET)
    for j, width in enumerate((28, 52, 60), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    title = WriteOnlyCell(ws, "CẤU HÌNH ĐƠN VỊ")
    title.font = builder._TITLE_FONT
    ws.append([title])
    header = []
    for label in ("Tham số", "Giá trị", "Hướng dẫn"):
        cell = WriteOnlyCell(ws, label)
        cell.font, cell.fill, cell.border = builder._HEADER_FONT, builder._HEADER_FILL, builder._BORDER
        header.append(cell)
    ws.append(header)
    for i, setting in enumerate(SETTINGS):
        value = setting.default
        if setting.kind is Kind.TIME and isinstance(value, str):
            from datetime import time as _time
            hour, minute = value.split(":")
            value = _time(int(hour), int(minute))
        if setting.kind is Kind.DATE_LIST:
            value = "; ".join(d.strftime("%d/%m/%Y") for d in value) or None
        label = WriteOnlyCell(ws, setting.label)
        label.font = Font(name="Times New Roman", size=11, bold=True)
        cell = WriteOnlyCell(ws, value)
        cell.font = builder._BODY_FONT
        if setting.kind is Kind.TIME:
            cell.number_format = "hh:mm"
        hint = WriteOnlyCell(ws, setting.hint)
        hint.font = Font(name="Times New Roman", size=10, italic=True)
        ws.append([label, cell, hint])
        if setting.key == "alert_days":
            wb.defined_names[ALERT_DAYS_NAME] = DefinedName(
                ALERT_DAYS_NAME, attr_text=f"{quote_sheetname(SETTINGS_SHEET)}!$B${FIRST_DATA_ROW + i}")


def _write_lists(wb: Workbook) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    for j in range(1, len(ALL_CHOICES) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 26
    height = max(len(c.canonical) for c in ALL_CHOICES) + 1
    for i in range(height):
        row: list[Any] = []
        for choices in ALL_CHOICES:
            if i == 0:
                cell = WriteOnlyCell(ws, choices.label)
                cell.font = Font(bold=True)
                row.append(cell)
            else:
                row.append(choices.canonical[i - 1] if i - 1 < len(choices.canonical) else None)
        ws.append(row)
    for j, choices in enumerate(ALL_CHOICES, start=1):
        letter = get_column_letter(j)
        wb.defined_names[choices.name] = DefinedName(
            choices.name, attr_text=f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(choices.canonical) + 1}")
    name_col = get_column_letter(STAFF.keys.index("name") + 1)
    wb.defined_names[STAFF_LIST] = DefinedName(
        STAFF_LIST, attr_text=f"{quote_sheetname(STAFF.title)}!${name_col}${FIRST_DATA_ROW}:"
                              f"${name_col}${FIRST_DATA_ROW + 300}")


def _write_ledger(path: Path, rows: Mapping[str, list[Mapping[str, Any]]]) -> None:
    """The whole template (builder.build_workbook's sheets, in its order), write-only."""
    wb = Workbook(write_only=True)
    for spec in LEDGER_SHEETS:
        _write_sheet(wb, spec, list(rows.get(spec.key, ())))
    _write_settings(wb)
    _write_lists(wb)
    wb.properties.creator = "kiemsat"
    wb.properties.title = "Sổ theo dõi vụ án, vụ việc"
    wb.properties.created = wb.properties.modified = FIXED_TIMESTAMP
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    os.replace(tmp, path)


def _sources_hash() -> str:
    h = hashlib.sha256(f"layout{LAYOUT_VERSION}".encode())
    for module in (builder, schema_module, sample_module):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()[:8]


def ledger_path(n: int, *, in_process: bool = False) -> Path:
    """The cached n-row ledger, generated on first use.

    Generation runs in a child process unless `in_process`: building 50,000 rows of sample dicts
    leaves this process's heap larger and fragmented, which slowed the timings that followed
    (first run: kiemsat 2.5 s and openpyxl 17 s, against 2.06 s and 14 s on cached reruns).
    """
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"ledger_{SHEET.key}_{n}rows_seed{SEED}_{_sources_hash()}.xlsx"
    if path.exists():
        print(f"ledger: {path.relative_to(ROOT)} (cached, {path.stat().st_size / 1e6:.1f} MB)")
        return path
    t0 = time.perf_counter()
    if in_process:
        _write_ledger(path, _rows(n))
    else:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--rows", str(n), "--generate-only"],
                       check=True, stdout=subprocess.DEVNULL)
    print(f"ledger: {path.relative_to(ROOT)} (generated in {time.perf_counter() - t0:.1f} s, "
          f"{path.stat().st_size / 1e6:.1f} MB)")
    return path


# ---------------------------------------------------------------- the readers being timed


def read_kiemsat(path: Path) -> int:
    ledger = read_ledger(path)
    read_kiemsat.problems = len(ledger.problems)  # type: ignore[attr-defined]
    return len(ledger.records(SHEET.key))


def _count_data_rows(ws) -> int:
    count = 0
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):
        if any(v is not None and v != "" for v in row):
            count += 1
    return count


def read_openpyxl(path: Path) -> int:
    wb = load_workbook(path, data_only=True)
    try:
        return _count_data_rows(wb[SHEET.title])
    finally:
        wb.close()


def read_openpyxl_readonly(path: Path) -> int:
    wb = load_workbook(path, data_only=True, read_only=True)
    try:
        return _count_data_rows(wb[SHEET.title])
    finally:
        wb.close()


def timed(fn: Callable[[Path], int], path: Path, runs: int) -> tuple[float, list[float], int]:
    times, counts = [], set()
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        counts.add(fn(path))
        times.append(time.perf_counter() - t0)
    if len(counts) != 1:
        raise RuntimeError(f"{fn.__name__} counted different rows across runs: {sorted(counts)}")
    return statistics.median(times), times, counts.pop()


# ---------------------------------------------------------------- profile


def profile(path: Path, n: int) -> None:
    prof = OUT / f"read_ledger_{n}rows.prof"
    report = OUT / f"read_ledger_{n}rows.txt"
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    read_ledger(path)
    profiler.disable()
    profiler.dump_stats(prof)
    buf = io.StringIO()
    for key in ("tottime", "cumulative"):
        buf.write(f"==== sorted by {key}\n")
        pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(key).print_stats(30)
    report.write_text(buf.getvalue(), encoding="utf-8")
    print(f"\nprofile: {prof.relative_to(ROOT)} (pstats / snakeviz), summary {report.relative_to(ROOT)}")
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"top functions by own time (cProfile adds overhead to Python calls; total {total:.2f} s):")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:12]
    for (file, line, func), (cc, nc, tt, ct, _callers) in rows:
        where = f"{Path(file).name}:{line}" if line else file
        print(f"  {tt:6.2f} s own {ct:6.2f} s cum {nc:>9,} calls  {func}  ({where})")


# ---------------------------------------------------------------- layout check


def check_layout(n: int = 120) -> bool:
    """The write-only ledger against builder.build_workbook with the same rows: same cells, formats, reading."""
    OUT.mkdir(parents=True, exist_ok=True)
    rows = _rows(n)
    ours, theirs = OUT / f"layout_check_bench_{n}.xlsx", OUT / f"layout_check_builder_{n}.xlsx"
    _write_ledger(ours, rows)
    builder.build_workbook(rows).save(theirs)
    ok = True
    a, b = load_workbook(ours), load_workbook(theirs)
    if a.sheetnames != b.sheetnames:
        print(f"  sheet names differ: {a.sheetnames} vs {b.sheetnames}")
        ok = False
    for name in b.sheetnames:
        wa, wb_ = a[name], b[name]
        if (wa.max_row, wa.max_column) != (wb_.max_row, wb_.max_column):
            print(f"  {name}: size {wa.max_row}x{wa.max_column} vs {wb_.max_row}x{wb_.max_column}")
            ok = False
        if sorted(map(str, wa.merged_cells.ranges)) != sorted(map(str, wb_.merged_cells.ranges)):
            print(f"  {name}: merged {wa.merged_cells.ranges} vs {wb_.merged_cells.ranges}")
            ok = False
        tables_a = {(t.ref, tuple(c.name for c in t.tableColumns)) for t in wa.tables.values()}
        tables_b = {(t.ref, tuple(c.name for c in t.tableColumns)) for t in wb_.tables.values()}
        if tables_a != tables_b:
            print(f"  {name}: tables differ")
            ok = False
        dims_a = ({k: d.width for k, d in wa.column_dimensions.items()}, {k: d.height for k, d in wa.row_dimensions.items() if d.height})
        dims_b = ({k: d.width for k, d in wb_.column_dimensions.items()}, {k: d.height for k, d in wb_.row_dimensions.items() if d.height})
        if dims_a != dims_b:
            print(f"  {name}: column widths / row heights differ: {dims_a} vs {dims_b}")
            ok = False
        if wa.freeze_panes != wb_.freeze_panes:
            print(f"  {name}: freeze panes {wa.freeze_panes} vs {wb_.freeze_panes}")
            ok = False
        diffs = 0
        for ra, rb in zip(wa.iter_rows(), wb_.iter_rows()):
            for ca, cb in zip(ra, rb):
                if (ca.value, ca.number_format, *map(copy, (ca.font, ca.fill, ca.alignment, ca.border))) != \
                        (cb.value, cb.number_format, *map(copy, (cb.font, cb.fill, cb.alignment, cb.border))):
                    diffs += 1
                    if diffs <= 3:
                        print(f"  {name}!{ca.coordinate}: {ca.value!r} {ca.number_format!r} vs "
                              f"{cb.value!r} {cb.number_format!r}")
        if diffs:
            print(f"  {name}: {diffs} cells differ")
            ok = False
        if len(wa.data_validations.dataValidation) != len(wb_.data_validations.dataValidation):
            print(f"  {name}: data validations differ")
            ok = False
    la, lb = read_ledger(ours), read_ledger(theirs)
    for key in lb.sheets:
        va = [(r.row, r.values, r.extra) for r in la.records(key)]
        vb = [(r.row, r.values, r.extra) for r in lb.records(key)]
        if va != vb:
            print(f"  read_ledger: sheet {key} differs")
            ok = False
    if set(la.sheets) != set(lb.sheets) or len(la.problems) != len(lb.problems):
        print(f"  read_ledger: sheets {set(la.sheets)} vs {set(lb.sheets)}, "
              f"problems {len(la.problems)} vs {len(lb.problems)}")
        ok = False
    print(f"layout check ({n} rows, vs builder.build_workbook): {'same' if ok else 'DIFFERENT'}; "
          f"read_ledger: {len(la.records(SHEET.key))} rows, {len(la.problems)} problems")
    return ok


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="data rows in «Án hình sự» (default 50000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per reader; the median is reported")
    parser.add_argument("--profile", action="store_true", help="cProfile read_ledger into bench/out/")
    parser.add_argument("--check-layout", action="store_true",
                        help="first compare the generated layout with builder.build_workbook (small file)")
    parser.add_argument("--skip-openpyxl-default", action="store_true",
                        help="skip openpyxl's default (slow, memory-hungry) mode")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rows < 1 or args.runs < 1:
        parser.error("--rows and --runs must be at least 1")
    if args.generate_only:
        ledger_path(args.rows, in_process=True)
        return 0

    from importlib.metadata import version
    print(f"Python {platform.python_version()}, python-calamine {version('python-calamine')}, "
          f"openpyxl {version('openpyxl')}, {os.cpu_count()} CPUs, {platform.machine()}")
    if args.check_layout:
        check_layout()
    path = ledger_path(args.rows)

    print(f"timing {args.runs} run(s) each, median reported ...")
    results: dict[str, tuple[float, list[float], int]] = {}
    results["kiemsat read_ledger"] = timed(read_kiemsat, path, args.runs)
    problems = read_kiemsat.problems  # type: ignore[attr-defined]
    if not args.skip_openpyxl_default:
        results["openpyxl (default)"] = timed(read_openpyxl, path, args.runs)
    results["openpyxl (read_only)"] = timed(read_openpyxl_readonly, path, args.runs)

    ours = results["kiemsat read_ledger"][0]
    print()
    print(f"{'reader':<22} {'median s':>9} {'rows':>8}  {'vs kiemsat':>10}   runs (s)")
    for name, (median, times, count) in results.items():
        ratio = f"{median / ours:9.1f}x" if name.startswith("openpyxl") else "         -"
        print(f"{name:<22} {median:9.3f} {count:8,}  {ratio}   {' '.join(f'{t:.3f}' for t in times)}")

    counts = {count for _, _, count in results.values()}
    same_rows = counts == {args.rows}
    print(f"\nrows: {'all readers read ' + format(args.rows, ',') if same_rows else 'MISMATCH ' + str(counts)}"
          f" data rows; read_ledger reported {problems} problem(s)")

    under = ours < TARGET_SECONDS * args.rows / 50_000
    verdict = [f"{'PASS' if under else 'FAIL'}  kiemsat {ours:.2f} s "
               f"(target < {TARGET_SECONDS * args.rows / 50_000:.2f} s for {args.rows:,} rows"
               f"{'' if args.rows == 50_000 else ', scaled from 2 s for 50,000'})"]
    if "openpyxl (default)" in results:
        ratio = results["openpyxl (default)"][0] / ours
        verdict.append(f"{'PASS' if ratio >= TARGET_RATIO else 'FAIL'}  {ratio:.1f}x faster than openpyxl "
                       f"default mode (target >= {TARGET_RATIO:.0f}x)")
    ratio_ro = results["openpyxl (read_only)"][0] / ours
    verdict.append(f"info  {ratio_ro:.1f}x faster than openpyxl read_only mode (no target; "
                   "the fairer streaming comparison)")
    verdict.append(f"{'PASS' if same_rows else 'FAIL'}  same number of data rows")
    print("\n".join(verdict))
    overall = all(not v.startswith("FAIL") for v in verdict)
    print(f"verdict: {'PASS' if overall else 'FAIL'}")

    if args.profile:
        profile(path, args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
