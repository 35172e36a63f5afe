"""The shared store on a real PostgreSQL server: roles, row-level security, credentials, faults.

The server is Debian's postgresql 15 started by the tests (tests/pgserver.py); these tests skip, saying why,
where it is not installed. Each unit logs in with its own role; the policies, not kiemsat's code, must stop a
unit from reading or overwriting another unit's rows: the checks below send SQL of their own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from macros_py.law.deadlines import compute_deadlines
from macros_py.ledger.reader import read_ledger
from macros_py.sample import sample_rows
from macros_py.stats.periods import parse_period
from macros_py.store import publish as publish_module
from macros_py.store import tables
from macros_py.store.connect import open_store
from macros_py.store.errors import StoreError
from macros_py.store.load import list_units, load_units
from macros_py.store.migrate import ready
from macros_py.store.province import build_view
from macros_py.store.publish import publish
from macros_py.store.reports import RETURNED, report_states, return_report, send_report
from macros_py.store.roles import grant
from macros_py.store.snapshot import build_snapshot
from tests.province_units import unit_code, unit_ledgers, write_unit

TODAY = date(2026, 3, 16)
PERIOD = parse_period("2026-H1")
KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))
PASSWORDS = {"rls_kv1": "mật-khẩu-kv1 ' \" ;", "rls_kv2": "pw-kv2", "rls_tinh": "pw-tinh"}


def snap_of(path: Path):
    ledger = read_ledger(path)
    return build_snapshot(ledger, compute_deadlines(ledger, TODAY))


@pytest.fixture(scope="module")
def units(tmp_path_factory) -> list[Path]:
    return unit_ledgers(tmp_path_factory.mktemp("pg_units"), 2, today=TODAY)


@pytest.fixture(scope="module")
def province(postgres_server, units):
    """A store with two units, each published by its own role, and the province's role."""
    server = postgres_server
    server.create_database("rls")
    admin = open_store(server.url("kiemsat_admin", "rls"), password=server.admin_password)
    ready(admin)
    grant(admin, "rls_kv1", [unit_code(1)], password=lambda: PASSWORDS["rls_kv1"])
    grant(admin, "rls_kv2", [unit_code(2)], password=lambda: PASSWORDS["rls_kv2"])
    grant(admin, "rls_tinh", [], province=True, password=lambda: PASSWORDS["rls_tinh"])
    stores = {role: open_store(server.url(role, "rls"), password=pw) for role, pw in PASSWORDS.items()}
    publish(stores["rls_kv1"], snap_of(units[0]))
    publish(stores["rls_kv2"], snap_of(units[1]))
    stores["admin"] = admin
    yield stores
    for store in stores.values():
        store.dispose()


def count(store, sql: str, **params) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def test_a_unit_reads_only_its_own_rows(province):
    kv1 = province["rls_kv1"]
    assert count(province["admin"], "SELECT count(DISTINCT unit_code) FROM ledger_rows") == 2
    for table in ("units", "snapshots", "ledger_rows", "deadlines"):
        column = "code" if table == "units" else "unit_code"
        assert count(kv1, f"SELECT count(*) FROM {table} WHERE {column} = :c", c=unit_code(2)) == 0, table
        assert count(kv1, f"SELECT count(*) FROM {table} WHERE {column} = :c", c=unit_code(1)) > 0, table
    assert [u.code for u in list_units(kv1)] == [unit_code(1)]
    assert [u.info.code for u in load_units(kv1, TODAY)] == [unit_code(1)]
    with pytest.raises(DBAPIError, match="permission denied"):
        count(kv1, "SELECT count(*) FROM unit_roles")


def test_a_unit_cannot_overwrite_another_units_rows(province, units):
    kv1, admin = province["rls_kv1"], province["admin"]
    before = count(admin, "SELECT count(*) FROM ledger_rows WHERE unit_code = :c", c=unit_code(2))
    with kv1.engine.begin() as conn:
        for sql in ("UPDATE ledger_rows SET data = '{}' WHERE unit_code = :c",
                    "DELETE FROM deadlines WHERE unit_code = :c",
                    "DELETE FROM ledger_rows WHERE unit_code = :c",
                    "UPDATE units SET unit_name = 'x' WHERE code = :c"):
            assert conn.execute(sa.text(sql), {"c": unit_code(2)}).rowcount == 0, sql
    for sql in ("INSERT INTO ledger_rows (unit_code, snapshot_id, sheet, row_no, data) "
                "SELECT :c, snapshot_id, sheet, row_no + 100000, data FROM ledger_rows LIMIT 1",
                "UPDATE ledger_rows SET unit_code = :c WHERE unit_code = :mine",
                "INSERT INTO period_reports (unit_code, period, state) VALUES (:c, '2026-H1', 'sent')"):
        with pytest.raises(DBAPIError, match="row-level security"), kv1.engine.begin() as conn:
            conn.execute(sa.text(sql), {"c": unit_code(2), "mine": unit_code(1)})
    # kiemsat itself, publishing another unit's ledger with this role: refused, nothing written
    with pytest.raises(StoreError, match="không có quyền|không thuộc đơn vị"):
        publish(kv1, snap_of(units[1]))
    assert count(admin, "SELECT count(*) FROM ledger_rows WHERE unit_code = :c", c=unit_code(2)) == before
    assert count(admin, "SELECT count(*) FROM snapshots WHERE unit_code = :c", c=unit_code(2)) == 1


def test_the_province_reads_every_unit_and_only_sends_reports_back(province, units, tmp_path):
    tinh, kv1 = province["rls_tinh"], province["rls_kv1"]
    view = build_view(tinh, PERIOD, TODAY)
    assert [u.info.code for u in view.read] == [unit_code(1), unit_code(2)]
    assert {x.unit.info.code for x in view.overdue()} == {unit_code(1), unit_code(2)}
    with pytest.raises(StoreError, match="không có quyền"):
        publish(tinh, snap_of(units[0]))
    with pytest.raises(StoreError):
        send_report(tinh, unit_code(1), PERIOD.code)
    send_report(kv1, unit_code(1), PERIOD.code)
    with pytest.raises(StoreError):  # a unit does not send its own report back
        return_report(kv1, unit_code(1), PERIOD.code, "tự trả")
    return_report(tinh, unit_code(1), PERIOD.code, "Thiếu biểu 02")
    state = report_states(tinh, PERIOD.code, [unit_code(1)])[unit_code(1)]
    assert (state.state, state.reason, state.returned_by, state.sent_by) == (RETURNED, "Thiếu biểu 02", "rls_tinh",
                                                                             "rls_kv1")
    # the province cannot rewrite a unit's rows either
    with pytest.raises(DBAPIError, match="permission denied"), tinh.engine.begin() as conn:
        conn.execute(sa.text("UPDATE ledger_rows SET data = '{}'"))


def test_credentials_come_from_the_environment_never_the_command_line(province, postgres_server, units, tmp_path):
    url = postgres_server.url("rls_kv1", "rls")
    env = {k: v for k, v in os.environ.items() if k != "KIEMSAT_STORE_PASSWORD"}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"  # no keyring on this machine
    refused = subprocess.run([KIEMSAT, "publish", str(units[0]), "--store", url], capture_output=True, text=True,
                             env=env, timeout=300)
    assert refused.returncode == 2 and refused.stderr.startswith("Lỗi:")
    assert "KIEMSAT_STORE_PASSWORD" in refused.stderr
    done = subprocess.run([KIEMSAT, "publish", str(units[0]), "--store", url, "--today", TODAY.isoformat()],
                          capture_output=True, text=True, env={**env, "KIEMSAT_STORE_PASSWORD": PASSWORDS["rls_kv1"]},
                          timeout=300)
    assert done.returncode == 0, done.stderr
    with_password = subprocess.run([KIEMSAT, "publish", str(units[0]), "--store",
                                    url.replace("rls_kv1@", "rls_kv1:x@")], capture_output=True, text=True, env=env,
                                   timeout=300)
    assert with_password.returncode == 2 and "không ghi mật khẩu trên dòng lệnh" in with_password.stderr


def test_a_unit_role_does_not_set_up_or_upgrade_the_store(postgres_server, province):
    server = postgres_server
    server.create_database("empty_for_unit")
    store = open_store(server.url("rls_kv1", "empty_for_unit"), password=PASSWORDS["rls_kv1"])
    with pytest.raises(StoreError, match="Người quản trị kho"):
        ready(store)
    store.dispose()


# ---------------------------------------------------------------- faults


def test_server_down_during_a_publish_leaves_the_older_snapshot_whole(postgres_server, tmp_path, monkeypatch):
    server = postgres_server
    server.create_database("down")
    store = open_store(server.url("kiemsat_admin", "down"), password=server.admin_password)
    ready(store)
    rows = sample_rows(60, seed=8, today=TODAY)
    path = write_unit(tmp_path / "a.xlsx", rows, 1)
    first = publish(store, snap_of(path))
    write_unit(path, {k: v[:20] for k, v in rows.items()}, 1)
    newer = snap_of(path)
    real_bulk = publish_module._bulk
    calls = []

    def bulk_then_server_gone(conn, table, items):  # noqa: ANN001
        real_bulk(conn, table, items)
        calls.append(table.name)
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        with server.admin_conn("down") as admin:  # the connection is cut half way through the publish
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    monkeypatch.setattr(publish_module, "_bulk", bulk_then_server_gone)
    with pytest.raises(StoreError) as exc:
        publish(store, newer)
    assert calls == ["ledger_rows"]
    assert "không kết nối được" in str(exc.value) and "Không có gì được ghi dở" in str(exc.value)
    monkeypatch.setattr(publish_module, "_bulk", real_bulk)
    [unit] = list_units(store)
    assert unit.snapshot_id == first.snapshot_id and unit.rows == first.rows
    assert count(store, "SELECT count(*) FROM ledger_rows") == first.rows
    assert count(store, "SELECT count(*) FROM snapshots") == 1
    assert publish(store, newer).changed  # once the server is back, the same publish goes through whole


def test_a_server_that_does_not_answer_is_said_in_vietnamese(units, tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    before = units[0].read_bytes()
    done = subprocess.run([KIEMSAT, "publish", str(units[0]), "--store", f"postgresql://kv1@127.0.0.1:{port}/kho"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KIEMSAT_STORE_PASSWORD": "x"})
    assert done.returncode == 2
    assert "không kết nối được kho số liệu" in done.stderr and "sổ của đơn vị không bị ảnh hưởng" in done.stderr
    assert units[0].read_bytes() == before


def test_two_publishes_of_one_unit_racing_one_wins_whole(postgres_server, tmp_path):
    server = postgres_server
    server.create_database("race")
    url = server.url("kiemsat_admin", "race")
    ready(open_store(url, password=server.admin_password))
    rows = sample_rows(200, seed=9, today=TODAY)
    snaps = [snap_of(write_unit(tmp_path / "a.xlsx", rows, 1)),
             snap_of(write_unit(tmp_path / "b.xlsx", {k: v[: len(v) // 3] for k, v in rows.items()}, 1))]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run(snap) -> None:  # noqa: ANN001
        store = open_store(url, password=server.admin_password)
        barrier.wait()
        try:
            publish(store, snap)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            store.dispose()

    threads = [threading.Thread(target=run, args=(snaps[i % 2],)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert errors == []
    store = open_store(url, password=server.admin_password)
    [unit] = list_units(store)
    with store.engine.connect() as conn:
        ids = set(conn.execute(sa.select(tables.ledger_rows.c.snapshot_id).distinct()).scalars())
        ids |= set(conn.execute(sa.select(tables.deadlines.c.snapshot_id).distinct()).scalars())
        n = conn.execute(sa.select(sa.func.count()).select_from(tables.ledger_rows)).scalar()
    assert ids == {unit.snapshot_id} and n == unit.rows in (len(snaps[0].rows), len(snaps[1].rows))
    store.dispose()
