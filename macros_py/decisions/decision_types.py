"""The decisions kiemsat issues by mail-merge: each kind is defined once, here.

This table drives the .docx templates (workbook_templates/decisions.py builds them from it),
the CLI choices (`kiemsat decide --type`), `kiemsat templates check`, the register entries and
the write-back to the case row. Texts are Jinja for docxtpl: `{{ field }}` takes a column of the
row's sheet (schema keys), a setting of Cấu hình, or one of DECISION_FIELDS; a person's column
`x` also gives `x_title` (Chức vụ in Cán bộ) and `x_address` («ông» / «bà» from Danh xưng). A
field used only inside `{% if field %}...{% endif %}` may be empty; any other field the row
leaves empty keeps that row from being issued.

The texts follow the procuracy's forms: Thông tư 03/2026/TT-VKSTC (replacing QĐ 15/QĐ-VKSTC of
09/01/2018) for the criminal ones, QĐ 410/QĐ-VKSTC of 25/11/2021 (mẫu 01/DS) for the civil ones.
Article numbers are data a unit may need to change after later amendments: check each against
the statute text in force before relying on it.
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

LAW_ON_PROCURACY = "Luật Tổ chức Viện kiểm sát nhân dân năm 2014, được sửa đổi, bổ sung năm 2025"
CRIMINAL_PROCEDURE = "Bộ luật Tố tụng hình sự"
ENFORCEMENT_LAW = "Luật Thi hành án hình sự năm 2019"
OFFENCE = ("{{ offence|offences }}{% if article %} quy định tại {{ article|articles }} "
           "Bộ luật Hình sự{% endif %}")
CRIMINAL_CASE = "vụ án hình sự " + OFFENCE
OPENED = ("{% if investigating_body %}do {{ investigating_body }} khởi tố{% else %}khởi tố{% endif %} "
          "theo Quyết định khởi tố vụ án hình sự{% if opening_no %} số {{ opening_no }}{% endif %} "
          "ngày {{ opening_date|short_date }}")
OPENING_BASIS = ("Xét Quyết định khởi tố vụ án hình sự{% if opening_no %} số {{ opening_no }}{% endif %} ngày "
                 "{{ opening_date|short_date }}{% if investigating_body %} của {{ investigating_body }}{% endif %}")
COURT_ACCEPTANCE = ("Xét Thông báo thụ lý vụ án{% if acceptance_no %} số {{ acceptance_no }}{% endif %} "
                    "ngày {{ acceptance_date|short_date }}{% if court %} của {{ court }}{% endif %}")
ACCEPTED = ("{% if court %}do {{ court }} thụ lý{% else %}được thụ lý{% endif %} theo Thông báo thụ lý"
            "{% if acceptance_no %} số {{ acceptance_no }}{% endif %} ngày {{ acceptance_date|short_date }}")

CIVIL_KINDS = ("Dân sự", "Hôn nhân và gia đình", "Kinh doanh, thương mại", "Lao động")
ADMINISTRATIVE_KINDS = ("Hành chính",)
CLOSED_STAGES = ("Đã xét xử", "Đình chỉ")
INVESTIGATION_STAGES = ("Điều tra", "Điều tra bổ sung", "Phục hồi điều tra")
# the article on the duties of whoever is assigned, by their Chức vụ
CRIMINAL_DUTIES = {DEPUTY: "41", PROSECUTOR: "42"}  # BLTTHS Đ.41 k3, Đ.42
INSPECTOR_DUTIES = {INSPECTOR: "43"}  # BLTTHS Đ.43
CIVIL_DUTIES = {DEPUTY: "57", PROSECUTOR: "58"}
ADMINISTRATIVE_DUTIES = {DEPUTY: "42", PROSECUTOR: "43"}


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
    duties: Mapping[str, str] = field(default_factory=lambda: CRIMINAL_DUTIES, hash=False, compare=False)
    agencies: tuple[Recipient, ...] = ()  # Nơi nhận lines besides the people
    executors: str = "Văn phòng"  # who executes besides the people (Điều 3)
    # only rows whose `only_when[0]` column holds one of `only_when[1]` (e.g. civil case kinds)
    only_when: tuple[str, tuple[str, ...]] | None = None
    # the case-row columns that receive the decision number and date
    writeback: tuple[str, str] = ("decision_no", "decision_date")
    # more case-row columns to write: (column, field of the decision's context)
    copies: tuple[tuple[str, str], ...] = ()
    past_stage: Guard | None = None  # refuses rows already past this decision (unless --force)
    # a row may get this decision again (a second extension, another change of prosecutor);
    # `repeat_guard` says when the new one would only duplicate the last
    repeatable: bool = False
    repeat_guard: Guard | None = None
    extension: bool = False  # needs --until (the end of the extended period)
    on_request: bool = False  # never the sheet's default decision (the ribbon's Tạo quyết định)
    joins: tuple[tuple[str, str], ...] = ()  # (sheet, column): the row's case row, for its columns
    counter: str | None = None  # the row's «Số lần gia hạn» column, one more with each new extension

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
        return frozenset(keys) | {s.key for s in SETTINGS} | set(DECISION_FIELDS)

    @property
    def article3(self) -> str:
        """Điều 3: the executing office and everyone the decision names."""
        first, *rest = self.people
        names = f"{{{{ {first}{ADDRESS_SUFFIX} }}}} {{{{ {first} }}}}"
        for i, key in enumerate(rest, start=1):
            joiner = " và " if i == len(rest) else ", "
            names += f"{{% if {key} %}}{joiner}{{{{ {key}{ADDRESS_SUFFIX} }}}} {{{{ {key} }}}}{{% endif %}}"
        return f"{self.executors}, {names} chịu trách nhiệm thi hành Quyết định này"

    @property
    def recipients(self) -> tuple[Recipient, ...]:
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
    if v.get("replacement_prosecutor") and v.get("replacement_prosecutor") == v.get("prosecutor"):
        return (f"«KSV thay thế» ({v['prosecutor']}) đã là Kiểm sát viên của vụ án; hãy ghi tên Kiểm sát viên mới "
                "vào cột «KSV thay thế»")
    return None


# ---------------------------------------------------------------- the types


def _law(article: str | None = None) -> str:
    return f"Căn cứ {'Điều ' + article + ' ' if article else ''}{LAW_ON_PROCURACY}"


CASE_KSV = ("{{ prosecutor_title }} {{ prosecutor }} có nhiệm vụ, quyền hạn theo quy định tại Điều "
            "{{ duty_article }} " + CRIMINAL_PROCEDURE)
AGENCY_BODY = Recipient("{{ investigating_body }}", when="investigating_body")
AGENCY_COURT = Recipient("{{ court }}", when="court")

DECISION_TYPES: tuple[DecisionType, ...] = (
    DecisionType(
        key="tin-bao",
        title="Phân công Kiểm sát viên thực hành quyền công tố, kiểm sát việc giải quyết nguồn tin về tội phạm",
        sheet="tin_bao",
        template="phan_cong_tin_bao.docx",
        slug="PC-KSV-tin-bao",
        bases=(
            _law(),
            "Căn cứ các điều 41, 42, 145, 147 và 159 " + CRIMINAL_PROCEDURE,
            "Xét {% if source %}{{ source|lower }}{% else %}nguồn tin về tội phạm{% endif %} số {{ receipt_no }} "
            "tiếp nhận ngày {{ receipt_date|short_date }}",
        ),
        article1="Phân công {{ prosecutor_address }} {{ prosecutor }}, {{ prosecutor_title }}, thực hành quyền "
                 "công tố, kiểm sát việc tiếp nhận, giải quyết nguồn tin về tội phạm số {{ receipt_no }} tiếp nhận "
                 "ngày {{ receipt_date|short_date }}: {{ summary }}"
                 "{% if investigating_body %}; do {{ investigating_body }} thụ lý, giải quyết{% endif %}.",
        article2=CASE_KSV + " và Điều 159 " + CRIMINAL_PROCEDURE + "; chịu trách nhiệm trước Viện trưởng về việc "
                 "thực hiện nhiệm vụ được giao.",
        agencies=(AGENCY_BODY,),
        summary="Phân công KSV giải quyết nguồn tin số {{ receipt_no }}",
        past_stage=tip_resolved,
    ),
    DecisionType(
        key="hinh-su",
        title="Phân công Kiểm sát viên thực hành quyền công tố, kiểm sát điều tra vụ án hình sự",
        sheet="an_hinh_su",
        template="phan_cong_hinh_su.docx",
        slug="PC-KSV-hinh-su",
        bases=(
            _law(),
            "Căn cứ các điều 41, 42, 43, 165 và 166 " + CRIMINAL_PROCEDURE,
            OPENING_BASIS,
        ),
        article1="Phân công {{ prosecutor_address }} {{ prosecutor }}, {{ prosecutor_title }}, thực hành quyền "
                 "công tố, kiểm sát điều tra " + CRIMINAL_CASE + ", " + OPENED + ".",
        article2=CASE_KSV + "{% if inspector %}. Phân công {{ inspector_address }} {{ inspector }}, "
                 "{{ inspector_title }}, giúp {{ prosecutor_title }} nghiên cứu hồ sơ, lập hồ sơ kiểm sát; "
                 "{{ inspector_title }} có nhiệm vụ, quyền hạn theo quy định tại Điều 43 " + CRIMINAL_PROCEDURE +
                 "{% endif %}.",
        people=("prosecutor", "inspector"),
        agencies=(AGENCY_BODY,),
        summary="Phân công KSV thực hành quyền công tố, kiểm sát điều tra vụ án {{ offence }}"
                "{% if opening_no %} (QĐ khởi tố số {{ opening_no }}){% endif %}",
        past_stage=case_closed,
    ),
    DecisionType(
        key="dan-su",
        title="Phân công Kiểm sát viên kiểm sát việc tuân theo pháp luật trong tố tụng dân sự",
        sheet="an_dan_su",
        template="phan_cong_dan_su.docx",
        slug="PC-KSV-dan-su",
        only_when=("case_type", CIVIL_KINDS),
        bases=(
            _law("27"),
            "Căn cứ các điều 21, 57 và 58 Bộ luật Tố tụng dân sự năm 2015",
            COURT_ACCEPTANCE,
        ),
        article1="Phân công {{ prosecutor_address }} {{ prosecutor }}, {{ prosecutor_title }}, kiểm sát việc tuân "
                 "theo pháp luật trong tố tụng dân sự đối với vụ việc {{ case_type|lower }} về “{{ dispute }}” "
                 "giữa nguyên đơn {{ plaintiff }} và bị đơn {{ defendant }}, " + ACCEPTED + "; tham gia phiên tòa, "
                 "phiên họp theo quy định của pháp luật.",
        article2="{{ prosecutor_title }} {{ prosecutor }} có nhiệm vụ, quyền hạn theo quy định tại Điều "
                 "{{ duty_article }} Bộ luật Tố tụng dân sự năm 2015.",
        duties=CIVIL_DUTIES,
        agencies=(AGENCY_COURT,),
        summary="Phân công KSV kiểm sát vụ việc {{ case_type|lower }} {{ plaintiff }} - {{ defendant }}"
                "{% if acceptance_no %} (thụ lý số {{ acceptance_no }}){% endif %}",
        past_stage=case_closed,
    ),
    DecisionType(
        key="hanh-chinh",
        title="Phân công Kiểm sát viên kiểm sát việc tuân theo pháp luật trong tố tụng hành chính",
        sheet="an_dan_su",
        template="phan_cong_hanh_chinh.docx",
        slug="PC-KSV-hanh-chinh",
        only_when=("case_type", ADMINISTRATIVE_KINDS),
        bases=(
            _law("27"),
            "Căn cứ các điều 25, 42 và 43 Luật Tố tụng hành chính năm 2015",
            COURT_ACCEPTANCE,
        ),
        article1="Phân công {{ prosecutor_address }} {{ prosecutor }}, {{ prosecutor_title }}, kiểm sát việc tuân "
                 "theo pháp luật trong tố tụng hành chính đối với vụ án “{{ dispute }}” giữa người khởi kiện "
                 "{{ plaintiff }} và người bị kiện {{ defendant }}, " + ACCEPTED + "; tham gia phiên tòa, phiên họp "
                 "theo quy định của pháp luật.",
        article2="{{ prosecutor_title }} {{ prosecutor }} có nhiệm vụ, quyền hạn theo quy định tại Điều "
                 "{{ duty_article }} Luật Tố tụng hành chính năm 2015.",
        duties=ADMINISTRATIVE_DUTIES,
        agencies=(AGENCY_COURT,),
        summary="Phân công KSV kiểm sát vụ án hành chính {{ plaintiff }} - {{ defendant }}"
                "{% if acceptance_no %} (thụ lý số {{ acceptance_no }}){% endif %}",
        past_stage=case_closed,
    ),
    DecisionType(
        key="kiem-tra-vien",
        title="Phân công Kiểm tra viên nghiên cứu hồ sơ, lập hồ sơ kiểm sát",
        sheet="an_hinh_su",
        template="phan_cong_kiem_tra_vien.docx",
        slug="PC-KTV-ho-so",
        bases=(
            _law(),
            "Căn cứ các điều 41 và 43 " + CRIMINAL_PROCEDURE,
            "Căn cứ Quyết định phân công Kiểm sát viên thực hành quyền công tố, kiểm sát điều tra vụ án hình sự "
            "số {{ assignment_no }} ngày {{ assignment_date|short_date }}",
            "Xét đề nghị của {{ prosecutor_title }} {{ prosecutor }}",
        ),
        article1="Phân công {{ inspector_address }} {{ inspector }}, {{ inspector_title }}, giúp "
                 "{{ prosecutor_title }} {{ prosecutor }} nghiên cứu hồ sơ, lập hồ sơ kiểm sát " + CRIMINAL_CASE +
                 ", " + OPENED + ".",
        article2="{{ inspector_title }} {{ inspector }} có nhiệm vụ, quyền hạn theo quy định tại Điều "
                 "{{ duty_article }} " + CRIMINAL_PROCEDURE + ", thực hiện nhiệm vụ theo sự phân công của "
                 "{{ prosecutor_title }} {{ prosecutor }}.",
        people=("inspector", "prosecutor"),
        assignee="inspector",
        duties=INSPECTOR_DUTIES,
        summary="Phân công KTV nghiên cứu hồ sơ, lập hồ sơ kiểm sát vụ án {{ offence }}"
                "{% if opening_no %} (QĐ khởi tố số {{ opening_no }}){% endif %}",
        writeback=("inspector_decision_no", "inspector_decision_date"),
        past_stage=case_closed,
        on_request=True,
    ),
    DecisionType(
        key="thi-hanh-an",
        title="Phân công Kiểm sát viên kiểm sát việc thi hành án hình sự",
        sheet="thi_hanh_an",
        template="phan_cong_thi_hanh_an.docx",
        slug="PC-KSV-thi-hanh-an",
        bases=(
            _law("25"),
            "Căn cứ Điều 167 " + ENFORCEMENT_LAW,
            "Xét Bản án số {{ judgment_no }} ngày {{ judgment_date|short_date }}{% if court %} của {{ court }}"
            "{% endif %}, có hiệu lực pháp luật từ ngày {{ effective_date|short_date }}"
            "{% if enforcement_decision_date %}, và Quyết định thi hành án hình sự{% if enforcement_decision_no %} "
            "số {{ enforcement_decision_no }}{% endif %} ngày {{ enforcement_decision_date|short_date }}{% endif %}",
        ),
        article1="Phân công {{ prosecutor_address }} {{ prosecutor }}, {{ prosecutor_title }}, kiểm sát việc thi "
                 "hành án hình sự đối với người phải thi hành án {{ person }}{% if penalty %}, bị xử phạt "
                 "{{ penalty }}{% endif %} theo Bản án số {{ judgment_no }} ngày {{ judgment_date|short_date }}"
                 "{% if court %} của {{ court }}{% endif %}.",
        article2="{{ prosecutor_title }} {{ prosecutor }} có nhiệm vụ, quyền hạn kiểm sát việc tuân theo pháp luật "
                 "trong thi hành án hình sự theo quy định tại Điều 25 Luật Tổ chức Viện kiểm sát nhân dân và "
                 "Điều 167 " + ENFORCEMENT_LAW + ".",
        agencies=(AGENCY_COURT,),
        summary="Phân công KSV kiểm sát thi hành án đối với {{ person }} (bản án {{ judgment_no }})",
    ),
    # ---- extensions and changes (issued on request, never a sheet's default)
    DecisionType(
        key="gia-han-tin-bao",
        title="Gia hạn thời hạn giải quyết tố giác, tin báo về tội phạm, kiến nghị khởi tố",
        sheet="tin_bao",
        template="gia_han_tin_bao.docx",
        slug="GH-tin-bao",
        bases=(
            _law(),
            "Căn cứ các điều 41 và 147 " + CRIMINAL_PROCEDURE,
            "Xét {% if source %}{{ source|lower }}{% else %}nguồn tin về tội phạm{% endif %} số {{ receipt_no }} "
            "tiếp nhận ngày {{ receipt_date|short_date }}{% if investigating_body %} và đề nghị gia hạn của "
            "{{ investigating_body }}{% endif %}",
        ),
        article1="Gia hạn thời hạn giải quyết nguồn tin về tội phạm số {{ receipt_no }} tiếp nhận ngày "
                 "{{ receipt_date|short_date }}: {{ summary }}, đến hết ngày {{ extended_until|short_date }}.",
        article2="{% if investigating_body %}{{ investigating_body }}{% else %}Cơ quan giải quyết nguồn tin"
                 "{% endif %} có trách nhiệm kiểm tra, xác minh và ra một trong các quyết định quy định tại khoản 1 "
                 "Điều 147 " + CRIMINAL_PROCEDURE + " trong thời hạn được gia hạn; {{ prosecutor_title }} "
                 "{{ prosecutor }} kiểm sát việc giải quyết nguồn tin.",
        assignee=None,
        agencies=(AGENCY_BODY,),
        summary="Gia hạn giải quyết nguồn tin số {{ receipt_no }} đến {{ extended_until|short_date }}",
        writeback=("extension_no", "extension_date"),
        copies=(("extended_to", "extended_until"),),
        past_stage=tip_resolved,
        extension=True,
        on_request=True,
    ),
    DecisionType(
        key="gia-han-dieu-tra",
        title="Gia hạn thời hạn điều tra vụ án hình sự",
        sheet="an_hinh_su",
        template="gia_han_dieu_tra.docx",
        slug="GH-dieu-tra",
        bases=(
            _law(),
            "Căn cứ các điều 41 và 172 " + CRIMINAL_PROCEDURE,
            OPENING_BASIS,
            "Xét văn bản đề nghị gia hạn thời hạn điều tra{% if investigating_body %} của "
            "{{ investigating_body }}{% endif %}",
        ),
        article1="Gia hạn thời hạn điều tra " + CRIMINAL_CASE + ", " + OPENED + ", đến hết ngày "
                 "{{ extended_until|short_date }}.",
        article2="{% if investigating_body %}{{ investigating_body }}{% else %}Cơ quan điều tra{% endif %} có "
                 "trách nhiệm kết thúc điều tra trong thời hạn được gia hạn; {{ prosecutor_title }} "
                 "{{ prosecutor }} thực hành quyền công tố, kiểm sát điều tra vụ án.",
        assignee=None,
        agencies=(AGENCY_BODY,),
        summary="Gia hạn điều tra vụ án {{ offence }} đến {{ extended_until|short_date }}",
        writeback=("investigation_extension_no", "investigation_extension_date"),
        copies=(("investigation_extended_to", "extended_until"),),
        counter="investigation_extensions",
        past_stage=investigation_over,
        repeatable=True,  # Đ.172 k2: up to two or three extensions by category
        repeat_guard=extension_not_later("investigation_extended_to"),
        extension=True,
        on_request=True,
    ),
    DecisionType(
        key="gia-han-tam-giam",
        title="Gia hạn thời hạn tạm giam",
        sheet="bi_can",
        template="gia_han_tam_giam.docx",
        slug="GH-tam-giam",
        bases=(
            _law(),
            "Căn cứ các điều 41, 119 và 173 " + CRIMINAL_PROCEDURE,
            OPENING_BASIS,
            "Xét văn bản đề nghị gia hạn thời hạn tạm giam{% if investigating_body %} của "
            "{{ investigating_body }}{% endif %}",
        ),
        article1="Gia hạn thời hạn tạm giam để điều tra đối với bị can {{ name }}{% if birth_year %}, sinh năm "
                 "{{ birth_year }}{% endif %}, bị tạm giam từ ngày {{ detention_start|short_date }}, trong "
                 + CRIMINAL_CASE + ", " + OPENED + ", đến hết ngày {{ extended_until|short_date }}.",
        article2="{% if investigating_body %}{{ investigating_body }}{% else %}Cơ quan điều tra{% endif %} và cơ sở "
                 "giam giữ thi hành Quyết định này; {{ prosecutor_title }} {{ prosecutor }} kiểm sát việc tạm "
                 "giam theo quy định của pháp luật.",
        assignee=None,
        agencies=(AGENCY_BODY, Recipient("Bị can {{ name }}"), Recipient("Cơ sở giam giữ")),
        summary="Gia hạn tạm giam bị can {{ name }} đến {{ extended_until|short_date }}",
        writeback=("detention_extension_no", "detention_extension_date"),
        copies=(("detention_extended_to", "extended_until"),),
        counter="detention_extensions",
        past_stage=detention_over,
        repeatable=True,  # Đ.173 k2: one or two extensions by category
        repeat_guard=extension_not_later("detention_extended_to"),
        extension=True,
        on_request=True,
        joins=(("an_hinh_su", "case_id"),),
    ),
    DecisionType(
        key="gia-han-truy-to",
        title="Gia hạn thời hạn quyết định việc truy tố",
        sheet="an_hinh_su",
        template="gia_han_truy_to.docx",
        slug="GH-truy-to",
        bases=(
            _law(),
            "Căn cứ các điều 41 và 240 " + CRIMINAL_PROCEDURE,
            OPENING_BASIS,
            "Xét hồ sơ vụ án và bản kết luận điều tra Viện kiểm sát nhận ngày {{ file_received|short_date }}",
        ),
        article1="Gia hạn thời hạn quyết định việc truy tố " + CRIMINAL_CASE + ", " + OPENED + ", đến hết ngày "
                 "{{ extended_until|short_date }}.",
        article2="{{ prosecutor_title }} {{ prosecutor }} có trách nhiệm đề xuất việc truy tố trong thời hạn được "
                 "gia hạn.",
        assignee=None,
        agencies=(AGENCY_BODY,),
        summary="Gia hạn thời hạn quyết định truy tố vụ án {{ offence }} đến {{ extended_until|short_date }}",
        writeback=("prosecution_extension_no", "prosecution_extension_date"),
        copies=(("prosecution_extended_to", "extended_until"),),
        past_stage=prosecution_decided,
        extension=True,
        on_request=True,
    ),
    DecisionType(
        key="thay-doi-ksv",
        title="Thay đổi Kiểm sát viên thực hành quyền công tố, kiểm sát điều tra vụ án hình sự",
        sheet="an_hinh_su",
        template="thay_doi_kiem_sat_vien.docx",
        slug="TD-KSV",
        bases=(
            _law(),
            "Căn cứ các điều 41, 42 và 52 " + CRIMINAL_PROCEDURE,
            OPENING_BASIS,
            "Căn cứ Quyết định phân công Kiểm sát viên số {{ assignment_no }} ngày {{ assignment_date|short_date }}",
        ),
        article1="Thay đổi {{ prosecutor_address }} {{ prosecutor }}, {{ prosecutor_title }}, và phân công "
                 "{{ replacement_prosecutor_address }} {{ replacement_prosecutor }}, "
                 "{{ replacement_prosecutor_title }}, thực hành quyền công tố, kiểm sát điều tra " + CRIMINAL_CASE +
                 ", " + OPENED + ".",
        article2="{{ replacement_prosecutor_title }} {{ replacement_prosecutor }} có nhiệm vụ, quyền hạn theo quy "
                 "định tại Điều {{ duty_article }} " + CRIMINAL_PROCEDURE + "; {{ prosecutor_title }} "
                 "{{ prosecutor }} bàn giao hồ sơ kiểm sát cho {{ replacement_prosecutor_title }} "
                 "{{ replacement_prosecutor }}.",
        people=("replacement_prosecutor", "prosecutor"),
        assignee="replacement_prosecutor",
        agencies=(AGENCY_BODY,),
        summary="Thay đổi KSV {{ prosecutor }} bằng KSV {{ replacement_prosecutor }}, vụ án {{ offence }}",
        writeback=("replacement_decision_no", "replacement_decision_date"),
        copies=(("prosecutor", "replacement_prosecutor"),),
        past_stage=case_closed,
        repeatable=True,
        repeat_guard=same_prosecutor,
        on_request=True,
    ),
)
DECISION_TYPES_BY_KEY: dict[str, DecisionType] = {t.key: t for t in DECISION_TYPES}


def template_path(dtype: DecisionType, folder: Path | None = None) -> Path:
    """The template for `dtype`: in `folder` when the unit keeps its own edited copy, else ours."""
    return decision_template(dtype.template, folder)
