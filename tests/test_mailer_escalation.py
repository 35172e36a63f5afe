"""Escalation to the Viện trưởng, the leaders' daily summary, and «Bắt đầu cảnh báo từ»."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from macros_py.law.deadlines import DeadlineReport
from macros_py.ledger.reader import Record
from mailer.messages import Sender, compose_digest
from mailer.planning import FULL, ROLE_HEAD, Alert, Source, Summary, overdue_day, plan_alerts
from mailer.service import run_once
from tests.conftest import TODAY
from tests.test_mailer_planning import DAY, deadline
from tests.test_mailer_policy import DETAINED, ledger_with

NOW = datetime(2026, 3, 16, 0, 5, tzinfo=timezone.utc)
HEAD = "vt@vks.example"


def people() -> list[Record]:
    rows = [("Hoàng Viện Trưởng", "Viện trưởng", HEAD), ("Lê Văn An", "Kiểm sát viên", "an@vks.example"),
            ("Trần Thị Bình", "Phó Viện trưởng", "binh@vks.example")]
    return [Record("can_bo", i + 5, {"name": n, "title": t, "email": e, "receives_alerts": True}, {})
            for i, (n, t, e) in enumerate(rows)]


def plan(*deadlines, escalate_days=7, titles=("Viện trưởng",), start=None):
    source = Source("ma-so:SO", "Sổ thử", content=FULL, escalate_days=escalate_days, digest_titles=titles, start=start)
    return plan_alerts(DeadlineReport(DAY, 10, list(deadlines)), people(), ledger=source.identity,
                       ledger_name=source.name, days=(10,), source=source)


def to_head(p) -> list:
    return [a for a in p.alerts if isinstance(a, Alert) and a.recipient.address == HEAD]


def test_overdue_custody_and_long_overdue_steps_also_go_to_the_vien_truong():
    held = deadline(-1, kind="tam_giam", person="Nguyễn Văn A", case="1/2026/HS")
    short = deadline(-3, case="2/2026/HS")  # overdue 3 days: not yet the Viện trưởng's business
    long = deadline(-8, case="3/2026/HS")  # more than 7 days
    soon = deadline(4, kind="tam_giu", case="4/2026/HS")  # custody, not overdue
    p = plan(held, short, long, soon)
    assert sorted(a.deadline.case for a in to_head(p)) == ["1/2026/HS", "3/2026/HS"]
    assert all(a.roles == (ROLE_HEAD,) for a in to_head(p))
    assert sorted(a.deadline.case for a in to_head(plan(held, short, long, soon, escalate_days=2))) == [
        "1/2026/HS", "2/2026/HS", "3/2026/HS"]
    # the prosecutor and the leader still get theirs
    assert {a.recipient.address for a in p.alerts if isinstance(a, Alert) and a.deadline.case == "1/2026/HS"} == {
        "an@vks.example", "binh@vks.example", HEAD}


def _text(items) -> str:
    c = compose_digest(items, DAY, Sender("canhbao@vks.example"), NOW)
    return message_from_bytes(c.raw, policy=default).get_body(("plain",)).get_content()


def test_the_leaders_digest_opens_with_overdue_by_person_and_counts_what_each_persons_mail_lists():
    late = deadline(-2, case="1/2026/HS", kind="truy_to")  # the procuracy's own duty
    court = deadline(-5, case="5/2026/HS", kind="giao_ban_an")  # the court's: «cơ quan khác chậm»
    p = plan(late, court, deadline(3, case="2/2026/HS"), deadline(5, case="3/2026/HS", prosecutor="Trần Thị Bình"),
             titles=("Viện trưởng", "Phó Viện trưởng"))
    summaries = [a for a in p.alerts if isinstance(a, Summary)]
    assert sorted(s.recipient.address for s in summaries) == ["binh@vks.example", HEAD]
    mine = [a for a in p.alerts if a.recipient.address == HEAD]
    c = compose_digest(mine, DAY, Sender("canhbao@vks.example"), NOW)
    text = message_from_bytes(c.raw, policy=default).get_body(("plain",)).get_content()
    assert c.subject == ("Tổng hợp thời hạn ngày 16/03/2026: 1 việc quá hạn của Viện kiểm sát, 1 cơ quan khác chậm, "
                         "2 sắp đến hạn")
    # overdue first, named by person; the court's delay apart and not counted against the prosecutor
    assert "- Quá hạn — việc của Viện kiểm sát: 1 thời hạn" in text
    assert "- Cơ quan khác chậm: 1 thời hạn (không tính cho Kiểm sát viên)" in text
    assert text.index("QUÁ HẠN — KSV LÊ VĂN AN: 1 VIỆC") < text.index("CƠ QUAN KHÁC CHẬM: 1 VIỆC") < text.index(
        "SẮP ĐẾN HẠN: 2 THỜI HẠN")
    assert "KSV TRẦN THỊ BÌNH" not in text.upper().split("CƠ QUAN KHÁC CHẬM")[0]
    assert "Cơ quan khác chậm: Tòa án" in text and "Tòa án chậm giao bản án" in text
    # each person's count in the digest is what that person's own mail lists
    for name, address in (("Lê Văn An", "an@vks.example"), ("Trần Thị Bình", "binh@vks.example")):
        own = _text([a for a in p.alerts if a.recipient.address == address])
        listed = len([line for line in own.splitlines() if line[:1].isdigit() and ". " in line[:4]])
        assert f"- {name}: {listed} việc: " in text, (name, listed)
        assert listed == sum(1 for a in p.alerts if isinstance(a, Alert) and a.recipient.address == address)
    assert not [a for a in plan(deadline(3), titles=()).alerts if isinstance(a, Summary)]  # «Không»


def test_overdue_before_the_start_date_goes_once_to_each_person_as_backlog_then_at_the_cadence():
    old = deadline(-40, case="1/2025/HS", kind="truy_to")
    new = deadline(2, case="2/2026/HS")
    p = plan(old, new, start=DAY)
    backlog = [a for a in p.alerts if isinstance(a, Alert) and a.backlog]
    assert sorted((a.recipient.address, a.roles, a.day) for a in backlog) == [
        ("an@vks.example", ("Kiểm sát viên",), -40), ("binh@vks.example", ("Lãnh đạo phụ trách",), -40)]
    [summary] = [a for a in p.alerts if isinstance(a, Summary)]
    assert summary.backlog == 1 and sorted(d.case for d in summary.deadlines) == ["1/2025/HS", "2/2026/HS"]
    text = _text([a for a in p.alerts if a.recipient.address == "an@vks.example"])
    assert text.index("VIỆC QUÁ HẠN CẦN CẬP NHẬT SỔ: 1 VIỆC (QUÁ HẠN TỪ TRƯỚC NGÀY 16/03/2026)") < text.index(
        "SẮP ĐẾN HẠN")
    # a week later it is an overdue reminder like any other; the days between carry the start day's key
    assert overdue_day(old, DAY + timedelta(days=3), 7, DAY) == (-40, True)  # the same key: sent once
    assert overdue_day(old, DAY + timedelta(days=7), 7, DAY) == (-47, False)
    fresh = deadline(-1, kind="truy_to")  # fell overdue today: day -1, then -8, -15
    assert [overdue_day(fresh, DAY + timedelta(days=n), 7, DAY)[0] for n in (0, 6, 7, 13, 14)] == [-1, -1, -8, -8, -15]


def test_first_run_sends_each_prosecutor_their_backlog_once_and_the_digest_counts_it(tmp_path: Path):
    path = ledger_with(tmp_path / "so.xlsx", alert_content="Đầy đủ")
    folder, db = tmp_path / "thu", tmp_path / "o.sqlite3"

    def texts(result) -> dict[str, str]:
        return {d.recipient: message_from_bytes(Path(d.location).read_bytes(), policy=default).get_body(
            ("plain",)).get_content() for d in result.sent}

    first = texts(run_once([path], TODAY, outbox_dir=folder, db_path=db, now=NOW))
    head = "hoangcongbinh@vks-haiphong.example"  # the sample's Viện trưởng
    backlog = {a for a, t in first.items() if "VIỆC QUÁ HẠN CẦN CẬP NHẬT SỔ" in t}
    assert backlog - {head}, "the backlog reaches the prosecutors themselves"
    n_backlog = int(first[head].split("- Trong đó quá hạn từ trước ngày bắt đầu cảnh báo: ")[1].split()[0])
    assert n_backlog > 3
    # the next day the backlog is not sent again; the digest still counts it
    second = texts(run_once([path], TODAY + timedelta(days=1), outbox_dir=folder, db_path=db,
                            now=NOW + timedelta(days=1)))
    assert not any("VIỆC QUÁ HẠN CẦN CẬP NHẬT SỔ" in t for t in second.values())
    assert f"- Trong đó quá hạn từ trước ngày bắt đầu cảnh báo: {n_backlog} thời hạn" in second[head]
    # a unit that sets «Bắt đầu cảnh báo từ» back has no backlog: every overdue step is plain overdue work
    again = ledger_with(tmp_path / "so2.xlsx", alert_content="Đầy đủ", alert_start=date(2000, 1, 1))
    everyone = texts(run_once([again], TODAY, outbox_dir=tmp_path / "thu2", db_path=tmp_path / "o2.sqlite3", now=NOW))
    assert any(DETAINED in t for a, t in everyone.items() if a != head)
    assert not any("VIỆC QUÁ HẠN CẦN CẬP NHẬT SỔ" in t for t in everyone.values())
    assert sum("VIỆC QUÁ HẠN — CẦN LÀM NGAY" in t for t in everyone.values()) >= 2


def test_overdue_detention_of_every_kind_goes_to_the_vien_truong():
    """Rút gọn, resumed or supplementary investigation, minors: every kind of tạm giam held overdue is
    escalated at once, like the plain one (the kinds come from the rules table's methods, not a list)."""
    for kind in ("tam_giam_rut_gon", "tam_giam_phuc_hoi_dieu_tra", "tam_giam_dieu_tra_bo_sung",
                 "tam_giam_chua_thanh_nien", "tam_giu_rut_gon"):
        held = deadline(-1, kind=kind, person="Nguyễn Văn A", case="1/2026/HS")
        assert held.liberty, kind
        assert to_head(plan(held)), kind
    assert not to_head(plan(deadline(-1, kind="dieu_tra")))  # one day over, not custody: not yet
