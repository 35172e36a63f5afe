"""The legal time limits as data: loading and validating `rules.toml`.

The table says, for every procedural time limit, its article, how its days are counted
(`counting.METHODS`), its length and the extensions the law allows, per crime category or case
type where the law distinguishes them. `deadlines.py` decides which ledger columns feed which
rule; the lengths and articles live only here.

A table that is wrong raises `RulesError` with one Vietnamese message that names the entry and
the field, so that a unit that edits its table sees what to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from macros_py.law.counting import METHODS
from macros_py.ledger.schema import LEDGER_SHEETS, SHEETS_BY_KEY, Choices, Kind

__all__ = [
    "DEFAULT_RULES_PATH",
    "Length",
    "Rule",
    "Rules",
    "RulesError",
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

_RULE_KEYS = {"title", "law", "article", "method", "start", "length", "extensions", "maximum", "by",
              "applies_to", "limit_of", "expires", "track", "variants",
              # v2: provenance, extension requests, declared wiring (sheet, start column, end, conditions)
              "clause", "checked", "request_before", "sheet", "from", "done_when", "when", "replaces",
              "every", "default_variant", "basis_note"}
_VARIANT_KEYS = {"length", "extensions", "maximum"}
_REQUIRED = ("title", "law", "article", "method", "start")


class RulesError(ValueError):
    """The rules table cannot be used; the message (Vietnamese) says which entry and field."""


@dataclass(frozen=True, slots=True)
class Length:
    """A legal length: months first, then days (as `counting.compute_due` applies them)."""

    months: int = 0
    days: int = 0

    def __add__(self, other: Length) -> Length:
        return Length(self.months + other.months, self.days + other.days)

    def __bool__(self) -> bool:
        return bool(self.months or self.days)

    def __str__(self) -> str:
        parts = []
        years, months = divmod(self.months, 12)
        if years and not months:
            parts.append(f"{years} năm")
        elif self.months:
            parts.append(f"{self.months} tháng")
        if self.days:
            parts.append(f"{self.days} ngày")
        return " ".join(parts) or "0 ngày"


_LENGTH_PART = re.compile(r"(\d+)\s*(năm|nam|tháng|thang|ngày|ngay)", re.IGNORECASE)


def parse_length(text: Any) -> Length:
    """'20 ngày', '2 tháng', '1 tháng 15 ngày' -> Length. Raises ValueError (Vietnamese)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"cần viết dạng «20 ngày», «2 tháng» hoặc «1 tháng 15 ngày», không phải {text!r}")
    rest = _LENGTH_PART.sub("", text).strip()
    parts = _LENGTH_PART.findall(text)
    if rest or not parts:
        raise ValueError(f"«{text}» không đọc được; cần dạng «20 ngày», «2 tháng» hoặc «1 tháng 15 ngày»")
    months = days = 0
    for number, unit in parts:
        if unit.lower().startswith("n") and not unit.lower().startswith("ng"):
            months += 12 * int(number)
        elif unit.lower().startswith("th"):
            months += int(number)
        else:
            days += int(number)
    length = Length(months, days)
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

    def matches(self, values: dict[str, Any]) -> bool:
        """The row satisfies every `when` condition."""
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
        self._rules = rules
        self.path = path
        self._replacing: dict[str, list[Rule]] = {}
        for rule in rules.values():
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

    def replacement(self, rule: Rule, values: dict[str, Any]) -> Rule:
        """The rule to use for a row: one that `replaces` `rule` and whose `when` the row matches."""
        for other in self._replacing.get(rule.id, ()):
            if other.matches(values):
                return other
        return rule

    def declared(self) -> list[Rule]:
        """Rules wired by the table itself (`sheet` + `from`), computed by the generic engine step."""
        return [r for r in self._rules.values() if r.sheet is not None and r.replaces is None]

    def require(self, rule_ids: tuple[str, ...] | list[str]) -> None:
        """Raise RulesError naming every id the table lacks."""
        missing = [r for r in rule_ids if r not in self._rules]
        if missing:
            where = f" «{self.path.name}»" if self.path else ""
            raise RulesError(f"Bảng thời hạn{where} thiếu các mục: " + ", ".join(f"[{m}]" for m in missing) + ".")


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

    needs_length = limit_of is None
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
    if ("from" in data or "done_when" in data or "when" in data) and spec is None and "replaces" not in data:
        raise _fail(path, rule_id, "«from», «done_when», «when» cần «sheet» (hoặc «replaces»)")
    known = ({c.key for c in spec.columns} if spec else {c.key for sp in LEDGER_SHEETS for c in sp.columns}) | set(DERIVED)

    def column(field: str, key: Any) -> str:
        if not isinstance(key, str) or key not in known:
            raise _fail(path, rule_id, f"«{field}»: «{key}» không phải tên cột của sổ")
        return key

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
        when.append((key, frozenset(values), "*" in values))
    request_before = (_length(path, rule_id, "request_before", data["request_before"])
                      if "request_before" in data else None)
    default_variant = data.get("default_variant")
    if default_variant is not None and default_variant not in variants:
        raise _fail(path, rule_id, f"«default_variant» = «{default_variant}» không phải loại nào trong «variants»")

    return Rule(
        id=rule_id, title=data["title"].strip(), law=data["law"].strip(), article=data["article"].strip(),
        method=method, start=data["start"].strip(), by=by, variants=variants, limit_of=limit_of,
        expires=data.get("expires", False), track=data.get("track", True),
        clause=data.get("clause", "").strip(), checked=data.get("checked", "").strip(),
        request_before=request_before, sheet=sheet, start_column=start_column, done_when=done_when,
        when=tuple(when), since=tuple(since), replaces=data.get("replaces"), every=data.get("every", False),
        default_variant=default_variant, basis_note=data.get("basis_note", "").strip(),
    )


def parse_rules(text: str, path: Path | None = None) -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = f" «{path.name}»" if path else ""
        raise RulesError(f"Bảng thời hạn{where} viết sai cú pháp TOML: {exc}.") from None
    rules = {rule_id: _rule(path, rule_id, body) for rule_id, body in data.items()}
    for rule in rules.values():
        if rule.limit_of is not None and rule.limit_of not in rules:
            raise _fail(path, rule.id, f"«limit_of» = «{rule.limit_of}» không phải mục nào trong bảng")
        if rule.replaces is not None and rule.replaces not in rules:
            raise _fail(path, rule.id, f"«replaces» = «{rule.replaces}» không phải mục nào trong bảng")
    return Rules(rules, path)


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
