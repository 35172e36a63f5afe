"""What a unit publishes: its ledger as read, its deadlines with their computations, and who it is.

`build_snapshot(ledger, today)` reads nothing: it turns a read `Ledger` (and its `DeadlineReport`) into
texts ready for the store. The rows are every record of every sheet kiemsat read (Cán bộ and Sổ quyết
định too: the statistics and the alerts are computed from them), with the sheet's name, header row and
column positions, so `load.ledger_of` gives back a `Ledger` the statistics and the alerts take as read from
the file. The deadlines keep every field the engine gives (`dataclasses.fields(Deadline)`: a field added
later is published without a change here).

A unit is known by «Mã sổ» (sheet Cấu hình): a ledger without one is refused, since a unit renamed would
otherwise start a new history. The content hash covers rows, settings, sheets and problems, and
what the deadlines are computed with (kiemsat's version, the rules table's text): the deadlines follow from
them (their days left, which change every day, are counted again by the reader). Publishing the same ledger
twice finds the same hash and writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from macros_py import __version__
from macros_py.law.deadlines import Deadline, DeadlineReport
from macros_py.law.rules import Rules, default_rules
from macros_py.ledger.reader import Ledger
from macros_py.ledger.schema import SETTINGS_BY_KEY, SETTINGS_SHEET
from macros_py.store.codec import FORMAT, content_hash, dumps
from macros_py.store.errors import StoreError



def _rules_print(rules: Rules) -> str:
    """What the deadlines were computed with: the rules table's text (its hash)."""
    path = getattr(rules, "path", None)
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else "?"
    except OSError:
        return "?"


@dataclass
class RowOut:
    sheet: str
    row: int
    data: str
    extra: str | None


@dataclass
class DeadlineOut:
    seq: int
    sheet: str
    row: int
    kind: str
    case_ref: str | None
    person: str | None
    due: date
    done: bool
    lapses: bool
    prosecutor: str | None
    leader: str | None
    data: str


@dataclass
class Snapshot:
    unit_code: str
    unit_name: str
    ledger_title: str
    parent_unit: str | None
    file_name: str
    as_of: date
    settings: str
    sheets: str
    problems: str
    rows: list[RowOut]
    deadlines: list[DeadlineOut]
    error_count: int
    content_hash: str
    kiemsat_version: str = __version__
    format: int = FORMAT


def _text(settings: dict[str, Any], key: str) -> str:
    value = settings.get(key)
    if value in (None, ""):
        value = SETTINGS_BY_KEY[key].default
    return " ".join(str(value or "").split())


def unit_code_of(ledger: Ledger) -> str:
    code = _text(ledger.settings, "ledger_code")
    if not code:
        label = SETTINGS_BY_KEY["ledger_code"].label
        raise StoreError(f"sổ «{ledger.path.name}» chưa có «{label}» ở sheet «{SETTINGS_SHEET}»: kho số liệu nhận "
                         f"biết đơn vị bằng mã này (đổi tên đơn vị vẫn giữ được số liệu cũ). Hãy ghi «{label}» "
                         "(ví dụ HP-KV1; mỗi sổ một mã riêng, không đổi) rồi gửi lại.")
    if len(code) > 64:
        raise StoreError(f"«{SETTINGS_BY_KEY['ledger_code'].label}» «{code[:70]}…» dài quá 64 ký tự.")
    return code


_STORABLE = (str, int, float, bool, type(None), date, time)


def deadline_fields(d: Deadline) -> dict[str, Any]:
    """The deadline's values (its link to the rules table entry is not one: the reader finds the entry by
    kind), and what the rule made of it for people (who acts, what to do), kept as the unit saw them."""
    out = {f.name: getattr(d, f.name) for f in dataclasses.fields(d) if isinstance(getattr(d, f.name), _STORABLE)}
    for name in ("actor_label", "action"):
        value = getattr(d, name, None)
        if isinstance(value, str):
            out[f"_{name}"] = value
    return out


def store_keys(ledger: Ledger) -> list[tuple[str, Any]]:
    """Each sheet read and its key in the store: the schema key for the first sheet of a kind (as every
    snapshot had), «an_hinh_su#2», «#3», ... for the further ones (one per prosecutor, per year), so their
    rows, whose numbers repeat across sheets, keep their own (sheet, row). A kiemsat that does not know
    such a key skips it, as it skips a sheet a newer kiemsat reads."""
    out = []
    for key in ledger.sheets:
        out += [(key if i == 1 else f"{key}#{i}", data) for i, data in enumerate(ledger.sheets_of(key), start=1)]
    return out


def build_snapshot(ledger: Ledger, report: DeadlineReport, *, rules: Rules | None = None) -> Snapshot:
    """The snapshot of `ledger` with its deadlines `report` (computed with `rules`, default the packaged table)."""
    code = unit_code_of(ledger)
    rules = rules or default_rules()
    settings = dumps(ledger.settings)
    stored = store_keys(ledger)
    sheets = json.dumps({key: {"name": d.name, "header_row": d.header_row, "columns": d.columns,
                               "extra_columns": {str(k): v for k, v in d.extra_columns.items()},
                               **({"kind": d.spec.key} if key != d.spec.key else {})}
                         for key, d in stored}, ensure_ascii=False, sort_keys=True)
    problems = json.dumps([p.as_dict() for p in ledger.problems], ensure_ascii=False)
    rows = [RowOut(key, rec.row, dumps(rec.values), dumps(rec.extra) if rec.extra else None)
            for key, data in stored for rec in data.records]
    out: list[DeadlineOut] = []
    for seq, d in enumerate(report.deadlines):
        rule = rules.get(d.step_of or d.kind)
        lapses = d.step_of is not None or bool(rule is not None and rule.expires)
        data = dumps(deadline_fields(d))
        out.append(DeadlineOut(seq, d.sheet, d.row, d.kind, d.case, d.person, d.due,
                               d.done and not (lapses and d.days_left < 0), lapses, d.prosecutor, d.leader, data))
    digest = content_hash([str(FORMAT), __version__, _rules_print(rules), code, ledger.path.name, settings, sheets,
                           problems, *(f"{r.sheet}\x1f{r.row}\x1f{r.data}\x1f{r.extra or ''}" for r in rows)])
    parent = _text(ledger.settings, "parent_unit") or None
    return Snapshot(code, _text(ledger.settings, "unit_name"), _text(ledger.settings, "ledger_title"), parent,
                    ledger.path.name, report.today, settings, sheets, problems, rows, out, len(ledger.errors), digest)
