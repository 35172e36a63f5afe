"""Reading a header the way a clerk wrote it: normalised tokens and a score.

A header and a vocabulary entry (a schema label or synonym, a national register's header) are
compared as sets of tokens: diacritics, case, punctuation and word order do not matter, short
forms (KSV, PVT, CQĐT, QĐ ...) are expanded, and a parenthesised detail ("(họ tên, địa chỉ)") may
be left out. The score is the share of tokens the two have in common (Jaccard), 1.0 for the same
words; a header is read as a column from MATCH_SCORE up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from macros_py.ledger.schema import HEADER_ABBREVIATIONS, REGISTER_LAYOUTS, SheetSpec
from macros_py.ledger.values import fold

MATCH_SCORE = 0.75
_PARENS = re.compile(r"\([^)]*\)")
_NOISE = {"va", "cua", "cac", "nhung", "ve", "doi", "voi", "theo", "lan"}


@dataclass(frozen=True)
class Entry:
    """One way of writing a header, and what it fills."""

    text: str
    fills: tuple[tuple[str, str], ...]  # (column key, pick); () for the unit's own column
    source: str  # "" for our schema, else the register code ("04")
    fallback: bool = False


@lru_cache(maxsize=4096)
def tokens(text: str) -> frozenset[str]:
    words: list[str] = []
    for w in fold(text).split():
        words.extend(HEADER_ABBREVIATIONS.get(w, w).split())
    return frozenset(w for w in words if w not in _NOISE) or frozenset(words)


def _variants(text: str) -> tuple[frozenset[str], ...]:
    bare = _PARENS.sub(" ", text)
    return (tokens(text), tokens(bare)) if bare != text and bare.strip() else (tokens(text),)


def score(header: str, entry: str) -> float:
    best = 0.0
    for a in _variants(header):
        for b in _variants(entry):
            if a and b:
                best = max(best, len(a & b) / len(a | b))
    return best


def vocabulary(spec: SheetSpec) -> list[Entry]:
    """Every way of writing a header of this sheet: our labels and synonyms first, then the registers'."""
    out = [Entry(label, ((col.key, ""),), "") for col in spec.columns for label in (col.label, *col.synonyms)]
    for layout in REGISTER_LAYOUTS:
        if layout.sheet == spec.key:
            out += [Entry(h.header, h.fills, layout.code, h.fallback) for h in layout.headers]
    return out


def best_entries(header: str, entries: list[Entry], n: int = 1) -> list[tuple[float, Entry]]:
    scored = sorted(((score(header, e.text), i, e) for i, e in enumerate(entries)), key=lambda t: (-t[0], t[1]))
    return [(s, e) for s, _, e in scored[:n]]
