"""The ledger schema: the one place that says which sheets and columns a ledger has.

Everything else derives from it: the template builder (headers, widths, formats, dropdowns),
the reader (header synonyms, types, required columns), validation, the merge context and
the statistics. Keys are English identifiers; labels, synonyms and choices are what clerks see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import Enum


class Kind(str, Enum):
    """How a cell is read and validated."""

    TEXT = "text"
    DATE = "date"
    INT = "int"
    CHOICE = "choice"
    BOOL = "bool"
    STAFF = "staff"  # a name that must be in the Cán bộ sheet
    EMAIL = "email"
    TIME = "time"
    DATE_LIST = "date_list"  # dates separated by ";" or "," (settings only)


@dataclass(frozen=True)
class Choices:
    """A closed list of values, each with the spellings clerks use for it."""

    name: str  # defined name of the dropdown list in the template (ASCII)
    label: str
    values: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def canonical(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.values)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    synonyms: tuple[str, ...] = ()
    width: float = 14
    choices: Choices | None = None
    unique: bool = False
    # another column of the same sheet this date may not precede
    not_before: str | None = None
    # (sheet key, column key) this value must exist in, e.g. a defendant's case
    references: tuple[str, str] | None = None
    # filled by kiemsat (deadlines), not typed by clerks
    computed: bool = False
    hint: str = ""
    # a CHOICE column whose value selects a limit (deadlines, statistics): a value outside the list is
    # an error; in any other CHOICE column it is a warning and the value is kept as typed
    strict: bool = False
    # a CHOICE column whose list only suggests: any text is accepted without a note
    open_list: bool = False


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str  # the sheet name in our template
    heading: str  # the printed title above the header row
    table: str  # Excel Table name (ASCII)
    columns: tuple[Column, ...]
    synonyms: tuple[str, ...] = ()
    id_column: str = ""  # the column that names a row in messages (case number, receipt number)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.key}.{key}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def has_deadlines(self) -> bool:
        return any(c.computed for c in self.columns)


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    kind: Kind
    default: object
    synonyms: tuple[str, ...] = ()
    hint: str = ""


# ---------------------------------------------------------------- choice lists

DATE_FORMAT = "dd/mm/yyyy"  # how every date cell kiemsat writes is shown

CATEGORY = Choices(
    "DM_LoaiToiPham",
    "Loại tội phạm",
    (
        ("Ít nghiêm trọng", ("ít NT", "INT", "it nghiem trong")),
        ("Nghiêm trọng", ("NT",)),
        ("Rất nghiêm trọng", ("rất NT", "RNT")),
        ("Đặc biệt nghiêm trọng", ("đặc biệt NT", "ĐBNT")),
    ),
)

TIP_SOURCE = Choices(
    "DM_NguonTin",
    "Nguồn tin",
    (
        ("Tố giác", ("tố giác tội phạm",)),
        ("Tin báo", ("tin báo tội phạm",)),
        ("Kiến nghị khởi tố", ("kiến nghị", "KNKT")),
    ),
)

TIP_OUTCOME = Choices(
    "DM_KetQuaTinBao",
    "Kết quả giải quyết tin báo",
    (
        ("Khởi tố vụ án", ("khởi tố", "KT", "QĐ khởi tố")),
        ("Không khởi tố vụ án", ("không khởi tố", "KKT", "QĐ không khởi tố")),
        ("Tạm đình chỉ", ("tạm đình chỉ giải quyết", "TĐC")),
        ("Chuyển cơ quan có thẩm quyền", ("chuyển", "chuyển thẩm quyền", "chuyển nguồn tin")),
    ),
)

CRIMINAL_STAGE = Choices(
    "DM_GiaiDoanHinhSu",
    "Giai đoạn vụ án hình sự",
    (
        ("Điều tra", ("đang điều tra",)),
        ("Điều tra bổ sung", ("trả hồ sơ điều tra bổ sung", "ĐTBS")),
        ("Phục hồi điều tra", ()),
        ("Truy tố", ("đang truy tố",)),
        ("Xét xử sơ thẩm", ("sơ thẩm", "xét xử")),
        ("Xét xử phúc thẩm", ("phúc thẩm",)),
        ("Tạm đình chỉ", ("tạm đình chỉ điều tra", "TĐC")),
        ("Đình chỉ", ("đình chỉ điều tra", "đình chỉ vụ án")),
        ("Đã xét xử", ("kết thúc", "xong")),
    ),
)

CIVIL_TYPE = Choices(
    "DM_LoaiVuViec",
    "Loại vụ việc",
    (
        ("Dân sự", ("DS",)),
        ("Hôn nhân và gia đình", ("HNGĐ", "hôn nhân gia đình", "hôn nhân")),
        ("Kinh doanh, thương mại", ("KDTM", "kinh doanh thương mại", "kinh doanh")),
        ("Lao động", ("LĐ",)),
        ("Hành chính", ("HC",)),
    ),
)

CIVIL_STAGE = Choices(
    "DM_GiaiDoanDanSu",
    "Giai đoạn vụ việc",
    (
        ("Chuẩn bị xét xử", ("thụ lý", "đang giải quyết")),
        ("Xét xử sơ thẩm", ("sơ thẩm",)),
        ("Xét xử phúc thẩm", ("phúc thẩm",)),
        ("Tạm đình chỉ", ("TĐC",)),
        ("Đình chỉ", ()),
        ("Đã xét xử", ("kết thúc", "xong")),
    ),
)

MEASURE = Choices(
    "DM_BienPhap",
    "Biện pháp ngăn chặn",
    (
        ("Tạm giữ", ()),
        ("Tạm giam", ()),
        ("Cấm đi khỏi nơi cư trú", ("cấm đi khỏi nơi cư trú", "CĐKNCT")),
        ("Bảo lĩnh", ()),
        ("Đặt tiền để bảo đảm", ("đặt tiền",)),
        ("Tạm hoãn xuất cảnh", ()),
        ("Không áp dụng", ("không", "tại ngoại")),
    ),
)

SUSPENDED_KIND = Choices(
    "DM_LoaiTamDinhChi",
    "Loại tạm đình chỉ",
    (
        ("Tin báo", ("tin báo tội phạm", "nguồn tin")),
        ("Vụ án hình sự", ("hình sự", "vụ án")),
        ("Vụ việc dân sự", ("dân sự",)),
        ("Vụ án hành chính", ("hành chính",)),
    ),
)

APPEAL_LEVEL = Choices(
    "DM_CapPhucTham",
    "Cấp xét xử phúc thẩm",
    (
        ("Tòa án nhân dân cấp tỉnh", ("cấp tỉnh", "TAND cấp tỉnh", "tòa án cấp tỉnh", "Tòa án quân sự cấp quân khu")),
        ("Tòa án nhân dân cấp cao", ("cấp cao", "TAND cấp cao", "Tòa án quân sự trung ương")),
    ),
)

PROCEDURE = Choices(
    "DM_ThuTuc",
    "Thủ tục",
    (
        ("Thông thường", ("thủ tục chung", "chung", "bình thường")),
        ("Rút gọn", ("thủ tục rút gọn", "TTRG")),
    ),
)

RETURNED_BY = Choices(
    "DM_TraHoSo",
    "Cơ quan trả hồ sơ điều tra bổ sung",
    (
        ("Viện kiểm sát", ("VKS", "viện kiểm sát trả")),
        ("Tòa án", ("toà án", "tòa", "TA", "tòa án trả")),
    ),
)

COURT_DECISION_KIND = Choices(
    "DM_LoaiBanAn",
    "Loại quyết định của Tòa",
    (
        ("Bản án", ("bản án sơ thẩm", "BA")),
        ("Quyết định", ("quyết định sơ thẩm", "quyết định tạm đình chỉ", "quyết định đình chỉ", "QĐ")),
    ),
)

LIMITATION_CASE = Choices(
    "DM_ThoiHieuKhoiKien",
    "Thời hiệu khởi kiện (vụ án hành chính)",
    (
        ("Điểm a khoản 2 Điều 116", ("điểm a", "01 năm", "1 năm")),
        ("Điểm b khoản 2 Điều 116", ("điểm b", "30 ngày")),
    ),
)

STAFF_TITLE = Choices(
    "DM_ChucVu",
    "Chức vụ",
    (
        ("Viện trưởng", ("VT",)),
        ("Phó Viện trưởng", ("PVT", "phó viện trưởng")),
        ("Kiểm sát viên", ("KSV", "kiểm sát viên sơ cấp", "kiểm sát viên trung cấp", "kiểm sát viên cao cấp")),
        ("Kiểm tra viên", ("KTV",)),
        ("Chuyên viên", ("CV",)),
        ("Thư ký", ()),
        ("Kế toán", ()),
    ),
)

FORM_OF_ADDRESS = Choices(
    "DM_DanhXung",
    "Danh xưng",
    (
        ("Ông", ("nam", "ong")),
        ("Bà", ("nữ", "nu", "ba")),
    ),
)

ALL_CHOICES = (
    CATEGORY, TIP_SOURCE, TIP_OUTCOME, CRIMINAL_STAGE, CIVIL_TYPE, CIVIL_STAGE,
    MEASURE, SUSPENDED_KIND, STAFF_TITLE, PROCEDURE, RETURNED_BY, COURT_DECISION_KIND, LIMITATION_CASE,
    FORM_OF_ADDRESS, APPEAL_LEVEL,
)

# ---------------------------------------------------------------- shared columns
# Columns several sheets share are built by these helpers so that their labels
# and synonyms stay identical everywhere.


def _prosecutor() -> Column:
    return Column("prosecutor", "Kiểm sát viên", Kind.STAFF, synonyms=(
        "KSV", "KSV được phân công", "KSV thụ lý", "kiểm sát viên được phân công", "KSV giải quyết",
        "KSV thụ lý giải quyết"), width=20)


def _leader() -> Column:
    return Column("leader", "Phó Viện trưởng phụ trách", Kind.STAFF, synonyms=(
        "PVT", "PVT phụ trách", "lãnh đạo phụ trách", "lãnh đạo", "phó viện trưởng",
        "lãnh đạo viện phụ trách"), width=20)


def _digitised() -> tuple[Column, Column]:
    return (
        Column("digitised", "Đã số hóa", Kind.BOOL, synonyms=(
            "số hóa", "số hoá", "đã số hoá", "số hóa hồ sơ", "đã số hóa hồ sơ"), width=10,
            hint="Có / Không"),
        Column("digitised_folder", "Thư mục số hóa", synonyms=(
            "thư mục số hoá", "đường dẫn số hóa", "nơi lưu bản số hóa", "thư mục"), width=24),
    )


def _deadline_columns() -> tuple[Column, ...]:
    return (
        Column("next_deadline", "Hạn tiếp theo", Kind.DATE, computed=True, synonyms=(
            "thời hạn tiếp theo", "hạn gần nhất", "hết hạn"), width=13),
        Column("days_left", "Còn lại (ngày)", Kind.INT, computed=True, synonyms=(
            "số ngày còn lại", "còn lại", "ngày còn lại"), width=10),
        Column("deadline_basis", "Căn cứ thời hạn", computed=True, synonyms=(
            "căn cứ", "loại thời hạn"), width=30),
    )


def _decision_kind(hint: str) -> Column:
    """Whether the court's ruling is a judgment or a decision: their protest periods differ."""
    return Column("decision_kind", "Loại quyết định của Tòa", Kind.CHOICE, choices=COURT_DECISION_KIND, synonyms=(
        "loại bản án", "bản án hay quyết định"), width=14, hint=hint)


def _note() -> Column:
    return Column("note", "Ghi chú", synonyms=("ghi chu", "chú thích"), width=24)


def _assignment_decision(prefix: str = "", who: str = "") -> tuple[Column, Column]:
    """Where kiemsat writes back the number and date of the assignment decision it issued."""
    suffix = f" {who}" if who else ""
    return (
        Column(f"{prefix}decision_no", f"Số QĐ phân công{suffix}", synonyms=(
            f"số quyết định phân công{suffix}", f"QĐ phân công{suffix} số"), width=14),
        Column(f"{prefix}decision_date", f"Ngày QĐ phân công{suffix}", Kind.DATE, synonyms=(
            f"ngày quyết định phân công{suffix}", f"QĐ phân công{suffix} ngày"), width=13),
    )


_CASE_ID_SYNONYMS = ("mã vụ án", "mã hồ sơ", "số vụ án", "số hồ sơ", "mã số vụ án", "mã")

# ---------------------------------------------------------------- the sheets

TIP_OFFS = SheetSpec(
    key="tin_bao",
    title="Tin báo",
    heading="SỔ THỤ LÝ, GIẢI QUYẾT TỐ GIÁC, TIN BÁO VỀ TỘI PHẠM VÀ KIẾN NGHỊ KHỞI TỐ",
    table="TinBao",
    synonyms=("tin bao", "tố giác tin báo", "sổ tin báo", "tin báo tội phạm", "TB", "sổ thụ lý tin báo"),
    id_column="receipt_no",
    columns=(
        Column("receipt_no", "Số thụ lý", required=True, unique=True, synonyms=(
            "số TB", "số tin báo", "số thụ lý tin báo", "số vào sổ", "số thứ tự thụ lý", "số TL"), width=12),
        Column("receipt_date", "Ngày tiếp nhận", Kind.DATE, required=True, synonyms=(
            "ngày nhận", "ngày thụ lý", "ngày tiếp nhận tin báo", "ngày VKS nhận", "ngày nhận tin"),
            width=13),
        Column("source", "Nguồn tin", Kind.CHOICE, choices=TIP_SOURCE, synonyms=(
            "loại tin", "phân loại", "nguồn", "loại nguồn tin"), width=16, open_list=True),
        Column("summary", "Nội dung", synonyms=(
            "tóm tắt nội dung", "nội dung tin báo", "nội dung vụ việc", "tóm tắt"), width=40),
        Column("reporter", "Người tố giác, cơ quan báo tin", synonyms=(
            "người tố giác", "người báo tin", "cơ quan báo tin", "người, cơ quan báo tin"), width=22),
        Column("investigating_body", "Cơ quan giải quyết", synonyms=(
            "cơ quan điều tra", "CQĐT", "cơ quan thụ lý", "cơ quan giải quyết tin báo"), width=20),
        Column("offence", "Tội danh", synonyms=("tội", "dấu hiệu tội"), width=22),
        Column("article", "Điều luật", synonyms=("điều", "điều khoản", "điều BLHS"), width=10),
        Column("category", "Loại tội phạm", Kind.CHOICE, choices=CATEGORY, synonyms=(
            "phân loại tội phạm", "mức độ", "tính chất", "loại tội"), width=18, strict=True),
        _prosecutor(),
        _leader(),
        *_assignment_decision(),
        Column("extension_date", "Ngày QĐ gia hạn", Kind.DATE, not_before="receipt_date", synonyms=(
            "gia hạn ngày QĐ", "gia hạn ngày quyết định", "ngày quyết định gia hạn",
            "gia hạn ngày", "ngày gia hạn"), width=13),
        Column("extended_to", "Gia hạn đến ngày", Kind.DATE, not_before="receipt_date", synonyms=(
            "gia hạn đến", "gia hạn đến ngày", "thời hạn gia hạn đến", "hạn sau gia hạn"), width=13),
        Column("outcome", "Kết quả giải quyết", Kind.CHOICE, choices=TIP_OUTCOME, synonyms=(
            "kết quả", "quyết định giải quyết"), width=22),
        Column("outcome_date", "Ngày giải quyết", Kind.DATE, not_before="receipt_date", synonyms=(
            "ngày kết quả", "ngày ra quyết định", "ngày QĐ giải quyết", "kết quả ngày",
            "ngày quyết định"), width=13),
        *_deadline_columns(),
        _note(),
        Column("extension_no", "Số QĐ gia hạn", synonyms=(
            "số quyết định gia hạn", "QĐ gia hạn số"), width=14),
        # appended for the law in force in 2026 (issue 26)
        Column("extensions", "Số lần gia hạn", Kind.INT, synonyms=("lần gia hạn",), width=10,
               hint="Đã gia hạn mấy lần (BLTTHS Điều 147 khoản 2: kéo dài rồi gia hạn một lần)"),
        Column("suspension_lifted", "Ngày nhận QĐ hủy tạm đình chỉ", Kind.DATE, not_before="receipt_date",
               synonyms=("ngày nhận quyết định hủy tạm đình chỉ",), width=13,
               hint="Ngày cơ quan giải quyết nhận quyết định của VKS hủy quyết định tạm đình chỉ: giải quyết tiếp "
                    "không quá 01 tháng (TTLT 01/2017 Điều 11 khoản 3)"),
        Column("resumed_date", "Ngày QĐ phục hồi giải quyết", Kind.DATE, not_before="receipt_date",
               synonyms=("ngày quyết định phục hồi giải quyết", "ngày phục hồi giải quyết"), width=13,
               hint="Giải quyết tiếp không quá 01 tháng kể từ ngày này (BLTTHS Điều 149 khoản 1)"),
        # appended for the decisions (issue 23): the agency's own document, the extension request
        Column("agency_doc_no", "Số văn bản của cơ quan báo tin", width=14,
               hint="Số công văn, kiến nghị khởi tố của cơ quan gửi tin (không phải số thụ lý của Viện)"),
        Column("agency_doc_date", "Ngày văn bản của cơ quan báo tin", Kind.DATE, width=13),
        Column("extension_request_no", "Số văn bản đề nghị gia hạn", width=14),
        Column("extension_request_date", "Ngày văn bản đề nghị gia hạn", Kind.DATE, width=13),
    ),
)

CRIMINAL_CASES = SheetSpec(
    key="an_hinh_su",
    title="Án hình sự",
    heading="SỔ THỤ LÝ VỤ ÁN HÌNH SỰ",
    table="AnHinhSu",
    synonyms=("an hinh su", "vụ án hình sự", "hình sự", "sổ án hình sự", "AHS", "HS"),
    id_column="case_id",
    columns=(
        Column("case_id", "Mã vụ án", required=True, unique=True, synonyms=_CASE_ID_SYNONYMS, width=14),
        Column("opening_no", "Số QĐ khởi tố", synonyms=(
            "số quyết định khởi tố", "QĐ khởi tố số", "số QĐKT", "khởi tố số", "khởi tố vụ án số"), width=12),
        Column("opening_date", "Ngày khởi tố", Kind.DATE, required=True, synonyms=(
            "ngày QĐ khởi tố", "ngày quyết định khởi tố", "khởi tố ngày", "khởi tố vụ án ngày",
            "ngày khởi tố vụ án"), width=13),
        Column("investigating_body", "Cơ quan điều tra", synonyms=(
            "CQĐT", "cơ quan thụ lý", "cơ quan tiến hành tố tụng", "CQ điều tra"), width=20),
        Column("offence", "Tội danh", required=True, synonyms=("tội", "tên tội"), width=22),
        Column("article", "Điều luật", synonyms=("điều", "điều khoản", "điều BLHS"), width=10),
        Column("category", "Loại tội phạm", Kind.CHOICE, required=True, choices=CATEGORY, synonyms=(
            "phân loại tội phạm", "mức độ", "tính chất", "loại tội"), width=18, strict=True),
        Column("stage", "Giai đoạn", Kind.CHOICE, choices=CRIMINAL_STAGE, synonyms=(
            "giai đoạn tố tụng", "tình trạng", "trạng thái"), width=16, strict=True),
        Column("investigation_extended_to", "Gia hạn điều tra đến", Kind.DATE, not_before="opening_date",
               synonyms=("gia hạn điều tra", "gia hạn ĐT đến", "hạn điều tra sau gia hạn"), width=13),
        Column("resumed_date", "Ngày phục hồi điều tra", Kind.DATE, not_before="opening_date", synonyms=(
            "phục hồi điều tra", "ngày phục hồi", "ngày điều tra bổ sung", "phục hồi, ĐTBS ngày"),
            width=13),
        Column("file_received", "Ngày nhận hồ sơ, KLĐT", Kind.DATE, not_before="opening_date", synonyms=(
            "ngày nhận hồ sơ", "ngày nhận KLĐT", "ngày nhận kết luận điều tra", "nhận hồ sơ ngày",
            "ngày nhận hồ sơ và kết luận điều tra"), width=13),
        Column("prosecution_extended_to", "Gia hạn truy tố đến", Kind.DATE, not_before="opening_date",
               synonyms=("gia hạn truy tố", "gia hạn quyết định truy tố đến"), width=13),
        Column("indictment_date", "Ngày truy tố", Kind.DATE, not_before="opening_date", synonyms=(
            "ngày cáo trạng", "ngày ban hành cáo trạng", "truy tố ngày", "cáo trạng ngày"), width=13),
        Column("court_accepted", "Ngày Tòa thụ lý", Kind.DATE, not_before="opening_date", synonyms=(
            "ngày tòa án thụ lý", "tòa thụ lý ngày", "ngày toà thụ lý", "ngày thụ lý của tòa"), width=13),
        Column("trial_extended_to", "Gia hạn chuẩn bị xét xử đến", Kind.DATE, not_before="opening_date",
               synonyms=("gia hạn chuẩn bị xét xử", "gia hạn CBXX đến"), width=13),
        Column("hearing_date", "Ngày xét xử", Kind.DATE, not_before="opening_date", synonyms=(
            "ngày mở phiên tòa", "ngày phiên tòa", "xét xử ngày"), width=13),
        Column("judgment_no", "Số bản án", synonyms=("bản án số", "số BA"), width=12),
        Column("judgment_date", "Ngày tuyên án", Kind.DATE, not_before="opening_date", synonyms=(
            "ngày bản án", "ngày tuyên bản án", "bản án ngày", "ngày xét xử sơ thẩm"), width=13),
        _prosecutor(),
        Column("inspector", "Kiểm tra viên", Kind.STAFF, synonyms=(
            "KTV", "KTV được phân công", "kiểm tra viên được phân công"), width=20),
        _leader(),
        *_assignment_decision(),
        *_assignment_decision("inspector_", "KTV"),
        *_digitised(),
        *_deadline_columns(),
        _note(),
        # appended for the deadline engine v2 (issue 12)
        Column("procedure", "Thủ tục", Kind.CHOICE, choices=PROCEDURE, synonyms=(
            "thủ tục tố tụng", "áp dụng thủ tục"), width=14,
            hint="Thông thường / Rút gọn (BLTTHS Điều 455-463)"),
        Column("summary_date", "Ngày áp dụng thủ tục rút gọn", Kind.DATE, not_before="opening_date", synonyms=(
            "ngày QĐ áp dụng thủ tục rút gọn", "rút gọn ngày"), width=13,
            hint="Ngày quyết định áp dụng thủ tục rút gọn"),
        Column("returned_by", "Trả hồ sơ ĐTBS", Kind.CHOICE, choices=RETURNED_BY, synonyms=(
            "cơ quan trả hồ sơ", "trả hồ sơ điều tra bổ sung", "ai trả hồ sơ"), width=14,
            hint="Viện kiểm sát trả: 02 tháng; Tòa án trả: 01 tháng (BLTTHS Điều 174 khoản 2)"),
        Column("investigation_extensions", "Số lần gia hạn điều tra", Kind.INT, synonyms=(
            "lần gia hạn điều tra", "gia hạn điều tra lần"), width=10,
            hint="1, 2, 3...: lần gia hạn của ngày ghi ở «Gia hạn điều tra đến»"),
        _decision_kind("Bản án: kháng nghị 15/30 ngày; Quyết định: 07/15 ngày (BLTTHS Điều 337)"),
        Column("judgment_received", "Ngày VKS nhận bản án", Kind.DATE, not_before="opening_date", synonyms=(
            "ngày nhận bản án", "VKS nhận bản án ngày"), width=13,
            hint="Tòa án phải giao bản án trong 10 ngày kể từ ngày tuyên án (BLTTHS Điều 262)"),
        # appended for the decisions (issue 15)
        Column("investigation_extension_no", "Số QĐ gia hạn điều tra", synonyms=(
            "số quyết định gia hạn điều tra", "QĐ gia hạn điều tra số"), width=14),
        Column("investigation_extension_date", "Ngày QĐ gia hạn điều tra", Kind.DATE, not_before="opening_date",
               synonyms=("ngày quyết định gia hạn điều tra",), width=13),
        Column("prosecution_extension_no", "Số QĐ gia hạn truy tố", synonyms=(
            "số quyết định gia hạn truy tố", "QĐ gia hạn truy tố số"), width=14),
        Column("prosecution_extension_date", "Ngày QĐ gia hạn truy tố", Kind.DATE, not_before="opening_date",
               synonyms=("ngày quyết định gia hạn truy tố",), width=13),
        Column("replacement_prosecutor", "KSV thay thế", Kind.STAFF, synonyms=(
            "kiểm sát viên thay thế", "KSV mới", "thay đổi KSV"), width=20,
            hint="Ghi tên KSV mới rồi ra quyết định thay đổi KSV"),
        Column("replacement_decision_no", "Số QĐ thay đổi KSV", synonyms=(
            "số quyết định thay đổi KSV", "QĐ thay đổi KSV số"), width=14),
        Column("replacement_decision_date", "Ngày QĐ thay đổi KSV", Kind.DATE, synonyms=(
            "ngày quyết định thay đổi KSV",), width=13),
        # appended for the law in force in 2026 (issue 26)
        Column("opening_received", "Ngày VKS nhận QĐ khởi tố vụ án", Kind.DATE, not_before="opening_date",
               synonyms=("ngày nhận quyết định khởi tố vụ án",), width=13,
               hint="Lãnh đạo Viện phân công Kiểm sát viên trong 03 ngày kể từ ngày này (ghi «Ngày QĐ phân công»)"),
        Column("file_returned", "Ngày Tòa nhận lại hồ sơ ĐTBS", Kind.DATE, not_before="opening_date",
               synonyms=("ngày nhận lại hồ sơ", "ngày tòa nhận lại hồ sơ"), width=13,
               hint="Hồ sơ Tòa trả để điều tra bổ sung được chuyển lại: 15 ngày để đưa vụ án ra xét xử "
                    "(BLTTHS Điều 277 khoản 2)"),
        Column("absent_received", "Ngày bị cáo vắng mặt nhận bản án", Kind.DATE, not_before="opening_date",
               synonyms=("ngày bị cáo nhận bản án", "ngày niêm yết bản án"), width=13,
               hint="Bị cáo, đương sự vắng mặt khi tuyên án: kháng cáo 15 ngày kể từ ngày nhận hoặc niêm yết "
                    "bản án (BLTTHS Điều 333 khoản 1)"),
        Column("appeal_level", "Cấp xét xử phúc thẩm", Kind.CHOICE, choices=APPEAL_LEVEL, synonyms=(
            "tòa phúc thẩm",), width=16),
        Column("appeal_file_received", "Ngày Tòa phúc thẩm nhận hồ sơ", Kind.DATE, not_before="opening_date",
               synonyms=("ngày tòa phúc thẩm nhận hồ sơ",), width=13),
        Column("appeal_accepted", "Ngày thụ lý phúc thẩm", Kind.DATE, not_before="opening_date",
               synonyms=("ngày tòa phúc thẩm thụ lý", "thụ lý phúc thẩm ngày"), width=13),
        Column("appeal_decision_date", "Ngày QĐ đưa ra xét xử phúc thẩm", Kind.DATE, not_before="opening_date",
               synonyms=("ngày quyết định đưa vụ án ra xét xử phúc thẩm", "ngày QĐ đình chỉ xét xử phúc thẩm"),
               width=13, hint="Quyết định đưa vụ án ra xét xử phúc thẩm hoặc đình chỉ xét xử phúc thẩm"),
        Column("appeal_hearing_date", "Ngày xét xử phúc thẩm", Kind.DATE, not_before="opening_date",
               synonyms=("ngày mở phiên tòa phúc thẩm",), width=13),
        # appended for the decisions (issue 23)
        Column("investigation_request_no", "Số văn bản đề nghị gia hạn điều tra", width=14),
        Column("investigation_request_date", "Ngày văn bản đề nghị gia hạn điều tra", Kind.DATE, width=13),
        Column("replacement_reason", "Lý do thay đổi KSV", width=24,
               hint="Quyết định thay đổi Kiểm sát viên phải nêu lý do"),
        Column("return_decision_no", "Số QĐ trả hồ sơ ĐTBS", width=14),
        Column("return_decision_date", "Ngày QĐ trả hồ sơ ĐTBS", Kind.DATE, width=13),
        Column("return_reasons", "Vấn đề cần điều tra bổ sung", width=30),
        Column("transfer_to", "Cơ quan nhận vụ án chuyển đến", width=22),
        Column("transfer_reason", "Lý do chuyển vụ án", width=24),
        Column("transfer_decision_no", "Số QĐ chuyển vụ án", width=14),
        Column("transfer_decision_date", "Ngày QĐ chuyển vụ án", Kind.DATE, width=13),
    ),
)

DEFENDANTS = SheetSpec(
    key="bi_can",
    title="Bị can",
    heading="SỔ THEO DÕI BỊ CAN VÀ BIỆN PHÁP NGĂN CHẶN",
    table="BiCan",
    synonyms=("bi can", "bị can bị cáo", "biện pháp ngăn chặn", "tạm giữ tạm giam", "BPNC",
              "người bị tạm giữ, tạm giam"),
    id_column="name",
    columns=(
        Column("case_id", "Mã vụ án", required=True, references=("an_hinh_su", "case_id"),
               synonyms=_CASE_ID_SYNONYMS, width=14),
        Column("name", "Họ tên bị can", required=True, synonyms=(
            "họ và tên", "họ tên", "bị can", "họ tên người bị tạm giữ", "bị can, bị cáo"), width=22),
        Column("birth_year", "Năm sinh", Kind.INT, synonyms=("sinh năm",), width=8),
        Column("measure", "Biện pháp ngăn chặn", Kind.CHOICE, choices=MEASURE, synonyms=(
            "biện pháp", "BPNC", "biện pháp áp dụng"), width=18, strict=True),
        Column("custody_start", "Tạm giữ từ ngày", Kind.DATE, synonyms=(
            "ngày tạm giữ", "tạm giữ từ", "tạm giữ ngày", "bắt tạm giữ ngày"), width=13),
        Column("custody_until", "Tạm giữ đến ngày", Kind.DATE, not_before="custody_start", synonyms=(
            "tạm giữ đến", "thời hạn tạm giữ đến"), width=13),
        Column("custody_extended_to", "Gia hạn tạm giữ đến", Kind.DATE, not_before="custody_start",
               synonyms=("gia hạn tạm giữ", "gia hạn TG đến"), width=13),
        Column("detention_start", "Tạm giam từ ngày", Kind.DATE, synonyms=(
            "ngày tạm giam", "tạm giam từ", "tạm giam ngày", "bắt tạm giam ngày"), width=13),
        Column("detention_until", "Tạm giam đến ngày", Kind.DATE, not_before="detention_start", synonyms=(
            "tạm giam đến", "thời hạn tạm giam đến"), width=13),
        Column("detention_extended_to", "Gia hạn tạm giam đến", Kind.DATE, not_before="detention_start",
               synonyms=("gia hạn tạm giam", "gia hạn TGi đến"), width=13),
        Column("released_date", "Ngày trả tự do, thay đổi BPNC", Kind.DATE, synonyms=(
            "ngày trả tự do", "ngày thay đổi biện pháp", "ngày hủy bỏ biện pháp", "trả tự do ngày"),
            width=13),
        *_deadline_columns(),
        _note(),
        # appended for the deadline engine v2 (issue 12)
        Column("custody_time", "Giờ bắt, tạm giữ", Kind.TIME, synonyms=(
            "giờ tạm giữ", "giờ nhận người", "giờ bắt"), width=9,
            hint="Giờ:phút nhận người bị giữ, bị bắt hoặc ra quyết định tạm giữ, ví dụ 10:00; "
                 "tạm giữ tính theo từng 24 giờ từ giờ này (BLTTHS Điều 117, 118)"),
        Column("birth_date", "Ngày sinh", Kind.DATE, synonyms=("sinh ngày",), width=13,
               hint="Để tính bị can dưới 18 tuổi"),
        Column("custody_extensions", "Số lần gia hạn tạm giữ", Kind.INT, synonyms=(
            "lần gia hạn tạm giữ",), width=10, hint="1 hoặc 2: lần gia hạn của «Gia hạn tạm giữ đến»"),
        Column("detention_extensions", "Số lần gia hạn tạm giam", Kind.INT, synonyms=(
            "lần gia hạn tạm giam",), width=10, hint="1 hoặc 2: lần gia hạn của «Gia hạn tạm giam đến»"),
        # appended for the decisions (issue 15)
        Column("detention_extension_no", "Số QĐ gia hạn tạm giam", synonyms=(
            "số quyết định gia hạn tạm giam", "QĐ gia hạn tạm giam số"), width=14),
        Column("detention_extension_date", "Ngày QĐ gia hạn tạm giam", Kind.DATE, not_before="detention_start",
               synonyms=("ngày quyết định gia hạn tạm giam",), width=13),
        # appended for the law in force in 2026 (issue 26): the procuracy's own approval limits
        Column("custody_ext_request", "Ngày nhận hồ sơ gia hạn tạm giữ", Kind.DATE, not_before="custody_start",
               synonyms=("ngày nhận đề nghị gia hạn tạm giữ",), width=13,
               hint="VKS phê chuẩn hoặc không phê chuẩn trong 12 giờ (BLTTHS Điều 118 khoản 2)"),
        Column("custody_ext_request_time", "Giờ nhận hồ sơ gia hạn tạm giữ", Kind.TIME, synonyms=(
            "giờ nhận đề nghị gia hạn tạm giữ",), width=9, hint="Giờ:phút, ví dụ 15:30"),
        Column("custody_ext_decided", "Ngày VKS quyết định gia hạn tạm giữ", Kind.DATE, not_before="custody_start",
               synonyms=("ngày phê chuẩn gia hạn tạm giữ", "ngày không phê chuẩn gia hạn tạm giữ"), width=13,
               hint="Ngày quyết định phê chuẩn hoặc không phê chuẩn"),
        Column("charge_received", "Ngày VKS nhận QĐ khởi tố bị can", Kind.DATE, synonyms=(
            "ngày nhận quyết định khởi tố bị can",), width=13,
               hint="VKS phê chuẩn, hủy bỏ hoặc yêu cầu bổ sung trong 03 ngày (BLTTHS Điều 179 khoản 3)"),
        Column("charge_decided", "Ngày VKS quyết định việc khởi tố bị can", Kind.DATE, synonyms=(
            "ngày phê chuẩn quyết định khởi tố bị can", "ngày hủy quyết định khởi tố bị can"), width=13),
        Column("detention_order_received", "Ngày VKS nhận lệnh tạm giam", Kind.DATE, synonyms=(
            "ngày nhận lệnh tạm giam", "ngày nhận lệnh bắt bị can để tạm giam"), width=13,
               hint="Lệnh tạm giam, lệnh bắt bị can để tạm giam của Cơ quan điều tra: VKS phê chuẩn hoặc không "
                    "phê chuẩn trong 03 ngày (BLTTHS Điều 119 khoản 5, Điều 113 khoản 1)"),
        Column("detention_order_decided", "Ngày VKS quyết định phê chuẩn lệnh tạm giam", Kind.DATE, synonyms=(
            "ngày phê chuẩn lệnh tạm giam", "ngày không phê chuẩn lệnh tạm giam"), width=13),
        Column("appeal_detention_start", "Tạm giam phúc thẩm từ ngày", Kind.DATE, synonyms=(
            "ngày tạm giam phúc thẩm",), width=13,
               hint="Thủ tục rút gọn: tạm giam trong giai đoạn xét xử phúc thẩm không quá 22 ngày "
                    "(BLTTHS Điều 459 khoản 3)"),
        # appended for the decisions (issue 23): what the forms name, and where each decision is written back
        Column("residence", "Nơi cư trú", width=24),
        Column("id_number", "Số định danh cá nhân", width=14, hint="Số căn cước, định danh cá nhân của bị can"),
        Column("charge_no", "Số QĐ khởi tố bị can", width=14),
        Column("charge_date", "Ngày QĐ khởi tố bị can", Kind.DATE, width=13),
        Column("detention_order_no", "Số lệnh tạm giam", width=14),
        Column("detention_order_date", "Ngày lệnh tạm giam", Kind.DATE, width=13),
        Column("detention_place", "Nơi tạm giam", width=22, hint="Trại tạm giam, nhà tạm giữ nơi bị can bị giam"),
        Column("detention_request_no", "Số văn bản đề nghị của cơ quan điều tra", width=14,
               hint="Văn bản đề nghị phê chuẩn hoặc gia hạn gần nhất"),
        Column("detention_request_date", "Ngày văn bản đề nghị của cơ quan điều tra", Kind.DATE, width=13),
        Column("custody_extension_order_no", "Số QĐ gia hạn tạm giữ của cơ quan điều tra", width=14),
        Column("custody_extension_order_date", "Ngày QĐ gia hạn tạm giữ của cơ quan điều tra", Kind.DATE, width=13),
        Column("detention_approval_no", "Số QĐ phê chuẩn lệnh tạm giam", width=14),
        Column("charge_approval_no", "Số QĐ phê chuẩn khởi tố bị can", width=14),
        Column("custody_approval_no", "Số QĐ phê chuẩn gia hạn tạm giữ", width=14),
        Column("measure_decision_no", "Số QĐ hủy bỏ, thay thế BPNC", width=14),
        Column("measure_decision_date", "Ngày QĐ hủy bỏ, thay thế BPNC", Kind.DATE, width=13),
        Column("measure_reason", "Lý do không phê chuẩn, hủy bỏ, thay thế BPNC", width=26),
        Column("new_measure", "Biện pháp thay thế", Kind.CHOICE, choices=MEASURE, width=18),
    ),
)

CIVIL_CASES = SheetSpec(
    key="an_dan_su",
    title="Án dân sự, hành chính",
    heading="SỔ THỤ LÝ VỤ VIỆC DÂN SỰ, HÔN NHÂN GIA ĐÌNH, KINH DOANH THƯƠNG MẠI, LAO ĐỘNG, HÀNH CHÍNH",
    table="AnDanSu",
    synonyms=("án dân sự", "an dan su", "dân sự", "dân sự hành chính", "vụ việc dân sự", "ADS",
              "án dân sự hành chính"),
    id_column="case_id",
    columns=(
        Column("case_id", "Mã vụ việc", required=True, unique=True, synonyms=_CASE_ID_SYNONYMS + (
            "mã vụ việc", "số vụ việc"), width=14),
        Column("case_type", "Loại vụ việc", Kind.CHOICE, required=True, choices=CIVIL_TYPE, synonyms=(
            "loại án", "loại", "lĩnh vực"), width=18, strict=True),
        Column("court", "Tòa án", synonyms=("tòa án thụ lý", "toà án", "tòa"), width=20),
        Column("acceptance_no", "Số thụ lý", synonyms=("số TL", "thụ lý số", "số thụ lý của tòa"), width=12),
        Column("acceptance_date", "Ngày thụ lý", Kind.DATE, required=True, synonyms=(
            "thụ lý ngày", "ngày tòa thụ lý", "ngày toà thụ lý"), width=13),
        Column("plaintiff", "Nguyên đơn, người khởi kiện", synonyms=(
            "nguyên đơn", "người khởi kiện", "người yêu cầu"), width=22),
        Column("defendant", "Bị đơn, người bị kiện", synonyms=("bị đơn", "người bị kiện"), width=22),
        Column("dispute", "Quan hệ tranh chấp", synonyms=(
            "tranh chấp", "nội dung tranh chấp", "quan hệ pháp luật", "yêu cầu", "nội dung"), width=30),
        Column("stage", "Giai đoạn", Kind.CHOICE, choices=CIVIL_STAGE, synonyms=(
            "tình trạng", "trạng thái"), width=16, strict=True),
        Column("file_received", "Ngày VKS nhận hồ sơ", Kind.DATE, not_before="acceptance_date", synonyms=(
            "ngày nhận hồ sơ", "nhận hồ sơ ngày", "ngày viện kiểm sát nhận hồ sơ"), width=13),
        Column("preparation_extended_to", "Gia hạn chuẩn bị xét xử đến", Kind.DATE,
               not_before="acceptance_date", synonyms=("gia hạn chuẩn bị xét xử", "gia hạn CBXX đến"),
               width=13),
        Column("hearing_date", "Ngày xét xử", Kind.DATE, not_before="acceptance_date", synonyms=(
            "ngày mở phiên tòa", "ngày phiên tòa", "xét xử ngày", "phiên họp ngày"), width=13),
        Column("judgment_no", "Số bản án, quyết định", synonyms=("số bản án", "bản án số", "số BA"), width=12),
        Column("judgment_date", "Ngày tuyên án", Kind.DATE, not_before="acceptance_date", synonyms=(
            "ngày bản án", "bản án ngày", "ngày bản án, quyết định"), width=13),
        _prosecutor(),
        _leader(),
        *_assignment_decision(),
        *_digitised(),
        *_deadline_columns(),
        _note(),
        # appended for the deadline engine v2 (issue 12)
        _decision_kind("Bản án: kháng nghị 15 ngày / 01 tháng; quyết định tạm đình chỉ, đình chỉ: 07 / 10 ngày"),
        Column("judgment_received", "Ngày VKS nhận bản án, quyết định", Kind.DATE, not_before="acceptance_date",
               synonyms=("ngày nhận bản án", "ngày VKS nhận bản án", "ngày nhận quyết định"), width=13,
               hint="Ghi khi Kiểm sát viên không dự phiên tòa: thời hạn kháng nghị tính từ ngày này "
                    "(BLTTDS Điều 280 khoản 1)"),
        Column("limitation_case", "Thời hiệu khởi kiện (hành chính)", Kind.CHOICE, choices=LIMITATION_CASE,
               synonyms=("thời hiệu khởi kiện", "trường hợp thời hiệu"), width=16,
               hint="Vụ án hành chính: điểm b khoản 2 Điều 116 Luật TTHC (30 ngày) thì chuẩn bị xét xử 02 tháng, "
                    "gia hạn 01 tháng (Điều 130 khoản 2, 3); để trống: 04 tháng"),
        # appended for the law in force in 2026 (issue 26)
        Column("procedure", "Thủ tục", Kind.CHOICE, choices=PROCEDURE, synonyms=(
            "thủ tục tố tụng", "áp dụng thủ tục"), width=14, hint="Thông thường / Rút gọn (BLTTDS Điều 316-324)"),
        Column("party_received", "Ngày đương sự vắng mặt nhận bản án", Kind.DATE, not_before="acceptance_date",
               synonyms=("ngày đương sự nhận bản án", "ngày niêm yết bản án"), width=13,
               hint="Đương sự không có mặt khi tuyên án: kháng cáo tính từ ngày nhận hoặc niêm yết bản án "
                    "(BLTTDS Điều 273 khoản 1, Điều 322 khoản 1; Luật TTHC Điều 206 khoản 1)"),
        Column("summary_decision_received", "Ngày VKS nhận QĐ xét xử rút gọn", Kind.DATE,
               not_before="acceptance_date", synonyms=("ngày nhận quyết định đưa vụ án ra xét xử theo thủ tục rút gọn",),
               width=13, hint="VKS có quyền kiến nghị trong 03 ngày làm việc (BLTTDS Điều 319 khoản 1)"),
        Column("summary_objection_date", "Ngày VKS kiến nghị QĐ xét xử rút gọn", Kind.DATE,
               not_before="acceptance_date", synonyms=("ngày kiến nghị quyết định xét xử rút gọn",), width=13),
    ),
)

ENFORCEMENT = SheetSpec(
    key="thi_hanh_an",
    title="Thi hành án hình sự",
    heading="SỔ THEO DÕI BẢN ÁN, QUYẾT ĐỊNH THI HÀNH ÁN HÌNH SỰ",
    table="ThiHanhAn",
    synonyms=("thi hành án", "THAHS", "THA", "bản án thi hành", "thi hanh an"),
    id_column="judgment_no",
    columns=(
        Column("judgment_no", "Số bản án", required=True, synonyms=(
            "bản án số", "số BA", "số bản án, quyết định"), width=12),
        Column("judgment_date", "Ngày bản án", Kind.DATE, required=True, synonyms=(
            "ngày tuyên án", "bản án ngày"), width=13),
        Column("court", "Tòa án", synonyms=("tòa án xét xử", "toà án"), width=20),
        Column("person", "Người phải thi hành án", required=True, synonyms=(
            "người bị kết án", "họ tên người phải thi hành án", "họ tên", "người chấp hành án"), width=22),
        Column("penalty", "Hình phạt", synonyms=("mức án", "hình phạt chính"), width=18),
        Column("received_date", "Ngày nhận bản án", Kind.DATE, not_before="judgment_date", synonyms=(
            "ngày VKS nhận bản án", "nhận bản án ngày"), width=13),
        Column("effective_date", "Ngày có hiệu lực", Kind.DATE, not_before="judgment_date", synonyms=(
            "ngày hiệu lực", "hiệu lực ngày", "ngày bản án có hiệu lực"), width=13),
        Column("enforcement_decision_date", "Ngày QĐ thi hành án", Kind.DATE, not_before="judgment_date",
               synonyms=("ngày quyết định thi hành án", "QĐ thi hành án ngày", "ngày ra QĐ THA"), width=13),
        Column("case_id", "Mã vụ án", synonyms=_CASE_ID_SYNONYMS, width=14),
        _prosecutor(),
        *_assignment_decision(),
        _note(),
        Column("enforcement_decision_no", "Số QĐ thi hành án", synonyms=(
            "số quyết định thi hành án", "QĐ thi hành án số", "số QĐ THA"), width=12),
        # appended for the law in force in 2026 (issue 26)
        Column("community_received", "Ngày nhận QĐ THA án treo, CTKGG", Kind.DATE, not_before="judgment_date",
               synonyms=("ngày công an nhận quyết định thi hành án treo",), width=13,
               hint="Án treo, cải tạo không giam giữ: ngày cơ quan thi hành án nhận quyết định thi hành án; "
                    "03 ngày làm việc để triệu tập, tiếp nhận người chấp hành án"),
        Column("community_started", "Ngày triệu tập, tiếp nhận người chấp hành án", Kind.DATE,
               not_before="judgment_date", synonyms=("ngày triệu tập người chấp hành án",), width=13),
        Column("community_plan", "Ngày ban hành kế hoạch quản lý, giám sát", Kind.DATE,
               not_before="judgment_date", synonyms=("ngày kế hoạch quản lý, giám sát, giáo dục",), width=13,
               hint="Kế hoạch quản lý, giám sát, giáo dục người chấp hành án tại cộng đồng: 05 ngày làm việc "
                    "kể từ ngày tiếp nhận người chấp hành án (Nghị định 231/2026/NĐ-CP Điều 7 khoản 1)"),
    ),
)

SUSPENDED = SheetSpec(
    key="tam_dinh_chi",
    title="Tạm đình chỉ",
    heading="SỔ THEO DÕI VỤ ÁN, VỤ VIỆC, TIN BÁO TẠM ĐÌNH CHỈ",
    table="TamDinhChi",
    synonyms=("tam dinh chi", "tạm đình chỉ", "án tạm đình chỉ", "TĐC", "vụ án tạm đình chỉ"),
    id_column="case_id",
    columns=(
        Column("case_id", "Mã vụ án, tin báo", required=True, synonyms=_CASE_ID_SYNONYMS + (
            "mã vụ việc", "số thụ lý"), width=14),
        Column("kind", "Loại", Kind.CHOICE, choices=SUSPENDED_KIND, synonyms=(
            "loại vụ", "phân loại", "loại tạm đình chỉ"), width=16),
        Column("decision_no", "Số QĐ tạm đình chỉ", synonyms=(
            "số quyết định", "số QĐ", "QĐ tạm đình chỉ số"), width=12),
        Column("decision_date", "Ngày QĐ tạm đình chỉ", Kind.DATE, required=True, synonyms=(
            "ngày tạm đình chỉ", "ngày quyết định", "ngày QĐ", "tạm đình chỉ ngày"), width=13),
        Column("reason", "Lý do", synonyms=("lý do tạm đình chỉ", "căn cứ tạm đình chỉ"), width=30),
        Column("limitation_expiry", "Ngày hết thời hiệu", Kind.DATE, not_before="decision_date", synonyms=(
            "hết thời hiệu", "thời hiệu truy cứu đến", "hết thời hiệu truy cứu TNHS"), width=13),
        _prosecutor(),
        *_digitised(),
        _note(),
        # appended for the deadline engine v2 (issue 12)
        Column("offence_date", "Ngày phạm tội", Kind.DATE, synonyms=(
            "ngày thực hiện tội phạm", "ngày xảy ra"), width=13,
            hint="Thời hiệu truy cứu trách nhiệm hình sự tính từ ngày này (BLHS Điều 27 khoản 3)"),
        Column("category", "Loại tội phạm", Kind.CHOICE, choices=CATEGORY, synonyms=(
            "phân loại tội phạm", "mức độ"), width=18),
    ),
)

REGISTER = SheetSpec(
    key="so_quyet_dinh",
    title="Sổ quyết định",
    heading="SỔ ĐĂNG KÝ SỐ QUYẾT ĐỊNH",
    table="SoQuyetDinh",
    synonyms=("so quyet dinh", "sổ đăng ký quyết định", "sổ QĐ", "sổ cấp số", "cấp số quyết định",
              "sổ văn bản đi"),
    id_column="number",
    columns=(
        Column("number", "Số", Kind.INT, required=True, synonyms=("số QĐ", "số quyết định"), width=8),
        Column("year", "Năm", Kind.INT, required=True, width=8),
        Column("symbol", "Ký hiệu", required=True, synonyms=("ký hiệu văn bản", "ký hiệu QĐ"), width=14),
        Column("date", "Ngày", Kind.DATE, required=True, synonyms=(
            "ngày ban hành", "ngày quyết định", "ngày ký", "ngày QĐ"), width=13),
        Column("decision_type", "Loại quyết định", synonyms=("loại QĐ", "loại văn bản"), width=28),
        Column("summary", "Trích yếu", synonyms=("trích yếu nội dung", "nội dung"), width=40),
        Column("case_id", "Mã vụ án", synonyms=_CASE_ID_SYNONYMS, width=14),
        Column("signer", "Người ký", Kind.STAFF, synonyms=("người ký duyệt", "lãnh đạo ký"), width=20),
        Column("file", "Tệp", synonyms=("tệp quyết định", "file", "đường dẫn"), width=30),
        Column("status", "Tình trạng", synonyms=("trạng thái", "tình trạng số"), width=16,
               hint="kiemsat ghi: Đang cấp số / Đã cấp / Không sử dụng"),
        _note(),
    ),
)

STAFF = SheetSpec(
    key="can_bo",
    title="Cán bộ",
    heading="DANH SÁCH CÁN BỘ",
    table="CanBo",
    synonyms=("can bo", "danh sách cán bộ", "nhân sự", "cán bộ, KSV", "danh sách"),
    id_column="name",
    columns=(
        Column("name", "Họ và tên", required=True, unique=True, synonyms=("họ tên", "tên cán bộ"), width=24),
        Column("title", "Chức vụ", Kind.CHOICE, required=True, choices=STAFF_TITLE, synonyms=(
            "chức danh", "chức vụ, chức danh"), width=18),
        Column("email", "Thư điện tử", Kind.EMAIL, synonyms=("email", "e-mail", "địa chỉ email", "mail"),
               width=28),
        Column("receives_alerts", "Nhận cảnh báo", Kind.BOOL, synonyms=(
            "nhận email cảnh báo", "gửi cảnh báo", "cảnh báo"), width=12, hint="Có / Không"),
        _note(),
        Column("address", "Danh xưng", Kind.CHOICE, choices=FORM_OF_ADDRESS, synonyms=(
            "giới tính", "ông/bà", "ông, bà", "xưng hô"), width=10, hint="Ông / Bà (hoặc Nam / Nữ)"),
    ),
)

AGENCIES = SheetSpec(
    key="co_quan",
    title="Cơ quan",
    heading="DANH MỤC CƠ QUAN (TÊN VIẾT TẮT VÀ TÊN ĐẦY ĐỦ)",
    table="CoQuan",
    synonyms=("co quan", "danh mục cơ quan", "tên cơ quan", "cơ quan viết tắt"),
    id_column="short_name",
    columns=(
        Column("short_name", "Tên viết tắt", required=True, unique=True, synonyms=(
            "viết tắt", "tên gọi tắt", "tên tắt"), width=34),
        Column("full_name", "Tên đầy đủ", required=True, synonyms=(
            "tên đầy đủ của cơ quan", "tên cơ quan", "tên chính thức"), width=50,
            hint="Tên viết trong quyết định"),
        _note(),
    ),
)

LEDGER_SHEETS: tuple[SheetSpec, ...] = (
    TIP_OFFS, CRIMINAL_CASES, DEFENDANTS, CIVIL_CASES, ENFORCEMENT, SUSPENDED, REGISTER, STAFF, AGENCIES,
)
SHEETS_BY_KEY: dict[str, SheetSpec] = {s.key: s for s in LEDGER_SHEETS}

# ---------------------------------------------------------------- settings (Cấu hình)

SETTINGS_SHEET = "Cấu hình"
SETTINGS_SHEET_SYNONYMS = ("cau hinh", "cấu hình", "thiết lập", "cài đặt", "thông tin đơn vị")
LISTS_SHEET = "Danh mục"  # hidden sheet that holds the dropdown lists
STATS_SHEET = "Thống kê"  # written by kiemsat stats / the ribbon
PROBLEMS_SHEET = "Lỗi nhập liệu"  # written by the ribbon's Kiểm tra sổ
MAPPING_SHEET = "Cách đọc cột"  # written by the ribbon's Kiểm tra sổ: how each header was read
# sheets kiemsat writes itself: never ledgers, never reported as unknown
INTAKE_SHEET = "Nạp văn bản"  # written by the ribbon's Nạp văn bản: the preview of an intake
OWN_SHEETS = (LISTS_SHEET, STATS_SHEET, PROBLEMS_SHEET, MAPPING_SHEET, INTAKE_SHEET)

SETTINGS: tuple[Setting, ...] = (
    Setting("unit_name", "Tên đơn vị", Kind.TEXT, "VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 1 - HẢI PHÒNG",
            ("đơn vị", "viện kiểm sát", "tên viện"), "Viết hoa, như ở góc trái quyết định"),
    Setting("parent_unit", "Đơn vị cấp trên", Kind.TEXT, "VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
            ("cơ quan cấp trên", "viện cấp trên"), "Viết hoa"),
    Setting("place", "Địa danh", Kind.TEXT, "Hải Phòng", ("nơi ban hành",),
            "Dùng ở dòng «Hải Phòng, ngày ... tháng ... năm ...»"),
    Setting("doc_symbol", "Ký hiệu văn bản", Kind.TEXT, "VKSKV1", ("ký hiệu", "ký hiệu viện"),
            "Phần sau «QĐ-» trong số quyết định, ví dụ 12/QĐ-VKSKV1"),
    Setting("alert_days", "Số ngày cảnh báo trước", Kind.INT, 10, ("số ngày cảnh báo", "cảnh báo trước"),
            "Tô màu và gửi thư khi còn từng này ngày đến hạn"),
    Setting("send_time", "Giờ gửi cảnh báo", Kind.TIME, "07:00", ("giờ gửi", "thời điểm gửi"),
            "Dạng giờ:phút, ví dụ 07:00"),
    Setting("reminder_days", "Ngày nhắc thêm", Kind.TEXT, None, ("nhắc thêm", "các ngày nhắc", "nhắc lại trước hạn"),
            "Gửi thêm thư nhắc khi còn từng này ngày, cách nhau bởi dấu ;, ví dụ 3; 1; "
            "ghi thêm «quá hạn» để nhắc cả khi đã quá hạn"),
    Setting("extra_days_off", "Ngày nghỉ bù thêm", Kind.DATE_LIST, (), ("ngày nghỉ bù", "ngày nghỉ thêm"),
            "Ngày nghỉ do Chính phủ cho nghỉ bù, ngoài ngày lễ; cách nhau bởi dấu ;"),
    Setting("extra_work_days", "Ngày làm bù", Kind.DATE_LIST, (), ("ngày đi làm bù", "thứ bảy làm bù"),
            "Thứ bảy, chủ nhật phải đi làm bù; cách nhau bởi dấu ;"),
    Setting("readings", "Cách tính thời hạn", Kind.TEXT, None, ("cách đọc thời hạn", "cách tính hạn"),
            "Khi luật có hai cách hiểu, kiemsat báo theo ngày sớm hơn và ghi ngày theo cách kia. Muốn dùng một "
            "cách cho một thời hạn: «tên thời hạn: cách tính», cách nhau bởi dấu ;, ví dụ «dieu_tra: cộng dồn; "
            "tin_bao: không tính ngày đầu» (danh sách ở mục thời hạn trong README)"),
    Setting("stats_period", "Kỳ thống kê", Kind.TEXT, "6 tháng", ("kỳ báo cáo", "kỳ báo cáo thống kê"),
            "Kỳ của báo cáo thống kê khi không chọn kỳ: tháng, quý, 6 tháng, năm, 6 tháng ngành (01/12 năm trước "
            "- 31/5) hoặc 12 tháng ngành (01/12 năm trước - 30/11) (kỳ chứa ngày lập); "
            "thêm «đã hết» để lấy kỳ đã kết thúc gần nhất, ví dụ «quý đã hết»"),
    # the alert service (mailer/); the values of the choice-like ones are read there
    Setting("ledger_title", "Tên sổ", Kind.TEXT, "Sổ theo dõi vụ án, vụ việc", ("tên sổ theo dõi",),
            "Tên sổ in trong thư cảnh báo, cùng tên đơn vị"),
    Setting("ledger_code", "Mã sổ", Kind.TEXT, None, ("mã số sổ", "mã định danh sổ"),
            "Mã cố định của sổ, đặt một lần rồi giữ nguyên; để trống thì dùng tên đơn vị và tên sổ. "
            "Đổi tên hay chuyển tệp sổ không làm gửi lại thư"),
    Setting("alert_content", "Nội dung thư cảnh báo", Kind.TEXT, "Rút gọn", ("nội dung cảnh báo", "mức nội dung thư"),
            "Đầy đủ / Rút gọn (số vụ, loại thời hạn, ngày hết hạn; không có tên người, tội danh) / "
            "Chỉ số lượng (số thời hạn và đường dẫn sổ)"),
    Setting("alert_start", "Bắt đầu cảnh báo từ", Kind.DATE, None, ("ngày bắt đầu cảnh báo", "cảnh báo từ ngày"),
            "Việc đã quá hạn trước ngày này được gửi một lần cho từng người thành danh sách «việc quá hạn cần "
            "cập nhật sổ», rồi nhắc như việc quá hạn khác; để trống thì là ngày chạy cảnh báo lần đầu"),
    Setting("escalate_days", "Báo Viện trưởng khi quá hạn quá (ngày)", Kind.INT, 7, ("báo viện trưởng khi quá hạn",),
            "Thời hạn quá hạn hơn từng này ngày được báo cả Viện trưởng; tạm giữ, tạm giam quá hạn "
            "luôn được báo Viện trưởng"),
    Setting("overdue_every", "Nhắc lại việc quá hạn sau mỗi (ngày)", Kind.INT, 7, ("nhắc lại việc quá hạn",
            "nhắc việc quá hạn mỗi"), "Việc của Viện kiểm sát đã quá hạn được gửi lại cho KSV và lãnh đạo phụ trách "
            "ngày đầu quá hạn, rồi cứ sau từng này ngày, cho đến khi sổ ghi đã xong hoặc đã gia hạn (ít nhất 1)"),
    Setting("leader_digest", "Gửi bản tổng hợp hằng ngày cho", Kind.TEXT, "Viện trưởng", ("bản tổng hợp cho",
            "tổng hợp hằng ngày cho"), "Chức vụ ở sheet Cán bộ, cách nhau bởi dấu ;, ví dụ Viện trưởng; "
            "Phó Viện trưởng; ghi «Không» để không gửi"),
    Setting("calendar_alarm", "Giờ nhắc trên lịch", Kind.TIME, time(8, 0), ("giờ nhắc lịch",),
            "Lịch (.ics) kèm thư nhắc vào giờ này, ngày trước ngày hết hạn"),
    Setting("backups_kept", "Số bản sao lưu giữ lại", Kind.INT, 20, ("số bản sao lưu", "giữ bản sao lưu"),
            "Mỗi lần kiemsat ghi vào sổ, một bản sao của sổ trước khi ghi được lưu ở thư mục kiemsat-sao-luu "
            "bên cạnh sổ; chỉ giữ lại từng này bản mới nhất (ít nhất 1)"),
)
SETTINGS_BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}

# Below the settings, Cấu hình holds the unit's pins («Ghim cột»): a title row, then a header row with
# these three labels, then one pin a row: the sheet as named in the file, its header as written there,
# and what it is read as (one of our column labels, PIN_OWN_COLUMN, or, with PIN_SHEET_HEADER as the
# header, the ledger the sheet holds). The same pins as the sidecar file (macros_py.ledger.mapping).
PIN_SECTION = "Ghim cột"
PIN_COLUMNS = ("Sheet", "Tiêu đề cột", "Đọc thành")
PIN_OWN_COLUMN = "Cột riêng của đơn vị"  # kiemsat keeps the column as the unit's own and reads nothing from it
PIN_SHEET_HEADER = "sổ"  # "Tiêu đề cột" = sổ: "Đọc thành" names the ledger the sheet holds
PIN_HINT = ("Khi kiemsat đọc sai một tiêu đề cột (xem «kiemsat check --mapping» hoặc nút Kiểm tra sổ): mỗi dòng "
            "ghi tên sheet, tiêu đề cột đúng như trong sổ, và cột của kiemsat mà nó là (như ở dòng tiêu đề của "
            f"mẫu sổ), hoặc «{PIN_OWN_COLUMN}». Tiêu đề cột «{PIN_SHEET_HEADER}»: sheet đó là sổ nào "
            "(Tin báo, Án hình sự, ...). Mọi lệnh và mọi nút đều dùng các dòng này.")

# ---------------------------------------------------------------- national register layouts
# The registers of the national register software (../shared/registers.md), as header vocabularies:
# each printed header and the columns of our sheets it fills. A header that fills nothing is the
# unit's own column (kept beside the record). A composite cell ("số 12/QĐ-CSĐT ngày 15/3/2024")
# fills several columns, each through a `pick` (values.extract says what each pick takes).


@dataclass(frozen=True)
class RegisterHeader:
    header: str  # as printed in the register (short forms are matched by tokens)
    fills: tuple[tuple[str, str], ...] = ()  # (column key, pick); () for the unit's own column
    fallback: bool = False  # used only when no other header gives these columns (STT as the number)
    variant: bool = False  # another spelling clerks use for a header above: read, never printed


@dataclass(frozen=True)
class RegisterLayout:
    code: str  # "04"
    title: str
    sheet: str  # the schema sheet key it is read into
    headers: tuple[RegisterHeader, ...]

    @property
    def printed(self) -> tuple[RegisterHeader, ...]:
        """The register's columns as printed (without the other spellings it is also read by)."""
        return tuple(h for h in self.headers if not h.variant)


def _h(header: str, *fills: str, fallback: bool = False, variant: bool = False) -> RegisterHeader:
    """`fills` as "key" (the whole cell) or "key:pick"."""
    return RegisterHeader(header, tuple((f.split(":")[0], f.split(":")[1] if ":" in f else "") for f in fills),
                          fallback, variant)


REGISTER_LAYOUTS: tuple[RegisterLayout, ...] = (
    RegisterLayout("01", "Sổ quyết định phân công, thay đổi PVT, KSV, KTV", "so_quyet_dinh", (
        _h("STT"), _h("Số, ngày quyết định", "number:num", "symbol:symbol", "year:year", "date:date"),
        _h("Loại quyết định", "decision_type"), _h("Vụ án / vụ việc", "case_id"),
        _h("Người được phân công (thay đổi)"), _h("Người ký", "signer"), _h("Ghi chú", "note"))),
    RegisterLayout("03", "Sổ tiếp nhận nguồn tin về tội phạm", "tin_bao", (
        _h("STT", "receipt_no", fallback=True), _h("Ngày VKS tiếp nhận", "receipt_date"),
        _h("Người/cơ quan cung cấp tin (họ tên, địa chỉ)", "reporter"), _h("Tóm tắt nội dung", "summary"),
        _h("Người/pháp nhân bị tố giác"), _h("Người tiếp nhận"), _h("Phiếu chuyển tin (số, ngày)"),
        _h("Kết quả giải quyết", "outcome:lead", "outcome_date:date"), _h("Ghi chú", "note"))),
    RegisterLayout("04", "Sổ kiểm sát việc giải quyết nguồn tin về tội phạm", "tin_bao", (
        _h("STT", "receipt_no", fallback=True), _h("Ngày VKS thụ lý", "receipt_date"),
        _h("Người cung cấp tin", "reporter"), _h("Người, cơ quan cung cấp tin", "reporter", variant=True),
        _h("Tóm tắt", "summary"), _h("Người bị tố giác"), _h("KSV thụ lý", "prosecutor"), _h("Yêu cầu của VKS"),
        _h("QĐ gia hạn", "extension_date:date", "extended_to:to"), _h("QĐ tạm đình chỉ"),
        _h("QĐ hủy tạm đình chỉ"), _h("QĐ phục hồi"), _h("QĐ giải quyết tranh chấp thẩm quyền"),
        _h("Thông báo kiểm sát QĐ khởi tố / không khởi tố / tạm đình chỉ"),
        _h("Yêu cầu khởi tố / không khởi tố / hủy"), _h("Kết quả thực hiện yêu cầu"),
        _h("Kết quả (khởi tố / không khởi tố)", "outcome:lead", "outcome_date:date"), _h("Ghi chú", "note"))),
    RegisterLayout("07", "Sổ thực hành quyền công tố, kiểm sát điều tra vụ án hình sự", "an_hinh_su", (
        _h("STT"),
        _h("Vụ án / Bị can (năm sinh, nơi cư trú, dân tộc, trình độ học vấn, nghề nghiệp, Đảng viên, giới tính, "
           "tiền án / tiền sự)", "case_id"),
        _h("Vụ án", "case_id", variant=True), _h("Tội danh (điều luật)", "offence:lead", "article:article"),
        _h("QĐ khởi tố vụ án / bị can (cơ quan)", "opening_no:no", "opening_date:date"),
        _h("QĐ khởi tố vụ án", "opening_no:no", "opening_date:date", variant=True),
        _h("Tóm tắt sự kiện"), _h("ĐTV thụ lý"), _h("KSV thụ lý", "prosecutor"), _h("Người bào chữa"),
        _h("Yêu cầu điều tra"), _h("Biện pháp ngăn chặn"), _h("Tách / Nhập vụ án"), _h("Chuyển vụ án"),
        _h("QĐ gia hạn điều tra (lần 1 / 2 / 3 / đặc biệt)", "investigation_extended_to:to"),
        _h("Tạm đình chỉ điều tra"), _h("Kết luận điều tra", "file_received:date"), _h("Ghi chú", "note"))),
    RegisterLayout("08", "Sổ theo dõi án tạm đình chỉ", "tam_dinh_chi", (
        _h("Ngày thụ lý"), _h("Vụ án / bị can", "case_id"), _h("Tội danh"), _h("QĐ khởi tố vụ án / bị can"),
        _h("KSV / ĐTV / Thẩm phán"), _h("QĐ tạm đình chỉ", "decision_no:no", "decision_date:date"),
        _h("Lý do", "reason"), _h("Truy nã / đình nã"), _h("Tác động của VKS"), _h("Hủy"), _h("Phục hồi"),
        _h("Ghi chú", "note"))),
    # registers.md lists only the custody and detention columns of Sổ 21 and 22; the person and the
    # case they belong to head every printed register and are read as in our template
    RegisterLayout("21", "Sổ theo dõi người bị tạm giữ", "bi_can", (
        _h("Họ tên người bị tạm giữ", "name"), _h("Vụ án", "case_id"), _h("Ngày bắt"), _h("Trường hợp bắt"),
        _h("Vi phạm khi bắt"), _h("QĐ tạm giữ (từ ngày - đến ngày)", "custody_start:date", "custody_until:date2"),
        _h("Gia hạn lần 1 / lần 2 và phê chuẩn", "custody_extended_to:last"), _h("Hủy"),
        _h("Biện pháp ngăn chặn khác"), _h("Lệnh tạm giam", "detention_start:date"),
        _h("Trả tự do (do cơ quan bắt / do VKS)", "released_date:date"), _h("Trốn / bắt lại"), _h("Vi phạm"),
        _h("Chết"))),
    RegisterLayout("22", "Sổ kiểm sát việc tạm giam", "bi_can", (
        _h("Họ tên người bị tạm giam", "name"), _h("Vụ án", "case_id"), _h("Tội danh"),
        _h("Lệnh tạm giam để điều tra", "detention_start:date", "detention_until:date2"),
        _h("Lệnh bắt để tạm giam"), _h("Gia hạn (lần)", "detention_extended_to:last"),
        _h("Tạm giam điều tra bổ sung"), _h("Lệnh tạm giam để truy tố và gia hạn"),
        _h("Lệnh tạm giam sơ thẩm / phúc thẩm"), _h("QĐ thi hành án"), _h("Chuyển đi / đến"),
        _h("Thay thế hoặc hủy biện pháp"), _h("Trả tự do (7 trường hợp)", "released_date:date"),
        _h("Trốn / truy nã / bắt lại"), _h("Vi phạm"), _h("Chết"))),
)

# short forms clerks write in headers, expanded before headers are compared (folded, lower case)
HEADER_ABBREVIATIONS: dict[str, str] = {
    "ksv": "kiem sat vien", "pvt": "pho vien truong", "vt": "vien truong", "ktv": "kiem tra vien",
    "dtv": "dieu tra vien", "cqdt": "co quan dieu tra", "qd": "quyet dinh", "vks": "vien kiem sat",
    "tb": "tin bao", "bpnc": "bien phap ngan chan", "klđt": "ket luan dieu tra", "kldt": "ket luan dieu tra",
    "tl": "thu ly", "ba": "ban an", "tha": "thi hanh an", "tdc": "tam dinh chi", "stt": "so thu tu",
    "cbxx": "chuan bi xet xu", "dtbs": "dieu tra bo sung", "hs": "hinh su", "ds": "dan su", "sl": "so luong",
}

# ---------------------------------------------------------------- a unit's own deadline columns
# Units often keep the deadline itself in a column of their own, typed or as a formula («Hạn giải quyết»
# = «Ngày tiếp nhận» + 20). kiemsat reads such a column as the unit's own (it never writes there) and
# compares each date with the deadline it computes (macros_py.law.own_deadlines): (sheet key, the rules
# whose deadline the column states, latest phase first, the headers it is written under).
OWN_DEADLINE_COLUMNS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("tin_bao", ("tin_bao",), ("Hạn giải quyết", "Thời hạn giải quyết", "Hạn giải quyết tin báo", "Hạn GQ",
                               "Hạn xử lý", "Hạn giải quyết nguồn tin")),
    ("an_hinh_su", ("dieu_tra_bo_sung", "phuc_hoi_dieu_tra", "dieu_tra_rut_gon", "dieu_tra"),
     ("Hạn điều tra", "Thời hạn điều tra", "Hết hạn điều tra", "Hạn ĐT")),
    ("an_hinh_su", ("truy_to_rut_gon", "truy_to"), ("Hạn truy tố", "Thời hạn truy tố", "Hạn quyết định truy tố")),
    ("an_hinh_su", ("chuan_bi_xet_xu_rut_gon", "chuan_bi_xet_xu"), ("Hạn chuẩn bị xét xử", "Hạn CBXX")),
    ("bi_can", ("tam_giam_xet_xu", "tam_giam_truy_to_rut_gon", "tam_giam_truy_to", "tam_giam_dieu_tra_bo_sung",
                "tam_giam_phuc_hoi_dieu_tra", "tam_giam_rut_gon", "tam_giam"),
     ("Hạn tạm giam", "Thời hạn tạm giam", "Hết hạn tạm giam")),
    ("bi_can", ("tam_giu_rut_gon", "tam_giu"), ("Hạn tạm giữ", "Thời hạn tạm giữ", "Hết hạn tạm giữ")),
)
