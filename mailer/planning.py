"""Which alerts are due on a given day: pure functions over the deadline engine's output.

An alert is one (deadline, reminder day, recipient). The reminder days come from Cấu hình:
"Số ngày cảnh báo trước" (10 by default) plus the optional "Ngày nhắc thêm" ("3; 1; quá hạn").
"quá hạn" is reminder day -1: it falls due the day after the due date.

On `today` a deadline's *active* reminder day is the smallest reminder day N with
days_left <= N, i.e. the last threshold the deadline has crossed. Only that one is planned:
when the service was off while several thresholds passed, one alert goes out (saying how many
days are left, or how long overdue), not one per missed threshold. The outbox makes each
planned alert go out once; a deadline that moved (an extension) has a new due date and so new
alerts; a step that is done (`Deadline.done`) gets none.

Recipients are the row's prosecutor (KSV) and supervising leader, looked up by name in the
Cán bộ sheet. Staff with "Nhận cảnh báo" = Không are skipped; a blank cell counts as Có when the
person has an e-mail address. Names that cannot be reached are reported as notes (Vietnamese).

Overdue until done: a step not done whose due date has passed is reminded on the day it falls overdue
and then every «Nhắc lại việc quá hạn sau mỗi (ngày)» days (7 by default) until the ledger shows it
done or extended (a new due date, so new alerts). The reminder's day in the outbox key is minus the
days overdue on the day it falls due (-1, -8, -15...), so each goes out once, and a service that was
off sends only the latest. A step that fell overdue before «Bắt đầu cảnh báo từ» (default: the first
run, kept by the outbox) is backlog: on the start day it goes once to its prosecutor and leader as
their list «việc quá hạn cần cập nhật sổ», then at the same cadence counted from the start day.
A limit another body must keep (Cơ quan điều tra, Tòa án, ...: `Deadline.procuracy_owned` False) is
reminded the same way, shown as «cơ quan khác chậm» with the procuracy's action, and never counted
against a prosecutor.

Escalation: an overdue custody or detention step, and any step overdue by more than «Báo Viện
trưởng khi quá hạn quá (ngày)», also goes to the Viện trưởng (Chức vụ in Cán bộ). The leaders
named by «Gửi bản tổng hợp hằng ngày cho» get a `Summary` each day there is something to report: it
opens with the overdue steps by person and counts, per person, what that person's own mail lists.

A ledger is identified by «Mã sổ», else by its unit and title (`Source.identity`), never by its
file path: renaming or moving the file sends nothing again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from macros_py.law.deadlines import Deadline, DeadlineReport, compute_deadlines
from macros_py.ledger.reader import Ledger, Record
from macros_py.ledger.schema import SETTINGS_BY_KEY, STAFF_TITLE
from macros_py.ledger.values import fold

from .facts import case_facts

__all__ = ["CONTENT_LEVELS", "COUNTS", "FULL", "OVERDUE", "SHORT", "Alert", "Plan", "Recipient", "Source", "Summary",
           "active_day", "ledger_id", "overdue_day", "plan_alerts", "plan_ledger", "reminder_days", "source_for", "staff_directory",
           "step_key"]

OVERDUE = -1  # the "quá hạn" reminder: due the day after the due date
ROLE_PROSECUTOR = "Kiểm sát viên"
ROLE_LEADER = "Lãnh đạo phụ trách"
ROLE_HEAD = "Viện trưởng (quá hạn)"
ROLE_BACKLOG = "Quá hạn từ trước ngày bắt đầu cảnh báo"  # kept to read old outboxes; see Alert.backlog
HEAD_TITLE = STAFF_TITLE.canonical[0]  # "Viện trưởng"
# custody and detention: overdue means a person may be held without a valid order
# «Nội dung thư cảnh báo»
FULL, SHORT, COUNTS = "full", "short", "counts"
CONTENT_LEVELS = {"day du": FULL, "rut gon": SHORT, "chi so luong": COUNTS}
_SEP = "\x1f"  # joins the parts of an alert key; cannot occur in a cell value read by the reader
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    email: str  # as validated by the reader (Kind.EMAIL)
    title: str | None = None

    @property
    def address(self) -> str:
        return self.email.strip().lower()


@dataclass(frozen=True, slots=True)
class Source:
    """One ledger as the alerts see it: its stable identity, its name for people, its policy."""

    identity: str  # «Mã sổ», else unit + title: never the file path
    name: str  # "Sổ theo dõi vụ án, vụ việc - VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 1 - HẢI PHÒNG"
    path: str = ""  # where the file was read (only shown at the «Chỉ số lượng» level)
    content: str = SHORT
    alarm: time = time(8, 0)  # the calendar reminder, the day before
    escalate_days: int = 7
    digest_titles: tuple[str, ...] = (HEAD_TITLE,)
    start: date | None = None  # «Bắt đầu cảnh báo từ»
    overdue_every: int = 7  # «Nhắc lại việc quá hạn sau mỗi (ngày)»


def _setting_text(settings: dict[str, Any], key: str) -> str:
    value = settings.get(key)
    if value in (None, ""):
        value = SETTINGS_BY_KEY[key].default
    return _CONTROL.sub(" ", str(value or "")).strip()


def source_for(settings: dict[str, Any], path: Path | str = "", *,
               start: date | None = None) -> tuple[Source, list[str]]:
    """The ledger's `Source` from its Cấu hình, and notes (Vietnamese) about values not understood."""
    notes: list[str] = []
    unit, title = _setting_text(settings, "unit_name"), _setting_text(settings, "ledger_title")
    code = _setting_text(settings, "ledger_code")
    identity = f"ma-so:{code}" if code else "don-vi:" + _SEP.join((fold(unit), fold(title)))
    content_label = SETTINGS_BY_KEY["alert_content"].label
    raw = _setting_text(settings, "alert_content")
    content = CONTENT_LEVELS.get(fold(raw))
    if content is None:
        content = CONTENT_LEVELS[fold(str(SETTINGS_BY_KEY["alert_content"].default))]
        notes.append(f"Cấu hình «{content_label}»: «{raw}» không phải Đầy đủ, Rút gọn hay Chỉ số lượng; "
                     "tạm dùng Rút gọn.")
    alarm = settings.get("calendar_alarm")
    if not isinstance(alarm, time):
        default = SETTINGS_BY_KEY["calendar_alarm"].default
        alarm = default if isinstance(default, time) else time(8, 0)
    n = settings.get("escalate_days")
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        n = int(SETTINGS_BY_KEY["escalate_days"].default)  # type: ignore[call-overload]
    titles_raw = _setting_text(settings, "leader_digest")
    titles: list[str] = []
    if fold(titles_raw) not in ("khong", "khong gui"):
        by_fold = {fold(spelling): value for value, synonyms in STAFF_TITLE.values for spelling in (value, *synonyms)}
        for part in re.split(r"[;,\n]+", titles_raw):
            if not part.strip():
                continue
            found = by_fold.get(fold(part))
            if found is None:
                notes.append(f"Cấu hình «{SETTINGS_BY_KEY['leader_digest'].label}»: «{part.strip()}» không phải "
                             "chức vụ ở sheet Cán bộ; đã bỏ qua.")
            elif found not in titles:
                titles.append(found)
    every = settings.get("overdue_every")
    if every not in (None, "") and (not isinstance(every, int) or isinstance(every, bool) or every < 1):
        notes.append(f"Cấu hình «{SETTINGS_BY_KEY['overdue_every'].label}»: «{every}» không phải số ngày từ 1 trở "
                     "lên; tạm dùng 7.")
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        every = int(SETTINGS_BY_KEY["overdue_every"].default)  # type: ignore[call-overload]
    configured = settings.get("alert_start")
    name = f"{title} - {unit}" if unit else title
    return Source(identity, name, str(path), content, alarm, n, tuple(titles),
                  configured if isinstance(configured, date) else start, every), notes


def step_key(ledger: str, d: Deadline) -> str:
    """Identity of a procedural step (ledger, case or sheet!row, person, kind), whatever its due date:
    what lets the outbox see that a step's due date moved."""
    return _SEP.join((ledger, d.case or f"{d.sheet_name}!{d.row}", d.person or "", d.kind))


@dataclass(frozen=True, slots=True)
class Alert:
    ledger: str  # the ledger's identity (`Source.identity`)
    ledger_name: str  # the ledger's name for people: title and unit
    deadline: Deadline
    day: int  # the reminder day: N days before the due date, OVERDUE after it
    recipient: Recipient
    roles: tuple[str, ...]  # ROLE_PROSECUTOR, ROLE_LEADER, ROLE_HEAD
    source: Source | None = None
    previous: date | None = None  # the step's due date before it moved (not part of the alert's key)
    backlog: bool = False  # overdue before «Bắt đầu cảnh báo từ», sent once as «việc quá hạn cần cập nhật sổ»
    facts: str = ""  # «Bị can: ...; tội ...» («Đầy đủ» only; not part of the key)
    _keys: tuple[str, str] = field(init=False, repr=False, compare=False, default=("", ""))

    @property
    def content(self) -> str:
        return self.source.content if self.source else FULL

    @property
    def overdue(self) -> bool:
        return self.deadline.days_left < 0

    @property
    def other_body(self) -> bool:
        """Another body's limit («cơ quan khác chậm» once over): never counted against a prosecutor."""
        return not self.deadline.procuracy_owned

    def record(self) -> tuple[Any, ...]:
        """The outbox row: key, ledger, ledger_name, case_ref, person, kind, due, day, recipient, name."""
        d = self.deadline
        return (self.key, self.ledger, self.ledger_name, self.case_ref, d.person or "", d.kind, d.due.isoformat(),
                self.day, self.recipient.address, self.recipient.name)

    @property
    def case_ref(self) -> str:
        """The case number, or sheet and row for a row without one."""
        d = self.deadline
        return d.case or f"{d.sheet_name}!{d.row}"

    def __post_init__(self) -> None:
        d = self.deadline
        step = step_key(self.ledger, d)
        key = _SEP.join((step, d.due.isoformat(), str(self.day), self.recipient.address))
        object.__setattr__(self, "_keys", (step, key))  # computed once: a province's run asks ~10^5 times

    @property
    def step_key(self) -> str:
        """Identity of the procedural step (ledger, case, person, kind), independent of its due date."""
        return self._keys[0]

    @property
    def key(self) -> str:
        """The outbox's unique key: ledger, case, person, kind, due date, reminder day, recipient."""
        return self._keys[1]


@dataclass(frozen=True, slots=True)
class Summary:
    """A leader's daily digest of one ledger: counts by status and prosecutor, then the list."""

    source: Source
    today: date
    recipient: Recipient
    deadlines: tuple[Deadline, ...]  # not done, overdue or within the alert window
    backlog: int  # of them, overdue since before the start date
    # each person's own mail from this ledger today: (name, the steps it lists), so that the digest's
    # counts per person are what each person reads
    people: tuple[tuple[str, tuple[Deadline, ...]], ...] = ()
    facts: dict[tuple[str, int], str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def ledger(self) -> str:
        return self.source.identity

    @property
    def ledger_name(self) -> str:
        return self.source.name

    @property
    def content(self) -> str:
        return self.source.content

    @property
    def key(self) -> str:
        return _SEP.join(("tong-hop", self.ledger, self.today.isoformat(), self.recipient.address))

    def record(self) -> tuple[Any, ...]:
        return (self.key, self.ledger, self.ledger_name, "", "", "tong_hop", self.today.isoformat(), 0,
                self.recipient.address, self.recipient.name)


@dataclass
class Plan:
    today: date
    alerts: list[Alert | Summary] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Vietnamese, lỗi: alerts nobody receives, people not reached
    warnings: list[str] = field(default_factory=list)  # Vietnamese, cảnh báo: a setting not understood, default used
    # step key -> the step's deadline, for every step not done: the outbox compares them with the due
    # dates it planned alerts for, and reports those that moved
    steps: dict[str, Deadline] = field(default_factory=dict)

    def by_recipient(self) -> dict[str, list[Alert | Summary]]:
        out: dict[str, list[Alert | Summary]] = {}
        for a in self.alerts:
            out.setdefault(a.recipient.address, []).append(a)
        return out

    def extend(self, other: Plan) -> None:
        self.alerts.extend(other.alerts)
        self.notes.extend(other.notes)
        self.warnings.extend(other.warnings)
        self.steps.update(other.steps)


def reminder_days(settings: dict[str, Any]) -> tuple[tuple[int, ...], list[str]]:
    """The reminder days of a ledger's Cấu hình, largest first, and notes about bad entries."""
    notes: list[str] = []
    days: set[int] = set()
    base = settings.get("alert_days")
    if not isinstance(base, int) or isinstance(base, bool) or base < 0:
        default = SETTINGS_BY_KEY["alert_days"].default
        base = default if isinstance(default, int) else 10
    days.add(base)
    extra = settings.get("reminder_days")
    if extra not in (None, ""):
        label = SETTINGS_BY_KEY["reminder_days"].label
        # ";" is the documented separator; "," and "." come from Excel turning "3,1" into a number
        for part in re.split(r"[;,./\n]+", str(extra)):
            text = part.strip()
            if not text:
                continue
            if text.isdigit():
                days.add(int(text))
            elif fold(text) in ("qua han", "da qua han"):
                days.add(OVERDUE)
            else:
                notes.append(f"Cấu hình «{label}»: «{text}» không phải số ngày hay «quá hạn»; đã bỏ qua.")
    return tuple(sorted(days, reverse=True)), notes


def active_day(days_left: int, days: Sequence[int]) -> int | None:
    """The last reminder threshold crossed: the smallest N in `days` with days_left <= N."""
    found = None
    for n in days:
        if days_left <= n and (found is None or n < found):
            found = n
    return found


def _name_key(name: str) -> str:
    """Names match ignoring case and spacing, never diacritics (Ân and An are two people)."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def staff_directory(staff: Iterable[Record]) -> dict[str, tuple[Recipient | None, str | None]]:
    """Name key -> (recipient, or None with the reason in Vietnamese)."""
    out: dict[str, tuple[Recipient | None, str | None]] = {}
    for rec in staff:
        name = rec.get("name")
        if not name:
            continue
        email = rec.get("email")
        wants = rec.get("receives_alerts")
        if wants is False:
            found: tuple[Recipient | None, str | None] = (None, None)  # opted out: skipped silently
        elif not email or _CONTROL.search(str(email)):
            found = (None, "chưa có địa chỉ thư điện tử trong sheet Cán bộ")
        else:
            found = (Recipient(_CONTROL.sub(" ", str(name)).strip(), str(email).strip(), rec.get("title")), None)
        out.setdefault(_name_key(str(name)), found)
    return out


def ledger_id(path: Path) -> str:
    """The identity the outbox knew a ledger by before «Mã sổ» (kept to read old outboxes)."""
    return str(Path(path).resolve())


def _head(d: Deadline, source: Source) -> bool:
    """Overdue custody or detention, or overdue by more than the unit's limit: the Viện trưởng hears of it."""
    return d.held_overdue or (d.days_left < 0 and -d.days_left > source.escalate_days)


def overdue_day(d: Deadline, today: date, every: int, start: date | None) -> tuple[int, bool]:
    """An overdue step's reminder on `today`: (its day in the outbox key, backlog). The first falls on the
    day the step falls overdue (day -1), or for backlog on the start day; then one every `every` days.
    The day is minus the days overdue on the reminder's date, so it names that reminder for good."""
    fell = d.due + timedelta(days=1)
    backlog = start is not None and fell < start
    anchor = start if backlog and start is not None else fell
    reminder = anchor + timedelta(days=(today - anchor).days // max(every, 1) * max(every, 1))
    return -(reminder - d.due).days, backlog and reminder == anchor


def plan_alerts(report: DeadlineReport, staff: Iterable[Record], *, ledger: str, ledger_name: str,
                days: Sequence[int], source: Source | None = None,
                facts: dict[tuple[str, int], str] | None = None) -> Plan:
    """The alerts due on `report.today` for one ledger. `facts` (the case in human terms, by sheet and
    row) is shown at the «Đầy đủ» level only."""
    staff = list(staff)
    directory = staff_directory(staff)
    source = source or Source(ledger, ledger_name, content=FULL, digest_titles=())
    facts = facts if facts is not None and source.content == FULL else {}
    plan = Plan(report.today)
    missing: dict[str, int] = {}  # name -> how many deadlines could not reach them
    unreachable: dict[str, str] = {}
    unassigned = 0
    top = max(days)
    upcoming = tuple(n for n in days if n >= 0) or (0,)
    by_title: dict[str, list[Recipient]] = {}
    unreachable_leaders: dict[str, str] = {}
    for rec in staff:
        entry = directory.get(_name_key(str(rec.get("name") or "")))
        if not entry or not rec.get("title"):
            continue
        if entry[0] is None:
            if entry[1] and rec.get("title") in (*source.digest_titles, HEAD_TITLE):
                unreachable_leaders[str(rec.get("name"))] = entry[1]
            continue
        group = by_title.setdefault(str(rec.get("title")), [])
        if entry[0] not in group:
            group.append(entry[0])
    heads = by_title.get(HEAD_TITLE, [])
    leaders = [r for t in source.digest_titles for r in by_title.get(t, [])]
    leaders = list(dict.fromkeys(leaders))
    listed: list[Deadline] = []
    backlog_count = 0
    own: dict[str, tuple[str, list[Deadline]]] = {}  # address -> (name, the steps of their own mail)
    for d in report.deadlines:
        if d.done:
            continue
        plan.steps[step_key(ledger, d)] = d
        backlog = False
        if d.days_left < 0:
            day, backlog = overdue_day(d, report.today, source.overdue_every, source.start)
            backlog_count += source.start is not None and d.due + timedelta(days=1) < source.start
        else:
            if d.days_left > top:
                continue
            found = active_day(d.days_left, upcoming)
            if found is None:
                continue
            day = found
        listed.append(d)
        people: dict[str, tuple[Recipient, list[str]]] = {}
        for role, name in ((ROLE_PROSECUTOR, d.prosecutor), (ROLE_LEADER, d.leader)):
            if not name:
                continue
            entry = directory.get(_name_key(name))
            if entry is None:
                missing[name] = missing.get(name, 0) + 1
                continue
            recipient, why = entry
            if recipient is None:
                if why:
                    unreachable[name] = why
                continue
            people.setdefault(recipient.address, (recipient, []))[1].append(role)
        if not d.prosecutor and not d.leader:
            unassigned += 1
        fact = facts.get((d.sheet_name, d.row), "")
        for recipient, roles in people.values():
            plan.alerts.append(Alert(ledger, ledger_name, d, day, recipient, tuple(roles), source, backlog=backlog,
                                     facts=fact))
            own.setdefault(recipient.address, (recipient.name, []))[1].append(d)
        if _head(d, source):
            for head in heads:
                if head.address not in people:
                    plan.alerts.append(Alert(ledger, ledger_name, d, day, head, (ROLE_HEAD,), source, facts=fact))
    if listed:
        unreachable.update(unreachable_leaders)
        mails = tuple((name, tuple(steps)) for name, steps in own.values())
        for leader in leaders:
            plan.alerts.append(Summary(source, report.today, leader, tuple(listed), backlog_count, mails, facts))
    for name, n in sorted(missing.items()):
        plan.notes.append(f"Sổ «{ledger_name}»: «{name}» ({n} thời hạn) không có trong sheet Cán bộ; "
                          "chưa gửi được cảnh báo cho người này.")
    for name, why in sorted(unreachable.items()):
        plan.notes.append(f"Sổ «{ledger_name}»: «{name}» {why}; chưa gửi được cảnh báo cho người này.")
    if unassigned:
        plan.notes.append(f"Sổ «{ledger_name}»: {unassigned} thời hạn sắp đến hoặc quá hạn chưa ghi KSV hay lãnh đạo "
                          "phụ trách; không có ai nhận cảnh báo.")
    return plan


def plan_ledger(ledger: Ledger, today: date, *, start: date | None = None, identity: str | None = None) -> Plan:
    """Compute the ledger's deadlines as of `today` and plan its alerts. The start date is the
    ledger's «Bắt đầu cảnh báo từ», else `start` (the outbox's first run), else `today`."""
    days, notes = reminder_days(ledger.settings)
    source, more = source_for(ledger.settings, ledger.path, start=start or today)
    if identity is not None:
        source = replace(source, identity=identity)
    now = datetime.now()
    # run on the real day: limits that end at an hour (tạm giữ, phê chuẩn in 12 giờ) are counted in hours too
    report = compute_deadlines(ledger, today, now=now if now.date() == today else None)
    facts = case_facts(ledger) if source.content == FULL else None
    plan = plan_alerts(report, ledger.records("can_bo"), ledger=source.identity, ledger_name=source.name,
                       days=days, source=source, facts=facts)
    plan.warnings[:0] = [f"Sổ «{source.name}»: {n}" for n in notes + more]
    errors = len(ledger.errors)
    if errors:  # a date or category not read: that row's deadlines, and so its alerts, are missing
        plan.notes.insert(0, f"Sổ «{source.name}»: {errors} lỗi nhập liệu (xem bằng «kiemsat check»); các ô lỗi "
                          "không được tính thời hạn, nên chưa có cảnh báo cho chúng.")
    return plan
