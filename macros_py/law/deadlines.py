"""Every procedural time limit of every ledger row, with its legal basis.

`compute_deadlines(ledger, today)` reads the rows of the Tin báo, Án hình sự, Bị can and
Án dân sự, hành chính sheets and returns a `DeadlineReport`: one `Deadline` per step that has
started (tin báo received, case instituted, file received, person held...), with its due date,
days left, status and legal basis, plus the problems found (a recorded extension beyond the
law's maximum, an order date beyond the limit...), as `Problem`s with sheet, row and column.

Which ledger column feeds which rule is decided here (`_Engine`); how long each limit is, how it
is counted and which article says so is decided by the rules table (`rules.toml`); dates are
counted by `counting.py` with the unit's calendar (`WorkCalendar` from the Cấu hình sheet).

Choices made where the ledger or the law leave room (also in rules.toml):

* A recorded extension ("gia hạn đến") replaces the computed limit, but never beyond the law's
  maximum (initial length + every extension the law allows): beyond it, the maximum is used and
  a problem says so. The same holds for the date in a custody/detention order against the
  initial length.
* A step is done when a later step has a date (conclusion received, indictment, court accepted,
  hearing, judgment), when the recorded stage is past it, or when the case is suspended or
  dismissed (Tạm đình chỉ, Đình chỉ). A tin báo is done once it has an outcome.
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
  engine derives `accused_minor` from the defendants' «Ngày sinh» and the opening date), and a rule
  that names its `sheet` and `from` column is computed by one generic step (`_Engine.declared`)
  with no code of its own: a unit adds a limit by adding an entry.
* A rule with `request_before` has a second step: the date by which an extension must be
  requested (Đ.147 k2: 5 days; Đ.172 k2, Đ.173 k2, Đ.174 k1: 10 days), shown while an extension
  is still possible; it lapses (never "overdue") once passed.
"""

from __future__ import annotations

import gc
import time as _time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from macros_py.law.counting import CUSTODY_DAYS_PER_MONTH, add_months, explain_due
from macros_py.law.rules import Length, Rule, Rules, Variant, default_rules
from macros_py.law.workcalendar import WorkCalendar
from macros_py.ledger.problems import Problem, column_letter
from macros_py.ledger.reader import Ledger, Record, SheetData
from macros_py.ledger.schema import (
    CIVIL_STAGE,
    CRIMINAL_STAGE,
    LEDGER_SHEETS,
    MEASURE,
    SETTINGS_BY_KEY,
    Choices,
)
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

# the rule ids this engine wires to ledger columns; the table must have them all
RULE_IDS = (
    "tin_bao", "tam_giu", "tam_giam", "tam_giam_truy_to", "tam_giam_xet_xu", "dieu_tra",
    "phuc_hoi_dieu_tra", "dieu_tra_bo_sung", "truy_to", "chuan_bi_xet_xu", "khang_nghi_hinh_su",
    "chuan_bi_xet_xu_dan_su", "chuan_bi_xet_xu_hanh_chinh", "nghien_cuu_ho_so_dan_su",
    "nghien_cuu_ho_so_hanh_chinh", "khang_nghi_dan_su", "khang_nghi_hanh_chinh",
)
# among several rules for one step, the one whose variants cover the row's case type is used
CIVIL_PREPARATION = ("chuan_bi_xet_xu_dan_su", "chuan_bi_xet_xu_hanh_chinh")
CIVIL_STUDY = ("nghien_cuu_ho_so_dan_su", "nghien_cuu_ho_so_hanh_chinh")
CIVIL_PROTEST = ("khang_nghi_dan_su", "khang_nghi_hanh_chinh")

_SHEET_ORDER = {spec.key: i for i, spec in enumerate(LEDGER_SHEETS)}
_SHOWN = {spec.key for spec in LEDGER_SHEETS if spec.has_deadlines}
_ONE_DAY = timedelta(days=1)


def _choice(choices: Choices, value: str) -> str:
    """A value of a schema choice list, checked at import so a renamed choice fails loudly."""
    if value not in choices.canonical:
        raise AssertionError(f"{value!r} is not in {choices.name}")
    return value


# criminal stages in procedural order; a step is done once the stage is past it
_CRIMINAL_STAGE_ORDER = {
    _choice(CRIMINAL_STAGE, "Điều tra"): 0,
    _choice(CRIMINAL_STAGE, "Điều tra bổ sung"): 0,
    _choice(CRIMINAL_STAGE, "Phục hồi điều tra"): 0,
    _choice(CRIMINAL_STAGE, "Truy tố"): 1,
    _choice(CRIMINAL_STAGE, "Xét xử sơ thẩm"): 2,  # the court prepares the trial: Đ.277 still runs
    _choice(CRIMINAL_STAGE, "Xét xử phúc thẩm"): 3,
    _choice(CRIMINAL_STAGE, "Đã xét xử"): 3,
}
_INVESTIGATION, _PROSECUTION, _TRIAL = 0, 1, 2
_SUPPLEMENTARY = _choice(CRIMINAL_STAGE, "Điều tra bổ sung")
_CRIMINAL_STOPPED = {_choice(CRIMINAL_STAGE, "Tạm đình chỉ"), _choice(CRIMINAL_STAGE, "Đình chỉ")}
_CIVIL_STOPPED = {_choice(CIVIL_STAGE, "Tạm đình chỉ"), _choice(CIVIL_STAGE, "Đình chỉ")}
# a civil case brought to trial has ended its preparation (BLTTDS Đ.203 khoản 3)
_CIVIL_PREPARED = {_choice(CIVIL_STAGE, "Xét xử sơ thẩm"), _choice(CIVIL_STAGE, "Xét xử phúc thẩm"),
                   _choice(CIVIL_STAGE, "Đã xét xử")}
_CUSTODY = _choice(MEASURE, "Tạm giữ")
_DETENTION = _choice(MEASURE, "Tạm giam")


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
        }


@dataclass
class DeadlineReport:
    today: date
    alert_days: int
    deadlines: list[Deadline]  # every started step, done ones included, by due date
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per sheet step / declared rule

    def pending(self, within: int | None = None) -> list[Deadline]:
        """Steps not done, by due date; with `within`, only those due in at most that many days."""
        return [d for d in self.deadlines if not d.done and (within is None or d.days_left <= within)]

    def next_by_row(self) -> dict[tuple[str, int], Deadline]:
        """(sheet key, row) -> the row's earliest limit not done, on the sheets that show it (those with
        the computed columns); extension-request steps are left out."""
        out: dict[tuple[str, int], Deadline] = {}
        for d in self.deadlines:  # sorted by due date: the first seen is the earliest
            if not d.done and d.step_of is None and d.sheet in _SHOWN:
                out.setdefault((d.sheet, d.row), d)
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


@dataclass(frozen=True, slots=True)
class _Found:
    """One step's due date, basis (written to the ledger) and computation in words (JSON, alerts)."""

    due: date
    basis: str
    computation: str
    may_extend: bool = False  # an extension is still possible (the request step is shown)
    due_time: time | None = None


def _after(start: date, *dates: date | None) -> bool:
    """Some later step has a date on or after `start`."""
    for d in dates:
        if d is not None and d >= start:
            return True
    return False


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


class _Engine:
    def __init__(self, ledger: Ledger, today: date, rules: Rules, calendar: WorkCalendar, alert_days: int):
        rules.require(RULE_IDS)
        self.ledger, self.today, self.rules, self.calendar = ledger, today, rules, calendar
        self.alert_days = alert_days
        self.deadlines: list[Deadline] = []
        self.problems: list[Problem] = []
        self._due_cache: dict[tuple[date, int, int, str], tuple[date, str]] = {}
        # case id (lower case) -> its record, and the periods of its steps (rule id -> start, length
        # with the recorded extension, the step's due date), for the Bị can rows
        self.cases: dict[str, tuple[Record, dict[str, tuple[date, Length, date]]]] = {}
        self._data: SheetData | None = None
        self._fmt_cache: dict[date, str] = {}
        self._prepared: dict[tuple[str, str | None], _Prepared] = {}
        self._covering_cache: dict[tuple[tuple[str, ...], str | None], Rule | None] = {}
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
        if found.due_time is not None:
            basis += f"; hết lúc {found.due_time.strftime('%H:%M')} ngày {self.fmt(due)}"
        self.deadlines.append(Deadline(
            data.spec.key, data.name, rec.row, case, person, rule.id, rule.title, start, due, days_left,
            status_for(days_left, done, self.alert_days), basis, prosecutor, leader, found.computation,
            found.due_time))
        if rule.request_before is not None and found.may_extend and not done:
            # (a limit already over needs no extension: its request step is not shown at all)
            # the extension must be requested this long before the limit ends (Đ.147 k2, Đ.172 k2, ...)
            ask = due - timedelta(days=_days(rule.request_before))
            before = str(rule.request_before)
            ask_left = (ask - self.today).days
            ask_done = ask_left < 0
            self.deadlines.append(Deadline(
                data.spec.key, data.name, rec.row, case, person, f"{rule.id}_de_nghi_gia_han",
                f"Đề nghị gia hạn: {rule.title}", start, ask, ask_left,
                status_for(ask_left, ask_done, self.alert_days),
                f"Đề nghị gia hạn chậm nhất {before} trước khi hết hạn {self.fmt(due)} ({rule.citation})",
                prosecutor, leader,
                f"hạn {self.fmt(due)} trừ {before} = {self.fmt(ask)} ({found.computation})",
                step_of=rule.id))

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
                                 variant.extensions, variant.maximum is not None, f"{label}: {text} ({rule.citation})")
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
              ext_count_column: str = "", hour: time | None = None, hour_column: str = "") -> _Found | None:
        """Due date, basis and computation of one step, checking recorded dates against the law.

        `ext`: a recorded extension ("gia hạn đến"); `ext_count`: which extension it is (None: not
        recorded, so the law's maximum is the bound); `until`: the date in the order (custody,
        detention); `ext_undated_column`: an extension is recorded without its end date; `deduct`:
        days of custody deducted from detention; `bound`: the limit comes from another step's period
        (`limit_of`, Đ.174 k4), with its computation; `hour`: tạm giữ's starting hour.
        Returns None when no limit can be computed.
        """
        prep = self.prepared(rule, variant_key)
        label, cite, fmt = prep.label, prep.cite, self.fmt
        hours = rule.method == "hours"
        due_time = hour if hours else None
        if bound is not None:
            base = top = bound[0]
            comp_base = comp_top = bound[1]
            text = f"không quá {fmt(base)}"
            top_text = f"hạn {fmt(base)}"
            may_extend = False
        elif prep.length is not None:
            assert prep.total is not None
            n_ext = len(prep.extensions)
            allowed = prep.total
            if ext_count is not None and ext_count > n_ext:
                self.problem(rec, ext_count_column, ext_count,
                             f"gia hạn lần thứ {ext_count} nhưng {cite} chỉ cho gia hạn {n_ext} lần; "
                             f"kiemsat tính {prep.top_text}.")
            elif ext_count is not None and ext_count >= 0 and not prep.has_maximum:
                allowed = prep.length + _sum(prep.extensions[:ext_count])
            text, top_text = prep.text, prep.top_text
            if ext_count is not None and allowed != prep.total:
                top_text = f"mức gia hạn lần {ext_count} ({allowed})"
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
            return _Found(top_due, f"{label}: gia hạn lần {ext_count}, tính {top_text} đến {fmt(top_due)} ({cite})",
                          comp_top, may_extend, due_time)
        if ext_undated_column:
            self.problem(rec, ext_undated_column, rec.get(ext_undated_column),
                         f"đã có quyết định gia hạn nhưng chưa ghi ngày gia hạn đến; kiemsat tạm tính "
                         f"{top_text} theo {cite}, đến {fmt(top_due)}.")
            return _Found(top_due, f"{label}: đã gia hạn, tạm tính {top_text} đến {fmt(top_due)} ({cite})",
                          comp_top, False, due_time)
        if early:
            return _Found(base_due, f"{label}: {text}, chưa ghi giờ nên tính đến hết ngày {fmt(base_due)} ({cite})",
                          comp_base, may_extend, None)
        return _Found(base, prep.plain_basis if text is prep.text else f"{label}: {text} ({cite})", comp_base,
                      may_extend, due_time)

    def period(self, rule: Rule, variant_key: str | None, start: date, extended: bool) -> Length | None:
        """The length of a step's period for a cap: its length, plus its first extension when extended."""
        prep = self.prepared(rule, variant_key)
        if prep.length is None:
            return None
        return prep.length + prep.extensions[0] if extended and prep.extensions else prep.length

    # ------------------------------------------------------------ sheets

    def run(self) -> None:
        sheets = self.ledger.sheets
        for key, method in (("tin_bao", self.tips), ("an_hinh_su", self.criminal),
                            ("bi_can", self.defendants), ("an_dan_su", self.civil)):
            data = sheets.get(key)
            if data is None:
                continue
            self._data = data
            t0 = _time.perf_counter()
            method(data.records)
            self.timings[f"sheet {key}"] = _time.perf_counter() - t0
        for rule in self.rules.declared():
            data = sheets.get(rule.sheet or "")
            if data is None or any(c not in data.columns for c in (rule.start_column or "", *rule.done_when)):
                continue  # an older ledger without the columns: the rule does not apply
            self._data = data
            t0 = _time.perf_counter()
            self.declared(rule, data.records)
            self.timings[f"rule {rule.id}"] = _time.perf_counter() - t0
        self.deadlines.sort(key=lambda d: (d.due, _SHEET_ORDER[d.sheet], d.row, d.start))

    def declared(self, rule: Rule, records: Iterable[Record]) -> None:
        """A rule wired by the table: start column, conditions, the columns that end it, variants."""
        data = self._data
        assert data is not None
        id_column = data.spec.id_column
        for rec in records:
            v = rec.values
            start = v.get(rule.start_column or "")
            if not isinstance(start, date) or not rule.matches(v):
                continue
            key, note = self.variant_key(rule, v)
            prep = self.prepared(rule, key)
            if prep.length is None:
                continue
            if rule.every:
                # periodic: the first due date on or after today (review of suspended tin báo)
                n, due = 1, start
                while True:
                    due, comp = self.due(start, Length(prep.length.months * n, prep.length.days * n), rule.method)
                    if due >= self.today or n > 1200:
                        break
                    n += 1
                found = _Found(due, f"{prep.label}: lần thứ {n}, mỗi {prep.length} {rule.start} ({prep.cite})",
                               f"lần thứ {n}: {comp}")
            else:
                found = self.limit(rec, rule, key, start)
                if found is None:
                    continue
            if note:
                found = _Found(found.due, f"{found.basis}; {note}", found.computation, found.may_extend,
                               found.due_time)
            done = any(isinstance(v.get(c), date) and v[c] >= start or (v.get(c) is not None
                       and not isinstance(v.get(c), date)) for c in rule.done_when)
            self.emit(rec, rule, start, found, done=done, case=v.get(id_column) if id_column != "name" else
                      v.get("case_id"), person=v.get("person") or (v.get("name") if id_column == "name" else None),
                      prosecutor=v.get("prosecutor"), leader=v.get("leader"))

    def tips(self, records: Iterable[Record]) -> None:
        base_rule = self.rules["tin_bao"]
        for rec in records:
            v = rec.values
            start = v.get("receipt_date")
            if start is None:
                continue
            rule = self.rules.replacement(base_rule, v)
            ext = v.get("extended_to")
            found = self.limit(rec, rule, None, start, ext=ext, ext_column="extended_to",
                               ext_undated_column="extension_date" if ext is None and v.get("extension_date")
                               else "")
            if found is None:
                continue
            done = v.get("outcome_date") is not None or v.get("outcome") is not None
            self.emit(rec, rule, start, found, done=done, case=v.get("receipt_no"), person=None,
                      prosecutor=v.get("prosecutor"), leader=v.get("leader"))

    def youngest(self) -> dict[str, date]:
        """Case id (lower case) -> the latest «Ngày sinh» among its defendants (the youngest)."""
        data = self.ledger.sheets.get("bi_can")
        out: dict[str, date] = {}
        if data is None or "birth_date" not in data.columns:
            return out
        for rec in data.records:
            born, case_id = rec.values.get("birth_date"), rec.values.get("case_id")
            if isinstance(born, date) and case_id is not None:
                key = str(case_id).lower()
                if key not in out or born > out[key]:
                    out[key] = born
        return out

    def criminal(self, records: Iterable[Record]) -> None:
        rules = self.rules
        youngest = self.youngest()
        for rec in records:
            v = rec.values
            case_id = v.get("case_id")
            born = youngest.get(str(case_id).lower()) if case_id is not None else None
            opened = v.get("opening_date")
            if born is not None and isinstance(opened, date):
                # a minor is computed, not ticked: under 18 on the day the case was opened
                v = {**v, "accused_minor": "Có" if add_months(born, 18 * 12) > opened else "Không"}
            periods: dict[str, tuple[date, Length, date]] = {}
            if case_id is not None:
                self.cases[str(case_id).lower()] = (rec, periods)
            category = v.get("category")
            stage = v.get("stage")
            stopped = stage in _CRIMINAL_STOPPED
            order = _CRIMINAL_STAGE_ORDER.get(stage, -1)
            resumed = v.get("resumed_date")
            received, indicted = v.get("file_received"), v.get("indictment_date")
            accepted, heard, judged = v.get("court_accepted"), v.get("hearing_date"), v.get("judgment_date")
            who = dict(case=case_id, person=None, prosecutor=v.get("prosecutor"), leader=v.get("leader"))

            def step(rule_id: str, start: date, ext: date | None, ext_column: str, done: bool,
                     ext_count_column: str = "") -> None:
                rule = rules.replacement(rules[rule_id], v)
                start = v.get(rule.start_column) or start if rule.start_column else start
                key, note = self.variant_key(rule, v) if rule.by != "category" else (category, "")
                ext = ext if ext and ext >= start else None
                count = v.get(ext_count_column) if ext_count_column else None
                found = self.limit(rec, rule, key, start, ext=ext, ext_column=ext_column,
                                   ext_count=count if isinstance(count, int) else None,
                                   ext_count_column=ext_count_column)
                if found is None:
                    return
                if note:
                    found = _Found(found.due, f"{found.basis}; {note}", found.computation, found.may_extend)
                self.emit(rec, rule, start, found, done=done, **who)
                length = self.period(rule, key, start, ext is not None)
                if length is not None:
                    periods[rule_id] = (start, length, found.due)
                    periods[rule.id] = periods[rule_id]

            # investigation (Đ.172), or its resumption / supplementary investigation (Đ.174)
            if resumed is not None:
                rule_id = "dieu_tra_bo_sung" if stage == _SUPPLEMENTARY else "phuc_hoi_dieu_tra"
                start = resumed
            else:
                rule_id, start = "dieu_tra", v.get("opening_date")
            if start is not None:
                done = stopped or order > _INVESTIGATION or _after(start, received, indicted, accepted, heard, judged)
                step(rule_id, start, v.get("investigation_extended_to"), "investigation_extended_to", done,
                     "investigation_extensions")

            # prosecution (Đ.240), from the file and conclusion received
            if received is not None and (resumed is None or received >= resumed):
                done = stopped or order > _PROSECUTION or _after(received, indicted, accepted, heard, judged)
                step("truy_to", received, v.get("prosecution_extended_to"), "prosecution_extended_to", done)

            # trial preparation (Đ.277), from the court's acceptance
            if accepted is not None and (resumed is None or accepted >= resumed):
                done = stopped or order > _TRIAL or _after(accepted, heard, judged)
                step("chuan_bi_xet_xu", accepted, v.get("trial_extended_to"), "trial_extended_to", done)

            # protest by the procuracy of the same level (Đ.337): over once the period has run
            if judged is not None:
                step("khang_nghi_hinh_su", judged, None, "", stopped)

    def cap(self, rule_id: str, periods: dict[str, tuple[date, Length, date]]) -> tuple[date, str] | None:
        """Detention bounded by another step's *period*, counted like detention (Đ.241, Đ.278, Đ.174 k4)."""
        found = periods.get(rule_id)
        if found is None:
            return None
        start, length, _ = found
        end, comp = self.due(start, Length(0, _days(length)), "custody")
        cite = self.rules[rule_id].citation
        return end, f"không quá thời hạn {length} của {cite} kể từ {self.fmt(start)}, tính như tạm giam: {comp}"

    def defendants(self, records: Iterable[Record]) -> None:
        rules = self.rules
        for rec in records:
            v = rec.values
            case_id = v.get("case_id")
            linked = self.cases.get(str(case_id).lower()) if case_id is not None else None
            case_rec, periods = linked if linked else (None, {})
            cv = case_rec.values if case_rec is not None else {}
            both = _Merged(v, cv)
            who = dict(case=case_id, person=v.get("name"), prosecutor=cv.get("prosecutor"),
                       leader=cv.get("leader"))
            measure, released = v.get("measure"), v.get("released_date")
            c_start, d_start = v.get("custody_start"), v.get("detention_start")

            custody_end = None
            if c_start is not None:
                custody_rule = rules.replacement(rules["tam_giu"], both)
                count = v.get("custody_extensions")
                hour = v.get("custody_time")
                found = self.limit(rec, custody_rule, None, c_start,
                                   ext=v.get("custody_extended_to"), ext_column="custody_extended_to",
                                   until=v.get("custody_until"), until_column="custody_until",
                                   ext_count=count if isinstance(count, int) else None,
                                   ext_count_column="custody_extensions",
                                   hour=hour if isinstance(hour, time) else None, hour_column="custody_time")
                if found:
                    # the date custody ends: 24-hour periods end on the recorded date (at the start hour)
                    custody_end = v.get("custody_extended_to") or v.get("custody_until") or (
                        found.due if isinstance(hour, time) or custody_rule.method != "hours"
                        else found.due + _ONE_DAY)
                    done = ((d_start is not None and d_start >= c_start)
                            or (released is not None and released >= c_start)
                            or (measure is not None and measure != _CUSTODY))
                    self.emit(rec, custody_rule, c_start, found, done=done, **who)

            if d_start is None:
                continue
            accepted, received, resumed = cv.get("court_accepted"), cv.get("file_received"), cv.get("resumed_date")
            bound = None
            if accepted is not None and d_start >= accepted and "chuan_bi_xet_xu" in periods:
                rule, bound = rules["tam_giam_xet_xu"], self.cap("chuan_bi_xet_xu", periods)
            elif received is not None and d_start >= received and "truy_to" in periods:
                rule, bound = rules["tam_giam_truy_to"], self.cap("truy_to", periods)
            elif (resumed is not None and d_start >= resumed
                  and (step := next((r for r in ("dieu_tra_bo_sung", "phuc_hoi_dieu_tra") if r in periods), None))
                  and rules.get(f"tam_giam_{step}") is not None):
                rule, bound = rules[f"tam_giam_{step}"], self.cap(step, periods)
            else:
                rule = rules["tam_giam"]
            # custody is deducted from detention for investigation (TTLT 04/2018 Điều 17 khoản 1)
            investigating = bound is None
            born = v.get("birth_date")
            if isinstance(born, date) and add_months(born, 18 * 12) > d_start:
                # under 18 on the day detention starts (BLTTHS Đ.419 k1: 2/3 of the adult limit)
                both = _Merged({**v, "defendant_minor": "Có"}, cv)
            rule = rules.replacement(rule, both)
            if rule.limit_of is None:
                bound = None  # a replacing rule (rút gọn) with its own length
            deduct = 0
            if investigating and c_start is not None and custody_end is not None and c_start <= d_start:
                # TTLT 04/2018 Điều 17: custody counts against detention for investigation, in the days
                # it lasted: 10:00 01/3 - 10:00 04/3 is 3 days (ví dụ 1), 05/3 - 11/3 is 6 (ví dụ 2)
                deduct = max(0, (min(custody_end, d_start) - c_start).days)
            count = v.get("detention_extensions")
            found = self.limit(rec, rule, cv.get("category"), d_start,
                               ext=v.get("detention_extended_to"), ext_column="detention_extended_to",
                               until=v.get("detention_until"), until_column="detention_until",
                               deduct=deduct, bound=bound, ext_count=count if isinstance(count, int) else None,
                               ext_count_column="detention_extensions")
            if found is None:
                continue
            done = (released is not None and released >= d_start) or (measure is not None and measure != _DETENTION)
            self.emit(rec, rule, d_start, found, done=done, **who)

    def _covering(self, ids: tuple[str, ...], case_type: str | None) -> Rule | None:
        key = (ids, case_type)
        if key in self._covering_cache:
            return self._covering_cache[key]
        found = None
        for rule_id in ids:
            rule = self.rules[rule_id]
            if rule.covers(case_type):
                found = rule
                break
        self._covering_cache[key] = found
        return found

    def civil(self, records: Iterable[Record]) -> None:
        rules = self.rules
        for rec in records:
            v = rec.values
            case_type = v.get("case_type")
            if case_type is None:
                continue
            stage = v.get("stage")
            stopped = stage in _CIVIL_STOPPED
            accepted, received = v.get("acceptance_date"), v.get("file_received")
            heard, judged = v.get("hearing_date"), v.get("judgment_date")
            who = dict(case=v.get("case_id"), person=None, prosecutor=v.get("prosecutor"), leader=v.get("leader"))

            rule = self._covering(CIVIL_PREPARATION, case_type)
            if rule is not None and accepted is not None:
                rule = rules.replacement(rule, v)
                ext = v.get("preparation_extended_to")
                found = self.limit(rec, rule, case_type, accepted, ext=ext if ext and ext >= accepted else None,
                                   ext_column="preparation_extended_to")
                if found:
                    done = (stopped or stage in _CIVIL_PREPARED
                            or any(d is not None and d >= accepted for d in (heard, judged)))
                    self.emit(rec, rule, accepted, found, done=done, **who)

            rule = self._covering(CIVIL_STUDY, case_type)
            if rule is not None and received is not None:
                found = self.limit(rec, rule, case_type, received)
                if found:
                    done = stopped or any(d is not None and d >= received for d in (heard, judged))
                    self.emit(rec, rule, received, found, done=done, **who)

            rule = self._covering(CIVIL_PROTEST, case_type)
            if rule is not None and judged is not None:
                rule = rules.replacement(rule, v)
                start = v.get(rule.start_column) if rule.start_column else judged
                if isinstance(start, date):
                    found = self.limit(rec, rule, case_type, start)
                    if found:
                        self.emit(rec, rule, start, found, done=stopped, **who)


def compute_deadlines(ledger: Ledger, today: date | None = None, *, rules: Rules | None = None,
                      calendar: WorkCalendar | None = None, alert_days: int | None = None) -> DeadlineReport:
    """Every deadline of the ledger as of `today` (default: today).

    `rules` defaults to the packaged table, `calendar` to the ledger's Cấu hình make-up days,
    `alert_days` ("sắp hết hạn" threshold) to the ledger's setting. Raises `RulesError` when the
    table lacks a rule this engine needs, ValueError (Vietnamese) for a contradictory calendar.
    """
    today = today or date.today()
    settings = ledger.settings
    if alert_days is None:
        alert_days = settings.get("alert_days")
        if not isinstance(alert_days, int):
            default = SETTINGS_BY_KEY["alert_days"].default
            alert_days = default if isinstance(default, int) else 10
    engine = _Engine(ledger, today, rules or default_rules(), calendar or calendar_for(settings), alert_days)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as the reader: many small objects, no cycles; the collector would only cost time
    try:
        engine.run()
    finally:
        if gc_was_enabled:
            gc.enable()
    return DeadlineReport(today, alert_days, engine.deadlines, engine.problems, engine.timings)
