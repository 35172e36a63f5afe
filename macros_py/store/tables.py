"""The store's tables as SQLAlchemy Core sees them, for building statements (never for creating them:
the numbered files of `migrations/` do that; tests/test_store.py checks the two agree, column by column)."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

metadata = sa.MetaData()


class UtcTime(sa.TypeDecorator):
    """An aware UTC datetime: timestamptz on PostgreSQL, ISO 8601 text on SQLite."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine:
        return dialect.type_descriptor(sa.Text() if dialect.name == "sqlite" else sa.DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | str | None:
        if value is None:
            return None
        value = value.astimezone(timezone.utc)
        return value.isoformat() if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | str | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)

units = sa.Table(
    "units", metadata,
    sa.Column("code", sa.Text, primary_key=True),  # «Mã sổ»
    sa.Column("unit_name", sa.Text, nullable=False),
    sa.Column("ledger_title", sa.Text, nullable=False),
    sa.Column("parent_unit", sa.Text),
    sa.Column("current_snapshot", sa.BigInteger),
    sa.Column("first_published", UtcTime, nullable=False),
    sa.Column("last_published", UtcTime, nullable=False),
)

snapshots = sa.Table(
    "snapshots", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("unit_code", sa.Text, nullable=False),
    sa.Column("unit_name", sa.Text, nullable=False),
    sa.Column("ledger_title", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("published_at", UtcTime, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("kiemsat_version", sa.Text, nullable=False),
    sa.Column("format", sa.Integer, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON (codec)
    sa.Column("sheets", sa.Text, nullable=False),  # JSON: sheet key -> name, header row, columns
    sa.Column("problems", sa.Text, nullable=False),  # JSON: the ledger's input errors and warnings
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("deadline_count", sa.Integer, nullable=False),
    sa.Column("error_count", sa.Integer, nullable=False),
)

ledger_rows = sa.Table(
    "ledger_rows", metadata,
    sa.Column("unit_code", sa.Text, primary_key=True),
    sa.Column("snapshot_id", sa.BigInteger, nullable=False),
    sa.Column("sheet", sa.Text, primary_key=True),
    sa.Column("row_no", sa.Integer, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),  # JSON (codec): column key -> value
    sa.Column("extra", sa.Text),  # JSON: the unit's own columns, header -> value
)

deadlines = sa.Table(
    "deadlines", metadata,
    sa.Column("unit_code", sa.Text, primary_key=True),
    sa.Column("snapshot_id", sa.BigInteger, nullable=False),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("sheet", sa.Text, nullable=False),
    sa.Column("row_no", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("case_ref", sa.Text),
    sa.Column("person", sa.Text),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("lapses", sa.Boolean, nullable=False),  # over (not overdue) once the due date has passed
    sa.Column("prosecutor", sa.Text),
    sa.Column("leader", sa.Text),
    sa.Column("data", sa.Text, nullable=False),  # JSON (codec): every field of the Deadline
)

period_reports = sa.Table(
    "period_reports", metadata,
    sa.Column("unit_code", sa.Text, primary_key=True),
    sa.Column("period", sa.Text, primary_key=True),
    sa.Column("state", sa.Text, nullable=False),  # 'sent' | 'returned'; no row: not sent
    sa.Column("snapshot_id", sa.BigInteger),
    sa.Column("sent_at", UtcTime),
    sa.Column("sent_by", sa.Text),
    sa.Column("returned_at", UtcTime),
    sa.Column("returned_by", sa.Text),
    sa.Column("reason", sa.Text),
)
