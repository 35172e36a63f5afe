"""Each unit's period report: chưa gửi, đã gửi, bị trả lại (with the reason), as the national portal tracks it.

A unit sends its report for a period up (`send_report`: the state becomes «đã gửi», tied to the unit's current
snapshot); the province sends it back (`return_report`: «bị trả lại» with the reason); the unit sends it again
once mended. On PostgreSQL the policies of migration 3 hold this: a unit's role may only write «đã gửi» for its
own units, the province's role may only turn «đã gửi» into «bị trả lại».
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from macros_py.store import tables as t
from macros_py.store.connect import Store, describe_db_error
from macros_py.store.errors import StoreError

NOT_SENT, SENT, RETURNED = "chưa gửi", "đã gửi", "bị trả lại"
_WORDS = {"sent": SENT, "returned": RETURNED}


@dataclass
class ReportState:
    unit_code: str
    period: str
    state: str  # NOT_SENT, SENT or RETURNED
    sent_at: datetime | None = None
    sent_by: str | None = None
    returned_at: datetime | None = None
    returned_by: str | None = None
    reason: str | None = None
    snapshot_id: int | None = None


def send_command(store_shown: str, code: str, period: str) -> str:
    return f'kiemsat report send --store "{store_shown}" --unit "{code}" --period {period}'


def return_command(store_shown: str, code: str, period: str) -> str:
    return f'kiemsat report return --store "{store_shown}" --unit "{code}" --period {period} --reason "LÝ DO"'


def _who(conn: sa.Connection, store: Store) -> str:
    if store.is_postgresql:
        return str(conn.execute(sa.text("SELECT session_user")).scalar())
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name on this machine
        return "?"


def send_report(store: Store, code: str, period: str, *, now: datetime | None = None) -> ReportState:
    """The unit `code` sends its report for `period` up (again, after it was sent back)."""
    now = now or datetime.now(timezone.utc)
    try:
        with store.engine.begin() as conn:
            unit = conn.execute(sa.select(t.units.c.current_snapshot).where(t.units.c.code == code)).one_or_none()
            if unit is None or unit.current_snapshot is None:
                raise StoreError(f"đơn vị có «Mã sổ» «{code}» chưa gửi số liệu lên kho (kiemsat publish), hoặc "
                                 "không thuộc tài khoản đang dùng; chưa gửi được báo cáo.")
            who = _who(conn, store)
            values = {"unit_code": code, "period": period, "state": "sent", "snapshot_id": unit.current_snapshot,
                      "sent_at": now, "sent_by": who, "returned_at": None, "returned_by": None, "reason": None}
            insert = postgresql.insert(t.period_reports) if store.is_postgresql else sqlite.insert(t.period_reports)
            conn.execute(insert.values(**values).on_conflict_do_update(
                index_elements=["unit_code", "period"],
                set_={k: v for k, v in values.items() if k not in ("unit_code", "period")}))
            return ReportState(code, period, SENT, now, who, snapshot_id=unit.current_snapshot)
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, store, "gửi báo cáo vào")) from None


def return_report(store: Store, code: str, period: str, reason: str, *, now: datetime | None = None) -> ReportState:
    """The province sends the report of `code` for `period` back, saying why."""
    reason = " ".join(reason.split())
    if not reason:
        raise StoreError("cần ghi lý do trả lại báo cáo (--reason \"...\").")
    now = now or datetime.now(timezone.utc)
    r = t.period_reports
    try:
        with store.engine.begin() as conn:
            who = _who(conn, store)
            done = conn.execute(r.update().where(r.c.unit_code == code, r.c.period == period, r.c.state == "sent")
                                .values(state="returned", returned_at=now, returned_by=who, reason=reason))
            if done.rowcount != 1:
                state = conn.execute(sa.select(r.c.state).where(r.c.unit_code == code, r.c.period == period)).scalar()
                said = _WORDS.get(state or "", NOT_SENT)
                raise StoreError(f"báo cáo kỳ {period} của đơn vị «{code}» đang ở trạng thái «{said}»; chỉ trả lại "
                                 "được báo cáo đã gửi.")
            return ReportState(code, period, RETURNED, returned_at=now, returned_by=who, reason=reason)
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, store, "trả lại báo cáo trong")) from None


def report_states(store: Store, period: str, codes: list[str]) -> dict[str, ReportState]:
    """The state of each unit's report for `period` (chưa gửi where nothing was sent)."""
    r = t.period_reports
    try:
        with store.engine.connect() as conn:
            rows = {row.unit_code: row for row in conn.execute(sa.select(r).where(r.c.period == period))}
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, store, "đọc")) from None
    out = {}
    for code in codes:
        row = rows.get(code)
        out[code] = (ReportState(code, period, _WORDS[row.state], row.sent_at, row.sent_by, row.returned_at,
                                 row.returned_by, row.reason, row.snapshot_id)
                     if row is not None else ReportState(code, period, NOT_SENT))
    return out
