"""The shared store and the province's views, on SQLite always and on a real PostgreSQL server when installed.

The demo's sample data is split into units (tests/province_units.py): a partition of the rows, so the province's
summed statistics must equal the unsplit ledger's, and its overdue deadlines must be every unit's own.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from macros_py.law.deadlines import STATUS_OVERDUE, compute_deadlines
from macros_py.ledger.reader import read_ledger
from macros_py.sample import sample_rows
from macros_py.stats.periods import parse_period
from macros_py.stats.summaries import compute_statistics
from macros_py.store import tables
from macros_py.store.connect import open_store
from macros_py.store.errors import StoreError
from macros_py.store.load import history, list_units, load_units
from macros_py.store.migrate import latest, ready, upgrade
from macros_py.store.province import PERSON_TABLES, build_view
from macros_py.store.publish import publish
from macros_py.store.reports import NOT_SENT, RETURNED, SENT, report_states, return_report, send_report
from macros_py.store.snapshot import build_snapshot
from macros_py.store.workbook import SHEETS, save_province_workbook
from tests.province_units import split_rows, unit_code, unit_ledgers, unit_name, write_unit

TODAY = date(2026, 3, 16)
PERIOD = parse_period("2026-H1")
UNITS = 3
KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """(url, password): a fresh store; PostgreSQL's as its owner, a new database per test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kho.sqlite3'}", None
    server = request.getfixturevalue("postgres_server")
    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    server.create_database(name)
    return server.url("kiemsat_admin", name), server.admin_password


def opened(store_url):
    url, password = store_url
    store = open_store(url, password=password)
    ready(store)
    return store


def snap_of(path: Path, day: date = TODAY):
    ledger = read_ledger(path)
    return build_snapshot(ledger, compute_deadlines(ledger, day))


@pytest.fixture(scope="module")
def demo_units(tmp_path_factory) -> list[Path]:
    return unit_ledgers(tmp_path_factory.mktemp("units"), UNITS, today=TODAY)


@pytest.fixture(scope="module")
def demo_whole(tmp_path_factory) -> Path:
    """The demo's ledger unsplit (what `kiemsat demo` builds: 40 sample rows, seed 1)."""
    path = tmp_path_factory.mktemp("whole") / "so_mau.xlsx"
    write_unit(path, sample_rows(40, seed=1, today=TODAY), 99)
    return path


def dump(store) -> dict:
    with store.engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(sa.select(t)).all()), key=repr)
                for t in tables.metadata.sorted_tables}


# ---------------------------------------------------------------- publishing


def test_publish_round_trips_rows_settings_and_statistics(store_url, demo_units):
    store = opened(store_url)
    ledger = read_ledger(demo_units[0])
    done = publish(store, build_snapshot(ledger, compute_deadlines(ledger, TODAY)))
    assert done.changed and done.unit_code == unit_code(1) and done.rows == sum(
        len(d.records) for d in ledger.sheets.values())
    [unit] = load_units(store, TODAY)
    assert unit.refused is None
    back = unit.ledger
    assert back.settings == ledger.settings
    assert {(r.sheet, r.row): (r.values, r.extra) for d in back.sheets.values() for r in d.records} == \
        {(r.sheet, r.row): (r.values, r.extra) for d in ledger.sheets.values() for r in d.records}
    assert compute_statistics(back, PERIOD, TODAY).as_dict() == compute_statistics(ledger, PERIOD, TODAY).as_dict()
    # the deadlines as published, counted again for the same day, are the unit's own
    report = compute_deadlines(ledger, TODAY)
    assert sorted(d.as_dict().items().__repr__() for d in unit.deadlines) == \
        sorted(d.as_dict().items().__repr__() for d in report.deadlines)
    # a later day: the same deadlines, their days left counted again
    later = TODAY + timedelta(days=30)
    moved = load_units(store, later)[0].deadlines
    assert sorted((d.kind, d.row, d.due) for d in moved) == sorted((d.kind, d.row, d.due) for d in unit.deadlines)
    assert all(d.days_left == (d.due - later).days for d in moved)
    assert sum(d.status == STATUS_OVERDUE for d in moved) > sum(d.status == STATUS_OVERDUE for d in unit.deadlines)


def test_same_ledger_twice_changes_nothing(store_url, demo_units):
    store = opened(store_url)
    first = publish(store, snap_of(demo_units[0]))
    before = dump(store)
    again = publish(store, snap_of(demo_units[0]))  # read again from the file: same content, same hash
    assert not again.changed and again.snapshot_id == first.snapshot_id
    assert dump(store) == before


def test_newer_snapshot_replaces_the_older_whole(store_url, tmp_path):
    store = opened(store_url)
    rows = sample_rows(30, seed=3, today=TODAY)
    path = write_unit(tmp_path / "a.xlsx", rows, 1)
    old = publish(store, snap_of(path))
    fewer = {k: v[: len(v) // 2] for k, v in rows.items()}
    write_unit(path, fewer, 1)
    new = publish(store, snap_of(path))
    assert new.changed and new.snapshot_id != old.snapshot_id and new.rows < old.rows
    with store.engine.connect() as conn:
        ids = {r.snapshot_id for r in conn.execute(sa.select(tables.ledger_rows.c.snapshot_id))}
        ids |= {r.snapshot_id for r in conn.execute(sa.select(tables.deadlines.c.snapshot_id))}
        n = conn.execute(sa.select(sa.func.count()).select_from(tables.ledger_rows)).scalar()
    assert ids == {new.snapshot_id} and n == new.rows
    assert [h["id"] for h in history(store, unit_code(1))] == [old.snapshot_id, new.snapshot_id]


def test_a_renamed_unit_keeps_its_history_by_its_code(store_url, tmp_path):
    store = opened(store_url)
    rows = sample_rows(20, seed=4, today=TODAY)
    path = write_unit(tmp_path / "a.xlsx", rows, 1)
    publish(store, snap_of(path))
    write_unit(path, rows, 1, unit_name="VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 9 - HẢI PHÒNG")
    done = publish(store, snap_of(path))
    assert done.changed and done.renamed_from == unit_name(1)
    [unit] = list_units(store)
    assert (unit.code, unit.unit_name) == (unit_code(1), "VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 9 - HẢI PHÒNG")
    assert [h["unit_name"] for h in history(store, unit_code(1))] == [unit_name(1), unit.unit_name]


def test_a_ledger_without_its_code_is_refused(tmp_path):
    path = tmp_path / "a.xlsx"
    write_unit(path, sample_rows(5, seed=1, today=TODAY), 1, ledger_code=None)
    with pytest.raises(StoreError, match="chưa có «Mã sổ» ở sheet «Cấu hình»"):
        snap_of(path)


def test_ledger_text_is_data_never_sql(store_url, tmp_path):
    store = opened(store_url)
    rows = sample_rows(6, seed=2, today=TODAY)
    hostile = ["x'); DROP TABLE units; --", "=HYPERLINK(\"http://x\",\"y\")", "Robert'); DELETE FROM snapshots;--",
               "_x000D_ \\ \" ' ; %s ?"]
    for case, text in zip(rows["an_hinh_su"], hostile):
        case["case_id"] = text
        case["offence"] = text
    path = write_unit(tmp_path / "a.xlsx", rows, 1, unit_name="ĐƠN VỊ'; DROP TABLE units; --")
    publish(store, snap_of(path))
    [unit] = load_units(store, TODAY)
    assert unit.info.unit_name == "ĐƠN VỊ'; DROP TABLE units; --"
    kept = {r.values["case_id"] for r in unit.ledger.records("an_hinh_su")}
    assert set(hostile) <= kept
    out = tmp_path / "TINH.xlsx"
    save_province_workbook(out, build_view(store, PERIOD, TODAY))
    wb = openpyxl.load_workbook(out)
    formulas = [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


# ---------------------------------------------------------------- the province


def test_province_lists_every_units_overdue_deadlines_and_sums_the_statistics(store_url, demo_units, demo_whole,
                                                                               tmp_path):
    store = opened(store_url)
    expected = set()
    for i, path in enumerate(demo_units, start=1):
        ledger = read_ledger(path)
        report = compute_deadlines(ledger, TODAY)
        publish(store, build_snapshot(ledger, report))
        expected |= {(unit_name(i), d.sheet, d.row, d.kind, d.due) for d in report.deadlines
                     if d.status == STATUS_OVERDUE}
    view = build_view(store, PERIOD, TODAY)
    assert expected and {(x.unit_name, x.deadline.sheet, x.deadline.row, x.deadline.kind, x.deadline.due)
                         for x in view.overdue()} == expected
    # overdue first, then by days left
    statuses = [x.deadline.status for x in view.urgent]
    assert statuses == sorted(statuses, key=lambda s: s != STATUS_OVERDUE)
    assert all(a.deadline.days_left <= b.deadline.days_left for a, b in zip(view.overdue(), view.overdue()[1:])
               if a.deadline.held_overdue == b.deadline.held_overdue)
    # the units are a partition of the demo's rows: the summed tables are the whole ledger's
    whole = compute_statistics(read_ledger(demo_whole), PERIOD, TODAY)
    for table in whole.tables:
        summed = view.summed.table(table.key)
        if table.key in PERSON_TABLES:  # people are shown with their unit; their sum is the whole's total
            assert summed.total == table.total, table.key
            continue
        assert dict(summed.rows) == dict(table.rows), table.key
        assert summed.total == table.total, table.key
        lines = view.summed.table(f"{table.key}_don_vi")
        assert [name for name, _ in lines.rows] == [unit_name(i) for i in range(1, UNITS + 1)]
    # each unit's line is that unit's own «Cộng»
    for i, path in enumerate(demo_units, start=1):
        own = compute_statistics(read_ledger(path), PERIOD, TODAY).table("theo_loai").total
        assert dict(view.summed.table("theo_loai_don_vi").rows)[unit_name(i)] == own
    # the workbook
    out = tmp_path / "TINH.xlsx"
    save_province_workbook(out, view)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == list(SHEETS)
    listed = [row for row in wb["Thời hạn"].iter_rows(min_row=5, values_only=True)]
    assert sum(1 for r in listed if r[0].startswith(STATUS_OVERDUE)) == len(expected)
    assert {r[3] for r in listed if r[0].startswith(STATUS_OVERDUE)} == {unit_name(i) for i in range(1, UNITS + 1)}
    stats_cells = [c for row in wb["Thống kê"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Án, vụ việc thụ lý trong kỳ theo loại: từng đơn vị" in " ".join(map(str, stats_cells))


def test_period_reports_are_sent_up_and_sent_back(store_url, demo_units, tmp_path):
    store = opened(store_url)
    for path in demo_units:
        publish(store, snap_of(path))
    codes = [unit_code(i) for i in range(1, UNITS + 1)]
    assert {s.state for s in report_states(store, PERIOD.code, codes).values()} == {NOT_SENT}
    send_report(store, codes[0], PERIOD.code)
    send_report(store, codes[1], PERIOD.code)
    return_report(store, codes[1], PERIOD.code, "Thiếu số liệu án dân sự tháng 3")
    with pytest.raises(StoreError, match="chưa gửi"):
        return_report(store, codes[2], PERIOD.code, "x")
    with pytest.raises(StoreError, match="lý do"):
        return_report(store, codes[0], PERIOD.code, "  ")
    states = report_states(store, PERIOD.code, codes)
    assert [states[c].state for c in codes] == [SENT, RETURNED, NOT_SENT]
    assert states[codes[1]].reason == "Thiếu số liệu án dân sự tháng 3"
    view = build_view(store, PERIOD, TODAY)
    out = tmp_path / "TINH.xlsx"
    save_province_workbook(out, view)
    rows = list(openpyxl.load_workbook(out)["Báo cáo kỳ"].iter_rows(min_row=5, values_only=True))
    by_code = {r[1]: r for r in rows}
    assert by_code[codes[1]][2] == RETURNED and by_code[codes[1]][6] == "Thiếu số liệu án dân sự tháng 3"
    assert by_code[codes[2]][7].startswith(f'kiemsat report send --store "{view.store}" --unit "{codes[2]}"')
    assert "kiemsat report return" in by_code[codes[0]][8]
    send_report(store, codes[1], PERIOD.code)  # mended and sent again
    assert report_states(store, PERIOD.code, codes)[codes[1]].state == SENT


def test_units_with_no_new_snapshot_are_named(store_url, demo_units):
    store = opened(store_url)
    for path in demo_units:
        publish(store, snap_of(path))
    with store.engine.begin() as conn:
        old = datetime.now(timezone.utc) - timedelta(days=10)
        conn.execute(tables.snapshots.update().where(tables.snapshots.c.unit_code == unit_code(2))
                     .values(published_at=old))
    view = build_view(store, PERIOD, TODAY, stale_days=7)
    assert [u.info.code for u in view.stale] == [unit_code(2)]


def test_a_snapshot_of_an_unknown_format_is_refused_clearly_and_the_others_read(store_url, demo_units):
    store = opened(store_url)
    for path in demo_units:
        publish(store, snap_of(path))
    with store.engine.begin() as conn:
        conn.execute(tables.snapshots.update().where(tables.snapshots.c.unit_code == unit_code(1))
                     .values(format=0, kiemsat_version="0.0.9"))
    view = build_view(store, PERIOD, TODAY)
    [refused] = view.refused
    assert refused.info.code == unit_code(1)
    assert "kiemsat 0.0.9" in refused.refused and "định dạng 0" in refused.refused
    assert len(view.read) == UNITS - 1 and view.summed is not None


# ---------------------------------------------------------------- migrations


def test_an_older_store_is_upgraded_and_keeps_its_data(store_url, demo_units):
    url, password = store_url
    store = open_store(url, password=password)
    assert upgrade(store, target=1) == [1]  # the store as the first kiemsat with a store left it
    publish(store, snap_of(demo_units[0]))
    assert ready(store) == latest(store.dialect)
    [unit] = load_units(store, TODAY)
    assert unit.refused is None and unit.info.code == unit_code(1)
    send_report(store, unit_code(1), PERIOD.code)  # the table version 2 added


def test_a_newer_store_is_refused_in_vietnamese(store_url):
    store = opened(store_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')"))
    with pytest.raises(StoreError, match="phiên bản kiemsat mới hơn nâng lên phiên bản 99") as exc:
        ready(store)
    assert "cập nhật kiemsat" in str(exc.value)


def test_migration_files_create_the_tables_the_code_uses(store_url):
    store = opened(store_url)
    inspector = sa.inspect(store.engine)
    for table in tables.metadata.sorted_tables:
        columns = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert list(columns) == [c.name for c in table.columns], table.name
        assert set(inspector.get_pk_constraint(table.name)["constrained_columns"]) == {
            c.name for c in table.primary_key}, table.name
        for c in table.columns:
            if not c.primary_key:  # (SQLite reports its rowid key as nullable)
                assert columns[c.name]["nullable"] == c.nullable, (table.name, c.name)


# ---------------------------------------------------------------- faults on one machine


def test_two_publishes_of_one_unit_racing_one_wins_whole(tmp_path):
    url = f"sqlite:///{tmp_path / 'kho.sqlite3'}"
    ready(open_store(url))
    rows = sample_rows(300, seed=5, today=TODAY)
    a = write_unit(tmp_path / "a.xlsx", rows, 1)
    b = write_unit(tmp_path / "b.xlsx", {k: v[: len(v) // 3] for k, v in rows.items()}, 1)
    script = ("import sys; from datetime import date; from macros_py.ledger.reader import read_ledger; "
              "from macros_py.law.deadlines import compute_deadlines; from macros_py.store.connect import open_store; "
              "from macros_py.store.snapshot import build_snapshot; from macros_py.store.publish import publish; "
              "led = read_ledger(sys.argv[2]); snap = build_snapshot(led, compute_deadlines(led, date(2026, 3, 16))); "
              "print(publish(open_store(sys.argv[1]), snap).snapshot_id)")
    procs = [subprocess.Popen([sys.executable, "-c", script, url, str(p)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for p in (a, b, a, b)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    store = open_store(url)
    [unit] = list_units(store)
    with store.engine.connect() as conn:
        ids = set(conn.execute(sa.select(tables.ledger_rows.c.snapshot_id).distinct()).scalars())
        n = conn.execute(sa.select(sa.func.count()).select_from(tables.ledger_rows)).scalar()
    assert ids == {unit.snapshot_id} and n == unit.rows  # the rows are one snapshot's, all of them


def test_a_store_file_that_is_not_a_store_is_refused(tmp_path):
    bad = tmp_path / "kho.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="không phải kho số liệu của kiemsat hoặc bị hỏng"):
        ready(open_store(f"sqlite:///{bad}"))


def test_a_password_in_the_address_is_refused():
    with pytest.raises(StoreError, match="không ghi mật khẩu trên dòng lệnh"):
        open_store("postgresql://tinh:secret@127.0.0.1/kho")


# ---------------------------------------------------------------- the commands


def kiemsat(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([KIEMSAT, *args], capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})


def test_commands_publish_province_report_on_the_demo_split(demo_units, tmp_path):
    url = f"sqlite:///{tmp_path / 'kho.sqlite3'}"
    for path in demo_units:
        done = kiemsat("publish", str(path), "--store", url, "--today", TODAY.isoformat())
        assert done.returncode == 0, done.stderr
        assert "Đã gửi số liệu" in done.stdout
    again = kiemsat("publish", str(demo_units[0]), "--store", url, "--today", TODAY.isoformat())
    assert again.returncode == 0 and "không ghi gì thêm" in again.stdout
    sent = kiemsat("report", "send", "--store", url, "--unit", unit_code(1), "--period", "2026-H1")
    assert sent.returncode == 0, sent.stderr
    back = kiemsat("report", "return", "--store", url, "--unit", unit_code(1), "--period", "2026-H1",
                   "--reason", "Số liệu chưa khớp")
    assert back.returncode == 0, back.stderr
    out = tmp_path / "TINH.xlsx"
    made = kiemsat("province", "--store", url, "--out", str(out), "--period", "2026-H1", "--today",
                   TODAY.isoformat(), "--json")
    assert made.returncode == 1, made.stderr  # overdue deadlines: something to look at
    data = json.loads(made.stdout)
    assert {u["code"]: u["report"] for u in data["units"]} == {unit_code(1): RETURNED, unit_code(2): NOT_SENT,
                                                                unit_code(3): NOT_SENT}
    assert {d["unit"] for d in data["deadlines"] if d["status"] == STATUS_OVERDUE} == {
        unit_code(i) for i in range(1, UNITS + 1)}
    assert out.exists()
    report = tmp_path / "TINH.docx"
    text = kiemsat("province", "--store", url, "--out", str(out), "--today", TODAY.isoformat(), "--report",
                   str(report))
    assert "Tổng hợp 3 đơn vị" in text.stdout and "bị trả lại báo cáo: Số liệu chưa khớp" in text.stdout
    import docx

    words = "\n".join(p.text for p in docx.Document(str(report)).paragraphs)
    assert "VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" in words.upper()
    plan = kiemsat("store", "alerts", "--store", url, "--today", TODAY.isoformat(), "--dry-run",
                   "--outbox", str(tmp_path / "thu"))
    assert plan.returncode in (0, 1), plan.stderr
    assert "3 đơn vị đọc được" in plan.stdout


def test_the_alert_service_runs_from_the_store_as_from_the_files(store_url, demo_units, tmp_path):
    from mailer.from_store import run_from_store
    from mailer.service import run_once

    store = opened(store_url)
    for path in demo_units:
        publish(store, snap_of(path))
    url, password = store_url
    run = run_from_store(url, TODAY, outbox_dir=tmp_path / "a", dry_run=True, password=password)
    files = run_once(demo_units, TODAY, outbox_dir=tmp_path / "b", dry_run=True)
    assert run.units == UNITS and not run.skipped
    assert run.result.planned == files.planned > 0
    assert sorted(d.subject for d in run.result.digests) == sorted(d.subject for d in files.digests)


def test_publish_to_a_newer_store_says_so_and_leaves_the_ledger_alone(demo_units, tmp_path):
    db = tmp_path / "kho.sqlite3"
    url = f"sqlite:///{db}"
    ready(open_store(url))
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (42, 'future', 'x')")
    before = demo_units[0].read_bytes()
    done = kiemsat("publish", str(demo_units[0]), "--store", url)
    assert done.returncode == 2
    assert done.stderr.startswith("Lỗi:") and "phiên bản 42" in done.stderr
    assert demo_units[0].read_bytes() == before
