"""Every procedural time limit of every ledger row, with its legal basis.

`compute_deadlines(ledger, today)` reads the rows of every sheet the rules table names (Tin báo,
Án hình sự, Bị can, Án dân sự, hành chính, Thi hành án, Tạm đình chỉ) and returns a `DeadlineReport`: one `Deadline` per step that has
started (tin báo received, case instituted, file received, person held...), with its due date,
days left, status and legal basis, plus the problems found (a recorded extension beyond the
law's maximum, an order date beyond the limit...), as `Problem`s with sheet, row and column.

Which ledger column feeds which rule, what ends it, which rule replaces it for some rows and which
step bounds it are all said by the rules table (`rules.toml`), as are its length, counting and
article: this engine has no code path for any rule (`_Engine.compute` computes every rule of a
sheet the same way; the sheets whose rows are others' cases come first, so that their steps can bound
the rows that name them). Dates are counted by `counting.py` with the unit's calendar (`WorkCalendar` from
the Cấu hình sheet).

Choices made where the ledger or the law leave room (also in rules.toml):

* A recorded extension ("gia hạn đến") replaces the computed limit, but never beyond the law's
  maximum (initial length + every extension the law allows): beyond it, the maximum is used and
  a problem says so. The same holds for the date in a custody/detention order against the
  initial length.
* A step is done when a later step has a date (conclusion received, indictment, court accepted,
  hearing, judgment), when the recorded stage is past it, or when the case is suspended or
  dismissed (Tạm đình chỉ, Đình chỉ). A tin báo is done once it has an outcome. (`done_when`,
  `done_if`, `done_unless` in the table.)
* Protest periods (kháng nghị) and the procuracy's 15 days to study a civil file are never
  "overdue": when they have run out the step is over (`expires` in the table).
* Tạm giữ runs in 24-hour periods from the hour in «Giờ bắt, tạm giữ» (Đ.117 k2, Đ.118): 3 days
  from 10:00 01/3 end at 10:00 04/3. Without the hour, kiemsat assumes 00:00 (the earliest end:
  24:00 of 03/3) and says so; an order ending on 04/3 is still accepted.
* Detention is bounded by Đ.173 from the detention date, minus the days of custody counted as
  the circular does (TTLT 04/2018 Điều 17 and its two examples: custody 10:00 01/3 - 10:00 04/3 is
  3 days; detention of 2 months continuing on 04/3 is 57 days, to 29/4); once the case file is with
  the procuracy (Đ.241) or the court (Đ.278), by the prosecution or trial-preparation *period*
  (Đ.240 k1, Đ.277 k1, with the extension when one is recorded), counted like detention from the
  day the file was received or the case accepted: months of 30 days, never moved for days off
  (Đ.134 k1). During a resumed or supplementary investigation it is bounded by that period
  (Đ.174 k4).
* A rule of the table may replace another for the rows its `when` matches (rút gọn; minors: the
  engine derives `accused_minor` from the defendants' «Ngày sinh» and the opening date), or for the
  rows whose clock started within another step's period (`limit_of`: detention once the file is with
  the procuracy or the court); a unit adds a limit by adding an entry.
* Where the ledger records an extension decision's date, the extension it is (1st, 2nd, ...) is
  taken from «Số lần gia hạn», or else from that date: the decision falls within the period it
  extends. Its end is computed from the law's step for that extension, and a recorded «gia hạn
  đến» beyond it, or a decision dated after the period it extends had run out, is reported with
  the article.
* Đ.364 (enforcement decision) runs from «Ngày có hiệu lực»; when that is blank, from the day after
  the last of the appeal and protest periods counted from the judgment date (Đ.343, Đ.333, Đ.337:
  `from_else` and `after` in the table), and the computation says so.
* A rule with `request_before` has a second step: the date by which an extension must be
  requested (Đ.147 k2: 5 days; Đ.172 k2, Đ.173 k2, Đ.174 k1: 10 days), shown while an extension
  is still possible; it lapses (never "overdue") once passed.
"""

from __future__ import annotations

import gc
import time as _time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from macros_py.law.counting import (
    CUSTODY_DAYS_PER_MONTH,
    LIBERTY_METHODS,
    add_months,
    explain_chained,
    explain_due,
)
from macros_py.law.rules import ACTORS, READINGS, SPLIT_BY, Length, Rule, Rules, Variant, default_rules
from macros_py.law.workcalendar import WorkCalendar
from macros_py.ledger.problems import Problem, column_letter
from macros_py.ledger.reader import Ledger, Record, SheetData
from macros_py.ledger.schema import LEDGER_SHEETS, SETTINGS_BY_KEY, SETTINGS_SHEET, SHEETS_BY_KEY
from macros_py.ledger.values import fmt_date

__all__ = [
    "STATUSES",
    "STATUS_DONE",
    "STATUS_OPEN",
    "STATUS_OVERDUE",
    "STATUS_SOON",
    "Deadline",
    "DeadlineReport",
    "calendar_for",
    "compute_deadlines",
    "status_for",
]

STATUS_OVERDUE = "đã quá hạn"
STATUS_SOON = "sắp hết hạn"
STATUS_OPEN = "còn hạn"
STATUS_DONE = "đã xong"
STATUSES = (STATUS_OVERDUE, STATUS_SOON, STATUS_OPEN, STATUS_DONE)

_SHEET_ORDER = {spec.key: i for i, spec in enumerate(LEDGER_SHEETS)}
_SHOWN = {spec.key for spec in LEDGER_SHEETS if spec.has_deadlines}
_ONE_DAY = timedelta(days=1)


def status_for(days_left: int, done: bool, alert_days: int) -> str:
    if done:
        return STATUS_DONE
    if days_left < 0:
        return STATUS_OVERDUE
    if days_left <= alert_days:
        return STATUS_SOON
    return STATUS_OPEN


def calendar_for(settings: dict[str, Any]) -> WorkCalendar:
    """The unit's calendar: public holidays plus the make-up days of its Cấu hình sheet."""
    return WorkCalendar.default(settings.get("extra_days_off") or (), settings.get("extra_work_days") or ())


@dataclass(slots=True)
class Deadline:
    sheet: str  # schema sheet key
    sheet_name: str  # the sheet's name in the file
    row: int  # Excel row
    case: str | None  # case id or tin báo number
    person: str | None  # the defendant, for custody and detention
    kind: str  # rule id, e.g. "dieu_tra"
    title: str  # the rule's Vietnamese title
    start: date
    due: date
    days_left: int
    status: str
    basis: str  # Vietnamese: what the limit is and its article
    prosecutor: str | None
    leader: str | None
    computation: str = ""  # Vietnamese: how the due date was counted, to check by hand
    due_time: time | None = None  # tạm giữ: the hour the 24-hour periods end
    step_of: str | None = None  # an extension-request step: the rule id of the limit it belongs to
    liberty: bool = False  # a person is held under it (tạm giữ, tạm giam in every variant): from the rule's method
    actor: str = ""  # who must act (rules.ACTORS key), from the rule (`request_actor` for a request step)
    rule: Rule | None = field(default=None, repr=False, compare=False)  # the entry it was computed from
    # where the law admits two readings (rule `alternative`): the other reading's date, and its words
    # («theo cách tính khác (nối tiếp): 29/07/2024»); None when both readings give the same date
    alternative: date | None = None
    alternative_text: str = ""
    hours_left: int | None = None  # a limit that ends at an hour, counted from `now` (whole hours, negative when over)

    def __post_init__(self) -> None:
        if self.rule is None:  # made elsewhere (a stored alert, a test): the packaged table's entry
            self.rule = default_rules().get(self.step_of or self.kind)
            if self.rule is not None and not self.actor:
                self.actor = self.rule.request_actor if self.step_of else self.rule.actor

    @property
    def actor_label(self) -> str:
        """«Kiểm sát viên», «Tòa án», ... ("" when unknown)."""
        actor = ACTORS.get(self.actor)
        return actor.label if actor else ""

    @property
    def procuracy_owned(self) -> bool:
        """The procuracy's own duty: when late, it counts against the unit's prosecutors. A limit of
        another body (investigating body, court, enforcement body) is «cơ quan khác chậm» instead."""
        actor = ACTORS.get(self.actor)
        return actor.procuracy if actor else True

    @property
    def action(self) -> str:
        """«Việc cần làm», from the rules table (before the due date, or what to do now once over)."""
        from macros_py.law.actions import action_text  # actions imports this module
        return action_text(self)

    @property
    def held_overdue(self) -> bool:
        """Overdue custody or detention: someone may be held without a valid order."""
        return self.liberty and self.days_left < 0

    @property
    def done(self) -> bool:
        return self.status == STATUS_DONE

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape: sheet (as named in the file), row, case, person, kind, due (ISO), ..."""
        return {
            "sheet": self.sheet_name, "row": self.row, "case": self.case, "person": self.person,
            "kind": self.kind, "title": self.title, "start": self.start.isoformat(), "due": self.due.isoformat(),
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "days_left": self.days_left, "status": self.status, "basis": self.basis,
            "computation": self.computation, "prosecutor": self.prosecutor, "leader": self.leader,
            "actor": self.actor, "actor_label": self.actor_label, "procuracy_owned": self.procuracy_owned,
            "action": self.action,
            "alternative": self.alternative.isoformat() if self.alternative else None,
            "alternative_text": self.alternative_text, "hours_left": self.hours_left,
        }


@dataclass
class DeadlineReport:
    today: date
    alert_days: int
    deadlines: list[Deadline]  # every started step, done ones included, by due date
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per rule step («rule dieu_tra»)

    def pending(self, within: int | None = None) -> list[Deadline]:
        """Steps not done, by due date; with `within`, only those due in at most that many days."""
        return [d for d in self.deadlines if not d.done and (within is None or d.days_left <= within)]

    def next_by_row(self) -> dict[tuple[str, int], Deadline]:
        """(sheet key, row) -> the row's earliest limit not done, on the sheets that show it (those with
        the computed columns); extension-request steps are left out. With several sheets of one kind,
        use `next_by_sheet_row`."""
        return {(d.sheet, row): d for (_, row), d in reversed(self.next_by_sheet_row().items())}

    def next_by_sheet_row(self) -> dict[tuple[str, int], Deadline]:
        """(sheet name in the file, row) -> the row's earliest limit not done, as `next_by_row`."""
        out: dict[tuple[str, int], Deadline] = {}
        for d in self.deadlines:  # sorted by due date: the first seen is the earliest
            if not d.done and d.step_of is None and d.sheet in _SHOWN:
                out.setdefault((d.sheet_name, d.row), d)
        return out


# ---------------------------------------------------------------- the engine


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What a rule says for one category / case type, with its texts, computed once per run."""

    label: str  # "Thời hạn điều tra (Nghiêm trọng)"
    cite: str  # "Điều 172 BLTTHS 2015"
    length: Length | None
    total: Length | None
    text: str  # "3 tháng kể từ ngày khởi tố vụ án"
    top_text: str  # "mức tối đa 8 tháng"
    extensions: tuple[Length, ...]
    has_maximum: bool  # the table gives a total (tin báo) rather than a list of steps
    plain_basis: str = ""  # the basis of a step computed from its start alone: "label: text (cite)"
    first_extended: Length | None = None  # length + the first extension (a cap's period once extended)


@dataclass(frozen=True, slots=True)
class _Found:
    """One step's due date, basis (written to the ledger) and computation in words (JSON, alerts)."""

    due: date
    basis: str
    computation: str
    may_extend: bool = False  # an extension is still possible (the request step is shown)
    due_time: time | None = None
    alternative: date | None = None  # the other reading's date (rule `alternative`), when it differs
    alternative_text: str = ""


def _days(length: Length) -> int:
    """A detention length in days: 01 month = 30 days (Đ.134 k1, TTLT 04/2018 Điều 17)."""
    return length.months * CUSTODY_DAYS_PER_MONTH + length.days


def _sum(lengths: Iterable[Length]) -> Length:
    total = Length()
    for part in lengths:
        total = total + part
    return total


class _Merged:
    """A defendant's row seen with its case's values behind it (for `when`: «Thủ tục» is on the case)."""

    __slots__ = ("first", "then")

    def __init__(self, first: dict[str, Any], then: dict[str, Any]):
        self.first, self.then = first, then

    def get(self, key: str, default: Any = None) -> Any:
        value = self.first.get(key)
        return value if value is not None else self.then.get(key, default)


# a step's period, kept for the rules bounded by it (`limit_of`): start, length with the recorded
# extension, due date
_Period = tuple[date, Length, date]
# a row as the rules read it: the record, its values (with its case's behind them), the periods that
# bound its `limit_of` rules, and (case, person, prosecutor, leader)
_Row = tuple[Record, Any, dict[str, _Period], tuple[Any, Any, Any, Any]]


# the methods a rule's other reading (`alternative`) is computed for
_READABLE = frozenset(("criminal", "civil", "working", "plain"))


class _Engine:
    def __init__(self, ledger: Ledger, today: date, rules: Rules, calendar: WorkCalendar, alert_days: int,
                 readings: dict[str, str] | None = None, now: datetime | None = None):
        self.ledger, self.today, self.rules, self.calendar = ledger, today, rules, calendar
        self.alert_days = alert_days
        self.readings = readings or {}  # rule id -> the reading the unit chose in Cấu hình
        self.now = now
        self._alt_cache: dict[tuple[str, str, date, tuple[Length, ...]], tuple[date, str] | None] = {}
        self._reading_cache: dict[tuple[int, int, date, date, str], tuple[date, str, date | None, str]] = {}
        self._holds: dict[str, bool] = {}
        self.deadlines: list[Deadline] = []
        self.problems: list[Problem] = []
        self._due_cache: dict[tuple[date, int, int, str], tuple[date, str]] = {}
        # sheet key -> case id (lower case) -> (its values, the periods of its steps by rule id), for the
        # rows of other sheets that name that sheet as their `case_sheet`
        self.cases: dict[str, dict[str, tuple[Any, dict[str, _Period]]]] = {}
        self._data: SheetData | None = None
        self._fmt_cache: dict[date, str] = {}
        self._prepared: dict[tuple[str, str | None], _Prepared] = {}
        # (rule, file sheet, row) -> (start, end): row numbers repeat across sheets of one kind
        self._ends: dict[tuple[str, str, int], tuple[date, date]] = {}
        self._covers_all: dict[str, bool] = {}  # (rule id, row) -> start, end: for `deduct`
        self.timings: dict[str, float] = {}

    # ------------------------------------------------------------ primitives

    def due(self, start: date, length: Length, method: str) -> tuple[date, str]:
        """The due date and its computation in words, cached (a ledger repeats its dates)."""
        key = (start, length.months, length.days, method)
        found = self._due_cache.get(key)
        if found is None:
            found = explain_due(start, months=length.months, days=length.days, method=method,
                                calendar=self.calendar)
            self._due_cache[key] = found
        return found

    def problem(self, rec: Record, column: str, value: Any, message: str) -> None:
        data = self._data
        assert data is not None
        idx = data.columns.get(column)
        self.problems.append(Problem(data.name, rec.row, column_letter(idx) if idx is not None else "",
                                     fmt_date(value) if isinstance(value, date) else str(value or ""), message))

    def emit(self, rec: Record, rule: Rule, start: date, found: _Found, *, done: bool,
             case: str | None, person: str | None, prosecutor: str | None, leader: str | None) -> None:
        due = found.due
        days_left = (due - self.today).days
        if rule.expires and days_left < 0:
            done = True
        data = self._data
        assert data is not None
        basis = found.basis + (f"; {rule.basis_note}" if rule.basis_note else "")
        hours_left = None
        status = status_for(days_left, done, self.alert_days)
        if found.due_time is not None:
            basis += f"; hết lúc {found.due_time.strftime('%H:%M')} ngày {self.fmt(due)}"
            if self.now is not None:
                left = datetime.combine(due, found.due_time) - self.now
                hours_left = int(left.total_seconds() // 3600)
                if not done and left.total_seconds() < 0:
                    status = STATUS_OVERDUE  # past the hour, though the day is not over
        if found.alternative is not None:
            basis += f"; {found.alternative_text}"
        self.deadlines.append(Deadline(
            data.spec.key, data.name, rec.row, case, person, rule.id, rule.title, start, due, days_left,
            status, basis, prosecutor, leader, found.computation,
            found.due_time, liberty=self._holds.get(rule.id) or self.holds(rule), actor=rule.actor, rule=rule,
            alternative=found.alternative, alternative_text=found.alternative_text, hours_left=hours_left))
        if rule.request_before is not None and found.may_extend and not done:
            # (a limit already over needs no extension: its request step is not shown at all)
            # the extension must be requested this long before the limit ends (Đ.147 k2, Đ.172 k2, ...)
            ask = due - timedelta(days=_days(rule.request_before))
            before = str(rule.request_before)
            ask_left = (ask - self.today).days
            ask_done = ask_left < 0
            self.deadlines.append(Deadline(
                data.spec.key, data.name, rec.row, case, person, f"{rule.id}_de_nghi_gia_han",
                rule.request_title or f"Đề nghị gia hạn: {rule.title}", start, ask, ask_left,
                status_for(ask_left, ask_done, self.alert_days),
                f"Đề nghị gia hạn chậm nhất {before} trước khi hết hạn {self.fmt(due)} ({rule.citation})",
                prosecutor, leader,
                f"hạn {self.fmt(due)} trừ {before} = {self.fmt(ask)} ({found.computation})",
                step_of=rule.id, actor=rule.request_actor, rule=rule))

    def holds(self, rule: Rule) -> bool:
        """A person is held while the limit runs (tạm giữ, tạm giam), not a limit in hours of the procuracy's
        own (phê chuẩn gia hạn tạm giữ: 12 giờ)."""
        held = self._holds.get(rule.id)
        if held is None:
            held = self._holds[rule.id] = rule.method in LIBERTY_METHODS and not any(
                v.length is not None and v.length.hours for v in rule.variants.values())
        return held

    def fmt(self, d: date) -> str:
        text = self._fmt_cache.get(d)
        if text is None:
            text = self._fmt_cache[d] = fmt_date(d)
        return text

    def prepared(self, rule: Rule, variant_key: str | None) -> _Prepared:
        key = (rule.id, variant_key)
        prep = self._prepared.get(key)
        if prep is None:
            variant: Variant | None = rule.variant(variant_key)
            label = rule.title + (f" ({variant_key})" if rule.by and variant_key else "")
            if variant is not None and variant.length is not None:
                total = variant.total
                text = f"{variant.length} {rule.start}"
                prep = _Prepared(label, rule.citation, variant.length, total, text, f"mức tối đa {total}",
                                 variant.extensions, variant.maximum is not None, f"{label}: {text} ({rule.citation})",
                                 variant.length + variant.extensions[0] if variant.extensions else None)
            else:
                prep = _Prepared(label, rule.citation, None, None, "", "", (), False)
            self._prepared[key] = prep
        return prep

    def variant_key(self, rule: Rule, values: dict[str, Any]) -> tuple[str | None, str]:
        """The row's value of the rule's `by` column, or the rule's default (with a note saying so)."""
        if rule.by is None:
            return None, ""
        key = values.get(rule.by)
        if key is None and rule.default_variant is not None:
            return rule.default_variant, f"chưa ghi cột {rule.by}: tính theo trường hợp «{rule.default_variant}»"
        return key, ""

    def limit(self, rec: Record, rule: Rule, variant_key: str | None, start: date, *,
              ext: date | None = None, ext_column: str = "", until: date | None = None,
              until_column: str = "", ext_undated_column: str = "", deduct: int = 0,
              bound: tuple[date, str] | None = None, ext_count: int | None = None,
              ext_count_column: str = "", hour: time | None = None, hour_column: str = "",
              ext_date: date | None = None, ext_date_column: str = "") -> _Found | None:
        """Due date, basis and computation of one step, checking recorded dates against the law.

        `ext`: a recorded extension ("gia hạn đến"); `ext_count`: which extension it is (None: not
        recorded, so the law's maximum is the bound, unless `ext_date`, the extension decision's date
        in `ext_undated_column`, says which one); `until`: the date in the order (custody,
        detention); `ext_undated_column`: the column of the extension decision (a decision without
        its end date is reported); `deduct`: days of custody deducted from detention; `bound`: the
        limit comes from another step's period (`limit_of`, Đ.174 k4), with its computation;
        `hour`: tạm giữ's starting hour. Returns None when no limit can be computed.
        """
        prep = self.prepared(rule, variant_key)
        if bound is None and prep.length is not None and prep.length.hours:
            return self.in_hours(rule, prep, start, hour)
        label, cite, fmt = prep.label, prep.cite, self.fmt
        allowed = prep.total or Length()  # the longest the law allows (narrowed below by the extension recorded)
        hours = rule.method == "hours"
        due_time = hour if hours else None
        inferred = ""  # how the extension's number was found from its decision's date
        if bound is not None:
            base = top = bound[0]
            comp_base = comp_top = bound[1]
            text = f"không quá {fmt(base)}"
            top_text = f"hạn {fmt(base)}"
            may_extend = False
        elif prep.length is not None:
            assert prep.total is not None
            n_ext = len(prep.extensions)
            if ext_date is not None and n_ext and (ext_count is None or 0 < ext_count <= n_ext):
                ext_count, inferred = self.extension_number(rec, rule, prep, start, deduct, ext_date, ext_count,
                                                            ext_date_column)
            allowed = prep.total
            if ext_count is not None and ext_count > n_ext:
                self.problem(rec, ext_count_column, ext_count,
                             f"gia hạn lần thứ {ext_count} nhưng {cite} chỉ cho gia hạn {n_ext} lần; "
                             f"kiemsat tính {prep.top_text}.")
            elif ext_count is not None and ext_count >= 0 and not prep.has_maximum:
                allowed = prep.length + _sum(prep.extensions[:ext_count])
            text, top_text = prep.text, prep.top_text
            if ext_count is not None and (allowed != prep.total or inferred):
                top_text = f"mức gia hạn lần {ext_count} ({allowed}{inferred})"
            # the longest allowed end is only needed to check or replace a recorded extension
            need_top = ext is not None or bool(ext_undated_column) or bool(ext_count)
            if deduct and rule.method == "custody":
                base_len = Length(0, max(1, _days(prep.length) - deduct))
                base, comp_base = self.due(start, base_len, rule.method)
                comp_base = f"{prep.length} trừ {deduct} ngày tạm giữ: {comp_base}"
                if need_top:
                    top, comp_top = self.due(start, Length(0, max(1, _days(allowed) - deduct)), rule.method)
                    comp_top = f"{allowed} trừ {deduct} ngày tạm giữ: {comp_top}"
                else:
                    top, comp_top = base, comp_base
                text = f"{text}, trừ {deduct} ngày tạm giữ"
                top_text = f"{top_text} (đã trừ {deduct} ngày tạm giữ)"
            else:
                base, comp_base = self.due(start, prep.length, rule.method)
                top, comp_top = self.due(start, allowed, rule.method) if need_top else (base, comp_base)
            if inferred:
                comp_top = f"{comp_top}{inferred.replace('; lần', '; gia hạn lần', 1)}"
            may_extend = (ext_count or (1 if ext is not None else 0)) < n_ext
        else:
            # the law's length is unknown for this row (no crime category): keep the order's date
            recorded = ext or until
            if recorded is None:
                return None
            return _Found(recorded, f"{label}: đến {fmt(recorded)} theo sổ, chưa đối chiếu được mức luật định "
                          f"({cite})", f"ngày {fmt(recorded)} ghi trong sổ", due_time=due_time)

        early = timedelta(0)
        if hours and hour is not None:
            at = hour.strftime("%H:%M")
            comp_base = (f"{_days(prep.length or Length())} ngày = {24 * _days(prep.length or Length())} giờ "
                         f"kể từ {at} ngày {fmt(start)}; hết lúc {at} ngày {fmt(base)}")
            comp_top = f"tối đa {_days(allowed)} ngày kể từ {at} ngày {fmt(start)}; hết lúc {at} ngày {fmt(top)}"
        elif hours:
            # unknown hour: assume 00:00, the earliest end (24:00 of the day before), and say so; the
            # recorded dates are checked against the latest end (the same hour of `base`, `top`)
            early = _ONE_DAY
            def hours_text(days: int, end: date) -> str:
                return (f"{days} ngày = {24 * days} giờ kể từ giờ nhận người ngày {fmt(start)}; chưa ghi «Giờ bắt, "
                        f"tạm giữ» nên giả định nhận người lúc 00:00: hết lúc 24:00 ngày {fmt(end - _ONE_DAY)} "
                        f"(nếu nhận người sau 00:00 thì hết vào đúng giờ đó ngày {fmt(end)})")
            comp_base = hours_text(_days(prep.length or Length()), base)
            comp_top = hours_text(_days(allowed), top)
        base_due, top_due = base - early, top - early

        if ext is not None:
            if ext > top:
                self.problem(rec, ext_column, ext, f"gia hạn đến {fmt(ext)} vượt {top_text} theo {cite} "
                             f"(hết ngày {fmt(top)}); kiemsat tính hạn đến {fmt(top_due)}.")
                return _Found(top_due, f"{label}: gia hạn đến {fmt(ext)} vượt {top_text}, tính đến "
                              f"{fmt(top_due)} ({cite})", comp_top, may_extend, due_time)
            return _Found(ext, f"{label}: {text}, gia hạn đến {fmt(ext)} ({cite})",
                          f"gia hạn đến {fmt(ext)} theo sổ; mức tối đa: {comp_top}", may_extend, due_time)
        if ext_undated_column:
            # an extension decided (its date recorded) without its end date: the end of that extension
            # as the law's step allows it
            k = ext_count if ext_count is not None else len(prep.extensions)
            top_due, comp_top, alt, alt_words = self.reading(rule, start, prep, k, allowed, top_due, comp_top)
            self.problem(rec, ext_undated_column, rec.get(ext_undated_column),
                         f"đã có quyết định gia hạn nhưng chưa ghi ngày gia hạn đến; kiemsat tạm tính "
                         f"{top_text} theo {cite}, đến {fmt(top_due)}.")
            return _Found(top_due, f"{label}: đã gia hạn, tạm tính {top_text} đến {fmt(top_due)} ({cite})",
                          comp_top, may_extend and ext_count is not None, due_time, alt, alt_words)
        if until is not None:
            if until > base:
                self.problem(rec, until_column, until, f"ngày {fmt(until)} ghi trong lệnh vượt thời hạn "
                             f"{text} theo {cite} (hết ngày {fmt(base)}); nếu đã gia hạn, hãy ghi vào cột "
                             f"gia hạn; kiemsat tính hạn đến {fmt(base_due)}.")
                return _Found(base_due, f"{label}: lệnh đến {fmt(until)} vượt {text}, tính đến {fmt(base_due)} "
                              f"({cite})", comp_base, may_extend, due_time)
            return _Found(until, f"{label}: đến {fmt(until)} theo lệnh, {text} ({cite})",
                          f"đến {fmt(until)} theo lệnh; mức luật định: {comp_base}", may_extend, due_time)
        if ext_count is not None and ext_count > 0:
            top_due, comp_top, alt, alt_words = self.reading(rule, start, prep, ext_count, allowed, top_due, comp_top)
            return _Found(top_due, f"{label}: gia hạn lần {ext_count}, tính {top_text} đến {fmt(top_due)} ({cite})",
                          comp_top, may_extend, due_time, alt, alt_words)
        if early:
            return _Found(base_due, f"{label}: {text}, chưa ghi giờ nên tính đến hết ngày {fmt(base_due)} ({cite})",
                          comp_base, may_extend, None)
        if rule.alternative and not deduct:
            base, comp_base, alt, alt_words = self.reading(rule, start, prep, 0, prep.length, base, comp_base)
            if alt is not None:
                return _Found(base, prep.plain_basis if text is prep.text else f"{label}: {text} ({cite})", comp_base,
                              may_extend, due_time, alt, alt_words)
        return _Found(base, prep.plain_basis if text is prep.text else f"{label}: {text} ({cite})", comp_base,
                      may_extend, due_time)

    @staticmethod
    def pieces(prep: _Prepared, extensions: int, allowed: Length) -> tuple[Length, ...]:
        """The initial length then the first `extensions` extensions; `allowed` alone when the table gives a
        total (tin báo: prolonged to 2 months then extended, at most 4 months from receipt)."""
        assert prep.length is not None
        if prep.has_maximum or not extensions:
            return (allowed,)
        return (prep.length, *prep.extensions[:extensions])

    def reading(self, rule: Rule, start: date, prep: _Prepared, extensions: int, allowed: Length, due: date,
                comp: str) -> tuple[date, str, date | None, str]:
        """Where the rule declares another reading the law admits: the date to alert on (the unit's choice in
        Cấu hình, else the earlier of the two) with a computation that states the choice and gives the other
        reading; the other reading's date and its short words (None, "" when both give the same date). The
        limit is the initial length then `extensions` extensions (`pieces`)."""
        if not rule.alternative or rule.method not in _READABLE:
            return due, comp, None, ""
        seen = (id(prep), extensions, start, due, comp)  # (prep lives the whole run: its id is a cheap key)
        done = self._reading_cache.get(seen)
        if done is not None:
            return done
        pieces = self.pieces(prep, extensions, allowed)
        key = (rule.alternative, rule.method, start, pieces)  # the other reading depends on nothing else
        if key in self._alt_cache:
            other = self._alt_cache[key]
        else:
            other = self._alt_cache[key] = self.other_reading(rule, start, pieces)
        if other is None or other[0] == due:
            done = (due, comp, None, "")
        else:
            other_due, other_comp = other
            main_name, other_name = rule.reading_names
            chosen = self.readings.get(rule.id)
            if chosen in (main_name, other_name):
                use_other, why = chosen == other_name, f"đơn vị chọn ở sheet «Cấu hình», mục «{_READINGS_LABEL}»"
            else:
                use_other = other_due < due
                why = f"ngày sớm hơn trong hai cách hiểu, vì {READINGS[rule.alternative]}"
            first, second = (other_due, due) if use_other else (due, other_due)
            first_comp, second_comp = (other_comp, comp) if use_other else (comp, other_comp)
            first_name, second_name = (other_name, main_name) if use_other else (main_name, other_name)
            words = f"theo cách tính khác («{second_name}»): {self.fmt(second)}"
            done = (first, f"{first_comp}; kiemsat tính theo cách «{first_name}» ({why}); {words} ({second_comp})",
                    second, words)
        self._reading_cache[seen] = done
        return done

    def other_reading(self, rule: Rule, start: date, pieces: tuple[Length, ...]) -> tuple[date, str] | None:
        """The due date and words of the rule's other reading for a limit made of `pieces` (the initial
        length, then each extension)."""
        total = _sum(pieces)
        if rule.alternative == "first_day":
            counted = rule.method == "criminal"  # the method's own reading; the other one flips it
            if total.months and not total.days:
                return None  # a month ends on the same date either way (Đ.134 k1, BLDS Đ.147 k2)
            return explain_due(start, months=total.months, days=total.days, method=rule.method,
                               calendar=self.calendar, first_day=not counted)
        if rule.alternative == "chained" and len(pieces) > 1 and rule.method != "working":
            return explain_chained(start, [(p.months, p.days) for p in pieces], method=rule.method,
                                   calendar=self.calendar)
        return None

    def in_hours(self, rule: Rule, prep: _Prepared, start: date, hour: time | None) -> _Found:
        """A limit counted in hours from the hour a request was received (phê chuẩn gia hạn tạm giữ: 12 giờ,
        Đ.118 k2): it ends at that hour; without the hour, kiemsat assumes 00:00 (the earliest end) and says so."""
        assert prep.length is not None
        length = prep.length
        at = datetime.combine(start, hour or time(0, 0))
        end = at + timedelta(days=_days(length), hours=length.hours)
        total = 24 * _days(length) + length.hours
        known = f"lúc {hour.strftime('%H:%M')} ngày {self.fmt(start)}" if hour else (
            f"ngày {self.fmt(start)}, chưa ghi giờ nhận nên giả định nhận lúc 00:00 (hạn sớm nhất)")
        comp = (f"{total} giờ kể từ {known}: hết lúc {end.strftime('%H:%M')} ngày {self.fmt(end.date())} "
                f"(tính liên tục cả ngày nghỉ)")
        return _Found(end.date(), f"{prep.label}: {prep.text} ({prep.cite})", comp, due_time=end.time())

    def extension_number(self, rec: Record, rule: Rule, prep: _Prepared, start: date, deduct: int,
                         decided: date, count: int | None, column: str) -> tuple[int, str]:
        """Which extension a decision dated `decided` is, and the words saying how that was found.

        The recorded `count` when there is one; else the first extension whose preceding period had
        not run out on that date (a decision extends the period it falls in: Đ.147 k2, Đ.172 k2,
        Đ.173 k2 require the request before the period ends). A decision dated after the period it
        extends had run out, at the law's longest, is reported with the article.
        """
        n = len(prep.extensions)
        ends = [self.period_end(rule, prep, start, j, deduct) for j in range(n)]
        fmt = self.fmt
        k, words = count or n, ""
        if count is None:
            found = next((j + 1 for j, (end, _) in enumerate(ends) if decided <= end), None)
            if found is not None:
                # (periods at the law's longest: after a shorter extension the number found may be too low;
                # the words say how it was found, and a typed «Số lần gia hạn» overrides it)
                k = found
                words = (f"; lần {k} suy ra từ quyết định gia hạn ngày {fmt(decided)}, trong thời hạn "
                         f"{ends[k - 1][1]} hết ngày {fmt(ends[k - 1][0])}")
                if rule.extension_count and n > 1:
                    words += ", nếu khác thì ghi số lần gia hạn"
        end, length = ends[k - 1]
        if decided > end:
            ask = f"; đề nghị gia hạn chậm nhất {rule.request_before} trước khi hết hạn" if rule.request_before else ""
            self.problem(rec, column, decided,
                         f"quyết định gia hạn lần {k} ngày {fmt(decided)} sau khi thời hạn được gia hạn đã hết: "
                         f"{length} {rule.start} hết ngày {fmt(end)} theo {prep.cite} (phải gia hạn trước khi hết "
                         f"hạn{ask}).")
        return k, words

    def period_end(self, rule: Rule, prep: _Prepared, start: date, j: int, deduct: int) -> tuple[date, Length]:
        """The end, at the law's longest, of the period that extension j + 1 extends, and its length
        (tin báo: the 2 months the limit may be prolonged to, from the maximum less the extension)."""
        assert prep.length is not None
        length = prep.length + _sum(prep.extensions[:j])
        if prep.has_maximum and prep.total is not None:
            rest = _sum(prep.extensions[j:])
            if prep.total.months >= rest.months and prep.total.days >= rest.days:
                shorter = Length(prep.total.months - rest.months, prep.total.days - rest.days)
                if shorter:
                    length = shorter
        counted = Length(0, max(1, _days(length) - deduct)) if deduct and rule.method == "custody" else length
        return self.due(start, counted, rule.method)[0], length

    def cap(self, rule_id: str, period: _Period) -> tuple[date, str]:
        """Detention bounded by another step's *period*, counted like detention (Đ.241, Đ.278, Đ.174 k4)."""
        start, length, _ = period
        end, comp = self.due(start, Length(0, _days(length)), "custody")
        cite = self.rules[rule_id].citation
        return end, f"không quá thời hạn {length} của {cite} kể từ {self.fmt(start)}, tính như tạm giam: {comp}"

    # ------------------------------------------------------------ sheets

    def run(self) -> None:
        """Every rule of the table that starts a clock on a sheet (`Rules.roots`), sheet by sheet:
        the sheets whose rows are others' cases (`case_sheet`) first, so their steps can bound them."""
        case_sheets = {r.case_sheet for r in self.rules if r.case_sheet}
        by_sheet: dict[str, list[Rule]] = {}
        for rule in self.rules.roots():
            by_sheet.setdefault(rule.sheet or "", []).append(rule)
        for key in sorted(by_sheet, key=lambda k: (k not in case_sheets, _SHEET_ORDER.get(k, len(_SHEET_ORDER)))):
            for data in self.ledger.sheets_of(key):  # several sheets of one kind: one per prosecutor, ...
                self._data = data
                rows = self.rows(data, key in case_sheets, by_sheet[key])
                for rule in by_sheet[key]:
                    if not self.wired(rule, data):
                        continue  # an older ledger without the rule's columns: the rule does not apply
                    t0 = _time.perf_counter()
                    self.compute(rule, data, rows)
                    self.timings[f"rule {rule.id}"] = (self.timings.get(f"rule {rule.id}", 0.0)
                                                       + _time.perf_counter() - t0)
        self.deadlines.sort(key=lambda d: (d.due, _SHEET_ORDER[d.sheet], d.row, d.start))

    @staticmethod
    def wired(rule: Rule, data: SheetData) -> bool:
        """The sheet has the column that starts the rule's clock and every column the rule `requires`
        (a ledger that cannot record a new rule's end would show it pending for ever)."""
        starts = [c for c in (rule.start_column, rule.from_else[1] if rule.from_else else None) if c]
        return (any(data.column_of(c) is not None for c in starts)
                and all(data.column_of(c) is not None for c in rule.requires))

    def rows(self, data: SheetData, is_case_sheet: bool, rules: list[Rule]) -> list[_Row]:
        """Each record with the values the rules read (its case's behind them when a rule names a
        `case_sheet`; the derived `accused_minor`), the periods its `limit_of` rules are bounded by, and
        who it concerns (case, person, prosecutor, leader)."""
        key, id_column = data.spec.key, data.spec.id_column
        linked = next((r.case_sheet for r in rules if r.case_sheet), None)
        cases = self.cases.get(linked, {}) if linked else {}
        own_cases = self.cases.setdefault(key, {}) if is_case_sheet else None
        wanted = {c for r in self.rules for c, _, _ in r.when}
        youngest = self.youngest() if "accused_minor" in wanted else {}
        own_minor = "defendant_minor" in wanted and key == "bi_can"
        out = []
        for rec in data.records:
            v: Any = rec.values
            case_id = v.get("case_id")
            case_key = str(case_id).lower() if case_id is not None else None
            born = youngest.get(case_key) if case_key is not None and key == "an_hinh_su" else None
            opened = v.get("opening_date")
            if born is not None and isinstance(opened, date):
                # a minor is computed, not ticked: under 18 on the day the case was opened
                v = {**v, "accused_minor": "Có" if add_months(born, 18 * 12) > opened else "Không"}
            if own_minor and isinstance(born := v.get("birth_date"), date) and isinstance(
                    held := v.get("detention_start"), date):
                # the defendant under 18 on the day detention starts (BLTTHS Đ.419 k1)
                v = {**v, "defendant_minor": "Có" if add_months(born, 18 * 12) > held else "Không"}
            periods: dict[str, _Period] = {}
            if linked:
                case = cases.get(case_key) if case_key is not None else None
                if case is not None:
                    v, periods = _Merged(v, case[0]), case[1]
            if own_cases is not None and case_key is not None:
                own_cases[case_key] = (v, periods)
            who = (v.get(id_column) if id_column != "name" else case_id,
                   v.get("person") or (v.get("name") if id_column == "name" else None),
                   v.get("prosecutor"), v.get("leader"))
            out.append((rec, v, periods, who))
        return out

    def youngest(self) -> dict[str, date]:
        """Case id (lower case) -> the latest «Ngày sinh» among its defendants (the youngest)."""
        out: dict[str, date] = {}
        for data in self.ledger.sheets_of("bi_can"):
            if "birth_date" not in data.columns:
                continue
            for rec in data.records:
                born, case_id = rec.values.get("birth_date"), rec.values.get("case_id")
                if isinstance(born, date) and case_id is not None:
                    key = str(case_id).lower()
                    if key not in out or born > out[key]:
                        out[key] = born
        return out

    def resolve(self, rule: Rule, v: Any, start: date, periods: dict[str, _Period]) -> list[Rule]:
        """The chain of rules used for a row: `rule`, then the rule replacing it, and so on. Among the
        rules replacing one, a rule bounded by a step (`limit_of`) whose period the row's clock started
        in wins, the latest such step first (detention once the file is with the court, not with the
        procuracy); else the first whose `when` the row matches (rút gọn, minors)."""
        chain = [rule]
        current = rule
        while True:
            best: Rule | None = None
            best_start: date | None = None
            plain: Rule | None = None
            for other in self.rules.replacing(current.id):
                if not other.matches(v):
                    continue
                if other.limit_of is not None:
                    period = periods.get(other.limit_of)
                    if period is None or start < period[0]:
                        continue
                    if best_start is None or period[0] >= best_start:
                        best, best_start = other, period[0]
                elif plain is None:
                    plain = other
            chosen = best or plain
            if chosen is None or chosen in chain:
                return chain
            chain.append(chosen)
            current = chosen

    def effect(self, rule_id: str, column: str, v: Any) -> tuple[date, str, str] | None:
        """The date computed by a rule with `after` (a judgment takes effect, Đ.343): the day after the
        last of those rules' periods counted from the row's `column`; with its computation and basis."""
        base = v.get(column)
        if not isinstance(base, date):
            return None
        rule = self.rules[rule_id]
        ends = []
        for other_id in rule.after:
            other = self.rules[other_id]
            prep = self.prepared(other, self.variant_key(other, v)[0])
            if prep.length is not None:
                due, _ = self.due(base, prep.length, other.method)
                ends.append((due, f"{other.title} {prep.length} ({other.citation}): hết ngày {self.fmt(due)}"))
        if not ends:
            return None
        last = max(d for d, _ in ends)
        effect = last + _ONE_DAY
        data = self._data
        assert data is not None
        label = data.spec.column(column).label if column in data.spec.keys else column
        note = f"; {rule.basis_note}" if rule.basis_note else ""
        text = (f"ngày có hiệu lực không ghi trong sổ, kiemsat tính: {rule.title} từ {self.fmt(effect)}, ngày sau ngày "
                f"cuối cùng của các thời hạn kể từ «{label}» {self.fmt(base)} ({'; '.join(t for _, t in ends)}) theo "
                f"{rule.citation}{note}")
        return effect, text, f"ngày có hiệu lực {self.fmt(effect)} do kiemsat tính theo {rule.citation}"

    def compute(self, root: Rule, data: SheetData, rows: list[_Row]) -> None:
        """One rule (and the rules replacing it) for every row of its sheet, as the table wires it."""
        keep_end = any(r.deduct == root.id for r in self.rules)
        start_column = root.start_column or ""
        conditional = bool(root.when or root.since or root.unless or root.before)
        replaced = bool(self.rules.replacing(root.id))
        behind = SHEETS_BY_KEY.get(root.case_sheet or "")  # a blank cell is read on the row's case there
        if (root.from_else is None and start_column in data.columns and not data.spec.column(start_column).required
                and (behind is None or start_column not in behind.keys)):
            # only the rows whose own cell starts the clock (a rule on a column most rows leave blank, as the
            # procuracy's approval limits, costs one pass over the records, not the engine's whole loop)
            rows = [row for row in rows if row[0].values.get(start_column) is not None]
        for rec, v, periods, who in rows:
            start = v.get(start_column)
            computed: tuple[date, str, str] | None = None
            if not isinstance(start, date):
                if root.from_else is None or (computed := self.effect(*root.from_else, v)) is None:
                    continue
                start = computed[0]
            if conditional and not root.matches(v):
                continue
            if root.superseded_by and any(isinstance(later := v.get(c), date) and later > start
                                          for c in root.superseded_by):
                continue
            chain = self.resolve(root, v, start, periods) if replaced else [root]
            rule = chain[-1]
            if rule.start_column != root.start_column:
                own_start = v.get(rule.start_column or "")
                if not isinstance(own_start, date):
                    continue
                start = own_start
            key, note = self.variant_key(rule, v) if rule.by is not None else (None, "")
            prep = self.prepared(rule, key)
            if rule.by is not None and rule.limit_of is None:
                if key is None:
                    if not self.covers_all(rule):
                        continue  # a rule for some case types only, and the row's type is blank
                elif prep.length is None:
                    continue  # not this rule's case type
            bound = None
            if rule.limit_of is not None:
                period = periods.get(rule.limit_of)
                if period is None:
                    continue
                bound = self.cap(rule.limit_of, period)
            deduct = 0
            if rule.deduct:
                held = self._ends.get((rule.deduct, data.name, rec.row))
                if held is not None and held[0] <= start:
                    # TTLT 04/2018 Điều 17: custody counts against detention for investigation, in the days
                    # it lasted: 10:00 01/3 - 10:00 04/3 is 3 days (ví dụ 1), 05/3 - 11/3 is 6 (ví dụ 2)
                    deduct = max(0, (min(held[1], start) - held[0]).days)
            ext = v.get(rule.extended_to) if rule.extended_to else None
            if not isinstance(ext, date) or ext < start:
                ext = None
            decided = v.get(rule.extension_date) if rule.extension_date else None
            if not isinstance(decided, date):
                decided = None
            count = v.get(rule.extension_count) if rule.extension_count else None
            until = v.get(rule.until) if rule.until else None
            hour = v.get(rule.hour) if rule.hour else None
            hour = hour if isinstance(hour, time) else None
            if rule.every:
                found = self.periodic(rule, key, start)
            else:
                found = self.limit(
                    rec, rule, key, start, ext=ext, ext_column=rule.extended_to or "",
                    until=until if isinstance(until, date) else None, until_column=rule.until or "",
                    ext_undated_column=(rule.extension_date or "") if ext is None and decided is not None else "",
                    deduct=deduct, bound=bound, ext_count=count if isinstance(count, int) else None,
                    ext_count_column=rule.extension_count or "", hour=hour, hour_column=rule.hour or "",
                    ext_date=decided if decided is not None and decided >= start else None,
                    ext_date_column=rule.extension_date or "")
            if found is None:
                continue
            if note or computed:
                basis = found.basis + (f"; {note}" if note else "") + (f"; {computed[2]}" if computed else "")
                found = replace(found, basis=basis,  # the other reading (`alternative`) is kept
                                computation=f"{computed[1]}; {found.computation}" if computed else found.computation)
            self.emit(rec, rule, start, found, done=self.done(rule, v, start),
                      case=who[0], person=who[1], prosecutor=who[2], leader=who[3])
            if keep_end:
                recorded = v.get(rule.extended_to or "") or v.get(rule.until or "")
                end = recorded if isinstance(recorded, date) else (
                    found.due + _ONE_DAY if rule.method == "hours" and hour is None else found.due)
                self._ends[(root.id, data.name, rec.row)] = (start, end)
            length = prep.first_extended if ext is not None and prep.first_extended is not None else prep.length
            if length is not None:
                for link in chain:
                    periods.setdefault(link.id, (start, length, found.due))

    def covers_all(self, rule: Rule) -> bool:
        found = self._covers_all.get(rule.id)
        if found is None:
            found = self._covers_all[rule.id] = _covers_all(rule)
        return found

    @staticmethod
    def done(rule: Rule, v: Any, start: date) -> bool:
        """A later date (on or after the start) or any other value in a `done_when` column, a stage in
        `done_if`, another value in `done_unless`."""
        for column in rule.done_when:
            value = v.get(column)
            if value is not None and (not isinstance(value, date) or value >= start):
                return True
        for column, accepted in rule.done_if:
            value = v.get(column)
            if value is not None and str(value) in accepted:
                return True
        for column, accepted in rule.done_unless:
            value = v.get(column)
            if value is not None and value != "" and str(value) not in accepted:
                return True
        return False

    def periodic(self, rule: Rule, key: str | None, start: date) -> _Found | None:
        """A limit due again every `length` (review of suspended tin báo): the first due on or after today."""
        prep = self.prepared(rule, key)
        if prep.length is None:
            return None
        n, due, comp = 1, start, ""
        while True:
            due, comp = self.due(start, Length(prep.length.months * n, prep.length.days * n), rule.method)
            if due >= self.today or n > 1200:
                break
            n += 1
        return _Found(due, f"{prep.label}: lần thứ {n}, mỗi {prep.length} {rule.start} ({prep.cite})",
                      f"lần thứ {n}: {comp}")


def _covers_all(rule: Rule) -> bool:
    """The rule has lengths for every value of its `by` column (every crime category): a row with the
    column blank is then a row whose length is unknown, not a row the rule does not concern."""
    choices = SPLIT_BY.get(rule.by or "")
    return choices is not None and all(rule.covers(c) for c in choices.canonical)


_READINGS_LABEL = SETTINGS_BY_KEY["readings"].label if "readings" in SETTINGS_BY_KEY else "Cách tính thời hạn"


def chosen_readings(text: Any, rules: Rules) -> tuple[dict[str, str], list[Problem]]:
    """The unit's «Cách tính thời hạn» (Cấu hình): «dieu_tra: nối tiếp; tin_bao: không tính ngày đầu» ->
    {rule id: reading}. A limit is named by its id or its title; a wrong entry is reported and left out."""
    out: dict[str, str] = {}
    problems: list[Problem] = []
    if not isinstance(text, str) or not text.strip():
        return out, problems
    by_title = {r.title.casefold(): r for r in rules}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, _, value = part.partition(":")
        rule = rules.get(name.strip()) or by_title.get(name.strip().casefold())
        value = value.strip().casefold()
        if rule is None or not rule.alternative or value not in rule.reading_names:
            choices = ", ".join(f"{r.id}: {' / '.join(r.reading_names)}" for r in rules if r.alternative and r.track)
            problems.append(Problem(SETTINGS_SHEET, None, _READINGS_LABEL, part.strip(),
                                    f"không hiểu «{part.strip()}»: cần «tên thời hạn: cách tính», trong đó "
                                    f"tên thời hạn và cách tính là một trong: {choices}; kiemsat bỏ qua mục này và "
                                    f"báo theo ngày sớm hơn."))
            continue
        out[rule.id] = value
    return out, problems


def compute_deadlines(ledger: Ledger, today: date | None = None, *, rules: Rules | None = None,
                      calendar: WorkCalendar | None = None, alert_days: int | None = None,
                      now: datetime | None = None) -> DeadlineReport:
    """Every deadline of the ledger as of `today` (default: today).

    `rules` defaults to the packaged table, `calendar` to the ledger's Cấu hình make-up days,
    `alert_days` ("sắp hết hạn" threshold) to the ledger's setting. Raises `RulesError` when the
    table lacks a rule this engine needs, ValueError (Vietnamese) for a contradictory calendar.
    """
    if now is None and today is None:
        now = datetime.now()  # a limit that ends at an hour (tạm giữ, phê chuẩn in 12 giờ) is counted in hours too
    today = today or (now.date() if now is not None else date.today())
    settings = ledger.settings
    if alert_days is None:
        alert_days = settings.get("alert_days")
        if not isinstance(alert_days, int):
            default = SETTINGS_BY_KEY["alert_days"].default
            alert_days = default if isinstance(default, int) else 10
    table = rules or default_rules()
    readings, reading_problems = chosen_readings(settings.get("readings"), table)
    engine = _Engine(ledger, today, table, calendar or calendar_for(settings), alert_days, readings, now)
    engine.problems.extend(reading_problems)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as the reader: many small objects, no cycles; the collector would only cost time
    try:
        engine.run()
    finally:
        if gc_was_enabled:
            gc.enable()
    from macros_py.law.own_deadlines import check_own_deadlines  # the unit's own deadline columns

    problems = engine.problems + check_own_deadlines(ledger, engine.deadlines)
    return DeadlineReport(today, alert_days, engine.deadlines, problems, engine.timings)
