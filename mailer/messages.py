"""The digest e-mail: one per recipient per run, in Vietnamese, read first on a phone.

Built with the standard library's `email` package (policy SMTP), not yagmail's message maker:
yagmail's plain-text alternative keeps the HTML tags, its text attachments get no
Content-Disposition and its default Message-ID is the same for two reminders (DESIGN.md). The
same bytes go to every transport, so the .eml written by the folder transport is exactly what
an SMTP server would receive.

Layout: one block per deadline (status and days, kind, case and person, due date, basis, what to
do, where in which ledger), the most urgent first; inline styles only, no table wider than the
screen, a viewport, so Outlook, Thunderbird and Gmail on a 390 px phone show it without sideways
scrolling; the plain-text part says the same. A leader's digest (`Summary`) starts with counts by
status and by prosecutor, then the list.

Content («Nội dung thư cảnh báo», per ledger; a digest follows the strictest of its ledgers):
FULL everything; SHORT case code, kind and due date, no personal names (the people in the case),
no offences, no summaries or legal basis; COUNTS only how many, and where the ledger is. The
subject, the body parts and the calendar follow the same level (COUNTS attaches no calendar).

Calendar: one .ics per digest with one event per step not yet overdue; its UID comes from the
ledger's stable identity and the step (never the file path); its SEQUENCE is kept by the outbox
and only grows; the alarm rings at the ledger's «Giờ nhắc trên lịch» on the day before.

Everything taken from a ledger is untrusted: it is HTML-escaped in the HTML part, control
characters are removed before it reaches a header (and `email` refuses CR/LF in a header
value anyway), attachment names are ASCII, and .ics text is escaped (`ics.escape_text`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from macros_py.law.deadlines import Deadline
from macros_py.ledger.values import fmt_date

from .ics import CalendarEvent, calendar_bytes
from .planning import COUNTS, FULL, SHORT, Alert, Recipient, Summary

__all__ = ["Composed", "Sender", "calendar_uid", "compose_digest", "days_text", "ics_for", "message_id_for",
           "subject_for"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_ADDR = re.compile(r"^[^@\s<>,;:\"'()\[\]\\]+@[A-Za-z0-9.-]+$")
_STRICTNESS = {FULL: 0, SHORT: 1, COUNTS: 2}
Item = Alert | Summary


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


def _status(days_left: int) -> str:
    if days_left < 0:
        return "QUÁ HẠN"
    if days_left == 0:
        return "HẾT HẠN HÔM NAY"
    return f"CÒN {days_left} NGÀY"


def level_of(items: Sequence[Item]) -> str:
    """The strictest content level among the digest's ledgers."""
    return max((i.content for i in items), key=_STRICTNESS.__getitem__, default=FULL)


def _urgency(a: Alert) -> tuple:
    """Overdue custody or detention first (someone may be held without a valid order), then by days left."""
    d = a.deadline
    return (not d.held_overdue, d.days_left, d.due, a.ledger_name, d.sheet_name, d.row, d.kind, d.person or "")


def _case(d: Deadline, level: str) -> str:
    """«12/2026/HS - Nguyễn Văn A», without the person below FULL."""
    parts = [d.case or f"sheet {d.sheet_name}, dòng {d.row}"]
    if level == FULL and d.person:
        parts.append(d.person)
    return " - ".join(_clean(x) for x in parts)


def _headline(d: Deadline, level: str) -> str:
    """«QUÁ HẠN: Tạm giam để điều tra Nguyễn Văn A (12/2026/HS) hết hạn 03/12/2026»."""
    who = f" {_clean(d.person)}" if level == FULL and d.person else ""
    case = _clean(d.case) if d.case else f"sheet {_clean(d.sheet_name)}, dòng {d.row}"
    return f"{_status(d.days_left)}: {_clean(d.title)}{who} ({case}) hết hạn {fmt_date(d.due)}"


def _counts(deadlines: Sequence[Deadline]) -> str:
    overdue = sum(d.days_left < 0 for d in deadlines)
    today = sum(d.days_left == 0 for d in deadlines)
    soon = len(deadlines) - overdue - today
    parts = [f"{overdue} đã quá hạn"] if overdue else []
    parts += [f"{today} hết hạn hôm nay"] if today else []
    parts += [f"{soon} sắp hết hạn"] if soon else []
    return ", ".join(parts) or "không có"


def subject_for(items: Sequence[Item], today: date | None = None) -> str:
    """The most urgent first, with status and case: «QUÁ HẠN: Tạm giam để điều tra Nguyễn Văn A
    (12/2026/HS) hết hạn 03/12/2026 — và 4 thời hạn khác»; a leader's digest says what it is."""
    level = level_of(items)
    alerts = sorted((i for i in items if isinstance(i, Alert)), key=_urgency)
    summaries = [i for i in items if isinstance(i, Summary)]
    if summaries:
        listed = [d for s in summaries for d in s.deadlines]
        day = fmt_date(today or summaries[0].today)
        return f"Tổng hợp thời hạn ngày {day}: {len(listed)} thời hạn ({_counts(listed)})"
    if level == COUNTS:
        return f"Cảnh báo thời hạn: {len(alerts)} thời hạn cần xem ({_counts([a.deadline for a in alerts])})"
    steps = list(dict.fromkeys(a.step_key for a in alerts))
    head = _headline(alerts[0].deadline, level)
    return head + (f" — và {len(steps) - 1} thời hạn khác" if len(steps) > 1 else "")


# ---------------------------------------------------------------- calendar


def calendar_uid(alert: Alert) -> str:
    """One calendar entry per procedural step of a ledger, whatever the file is called: the
    ledger's identity (Mã sổ, else unit + title), case, person and kind, hashed."""
    return hashlib.sha256(alert.step_key.encode()).hexdigest()[:32]


def _alarm_before(at: time) -> timedelta:
    """A trigger relative to an all-day event's start (00:00 of the due date, local time):
    08:00 the day before is -16 h. Outlook sets its all-day reminders the same way."""
    return -(timedelta(days=1) - timedelta(hours=at.hour, minutes=at.minute))


def ics_for(alerts: Sequence[Alert], now: datetime, domain: str, *, level: str = FULL,
            sequences: Mapping[str, int] | None = None) -> bytes | None:
    """One calendar with an event per step not yet overdue; None when there is none (or COUNTS)."""
    if level == COUNTS:
        return None
    events: dict[str, CalendarEvent] = {}
    for a in alerts:
        d = a.deadline
        if d.days_left < 0:
            continue
        uid = calendar_uid(a)
        if uid in events:
            continue
        case = _case(d, level)
        where = f"{_clean(a.ledger_name)}, sheet {_clean(d.sheet_name)}, dòng {d.row}"
        text = f"{_clean(d.basis)}\n{d.action}\n{where}." if level == FULL else f"{d.action}\n{where}."
        events[uid] = CalendarEvent(
            f"{uid}@{domain}", d.due, (sequences or {}).get(uid, 0), f"Hết hạn: {_clean(d.title)} ({case})", text,
            _alarm_before(a.source.alarm if a.source else time(8, 0)), f"Ngày mai hết hạn: {_clean(d.title)} ({case})")
    return calendar_bytes(events.values(), now) if events else None


# ---------------------------------------------------------------- body

_FOOTER = ("Mốc nhắc: thư được gửi khi thời hạn còn số ngày ghi ở «Số ngày cảnh báo trước» (và các «Ngày nhắc "
           "thêm») trong sheet Cấu hình của sổ; mỗi mốc nhắc chỉ gửi một lần. Khi bước tố tụng đã xong hoặc đã được "
           "gia hạn, hãy ghi vào sổ: kiemsat sẽ thôi nhắc, hoặc nhắc theo hạn mới.")
_CALENDAR = "Tệp lịch (.ics) kèm theo có các thời hạn chưa quá hạn, nhắc vào ngày trước ngày hết hạn."
_AUTO = "Thư tự động của kiemsat; xin đừng trả lời thư này."


@dataclass(frozen=True, slots=True)
class _Block:
    status: str  # «QUÁ HẠN 3 ngày»
    overdue: bool
    title: str
    fields: tuple[tuple[str, str], ...]  # (label, value)
    roles: str = ""  # the recipient's roles: not part of what is cached per deadline


# a deadline is in its prosecutor's, its leader's and the leaders' digests: render it once per run
_CACHE_SIZE = 100_000
_BLOCK_CACHE: dict[tuple, _Block] = {}


def _block(a: Alert, level: str) -> _Block:
    d = a.deadline
    key = (a.ledger_name, d.sheet_name, d.row, d.kind, d.case, d.person, d.title, d.due, d.days_left, d.basis, level,
           a.previous)
    found = _BLOCK_CACHE.get(key)
    if found is None:
        if len(_BLOCK_CACHE) > _CACHE_SIZE:
            _BLOCK_CACHE.clear()
        found = _BLOCK_CACHE[key] = _make_block(a, level)
    return _Block(found.status, found.overdue, found.title, found.fields, ", ".join(a.roles)) if a.roles else found


def _make_block(a: Alert, level: str) -> _Block:
    d = a.deadline
    fields: list[tuple[str, str]] = [("Vụ việc", _clean(d.case) if d.case else "(chưa ghi số)")]
    if level == FULL and d.person:
        fields.append(("Người bị áp dụng", _clean(d.person)))
    fields.append(("Hết hạn", f"{fmt_date(d.due)} ({days_text(d.days_left)})"))
    if a.previous is not None:
        fields.append(("Hạn trước đây", f"{fmt_date(a.previous)} (hạn đã thay đổi từ khi có cảnh báo trước)"))
    if d.alternative is not None:  # the law admits two readings: the other one's date (issue 26)
        fields.append(("Cách tính khác", d.alternative_text))
    if level == FULL:
        fields.append(("Căn cứ", _clean(d.basis)))
    fields.append(("Việc cần làm", d.action))
    fields.append(("Sổ", f"{_clean(a.ledger_name)}, sheet «{_clean(d.sheet_name)}», dòng {d.row}"))
    status = f"QUÁ HẠN {-d.days_left} NGÀY" if d.days_left < 0 else _status(d.days_left)
    return _Block(status, d.days_left < 0, _clean(d.title), tuple(fields))


def _summary_lines(s: Summary, level: str) -> tuple[str, list[tuple[str, str]]]:
    """(heading, [(label, count text)]): by status, then by prosecutor (not at COUNTS)."""
    rows = [("Tổng số", f"{len(s.deadlines)} thời hạn: {_counts(s.deadlines)}")]
    if s.backlog:
        rows.append(("Quá hạn từ trước ngày bắt đầu cảnh báo", f"{s.backlog} thời hạn"))
    if level != COUNTS:
        by_person: dict[str, list[Deadline]] = {}
        for d in s.deadlines:
            by_person.setdefault(_clean(d.prosecutor) if d.prosecutor else "(chưa phân công)", []).append(d)
        for name in sorted(by_person, key=lambda n: (-sum(d.days_left < 0 for d in by_person[n]), n)):
            rows.append((name, _counts(by_person[name])))
    return f"{_clean(s.ledger_name)} — tình hình thời hạn ngày {fmt_date(s.today)}", rows


def _step(ledger: str, d: Deadline) -> tuple:
    return (ledger, d.sheet, d.row, d.kind, d.person, d.due)


def _summary_blocks(s: Summary, level: str, shown: set[tuple]) -> list[_Block]:
    """The unit's list, without the steps this digest already shows as the recipient's own."""
    if level == COUNTS:
        return []
    listed = [Alert(s.ledger, s.ledger_name, d, 0, s.recipient, (f"KSV: {_clean(d.prosecutor or '-')}",), s.source)
              for d in s.deadlines if _step(s.ledger, d) not in shown]
    return [_block(a, level) for a in sorted(listed, key=_urgency)]


_Section = tuple[str, list[tuple[str, str]], list[_Block], bool]


def _sections(items: Sequence[Item], level: str) -> list[_Section]:
    """(heading, summary rows, blocks, numbered) in reading order: the leader's summaries (their
    list bulleted, not numbered: the numbers count the alerts the mail carries), own alerts, backlog."""
    out: list[_Section] = []
    alerts = sorted((i for i in items if isinstance(i, Alert)), key=_urgency)
    shown = {_step(a.ledger, a.deadline) for a in alerts}
    for s in (i for i in items if isinstance(i, Summary)):
        heading, rows = _summary_lines(s, level)
        blocks = _summary_blocks(s, level, shown)
        if level != COUNTS and len(blocks) < len(s.deadlines):
            rows.append(("Danh sách", f"{len(blocks)} thời hạn dưới đây; {len(s.deadlines) - len(blocks)} thời hạn "
                                      "khác ở phần thư của đồng chí, không nhắc lại"))
        out.append((heading, rows, blocks, False))
    own = [a for a in alerts if not a.backlog]
    backlog = [a for a in alerts if a.backlog]
    if own:
        heading = "Thời hạn đồng chí cần lưu ý (gấp nhất trước)"
        rows = [("Tổng số", f"{len(own)} thời hạn: {_counts([a.deadline for a in own])}")] if level == COUNTS else []
        out.append((heading, rows, [] if level == COUNTS else [_block(a, level) for a in own], True))
    if backlog:
        start = backlog[0].source.start if backlog[0].source else None
        heading = ("Quá hạn từ trước ngày bắt đầu cảnh báo" + (f" ({fmt_date(start)})" if start else "")
                   + ": chỉ báo một lần trong thư này, không gửi cho từng người")
        rows = [("Tổng số", f"{len(backlog)} thời hạn")] if level == COUNTS else []
        out.append((heading, rows, [] if level == COUNTS else [_block(a, level) for a in backlog], True))
    return out


def _where(items: Sequence[Item], level: str) -> list[str]:
    """At COUNTS the mail says where to look: each ledger's file."""
    if level != COUNTS:
        return []
    paths = dict.fromkeys(i.source.path for i in items if i.source is not None and i.source.path)
    return [f"Mở sổ để xem chi tiết: {_clean(p)}" for p in paths]


def _text_body(recipient: Recipient, today: date, items: Sequence[Item], sections: list[_Section], level: str,
               calendar: bool) -> str:
    lines = [f"Kính gửi đồng chí {_clean(recipient.name)},", "", f"Tình hình thời hạn tố tụng ngày {fmt_date(today)}.",
             ""]
    n = 0
    for heading, rows, blocks, numbered in sections:
        lines += [heading.upper(), ""]
        lines += [f"- {label}: {value}" for label, value in rows]
        if rows:
            lines.append("")
        for b in blocks:
            n += numbered
            fields = dict(b.fields)
            mark = f"{n}." if numbered else "*"
            lines.append(f"{mark} Hạn {fields['Hết hạn'].split(' ')[0]} ({b.status}): {b.title} - "
                         + " - ".join(v for k, v in b.fields if k in ("Vụ việc", "Người bị áp dụng")))
            lines += [f"   {label}: {value}" for label, value in b.fields if label not in (
                "Vụ việc", "Người bị áp dụng")]
            if b.roles:
                lines.append(f"   Vai trò: {b.roles}")
            lines.append("")
    lines += _where(items, level)
    lines += ["", _FOOTER] + ([_CALENDAR] if calendar else []) + ["", _AUTO]
    return "\n".join(lines) + "\n"


_RED, _AMBER = "#b00000", "#9a5b00"
_HTML_CACHE: dict[_Block, str] = {}


def _block_html(b: _Block) -> str:
    roles = f'<br><span style="color:#555">Vai trò:</span> {html.escape(b.roles)}' if b.roles else ""
    base = _Block(b.status, b.overdue, b.title, b.fields) if b.roles else b
    return _block_html_base(base) + roles + "</div>\n"


def _block_html_base(b: _Block) -> str:
    """The block without its roles and closing tag, rendered once per deadline and run."""
    html_text = _HTML_CACHE.get(b)
    if html_text is None:
        e = html.escape
        color = _RED if b.overdue else _AMBER
        html_text = (
            f'<div style="border-left:4px solid {color};background:#fafafa;margin:0 0 12px 0;padding:8px 10px">'
            f'<b style="color:{color};font-size:14px">{e(b.status)}</b><br>'
            f'<b style="font-size:17px">{e(b.title)}</b><br>'
            + "<br>".join(f'<span style="color:#555">{e(label)}:</span> {e(value)}' for label, value in b.fields))
        if len(_HTML_CACHE) > _CACHE_SIZE:
            _HTML_CACHE.clear()
        _HTML_CACHE[b] = html_text
    return html_text


def _html_body(recipient: Recipient, today: date, items: Sequence[Item], sections: list[_Section], level: str,
               calendar: bool) -> str:
    e = html.escape
    wrap = "overflow-wrap:break-word;word-wrap:break-word;word-break:break-word"
    parts = [
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="x-apple-disable-message-reformatting"><title>Cảnh báo thời hạn</title></head>\n'
        f'<body style="margin:0;padding:0;background:#f4f4f4;font-family:Arial,Helvetica,sans-serif;font-size:16px;'
        f'line-height:1.4;color:#222;{wrap}">\n'
        f'<div style="max-width:600px;margin:0 auto;padding:12px;background:#ffffff;{wrap}">\n'
        f'<p style="margin:0 0 8px 0">Kính gửi đồng chí <b>{e(_clean(recipient.name))}</b>,</p>\n'
        f'<p style="margin:0 0 12px 0">Tình hình thời hạn tố tụng ngày {e(fmt_date(today))}.</p>\n']
    for heading, rows, blocks, _ in sections:
        parts.append(f'<h2 style="font-size:17px;margin:16px 0 8px 0;color:#1a3d6d">{e(heading)}</h2>\n')
        for label, value in rows:
            parts.append(f'<p style="margin:0 0 4px 0"><b>{e(label)}:</b> {e(value)}</p>\n')
        parts += [_block_html(b) for b in blocks]
    for line in _where(items, level):
        parts.append(f'<p style="margin:8px 0">{e(line)}</p>\n')
    parts.append(f'<p style="margin:16px 0 4px 0;font-size:14px;color:#555">{e(_FOOTER)}</p>\n')
    if calendar:
        parts.append(f'<p style="margin:4px 0;font-size:14px;color:#555">{e(_CALENDAR)}</p>\n')
    parts.append(f'<p style="margin:4px 0;font-size:13px;color:#777"><i>{e(_AUTO)}</i></p>\n</div>\n</body></html>\n')
    return "".join(parts)


def _base64_lines(body: bytes) -> bytes:
    """base64 in lines of 76 characters joined by CRLF (RFC 2045 6.8), without a final line end."""
    return base64.encodebytes(body).replace(b"\n", b"\r\n").rstrip(b"\r\n")


def _mailbox(name: str, address: str) -> str:
    """«=?utf-8?b?...?= <a@b>»: the display name encoded (so no character of it is special), the
    address as validated (`_ADDR`)."""
    return f"{Header(_clean(name), 'utf-8', maxlinelen=76, header_name='From').encode()} <{address}>"


def message_id_for(recipient: str, keys: list[str], domain: str) -> str:
    digest = hashlib.sha256("\n".join([recipient, *sorted(keys)]).encode()).hexdigest()[:40]
    return f"<kiemsat.{digest}@{domain}>"


def compose_digest(items: Sequence[Item], today: date, sender: Sender, now: datetime | None = None, *,
                   sequences: Mapping[str, int] | None = None) -> Composed:
    """One recipient's digest of `items` (alerts and leader summaries, one recipient), ready to send."""
    if not items:
        raise ValueError("no alerts")
    now = now or datetime.now(timezone.utc)
    recipient = items[0].recipient
    if any(i.recipient.address != recipient.address for i in items):
        raise ValueError("a digest has one recipient")
    address = recipient.address
    if not _ADDR.match(address):
        raise ValueError(f"địa chỉ thư «{_clean(address)}» không hợp lệ")
    level = level_of(items)
    keys = [i.key for i in items]
    alerts = sorted((i for i in items if isinstance(i, Alert)), key=_urgency)
    # the calendar holds the recipient's own steps, not the whole unit's list of a leader's summary
    ics = ics_for(alerts, now, sender.domain, level=level, sequences=sequences)
    subject = subject_for(items, today)
    msg = EmailMessage(policy=SMTP)
    # set raw (RFC 2047 words by email.header, as the subject): parsing and refolding structured
    # headers was a tenth of the composing time
    msg.set_raw("From", _mailbox(sender.name, sender.address))
    msg.set_raw("To", _mailbox(recipient.name, address))
    # folded by email.header: the email package's own folding drops the space between two encoded
    # words ("thời hạn" arrives as "thờihạn", Python 3.11), and a subject is full of Vietnamese words
    msg.set_raw("Subject", Header(_clean(subject), "utf-8", maxlinelen=76, header_name="Subject").encode())
    msg["Date"] = format_datetime(now.astimezone(timezone.utc))
    message_id = message_id_for(address, keys, sender.domain)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    sections = _sections(items, level)
    bodies = [_text_body(recipient, today, items, sections, level, ics is not None).encode("utf-8"),
              _html_body(recipient, today, items, sections, level, ics is not None).encode("utf-8")]
    # The email package writes the headers and the MIME structure; the bodies, base64-encoded in
    # one call each, replace one-line placeholders afterwards. Its own encoder and generator, which
    # handle a base64 body one 76-character line at a time in Python, took two thirds of the time
    # to compose a province's digests (bench/bench_alerts.py). The placeholders are random, so no
    # ledger text can be one; base64 is also shorter than quoted-printable for Vietnamese.
    token = secrets.token_hex(16)
    msg.set_content(f"{token}-0", subtype="plain", charset="utf-8", cte="7bit")
    msg.add_alternative(f"{token}-1", subtype="html", charset="utf-8", cte="7bit")
    if ics is not None:
        bodies.append(ics)
        msg.add_attachment(f"{token}-2", subtype="calendar", charset="utf-8", cte="7bit",
                           disposition="attachment", filename=f"thoi-han-{today.isoformat()}.ics",
                           params={"method": "PUBLISH"})
    for part in msg.walk():
        if not part.is_multipart():
            part.replace_header("Content-Transfer-Encoding", "base64")
    raw = msg.as_bytes()
    for i, body in enumerate(bodies):
        raw = raw.replace(f"{token}-{i}".encode(), _base64_lines(body), 1)
    return Composed(message_id, address, _clean(subject), raw, tuple(keys))
