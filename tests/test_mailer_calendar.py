"""The calendar: one .ics per digest, the alarm at a set local hour the day before, a SEQUENCE that
only grows, and a UID from the ledger's identity (not its path): a renamed or moved ledger sends
nothing again."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from icalendar import Calendar

from macros_py.law.deadlines import DeadlineReport
from mailer.messages import Sender, compose_digest
from mailer.outbox import Outbox, unpack
from mailer.planning import FULL, Source, plan_alerts
from mailer.service import run_once
from tests.conftest import TODAY
from tests.test_mailer_planning import DAY, STAFF, deadline
from tests.test_mailer_policy import ledger_with

NOW = datetime(2026, 3, 16, 0, 5, tzinfo=timezone.utc)
SENDER = Sender("canhbao@vks.example", "VKS khu vực 1")


def events(raw: bytes) -> list:
    msg = message_from_bytes(raw, policy=default)
    cals = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(cals) <= 1
    return Calendar.from_ical(cals[0].get_content()).walk("VEVENT") if cals else []


def alerts_for(*deadlines, source: Source | None = None, day: date = DAY):
    source = source or Source("ma-so:SO-1", "Sổ thử - VKS khu vực 1", content=FULL, digest_titles=())
    p = plan_alerts(DeadlineReport(day, 10, list(deadlines)), STAFF, ledger=source.identity,
                    ledger_name=source.name, days=(10,), source=source)
    return [a for a in p.alerts if a.recipient.address == "an@vks.example"]


def test_one_calendar_per_digest_with_the_alarm_at_the_set_hour_the_day_before():
    source = Source("ma-so:SO-1", "Sổ thử", content=FULL, alarm=time(16, 30), digest_titles=())
    mine = alerts_for(deadline(3, case="1/2026/HS"), deadline(5, case="2/2026/HS"), deadline(9, case="3/2026/HS"),
                      source=source)
    evs = events(compose_digest(mine, DAY, SENDER, NOW).raw)
    assert len(evs) == 3 and len({str(e["uid"]) for e in evs}) == 3
    for e in evs:
        start = datetime.combine(e.decoded("dtstart"), time(0, 0))  # an all-day event starts at local midnight
        [alarm] = e.walk("VALARM")
        assert start + alarm.decoded("trigger") == start - timedelta(days=1) + timedelta(hours=16, minutes=30)


def test_sequence_only_grows_when_the_due_date_moves_either_way(tmp_path: Path):
    seqs = []
    with Outbox(tmp_path / "o.sqlite3") as ob:
        for i, left in enumerate((5, 8, 3)):  # recorded, extended, then corrected to an earlier date
            mine = alerts_for(deadline(left))
            ob.enqueue(mine, [mine[0].ledger], NOW + timedelta(days=i),
                       lambda items: compose_digest(items, DAY, SENDER, NOW, sequences=ob.sequences))
            raw = unpack(*ob.db.execute("SELECT raw, packed FROM messages ORDER BY created DESC, rowid DESC"
                                        " LIMIT 1").fetchone())
            [ev] = events(raw)
            seqs.append(ev.decoded("sequence"))
            uid = str(ev["uid"])
            ob.db.execute("UPDATE messages SET status = 'sent'")
            ob.db.execute("UPDATE alerts SET state = 'sent'")
        # the same due date again (a new reminder day): the sequence stays
        mine = [replace(a, day=3) for a in alerts_for(deadline(3))]
        ob.enqueue(mine, [mine[0].ledger], NOW + timedelta(days=5),
                   lambda items: compose_digest(items, DAY, SENDER, NOW, sequences=ob.sequences))
        raw = unpack(*ob.db.execute("SELECT raw, packed FROM messages WHERE status != 'sent'").fetchone())
        [ev] = events(raw)
    assert seqs == [0, 1, 2] and ev.decoded("sequence") == 2 and str(ev["uid"]) == uid


def test_the_uid_comes_from_the_ledger_identity_not_its_path():
    a = alerts_for(deadline(4), source=Source("ma-so:SO-1", "Sổ", path="D:/VKS/so.xlsx", content=FULL,
                                              digest_titles=()))
    b = alerts_for(deadline(4), source=Source("ma-so:SO-1", "Sổ", path="E:/Lưu/so-moi.xlsx", content=FULL,
                                              digest_titles=()))
    c = alerts_for(deadline(4), source=Source("ma-so:SO-2", "Sổ", path="D:/VKS/so.xlsx", content=FULL,
                                              digest_titles=()))
    uid = [str(events(compose_digest(x, DAY, SENDER, NOW).raw)[0]["uid"]) for x in (a, b, c)]
    assert uid[0] == uid[1] != uid[2]
    assert uid[0].endswith("@vks.example")


def test_renaming_or_moving_the_ledger_sends_nothing_again(tmp_path: Path):
    first = ledger_with(tmp_path / "so_2026.xlsx")
    folder, db = tmp_path / "thu", tmp_path / "o.sqlite3"
    one = run_once([first], TODAY, outbox_dir=folder, db_path=db, now=NOW)
    assert one.sent and one.new > 0
    files = sorted(folder.glob("*.eml"))
    moved = tmp_path / "luu-tru" / "Sổ theo dõi (bản chính).xlsx"
    moved.parent.mkdir()
    shutil.move(first, moved)
    again = run_once([moved], TODAY, outbox_dir=folder, db_path=db, now=NOW + timedelta(hours=2))
    assert again.new == 0 and again.sent == [] and sorted(folder.glob("*.eml")) == files
    later = run_once([moved], TODAY + timedelta(days=1), outbox_dir=folder, db_path=db, now=NOW + timedelta(days=1))
    resent = {k for d in later.digests for k in d.keys} & {k for d in one.digests for k in d.keys}
    assert resent == set()  # the next day brings only what is new (e.g. the leader's summary), nothing repeated


def test_two_ledgers_with_the_same_unit_and_title_are_kept_apart_and_told_to_set_a_code(tmp_path: Path):
    a, b = ledger_with(tmp_path / "a.xlsx"), ledger_with(tmp_path / "b.xlsx")
    result = run_once([a, b], TODAY, outbox_dir=tmp_path / "thu", db_path=tmp_path / "o.sqlite3", now=NOW)
    assert any("cùng tên đơn vị và tên sổ" in n and "«Mã sổ»" in n for n in result.warnings)
    one = run_once([a], TODAY, outbox_dir=tmp_path / "thu2", db_path=tmp_path / "o2.sqlite3", now=NOW)
    assert result.new == 2 * one.new  # b's alerts are not taken for a's


def test_an_outbox_from_before_stable_identities_sends_nothing_again(tmp_path: Path):
    """Alerts recorded under the ledger's file path (the earlier key) are adopted, not resent."""
    path = ledger_with(tmp_path / "so.xlsx")
    folder, db = tmp_path / "thu", tmp_path / "o.sqlite3"
    first = run_once([path], TODAY, outbox_dir=folder, db_path=db, now=NOW)
    assert first.sent
    with Outbox(db) as ob:  # rewrite the rows the way the earlier version keyed them
        rows = ob.db.execute("SELECT key, ledger FROM alerts WHERE kind != 'tong_hop'").fetchall()  # no summaries then
        ob.db.executemany("UPDATE alerts SET key = ?, ledger = ? WHERE key = ?",
                          [(key.replace(ledger, str(path.resolve()), 1), str(path.resolve()), key)
                           for key, ledger in rows])
        ob.db.execute("DELETE FROM meta WHERE key = 'path_keys_adopted'")
    again = run_once([path], TODAY, outbox_dir=folder, db_path=db, now=NOW + timedelta(hours=1))
    assert again.new == 0 and again.sent == []
    with Outbox(db) as ob:
        assert ob.db.execute("SELECT COUNT(*) FROM alerts WHERE ledger = ?", (str(path.resolve()),)).fetchone() == (0,)
