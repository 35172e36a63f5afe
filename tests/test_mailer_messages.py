"""The digest: Vietnamese text, escaped HTML, no header injection, one .ics per deadline."""

from __future__ import annotations

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


def test_days_text_and_subject():
    assert [days_text(n) for n in (3, 0, -2)] == ["còn 3 ngày", "hết hạn hôm nay", "quá hạn 2 ngày"]
    one = plan(deadline(7)).alerts[:1]
    assert subject_for(one) == "Cảnh báo thời hạn: 1 thời hạn còn 7 ngày (hạn 23/03/2026)"
    mixed = [a for a in plan(deadline(7), deadline(-2, case="9/2026/HS"), deadline(2, case="8/2026/HS")).alerts
             if a.recipient.address == "an@vks.example"]
    assert subject_for(mixed) == ("Cảnh báo thời hạn: 3 thời hạn, 1 đã quá hạn, gần nhất còn 2 ngày (hạn 18/03/2026)")


def test_digest_headers_body_and_calendar_entries():
    c = digest(deadline(7), deadline(2, case="8/2026/HS", kind="truy_to"), deadline(-1, case="7/2026/HS"))
    msg = parse(c.raw)
    assert msg["Subject"] == c.subject and "3 thời hạn" in c.subject
    assert msg["To"].addresses[0].display_name == "Lê Văn An" and msg["To"].addresses[0].addr_spec == "an@vks.example"
    assert msg["From"].addresses[0].display_name == "VKS khu vực 1"
    assert msg["Message-ID"] == c.message_id
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Kính gửi đồng chí Lê Văn An," in text and "<" not in text
    # sorted by due date: overdue first
    assert text.index("7/2026/HS") < text.index("8/2026/HS") < text.index("12/2026/HS")
    assert "Hạn 15/03/2026 (quá hạn 1 ngày)" in text and "Điều 172 BLTTHS 2015" in text
    assert "<td" in html and "a.xlsx, sheet «Án hình sự», dòng 7" in html
    ics = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(ics) == 3
    assert all(p.get_content_disposition() == "attachment" and p.get_filename().endswith(".ics") for p in ics)
    events = [Calendar.from_ical(p.get_content()).walk("VEVENT")[0] for p in ics]
    assert sorted(e.decoded("dtstart") for e in events) == [DAY - timedelta(days=1), DAY + timedelta(days=2),
                                                            DAY + timedelta(days=7)]
    assert any("Thời hạn điều tra" in str(e["summary"]) for e in events)


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
