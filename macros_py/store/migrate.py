"""The store's schema version: numbered SQL files, applied in order, each in one transaction.

`migrations/<dialect>/NNNN_name.sql` are the steps (the same numbers for PostgreSQL and SQLite; a step
that means nothing on SQLite, such as roles, is a file holding only comments). `schema_migrations` records
each step applied. `ready(store)` is what every command calls first:

* a store without the table is created (all steps);
* an older store is upgraded to the steps this kiemsat knows (under an advisory lock on PostgreSQL, the
  write lock on SQLite, so two kiemsat starting together do not both apply a step);
* a store upgraded by a newer kiemsat is refused with a Vietnamese sentence: this kiemsat does not know
  what the newer steps changed, so it neither reads nor writes.

On PostgreSQL a unit's role cannot change the schema: meeting an older store, it says who must upgrade it
(`kiemsat store upgrade` run by the store's owner).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from importlib import resources

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, ProgrammingError

from macros_py.store.connect import Store, describe_db_error
from macros_py.store.errors import StoreError

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x6B69656D  # pg_advisory_xact_lock key: «kiem»


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    sql: str


@cache
def steps(dialect: str) -> tuple[Step, ...]:
    """The numbered steps for `dialect`, in order; numbers run 1, 2, 3 ... without a gap."""
    folder = resources.files("macros_py.store").joinpath("migrations", dialect)
    found = []
    for entry in folder.iterdir():
        m = _FILE.match(entry.name)
        if m:
            found.append(Step(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda s: s.version)
    assert [s.version for s in found] == list(range(1, len(found) + 1)), f"migrations/{dialect}: numbering gap"
    return tuple(found)


def latest(dialect: str = "sqlite") -> int:
    return len(steps(dialect))


def _sqlite_statements(sql: str) -> list[str]:
    """The statements of a script, one by one (sqlite3's executescript would commit on its own)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;") and not all(x.strip().startswith("--") or not x.strip() for x in buf.splitlines()):
                out.append(buf)
            buf = ""
    return out


_BOOTSTRAP = ("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
              "applied_at text NOT NULL)")


def current_version(store: Store) -> int | None:
    """The highest step applied, or None for a database kiemsat has never set up."""
    try:
        with store.engine.connect() as conn:
            return conn.execute(sa.text("SELECT max(version) FROM schema_migrations")).scalar() or 0
    except (ProgrammingError, sa.exc.OperationalError) as exc:
        text = str(getattr(exc, "orig", exc))
        if "schema_migrations" in text and ("does not exist" in text or "no such table" in text):
            return None
        raise


def _too_new(store: Store, found: int) -> StoreError:
    return StoreError(
        f"kho số liệu «{store.shown}» đã được một phiên bản kiemsat mới hơn nâng lên phiên bản {found}; kiemsat này "
        f"chỉ biết đến phiên bản {latest(store.dialect)} nên không đọc, không ghi gì vào kho. Hãy cập nhật kiemsat "
        "(py -m pip install -U kiemsat) rồi chạy lại lệnh.")


def upgrade(store: Store, target: int | None = None) -> list[int]:
    """Apply the steps after the store's version, up to `target` (default: all). Returns the steps applied."""
    known = steps(store.dialect)
    target = len(known) if target is None else target
    applied: list[int] = []
    with store.engine.begin() as conn:
        if store.is_postgresql:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        conn.exec_driver_sql(_BOOTSTRAP)
        found = conn.execute(sa.text("SELECT max(version) FROM schema_migrations")).scalar() or 0
        if found > len(known):
            raise _too_new(store, found)
        for step in known[found:target]:
            if store.is_postgresql:
                conn.exec_driver_sql(step.sql)
            else:
                for statement in _sqlite_statements(step.sql):
                    conn.exec_driver_sql(statement)
            conn.execute(sa.text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)"),
                         {"v": step.version, "n": step.name, "t": datetime.now(timezone.utc).isoformat()})
            applied.append(step.version)
    return applied


def ready(store: Store, *, upgrade_old: bool = True) -> int:
    """Check (and if it is older, upgrade) the store's schema; returns its version. StoreError otherwise."""
    try:
        found = current_version(store)
        want = latest(store.dialect)
        if found is not None and found > want:
            raise _too_new(store, found)
        if found == want:
            return found
        if not upgrade_old:
            raise StoreError(f"kho số liệu «{store.shown}» ở phiên bản {found or 0}, cần phiên bản {want}; "
                             "hãy chạy «kiemsat store upgrade --store ĐỊA_CHỈ».")
        try:
            upgrade(store)
        except ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", "") == "42501":
                raise StoreError(
                    f"kho số liệu «{store.shown}» ở phiên bản {found or 0}, kiemsat này cần phiên bản {want}; tài "
                    "khoản của đơn vị không được sửa cấu trúc kho. Người quản trị kho (chủ sở hữu cơ sở dữ liệu) "
                    "cần chạy «kiemsat store upgrade --store ĐỊA_CHỈ».") from None
            raise
        return want
    except StoreError:
        raise
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, store, "mở")) from None
