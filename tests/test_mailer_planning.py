"""Planning: which alerts are due on a day, to whom, and with which key."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from macros_py.law.counting import LIBERTY_METHODS
from macros_py.law.rules import default_rules
from macros_py.law.deadlines import (
    STATUS_DONE,
    STATUS_OPEN,
    Deadline,
    DeadlineReport,
    compute_deadlines,
)
from macros_py.ledger.reader import Record, read_ledger
from mailer.planning import (
    OVERDUE,
    Alert,
    ROLE_LEADER,
    ROLE_PROSECUTOR,
    active_day,
    plan_alerts,
    plan_ledger,
    reminder_days,
)
from tests.conftest import TODAY

DAY = date(2026, 3, 16)


def staff(*rows: tuple[str, str | None, bool | None]) -> list[Record]:
    return [Record("can_bo", i + 5, {"name": n, "title": "Kiểm sát viên", "email": e, "receives_alerts": r}, {})
            for i, (n, e, r) in enumerate(rows)]


def deadline(days_left: int, *, case: str = "12/2026/HS", kind: str = "dieu_tra", prosecutor: str | None = "Lê Văn An",
             leader: str | None = "Trần Thị Bình", done: bool = False, person: str | None = None) -> Deadline:
    due = DAY + timedelta(days=days_left)
    rule = default_rules().get(kind)  # custody and detention hold a person: as the engine marks them, by method
    return Deadline("an_hinh_su", "Án hình sự", 7, case, person, kind, "Thời hạn điều tra", due - timedelta(days=60),
                    due, days_left, STATUS_DONE if done else STATUS_OPEN, "Điều 172 BLTTHS 2015", prosecutor, leader,
                    liberty=rule is not None and rule.method in LIBERTY_METHODS)


STAFF = staff(("Lê Văn An", "an@vks.example", True), ("Trần Thị Bình", "binh@vks.example", True),
              ("Lê Văn Ân", "an2@vks.example", True), ("Phạm Chuyên", "chuyen@vks.example", False))


def plan(*deadlines: Deadline, days: tuple[int, ...] = (10,), people: list[Record] = STAFF):
    return plan_alerts(DeadlineReport(DAY, 10, list(deadlines)), people, ledger="/so/a.xlsx", ledger_name="a.xlsx",
                       days=days)


def test_reminder_days_from_settings():
    assert reminder_days({"alert_days": 10, "reminder_days": None}) == ((10,), [])
    assert reminder_days({"alert_days": 10, "reminder_days": "3; 1; quá hạn"}) == ((10, 3, 1, OVERDUE), [])
    assert reminder_days({"alert_days": 7, "reminder_days": "3,1"})[0] == (7, 3, 1)  # Excel's "3,1"
    assert reminder_days({"alert_days": 10, "reminder_days": "Qua han"})[0] == (10, OVERDUE)
    days, notes = reminder_days({"alert_days": 10, "reminder_days": "3; hôm qua"})
    assert days == (10, 3) and notes == ["Cấu hình «Ngày nhắc thêm»: «hôm qua» không phải số ngày hay «quá hạn»; "
                                         "đã bỏ qua."]


def test_active_day_is_the_last_threshold_crossed():
    days = (10, 3, 1, OVERDUE)
    assert [active_day(n, days) for n in (11, 10, 4, 3, 2, 1, 0, -1, -30)] == [
        None, 10, 10, 3, 3, 1, 1, OVERDUE, OVERDUE]
    assert active_day(-5, (10,)) == 10  # overdue without a "quá hạn" day: the 10-day alert is still owed


def test_alerts_go_to_prosecutor_and_leader_ten_days_before():
    p = plan(deadline(11), deadline(10, case="1/2026/HS"), deadline(3, case="2/2026/HS"))
    assert sorted((a.deadline.case, a.recipient.address, a.roles, a.day) for a in p.alerts) == [
        ("1/2026/HS", "an@vks.example", (ROLE_PROSECUTOR,), 10), ("1/2026/HS", "binh@vks.example", (ROLE_LEADER,), 10),
        ("2/2026/HS", "an@vks.example", (ROLE_PROSECUTOR,), 10), ("2/2026/HS", "binh@vks.example", (ROLE_LEADER,), 10)]
    assert p.notes == []


def test_missed_thresholds_fold_into_one_alert_saying_the_days_left():
    p = plan(deadline(2), days=(10, 3, 1))
    assert {(a.day, a.deadline.days_left) for a in p.alerts} == {(3, 2)}


def test_done_steps_and_people_who_opted_out_get_nothing():
    assert plan(deadline(5, done=True)).alerts == []
    p = plan(deadline(5, prosecutor="Phạm Chuyên", leader=None))
    assert p.alerts == [] and p.notes == []


def test_names_match_case_and_spacing_but_not_diacritics():
    p = plan(deadline(5, prosecutor="  lê  văn ân ", leader=None))
    assert [a.recipient.address for a in p.alerts] == ["an2@vks.example"]


def test_one_alert_when_the_prosecutor_is_also_the_leader():
    p = plan(deadline(5, prosecutor="Trần Thị Bình", leader="Trần Thị Bình"))
    assert [(a.recipient.address, a.roles) for a in p.alerts] == [("binh@vks.example", (ROLE_PROSECUTOR, ROLE_LEADER))]


def test_unreachable_people_are_reported():
    people = staff(("Lê Văn An", None, True))
    p = plan(deadline(5), deadline(4, prosecutor=None, leader=None), people=people)
    assert p.alerts == []
    assert p.notes == [
        "Sổ «a.xlsx»: «Trần Thị Bình» (1 thời hạn) không có trong sheet Cán bộ; chưa gửi được cảnh báo cho người này.",
        "Sổ «a.xlsx»: «Lê Văn An» chưa có địa chỉ thư điện tử trong sheet Cán bộ; chưa gửi được cảnh báo cho người "
        "này.",
        "Sổ «a.xlsx»: 1 thời hạn sắp đến hoặc quá hạn chưa ghi KSV hay lãnh đạo phụ trách; không có ai nhận cảnh báo."]


def test_the_key_names_ledger_case_person_kind_due_day_and_recipient():
    base = plan(deadline(5)).alerts[0]
    key = base.key.split("\x1f")
    assert key == ["/so/a.xlsx", "12/2026/HS", "", "dieu_tra", (DAY + timedelta(days=5)).isoformat(), "10",
                   "an@vks.example"]
    moved = plan(replace(deadline(5), due=DAY + timedelta(days=8), days_left=8)).alerts[0]
    assert moved.key != base.key and moved.step_key == base.step_key  # an extension is a new deadline
    later = plan(deadline(2), days=(10, 3)).alerts[0]
    assert later.key != base.key  # a new reminder day is a new alert


def test_sample_ledger_plan_matches_the_deadline_engine(sample_ledger: Path):
    ledger = read_ledger(sample_ledger)
    p = plan_ledger(ledger, TODAY, start=date(2000, 1, 1))  # every step, however old, mailed to its people
    report = compute_deadlines(ledger, TODAY)
    receivers = {r["name"] for r in ledger.records("can_bo") if r.get("receives_alerts") and r.get("email")}
    expected = {(d.sheet, d.row, d.kind, name) for d in report.pending(within=10)
                for name in {d.prosecutor, d.leader} if name in receivers}
    own = [a for a in p.alerts if isinstance(a, Alert) and set(a.roles) <= {ROLE_PROSECUTOR, ROLE_LEADER}]
    assert expected and {(a.deadline.sheet, a.deadline.row, a.deadline.kind, a.recipient.name)
                         for a in own} == expected
    assert len({a.key for a in p.alerts}) == len(p.alerts)
