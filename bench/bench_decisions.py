"""Benchmark: 500 decisions from one template, the fast renderer against the naive docxtpl loop.

    .venv/bin/python bench/bench_decisions.py [--n 500] [--type hinh-su] [--processes 2] [--keep DIR]

Both run in the same process on the same 500 contexts (built from sample ledger rows the way
`kiemsat decide` builds them). The naive loop is what docxtpl's documentation shows: a new
DocxTemplate, render(autoescape=True), save, per document. Every output pair is compared: the
word/document.xml text of the fast output must equal docxtpl's. Prints docs/s both ways and the
ratio; with --processes N the fast renderer also runs split over N processes. With --extensions
N it also times `issue_decisions` for N investigation extensions on a 300-case ledger, each checked
against the statute's maximum by the deadline engine, against the same batch with --force (no check).
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from macros_py.decisions.decision_types import DECISION_TYPES_BY_KEY, template_path  # noqa: E402
from macros_py.decisions.merge import CompiledTemplate, VnDate, naive_render, row_context, settings_context  # noqa: E402,E501
from macros_py.ledger.schema import SETTINGS  # noqa: E402
from macros_py.sample import sample_rows  # noqa: E402


def contexts(type_key: str, n: int) -> list[dict[str, Any]]:
    dtype = DECISION_TYPES_BY_KEY[type_key]
    data = sample_rows(n, seed=3, today=date(2026, 3, 16))
    staff = {s["name"]: s["title"] for s in data["can_bo"]}
    rows = data[dtype.sheet]
    base = settings_context({s.key: s.default for s in SETTINGS})
    out = []
    for i in range(n):
        row = rows[i % len(rows)]
        ctx = {**base, **row_context(dtype.spec, row, staff)}
        ctx.update(number=i + 1, symbol="QĐ-VKSKV1", decision_no=f"{i + 1}/QĐ-VKSKV1",
                   decision_date=VnDate(2026, 3, 16), title=dtype.title, signer_name="Nguyễn Văn An",
                   signer_title="PHÓ VIỆN TRƯỞNG", signer_on_behalf="KT. VIỆN TRƯỞNG")
        out.append(ctx)
    return out


def run_fast(path: Path, ctxs: list[dict[str, Any]], out: Path, start: int = 0) -> None:
    compiled = CompiledTemplate(path)
    for i, ctx in enumerate(ctxs, start=start):
        with (out / f"{i:05d}.docx").open("xb") as fh:
            compiled.write(ctx, fh)


def _worker(args: tuple[Path, list[dict[str, Any]], Path, int]) -> None:
    run_fast(*args)


def run_naive(path: Path, ctxs: list[dict[str, Any]], out: Path) -> None:
    for i, ctx in enumerate(ctxs):
        naive_render(path, ctx, out / f"{i:05d}.docx")


def document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml")


def bench_extensions(n: int) -> None:
    from macros_py.decisions.issuing import Options, due_rows, issue_decisions
    from macros_py.ledger.reader import read_ledger
    from workbook_templates.builder import create_ledger

    day, until = date(2026, 3, 16), date(2026, 5, 15)
    work = Path(tempfile.mkdtemp(prefix="bench-extensions-"))
    try:
        source = work / "so.xlsx"
        create_ledger(source, sample=300, seed=3, today=day)
        rows = due_rows(read_ledger(source), DECISION_TYPES_BY_KEY["gia-han-dieu-tra"], n)
        times = {}
        for label, force in (("checked", False), ("--force", True)):
            path = work / f"{label.strip('-')}.xlsx"
            shutil.copy(source, path)
            t0 = time.perf_counter()
            batch = issue_decisions(path, "gia-han-dieu-tra", rows=rows, out_dir=work / label.strip("-"), day=day,
                                    options=Options(until=until, force=force))
            times[label] = (time.perf_counter() - t0, len(batch.issued), len(batch.rejected))
        for label, (secs, issued, rejected) in times.items():
            print(f"{len(rows)} extensions, {label:8}: {secs:6.2f} s  ({issued} issued, {rejected} refused)")
        print(f"statute check costs: ratio {times['checked'][0] / times['--force'][0]:4.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--type", default="hinh-su", choices=list(DECISION_TYPES_BY_KEY))
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    ap.add_argument("--extensions", type=int, default=0, help="also time N extension decisions (see above)")
    args = ap.parse_args()
    if args.extensions:
        bench_extensions(args.extensions)

    path = template_path(DECISION_TYPES_BY_KEY[args.type])
    ctxs = contexts(args.type, args.n)
    work = Path(tempfile.mkdtemp(prefix="bench-decisions-"))
    fast_dir, naive_dir, multi_dir = work / "fast", work / "naive", work / "multi"
    for d in (fast_dir, naive_dir, multi_dir):
        d.mkdir()
    try:
        t0 = time.perf_counter()
        run_fast(path, ctxs, fast_dir)
        fast = time.perf_counter() - t0

        t0 = time.perf_counter()
        run_naive(path, ctxs, naive_dir)
        naive = time.perf_counter() - t0

        multi = None
        if args.processes > 1:
            k = args.processes
            chunk = (len(ctxs) + k - 1) // k
            jobs = [(path, ctxs[j:j + chunk], multi_dir, j) for j in range(0, len(ctxs), chunk)]
            t0 = time.perf_counter()
            with multiprocessing.get_context("spawn").Pool(k) as pool:
                pool.map(_worker, jobs)
            multi = time.perf_counter() - t0  # includes starting the processes

        same = sum(document_xml(fast_dir / f"{i:05d}.docx") == document_xml(naive_dir / f"{i:05d}.docx")
                   for i in range(len(ctxs)))
        n = len(ctxs)
        print(f"template: {path.name}, {n} decisions")
        print(f"naive docxtpl loop : {naive:7.2f} s  {n / naive:8.1f} docs/s")
        print(f"fast, 1 process    : {fast:7.2f} s  {n / fast:8.1f} docs/s  ratio {naive / fast:5.1f}x")
        if multi:
            print(f"fast, {args.processes} processes  : {multi:7.2f} s  {n / multi:8.1f} docs/s  "
                  f"ratio {naive / multi:5.1f}x (process start-up included)")
        print(f"word/document.xml identical to docxtpl's: {same}/{n}")
        if same != n:
            sys.exit(1)
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
