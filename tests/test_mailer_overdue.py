"""Overdue until done: three weeks of daily runs against a real SMTP server on 127.0.0.1 (aiosmtpd).

A case file reached the procuracy; the decision on prosecution (Đ.240 BLTTHS, the procuracy's own duty)
runs out during the three weeks. The prosecutor and the supervising leader hear of it on the day it falls
overdue, then every «Nhắc lại việc quá hạn sau mỗi (ngày)» days (5 here), and no more once the ledger shows
the indictment. The due date is the engine's (tests/test_law_*.py check it); this test checks the cadence.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from macros_py.law.deadlines import compute_deadlines
from macros_py.ledger.reader import read_ledger
from mailer.outbox import Outbox
from mailer.service import run_once
from tests.test_mailer_smtp import SENDER, Server, server, transport  # noqa: F401  (server: the fixture)
from workbook_templates.builder import build_workbook

STAFF = [{"name": "Nguyễn Văn An", "title": "Kiểm sát viên", "email": "an@vks.example", "receives_alerts": True},
         {"name": "Trần Thị Bình", "title": "Phó Viện trưởng", "email": "binh@vks.example", "receives_alerts": True}]
RECEIVED = date(2026, 3, 2)
STEP = "Quyết định việc truy tố"


def _ledger(path: Path, **more: object) -> Path:
    case = {"case_id": "7/2026/HS", "opening_no": "7/QĐ-CSĐT", "opening_date": date(2026, 1, 5),
            "investigating_body": "Cơ quan CSĐT Công an quận Lê Chân", "offence": "Trộm cắp tài sản",
            "article": "Điều 173", "category": "Nghiêm trọng", "stage": "Truy tố", "file_received": RECEIVED,
            "prosecutor": "Nguyễn Văn An", "leader": "Trần Thị Bình", **more}
    build_workbook({"an_hinh_su": [case], "can_bo": STAFF}, settings={"overdue_every": 5}).save(path)
    return path


def _overdue_cards(srv: Server, since: int) -> list[tuple[str, str]]:
    """(recipient, status) of each overdue card for the step in the mails received from index `since` on."""
    out = []
    for r in srv.received[since:]:
        text = r.message.get_body(("plain",)).get_content()
        for block in text.split("\n\n"):
            first = block.split("\n", 1)[0]
            if "QUÁ HẠN" in first and STEP in first and first[:1].isdigit():
                out.append((r.rcpt_tos[0], first.split(" ", 1)[1].split(" — ")[0]))
    return out


def test_overdue_work_is_reminded_at_the_units_cadence_until_the_ledger_shows_it_done(server: Server,
                                                                                      tmp_path: Path):
    path, db = _ledger(tmp_path / "so.xlsx"), tmp_path / "o.sqlite3"
    [step] = [d for d in compute_deadlines(read_ledger(path), RECEIVED).deadlines if d.kind.startswith("truy_to")
              and d.step_of is None]
    due = step.due
    first_day = due - timedelta(days=3)
    done_on = due + timedelta(days=13)  # the clerk records the indictment
    by_day: dict[date, list[tuple[str, str]]] = {}
    for n in range(21):  # three weeks of daily runs
        day = first_day + timedelta(days=n)
        if day == done_on:
            _ledger(path, indictment_date=due + timedelta(days=12), stage="Xét xử sơ thẩm")
        before = len(server.received)
        for hour in (1, 9):  # the service and the Excel button on the same day: nothing twice
            run_once([path], day, db_path=db, transport=transport(server.port), sender=SENDER,
                     now=datetime.combine(day, datetime.min.time()).replace(hour=hour, tzinfo=timezone.utc))
        by_day[day] = _overdue_cards(server, before)
    reminders = {day: sorted(cards) for day, cards in by_day.items() if cards}
    # the day it falls overdue, then every 5 days; the one due on the 16th day overdue never goes: done
    expected_days = [due + timedelta(days=k) for k in (1, 6, 11)]
    assert list(reminders) == expected_days
    for k, day in zip((1, 6, 11), expected_days):
        assert reminders[day] == [("an@vks.example", f"QUÁ HẠN {k} NGÀY"), ("binh@vks.example", f"QUÁ HẠN {k} NGÀY")]
    assert due + timedelta(days=16) < first_day + timedelta(days=21)  # the window reached the next one
    # the overdue step is at the top of the prosecutor's mail, with what to do now
    first = next(r for r in server.received if r.rcpt_tos == ["an@vks.example"]
                 and "QUÁ HẠN 1 NGÀY" in r.message.get_body(("plain",)).get_content())
    text = first.message.get_body(("plain",)).get_content()
    assert text.split("\n\n")[2].startswith("VIỆC QUÁ HẠN — CẦN LÀM NGAY: 1 VIỆC")
    assert "Việc cần làm: Đã quá thời hạn quyết định việc truy tố: báo cáo ngay lãnh đạo Viện" in text
    # each reminder went once: the outbox holds one sent row per (step, reminder, person)
    with Outbox(db) as ob:
        keys = [k for k in ob.sent_keys() if "truy_to" in k and k.split("\x1f")[-2].startswith("-")]
    assert len(keys) == len(set(keys)) == 6
