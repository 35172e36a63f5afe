"""Which rows cannot get the decision they are due for, and why: `kiemsat check`'s cảnh báo.

A row due for its sheet's decision (the default assignment: not past its stage, no number of
that type yet) that leaves empty a fact the type's manifest requires gets one cảnh báo per fact,
at the cell to fill: «thiếu «Cơ quan điều tra»: chưa ra được quyết định phân công ...».
"""

from __future__ import annotations

from collections.abc import Iterable

from macros_py.decisions.decision_types import DecisionType
from macros_py.decisions.issuing import due_records, fact_label, missing_facts
from macros_py.decisions.manifest import builtin_types
from macros_py.ledger.problems import WARNING, Problem, column_letter
from macros_py.ledger.reader import Ledger, Record, SheetData
from macros_py.ledger.schema import SETTINGS_SHEET


def decision_problems(ledger: Ledger, types: Iterable[DecisionType] | None = None) -> list[Problem]:
    """A cảnh báo per missing required fact, for each row due for a type's decision (types issued on
    request, such as extensions, are checked when they are asked for)."""
    out: list[Problem] = []
    for dtype in types if types is not None else builtin_types():
        if not ledger.sheets_of(dtype.sheet) or dtype.on_request or not dtype.required:
            continue
        due = {r.where for r in due_records(ledger, dtype, complete=False)}
        for data in ledger.sheets_of(dtype.sheet):  # each sheet of the kind: one per prosecutor, per year, ...
            out += _lacking(ledger, dtype, data, [r for r in data.records if r.where in due])
    # a fact kept in Cấu hình is lacking once, whatever the number of sheets
    return list({(p.sheet, p.row, p.column, p.message): p for p in out}.values())


def _lacking(ledger: Ledger, dtype: DecisionType, data: SheetData, due: list[Record]) -> list[Problem]:
    out: list[Problem] = []
    for fact in dtype.required:
        label = fact_label(dtype, fact.field)
        lacking = [r.row for r in due if fact in missing_facts(dtype, r.values, ledger.settings)]
        if not lacking:
            continue
        index = data.column_of(fact.field) if fact.field in dtype.spec.keys else None
        message = f"«{dtype.title}» ({dtype.key}): thiếu «{label}»: {fact.reason}"
        if fact.field in dtype.spec.keys and index is None:  # the sheet has no such column: say it once
            out.append(Problem(data.name, data.header_row, label, "", f"{message} (sheet không có cột này; "
                               f"{len(lacking)} dòng cần quyết định đang thiếu)", WARNING))
        elif index is None:
            out.append(Problem(SETTINGS_SHEET, None, label, "", message, WARNING))
        else:
            out += [Problem(data.name, row, column_letter(index), "", message, WARNING) for row in lacking]
    return out
