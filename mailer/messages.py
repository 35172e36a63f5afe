"""The digest e-mail: one per recipient per run, in Vietnamese.

Built with the standard library's `email` package (policy SMTP), not yagmail's message maker:
yagmail's plain-text alternative keeps the HTML tags, its text attachments get no
Content-Disposition and its default Message-ID is the same for two reminders (DESIGN.md). The
same bytes go to every transport, so the .eml written by the folder transport is exactly what
an SMTP server would receive.

Everything taken from a ledger is untrusted: it is HTML-escaped in the HTML part, control
characters are removed before it reaches a header (and `email` refuses CR/LF in a header
value anyway), attachment names are ASCII slugs, and .ics text is escaped by icalendar.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from icalendar import Alarm, Calendar, Event

from macros_py.ledger.values import fmt_date

from .planning import Alert, Recipient

__all__ = ["Composed", "Sender", "compose_digest", "days_text", "ics_for", "subject_for"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_ADDR = re.compile(r"^[^@\s<>,;:\"'()\[\]\\]+@[A-Za-z0-9.-]+$")


@dataclass(frozen=True, slots=True)
class Sender:
    address: str = "kiemsat@localhost"
    name: str = "kiemsat - Cảnh báo thời hạn"

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2] or "localhost"


@dataclass(frozen=True, slots=True)
class Composed:
    message_id: str  # "<...@domain>", stable for the same recipient and alerts
    recipient: str  # the envelope address
    subject: str
    raw: bytes  # the whole message, CRLF line ends
    keys: tuple[str, ...]  # the alerts it carries


def _clean(text: object) -> str:
    return _CONTROL.sub(" ", str(text)).strip()


def days_text(days_left: int) -> str:
    if days_left > 0:
        return f"còn {days_left} ngày"
    if days_left == 0:
        return "hết hạn hôm nay"
    return f"quá hạn {-days_left} ngày"


def subject_for(alerts: list[Alert]) -> str:
    """How many, and how soon: «Cảnh báo thời hạn: 3 thời hạn, 1 đã quá hạn, gần nhất còn 2 ngày (18/03/2026)»."""
    n = len(alerts)
    overdue = [a for a in alerts if a.deadline.days_left < 0]
    coming = [a for a in alerts if a.deadline.days_left >= 0]
    text = f"Cảnh báo thời hạn: {n} thời hạn"
    if overdue and not coming:
        worst = min(overdue, key=lambda a: a.deadline.days_left).deadline
        return f"{text} đã quá hạn" + (f" ({days_text(worst.days_left)})" if n == 1 else "")
    if overdue:
        text += f", {len(overdue)} đã quá hạn"
    first = min(coming, key=lambda a: a.deadline.days_left).deadline
    if n == 1:
        return f"{text} {days_text(first.days_left)} (hạn {fmt_date(first.due)})"
    return f"{text}, gần nhất {days_text(first.days_left)} (hạn {fmt_date(first.due)})"


def _slug(text: str, limit: int = 40) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:limit] or "vu-viec"


def _uid(alert: Alert, domain: str) -> str:
    """One calendar entry per procedural step: an extension updates the same entry."""
    return f"{hashlib.sha256(alert.step_key.encode()).hexdigest()[:32]}@{domain}"


def ics_for(alert: Alert, now: datetime, domain: str) -> bytes:
    d = alert.deadline
    cal = Calendar()
    cal.add("prodid", "-//kiemsat//Canh bao thoi han//VI")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    ev = Event()
    ev.add("uid", _uid(alert, domain))
    ev.add("dtstamp", now.astimezone(timezone.utc))
    ev.add("dtstart", d.due)
    ev.add("dtend", d.due + timedelta(days=1))
    # a later due date (an extension) gives a higher sequence, so calendars replace the old entry
    ev.add("sequence", max(0, (d.due - date(2000, 1, 1)).days))
    who = " - ".join(_clean(x) for x in (d.case, d.person) if x)
    ev.add("summary", f"Hết hạn: {d.title}" + (f" ({who})" if who else ""))
    ev.add("description", f"{_clean(d.basis)}\nSổ {alert.ledger_name}, sheet {d.sheet_name}, dòng {d.row}.")
    ev.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Ngày mai hết hạn: {d.title}")
    alarm.add("trigger", timedelta(days=-1))
    ev.add_component(alarm)
    cal.add_component(ev)
    return cal.to_ical()


_TH = "border:1px solid #999;padding:4px 6px;background:#dde4ee;text-align:left"
_TD = "border:1px solid #999;padding:4px 6px;vertical-align:top"


def _rows(alerts: list[Alert]) -> list[dict[str, str]]:
    rows = []
    for i, a in enumerate(alerts, start=1):
        d = a.deadline
        rows.append({
            "n": str(i), "due": fmt_date(d.due), "left": days_text(d.days_left), "kind": d.title,
            "case": " - ".join(_clean(x) for x in (d.case, d.person) if x) or "(chưa ghi số)",
            "basis": _clean(d.basis), "where": f"{a.ledger_name}, sheet «{d.sheet_name}», dòng {d.row}",
            "role": ", ".join(a.roles), "overdue": "1" if d.days_left < 0 else "",
        })
    return rows


_FOOTER = ("Mỗi cảnh báo chỉ gửi một lần cho mỗi mốc nhắc. Khi bước tố tụng đã xong hoặc đã được gia hạn, "
           "hãy ghi vào sổ: kiemsat sẽ thôi nhắc, hoặc nhắc theo hạn mới. Mỗi thời hạn có kèm một tệp lịch "
           "(.ics) để thêm vào lịch.")


def _text_body(recipient: Recipient, today: date, rows: list[dict[str, str]]) -> str:
    lines = [f"Kính gửi đồng chí {_clean(recipient.name)},", "",
             f"Tính đến ngày {fmt_date(today)}, có {len(rows)} thời hạn tố tụng đồng chí cần lưu ý "
             "(xếp theo hạn, sớm nhất trước):", ""]
    for r in rows:
        lines += [f"{r['n']}. Hạn {r['due']} ({r['left']}): {r['kind']} - {r['case']}",
                  f"   Căn cứ: {r['basis']}", f"   Sổ: {r['where']}; vai trò: {r['role']}", ""]
    lines += [_FOOTER, "", "Thư tự động của kiemsat; xin đừng trả lời thư này."]
    return "\n".join(lines) + "\n"


def _html_body(recipient: Recipient, today: date, rows: list[dict[str, str]]) -> str:
    e = html.escape
    head = ("STT", "Hạn", "Còn lại", "Loại thời hạn", "Vụ việc", "Căn cứ pháp lý", "Sổ", "Vai trò")
    cells = []
    for r in rows:
        style = _TD + (";color:#b00000;font-weight:bold" if r["overdue"] else "")
        cells.append("<tr>" + "".join(
            f'<td style="{style if k in ("due", "left") else _TD}">{e(r[k])}</td>'
            for k in ("n", "due", "left", "kind", "case", "basis", "where", "role")) + "</tr>")
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>Cảnh báo thời hạn</title></head>\n'
        '<body style="font-family:\'Times New Roman\',serif;font-size:14px">\n'
        f"<p>Kính gửi đồng chí <b>{e(_clean(recipient.name))}</b>,</p>\n"
        f"<p>Tính đến ngày {e(fmt_date(today))}, có <b>{len(rows)}</b> thời hạn tố tụng đồng chí cần lưu ý "
        "(xếp theo hạn, sớm nhất trước):</p>\n"
        '<table style="border-collapse:collapse">\n<tr>' + "".join(f'<th style="{_TH}">{h}</th>' for h in head)
        + "</tr>\n" + "\n".join(cells) + "\n</table>\n"
        f"<p>{e(_FOOTER)}</p>\n<p><i>Thư tự động của kiemsat; xin đừng trả lời thư này.</i></p>\n</body></html>\n"
    )


def _sorted(alerts: list[Alert]) -> list[Alert]:
    return sorted(alerts, key=lambda a: (a.deadline.due, a.ledger_name, a.deadline.sheet_name, a.deadline.row,
                                         a.deadline.kind, a.deadline.person or ""))


def message_id_for(recipient: str, keys: list[str], domain: str) -> str:
    digest = hashlib.sha256("\n".join([recipient, *sorted(keys)]).encode()).hexdigest()[:40]
    return f"<kiemsat.{digest}@{domain}>"


def compose_digest(alerts: list[Alert], today: date, sender: Sender, now: datetime | None = None) -> Composed:
    """One recipient's digest of `alerts` (all for the same recipient), ready to send."""
    if not alerts:
        raise ValueError("no alerts")
    now = now or datetime.now(timezone.utc)
    alerts = _sorted(alerts)
    recipient = alerts[0].recipient
    if any(a.recipient.address != recipient.address for a in alerts):
        raise ValueError("a digest has one recipient")
    address = recipient.address
    if not _ADDR.match(address):
        raise ValueError(f"địa chỉ thư «{_clean(address)}» không hợp lệ")
    keys = [a.key for a in alerts]
    rows = _rows(alerts)
    subject = subject_for(alerts)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = Address(_clean(sender.name), addr_spec=sender.address)
    msg["To"] = Address(_clean(recipient.name), addr_spec=address)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now.astimezone(timezone.utc))
    message_id = message_id_for(address, keys, sender.domain)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(_text_body(recipient, today, rows), subtype="plain", charset="utf-8")
    msg.add_alternative(_html_body(recipient, today, rows), subtype="html", charset="utf-8")
    seen: set[str] = set()
    for i, a in enumerate(alerts, start=1):
        if a.step_key in seen:
            continue
        seen.add(a.step_key)
        name = f"han-{i:02d}-{_slug(a.case_ref)}-{_slug(a.deadline.kind, 24)}.ics"
        msg.add_attachment(ics_for(a, now, sender.domain), maintype="text", subtype="calendar", filename=name,
                           params={"method": "PUBLISH", "charset": "utf-8"})
    return Composed(message_id, address, subject, msg.as_bytes(), tuple(keys))
