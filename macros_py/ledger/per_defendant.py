"""A criminal ledger kept one row per defendant, as many units keep it.

The sheet holds the case («Vụ án (bị can)», «Mã vụ án») and the defendant («Họ tên bị can», custody and
detention dates) on each row; two defendants of one case are two rows sharing the case. kiemsat's schema
keeps these apart (`an_hinh_su`: one row per case; `bi_can`: one row per defendant, linked by «Mã vụ án»),
so such a sheet is read twice: once as the criminal cases, its rows grouped by case (the case-level
deadlines counted once per case, at the case's first row), once as the defendants, every row with a
defendant (the custody and detention limits counted per row). Nothing here reads cells: the reader
passes what it found (macros_py.ledger.reader).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from macros_py.ledger.headers import MATCH_SCORE, Entry, best_entries, tokens, vocabulary
from macros_py.ledger.problems import ERROR, WARNING
from macros_py.ledger.schema import CRIMINAL_CASES, DEFENDANTS, Kind
from macros_py.ledger.values import display, fold

CASE_SHEET, DEFENDANT_SHEET = CRIMINAL_CASES.key, DEFENDANTS.key
# columns only a defendant has (both sheets have «Mã vụ án», «Ghi chú» and the computed columns)
DEFENDANT_ONLY = frozenset(DEFENDANTS.keys) - frozenset(CRIMINAL_CASES.keys)
HELD = frozenset(("custody_start", "custody_until", "custody_extended_to", "detention_start", "detention_until",
                  "detention_extended_to"))
COMPUTED = frozenset(c.key for c in DEFENDANTS.columns if c.computed)
# a case's offences may differ between its defendants: the case holds them all
JOINED = frozenset(("offence", "article"))
_SAYS_DEFENDANT = frozenset(("bi", "can"))  # «Vụ án (bị can)», «Vụ án / bị can»

_VOCAB = [e for e in vocabulary(DEFENDANTS) if not e.source]
_EXACT: dict[str, Entry] = {}
for _e in _VOCAB:
    _EXACT.setdefault(fold(_e.text), _e)


@dataclass
class Split:
    """How a criminal sheet holds its defendants: the case column, the defendant headers, and why."""

    case_column: int  # 0-based
    columns: dict[int, tuple[Entry, float]]  # 0-based column -> the defendant column it is read as
    why: str  # Vietnamese: what in the sheet shows one row per defendant


def _defendant_entry(label: str, group_mark: str) -> tuple[Entry, float] | None:
    whole = label.replace(f" {group_mark} ", " ")
    child = label.rsplit(f" {group_mark} ", 1)[-1]
    for text in (whole, child) if whole != child else (whole,):
        entry = _EXACT.get(fold(text))
        if entry is not None:
            return entry, 1.0
    found = best_entries(whole, _VOCAB)
    if found and found[0][0] >= MATCH_SCORE:
        return found[0][1], found[0][0]
    return None


def find_split(labels: dict[int, str], entries: dict[int, tuple[Entry, float]], case_values: Iterable[Any],
               group_mark: str) -> Split | None:
    """The defendant columns of a criminal sheet's header, when its rows are one per defendant: it has a
    defendant's name column and other columns of a defendant (birth, measure, custody), or case ids that
    repeat beside a name column, custody dates or a case header that says «bị can». A name column alone
    beside cases that never repeat is a row per case listing its defendants: not split. `labels` and `entries` are the header as the criminal-case reading found it."""
    case_column = next((c for c, (e, _) in entries.items() if any(k == "case_id" for k, _ in e.fills)), None)
    if case_column is None:
        return None
    columns: dict[int, tuple[Entry, float]] = {}
    for c, label in labels.items():
        if c == case_column:
            continue
        current = entries.get(c)
        if current is not None and current[0].source == "ghim":
            if current[0].fills and {k for k, _ in current[0].fills} <= DEFENDANT_ONLY:
                columns[c] = current  # the unit's pin to a defendant's column: the defendants' reading's
            continue  # the unit's pin to a case column or to its own: the case's
        if current is not None and current[1] >= 1.0 and current[0].fills:
            continue  # a case column as written
        got = _defendant_entry(label, group_mark)
        if got is None or not {k for k, _ in got[0].fills} <= DEFENDANT_ONLY:
            continue
        if current is not None and current[0].fills and current[1] > got[1]:
            continue  # read better as a case column
        columns[c] = got
    if not columns:
        return None
    keys = {k for e, _ in columns.values() for k, _ in e.fills}
    named = next((labels[c] for c, (e, _) in columns.items() if e.fills[0][0] == "name"), None)
    case_label = labels[case_column]
    says = _SAYS_DEFENDANT <= tokens(case_label)
    if named is not None and keys != {"name"}:
        why = f"có cột «{named}» và các cột riêng của từng bị can"
    elif (named is not None or says or keys & HELD) and _repeats(case_values):
        why = ", ".join(x for x in (f"có cột «{named}»" if named else "",
                                    f"cột «{case_label}» ghi theo bị can" if says else "",
                                    "ngày tạm giữ, tạm giam ghi theo từng dòng" if keys & HELD else "") if x)
        why += " và một vụ án có nhiều dòng"
    else:
        # a column «Bị can» alone beside cases that never repeat lists each case's defendants in one cell:
        # a row per case, the column the unit's own
        return None
    return Split(case_column, columns, why)


def case_key(value: Any) -> str:
    """A case id as the rows of one case share it (case and spacing aside)."""
    return fold(display(value)).strip()


def _repeats(values: Iterable[Any]) -> bool:
    seen: set[str] = set()
    for v in values:
        if v is None or v == "" or (isinstance(v, str) and not v.strip()):
            continue
        k = display(v).strip().lower()
        if k in seen:
            return True
        seen.add(k)
    return False


def fill_case_down(rows: list[list[Any]], merged: Sequence[Any], column: int, first_row: int) -> None:
    """A case cell merged down over its defendants' rows: each of those rows takes the case (calamine gives
    the value to the top cell only)."""
    for (r1, c1), (r2, c2) in merged or ():
        if r2 <= r1 or r1 < first_row or not c1 <= column <= c2 or r1 >= len(rows):
            continue
        top = rows[r1][column] if column < len(rows[r1]) else ""
        for r in range(r1 + 1, min(r2 + 1, len(rows))):
            row = rows[r]
            if len(row) <= column:
                row.extend([""] * (column + 1 - len(row)))
            if row[column] == "" or row[column] is None:
                row[column] = top


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return fold(a) == fold(b)
    return a == b


Report = Callable[[int, int, Any, str, str], None]  # (row0, col0, value, message, level)


def one_per_case(records: list[Any], keys: Sequence[str], columns: dict[str, int], bad: set[tuple[int, str]],
                 report: Report) -> tuple[list[Any], dict[str, list[Any]], set[tuple[int, str]]]:
    """The criminal-case records of a sheet kept one row per defendant: one record per case (at its first
    row), each case column taken from the rows that fill it. Two rows of one case that disagree on a date or
    on what selects a time limit are an error (which one holds is not for kiemsat to guess); on another
    column, a cảnh báo and the first row's value; offences differing between defendants are all kept.
    Returns the records, their values by column, and the cells with a problem (by new position)."""
    spec = CRIMINAL_CASES
    first: dict[str, int] = {}
    out: list[Any] = []
    where: dict[int, int] = {}  # old position -> new
    source: dict[tuple[int, str], int] = {}  # (new position, key) -> the Excel row the value was taken from
    for j, rec in enumerate(records):
        case = rec.values.get("case_id")
        k = case_key(case) if case is not None else None
        if k is None or k not in first:
            if k is not None:
                first[k] = len(out)
            where[j] = len(out)
            out.append(rec)
            continue
        i = where[j] = first[k]
        head = out[i]
        head.problems += rec.problems
        for key in keys:
            v = rec.values.get(key)
            if v is None or key == "case_id" or key in COMPUTED or (j, key) in bad:
                continue
            cur = head.values.get(key)
            if cur is None:
                head.values[key] = v
                source[(i, key)] = rec.row
                continue
            if _same(cur, v):
                continue
            col = spec.column(key)
            if key in JOINED and isinstance(cur, str) and isinstance(v, str):
                if fold(v) not in {fold(p) for p in cur.split("; ")}:
                    head.values[key] = f"{cur}; {v}"
                continue
            earlier = source.get((i, key), head.row)
            if col.kind is Kind.DATE or col.strict or col.kind is Kind.INT:
                head.problems += 1
                report(rec.row - 1, columns[key], v, f"«{col.label}» ({display(v)}) khác với dòng {earlier} "
                       f"({display(cur)}) của cùng vụ án «{display(case)}»; các dòng của một vụ án (mỗi dòng một "
                       "bị can) cần ghi cùng thông tin vụ án: hãy sửa cho giống nhau.", ERROR)
            else:
                report(rec.row - 1, columns[key], v, f"«{col.label}» ({display(v)}) khác với dòng {earlier} "
                       f"({display(cur)}) của cùng vụ án «{display(case)}»; kiemsat dùng giá trị ở dòng {earlier}.",
                       WARNING)
        for label, v in rec.extra.items():
            head.extra.setdefault(label, v)
    moved = {(where[j], key) for j, key in bad}
    return out, {key: [r.values.get(key) for r in out] for key in keys}, moved


def duplicate_defendants(records: Sequence[Any], column: int | None, report: Report) -> None:
    """The same defendant of the same case on two rows: an error (the second row's limits would be counted twice)."""
    seen: dict[tuple[str, str], int] = {}
    for rec in records:
        case, name = rec.values.get("case_id"), rec.values.get("name")
        if case is None or name is None or column is None:
            continue
        k = (fold(display(case)).strip(), fold(display(name)).strip())
        if k in seen:
            rec.problems += 1
            report(rec.row - 1, column, name, f"bị can «{display(name)}» của vụ án «{display(case)}» đã ghi ở dòng "
                   f"{seen[k]}; mỗi bị can một dòng: hãy xóa dòng trùng hoặc sửa tên, mã vụ án.", ERROR)
        else:
            seen[k] = rec.row


def reading_words(cases: int, rows: int, why: str) -> str:
    """The interpretation in words, for `check`, `check --mapping` and the «Cách đọc cột» sheet."""
    return (f"mỗi dòng một bị can ({why}): {rows} dòng bị can, {cases} vụ án; thời hạn điều tra, truy tố, xét xử "
            "tính một lần cho mỗi vụ án, thời hạn tạm giữ, tạm giam tính cho từng bị can; «Hạn tiếp theo» của mỗi "
            "dòng là hạn sớm hơn giữa hạn của vụ án và hạn của bị can đó")


def pinned_to_defendants(entries: dict[int, tuple[Entry, float]]) -> list[int]:
    """The columns of a criminal sheet's header a unit pinned to a defendant's column (0-based)."""
    return [c for c, (e, _) in entries.items()
            if e.source == "ghim" and e.fills and {k for k, _ in e.fills} <= DEFENDANT_ONLY]
