"""Benchmark: how well intake reads the corpus (tests/intake_corpus), per field and per kind.

    .venv/bin/python bench/bench_intake.py            # text documents (.txt, .docx)
    .venv/bin/python bench/bench_intake.py --ocr      # also the OCR'd texts (tests/intake_corpus/ocr)
    .venv/bin/python bench/bench_intake.py --mistakes # list every value read wrong, missed or invented

The expected fields of each document were written by hand (tests/intake_corpus/stories.py); scoring rules in
tests/intake_corpus/scoring.py. Precision = right / read; recall = right / expected; accuracy = right / every
value judged (a value read where the document states none counts against it). Also the reading speed, against a
baseline measured in the same run (reading the same files' bytes). Exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "intake_corpus"))

from scoring import corpus, run, total  # noqa: E402


def table(title: str, per: dict, out=print) -> None:  # noqa: ANN001
    out(f"\n{title:<28} {'đúng':>5} {'sai':>4} {'thiếu':>5} {'thừa':>4}  {'precision':>9} {'recall':>7} {'accuracy':>8}")
    for key in sorted(per):
        c = per[key]
        out(f"{key:<28} {c.right:>5} {c.wrong:>4} {c.missed:>5} {c.invented:>4}  {c.precision:>9.1%} {c.recall:>7.1%} "
            f"{c.accuracy:>8.1%}")
    t = total(per)
    out(f"{'TỔNG':<28} {t.right:>5} {t.wrong:>4} {t.missed:>5} {t.invented:>4}  {t.precision:>9.1%} {t.recall:>7.1%} "
        f"{t.accuracy:>8.1%}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ocr", action="store_true")
    ap.add_argument("--mistakes", action="store_true")
    args = ap.parse_args()
    sets = ["docs", "handwritten"] + (["ocr"] if args.ocr else [])
    for folder in sets:
        docs = corpus(folder)
        kinds = sorted({e["kind"] for _, e in docs})
        t0 = time.perf_counter()
        per_field, per_kind, mistakes = run(folder)
        elapsed = time.perf_counter() - t0
        t1 = time.perf_counter()
        for doc, _ in docs:
            doc.read_bytes()
        base = time.perf_counter() - t1
        name = {"docs": "văn bản có lớp chữ (.txt, .docx), theo mẫu", "ocr": "văn bản qua OCR (Tesseract vie)",
                "handwritten": "văn bản gõ tay, cách viết khác mẫu (giữ riêng, không chỉnh quy tắc theo)"}[folder]
        print(f"== {name}: {len(docs)} văn bản, {len(kinds)} loại ==")
        table("Trường", per_field)
        table("Loại văn bản", per_kind)
        print(f"\nĐọc {len(docs)} văn bản trong {elapsed:.2f} s ({elapsed / len(docs) * 1000:.1f} ms/văn bản); "
              f"chỉ đọc byte của tệp: {base * 1000:.1f} ms (tỉ lệ {elapsed / max(base, 1e-6):.0f}x).")
        if args.mistakes:
            print("\nSai, thiếu, thừa:")
            for doc, key, exp, got in mistakes:
                print(f"  {doc:<28} {key:<22} cần {exp!r}\n  {'':<28} {'':<22} đọc {got!r}")


if __name__ == "__main__":
    main()
