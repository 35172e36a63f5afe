"""Reading the store back: each unit's current snapshot as a `Ledger` and its deadlines as `Deadline`s.

A `Ledger` rebuilt here is what the statistics (`macros_py.stats`) and the alerts (`mailer`) take from a
file: the same records, settings, sheet names and problems. Deadlines are those the unit published, with
their computations; their days left and status are counted again for the day asked (`today`): a limit
that was running at the unit's last publish is overdue at the province the day after it ends.

A snapshot written by a kiemsat whose format this one does not know (`codec.FORMAT`), or whose rows it cannot
decode, is not read: `UnitData.refused` says why in Vietnamese and the other units are read as usual.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from macros_py.law.deadlines import Deadline, status_for
from macros_py.ledger.problems import Problem
from macros_py.ledger.reader import Ledger, Record, SheetData
from macros_py.ledger.schema import SETTINGS_BY_KEY, SHEETS_BY_KEY
from macros_py.store import tables as t
from macros_py.store.codec import FORMAT, CodecError, loads
from macros_py.store.connect import Store, describe_db_error
from macros_py.store.errors import StoreError

KNOWN_FORMATS = (FORMAT,)
_FIELDS = {f.name: f for f in dataclasses.fields(Deadline)}
_REQUIRED = {n for n, f in _FIELDS.items()
             if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}


@dataclass
class UnitInfo:
    code: str  # «Mã sổ»
    unit_name: str
    ledger_title: str
    parent_unit: str | None
    snapshot_id: int | None
    published_at: datetime | None  # of the current snapshot
    as_of: date | None  # the day the unit computed its deadlines
    kiemsat_version: str | None
    format: int | None
    rows: int
    deadlines: int
    errors: int
    file_name: str | None


@dataclass
class UnitData:
    info: UnitInfo
    ledger: Ledger | None = None
    deadlines: list[Deadline] = field(default_factory=list)
    alert_days: int = 10
    refused: str | None = None  # why this unit's snapshot was not read (Vietnamese)


def _wrap(store: Store, fn: Any, *args: Any, **kw: Any) -> Any:
    try:
        return fn(*args, **kw)
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, store, "đọc")) from None


def list_units(store: Store) -> list[UnitInfo]:
    """Every unit the store knows (that the role may see), by name."""
    u, s = t.units, t.snapshots
    query = (sa.select(u.c.code, u.c.unit_name, u.c.ledger_title, u.c.parent_unit, u.c.current_snapshot,
                       s.c.published_at, s.c.as_of, s.c.kiemsat_version, s.c.format, s.c.row_count,
                       s.c.deadline_count, s.c.error_count, s.c.file_name)
             .select_from(u.outerjoin(s, s.c.id == u.c.current_snapshot)).order_by(u.c.unit_name, u.c.code))

    def run() -> list[UnitInfo]:
        with store.engine.connect() as conn:
            return [UnitInfo(r.code, r.unit_name, r.ledger_title, r.parent_unit, r.current_snapshot, r.published_at,
                             r.as_of, r.kiemsat_version, r.format, r.row_count or 0, r.deadline_count or 0,
                             r.error_count or 0, r.file_name) for r in conn.execute(query)]
    return _wrap(store, run)


def history(store: Store, code: str) -> list[dict[str, Any]]:
    """The unit's snapshots, oldest first: when, under which name, how many rows, its hash."""
    s = t.snapshots
    query = (sa.select(s.c.id, s.c.published_at, s.c.unit_name, s.c.row_count, s.c.content_hash, s.c.file_name)
             .where(s.c.unit_code == code).order_by(s.c.id))

    def run() -> list[dict[str, Any]]:
        with store.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]
    return _wrap(store, run)


def _alert_days(settings: dict[str, Any]) -> int:
    value = settings.get("alert_days")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    default = SETTINGS_BY_KEY["alert_days"].default
    return default if isinstance(default, int) else 10


def deadline_from(data: dict[str, Any], *, done: bool, lapses: bool, today: date, alert_days: int) -> Deadline:
    """A published deadline as of `today`: its days left and status counted again."""
    missing = _REQUIRED - set(data) - {"days_left", "status"}
    if missing:
        raise CodecError(f"thời hạn thiếu trường {', '.join(sorted(missing))}")
    kept = {k: v for k, v in data.items() if k in _FIELDS}
    days_left = (kept["due"] - today).days
    now_done = done or (lapses and days_left < 0)
    kept["days_left"], kept["status"] = days_left, status_for(days_left, now_done, alert_days)
    return Deadline(**kept)


def _ledger(info: UnitInfo, head: Any, rows: Iterable[Any]) -> Ledger:
    settings = loads(head.settings)
    stored: dict[str, SheetData] = {}  # by the key in the store (`snapshot.store_keys`)
    sheets: dict[str, SheetData] = {}
    more: list[SheetData] = []  # further sheets of a kind («an_hinh_su#2»: one per prosecutor, per year)
    for key, meta in sorted(json.loads(head.sheets).items(), key=lambda kv: _sheet_rank(kv[0])):
        spec = SHEETS_BY_KEY.get(meta.get("kind", key))
        if spec is None:  # a sheet a newer kiemsat reads: not this one's to compute with
            continue
        data = SheetData(spec, meta["name"], meta["header_row"], dict(meta["columns"]),
                         {int(k): v for k, v in meta.get("extra_columns", {}).items()})
        stored[key] = data
        if key == spec.key:
            sheets[key] = data
        else:
            more.append(data)
    for r in rows:
        data = stored.get(r.sheet)
        if data is not None:
            data.records.append(Record(data.spec.key, r.row_no, loads(r.data), loads(r.extra), data.name))
    problems = [Problem(**p) for p in json.loads(head.problems)]
    name = head.file_name or f"{info.code}.xlsx"
    return Ledger(Path(name), sheets, settings, problems, [], [d for d in more if d.spec.key in sheets])


def _sheet_rank(key: str) -> tuple[str, int]:
    """«an_hinh_su#10» after «an_hinh_su#2»: the sheets of a kind in the order the unit keeps them."""
    kind, _, n = key.partition("#")
    return kind, int(n) if n.isdigit() else 1


def load_units(store: Store, today: date, codes: Iterable[str] | None = None) -> list[UnitData]:
    """The current snapshot of every unit (or of `codes`), each as a `UnitData`, with deadlines as of `today`."""
    wanted = set(codes) if codes is not None else None
    infos = [i for i in list_units(store) if wanted is None or i.code in wanted]

    def run() -> list[UnitData]:
        out = []
        with store.engine.connect() as conn:
            for info in infos:
                unit = UnitData(info)
                out.append(unit)
                if info.snapshot_id is None:
                    unit.refused = "chưa gửi số liệu lần nào"
                    continue
                if info.format not in KNOWN_FORMATS:
                    unit.refused = (f"số liệu do kiemsat {info.kiemsat_version} gửi theo định dạng {info.format}, "
                                    f"kiemsat này chỉ đọc được định dạng {', '.join(map(str, KNOWN_FORMATS))}; "
                                    "hãy cập nhật kiemsat ở Viện tỉnh hoặc đề nghị đơn vị gửi lại bằng kiemsat mới.")
                    continue
                head = conn.execute(sa.select(t.snapshots).where(t.snapshots.c.id == info.snapshot_id)).one()
                rows = conn.execute(sa.select(t.ledger_rows.c.sheet, t.ledger_rows.c.row_no, t.ledger_rows.c.data,
                                              t.ledger_rows.c.extra)
                                    .where(t.ledger_rows.c.unit_code == info.code)
                                    .order_by(t.ledger_rows.c.sheet, t.ledger_rows.c.row_no))
                try:
                    unit.ledger = _ledger(info, head, rows)
                    unit.alert_days = _alert_days(unit.ledger.settings)
                    d = t.deadlines
                    for r in conn.execute(sa.select(d.c.data, d.c.done, d.c.lapses)
                                          .where(d.c.unit_code == info.code).order_by(d.c.due, d.c.seq)):
                        unit.deadlines.append(deadline_from(loads(r.data), done=bool(r.done), lapses=bool(r.lapses),
                                                            today=today, alert_days=unit.alert_days))
                except (CodecError, KeyError, TypeError, ValueError) as exc:
                    unit.ledger, unit.deadlines = None, []
                    unit.refused = (f"số liệu do kiemsat {info.kiemsat_version} gửi không đọc được ({exc}); hãy đề "
                                    "nghị đơn vị gửi lại.")
        return out
    return _wrap(store, run)
