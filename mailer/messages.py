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
from macros_py.law.urgency import BANDS, DAY, OVERDUE, Band, band_for, due_text, when_text

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


def days_text(days_left: int, due_time: time | None = None) -> str:
    return when_text(days_left, due_time)


def level_of(items: Sequence[Item]) -> str:
    """The strictest content level among the digest's ledgers."""
    return max((i.content for i in items), key=_STRICTNESS.__getitem__, default=FULL)


def _urgency(a: Alert) -> tuple:
    """Overdue first (custody or detention first of all: someone may be held without a valid order; the
    procuracy's own work before other bodies' delays), then by days left."""
    d = a.deadline
    return (not d.held_overdue, d.days_left >= 0, d.days_left < 0 and not d.procuracy_owned, d.days_left, d.due,
            a.ledger_name, d.sheet_name, d.row, d.kind, d.person or "")


def _case(d: Deadline, level: str) -> str:
    """«12/2026/HS - Nguyễn Văn A», without the person below FULL."""
    parts = [d.case or f"sheet {d.sheet_name}, dòng {d.row}"]
    if level == FULL and d.person:
        parts.append(d.person)
    return " - ".join(_clean(x) for x in parts)


def _headline(d: Deadline, level: str) -> str:
    """«QUÁ HẠN 3 NGÀY: Tạm giam để điều tra Nguyễn Văn A (12/2026/HS) hết hạn 03/12/2026»."""
    who = f" {_clean(d.person)}" if level == FULL and d.person else ""
    case = _clean(d.case) if d.case else f"sheet {_clean(d.sheet_name)}, dòng {d.row}"
    status = (("QUÁ HẠN" if d.procuracy_owned else "CƠ QUAN KHÁC CHẬM") if d.days_left < 0
              else "HẾT HẠN HÔM NAY" if d.days_left == 0 else f"CÒN {d.days_left} NGÀY")
    return f"{status}: {_clean(d.title)}{who} ({case}) hết hạn {due_text(d.due, d.due_time)}"


def _status(d: Deadline) -> str:
    """The card's status, band first: «QUÁ HẠN 3 NGÀY», «HÔM NAY · HẾT HẠN LÚC 10:00», «TRONG 3 NGÀY · CÒN 2 NGÀY»."""
    band = band_for(d)
    if band is OVERDUE:
        if d.days_left >= 0 and d.due_time is not None:  # a limit in hours, past its hour today
            return f"QUÁ HẠN · HẾT LÚC {d.due_time.strftime('%H:%M')} HÔM NAY"
        return f"QUÁ HẠN {-d.days_left} NGÀY"
    if band is DAY and d.days_left > 0:  # a limit in hours ending tomorrow, less than 24 hours away
        return f"TRONG 24 GIỜ · {when_text(d.days_left, d.due_time).upper()}"
    if d.days_left == 0:
        return f"HÔM NAY · HẾT HẠN LÚC {d.due_time.strftime('%H:%M')}" if d.due_time else "HẾT HẠN HÔM NAY"
    return f"{band.word} · {when_text(d.days_left, d.due_time).upper()}"


def _counts(deadlines: Sequence[Deadline]) -> str:
    """«2 quá hạn (1 cơ quan khác chậm), 1 hết hạn hôm nay hoặc trong 24 giờ, 3 sắp đến hạn»."""
    parts = []
    for band in BANDS:
        group = [d for d in deadlines if band_for(d) is band]
        if not group:
            continue
        other = sum(not d.procuracy_owned for d in group) if band is OVERDUE else 0
        parts.append(f"{len(group)} {band.label}" + (f" ({other} cơ quan khác chậm)" if other else ""))
    return ", ".join(parts) or "không có"


def subject_for(items: Sequence[Item], today: date | None = None) -> str:
    """The most urgent first, with status and case: «QUÁ HẠN 3 NGÀY: Tạm giam để điều tra Nguyễn Văn A
    (12/2026/HS) — và 4 thời hạn khác»; a leader's digest counts the overdue first."""
    level = level_of(items)
    alerts = sorted((i for i in items if isinstance(i, Alert)), key=_urgency)
    summaries = [i for i in items if isinstance(i, Summary)]
    if summaries:
        listed = [d for s in summaries for d in s.deadlines]
        day = fmt_date(today or summaries[0].today)
        own = sum(d.days_left < 0 and d.procuracy_owned for d in listed)
        other = sum(d.days_left < 0 and not d.procuracy_owned for d in listed)
        soon = len(listed) - own - other
        parts = [f"{own} việc quá hạn của Viện kiểm sát"] if own else []
        parts += [f"{other} cơ quan khác chậm"] if other else []
        parts += [f"{soon} sắp đến hạn"] if soon else []
        return f"Tổng hợp thời hạn ngày {day}: " + (", ".join(parts) or "không có")
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

_FOOTER = ("Mốc nhắc: thư được gửi khi thời hạn còn số ngày ghi ở «Số ngày cảnh báo trước» (và các «Ngày nhắc thêm») trong sheet "
           "Cấu hình của sổ; việc đã quá hạn được nhắc lại theo «Nhắc lại việc quá hạn sau mỗi (ngày)» cho đến khi sổ "
           "ghi đã xong hoặc đã gia hạn. Làm xong hay được gia hạn, hãy ghi vào sổ: kiemsat sẽ thôi nhắc, hoặc nhắc "
           "theo hạn mới.")
_CALENDAR = "Tệp lịch (.ics) kèm theo có các thời hạn chưa quá hạn, nhắc vào ngày trước ngày hết hạn."
_AUTO = "Thư tự động của kiemsat; xin đừng trả lời thư này."
_BACKLOG_NOTE = ("Các việc này đã quá hạn trước khi kiemsat bắt đầu gửi cảnh báo. Việc nào đã làm xong hoặc đã gia hạn, "
                 "xin ghi vào sổ để kiemsat thôi nhắc; việc nào chưa làm, xin làm ngay.")
_OTHER_NOTE = ("Thời hạn của cơ quan khác (Cơ quan điều tra, Tòa án, cơ quan thi hành án): không tính là Kiểm sát viên "
               "chậm; việc của Viện kiểm sát là yêu cầu và kiến nghị như dưới đây.")
# «Chỉ số lượng»: where the details are, never in the mail
_WHERE = ("Xem chi tiết ở máy của đơn vị: mở sổ theo dõi và bấm «Kiểm tra thời hạn» trên thanh kiemsat trong Excel, "
          "hoặc in danh sách bằng lệnh «kiemsat alerts list».")


@dataclass(frozen=True, slots=True)
class _Block:
    status: str  # «QUÁ HẠN 3 NGÀY»
    band: Band
    title: str
    fields: tuple[tuple[str, str], ...]  # (label, value); an empty label: the value alone
    roles: str = ""  # the recipient's roles: not part of what is cached per deadline

    @property
    def overdue(self) -> bool:
        return self.band is OVERDUE


# a deadline is in its prosecutor's, its leader's and the leaders' digests: render it once per run
_CACHE_SIZE = 100_000
_BLOCK_CACHE: dict[tuple, _Block] = {}


def _block(a: Alert, level: str, ledger_shown: bool = False) -> _Block:
    d = a.deadline
    key = (a.ledger_name, d.sheet_name, d.row, d.kind, d.case, d.person, d.title, d.due, d.due_time, d.days_left,
           d.basis, level, a.previous, a.facts, ledger_shown)
    found = _BLOCK_CACHE.get(key)
    if found is None:
        if len(_BLOCK_CACHE) > _CACHE_SIZE:
            _BLOCK_CACHE.clear()
        found = _BLOCK_CACHE[key] = _make_block(a, level, ledger_shown)
    return _Block(found.status, found.band, found.title, found.fields, ", ".join(a.roles)) if a.roles else found


def _make_block(a: Alert, level: str, ledger_shown: bool) -> _Block:
    """One compact card: status, step, case (and at FULL who and what), due date once, what to do, where."""
    d = a.deadline
    case = _clean(d.case) if d.case else "(chưa ghi số)"
    if level == FULL and d.person:
        case += f" - {_clean(d.person)}"
    fields: list[tuple[str, str]] = [("Vụ việc", case)]
    if level == FULL and a.facts:
        fields.append(("", _clean(a.facts)))
    due = due_text(d.due, d.due_time)
    if a.previous is not None:
        due += f" (hạn trước đây {fmt_date(a.previous)})"
    fields.append(("Hết hạn", due))
    if not d.procuracy_owned and d.actor_label:
        fields.append(("Cơ quan khác chậm" if d.days_left < 0 else "Cơ quan phải làm", d.actor_label))
    if d.alternative is not None:  # the law admits two readings: the other one's date (issue 26)
        fields.append(("Cách tính khác", d.alternative_text))
    if level == FULL:
        fields.append(("Căn cứ", _clean(d.basis)))
    fields.append(("Việc cần làm", d.action))
    where = f"«{_clean(d.sheet_name)}» dòng {d.row}"
    fields.append(("Sổ", f"{_clean(a.ledger_name)}: {where}" if ledger_shown else where))
    return _Block(_status(d), band_for(d), _clean(d.title), tuple(fields))


_Section = tuple[str, list[tuple[str, str]], list[_Block], bool]


def _step(ledger: str, d: Deadline) -> tuple:
    return (ledger, d.sheet_name, d.row, d.kind, d.person, d.due)


def _band_rows(deadlines: Sequence[Deadline]) -> list[tuple[str, str]]:
    """One row per band that has something: («Quá hạn», «3 thời hạn (1 cơ quan khác chậm)»)."""
    rows = []
    for band in BANDS:
        group = [d for d in deadlines if band_for(d) is band]
        if group:
            other = sum(not d.procuracy_owned for d in group) if band is OVERDUE else 0
            rows.append((band.word.capitalize() if band is not OVERDUE else "Quá hạn",
                         f"{len(group)} thời hạn" + (f" ({other} cơ quan khác chậm)" if other else "")))
    return rows


def _summary_sections(s: Summary, level: str, shown: set[tuple], ledger_shown: bool) -> list[_Section]:
    """A leader's digest of one ledger: the counts, the overdue by person, other bodies' delays, what each
    person's mail lists today, then the rest of the list (without what this mail shows as the leader's own)."""
    heading = f"{_clean(s.ledger_name)} — tình hình thời hạn ngày {fmt_date(s.today)}"
    own = [d for d in s.deadlines if d.days_left < 0 and d.procuracy_owned]
    other = [d for d in s.deadlines if d.days_left < 0 and not d.procuracy_owned]
    rest = [d for d in s.deadlines if d.days_left >= 0]
    rows = [("Quá hạn — việc của Viện kiểm sát", f"{len(own)} thời hạn")] if own else []
    rows += [("Cơ quan khác chậm", f"{len(other)} thời hạn (không tính cho Kiểm sát viên)")] if other else []
    rows += _band_rows(rest)
    if s.backlog:
        rows.append(("Trong đó quá hạn từ trước ngày bắt đầu cảnh báo", f"{s.backlog} thời hạn"))
    if not rows:
        rows.append(("Tổng số", "không có"))
    out: list[_Section] = [(heading, rows, [], False)]
    if level == COUNTS:
        return out

    def cards(deadlines: Sequence[Deadline], with_name: bool) -> list[_Block]:
        alerts = [Alert(s.ledger, s.ledger_name, d, 0, s.recipient,
                        (f"KSV: {_clean(d.prosecutor or '(chưa phân công)')}",) if with_name else (), s.source,
                        facts=s.facts.get((d.sheet_name, d.row), ""))
                  for d in deadlines if _step(s.ledger, d) not in shown]
        return [_block(a, level, ledger_shown) for a in sorted(alerts, key=_urgency)]

    by_person: dict[str, list[Deadline]] = {}
    for d in own:
        by_person.setdefault(_clean(d.prosecutor) if d.prosecutor else "(chưa phân công)", []).append(d)
    for name in sorted(by_person, key=lambda n: (-len(by_person[n]), n)):
        steps = by_person[name]
        blocks = cards(steps, False)
        more = [("", f"{len(steps) - len(blocks)} việc ở phần thư của đồng chí, không nhắc lại")] \
            if len(blocks) < len(steps) else []
        out.append((f"Quá hạn — KSV {name}: {len(steps)} việc", more, blocks, False))
    if other:
        out.append((f"Cơ quan khác chậm: {len(other)} việc", [("", _OTHER_NOTE)], cards(other, True), False))
    if s.people:
        out.append(("Thư hôm nay gửi từng người (từ sổ này)",
                    [(_clean(name), f"{len(steps)} việc: {_counts(steps)}")
                     for name, steps in sorted(s.people, key=lambda p: p[0])], [],
                    False))
    if rest:
        blocks = cards(rest, True)
        more = [("", f"{len(rest) - len(blocks)} thời hạn khác ở phần thư của đồng chí, không nhắc lại")] \
            if len(blocks) < len(rest) else []
        out.append((f"Sắp đến hạn: {len(rest)} thời hạn", more, blocks, False))
    return out


def _sections(items: Sequence[Item], level: str) -> list[_Section]:
    """(heading, rows, blocks, numbered) in reading order: the recipient's own overdue work first (then
    their backlog to bring up to date), the leaders' digests, other bodies' delays, then what is coming."""
    alerts = sorted((i for i in items if isinstance(i, Alert)), key=_urgency)
    ledgers = {i.ledger for i in items}
    ledger_shown = len(ledgers) > 1
    shown = {_step(a.ledger, a.deadline) for a in alerts}
    overdue = [a for a in alerts if a.overdue and not a.other_body and not a.backlog]
    backlog = [a for a in alerts if a.overdue and not a.other_body and a.backlog]
    other = [a for a in alerts if a.overdue and a.other_body]
    coming = [a for a in alerts if not a.overdue]
    start = next((a.source.start for a in backlog if a.source and a.source.start), None)
    parts: list[tuple[str, list[tuple[str, str]], list[Alert]]] = [
        (f"Việc quá hạn — cần làm ngay: {len(overdue)} việc", [], overdue),
        (f"Việc quá hạn cần cập nhật sổ: {len(backlog)} việc"
         + (f" (quá hạn từ trước ngày {fmt_date(start)})" if start else ""), [("", _BACKLOG_NOTE)], backlog),
        (f"Cơ quan khác chậm: {len(other)} việc", [("", _OTHER_NOTE)], other),
        (f"Sắp đến hạn: {len(coming)} thời hạn (gấp nhất trước)", [], coming),
    ]
    out: list[_Section] = []
    for i, (heading, rows, group) in enumerate(parts):
        if i == 2:  # the leaders' digests after the recipient's own overdue work
            for s in (x for x in items if isinstance(x, Summary)):
                out += _summary_sections(s, level, shown, ledger_shown)
        if not group:
            continue
        if level == COUNTS:
            out.append((heading.split(":")[0], _band_rows([a.deadline for a in group]), [], False))
        else:
            out.append((heading, rows, [_block(a, level, ledger_shown) for a in group], True))
    return out


def _where(items: Sequence[Item], level: str) -> list[str]:
    """At COUNTS the mail says where to look (the ribbon, the printable list, each ledger's file on the unit's
    machine), and nothing of the cases."""
    if level != COUNTS:
        return []
    paths = dict.fromkeys(i.source.path for i in items if i.source is not None and i.source.path)
    return [_WHERE] + [f"Mở sổ để xem chi tiết: {_clean(p)}" for p in paths]


def _one_ledger(items: Sequence[Item]) -> list[str]:
    """The ledger's name, said once at the top, when the mail is about one ledger (its cards then say only
    the sheet and row)."""
    names = {i.ledger: i.ledger_name for i in items}
    return [_clean(n) for n in names.values()] if len(names) == 1 else []


def _text_body(recipient: Recipient, today: date, items: Sequence[Item], sections: list[_Section], level: str,
               calendar: bool) -> str:
    lines = [f"Kính gửi đồng chí {_clean(recipient.name)},", "", f"Tình hình thời hạn tố tụng ngày {fmt_date(today)}.",
             *(f"Sổ: {name}" for name in _one_ledger(items)), ""]
    n = 0
    for heading, rows, blocks, numbered in sections:
        lines += [heading.upper(), ""]
        lines += [f"- {label}: {value}" if label else value for label, value in rows]
        if rows:
            lines.append("")
        for b in blocks:
            n += numbered
            mark = f"{n}." if numbered else "*"
            lines.append(f"{mark} {b.status} — {b.title}")
            lines += [f"   {label}: {value}" if label else f"   {value}" for label, value in b.fields]
            if b.roles:
                lines.append(f"   Vai trò: {b.roles}")
            lines.append("")
    lines += _where(items, level)
    lines += ["", _FOOTER] + ([_CALENDAR] if calendar else []) + ["", _AUTO]
    return "\n".join(lines) + "\n"


_HTML_CACHE: dict[_Block, str] = {}


def _block_html(b: _Block) -> str:
    roles = f'<br><span style="color:#555">Vai trò:</span> {html.escape(b.roles)}' if b.roles else ""
    base = _Block(b.status, b.band, b.title, b.fields) if b.roles else b
    return _block_html_base(base) + roles + "</div>\n"


def _block_html_base(b: _Block) -> str:
    """The card without its roles and closing tag, rendered once per deadline and run."""
    html_text = _HTML_CACHE.get(b)
    if html_text is None:
        e = html.escape
        color = b.band.color
        html_text = (
            f'<div data-band="{b.band.key}" style="border-left:6px solid {color};background:{b.band.fill};'
            f'margin:0 0 10px 0;padding:6px 8px">'
            f'<b style="color:{color};font-size:14px">{e(b.status)}</b><br>'
            f'<b style="font-size:16px">{e(b.title)}</b><br>'
            + "<br>".join(f'<span style="color:#555">{e(label)}:</span> {e(value)}' if label else e(value)
                          for label, value in b.fields))
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
        f'line-height:1.35;color:#222;{wrap}">\n'
        f'<div style="max-width:600px;margin:0 auto;padding:10px;background:#ffffff;{wrap}">\n'
        f'<p style="margin:0 0 8px 0">Kính gửi đồng chí <b>{e(_clean(recipient.name))}</b>,</p>\n'
        f'<p style="margin:0 0 10px 0">Tình hình thời hạn tố tụng ngày {e(fmt_date(today))}.'
        + "".join(f"<br>Sổ: {e(name)}" for name in _one_ledger(items)) + '</p>\n']
    for heading, rows, blocks, _ in sections:
        parts.append(f'<h2 style="font-size:17px;margin:14px 0 6px 0;color:#1a3d6d">{e(heading)}</h2>\n')
        for label, value in rows:
            parts.append(f'<p style="margin:0 0 4px 0"><b>{e(label)}:</b> {e(value)}</p>\n' if label
                         else f'<p style="margin:0 0 6px 0;font-size:14px;color:#555">{e(value)}</p>\n')
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
