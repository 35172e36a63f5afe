"""The legal time limits as data: loading and validating `rules.toml`.

The table says, for every procedural time limit, its article, how its days are counted
(`counting.METHODS`), its length and the extensions the law allows, per crime category or case
type where the law distinguishes them, and its wiring to the ledger: the sheet and column that
start its clock, the columns and stages that end it, the columns that record its extensions and
orders, the rules that replace it for some rows (rút gọn, minors, a later stage's cap), the step
that bounds it (`limit_of`). `deadlines.py` has no code of its own for any rule: it reads all of
this here.

A table that is wrong raises `RulesError` with one Vietnamese message that names the entry and
the field, so that a unit that edits its table sees what to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from macros_py.law.counting import METHODS
from macros_py.ledger.schema import LEDGER_SHEETS, SHEETS_BY_KEY, Choices, Kind

__all__ = [
    "DEFAULT_RULES_PATH",
    "Length",
    "READINGS",
    "Rule",
    "Rules",
    "RulesError",
    "ACTORS",
    "Actor",
    "Variant",
    "default_rules",
    "load_rules",
    "parse_length",
]

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.toml")

# which ledger column a rule may be split by (any dropdown column of the schema, by its key), and the
# closed list its keys must come from
SPLIT_BY: dict[str, Choices] = {}
for _spec in LEDGER_SHEETS:
    for _col in _spec.columns:
        if _col.kind is Kind.CHOICE and _col.choices is not None:
            SPLIT_BY.setdefault(_col.key, _col.choices)

# values the engine derives for a row, usable in `when` like a column (Vietnamese: what they mean)
DERIVED = {
    "accused_minor": "«Có» khi một bị can của vụ án (sheet Bị can, cột «Ngày sinh») chưa đủ 18 tuổi vào ngày khởi tố",
    "defendant_minor": "«Có» khi bị can của dòng (sheet Bị can, cột «Ngày sinh») chưa đủ 18 tuổi vào ngày bắt tạm giam",
}



@dataclass(frozen=True, slots=True)
class Actor:
    """Who must act when a limit runs out, and whether that is the procuracy itself."""

    key: str
    label: str  # Vietnamese, as shown in the mail, the lists and the statistics
    procuracy: bool  # True: the procuracy's own duty (counted against its prosecutors when late)


# `actor` in rules.toml: one of these keys
ACTORS: dict[str, Actor] = {a.key: a for a in (
    Actor("kiem_sat_vien", "Kiểm sát viên", True),
    Actor("lanh_dao_vien", "Lãnh đạo Viện", True),
    Actor("co_quan_dieu_tra", "Cơ quan điều tra", False),
    Actor("toa_an", "Tòa án", False),
    Actor("co_quan_thi_hanh_an", "Cơ quan thi hành án", False),
    Actor("duong_su", "Người tham gia tố tụng", False),
)}

# `alternative` in rules.toml: a second reading the law admits for the rule, by key: what is ambiguous
# (Vietnamese). The names of the two readings (what a unit writes in Cấu hình) are `Rule.reading_names`.
READINGS: dict[str, str] = {
    "first_day": "luật không nói ngày bắt đầu có được tính là ngày thứ nhất của thời hạn hay không",
    "chained": "luật không nói thời hạn gia hạn tính nối tiếp từ ngày hết thời hạn trước (từng lần một) hay "
               "cộng cả thời hạn gia hạn vào thời hạn ban đầu rồi tính một lần từ ngày bắt đầu",
}

# the wiring a rule may give besides `sheet`, `from`, `done_when`, `when` (see rules.toml's header)
_WIRING = ("unless", "done_if", "done_unless", "superseded_by", "extended_to", "extension_count",
           "extension_date", "until", "hour", "case_sheet", "from_else", "requires")
_RULE_KEYS = {"title", "law", "article", "method", "start", "length", "extensions", "maximum", "by",
              "applies_to", "limit_of", "expires", "track", "variants",
              # v2: provenance, extension requests, declared wiring (sheet, start column, end, conditions)
              "clause", "checked", "request_before", "sheet", "from", "done_when", "when", "replaces",
              "every", "default_variant", "basis_note",
              # v2: the rest of the wiring (no rule has code of its own in the engine)
              *_WIRING, "deduct", "after",
              # who must act and what the procuracy does (one source for mail, lists, statistics)
              "actor", "action", "overdue_action", "request_actor", "request_action", "request_title",
              # a second reading the law admits (READINGS)
              "alternative"}
_VARIANT_KEYS = {"length", "extensions", "maximum"}
_REQUIRED = ("title", "law", "article", "method", "start")


class RulesError(ValueError):
    """The rules table cannot be used; the message (Vietnamese) says which entry and field."""


@dataclass(frozen=True, slots=True)
class Length:
    """A legal length: months first, then days (as `counting.compute_due` applies them)."""

    months: int = 0
    days: int = 0
    hours: int = 0  # a limit counted in hours (phê chuẩn gia hạn tạm giữ: 12 giờ, Đ.118 k4)

    def __add__(self, other: Length) -> Length:
        return Length(self.months + other.months, self.days + other.days, self.hours + other.hours)

    def __bool__(self) -> bool:
        return bool(self.months or self.days or self.hours)

    def __str__(self) -> str:
        parts = []
        years, months = divmod(self.months, 12)
        if years and not months:
            parts.append(f"{years} năm")
        elif self.months:
            parts.append(f"{self.months} tháng")
        if self.days:
            parts.append(f"{self.days} ngày")
        if self.hours:
            parts.append(f"{self.hours} giờ")
        return " ".join(parts) or "0 ngày"


_LENGTH_PART = re.compile(r"(\d+)\s*(năm|nam|tháng|thang|ngày|ngay|giờ|gio)", re.IGNORECASE)


def parse_length(text: Any) -> Length:
    """'20 ngày', '2 tháng', '1 tháng 15 ngày', '12 giờ' -> Length. Raises ValueError (Vietnamese)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"cần viết dạng «20 ngày», «2 tháng» hoặc «1 tháng 15 ngày», không phải {text!r}")
    rest = _LENGTH_PART.sub("", text).strip()
    parts = _LENGTH_PART.findall(text)
    if rest or not parts:
        raise ValueError(f"«{text}» không đọc được; cần dạng «20 ngày», «2 tháng» hoặc «1 tháng 15 ngày»")
    months = days = hours = 0
    for number, unit in parts:
        if unit.lower().startswith("n") and not unit.lower().startswith("ng"):
            months += 12 * int(number)
        elif unit.lower().startswith("th"):
            months += int(number)
        elif unit.lower().startswith("gi"):
            hours += int(number)
        else:
            days += int(number)
    length = Length(months, days, hours)
    if not length:
        raise ValueError(f"«{text}» bằng 0; thời hạn phải có ít nhất 1 ngày")
    return length


@dataclass(frozen=True, slots=True)
class Variant:
    """The lengths of one rule for one crime category or case type (or for all)."""

    length: Length | None  # None only for a rule bounded by another rule (limit_of)
    extensions: tuple[Length, ...] = ()
    maximum: Length | None = None  # total from the start, extensions included

    @property
    def total(self) -> Length | None:
        """The longest the limit may run from its start, every extension included."""
        if self.maximum is not None:
            return self.maximum
        if self.length is None:
            return None
        total = self.length
        for ext in self.extensions:
            total = total + ext
        return total


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    law: str
    article: str
    method: str
    start: str
    by: str | None
    variants: dict[str, Variant]  # key "" when the rule is the same for every row
    limit_of: str | None = None
    expires: bool = False
    track: bool = True
    clause: str = ""  # "khoản 1" (with `article`, what the rule was checked against)
    checked: str = ""  # which text the entry was checked against, or "chưa đối chiếu: why"
    request_before: Length | None = None  # an extension must be requested this long before expiry
    sheet: str | None = None  # declared wiring: the sheet whose rows this rule is computed for
    start_column: str | None = None  # ... and the date column that starts its clock
    done_when: tuple[str, ...] = ()  # ... columns whose date (on or after the start) ends it
    # column -> accepted values ("" blank), and whether any filled value is accepted ("*")
    when: tuple[tuple[str, frozenset[str], bool], ...] = ()
    since: tuple[tuple[str, date], ...] = ()  # column -> a date the row's value must not precede
    replaces: str | None = None  # used instead of that rule for the rows `when` matches
    every: bool = False  # periodic: due again every `length` until done (review of suspended tin báo)
    default_variant: str | None = None  # variant for a row whose `by` column is blank
    basis_note: str = ""  # appended to the basis text (an assumption the ledger forces)
    # the rest of the wiring (inherited by a rule that `replaces` this one, unless it gives its own)
    unless: tuple[tuple[str, frozenset[str], bool], ...] = ()  # like `when`: a row matching any is left out
    done_if: tuple[tuple[str, frozenset[str]], ...] = ()  # done when the column holds one of these (a stage)
    done_unless: tuple[tuple[str, frozenset[str]], ...] = ()  # done when the column holds another value
    superseded_by: tuple[str, ...] = ()  # not computed when one of these dates is later than the start
    extended_to: str | None = None  # column of the recorded «gia hạn đến»
    extension_count: str | None = None  # column of «Số lần gia hạn» (which extension it is)
    extension_date: str | None = None  # column of the extension decision's date
    until: str | None = None  # column of the date written in the order (tạm giữ, tạm giam đến ngày)
    hour: str | None = None  # column of the hour the clock starts (tạm giữ)
    case_sheet: str | None = None  # the row's case (same «Mã vụ án») on this sheet: its values and steps
    from_else: tuple[str, str] | None = None  # (rule id, column): the start when `from` is blank
    requires: tuple[str, ...] = ()  # the rule is computed only on a sheet that has these columns
    # inherited by a replacing rule without `limit_of`
    deduct: str | None = None  # the days of this rule's step on the same row are deducted (tạm giữ)
    # not inherited
    after: tuple[str, ...] = ()  # a date, not a limit: the day after the last of these rules' ends
    # who must act and what to do (inherited by a replacing rule that gives none)
    actor: str = ""  # ACTORS key
    action: str = ""  # «Việc cần làm» before the due date; may use {due} and {request_by}
    overdue_action: str = ""  # «Việc cần làm» once the limit is over: what to do now
    request_actor: str = ""  # who must ask for the extension (the `request_before` step)
    request_action: str = ""  # the procuracy's part in that step
    request_title: str = ""  # that step's short name («Hạn đề nghị gia hạn điều tra»); else «Đề nghị gia hạn: <title>»
    alternative: str = ""  # READINGS key: the other reading the law admits ("" none)
    before: tuple[tuple[str, date], ...] = ()  # (from `unless`) column -> a date the row's value must precede

    @property
    def reading_names(self) -> tuple[str, str]:
        """(the table's reading, the other one), as a unit names them in Cấu hình («Cách tính thời hạn»)."""
        if self.alternative == "first_day":
            counted = self.method == "criminal"
            return (("tính ngày đầu", "không tính ngày đầu") if counted
                    else ("không tính ngày đầu", "tính ngày đầu"))
        if self.alternative == "chained":
            return "cộng dồn", "nối tiếp"
        return "", ""

    def matches(self, values: Any) -> bool:
        """The row satisfies every `when` condition and none of `unless`."""
        for column, accepted, any_filled in self.when:
            value = values.get(column)
            if value is None or value == "":
                if "" not in accepted:
                    return False
            elif not any_filled and (value if isinstance(value, str) else str(value)) not in accepted:
                return False
        for column, first in self.since:
            value = values.get(column)
            if not isinstance(value, date) or value < first:
                return False
        for column, last in self.before:
            value = values.get(column)
            if isinstance(value, date) and value >= last:
                return False
        for column, accepted, any_filled in self.unless:
            value = values.get(column)
            if value is None or value == "":
                if "" in accepted:
                    return False
            elif any_filled or (value if isinstance(value, str) else str(value)) in accepted:
                return False
        return True

    def variant(self, key: str | None) -> Variant | None:
        """The lengths for a category / case type; None when this rule does not cover it."""
        if "" in self.variants:
            return self.variants[""]
        if key is None:
            return None
        return self.variants.get(key)

    def covers(self, key: str | None) -> bool:
        return self.variant(key) is not None

    @property
    def citation(self) -> str:
        """'Điều 172 khoản 1 BLTTHS 2015'."""
        return f"{self.article}{' ' + self.clause if self.clause else ''} {self.law}"


class Rules:
    """The whole table, by rule id."""

    def __init__(self, rules: dict[str, Rule], path: Path | None = None):
        self._rules = _inherit(rules)
        self.path = path
        self._replacing: dict[str, list[Rule]] = {}
        for rule in self._rules.values():
            if rule.replaces is not None:
                self._replacing.setdefault(rule.replaces, []).append(rule)

    def __getitem__(self, rule_id: str) -> Rule:
        try:
            return self._rules[rule_id]
        except KeyError:
            where = f" «{self.path.name}»" if self.path else ""
            raise RulesError(f"Bảng thời hạn{where} thiếu mục [{rule_id}].") from None

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self):  # noqa: ANN204 - iterator of Rule
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def get(self, rule_id: str) -> Rule | None:
        return self._rules.get(rule_id)

    def replacing(self, rule_id: str) -> list[Rule]:
        """The rules that replace `rule_id` for some rows, in table order."""
        return self._replacing.get(rule_id, [])

    def roots(self) -> list[Rule]:
        """The rules computed for every row of their sheet (`sheet` + `from`, replacing no other)."""
        return [r for r in self._rules.values() if r.sheet is not None and r.replaces is None and r.track]


# ---------------------------------------------------------------- loading


def _fail(path: Path | None, rule_id: str, message: str) -> RulesError:
    where = f"«{path.name}», " if path else ""
    return RulesError(f"Bảng thời hạn {where}mục [{rule_id}]: {message}.")


def _length(path: Path | None, rule_id: str, field: str, raw: Any) -> Length:
    try:
        return parse_length(raw)
    except ValueError as exc:
        raise _fail(path, rule_id, f"«{field}» {exc}") from None


def _variant(path: Path | None, rule_id: str, data: dict[str, Any], *, needs_length: bool) -> Variant:
    raw_ext = data.get("extensions", [])
    if not isinstance(raw_ext, list):
        raise _fail(path, rule_id, "«extensions» phải là danh sách, ví dụ [\"3 tháng\", \"2 tháng\"]")
    length = _length(path, rule_id, "length", data["length"]) if "length" in data else None
    if length is None and needs_length:
        raise _fail(path, rule_id, "thiếu «length» (thời hạn ban đầu, ví dụ \"20 ngày\")")
    extensions = tuple(_length(path, rule_id, "extensions", e) for e in raw_ext)
    maximum = _length(path, rule_id, "maximum", data["maximum"]) if "maximum" in data else None
    return Variant(length, extensions, maximum)


def _rule(path: Path | None, rule_id: str, data: Any) -> Rule:
    if not isinstance(data, dict):
        raise _fail(path, rule_id, "phải là một bảng [ten_muc] với các trường title, law, article, ...")
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        raise _fail(path, rule_id, "trường không dùng được: " + ", ".join(unknown)
                    + " (các trường hợp lệ: " + ", ".join(sorted(_RULE_KEYS)) + ")")
    for key in _REQUIRED:
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise _fail(path, rule_id, f"thiếu «{key}»")
    method = data["method"]
    if method not in METHODS:
        raise _fail(path, rule_id, f"«method» = «{method}» không hợp lệ (chỉ nhận: {', '.join(METHODS)})")
    for flag in ("expires", "track"):
        if flag in data and not isinstance(data[flag], bool):
            raise _fail(path, rule_id, f"«{flag}» phải là true hoặc false")
    limit_of = data.get("limit_of")
    if limit_of is not None and not isinstance(limit_of, str):
        raise _fail(path, rule_id, "«limit_of» phải là tên một mục khác")

    by = data.get("by")
    choices: Choices | None = None
    if by is not None:
        choices = SPLIT_BY.get(by)
        if choices is None:
            raise _fail(path, rule_id, f"«by» = «{by}» không hợp lệ (chỉ nhận: {', '.join(SPLIT_BY)})")

    needs_length = limit_of is None and not data.get("after")
    variants: dict[str, Variant] = {}
    raw_variants = data.get("variants")
    if raw_variants is not None:
        if choices is None:
            raise _fail(path, rule_id, "có «variants» thì phải có «by» (category hoặc case_type)")
        if "applies_to" in data or any(k in data for k in _VARIANT_KEYS):
            raise _fail(path, rule_id, "đã chia theo loại («variants») thì không ghi length, extensions, "
                        "maximum, applies_to ở mục chung")
        if not isinstance(raw_variants, dict) or not raw_variants:
            raise _fail(path, rule_id, "«variants» rỗng")
        for key, vdata in raw_variants.items():
            if key not in choices.canonical:
                raise _fail(path, rule_id, f"loại «{key}» không có trong danh mục «{choices.label}» "
                            f"({', '.join(choices.canonical)})")
            if not isinstance(vdata, dict):
                raise _fail(path, rule_id, f"loại «{key}» phải là một bảng")
            bad = sorted(set(vdata) - _VARIANT_KEYS)
            if bad:
                raise _fail(path, rule_id, f"loại «{key}»: trường không dùng được: {', '.join(bad)}")
            variants[key] = _variant(path, f"{rule_id}.variants.{key}", vdata, needs_length=needs_length)
    else:
        variant = _variant(path, rule_id, data, needs_length=needs_length)
        applies_to = data.get("applies_to")
        if applies_to is None:
            variants[""] = variant
        else:
            if choices is None:
                raise _fail(path, rule_id, "có «applies_to» thì phải có «by» (category hoặc case_type)")
            if not isinstance(applies_to, list) or not applies_to:
                raise _fail(path, rule_id, "«applies_to» phải là danh sách các loại")
            for key in applies_to:
                if key not in choices.canonical:
                    raise _fail(path, rule_id, f"loại «{key}» không có trong danh mục «{choices.label}» "
                                f"({', '.join(choices.canonical)})")
                variants[key] = variant

    for key in ("clause", "checked", "sheet", "from", "replaces", "default_variant", "basis_note"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            raise _fail(path, rule_id, f"«{key}» phải là một chuỗi chữ không rỗng")
    if "every" in data and not isinstance(data["every"], bool):
        raise _fail(path, rule_id, "«every» phải là true hoặc false")
    sheet = data.get("sheet")
    spec = None
    if sheet is not None:
        spec = SHEETS_BY_KEY.get(sheet)
        if spec is None:
            raise _fail(path, rule_id, f"«sheet» = «{sheet}» không phải sheet nào của sổ "
                        f"({', '.join(SHEETS_BY_KEY)})")
        if "from" not in data:
            raise _fail(path, rule_id, "có «sheet» thì phải có «from» (cột ngày bắt đầu tính)")
    wiring = [k for k in ("from", "done_when", "when", *_WIRING) if k in data]
    if wiring and spec is None and "replaces" not in data:
        raise _fail(path, rule_id, f"«{'», «'.join(wiring)}» cần «sheet» (hoặc «replaces»)")
    known = ({c.key for c in spec.columns} if spec else {c.key for sp in LEDGER_SHEETS for c in sp.columns}) | set(DERIVED)
    if spec is not None and isinstance(data.get("case_sheet"), str) and data["case_sheet"] in SHEETS_BY_KEY:
        known |= {c.key for c in SHEETS_BY_KEY[data["case_sheet"]].columns}  # read through the row's case

    def column(field: str, key: Any) -> str:
        if not isinstance(key, str) or key not in known:
            raise _fail(path, rule_id, f"«{field}»: «{key}» không phải tên cột của sổ")
        return key

    def choices_of(field: str, key: str, values: list[str]) -> None:
        """A value of a dropdown column must be one of its list (a renamed stage fails here, not silently)."""
        specs = [spec] if spec is not None else list(LEDGER_SHEETS)
        if spec is not None and isinstance(data.get("case_sheet"), str) and data["case_sheet"] in SHEETS_BY_KEY:
            specs.append(SHEETS_BY_KEY[data["case_sheet"]])
        lists = [c.choices for sp in specs for c in sp.columns
                 if c.key == key and c.kind is Kind.CHOICE and c.choices is not None and not c.open_list]
        if lists:
            for value in values:
                if value not in ("", "*") and not any(value in ch.canonical for ch in lists):
                    raise _fail(path, rule_id, f"«{field}.{key}»: «{value}» không có trong danh mục «{lists[0].label}» "
                                f"({', '.join(lists[0].canonical)})")

    start_column = column("from", data["from"]) if "from" in data else None
    raw_done = data.get("done_when", [])
    if not isinstance(raw_done, list):
        raise _fail(path, rule_id, "«done_when» phải là danh sách tên cột")
    done_when = tuple(column("done_when", k) for k in raw_done)
    raw_when = data.get("when", {})
    if not isinstance(raw_when, dict):
        raise _fail(path, rule_id, "«when» phải là bảng {cột = giá trị} hoặc {cột = [các giá trị]}")
    when = []
    since = []
    for key, accepted in raw_when.items():
        column("when", key)
        if isinstance(accepted, date):
            since.append((key, accepted))  # a date: the row's value on or after it
            continue
        values = accepted if isinstance(accepted, list) else [accepted]
        if not values or not all(isinstance(a, str) for a in values):
            raise _fail(path, rule_id, f"«when.{key}» phải là chữ hoặc danh sách chữ")
        choices_of("when", key, values)
        when.append((key, frozenset(values), "*" in values))
    def conditions(field: str) -> list[tuple[str, frozenset[str], bool]]:
        raw = data.get(field, {})
        if not isinstance(raw, dict):
            raise _fail(path, rule_id, f"«{field}» phải là bảng {{cột = giá trị}} hoặc {{cột = [các giá trị]}}")
        out = []
        for key, accepted in raw.items():
            column(field, key)
            values = accepted if isinstance(accepted, list) else [accepted]
            if not values or not all(isinstance(a, str) for a in values):
                raise _fail(path, rule_id, f"«{field}.{key}» phải là chữ hoặc danh sách chữ")
            choices_of(field, key, values)
            out.append((key, frozenset(values), "*" in values))
        return out

    before = []
    if isinstance(data.get("unless"), dict):
        for key in [k for k, v in data["unless"].items() if isinstance(v, date)]:
            column("unless", key)
            before.append((key, data["unless"][key]))  # a date: left out when the row's value is on or after it
            data = {**data, "unless": {k: v for k, v in data["unless"].items() if k != key}}
    unless = conditions("unless")
    done_if = [(c, a) for c, a, _ in conditions("done_if")]
    done_unless = [(c, a) for c, a, _ in conditions("done_unless")]
    raw_sup = data.get("superseded_by", [])
    if not isinstance(raw_sup, list):
        raise _fail(path, rule_id, "«superseded_by» phải là danh sách tên cột")
    superseded_by = tuple(column("superseded_by", k) for k in raw_sup)
    raw_req = data.get("requires", [])
    if not isinstance(raw_req, list):
        raise _fail(path, rule_id, "«requires» phải là danh sách tên cột")
    requires = tuple(column("requires", k) for k in raw_req)
    wired = {k: column(k, data[k]) for k in ("extended_to", "extension_count", "extension_date", "until", "hour")
             if k in data}
    case_sheet = data.get("case_sheet")
    if case_sheet is not None and case_sheet not in SHEETS_BY_KEY:
        raise _fail(path, rule_id, f"«case_sheet» = «{case_sheet}» không phải sheet nào của sổ")
    from_else = data.get("from_else")
    if from_else is not None:
        if (not isinstance(from_else, dict) or set(from_else) != {"rule", "from"}
                or not all(isinstance(x, str) for x in from_else.values())):
            raise _fail(path, rule_id, "«from_else» phải là {rule = \"tên mục\", from = \"cột ngày\"}")
        if start_column is None:
            raise _fail(path, rule_id, "có «from_else» thì phải có «from»")
        from_else = (from_else["rule"], column("from_else", from_else["from"]))
    after = data.get("after", [])
    if not isinstance(after, list) or not all(isinstance(a, str) for a in after):
        raise _fail(path, rule_id, "«after» phải là danh sách tên mục")
    deduct = data.get("deduct")
    if deduct is not None and not isinstance(deduct, str):
        raise _fail(path, rule_id, "«deduct» phải là tên một mục khác")
    request_before = (_length(path, rule_id, "request_before", data["request_before"])
                      if "request_before" in data else None)
    default_variant = data.get("default_variant")
    if default_variant is not None and default_variant not in variants:
        raise _fail(path, rule_id, f"«default_variant» = «{default_variant}» không phải loại nào trong «variants»")

    for key in ("action", "overdue_action", "request_action", "request_title"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            raise _fail(path, rule_id, f"«{key}» phải là một câu chữ không rỗng")
    for key in ("actor", "request_actor"):
        if key in data and data[key] not in ACTORS:
            raise _fail(path, rule_id, f"«{key}» = «{data[key]}» không hợp lệ (chỉ nhận: {', '.join(ACTORS)})")
    alternative = data.get("alternative", "")
    if alternative and alternative not in READINGS:
        raise _fail(path, rule_id, f"«alternative» = «{alternative}» không hợp lệ (chỉ nhận: {', '.join(READINGS)})")
    if "request_action" in data and "request_before" not in data:
        raise _fail(path, rule_id, "có «request_action» thì phải có «request_before»")

    return Rule(
        id=rule_id, title=data["title"].strip(), law=data["law"].strip(), article=data["article"].strip(),
        method=method, start=data["start"].strip(), by=by, variants=variants, limit_of=limit_of,
        expires=data.get("expires", False), track=data.get("track", True),
        clause=data.get("clause", "").strip(), checked=data.get("checked", "").strip(),
        request_before=request_before, sheet=sheet, start_column=start_column, done_when=done_when,
        when=tuple(when), since=tuple(since), replaces=data.get("replaces"), every=data.get("every", False),
        default_variant=default_variant, basis_note=data.get("basis_note", "").strip(),
        unless=tuple(unless), done_if=tuple(done_if), done_unless=tuple(done_unless), superseded_by=superseded_by,
        requires=requires, case_sheet=case_sheet, from_else=from_else, deduct=deduct, after=tuple(after), **wired,
        actor=data.get("actor", ""), action=data.get("action", "").strip(),
        overdue_action=data.get("overdue_action", "").strip(), request_actor=data.get("request_actor", ""),
        request_action=data.get("request_action", "").strip(), request_title=data.get("request_title", "").strip(),
        alternative=alternative, before=tuple(before),
    )


def parse_rules(text: str, path: Path | None = None) -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = f" «{path.name}»" if path else ""
        raise RulesError(f"Bảng thời hạn{where} viết sai cú pháp TOML: {exc}.") from None
    rules = {rule_id: _rule(path, rule_id, body) for rule_id, body in data.items()}
    missing: dict[str, list[str]] = {}  # an entry named by others -> where
    for rule in rules.values():
        named = [("limit_of", rule.limit_of), ("replaces", rule.replaces), ("deduct", rule.deduct),
                 ("from_else", rule.from_else[0] if rule.from_else else None), *(("after", a) for a in rule.after)]
        for field_name, other in named:
            if other is not None and other not in rules:
                missing.setdefault(other, []).append(f"[{rule.id}] «{field_name}»")
    if missing:
        where = f" «{path.name}»" if path else ""
        raise RulesError(f"Bảng thời hạn{where} thiếu các mục: " + "; ".join(
            f"[{m}] (được nhắc ở {', '.join(by)})" for m, by in missing.items()) + ".")
    for rule in rules.values():
        chain, seen = rule, {rule.id}
        while chain.replaces is not None:
            chain = rules[chain.replaces]
            if chain.id in seen:
                raise _fail(path, rule.id, "«replaces» vòng quanh (mục thay cho chính nó)")
            seen.add(chain.id)
    table = Rules(rules, path)
    _check_actions(table, path)
    return table


def _check_actions(table: Rules, path: Path | None) -> None:
    """Every limit computed for a row says who must act and what to do, before and after it runs out."""
    for rule in table:
        if not rule.track or rule.after:
            continue  # reference only, or a date rather than a limit
        for key in ("actor", "action", "overdue_action"):
            if not getattr(rule, key):
                raise _fail(path, rule.id, f"thiếu «{key}» (ai phải làm và việc cần làm, xem đầu bảng)")
        if rule.request_before is not None and not (rule.request_action and rule.request_actor):
            raise _fail(path, rule.id, "có «request_before» thì phải có «request_actor» và «request_action» "
                        "(ai đề nghị gia hạn, và Viện kiểm sát làm gì khi sắp hết hạn đề nghị)")


_INHERITED = ("sheet", "start_column", "done_when", "done_if", "done_unless", "superseded_by", "extended_to",
              "extension_count", "extension_date", "until", "hour", "case_sheet", "from_else", "requires",
              "actor", "action", "overdue_action", "request_actor", "request_action", "request_title")


def _inherit(rules: dict[str, Rule]) -> dict[str, Rule]:
    """A rule that `replaces` another takes that rule's wiring for every field it does not give."""
    out: dict[str, Rule] = {}

    def resolved(rule: Rule) -> Rule:
        if rule.id in out:
            return out[rule.id]
        if rule.replaces is None:
            out[rule.id] = rule
            return rule
        base = resolved(rules[rule.replaces])
        fields = {f: getattr(base, f) for f in _INHERITED if not getattr(rule, f) and getattr(base, f)}
        if rule.deduct is None and base.deduct is not None and rule.limit_of is None:
            fields["deduct"] = base.deduct  # a rule bounded by another step's period deducts nothing
        out[rule.id] = replace(rule, **fields) if fields else rule
        return out[rule.id]

    for rule in rules.values():
        resolved(rule)
    return {rule_id: out[rule_id] for rule_id in rules}


def load_rules(path: str | Path | None = None) -> Rules:
    """The rules table at `path` (default: the packaged rules.toml)."""
    if path is None:
        return default_rules()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(f"Không tìm thấy bảng thời hạn «{path}».") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"Không đọc được bảng thời hạn «{path}»: {exc}.") from None
    return parse_rules(text, path)


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    return parse_rules(DEFAULT_RULES_PATH.read_text(encoding="utf-8"), DEFAULT_RULES_PATH)
