"""The guard's quick look (issue 22): a ledger as wide as kiemsat's own «Án hình sự» (62 columns) and 50,000
rows long is judged small enough by C-speed searching alone; before, any sheet of 10,000-99,999 rows wider than
60 columns went through the cell-by-cell look (46 s instead of 2.7 s on the reader benchmark's ledger)."""

from __future__ import annotations

import re

import pytest

from macros_py.ledger.guard import MAX_SHEET_CELLS, _numbers_upto, _within_bounds, scan_sheet
from macros_py.ledger.problems import column_letter
from macros_py.ledger.schema import CRIMINAL_CASES


@pytest.mark.parametrize("n", [1, 7, 9, 10, 19, 20, 100, 101, 909, 50_001, 99_999])
def test_numbers_upto_is_exactly_one_to_n(n):
    rx = re.compile(rb"(?:%s)\Z" % _numbers_upto(n))
    assert [i for i in range(1, 3 * n + 20) if rx.match(str(i).encode())] == list(range(1, n + 1))
    assert not rx.match(b"0") and not rx.match(b"01")


def _sheet(rows: dict[int, list[str]]) -> bytes:
    body = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s"><v>1</v></c>' % ref.encode() for ref in refs)
                    + b"</row>" for r, refs in rows.items())
    return b"<worksheet><sheetData>" + body + b"</sheetData></worksheet>"


def test_a_wide_ledger_of_fifty_thousand_rows_is_within_bounds():
    width = len(CRIMINAL_CASES.columns)
    assert width > 60  # the case this is about: more columns than 6,000,000 / 99,999
    last = 50_001
    rows = {r: [f"{column_letter(c)}{r}" for c in range(width)] for r in range(1, last + 1, 97)}
    rows[last] = [f"{column_letter(c)}{last}" for c in range(width)]
    xml = _sheet(rows)
    assert last * width <= MAX_SHEET_CELLS and _within_bounds(xml)
    assert scan_sheet(xml, set())[0].notes == []


@pytest.mark.parametrize("stray", ["A50002", f"{column_letter(MAX_SHEET_CELLS // 50_001)}7"],
                         ids=["a cell below the last row", "a cell right of what the rows allow"])
def test_a_cell_outside_the_quick_bound_gets_the_careful_look(stray):
    xml = _sheet({1: ["A1", "B1"], 7: ["A7", stray], 50_001: ["A50001"]})
    assert not _within_bounds(xml)


def test_rows_missing_by_the_hundred_thousand_get_the_careful_look():
    assert not _within_bounds(_sheet({1: ["A1", "B1"], 2: ["A2"], 200_000: ["A200000"]}))
