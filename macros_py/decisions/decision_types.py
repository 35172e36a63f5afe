"""What a decision type is, and the code its manifests name (guards); the types themselves are data.

Each type is a folder (workbook_templates/decisions/<key>/: manifest.toml and the .docx template;
a unit adds its own under its --templates folder), loaded by macros_py/decisions/manifest.py.
The manifests drive the .docx templates (workbook_templates/decisions.py builds the built-in ones
from their [text]), `kiemsat decide --type`, `kiemsat templates check`, the register entries and
the write-back to the case row. Texts are Jinja for docxtpl: `{{ field }}` takes a column of the
row's sheet (schema keys), a setting of Cấu hình, one of DECISION_FIELDS or a legal basis in force
on the decision's date (macros_py/decisions/legal_bases.toml); a person's column `x` also gives
`x_title` (Chức vụ in Cán bộ) and `x_address` («ông» / «bà» from Danh xưng). A field used only
inside `{% if field %}...{% endif %}` may be empty; any other field the row leaves empty, and any
fact the manifest lists under `required`, keeps that row from being issued.

Each manifest's `form` names the official form it follows (Thông tư 03/2026/TT-VKSTC for the
criminal ones, QĐ 410/QĐ-VKSTC for the civil ones), or says that none was found.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from macros_py.ledger.schema import SETTINGS, SHEETS_BY_KEY, Kind, SheetSpec
from macros_py.ledger.values import display, fmt_date
from macros_py.resources import decision_template

HEAD, DEPUTY = "Viện trưởng", "Phó Viện trưởng"
PROSECUTOR, INSPECTOR = "Kiểm sát viên", "Kiểm tra viên"

# Fields every decision gets besides the row's columns and the settings (name -> meaning)
DECISION_FIELDS: dict[str, str] = {
    "number": "số thứ tự của quyết định trong năm (12)",
    "symbol": "ký hiệu quyết định (QĐ-VKSKV1)",
    "decision_no": "số và ký hiệu đầy đủ (12/QĐ-VKSKV1)",
    "decision_date": "ngày ký quyết định",
    "title": "trích yếu của loại quyết định",
    "signer_name": "họ tên người ký",
    "signer_title": "chức vụ người ký (VIỆN TRƯỞNG, PHÓ VIỆN TRƯỞNG)",
    "signer_on_behalf": "«KT. VIỆN TRƯỞNG» khi Phó Viện trưởng ký, để trống khi Viện trưởng ký",
    "duty_article": "điều luật quy định nhiệm vụ của người được phân công (theo chức vụ: PVT, KSV, KTV)",
    "assignment_no": "số quyết định phân công Kiểm sát viên đã ghi trên dòng",
    "assignment_date": "ngày quyết định phân công Kiểm sát viên đã ghi trên dòng",
    "extended_until": "ngày hết thời hạn được gia hạn (--until)",
    "draft": "«DỰ THẢO» khi xem trước (--preview), để trống khi ban hành",
    "extension_round": "lần gia hạn («thứ nhất», «thứ hai»)",
    "extension_from": "ngày bắt đầu thời hạn được gia hạn (ngày sau ngày hết thời hạn trước)",
    "extension_length": "thời hạn gia hạn («02 tháng», «15 ngày»)",
    "previous_end": "ngày hết thời hạn trước khi gia hạn",
}
TITLE_SUFFIX = "_title"  # `prosecutor_title`: the Cán bộ title of the person in column `prosecutor`
ADDRESS_SUFFIX = "_address"  # `prosecutor_address`: «ông» or «bà», from Cán bộ's Danh xưng
PERSON_SUFFIXES = (TITLE_SUFFIX, ADDRESS_SUFFIX)
DATE_FILTERS: dict[str, str] = {
    "long_date": "ngày 05 tháng 8 năm 2024",
    "short_date": "05/08/2024",
}
# ledger columns naming an agency: written out in full (Danh mục «Cơ quan», then ABBREVIATIONS)
AGENCY_FIELDS = ("investigating_body", "court", "reporter")
# short forms clerks type inside agency names, and what a decision writes instead
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("CQCSĐT", "Cơ quan Cảnh sát điều tra"),
    ("CQANĐT", "Cơ quan An ninh điều tra"),
    ("CSĐT", "Cảnh sát điều tra"),
    ("ANĐT", "An ninh điều tra"),
    ("CQĐT", "Cơ quan điều tra"),
    ("TAND", "Tòa án nhân dân"),
    ("VKSND", "Viện kiểm sát nhân dân"),
)

INVESTIGATION_STAGES = ("Điều tra", "Điều tra bổ sung", "Phục hồi điều tra")


@dataclass(frozen=True)
class Recipient:
    text: str  # Jinja, without the leading "- " and the ending punctuation
    when: str | None = None  # a field: the line appears only when the row has it


Guard = Callable[[Mapping[str, Any]], "str | None"]  # a row's values -> why it is past this decision


@dataclass(frozen=True)
class DecisionType:
    key: str  # the CLI value, ASCII
    title: str  # the line under QUYẾT ĐỊNH, and the register's «Loại quyết định»
    sheet: str  # schema sheet key whose rows get this decision
    template: str  # file name in workbook_templates/decisions/
    bases: tuple[str, ...]  # legal bases, each a paragraph (the builder adds ";" and ".")
    article1: str  # Điều 1: who is assigned to what
    article2: str  # Điều 2: duties, or who helps
    summary: str  # trích yếu written to the register (plain text, Jinja)
    slug: str  # ASCII part of output file names
    # staff columns of the people the decision names, in order: Điều 3 and Nơi nhận list them all
    people: tuple[str, ...] = ("prosecutor",)
    # the person assigned (whose duties Điều 2 cites); None for an extension
    assignee: str | None = "prosecutor"
    duties: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    agencies: tuple[Recipient, ...] = ()  # Nơi nhận lines besides the people
    executors: str = "Văn phòng"  # who executes besides the people (Điều 3)
    # only rows whose `only_when[0]` column holds one of `only_when[1]` (e.g. civil case kinds)
    only_when: tuple[str, tuple[str, ...]] | None = None
    # the case-row columns that receive the decision number and date
    writeback: tuple[str, str] = ("decision_no", "decision_date")
    # more case-row columns to write: (column, field of the decision's context)
    copies: tuple[tuple[str, ...], ...] = ()  # (column, source[, only when this column is filled])
    past_stage: Guard | None = None  # refuses rows already past this decision (unless --force)
    # a row may get this decision again (a second extension, another change of prosecutor);
    # `repeat_guard` says when the new one would only duplicate the last
    repeatable: bool = False
    repeat_guard: Guard | None = None
    extension: bool = False  # needs --until (the end of the extended period)
    on_request: bool = False  # never the sheet's default decision (the ribbon's Tạo quyết định)
    joins: tuple[tuple[str, str], ...] = ()  # (sheet, column): the row's case row, for its columns
    counter: str | None = None  # the row's «Số lần gia hạn» column, one more with each new extension
    # from the manifest (macros_py/decisions/manifest.py)
    article3_text: str | None = None  # Điều 3 when it is not «<executors>, <people> chịu trách nhiệm thi hành»
    stage_guard: str = ""  # the name of `past_stage` in STAGE_GUARDS
    repeat_guard_name: str = ""  # the name of `repeat_guard` in REPEAT_GUARDS
    required: tuple[Any, ...] = ()  # manifest.Fact: facts the decision cannot be issued without
    form: str = ""  # the official form it follows (number and source), or why none
    folder: Path | None = None  # where its manifest and template are
    unique_role: bool = False  # refuse naming a person the row already names in that role
    articles: int = 3  # 2: the form ends with Điều 2 (72/HS), no «… chịu trách nhiệm thi hành» Điều 3
    recipients_text: tuple[Recipient, ...] = ()  # the form's own «Nơi nhận», when it is not the default
    subtitle: str = ""  # a line under the trích yếu, e.g. 42/HS's «Lần thứ …»

    @property
    def spec(self) -> SheetSpec:
        return SHEETS_BY_KEY[self.sheet]

    def joined_specs(self) -> tuple[SheetSpec, ...]:
        return tuple(SHEETS_BY_KEY[s] for s, _ in self.joins)

    def provided_fields(self) -> frozenset[str]:
        """Every field a template of this type may use."""
        keys: set[str] = set()
        for spec in (self.spec, *self.joined_specs()):
            keys |= set(spec.keys)
            keys |= {c.key + s for c in spec.columns if c.kind is Kind.STAFF for s in PERSON_SUFFIXES}
        from macros_py.decisions.legal_bases import basis_fields

        return frozenset(keys) | {s.key for s in SETTINGS} | set(DECISION_FIELDS) | basis_fields()

    @property
    def article3(self) -> str:
        """Điều 3: the executing office and everyone the decision names."""
        if self.article3_text:
            return self.article3_text
        first, *rest = self.people
        names = f"{{{{ {first}{ADDRESS_SUFFIX} }}}} {{{{ {first} }}}}"
        for i, key in enumerate(rest, start=1):
            joiner = " và " if i == len(rest) else ", "
            names += f"{{% if {key} %}}{joiner}{{{{ {key}{ADDRESS_SUFFIX} }}}} {{{{ {key} }}}}{{% endif %}}"
        return f"{self.executors}, {names} chịu trách nhiệm thi hành Quyết định này"

    @property
    def recipients(self) -> tuple[Recipient, ...]:
        if self.recipients_text:
            return self.recipients_text
        lines = [Recipient(f"{{{{ {k}{ADDRESS_SUFFIX}|capitalize }}}} {{{{ {k} }}}}", when=None if i == 0 else k)
                 for i, k in enumerate(self.people)]
        return (*lines, *self.agencies, Recipient("Viện trưởng (để báo cáo)", when="signer_on_behalf"),
                Recipient("Lưu: VT, HSKS"))


# ---------------------------------------------------------------- past-stage guards


def _on(value: Any) -> str:
    return f" ngày {fmt_date(value)}" if value else ""


def tip_resolved(v: Mapping[str, Any]) -> str | None:
    if v.get("outcome") or v.get("outcome_date"):
        how = f" («{display(v['outcome'])}»)" if v.get("outcome") else ""
        return f"tin báo đã được giải quyết{_on(v.get('outcome_date'))}{how}"
    return None


def case_closed(v: Mapping[str, Any]) -> str | None:
    if v.get("judgment_date") or v.get("stage") == "Đã xét xử":
        return f"vụ án đã xét xử{_on(v.get('judgment_date'))}"
    if v.get("stage") == "Đình chỉ":
        return "vụ án đã đình chỉ"
    return None


def investigation_over(v: Mapping[str, Any]) -> str | None:
    if reason := case_closed(v):
        return reason
    if v.get("file_received") or v.get("indictment_date"):
        return f"đã kết thúc điều tra (Viện kiểm sát nhận hồ sơ{_on(v.get('file_received'))})"
    if v.get("stage") and v.get("stage") not in INVESTIGATION_STAGES:
        return f"giai đoạn là «{v['stage']}», không còn điều tra"
    return None


def prosecution_decided(v: Mapping[str, Any]) -> str | None:
    if reason := case_closed(v):
        return reason
    if v.get("indictment_date"):
        return f"đã quyết định truy tố{_on(v.get('indictment_date'))}"
    return None


def detention_over(v: Mapping[str, Any]) -> str | None:
    if v.get("released_date"):
        return f"bị can đã được trả tự do hoặc thay đổi biện pháp ngăn chặn{_on(v.get('released_date'))}"
    if v.get("measure") and v.get("measure") != "Tạm giam":
        return f"biện pháp ngăn chặn là «{v['measure']}», không phải tạm giam"
    return None


def extension_not_later(column: str) -> Guard:
    def guard(v: Mapping[str, Any]) -> str | None:
        until, last = v.get("extended_until"), v.get(column)
        if until and last and until <= last:
            return f"đã gia hạn đến ngày {fmt_date(last)}; ngày gia hạn mới (--until) phải sau ngày đó"
        return None
    return guard


def same_prosecutor(v: Mapping[str, Any]) -> str | None:
    """A change of prosecutor naming the prosecutor the case already has: the same KSV assigned twice
    (by the case's assignment decision, or by the last change, whose copy made her the case's KSV)."""
    if v.get("replacement_prosecutor") and v.get("replacement_prosecutor") == v.get("prosecutor"):
        by = next(((v[n], v.get(d)) for n, d in (("replacement_decision_no", "replacement_decision_date"),
                                                 ("decision_no", "decision_date")) if v.get(n) not in (None, "")),
                  None)
        where = ""
        if by is not None:
            where = f" tại Quyết định số {display(by[0])}" + (f" ngày {display(by[1])}" if by[1] else "")
        return (f"«{v['prosecutor']}» (cột «KSV thay thế») đã được phân công làm Kiểm sát viên của vụ án này{where}; "
                "không phân công một người hai lần cùng một vai trò: hãy ghi tên Kiểm sát viên mới vào cột «KSV thay "
                "thế»")
    return None


STAGE_GUARDS: dict[str, Guard] = {
    "tip_resolved": tip_resolved,
    "case_closed": case_closed,
    "investigation_over": investigation_over,
    "prosecution_decided": prosecution_decided,
    "detention_over": detention_over,
}
REPEAT_GUARDS = ("extension_not_later", "same_prosecutor")


def make_repeat_guard(name: str, extended_column: str | None) -> Guard:
    """The repeat guard `name` of a manifest (`extension_not_later` compares with the column the
    extension's end is copied into)."""
    if name == "same_prosecutor":
        return same_prosecutor
    if name == "extension_not_later" and extended_column:
        return extension_not_later(extended_column)
    raise KeyError(name)


# ---------------------------------------------------------------- the types, from their folders


def _builtin() -> tuple[DecisionType, ...]:
    from macros_py.decisions.manifest import builtin_types

    return builtin_types()


DECISION_TYPES: tuple[DecisionType, ...] = _builtin()
DECISION_TYPES_BY_KEY: dict[str, DecisionType] = {t.key: t for t in DECISION_TYPES}


def template_path(dtype: DecisionType, folder: Path | None = None) -> Path:
    """The template for `dtype`: the unit's edited copy in `folder` (beside the type folders, or in
    the type's own folder there), else the one in the type's folder."""
    if folder is not None:
        for candidate in (Path(folder) / dtype.template, Path(folder) / dtype.key / dtype.template):
            if candidate.is_file():
                return candidate
    if dtype.folder is not None:
        return dtype.folder / dtype.template
    return decision_template(dtype.template, folder)
