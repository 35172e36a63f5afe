"""The assignment decisions kiemsat issues by mail-merge: each kind is defined once, here.

This table drives the .docx templates (workbook_templates/decisions.py builds them from it),
the CLI choices (`kiemsat decide --type`), `kiemsat templates check`, the register entries and
the write-back to the case row. Texts are Jinja for docxtpl: `{{ field }}` takes a column of the
row's sheet (schema keys), a setting of Cấu hình, or one of DECISION_FIELDS. A field used only
inside `{% if field %}...{% endif %}` may be empty; any other field the row leaves empty stops the
batch before anything is written.

Article numbers are data a unit may need to change after the 2025 amendments: check each
against the statute text in force before relying on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from macros_py.ledger.schema import SETTINGS, SHEETS_BY_KEY, Kind, SheetSpec
from macros_py.resources import decision_template

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
}
TITLE_SUFFIX = "_title"  # `prosecutor_title`: the Cán bộ title of the person in column `prosecutor`
DATE_FILTERS: dict[str, str] = {
    "long_date": "ngày 05 tháng 8 năm 2024",
    "short_date": "05/08/2024",
}

LAW_ON_PROCURACY = "Căn cứ Luật Tổ chức Viện kiểm sát nhân dân"
DUTY_CLAUSE = "Văn phòng và ông (bà) có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này"
CRIMINAL_CASE = ("vụ án hình sự “{{ offence }}”{% if article %} quy định tại {{ article }} "
                 "Bộ luật Hình sự{% endif %}, mã vụ án {{ case_id }}")
COURT_ACCEPTANCE = ("Xét Thông báo thụ lý vụ án{% if acceptance_no %} số {{ acceptance_no }}{% endif %} "
                    "ngày {{ acceptance_date|short_date }}{% if court %} của {{ court }}{% endif %}")

CIVIL_KINDS = ("Dân sự", "Hôn nhân và gia đình", "Kinh doanh, thương mại", "Lao động")
ADMINISTRATIVE_KINDS = ("Hành chính",)


@dataclass(frozen=True)
class Recipient:
    text: str  # Jinja, without the leading "- " and the ending punctuation
    when: str | None = None  # a field: the line appears only when the row has it


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
    recipients: tuple[Recipient, ...] = ()
    article3: str = DUTY_CLAUSE
    # only rows whose `only_when[0]` column holds one of `only_when[1]` (e.g. civil case kinds)
    only_when: tuple[str, tuple[str, ...]] | None = None
    # the case-row columns that receive the decision number and date
    writeback: tuple[str, str] = ("decision_no", "decision_date")

    @property
    def spec(self) -> SheetSpec:
        return SHEETS_BY_KEY[self.sheet]

    def provided_fields(self) -> frozenset[str]:
        """Every field a template of this type may use."""
        spec = self.spec
        staff = {c.key + TITLE_SUFFIX for c in spec.columns if c.kind is Kind.STAFF}
        return frozenset(spec.keys) | staff | {s.key for s in SETTINGS} | set(DECISION_FIELDS)


def _recipients(*extra: Recipient) -> tuple[Recipient, ...]:
    return (Recipient("Như Điều 3"), *extra, Recipient("Lãnh đạo Viện"), Recipient("Lưu: VT, HSKS"))


DECISION_TYPES: tuple[DecisionType, ...] = (
    DecisionType(
        key="tin-bao",
        title="Phân công Kiểm sát viên thực hành quyền công tố, kiểm sát việc giải quyết nguồn tin về tội phạm",
        sheet="tin_bao",
        template="phan_cong_tin_bao.docx",
        slug="PC-KSV-tin-bao",
        bases=(
            LAW_ON_PROCURACY,
            "Căn cứ các điều 41, 42, 145, 147 và 159 Bộ luật Tố tụng hình sự",
            "Xét tố giác, tin báo về tội phạm, kiến nghị khởi tố số {{ receipt_no }} "
            "tiếp nhận ngày {{ receipt_date|short_date }}",
        ),
        article1="Phân công ông (bà) {{ prosecutor }}, {{ prosecutor_title }}, thực hành quyền công tố, "
                 "kiểm sát việc tiếp nhận, giải quyết nguồn tin về tội phạm số {{ receipt_no }}: {{ summary }}"
                 "{% if investigating_body %}; do {{ investigating_body }} thụ lý, giải quyết{% endif %}.",
        article2="Kiểm sát viên được phân công tại Điều 1 có nhiệm vụ, quyền hạn theo quy định tại Điều 42 "
                 "và Điều 159 Bộ luật Tố tụng hình sự; chịu trách nhiệm trước Viện trưởng về việc thực hiện "
                 "nhiệm vụ được giao.",
        recipients=_recipients(Recipient("{{ investigating_body }}", when="investigating_body")),
        summary="Phân công KSV giải quyết nguồn tin số {{ receipt_no }}",
    ),
    DecisionType(
        key="hinh-su",
        title="Phân công Kiểm sát viên thực hành quyền công tố, kiểm sát điều tra vụ án hình sự",
        sheet="an_hinh_su",
        template="phan_cong_hinh_su.docx",
        slug="PC-KSV-hinh-su",
        bases=(
            LAW_ON_PROCURACY,
            "Căn cứ các điều 41, 42, 165 và 166 Bộ luật Tố tụng hình sự",
            "Xét Quyết định khởi tố vụ án hình sự{% if opening_no %} số {{ opening_no }}{% endif %} ngày "
            "{{ opening_date|short_date }}{% if investigating_body %} của {{ investigating_body }}{% endif %}",
        ),
        article1="Phân công ông (bà) {{ prosecutor }}, {{ prosecutor_title }}, thực hành quyền công tố, "
                 "kiểm sát điều tra " + CRIMINAL_CASE +
                 "{% if investigating_body %}, do {{ investigating_body }} thụ lý điều tra{% endif %}.",
        article2="Kiểm sát viên được phân công tại Điều 1 có nhiệm vụ, quyền hạn theo quy định tại Điều 42 "
                 "Bộ luật Tố tụng hình sự{% if inspector %}; ông (bà) {{ inspector }}, {{ inspector_title }}, "
                 "giúp Kiểm sát viên nghiên cứu hồ sơ, lập hồ sơ kiểm sát{% endif %}.",
        recipients=_recipients(Recipient("{{ investigating_body }}", when="investigating_body")),
        summary="Phân công KSV thực hành quyền công tố, kiểm sát điều tra vụ án {{ offence }} ({{ case_id }})",
    ),
    DecisionType(
        key="dan-su",
        title="Phân công Kiểm sát viên kiểm sát việc giải quyết vụ việc dân sự",
        sheet="an_dan_su",
        template="phan_cong_dan_su.docx",
        slug="PC-KSV-dan-su",
        only_when=("case_type", CIVIL_KINDS),
        bases=(
            LAW_ON_PROCURACY,
            "Căn cứ các điều 21, 57 và 58 Bộ luật Tố tụng dân sự",
            COURT_ACCEPTANCE,
        ),
        article1="Phân công ông (bà) {{ prosecutor }}, {{ prosecutor_title }}, kiểm sát việc giải quyết vụ việc "
                 "{{ case_type|lower }} “{{ dispute }}” giữa nguyên đơn {{ plaintiff }} và bị đơn "
                 "{{ defendant }}{% if court %}, do {{ court }} thụ lý{% endif %}, mã vụ việc {{ case_id }}; "
                 "tham gia phiên tòa, phiên họp theo quy định của pháp luật.",
        article2="Kiểm sát viên được phân công tại Điều 1 có nhiệm vụ, quyền hạn theo quy định tại Điều 58 "
                 "Bộ luật Tố tụng dân sự.",
        recipients=_recipients(Recipient("{{ court }}", when="court")),
        summary="Phân công KSV kiểm sát vụ việc {{ case_type|lower }} {{ case_id }}",
    ),
    DecisionType(
        key="hanh-chinh",
        title="Phân công Kiểm sát viên kiểm sát việc giải quyết vụ án hành chính",
        sheet="an_dan_su",
        template="phan_cong_hanh_chinh.docx",
        slug="PC-KSV-hanh-chinh",
        only_when=("case_type", ADMINISTRATIVE_KINDS),
        bases=(
            LAW_ON_PROCURACY,
            "Căn cứ các điều 25, 42 và 43 Luật Tố tụng hành chính",
            COURT_ACCEPTANCE,
        ),
        article1="Phân công ông (bà) {{ prosecutor }}, {{ prosecutor_title }}, kiểm sát việc giải quyết vụ án "
                 "hành chính “{{ dispute }}” giữa người khởi kiện {{ plaintiff }} và người bị kiện "
                 "{{ defendant }}{% if court %}, do {{ court }} thụ lý{% endif %}, mã vụ án {{ case_id }}; "
                 "tham gia phiên tòa, phiên họp theo quy định của pháp luật.",
        article2="Kiểm sát viên được phân công tại Điều 1 có nhiệm vụ, quyền hạn theo quy định tại Điều 43 "
                 "Luật Tố tụng hành chính.",
        recipients=_recipients(Recipient("{{ court }}", when="court")),
        summary="Phân công KSV kiểm sát vụ án hành chính {{ case_id }}",
    ),
    DecisionType(
        key="kiem-tra-vien",
        title="Phân công Kiểm tra viên nghiên cứu hồ sơ, lập hồ sơ kiểm sát",
        sheet="an_hinh_su",
        template="phan_cong_kiem_tra_vien.docx",
        slug="PC-KTV-ho-so",
        bases=(
            LAW_ON_PROCURACY,
            "Căn cứ các điều 41 và 43 Bộ luật Tố tụng hình sự",
            "Xét yêu cầu nghiên cứu hồ sơ, lập hồ sơ kiểm sát vụ án hình sự mã {{ case_id }}",
        ),
        article1="Phân công ông (bà) {{ inspector }}, {{ inspector_title }}, nghiên cứu hồ sơ, lập hồ sơ kiểm "
                 "sát " + CRIMINAL_CASE + ".",
        article2="Kiểm tra viên được phân công tại Điều 1 có nhiệm vụ, quyền hạn theo quy định tại Điều 43 "
                 "Bộ luật Tố tụng hình sự{% if prosecutor %}, thực hiện nhiệm vụ theo sự chỉ đạo của "
                 "Kiểm sát viên {{ prosecutor }}{% endif %}.",
        recipients=_recipients(),
        summary="Phân công KTV nghiên cứu hồ sơ, lập hồ sơ kiểm sát vụ án {{ case_id }}",
        writeback=("inspector_decision_no", "inspector_decision_date"),
    ),
    DecisionType(
        key="thi-hanh-an",
        title="Phân công Kiểm sát viên kiểm sát việc thi hành án hình sự",
        sheet="thi_hanh_an",
        template="phan_cong_thi_hanh_an.docx",
        slug="PC-KSV-thi-hanh-an",
        bases=(
            LAW_ON_PROCURACY,
            "Căn cứ Luật Thi hành án hình sự",
            "Xét Bản án số {{ judgment_no }} ngày {{ judgment_date|short_date }}"
            "{% if court %} của {{ court }}{% endif %}",
        ),
        article1="Phân công ông (bà) {{ prosecutor }}, {{ prosecutor_title }}, kiểm sát việc thi hành án hình sự "
                 "đối với người phải thi hành án {{ person }}{% if penalty %} (hình phạt: {{ penalty }}){% endif %} "
                 "theo Bản án số {{ judgment_no }} ngày {{ judgment_date|short_date }}"
                 "{% if court %} của {{ court }}{% endif %}.",
        article2="Kiểm sát viên được phân công tại Điều 1 có nhiệm vụ kiểm sát việc tuân theo pháp luật trong "
                 "thi hành án hình sự theo quy định của Luật Thi hành án hình sự và Luật Tổ chức Viện kiểm sát "
                 "nhân dân.",
        recipients=_recipients(Recipient("{{ court }}", when="court")),
        summary="Phân công KSV kiểm sát thi hành án đối với {{ person }} (bản án {{ judgment_no }})",
    ),
)
DECISION_TYPES_BY_KEY: dict[str, DecisionType] = {t.key: t for t in DECISION_TYPES}


def template_path(dtype: DecisionType, folder: Path | None = None) -> Path:
    """The template for `dtype`: in `folder` when the unit keeps its own edited copy, else ours."""
    return decision_template(dtype.template, folder)
