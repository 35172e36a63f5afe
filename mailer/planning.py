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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from macros_py.law.deadlines import Deadline, DeadlineReport, compute_deadlines
from macros_py.ledger.reader import Ledger, Record
from macros_py.ledger.schema import SETTINGS_BY_KEY
from macros_py.ledger.values import fold

__all__ = ["OVERDUE", "Alert", "Plan", "Recipient", "active_day", "ledger_id", "plan_alerts", "plan_ledger",
           "reminder_days", "staff_directory"]

OVERDUE = -1  # the "quá hạn" reminder: due the day after the due date
ROLE_PROSECUTOR = "Kiểm sát viên"
ROLE_LEADER = "Lãnh đạo phụ trách"
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
class Alert:
    ledger: str  # the ledger's identity: its absolute path
    ledger_name: str  # the file name, as shown to people
    deadline: Deadline
    day: int  # the reminder day: N days before the due date, OVERDUE after it
    recipient: Recipient
    roles: tuple[str, ...]  # ROLE_PROSECUTOR and/or ROLE_LEADER

    @property
    def case_ref(self) -> str:
        """The case number, or sheet and row for a row without one."""
        d = self.deadline
        return d.case or f"{d.sheet_name}!{d.row}"

    @property
    def step_key(self) -> str:
        """Identity of the procedural step (ledger, case, person, kind), independent of its due date."""
        d = self.deadline
        return _SEP.join((self.ledger, self.case_ref, d.person or "", d.kind))

    @property
    def key(self) -> str:
        """The outbox's unique key: ledger, case, person, kind, due date, reminder day, recipient."""
        return _SEP.join((self.step_key, self.deadline.due.isoformat(), str(self.day), self.recipient.address))


@dataclass
class Plan:
    today: date
    alerts: list[Alert] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Vietnamese: who could not be reached, bad settings

    def by_recipient(self) -> dict[str, list[Alert]]:
        out: dict[str, list[Alert]] = {}
        for a in self.alerts:
            out.setdefault(a.recipient.address, []).append(a)
        return out

    def extend(self, other: Plan) -> None:
        self.alerts.extend(other.alerts)
        self.notes.extend(other.notes)


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
    return str(Path(path).resolve())


def plan_alerts(report: DeadlineReport, staff: Iterable[Record], *, ledger: str, ledger_name: str,
                days: Sequence[int]) -> Plan:
    """The alerts due on `report.today` for one ledger."""
    directory = staff_directory(staff)
    plan = Plan(report.today)
    missing: dict[str, int] = {}  # name -> how many deadlines could not reach them
    unreachable: dict[str, str] = {}
    unassigned = 0
    top = max(days)
    for d in report.deadlines:
        if d.done or d.days_left > top:
            continue
        day = active_day(d.days_left, days)
        if day is None:
            continue
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
        for recipient, roles in people.values():
            plan.alerts.append(Alert(ledger, ledger_name, d, day, recipient, tuple(roles)))
    for name, n in sorted(missing.items()):
        plan.notes.append(f"Sổ «{ledger_name}»: «{name}» ({n} thời hạn) không có trong sheet Cán bộ; "
                          "chưa gửi được cảnh báo cho người này.")
    for name, why in sorted(unreachable.items()):
        plan.notes.append(f"Sổ «{ledger_name}»: «{name}» {why}; chưa gửi được cảnh báo cho người này.")
    if unassigned:
        plan.notes.append(f"Sổ «{ledger_name}»: {unassigned} thời hạn sắp đến chưa ghi KSV hay lãnh đạo phụ trách; "
                          "không có ai nhận cảnh báo.")
    return plan


def plan_ledger(ledger: Ledger, today: date) -> Plan:
    """Compute the ledger's deadlines as of `today` and plan its alerts."""
    days, notes = reminder_days(ledger.settings)
    report = compute_deadlines(ledger, today)
    plan = plan_alerts(report, ledger.records("can_bo"), ledger=ledger_id(ledger.path),
                       ledger_name=Path(ledger.path).name, days=days)
    plan.notes[:0] = [f"Sổ «{Path(ledger.path).name}»: {n}" for n in notes]
    return plan
