"""The digest: Vietnamese text, blocks for a phone, escaped HTML, no header injection, one .ics per digest."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from icalendar import Calendar

from mailer.messages import Sender, compose_digest, days_text, subject_for
from tests.test_mailer_planning import DAY, deadline, plan, staff

NOW = datetime(2026, 3, 16, 0, 5, tzinfo=timezone.utc)
EVIL = "Lê Văn An\r\nBcc: spy@evil.example"


def parse(raw: bytes) -> EmailMessage:
    msg = message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    return msg


def digest(*deadlines, people=None):
    p = plan(*deadlines, **({"people": people} if people else {}))
    mine = [a for a in p.alerts if a.recipient.address == "an@vks.example"]
    return compose_digest(mine, DAY, Sender("canhbao@vks.example", "VKS khu vực 1"), NOW)


def test_days_text_and_subject_most_urgent_first_with_status_and_case():
    assert [days_text(n) for n in (3, 0, -2)] == ["còn 3 ngày", "hết hạn hôm nay", "quá hạn 2 ngày"]
    one = plan(deadline(7)).alerts[:1]
    assert subject_for(one) == "CÒN 7 NGÀY: Thời hạn điều tra (12/2026/HS) hết hạn 23/03/2026"
    custody = deadline(-3, case="12/2026/HS", kind="tam_giam", person="Nguyễn Văn A")
    custody = replace(custody, title="Tạm giam để điều tra")
    mixed = [a for a in plan(deadline(7, case="1/2026/HS"), custody, deadline(2, case="8/2026/HS"),
                             deadline(0, case="9/2026/HS"), deadline(5, case="3/2026/HS")).alerts
             if a.recipient.address == "an@vks.example"]
    assert subject_for(mixed) == ("QUÁ HẠN: Tạm giam để điều tra Nguyễn Văn A (12/2026/HS) hết hạn 13/03/2026"
                                  " — và 4 thời hạn khác")
    assert subject_for([a for a in mixed if a.deadline.days_left >= 0]).startswith(
        "HẾT HẠN HÔM NAY: Thời hạn điều tra (9/2026/HS) hết hạn 16/03/2026 — và 3")


def test_digest_headers_body_blocks_and_one_calendar():
    c = digest(deadline(7), deadline(2, case="8/2026/HS", kind="truy_to"), deadline(-1, case="7/2026/HS"))
    msg = parse(c.raw)
    # the investigation limit is the investigating body's: «cơ quan khác chậm», not the prosecutor's own delay
    assert msg["Subject"] == c.subject and c.subject.startswith("CƠ QUAN KHÁC CHẬM: Thời hạn điều tra (7/2026/HS)")
    assert msg["To"].addresses[0].display_name == "Lê Văn An" and msg["To"].addresses[0].addr_spec == "an@vks.example"
    assert msg["From"].addresses[0].display_name == "VKS khu vực 1"
    assert msg["Message-ID"] == c.message_id
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Kính gửi đồng chí Lê Văn An," in text and "<" not in text
    # the most urgent first: overdue, then by days left
    assert text.index("7/2026/HS") < text.index("8/2026/HS") < text.index("12/2026/HS")
    assert "1. QUÁ HẠN 1 NGÀY — Thời hạn điều tra\n   Vụ việc: 7/2026/HS\n   Hết hạn: 15/03/2026\n" in text
    assert "Điều 172 BLTTHS 2015" in text
    assert "Việc cần làm: Thời hạn điều tra đã hết: yêu cầu ngay Cơ quan điều tra" in text
    assert "đề nghị gia hạn chậm nhất ngày 13/03/2026 (Điều 172 BLTTHS)" in text
    assert "Mốc nhắc:" in text  # explained
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<table" not in html and 'style="' in html and "<style" not in html  # inline styles only
    assert "Sổ: a.xlsx" in html and "Sổ:</span> «Án hình sự» dòng 7" in html  # the ledger once, the row per card
    assert html.count("data-band=") == 3  # one card per deadline
    assert 'data-band="overdue" style="border-left:6px solid #b00000' in html
    [ics] = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics.get_content_disposition() == "attachment" and ics.get_filename() == "thoi-han-2026-03-16.ics"
    events = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    # one calendar for the digest; the step already overdue is not put in a calendar
    assert sorted(e.decoded("dtstart") for e in events) == [DAY + timedelta(days=2), DAY + timedelta(days=7)]
    for e in events:
        [alarm] = e.walk("VALARM")
        ring = datetime.combine(e.decoded("dtstart"), datetime.min.time()) + alarm.decoded("trigger")
        assert ring == datetime.combine(e.decoded("dtstart") - timedelta(days=1), datetime.min.time()).replace(hour=8)
        assert e.decoded("sequence") == 0


def test_ledger_text_cannot_inject_headers_or_html():
    people = staff((EVIL, "an@vks.example", True), ("Trần Thị Bình", "binh@vks.example", True))
    hostile = deadline(5, case='<script>alert("x")</script>', prosecutor=EVIL, person="A\r\nX-Evil: 1")
    c = digest(hostile, people=people)
    msg = parse(c.raw)
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert [a.addr_spec for a in msg["To"].addresses] == ["an@vks.example"]
    head = c.raw.split(b"\r\n\r\n", 1)[0]
    assert b"spy@evil" not in head and b"\nBcc" not in head and b"\nX-Evil" not in head
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    for part in msg.iter_attachments():
        name = part.get_filename()
        assert name.isascii() and "<" not in name and "\n" not in name
        Calendar.from_ical(part.get_content())  # still a valid calendar


def test_message_id_is_stable_for_the_same_alerts():
    a = digest(deadline(7), deadline(2, case="8/2026/HS"))
    b = compose_digest([x for x in plan(deadline(2, case="8/2026/HS"), deadline(7)).alerts
                        if x.recipient.address == "an@vks.example"], DAY, Sender("canhbao@vks.example"),
                       NOW + timedelta(hours=3))
    c = digest(deadline(7))
    assert a.message_id == b.message_id != c.message_id
    assert a.message_id.endswith("@vks.example>")
