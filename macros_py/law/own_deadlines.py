"""A unit's own deadline column («Hạn giải quyết», «Hạn tạm giam», typed or a formula) checked against
the deadline kiemsat computes: each disagreement is a cảnh báo giving both dates and the reason.

The columns are named once in the schema (`OWN_DEADLINE_COLUMNS`); the reader keeps them as the unit's
own columns (kiemsat never writes into them), so the value compared is what the clerk sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from macros_py.ledger.headers import tokens
from macros_py.ledger.problems import WARNING, Problem, column_letter
from macros_py.ledger.reader import GROUP_MARK, Ledger
from macros_py.ledger.schema import OWN_DEADLINE_COLUMNS
from macros_py.ledger.values import BadValue, fmt_date, parse_date

_HEADERS = [(sheet, rules, {tokens(h) for h in headers}) for sheet, rules, headers in OWN_DEADLINE_COLUMNS]


def _own_columns(ledger: Ledger) -> Iterable[tuple[str, tuple[str, ...], int, str]]:
    """(sheet key, rules, column index, header as written) of each own deadline column found."""
    for sheet, rules, known in _HEADERS:
        data = ledger.sheets.get(sheet)
        if data is None:
            continue
        for c, label in data.extra_columns.items():
            if tokens(label.rsplit(GROUP_MARK, 1)[-1]) in known or tokens(label) in known:
                yield sheet, rules, c, label


def check_own_deadlines(ledger: Ledger, deadlines: Iterable[Any]) -> list[Problem]:
    """A cảnh báo for each row whose own deadline column disagrees with kiemsat's deadline of that rule
    (the latest phase the row has reached); one that cannot be read as a date is a cảnh báo too. Each asks
    for action (`Problem.confirm`): the command exits 1 until the column agrees."""
    found = list(_own_columns(ledger))
    if not found:
        return []
    by_row: dict[tuple[str, int, str], Any] = {}
    for d in deadlines:
        if d.step_of is None:
            by_row.setdefault((d.sheet, d.row, d.kind), d)
    out: list[Problem] = []
    for sheet, rules, c, label in found:
        data = ledger.sheets[sheet]
        for rec in data.records:
            raw = rec.extra.get(label)
            if raw is None or raw == "":
                continue
            ours = [by_row[(sheet, rec.row, k)] for k in rules if (sheet, rec.row, k) in by_row]
            if not ours:
                continue
            d = max(ours, key=lambda x: (x.start, -rules.index(x.kind)))
            try:
                written = parse_date(raw)
            except BadValue as exc:
                out.append(Problem(data.name, rec.row, column_letter(c), str(raw),
                                   f"«{label}»: {exc}; kiemsat tính hạn này là {fmt_date(d.due)} ({d.basis}).",
                                   WARNING, confirm=True))
                continue
            if written is None or written == d.due:
                continue
            out.append(Problem(
                data.name, rec.row, column_letter(c), fmt_date(written),
                f"«{label}»: sổ ghi {fmt_date(written)}; theo {d.basis}, kiemsat tính là {fmt_date(d.due)} "
                f"({d.computation}). Hãy sửa ô này (hoặc công thức của cột) cho đúng.", WARNING, confirm=True))
    return out
