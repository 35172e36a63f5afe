"""PostgreSQL login roles for the units and the province (run by the store's owner).

A unit's login is a member of `kiemsat_unit` and is given its «Mã sổ» in `unit_roles`; the province's login is
a member of `kiemsat_province`. The policies of migration 3 do the rest. Role names and passwords are put in
the statements with psycopg's `sql.Identifier` and `sql.Literal` (DDL takes no bound parameters); a name outside
[a-z_][a-z0-9_]* is refused before that anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from macros_py.store.connect import Store, describe_db_error
from macros_py.store.errors import StoreError

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
UNIT_GROUP, PROVINCE_GROUP = "kiemsat_unit", "kiemsat_province"


def grant(store: Store, role: str, codes: list[str], *, province: bool = False,
          password: Callable[[], str] | None = None) -> bool:
    """Make `role` (created with a password when missing) a unit role writing `codes`, or the province's.
    Returns True when the role was created."""
    if not store.is_postgresql:
        raise StoreError("tài khoản và phân quyền chỉ có ở kho PostgreSQL; kho SQLite là tệp của một máy.")
    if not ROLE_NAME.match(role) or role in (UNIT_GROUP, PROVINCE_GROUP):
        raise StoreError(f"tên tài khoản «{role}» không dùng được: chỉ chữ thường không dấu, chữ số và dấu gạch "
                         "dưới, bắt đầu bằng chữ, ví dụ kv1_haiphong.")
    from psycopg import sql

    try:
        with store.engine.begin() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            if not exists:
                secret = password() if password else None
                if not secret:
                    raise StoreError(f"cần mật khẩu cho tài khoản mới «{role}».")
                cursor.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role),
                                                                                   sql.Literal(secret)))
            group = PROVINCE_GROUP if province else UNIT_GROUP
            cursor.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role)))
            for code in codes:
                conn.execute(sa.text("INSERT INTO unit_roles (role_name, unit_code) VALUES (:r, :c) "
                                     "ON CONFLICT DO NOTHING"), {"r": role, "c": code})
            return not exists
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, store, "phân quyền trong")) from None
