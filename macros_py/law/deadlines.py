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
* Detention is bounded by Đ.173 from the detention date, minus the days of custody (TTLT
  04/2018 Điều 17); once the case file is with the procuracy (Đ.241) or the court (Đ.278), by
  the prosecution or trial-preparation limit of the case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from macros_py.law.counting import compute_due
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

    @property
    def done(self) -> bool:
        return self.status == STATUS_DONE

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape: sheet (as named in the file), row, case, person, kind, due (ISO), ..."""
        return {
            "sheet": self.sheet_name, "row": self.row, "case": self.case, "person": self.person,
            "kind": self.kind, "due": self.due.isoformat(), "days_left": self.days_left,
            "status": self.status, "basis": self.basis, "prosecutor": self.prosecutor,
            "leader": self.leader,
        }


@dataclass
class DeadlineReport:
    today: date
    alert_days: int
    deadlines: list[Deadline]  # every started step, done ones included, by due date
    problems: list[Problem] = field(default_factory=list)

    def pending(self, within: int | None = None) -> list[Deadline]:
        """Steps not done, by due date; with `within`, only those due in at most that many days."""
        return [d for d in self.deadlines if not d.done and (within is None or d.days_left <= within)]

    def next_by_row(self) -> dict[tuple[str, int], Deadline]:
        """(sheet key, row) -> the row's earliest deadline not done."""
        out: dict[tuple[str, int], Deadline] = {}
        for d in self.deadlines:  # sorted by due date: the first seen is the earliest
            if not d.done:
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


def _after(start: date, *dates: date | None) -> bool:
    """Some later step has a date on or after `start`."""
    for d in dates:
        if d is not None and d >= start:
            return True
    return False


class _Engine:
    def __init__(self, ledger: Ledger, today: date, rules: Rules, calendar: WorkCalendar, alert_days: int):
        rules.require(RULE_IDS)
        self.ledger, self.today, self.rules, self.calendar = ledger, today, rules, calendar
        self.alert_days = alert_days
        self.deadlines: list[Deadline] = []
        self.problems: list[Problem] = []
        self._due_cache: dict[tuple[date, int, int, str], date] = {}
        # case id (lower case) -> its record and the due dates of its steps, for Bị can rows
        self.cases: dict[str, tuple[Record, dict[str, date]]] = {}
        self._data: SheetData | None = None
        self._fmt_cache: dict[date, str] = {}
        self._prepared: dict[tuple[str, str | None], _Prepared] = {}
        self._covering_cache: dict[tuple[tuple[str, ...], str | None], Rule | None] = {}

    # ------------------------------------------------------------ primitives

    def due(self, start: date, length: Length, method: str) -> date:
        key = (start, length.months, length.days, method)
        d = self._due_cache.get(key)
        if d is None:
            d = compute_due(start, months=length.months, days=length.days, method=method, calendar=self.calendar)
            self._due_cache[key] = d
        return d

    def problem(self, rec: Record, column: str, value: Any, message: str) -> None:
        data = self._data
        assert data is not None
        idx = data.columns.get(column)
        self.problems.append(Problem(data.name, rec.row, column_letter(idx) if idx is not None else "",
                                     fmt_date(value) if isinstance(value, date) else str(value or ""), message))

    def emit(self, rec: Record, rule: Rule, start: date, due: date, basis: str, *, done: bool,
             case: str | None, person: str | None, prosecutor: str | None, leader: str | None) -> None:
        days_left = (due - self.today).days
        if rule.expires and days_left < 0:
            done = True
        data = self._data
        assert data is not None
        self.deadlines.append(Deadline(
            data.spec.key, data.name, rec.row, case, person, rule.id, rule.title, start, due, days_left,
            status_for(days_left, done, self.alert_days), basis, prosecutor, leader))

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
                prep = _Prepared(label, rule.citation, variant.length, total, f"{variant.length} {rule.start}",
                                 f"mức tối đa {total}")
            else:
                prep = _Prepared(label, rule.citation, None, None, "", "")
            self._prepared[key] = prep
        return prep

    def limit(self, rec: Record, rule: Rule, variant_key: str | None, start: date, *,
              ext: date | None = None, ext_column: str = "", until: date | None = None,
              until_column: str = "", ext_undated_column: str = "", deduct: int = 0,
              bound: date | None = None) -> tuple[date, str] | None:
        """Due date and basis of one step, checking recorded dates against the law.

        `ext`: a recorded extension ("gia hạn đến"); `until`: the date in the order (custody,
        detention); `ext_undated_column`: an extension is recorded without its end date;
        `deduct`: days already served (custody deducted from detention); `bound`: the limit
        comes from another step (`limit_of`). Returns None when no limit can be computed.
        """
        prep = self.prepared(rule, variant_key)
        label, cite, fmt = prep.label, prep.cite, self.fmt
        if bound is not None:
            base = top = bound
            text = f"không quá {fmt(bound)}"
            top_text = f"hạn {fmt(bound)}"
        elif prep.length is not None:
            assert prep.total is not None
            base = self.due(start, prep.length, rule.method)
            top = self.due(start, prep.total, rule.method)
            text, top_text = prep.text, prep.top_text
            if deduct:
                shift = timedelta(days=deduct)
                base, top = base - shift, top - shift
                text = f"{text}, trừ {deduct} ngày tạm giữ"
                top_text = f"{top_text} (đã trừ {deduct} ngày tạm giữ)"
        else:
            # the law's length is unknown for this row (no crime category): keep the order's date
            recorded = ext or until
            if recorded is None:
                return None
            return recorded, f"{label}: đến {fmt(recorded)} theo sổ, chưa đối chiếu được mức luật định ({cite})"

        if ext is not None:
            if ext > top:
                self.problem(rec, ext_column, ext, f"gia hạn đến {fmt(ext)} vượt {top_text} theo {cite} "
                             f"(hết ngày {fmt(top)}); kiemsat tính hạn đến {fmt(top)}.")
                return top, f"{label}: gia hạn đến {fmt(ext)} vượt {top_text}, tính đến {fmt(top)} ({cite})"
            return ext, f"{label}: {text}, gia hạn đến {fmt(ext)} ({cite})"
        if until is not None:
            if until > base:
                self.problem(rec, until_column, until, f"ngày {fmt(until)} ghi trong lệnh vượt thời hạn "
                             f"{text} theo {cite} (hết ngày {fmt(base)}); nếu đã gia hạn, hãy ghi vào cột "
                             f"gia hạn; kiemsat tính hạn đến {fmt(base)}.")
                return base, f"{label}: lệnh đến {fmt(until)} vượt {text}, tính đến {fmt(base)} ({cite})"
            return until, f"{label}: đến {fmt(until)} theo lệnh, {text} ({cite})"
        if ext_undated_column:
            self.problem(rec, ext_undated_column, rec.get(ext_undated_column),
                         f"đã có quyết định gia hạn nhưng chưa ghi ngày gia hạn đến; kiemsat tạm tính "
                         f"{top_text} theo {cite}, đến {fmt(top)}.")
            return top, f"{label}: đã gia hạn, tạm tính {top_text} đến {fmt(top)} ({cite})"
        return base, f"{label}: {text} ({cite})"

    # ------------------------------------------------------------ sheets

    def run(self) -> None:
        sheets = self.ledger.sheets
        for key, method in (("tin_bao", self.tips), ("an_hinh_su", self.criminal),
                            ("bi_can", self.defendants), ("an_dan_su", self.civil)):
            data = sheets.get(key)
            if data is None:
                continue
            self._data = data
            method(data.records)
        self.deadlines.sort(key=lambda d: (d.due, _SHEET_ORDER[d.sheet], d.row, d.start))

    def tips(self, records: Iterable[Record]) -> None:
        rule = self.rules["tin_bao"]
        for rec in records:
            v = rec.values
            start = v.get("receipt_date")
            if start is None:
                continue
            ext = v.get("extended_to")
            found = self.limit(rec, rule, None, start, ext=ext, ext_column="extended_to",
                               ext_undated_column="extension_date" if ext is None and v.get("extension_date")
                               else "")
            if found is None:
                continue
            done = v.get("outcome_date") is not None or v.get("outcome") is not None
            self.emit(rec, rule, start, found[0], found[1], done=done, case=v.get("receipt_no"), person=None,
                      prosecutor=v.get("prosecutor"), leader=v.get("leader"))

    def criminal(self, records: Iterable[Record]) -> None:
        rules = self.rules
        for rec in records:
            v = rec.values
            case_id = v.get("case_id")
            dues: dict[str, date] = {}
            if case_id is not None:
                self.cases[str(case_id).lower()] = (rec, dues)
            category = v.get("category")
            stage = v.get("stage")
            stopped = stage in _CRIMINAL_STOPPED
            order = _CRIMINAL_STAGE_ORDER.get(stage, -1)
            resumed = v.get("resumed_date")
            received, indicted = v.get("file_received"), v.get("indictment_date")
            accepted, heard, judged = v.get("court_accepted"), v.get("hearing_date"), v.get("judgment_date")
            who = dict(case=case_id, person=None, prosecutor=v.get("prosecutor"), leader=v.get("leader"))

            # investigation (Đ.172), or its resumption / supplementary investigation (Đ.174)
            if resumed is not None:
                rule = rules["dieu_tra_bo_sung" if stage == _SUPPLEMENTARY else "phuc_hoi_dieu_tra"]
                start = resumed
            else:
                rule, start = rules["dieu_tra"], v.get("opening_date")
            if start is not None:
                ext = v.get("investigation_extended_to")
                found = self.limit(rec, rule, category, start, ext=ext if ext and ext >= start else None,
                                   ext_column="investigation_extended_to")
                if found:
                    done = stopped or order > _INVESTIGATION or _after(start, received, indicted, accepted, heard,
                                                                     judged)
                    self.emit(rec, rule, start, found[0], found[1], done=done, **who)
                    dues[rule.id] = found[0]

            # prosecution (Đ.240), from the file and conclusion received
            if received is not None and (resumed is None or received >= resumed):
                rule = rules["truy_to"]
                ext = v.get("prosecution_extended_to")
                found = self.limit(rec, rule, category, received, ext=ext if ext and ext >= received else None,
                                   ext_column="prosecution_extended_to")
                if found:
                    done = stopped or order > _PROSECUTION or _after(received, indicted, accepted, heard, judged)
                    self.emit(rec, rule, received, found[0], found[1], done=done, **who)
                    dues[rule.id] = found[0]

            # trial preparation (Đ.277), from the court's acceptance
            if accepted is not None and (resumed is None or accepted >= resumed):
                rule = rules["chuan_bi_xet_xu"]
                ext = v.get("trial_extended_to")
                found = self.limit(rec, rule, category, accepted, ext=ext if ext and ext >= accepted else None,
                                   ext_column="trial_extended_to")
                if found:
                    done = stopped or order > _TRIAL or _after(accepted, heard, judged)
                    self.emit(rec, rule, accepted, found[0], found[1], done=done, **who)
                    dues[rule.id] = found[0]

            # protest by the procuracy of the same level (Đ.337): over once the period has run
            if judged is not None:
                rule = rules["khang_nghi_hinh_su"]
                found = self.limit(rec, rule, category, judged)
                if found:
                    self.emit(rec, rule, judged, found[0], found[1], done=stopped, **who)

    def defendants(self, records: Iterable[Record]) -> None:
        rules = self.rules
        custody_rule = rules["tam_giu"]
        for rec in records:
            v = rec.values
            case_id = v.get("case_id")
            linked = self.cases.get(str(case_id).lower()) if case_id is not None else None
            case_rec, dues = linked if linked else (None, {})
            cv = case_rec.values if case_rec is not None else {}
            who = dict(case=case_id, person=v.get("name"), prosecutor=cv.get("prosecutor"),
                       leader=cv.get("leader"))
            measure, released = v.get("measure"), v.get("released_date")
            c_start, d_start = v.get("custody_start"), v.get("detention_start")

            custody_due = None
            if c_start is not None:
                found = self.limit(rec, custody_rule, None, c_start,
                                   ext=v.get("custody_extended_to"), ext_column="custody_extended_to",
                                   until=v.get("custody_until"), until_column="custody_until")
                if found:
                    custody_due = found[0]
                    done = ((d_start is not None and d_start >= c_start)
                            or (released is not None and released >= c_start)
                            or (measure is not None and measure != _CUSTODY))
                    self.emit(rec, custody_rule, c_start, found[0], found[1], done=done, **who)

            if d_start is None:
                continue
            accepted, received = cv.get("court_accepted"), cv.get("file_received")
            bound = None
            if accepted is not None and d_start >= accepted and "chuan_bi_xet_xu" in dues:
                rule, bound = rules["tam_giam_xet_xu"], dues["chuan_bi_xet_xu"]
            elif received is not None and d_start >= received and "truy_to" in dues:
                rule, bound = rules["tam_giam_truy_to"], dues["truy_to"]
            else:
                rule = rules["tam_giam"]
            deduct = 0
            if bound is None and c_start is not None and custody_due is not None and c_start <= d_start:
                # TTLT 04/2018 Điều 17: days in custody count against detention for investigation
                deduct = max(0, (min(custody_due, d_start - _ONE_DAY) - c_start).days + 1)
            found = self.limit(rec, rule, cv.get("category"), d_start,
                               ext=v.get("detention_extended_to"), ext_column="detention_extended_to",
                               until=v.get("detention_until"), until_column="detention_until",
                               deduct=deduct, bound=bound)
            if found is None:
                continue
            done = (released is not None and released >= d_start) or (measure is not None and measure != _DETENTION)
            self.emit(rec, rule, d_start, found[0], found[1], done=done, **who)

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
                ext = v.get("preparation_extended_to")
                found = self.limit(rec, rule, case_type, accepted, ext=ext if ext and ext >= accepted else None,
                                   ext_column="preparation_extended_to")
                if found:
                    done = (stopped or stage in _CIVIL_PREPARED
                            or any(d is not None and d >= accepted for d in (heard, judged)))
                    self.emit(rec, rule, accepted, found[0], found[1], done=done, **who)

            rule = self._covering(CIVIL_STUDY, case_type)
            if rule is not None and received is not None:
                found = self.limit(rec, rule, case_type, received)
                if found:
                    done = stopped or any(d is not None and d >= received for d in (heard, judged))
                    self.emit(rec, rule, received, found[0], found[1], done=done, **who)

            rule = self._covering(CIVIL_PROTEST, case_type)
            if rule is not None and judged is not None:
                found = self.limit(rec, rule, case_type, judged)
                if found:
                    self.emit(rec, rule, judged, found[0], found[1], done=stopped, **who)


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
    engine.run()
    return DeadlineReport(today, alert_days, engine.deadlines, engine.problems)
