"""Scoring intake's readings against the corpus' hand-written expected fields.

Every value is judged once: right (read and equal), wrong (read and different: counted against precision and
recall), missed (expected, not read) or invented (read where the document states nothing). Text compares
without case, accents' composition or punctuation (`fold`); dates, hours and numbers compare exactly.
Precision = right / read, recall = right / expected, accuracy = right / (right + wrong + missed + invented).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from macros_py.ledger.values import fold

HERE = Path(__file__).resolve().parent
EXACT = {"doc_no", "doc_date", "case_opening_no", "case_opening_date", "custody_start", "custody_until", "custody_time",
         "detention_start", "detention_until", "received_date", "acceptance_no", "acceptance_date", "judgment_no",
         "judgment_date", "birth_date", "birth_year", "kind"}
LISTS = {"persons": "name", "offences": "offence"}


@dataclass
class Counts:
    right: int = 0
    wrong: int = 0
    missed: int = 0
    invented: int = 0

    def add(self, other: "Counts") -> None:
        self.right += other.right
        self.wrong += other.wrong
        self.missed += other.missed
        self.invented += other.invented

    @property
    def read(self) -> int:
        return self.right + self.wrong + self.invented

    @property
    def expected(self) -> int:
        return self.right + self.wrong + self.missed

    @property
    def precision(self) -> float:
        return self.right / self.read if self.read else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    @property
    def accuracy(self) -> float:
        total = self.right + self.wrong + self.missed + self.invented
        return self.right / total if total else 1.0


def same(key: str, a: Any, b: Any) -> bool:
    if key.split(".")[-1] in EXACT:
        return str(a) == str(b)
    return fold(str(a)) == fold(str(b))


def judge(key: str, expected: Any, got: Any, out: dict[str, Counts]) -> None:
    c = out[key]
    if expected is None and got is None:
        return
    if expected is None:
        c.invented += 1
    elif got is None:
        c.missed += 1
    elif same(key, expected, got):
        c.right += 1
    else:
        c.wrong += 1


def _align(exp: list[dict], got: list[dict], by: str) -> list[tuple[dict | None, dict | None]]:
    pairs: list[tuple[dict | None, dict | None]] = []
    left = list(got)
    for e in exp:
        match = next((g for g in left if fold(str(g.get(by, ""))) == fold(str(e.get(by, "")))), None)
        if match is None and left and len(exp) == 1 == len(got):
            match = left[0]
        if match is not None:
            left.remove(match)
        pairs.append((e, match))
    pairs += [(None, g) for g in left]
    return pairs


def score(expected: dict, got: dict) -> dict[str, Counts]:
    out: dict[str, Counts] = defaultdict(Counts)
    # the keys the document is annotated for: what it states, and what a reading must then leave empty
    judge("kind", expected.get("kind"), got.get("kind"), out)
    from macros_py.intake.fields import EXPECTED as STATED

    keys = set(STATED.get(expected.get("kind") or "", ())) - set(LISTS)
    keys |= {k for k in expected if k not in LISTS and k != "kind"}
    for key in sorted(keys):
        judge(key, expected.get(key), got.get(key), out)
    for name, by in LISTS.items():
        for e, g in _align(expected.get(name, []), got.get(name, []), by):
            subkeys = set((e or {}).keys()) | set((g or {}).keys())
            for sub in sorted(subkeys):
                judge(f"{name[:-1]}.{sub}", (e or {}).get(sub), (g or {}).get(sub), out)
    return out


def corpus(folder: str = "docs") -> list[tuple[Path, dict]]:
    """(document, expected) pairs of `docs` (text layer) or `ocr` (OCR'd texts)."""
    out = []
    for doc in sorted((HERE / folder).iterdir()):
        exp = HERE / "expected" / f"{doc.stem}.json"
        if exp.is_file():
            out.append((doc, json.loads(exp.read_text(encoding="utf-8"))))
    return out


def run(folder: str = "docs") -> tuple[dict[str, Counts], dict[str, Counts], list[tuple[str, str, Any, Any]]]:
    """Read every document of the corpus: counts per field, per kind, and the mistakes (doc, field, expected, got)."""
    from macros_py.intake.fields import as_plain, read_document
    from macros_py.intake.text import read_source

    per_field: dict[str, Counts] = defaultdict(Counts)
    per_kind: dict[str, Counts] = defaultdict(Counts)
    mistakes: list[tuple[str, str, Any, Any]] = []
    for doc, exp in corpus(folder):
        source = read_source(doc)
        got = as_plain(read_document(source.text, ocr=folder == "ocr"))
        counts = score(exp, got)
        for key, c in counts.items():
            per_field[key].add(c)
            per_kind[exp["kind"]].add(c)
            if c.wrong or c.missed or c.invented:
                mistakes.append((doc.name, key, _value(exp, key), _value(got, key)))
    return per_field, per_kind, mistakes


def _value(d: dict, key: str) -> Any:
    if "." in key:
        lst, sub = key.split(".")
        return [x.get(sub) for x in d.get(lst + "s", [])]
    return d.get(key)


def total(per: dict[str, Counts]) -> Counts:
    t = Counts()
    for c in per.values():
        t.add(c)
    return t
