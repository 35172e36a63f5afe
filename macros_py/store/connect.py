"""Opening a store from its URL: `postgresql://user@host:port/db` or `sqlite:///path/to/file.sqlite3`.

A password never comes from the URL (it would sit in the shell history, the task scheduler, the process
list): a URL carrying one is refused. It comes from the environment variable `KIEMSAT_STORE_PASSWORD`, else
from the OS keyring (service «kiemsat-store», user name as in the URL), else libpq's own means (`.pgpass`,
`PGPASSFILE`, peer or trust authentication on the server).

SQLAlchemy Core drives both databases through one API (psycopg 3 for PostgreSQL, the standard sqlite3 module
for SQLite); every statement binds its values as parameters, never as SQL text.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from macros_py.store.errors import StoreError

PASSWORD_ENV = "KIEMSAT_STORE_PASSWORD"
KEYRING_SERVICE = "kiemsat-store"
CONNECT_TIMEOUT = 10  # seconds: a server that does not answer is reported, not waited on for minutes


@dataclass
class Store:
    """An open store: its engine, its dialect («postgresql» or «sqlite») and how to name it to people."""

    engine: Engine
    dialect: str
    shown: str  # the URL without any secret, for messages

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    def dispose(self) -> None:
        self.engine.dispose()


def _keyring_password(user: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except (KeyringError, RuntimeError, OSError):
        return None  # no usable keyring on this machine (a headless server): libpq's own means remain


def parse_url(text: str) -> URL:
    """The SQLAlchemy URL of a store, or StoreError (Vietnamese) naming what is wrong with `text`."""
    try:
        url = make_url(text)
    except ArgumentError:
        raise StoreError(f"địa chỉ kho số liệu «{text}» không hợp lệ; cần dạng postgresql://TÀI_KHOẢN@MÁY_CHỦ/CSDL "
                         "hoặc sqlite:///đường/dẫn/kho.sqlite3.") from None
    backend = url.get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise StoreError(f"kho số liệu «{url.render_as_string(hide_password=True)}»: kiemsat chỉ dùng PostgreSQL "
                         "(postgresql://...) hoặc SQLite (sqlite:///...).")
    if url.password is not None:
        raise StoreError("địa chỉ kho số liệu có ghi mật khẩu: không ghi mật khẩu trên dòng lệnh; hãy đặt trong biến "
                         f"môi trường {PASSWORD_ENV} hoặc kho mật khẩu của máy (keyring, dịch vụ «{KEYRING_SERVICE}», "
                         "tên tài khoản như trong địa chỉ).")
    if backend == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    elif backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise StoreError("kho SQLite cần đường dẫn một tệp, ví dụ sqlite:///D:/kiemsat/kho.sqlite3.")
    return url


def _sqlite_engine(url: URL) -> Engine:
    path = Path(url.database or "")
    if not path.parent.is_dir():
        raise StoreError(f"thư mục «{path.parent}» của kho SQLite không có; hãy tạo thư mục đó trước.")
    engine = sa.create_engine(url.set(drivername="sqlite+pysqlite"), connect_args={"timeout": 60},
                              poolclass=sa.pool.NullPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver's own BEGIN is replaced by ours below
        dbapi_conn.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # a writer takes the write lock at once: two publishes queue instead of failing half way
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def open_store(text: str, *, password: str | None = None) -> Store:
    """Open the store at the URL `text` (nothing is read yet; `migrate.ready` checks its version).

    `password` is for callers holding one already (tests, the benchmark); otherwise it is looked up
    as the module's docstring says."""
    url = parse_url(text)
    shown = url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        return Store(_sqlite_engine(url), "sqlite", shown)
    if password is None:
        password = os.environ.get(PASSWORD_ENV) or (_keyring_password(url.username) if url.username else None)
    if password is not None:
        url = url.set(password=password)
    engine = sa.create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "kiemsat"},
                              pool_pre_ping=True)
    return Store(engine, "postgresql", shown)


def describe_db_error(exc: BaseException, store: Store, doing: str = "làm việc với") -> str:
    """One Vietnamese sentence for a database failure (never the password, never a traceback)."""
    orig = getattr(exc, "orig", exc)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    where = f"kho số liệu «{store.shown}»"
    if "no password supplied" in text:
        return (f"{where} cần mật khẩu mà chưa có: đặt mật khẩu trong biến môi trường {PASSWORD_ENV} hoặc kho mật "
                f"khẩu của máy (keyring, dịch vụ «{KEYRING_SERVICE}», tên tài khoản như trong địa chỉ); không ghi "
                "mật khẩu trên dòng lệnh.")
    if sqlstate in ("28P01", "28000") or "password authentication failed" in text:
        return (f"{where} từ chối đăng nhập: sai tài khoản hoặc mật khẩu. Mật khẩu đặt trong biến môi trường "
                f"{PASSWORD_ENV} hoặc kho mật khẩu của máy (dịch vụ «{KEYRING_SERVICE}»).")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated or sqlstate.startswith("08") or (
            "connection" in text.lower() and ("refused" in text.lower() or "failed" in text.lower()
                                              or "closed" in text.lower() or "timeout" in text.lower())):
        return (f"không kết nối được {where}: máy chủ không trả lời (đang tắt, mất mạng hoặc sai địa chỉ). "
                "Không có gì được ghi dở; sổ của đơn vị không bị ảnh hưởng. Hãy thử lại sau.")
    if sqlstate == "42501":
        return (f"tài khoản không có quyền {doing} {where} (mỗi đơn vị chỉ đọc, ghi số liệu của mình; chỉ tài khoản "
                "của Viện tỉnh đọc được mọi đơn vị).")
    if sqlstate in ("40001", "40P01"):
        return f"{where} đang bận vì một lần ghi khác cùng lúc; không có gì được ghi dở, hãy chạy lại lệnh."
    if isinstance(orig, sqlite3.OperationalError) and "locked" in text:
        return f"{where} đang bị một chương trình khác ghi quá lâu; không có gì được ghi dở, hãy chạy lại lệnh."
    if isinstance(orig, sqlite3.DatabaseError) and not isinstance(orig, sqlite3.OperationalError):
        return f"{where} không phải kho số liệu của kiemsat hoặc bị hỏng ({text})."
    return f"lỗi khi {doing} {where}: {text}."
