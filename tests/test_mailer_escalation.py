"""Escalation to the Viện trưởng, the leaders' daily summary, and «Bắt đầu cảnh báo từ»."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from macros_py.law.deadlines import DeadlineReport
from macros_py.ledger.reader import Record
from mailer.messages import Sender, compose_digest
from mailer.planning import FULL, ROLE_BACKLOG, ROLE_HEAD, Alert, Source, Summary, plan_alerts
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


def test_the_leaders_daily_summary_counts_by_status_and_prosecutor_then_lists():
    p = plan(deadline(-2, case="1/2026/HS"), deadline(3, case="2/2026/HS"), deadline(5, case="3/2026/HS",
             prosecutor="Trần Thị Bình"), titles=("Viện trưởng", "Phó Viện trưởng"))
    summaries = [a for a in p.alerts if isinstance(a, Summary)]
    assert sorted(s.recipient.address for s in summaries) == ["binh@vks.example", HEAD]
    mine = [a for a in p.alerts if a.recipient.address == HEAD]
    c = compose_digest(mine, DAY, Sender("canhbao@vks.example"), NOW)
    text = message_from_bytes(c.raw, policy=default).get_body(("plain",)).get_content()
    assert c.subject == "Tổng hợp thời hạn ngày 16/03/2026: 3 thời hạn (1 đã quá hạn, 2 sắp hết hạn)"
    assert "- Tổng số: 3 thời hạn: 1 đã quá hạn, 2 sắp hết hạn" in text
    assert "- Lê Văn An: 1 đã quá hạn, 1 sắp hết hạn" in text and "- Trần Thị Bình: 1 sắp hết hạn" in text
    assert text.index("Lê Văn An: 1 đã quá hạn") < text.index("* Hạn 14/03/2026") < text.index("* Hạn 19/03/2026")
    assert not [a for a in plan(deadline(3), titles=()).alerts if isinstance(a, Summary)]  # «Không»


def test_steps_due_before_the_start_date_go_once_to_the_leaders_not_to_each_person():
    old = deadline(-40, case="1/2025/HS")
    new = deadline(2, case="2/2026/HS")
    p = plan(old, new, start=DAY)
    own = [a for a in p.alerts if isinstance(a, Alert) and a.recipient.address != HEAD]
    assert [a.deadline.case for a in own] == ["2/2026/HS", "2/2026/HS"]  # the prosecutor and the leader
    [backlog] = [a for a in p.alerts if isinstance(a, Alert) and a.backlog]
    assert backlog.recipient.address == HEAD and backlog.roles == (ROLE_BACKLOG,)
    [summary] = [a for a in p.alerts if isinstance(a, Summary)]
    assert summary.backlog == 1 and [d.case for d in summary.deadlines] == ["2/2026/HS"]


def test_first_run_does_not_mail_old_overdue_steps_and_the_leader_hears_of_them_once(tmp_path: Path):
    path = ledger_with(tmp_path / "so.xlsx", alert_content="Đầy đủ")
    folder, db = tmp_path / "thu", tmp_path / "o.sqlite3"

    def texts(result) -> dict[str, str]:
        return {d.recipient: message_from_bytes(Path(d.location).read_bytes(), policy=default).get_body(
            ("plain",)).get_content() for d in result.sent}

    first = texts(run_once([path], TODAY, outbox_dir=folder, db_path=db, now=NOW))
    head = "hoangcongbinh@vks-haiphong.example"  # the sample's Viện trưởng
    assert "QUÁ HẠN TỪ TRƯỚC NGÀY BẮT ĐẦU CẢNH BÁO (16/03/2026)" in first[head]
    for address, text in first.items():
        if address != head:  # nobody else hears of a step that ran out before alerts began
            assert "QUÁ HẠN" not in text.split("Mốc nhắc:")[0], address
    n_backlog = first[head].count("Vai trò: Quá hạn từ trước ngày bắt đầu cảnh báo")
    assert n_backlog > 3
    # the next day: the detention that ran out on 14/03 is not news; the summary only counts the backlog
    second = texts(run_once([path], TODAY + timedelta(days=1), outbox_dir=folder, db_path=db,
                            now=NOW + timedelta(days=1)))
    assert "QUÁ HẠN TỪ TRƯỚC NGÀY BẮT ĐẦU CẢNH BÁO" not in second[head]
    assert f"- Quá hạn từ trước ngày bắt đầu cảnh báo: {n_backlog} thời hạn" in second[head]
    # a unit that wants every old step mailed sets «Bắt đầu cảnh báo từ» back
    again = ledger_with(tmp_path / "so2.xlsx", alert_content="Đầy đủ", alert_start=date(2000, 1, 1))
    everyone = texts(run_once([again], TODAY, outbox_dir=tmp_path / "thu2", db_path=tmp_path / "o2.sqlite3", now=NOW))
    assert any(DETAINED in t for a, t in everyone.items() if a != head)
    assert sum("QUÁ HẠN" in t for t in everyone.values()) > 2


def test_overdue_detention_of_every_kind_goes_to_the_vien_truong():
    """Rút gọn, resumed or supplementary investigation, minors: every kind of tạm giam held overdue is
    escalated at once, like the plain one (the kinds come from the rules table's methods, not a list)."""
    for kind in ("tam_giam_rut_gon", "tam_giam_phuc_hoi_dieu_tra", "tam_giam_dieu_tra_bo_sung",
                 "tam_giam_chua_thanh_nien", "tam_giu_rut_gon"):
        held = deadline(-1, kind=kind, person="Nguyễn Văn A", case="1/2026/HS")
        assert held.liberty, kind
        assert to_head(plan(held)), kind
    assert not to_head(plan(deadline(-1, kind="dieu_tra")))  # one day over, not custody: not yet
