"""A clerk's formulas over cells kiemsat wrote: their cached values are dropped, so that every
spreadsheet application computes them on opening.

Excel honours `fullCalcOnLoad`; LibreOffice with its default settings does not recalculate an .xlsx on
load and shows the cached value, which after a write is stale (`=IF(V4="","chưa PC","đã PC")` still
saying «chưa PC»). A formula cell without a cached value is computed by both. So, after a write, each
formula that refers to a written cell, directly or through another such formula, loses its `<v>` (and
its `t` type, which described that value); the formula itself is kept byte for byte. Which formulas:
a reference to a written cell, a range or whole column/row over one, on the formula's own sheet or named
with the written sheet; a structured reference or a defined name is taken to depend (kiemsat cannot see
what a name covers without evaluating it, and dropping a cache costs only a recalculation). Shared
formulas are judged by their master and dropped for every cell that shares it.
"""

from __future__ import annotations

import html
import re
from macros_py.ledger.problems import column_index

# a formula cell: its attributes, its <f> (text or empty), the rest (<v>, <is>, extLst)
_CELL = re.compile(r"""<((?:[\w.-]+:)?)c\b([^>]*?)>(<\1f\b[^>]*?(?:/>|>[^<]*</\1f>))(.*?)</\1c>""", re.S)
_F_ATTRS = re.compile(r"""<(?:[\w.-]+:)?f\b([^>]*?)(?:/>|>([^<]*)</(?:[\w.-]+:)?f>)""", re.S)
_R = re.compile(r"""\sr\s*=\s*["']([A-Z]{1,3})(\d+)["']""")
_T = re.compile(r"""\st\s*=\s*["'][^"']*["']""")
_SI = re.compile(r"""\bsi\s*=\s*["'](\d+)["']""")
_SHARED = re.compile(r"""\bt\s*=\s*["']shared["']""")
_V = re.compile(r"""<((?:[\w.-]+:)?)v\b[^>]*?(?:/>|>[^<]*</\1v>)""")
# a reference with an optional sheet: 'Sheet name'!$A$1:$B$2, Sheet!A:A, A1, 3:5
_QUOTED = r"'(?:[^']|'')+'"
_REF = re.compile(rf"""(?:({_QUOTED}|[^\s'!,()=+\-*/&^<>;:"{{}}\[\]]+)!)?"""
                  r"""(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?|\$?[A-Z]{1,3}:\$?[A-Z]{1,3}|\$?\d+:\$?\d+)(?![\w(])""")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_NAME_OR_TABLE = re.compile(r"[A-Za-z_\\][\w.]*\[|(?<![\w.$!:'\"])[A-Za-z_\\][\w.]*(?![\w.(!\[])")

Written = dict[str, set[tuple[int, int]]]  # sheet name -> (row, col) 1-based, of cells written


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """(row1, col1, row2, col2), 1-based and inclusive, of «A1», «A1:B2», «A:B», «3:5»."""
    parts = ref.replace("$", "").split(":")
    out = []
    for p in parts:
        m = re.fullmatch(r"([A-Z]{0,3})(\d*)", p)
        assert m
        out.append((int(m.group(2)) if m.group(2) else None, column_index(m.group(1)) + 1 if m.group(1) else None))
    (r1, c1), (r2, c2) = out[0], out[-1]
    return (r1 or 1, c1 or 1, r2 or 1_048_576, c2 or 16_384)


def _hits(cells: set[tuple[int, int]], box: tuple[int, int, int, int]) -> bool:
    r1, c1, r2, c2 = box
    return any(r1 <= r <= r2 and c1 <= c <= c2 for r, c in cells)


def depends(formula: str, own_sheet: str, written: Written) -> bool:
    """Whether `formula` (as stored, without «=») on `own_sheet` may read a written cell."""
    text = _STRING.sub('""', html.unescape(formula))
    for m in _REF.finditer(text):
        sheet = m.group(1)
        sheet = own_sheet if sheet is None else (sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet)
        cells = written.get(sheet)
        if cells and _hits(cells, _bounds(m.group(2))):
            return True
    # a table column (Table[...]) or a defined name: what it covers is not known without evaluating it
    return any(written.values()) and bool(_NAME_OR_TABLE.search(_strip_functions(_REF.sub(" ", text))))


_FUNCTIONS = re.compile(r"[A-Za-z_][\w.]*\(")
_WORDS = {"TRUE", "FALSE"}


def _strip_functions(text: str) -> str:
    text = _FUNCTIONS.sub("(", text)
    return " ".join(w for w in re.split(r"\s+", text) if w.upper() not in _WORDS)


def drop_caches(sheets: dict[str, str], written: Written) -> dict[str, str]:
    """The sheets' XML (by sheet name) whose formula cells depending on `written` lost their cached values;
    only the sheets that changed. Repeats until no formula is left that depends on a dropped one."""
    written = {k: set(v) for k, v in written.items() if v}
    dropped: dict[str, set[tuple[int, int]]] = {}
    changed = True
    while changed:
        changed = False
        for name, xml in sheets.items():
            if "<f" not in xml and ":f" not in xml:
                continue
            shared: dict[str, str] = {}  # si -> the master's text
            for m in _CELL.finditer(xml):
                f = _F_ATTRS.match(m.group(3))
                if f and _SHARED.search(f.group(1)) and f.group(2):
                    si = _SI.search(f.group(1))
                    if si:
                        shared[si.group(1)] = f.group(2)
            for m in _CELL.finditer(xml):
                ref = _R.search(m.group(2))
                if ref is None:
                    continue
                pos = (int(ref.group(2)), column_index(ref.group(1)) + 1)
                if pos in dropped.get(name, ()):
                    continue
                f = _F_ATTRS.match(m.group(3))
                text = f.group(2) if f else None
                if f and not text and _SHARED.search(f.group(1)):
                    si = _SI.search(f.group(1))
                    text = shared.get(si.group(1)) if si else None
                if text and depends(text, name, written):
                    dropped.setdefault(name, set()).add(pos)
                    written.setdefault(name, set()).add(pos)
                    changed = True
    out: dict[str, str] = {}
    for name, cells in dropped.items():
        def strip(m: re.Match[str], cells: set[tuple[int, int]] = cells) -> str:
            ref = _R.search(m.group(2))
            if ref is None or (int(ref.group(2)), column_index(ref.group(1)) + 1) not in cells:
                return m.group(0)
            p = m.group(1)
            return f"<{p}c{_T.sub('', m.group(2))}>{m.group(3)}{_V.sub('', m.group(4))}</{p}c>"

        out[name] = _CELL.sub(strip, sheets[name])
    return out
