"""The facts a document states, each with the words it was read from and how sure the reading is.

Rules over the text, no model: the official forms (Thông tư 119/2021/TT-BCA for the investigating bodies,
Nghị quyết 01/2017/NQ-HĐTP and 05/2017/NQ-HĐTP for the courts) put each fact after the same words. What no rule
finds stays empty and is named in `Reading.missing`: nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from macros_py.intake.dates import NUMBER, clean_number, find_dates, find_hour
from macros_py.intake.kinds import DocKind, recognise, title_area
from macros_py.ledger.values import fold

SURE, LIKELY, WEAK = 0.95, 0.8, 0.6
OCR_FACTOR = 0.85  # a reading from OCR text is less sure

LABELS: dict[str, str] = {
    "kind": "Loại văn bản", "doc_no": "Số văn bản", "doc_date": "Ngày văn bản", "issuer": "Cơ quan ban hành",
    "case_opening_no": "Số QĐ khởi tố vụ án", "case_opening_date": "Ngày QĐ khởi tố vụ án",
    "case_code": "Mã vụ án",
    "custody_start": "Tạm giữ từ ngày", "custody_time": "Giờ bắt đầu tạm giữ", "custody_until": "Tạm giữ đến ngày",
    "detention_start": "Tạm giam từ ngày", "detention_until": "Tạm giam đến ngày",
    "received_date": "Ngày tiếp nhận nguồn tin", "source": "Nguồn tin", "reporter": "Người tố giác, cơ quan báo tin",
    "summary": "Nội dung", "acceptance_no": "Số thụ lý", "acceptance_date": "Ngày thụ lý", "case_type": "Loại vụ án",
    "plaintiff": "Nguyên đơn, người khởi kiện", "defendant": "Bị đơn, người bị kiện", "dispute": "Quan hệ tranh chấp",
    "judgment_no": "Số bản án", "judgment_date": "Ngày bản án", "court": "Tòa án",
    "persons": "Bị can, bị cáo", "offences": "Tội danh, điều luật", "addressees": "Nơi nhận (Viện kiểm sát)",
    "name": "Họ tên", "birth_date": "Ngày sinh", "birth_year": "Năm sinh", "residence": "Nơi cư trú",
    "penalty": "Hình phạt", "offence": "Tội danh", "article": "Điều luật",
}

# what each kind must state: a key left unread is named to the clerk
EXPECTED: dict[str, tuple[str, ...]] = {
    "khoi_to_vu_an": ("doc_no", "doc_date", "issuer", "offences"),
    "khoi_to_bi_can": ("doc_no", "doc_date", "issuer", "case_opening_no", "case_opening_date", "persons", "offences"),
    "tam_giu": ("doc_no", "doc_date", "issuer", "persons", "custody_start", "custody_time", "custody_until"),
    "tam_giam": ("doc_no", "doc_date", "issuer", "persons", "detention_start", "detention_until"),
    "tin_bao": ("doc_no", "doc_date", "issuer", "received_date", "source", "reporter", "summary"),
    "thu_ly": ("doc_no", "doc_date", "issuer", "acceptance_no", "acceptance_date", "case_type"),
    "ban_an": ("doc_no", "doc_date", "issuer", "persons", "offences"),
    "thi_hanh_an": ("doc_no", "doc_date", "issuer", "judgment_no", "judgment_date", "persons"),
}


@dataclass
class Field:
    key: str
    value: Any  # str, date or time
    source: str  # the words it was read from
    confidence: float

    @property
    def label(self) -> str:
        return LABELS.get(self.key, self.key)


@dataclass
class Reading:
    kind: DocKind | None
    kind_source: str
    fields: dict[str, Field] = field(default_factory=dict)
    persons: list[dict[str, Field]] = field(default_factory=list)
    offences: list[dict[str, Field]] = field(default_factory=list)
    addressees: list[Field] = field(default_factory=list)
    ocr: bool = False

    def value(self, key: str) -> Any:
        f = self.fields.get(key)
        return f.value if f else None

    @property
    def missing(self) -> list[str]:
        """The keys the kind states that were not read (labels via LABELS)."""
        if self.kind is None:
            return []
        out = []
        for key in EXPECTED[self.kind.key]:
            if key == "persons":
                if not self.persons:
                    out.append(key)
            elif key == "offences":
                if not self.offences:
                    out.append(key)
            elif key not in self.fields:
                out.append(key)
        return out

    def set(self, key: str, value: Any, source: str, confidence: float) -> None:
        if value in (None, "") or key in self.fields:
            return
        self.fields[key] = Field(key, value, squash_space(source), confidence * (OCR_FACTOR if self.ocr else 1))


def squash_space(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- OCR clean-up

def repair_ocr(text: str) -> str:
    """Tesseract's known confusions on Vietnamese forms, where only one reading is possible: «Điều L» is
    «Điều 1», «O» between digits is «0», «S6:» at a line start is «Số:»."""
    text = re.sub(r"(?<=\d)[Oo](?=\d)|(?<=\d[/.-])[Oo](?=\d)", "0", text)
    text = re.sub(r"\b(Điều|khoản|Khoản)\s+[lLI|](?=[\s.,;:])", r"\1 1", text)
    text = re.sub(r"(?m)^\s*(?:S6|Sô|Sỗ|Sồ|Sổ)\s*[:;.]", "Số:", text)
    text = text.replace("“", "“").replace("”", "”")
    return text


# ---------------------------------------------------------------- casing

_KEEP_CAPS = {"ubnd", "vksnd", "tand", "csđt", "anđt"}
_PROPER = ("cảnh sát", "công an", "an ninh", "tòa án", "toà án", "viện kiểm sát", "việt nam", "hải quan",
           "kiểm lâm", "bộ đội biên phòng", "cảnh sát biển", "quân đội", "quân khu")
_PLACE = re.compile(r"\b(huyện|quận|tỉnh|thành phố|thị xã|xã|phường|thị trấn|khu vực|tp\.?)\s+(.+?)(?=\s+(?:huyện|quận|"
                    r"tỉnh|thành phố|thị xã|xã|phường|thị trấn)\b|$)")


def _title_words(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] if not w[:1].isdigit() else w for w in text.split(" "))


def agency_case(text: str) -> str:
    """«CƠ QUAN CẢNH SÁT ĐIỀU TRA CÔNG AN HUYỆN KIẾN THỤY» -> «Cơ quan Cảnh sát điều tra Công an huyện Kiến Thụy»."""
    text = squash_space(text)
    if not text or sum(c.islower() for c in text) > sum(c.isupper() for c in text):
        return text  # already written in mixed case
    low = text.lower()
    for phrase in _PROPER:
        low = re.sub(rf"\b{phrase}\b", phrase[:1].upper() + phrase[1:], low)
    low = _PLACE.sub(lambda m: f"{m.group(1)} {_title_words(m.group(2))}", low)
    return low[:1].upper() + low[1:]


def name_case(text: str) -> str:
    """A person's name in capitals or mixed case -> «Nguyễn Văn An»."""
    words = squash_space(text).split(" ")
    return " ".join(w[:1].upper() + w[1:].lower() for w in words if w)


# ---------------------------------------------------------------- header: number, date, issuer

_NUM = re.compile(r"(?i)(?:^|\n)\s*(?:S[ốôo6ồổỗ]|Bản án số|Bản án)\s*[:.]?\s*(" + NUMBER + ")"
                  r"|(?<![\w/])S[ốôo6]\s*[:.]\s*(" + NUMBER + ")")
_TITLE_NUM = re.compile(r"(?i)\bBẢN ÁN\s+(?:SỐ\s*:?\s*)?(" + NUMBER + r")\s+NGÀY\s+([\d./-]+)")
_CAPS_RATIO = 0.6


def _is_caps(piece: str) -> bool:
    letters = [c for c in piece if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) >= _CAPS_RATIO


_AGENCY_START = re.compile(r"^(?:co quan|cong an|toa an|vien kiem sat|bo |uy ban|ubnd|quan khu|cuc |phong )")
_MOTTO = re.compile(r"cong hoa|doc lap|tu do|hanh phuc|chu nghia|viet nam\b|\bngay\b.*\bnam\b")


def header_pieces(text: str) -> list[str]:
    """The capitals of the top-left block (parent body, issuing body), in order, without the national motto, the
    number and the date; an agency name broken over two lines (or two OCR fragments) is joined again."""
    pieces: list[str] = []
    for line in text.splitlines()[:20]:
        f = fold(line)
        if re.match(r"^(?:quyet dinh|lenh|thong bao|ban an|phieu|nhan danh|can cu|kinh gui)\b", f):
            break
        line = re.split(r"(?:^|\s)(?=S[ốôo6]\s*(?:[:.]|\d))", line)[0]
        line = re.split(r"C[ỘO]NG\s+H[ÒO]A", line)[0]
        for piece in re.split(r"\s{3,}|\t+", line.strip()):
            pf = fold(piece)
            if not pf or _MOTTO.search(pf) or re.fullmatch(r"[\W_]+", piece.strip()) or not _is_caps(piece):
                continue
            piece = squash_space(piece.strip(" -_*"))
            if pieces and not _AGENCY_START.match(pf) and not re.search(r"\d{4}$", piece):
                pieces[-1] = f"{pieces[-1]} {piece}"
            elif _AGENCY_START.match(pf):
                pieces.append(piece)
    return pieces


_SIGNER_TITLE = re.compile(r"(?m)^\s*(?:KT\.\s*)?(?:PHÓ\s+)?(?:THỦ\s+TRƯỞNG|CHÁNH\s+ÁN|VIỆN\s+TRƯỞNG)\s+"
                           r"((?:CƠ QUAN|TÒA ÁN|TOÀ ÁN|VIỆN KIỂM SÁT)[^\n]*)(\n[^\n]*)?")
_BODY_AGENCY = re.compile(r"((?:Cơ quan (?:Cảnh sát|An ninh) điều tra|Tòa án nhân dân|Toà án nhân dân)\s+[^,;.:\n“\"]{3,70}?)"
                          r"\s+(?:đã\s|nhận được|thông báo|xét xử|tiến hành)")


def signer_agency(text: str) -> tuple[str, str] | None:
    """«PHÓ THỦ TRƯỞNG CƠ QUAN CẢNH SÁT ĐIỀU TRA CÔNG AN …» under the title: the body that issues, in full."""
    _, start = title_area(text)
    m = _SIGNER_TITLE.search(text, start, start + 600)
    if not m:
        return None
    value, src = m.group(1), m.group(0)
    nxt = (m.group(2) or "").strip()
    if nxt and _is_caps(nxt) and not _AGENCY_START.match(fold(nxt)) and not re.match(r"(?i)căn cứ", nxt):
        value = f"{value} {nxt}"
    else:
        src = src[: len(src) - len(m.group(2) or "")]
    return agency_case(value), squash_space(src)


def issuer_from(pieces: list[str]) -> str | None:
    if not pieces:
        return None
    folded = [fold(p) for p in pieces]
    child = next((p for p, f in zip(pieces, folded) if re.match(r"co quan (?:canh sat|an ninh|dieu tra)", f)), None)
    if child:
        parent = next((p for p, f in zip(pieces, folded) if re.match(r"(?:cong an|bo |quan khu)", f)), None)
        if parent and fold(parent) not in fold(child):
            return agency_case(f"{child} {parent}")
        return agency_case(child)
    for prefix in ("toa an", "vien kiem sat", "cong an", "uy ban"):
        hits = [p for p, f in zip(pieces, folded) if f.startswith(prefix)]
        if hits:
            return agency_case(hits[-1])
    return agency_case(pieces[-1])


def read_header(text: str, reading: Reading) -> None:
    head = "\n".join(text.splitlines()[:30])
    m = _TITLE_NUM.search(head)
    if m:  # «BẢN ÁN 25/2024/HS-ST NGÀY 10-9-2024 VỀ TỘI …» (as the courts publish judgments)
        reading.set("doc_no", clean_number(m.group(1)), m.group(0), SURE)
        dates = find_dates(m.group(2))
        if dates:
            reading.set("doc_date", dates[0][0], m.group(0), SURE)
    m = re.search(r"(?im)^\s*BẢN\s+ÁN\b[^\n]*?\bNGÀY\s+(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})", head)
    if m:
        dates = find_dates(m.group(1))
        if dates:
            reading.set("doc_date", dates[0][0], m.group(0), SURE)
    m = _NUM.search(head)
    if m:
        reading.set("doc_no", clean_number(m.group(1) or m.group(2)), m.group(0), SURE if m.group(1) else LIKELY)
    # the place-and-date line: «Kiến Thụy, ngày 05 tháng 8 năm 2024»; judgments: «Ngày: 10-9-2024»
    body_start = re.search(r"(?im)^\s*(?:căn cứ|kính gửi|nhân danh|xét thấy|hôm nay)", head)
    top = head[: body_start.start()] if body_start else head
    for line in top.splitlines():
        if re.search(r"(?i)(?:,\s*ngày|^\s*ngày\s*:?)\s*\d", line.strip()):
            dates = find_dates(line)
            if dates:
                reading.set("doc_date", dates[-1][0], line.strip(), SURE)
                break
    if "doc_date" not in reading.fields:  # OCR of a two-column header: «…, ngày 08 tháng 8 năm» … «2025»
        m = re.search(r"(?is),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\b([^\d]{0,60}?)(\d{4})\b", top)
        if m:
            from macros_py.intake.dates import make_date

            d = make_date(int(m.group(1)), int(m.group(2)), int(m.group(4)))
            if d:
                reading.set("doc_date", d, m.group(0), SURE if not m.group(3).strip() else WEAK)
    signed = signer_agency(text)
    body = _BODY_AGENCY.search(squash_space(text))
    pieces = header_pieces(text)
    issuer = issuer_from(pieces)
    if signed and (reading.ocr or not issuer or len(fold(signed[0])) > len(fold(issuer))):
        reading.set("issuer", signed[0], signed[1], SURE)
    elif body and (reading.ocr or not issuer) and (not issuer or fold(body.group(1)).startswith(fold(issuer)[:8])):
        reading.set("issuer", agency_case(body.group(1)), body.group(0), LIKELY)
    elif issuer:
        reading.set("issuer", issuer, " / ".join(pieces), LIKELY if len(pieces) > 1 else SURE)


# ---------------------------------------------------------------- offences

_QUOTED = r"[“\"«\u201c'‘]\s*([^”\"»\u201d'’\n]{3,120}?)\s*[”\"»\u201d'’]"
_OFFENCE_NAME = re.compile(r"(?i)(?:\btội(?:\s+danh)?|vụ án hình sự|vụ án|các tội|và|,)\s*:?\s*" + _QUOTED)
_OFFENCE_PLAIN = re.compile(r"(?i)\btội\s+([A-ZĐÀ-Ỹ][^“”\"«»\n,;:]{3,80}?)\s+(?=quy định|theo|xảy ra)")
_REF = re.compile(r"(?i)(?:điểm\s+([a-zđ](?:\s*(?:,|và)\s*[a-zđ])*)\s+)?(?:khoản\s+(\d{1,2})\s+)?Điều\s+(\d{1,3}[a-z]?)\b")
_BLHS_SPAN = re.compile(r"(?is)(?:quy định tại|theo|tại)\s+((?:(?!Tố tụng|Căn cứ|BLTTHS|\.\s).){3,260}?)\s*(?:của\s+)?"
                        r"(?:Bộ\s+luật\s+Hình\s+sự|BLHS)")


def format_ref(point: str | None, clause: str | None, article: str) -> str:
    out = []
    if point:
        out.append("điểm " + re.sub(r"\s*(?:,|và)\s*", ", ", point.lower()))
    if clause:
        out.append(f"khoản {int(clause)}")
    out.append(f"Điều {article}")
    return " ".join(out)


def read_offences(flat: str, reading: Reading) -> None:
    """Each offence named with its articles of the BLHS: «tội “Trộm cắp tài sản” quy định tại điểm c khoản 2
    Điều 173 Bộ luật Hình sự»; several per document, paired in order."""
    names: list[tuple[str, int, str]] = []
    for m in _OFFENCE_NAME.finditer(flat):
        names.append((m.group(1).strip(" .,"), m.start(1), m.group(0)))
    if not names:
        for m in _OFFENCE_PLAIN.finditer(flat):
            names.append((m.group(1).strip(" .,"), m.start(1), m.group(0)))
    refs: list[tuple[str, int, str]] = []
    for span in _BLHS_SPAN.finditer(flat):
        for r in _REF.finditer(span.group(1)):
            refs.append((format_ref(r.group(1), r.group(2), r.group(3)), span.start(1) + r.start(), span.group(0)))
    names = [n for n in names if not re.search(r"(?i)bộ luật|điều \d", n[0])]
    conf = SURE * (OCR_FACTOR if reading.ocr else 1)
    # groups of names with no article between them, each followed by its articles: one name takes them all;
    # as many names as articles pair in order; otherwise the articles are not given (never guessed)
    groups: list[tuple[list[tuple[str, int, str]], list[tuple[str, int, str]]]] = []
    for i, item in enumerate(names):
        nxt = names[i + 1][1] if i + 1 < len(names) else len(flat)
        mine = [r for r in refs if item[1] < r[1] < nxt]
        if groups and not groups[-1][1]:
            groups[-1][0].append(item)
            groups[-1][1].extend(mine)
        else:
            groups.append(([item], list(mine)))
    found: dict[str, dict[str, Field]] = {}
    for group, grefs in groups:
        if len(group) == 1:
            pairs = [(group[0], grefs)]
        elif len(group) == len(grefs):
            pairs = [(n, [r]) for n, r in zip(group, grefs)]
        else:
            pairs = [(n, []) for n in group]
        for (name, _, src), mine in pairs:
            key = fold(name)
            article = "; ".join(dict.fromkeys(r[0] for r in mine))
            if key in found and ("article" in found[key] or not article):
                continue
            item = {"offence": Field("offence", name[:1].upper() + name[1:], squash_space(src), conf)}
            if article:
                item["article"] = Field("article", article, squash_space(mine[0][2])[:160], conf)
            found[key] = item
    reading.offences.extend(found.values())


# ---------------------------------------------------------------- people

_PERSON_LABEL = re.compile(
    r"(?i)(?<!\w)(?:Họ\s+(?:và\s+)?tên(?:\s+(?:bị can|bị cáo|người bị (?:tạm giữ|kết án)|"
    r"người phải thi hành án))?|Bị cáo|Người bị kết án)\s*:\s*")
_STOP_NAME = re.compile(r"(?i)\s{2,}|[,;(\n]|\s+(?:Giới tính|Tên gọi khác|Sinh|SN|Ngày|Năm sinh|Nơi|Quốc tịch|Dân tộc|"
                        r"Nghề nghiệp|Trú)\b")
_BIRTH_DATE = re.compile(r"(?i)(?:sinh\s+ngày|ngày\s*,?\s*tháng\s*,?\s*năm\s+sinh|ngày\s+sinh)\s*:?\s*")
_BIRTH_YEAR = re.compile(r"(?i)(?:sinh\s+năm|năm\s+sinh|\bSN)\s*:?\s*(\d{4})\b")
_RESIDENCE = re.compile(
    r"(?i)(?:nơi\s+cư\s+trú|nơi\s+thường\s+trú|nơi\s+đăng\s+ký\s+(?:hộ\s+khẩu\s+)?thường\s+trú|nơi\s+ĐKHKTT|"
    r"HKTT|thường\s+trú\s+tại|trú\s+tại|cư\s+trú\s+tại)\s*:?\s*")
_RES_STOP = re.compile(
    r"(?i);|\.\s|\.$|\s\d{1,2}[.)]\s|\s(?:Nghề\s+nghiệp|Quốc\s+tịch|Dân\s+tộc|Tôn\s+giáo|Trình\s+độ|Số\s+(?:CCCD|CMND|định danh)|"
    r"Căn\s+cước|Con\s+ông|Con\s+bà|Tiền\s+án|Tiền\s+sự|Nhân\s+thân|Chỗ\s+ở|Họ\s+tên|Bị\s+(?:bắt|cáo|can|tạm)|"
    r"Đã\s+(?:thực|có|phạm|bị)|Về\s+(?:các\s+)?(?:hành|tội)|(?:Bị\s+)?xử\s+phạt|Vì\s|Hiện\s|Điều\s+\d|Thời\s+hạn|Tạm\s+giữ|Tạm\s+giam|để\s|"
    r"có\s+mặt|vắng\s+mặt|là\s+|bị\s+Viện|bị\s+truy)")
_INLINE_PERSON = re.compile(
    r"(?:bị can|bị cáo|người bị tạm giữ|người bị kết án|người bị bắt|đối với)\s*:?\s*(?:ông|bà|anh|chị)?\s*"
    r"((?:[A-ZĐÀ-Ỹ][\wÀ-ỹđĐ]*\s+){1,5}[A-ZĐÀ-Ỹ][\wÀ-ỹđĐ]*)\s*[,(]\s*(?=sinh|SN|năm sinh|\d)")


def _name_ok(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 7 and all(w[:1].isupper() for w in words) and not re.search(r"\d", name)


def _read_person(block: str, name: str, src: str, reading: Reading) -> dict[str, Field]:
    conf = SURE * (OCR_FACTOR if reading.ocr else 1)
    person = {"name": Field("name", name_case(name), squash_space(src), conf)}
    m = _BIRTH_DATE.search(block)
    if m:
        dates = find_dates(block[m.end(): m.end() + 30])
        if dates and dates[0][1] == 0:
            d = dates[0][0]
            person["birth_date"] = Field("birth_date", d, squash_space(block[m.start(): m.end() + dates[0][2]]), conf)
            person["birth_year"] = Field("birth_year", d.year, person["birth_date"].source, conf)
    if "birth_year" not in person:
        m = _BIRTH_YEAR.search(block)
        if m:
            person["birth_year"] = Field("birth_year", int(m.group(1)), m.group(0), conf)
    m = _RESIDENCE.search(block)
    if m:
        rest = block[m.end():]
        stop = _RES_STOP.search(rest)
        value = rest[: stop.start() if stop else 160].strip(" ,:")
        if 3 <= len(value) <= 200:
            person["residence"] = Field("residence", value, squash_space(block[m.start(): m.end() + len(value)]),
                                        conf * (1 if stop else 0.7))
    return person


def read_persons(flat: str, reading: Reading) -> None:
    labels = list(_PERSON_LABEL.finditer(flat))
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else min(len(flat), m.end() + 700)
        block = flat[m.end(): min(end, m.end() + 700)]
        stop = _STOP_NAME.search(block)
        name = block[: stop.start() if stop else 60].strip(" .:")
        name = re.sub(r"^(?:ông|bà|anh|chị)\s+", "", name, flags=re.I)
        if not _name_ok(name):
            continue
        if any(fold(p["name"].value) == fold(name) for p in reading.persons):
            continue
        reading.persons.append(_read_person(block, name, m.group(0) + name, reading))
    if reading.persons:
        return
    for m in _INLINE_PERSON.finditer(flat):
        name = m.group(1).strip()
        if not _name_ok(name) or any(fold(p["name"].value) == fold(name) for p in reading.persons):
            continue
        block = flat[m.end(1): m.end(1) + 400]
        nxt = _INLINE_PERSON.search(flat, m.end())
        if nxt:
            block = flat[m.end(1): nxt.start()] if nxt.start() > m.end(1) else block
        person = _read_person(block, name, m.group(0), reading)
        for f in person.values():
            f.confidence *= LIKELY / SURE
        reading.persons.append(person)


_PENALTY = re.compile(r"(?i)(?:xử\s+phạt|phạt(?:\s+tiền)?|hình\s+phạt(?:\s+chính)?\s*:?|chấp\s+hành\s+hình\s+phạt)\s*(?:bị cáo\s+"
                      r"(?:[A-ZĐÀ-Ỹ][\wÀ-ỹđĐ]*\s+){1,6})?\s*:?\s*(\d{1,2}\s*(?:\([^)]{1,30}\)\s*)?(?:tháng|năm)(?:\s+\d{1,2}\s*"
                      r"(?:\([^)]{1,30}\)\s*)?tháng)?\s+(?:tù|cải tạo không giam giữ)(?:\s+(?:nhưng\s+)?cho\s+hưởng\s+án\s+treo)?|"
                      r"tù\s+chung\s+thân|tử\s+hình|(?:tiền\s+)?\d{1,3}(?:\.\d{3})+\s*đồng)")


def read_penalties(flat: str, reading: Reading) -> None:
    """«Xử phạt bị cáo Nguyễn Văn An 12 (mười hai) tháng tù» -> «12 tháng tù», given to the person named before it
    (or to the only person)."""
    for m in _PENALTY.finditer(flat):
        value = re.sub(r"\s*\([^)]*\)\s*", " ", m.group(1))
        value = squash_space(value)
        if value.startswith("tiền "):
            value = "phạt " + value
        elif re.match(r"\d", value) and "đồng" in value:
            value = "phạt tiền " + value
        before = fold(flat[max(0, m.start() - 10): m.start(1)])
        target = None
        for p in reading.persons:
            if fold(p["name"].value) in before:
                target = p
        if target is None and len(reading.persons) == 1:
            target = reading.persons[0]
        if target is not None and "penalty" not in target:
            conf = SURE * (OCR_FACTOR if reading.ocr else 1)
            target["penalty"] = Field("penalty", value, squash_space(m.group(0)), conf)


# ---------------------------------------------------------------- clocks, court, tin báo

_SPAN = re.compile(r"(?i)(?:kể\s+từ|tính\s+từ|từ)\s+((?:(?!\bđến\b).){0,40}?(?:ngày\s*)?\d{1,2}\s*(?:[/.-]\s*\d{1,2}\s*[/.-]"
                   r"\s*\d{4}|tháng\s+\d{1,2}\s+năm\s+\d{4}))\s*,?\s*(?:đến|tới)\s+(?:hết\s+)?((?:(?!\bđến\b).){0,40}?"
                   r"(?:ngày\s*)?\d{1,2}\s*(?:[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|tháng\s+\d{1,2}\s+năm\s+\d{4}))")


def read_span(flat: str, words: str, start_key: str, until_key: str, reading: Reading, hour_key: str | None = None
              ) -> None:
    """«Thời hạn tạm giam là 02 tháng, kể từ ngày 05/8/2024 đến ngày 04/10/2024»: the first «từ … đến …» after
    `words` (a regular expression)."""
    for anchor in re.finditer(words, flat, flags=re.I):
        m = _SPAN.search(flat, anchor.end(), anchor.end() + 300)
        if not m:
            continue
        a, b = find_dates(m.group(1)), find_dates(m.group(2))
        if not a or not b:
            continue
        reading.set(start_key, a[-1][0], m.group(0), SURE)
        reading.set(until_key, b[-1][0], m.group(0), SURE)
        if hour_key:
            hour = find_hour(m.group(1))
            if hour:
                reading.set(hour_key, hour[0], m.group(0), SURE)
        return


_CASE_REF = re.compile(r"(?i)khởi\s+tố\s+vụ\s+án(?:\s+hình\s+sự)?\s+số\s*:?\s*(" + NUMBER + r")\s*,?\s*(?:ngày\s*)?"
                       r"(\d{1,2}\s*(?:[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|tháng\s+\d{1,2}\s+năm\s+\d{4}))")
_CASE_CODE = re.compile(r"(?i)mã\s+(?:số\s+)?(?:vụ\s+án|hồ\s+sơ)\s*:\s*([\w/.-]{2,30})")
_CASE_TYPES = (
    (r"hôn nhân và gia đình|hôn nhân gia đình|HNGĐ", "Hôn nhân và gia đình"),
    (r"kinh doanh,? thương mại|KDTM", "Kinh doanh, thương mại"),
    (r"lao động|LĐ\b", "Lao động"), (r"hành chính|-HC\b", "Hành chính"), (r"hình sự|-HS\b", "Hình sự"),
    (r"dân sự|-DS\b", "Dân sự"),
)
_ACCEPT = re.compile(r"(?i)(?:đã\s+)?thụ\s+lý\s+(?:vụ\s+(?:án|việc)\s+)?(?:[^.;]{0,80}?)\bsố\s*:?\s*(" + NUMBER + ")")


def read_case_ref(flat: str, reading: Reading) -> None:
    m = _CASE_REF.search(flat)
    if m:
        dates = find_dates(m.group(2))
        reading.set("case_opening_no", clean_number(m.group(1)), m.group(0), SURE)
        if dates:
            reading.set("case_opening_date", dates[0][0], m.group(0), SURE)
    m = _CASE_CODE.search(flat)
    if m:
        reading.set("case_code", m.group(1).strip(".,"), m.group(0), SURE)


def read_acceptance(flat: str, reading: Reading) -> None:
    m = _ACCEPT.search(flat)
    if not m:
        m2 = re.search(r"(?i)số\s+thụ\s+lý\s*:?\s*(" + NUMBER + ")", flat)
        if m2:
            reading.set("acceptance_no", clean_number(m2.group(1)), m2.group(0), SURE)
    else:
        reading.set("acceptance_no", clean_number(m.group(1)), m.group(0), SURE)
    # «Ngày 15 tháng 10 năm 2025, Tòa án … đã thụ lý …»: the last date before «đã thụ lý» in its sentence
    m = re.search(r"(?i)đã\s+thụ\s+lý", flat)
    if m:
        found = _date_near(flat, m.start(), m.end())
        if found:
            reading.set("acceptance_date", found[0], found[1], SURE)
    source = reading.fields["acceptance_no"].value if "acceptance_no" in reading.fields else ""
    m = re.search(r"(?i)thụ\s+lý\s+vụ\s+(?:án|việc)\s+((?:\w+\s*,?\s*){1,5}?)\s*(?:sơ thẩm|phúc thẩm|số)", flat)
    text = (m.group(1) if m else "") + " " + source
    for pattern, value in _CASE_TYPES:
        if re.search(pattern, text, flags=re.I):
            reading.set("case_type", value, (m.group(0) if m else source), SURE if m else LIKELY)
            break
    for key, words in (("plaintiff", r"Nguyên\s+đơn|Người\s+khởi\s+kiện|Người\s+yêu\s+cầu"),
                       ("defendant", r"Bị\s+đơn|Người\s+bị\s+kiện")):
        m = re.search(rf"(?:{words})\s*(?:là)?\s*:\s*(?:ông|bà|anh|chị)?\s*([^,;(\n]{{3,80}}?)\s*[,;(]", flat, flags=re.I)
        if m:
            reading.set(key, m.group(1).strip(), m.group(0), SURE)
    m = re.search(r"(?i)về\s+việc\s+[“\"«]?((?:tranh\s+chấp|yêu\s+cầu|khiếu\s+kiện|ly\s+hôn)[^”\"».;]{3,150})", flat)
    if m:
        value = m.group(1).strip()
        reading.set("dispute", value[:1].upper() + value[1:], m.group(0), SURE)


def _date_near(flat: str, start: int, end: int, before: int = 220, after: int = 120) -> tuple[date, str] | None:
    """The date a clause ties to the words at start:end: the last one before them in the same sentence, else the
    first after them in the same sentence."""
    lo = max(0, start - before)
    window = flat[lo:start]
    cut = max(window.rfind(". "), window.rfind("; "), window.rfind(": "))
    window = window[cut + 1:] if cut >= 0 else window
    dates = find_dates(window)
    if dates:
        return dates[-1][0], (window[dates[-1][1]:] + flat[start:end]).strip()
    tail = flat[end: end + after]
    stop = re.search(r"\.\s|;", tail)
    tail = tail[: stop.start()] if stop else tail
    dates = find_dates(tail)
    if dates:
        return dates[0][0], (flat[start:end] + tail).strip()
    return None


_SOURCE_WORDS = ((r"kiến\s+nghị\s+khởi\s+tố", "Kiến nghị khởi tố"), (r"tố\s+giác", "Tố giác"), (r"tin\s+báo", "Tin báo"))


def read_tip(flat: str, reading: Reading) -> None:
    """The notice of a tin báo: when the investigating body received it, from whom, about what."""
    m = re.search(r"(?i)ngày\s+tiếp\s+nhận\s*:?\s*", flat)
    if m:
        dates = find_dates(flat[m.end(): m.end() + 30])
        if dates and dates[0][1] == 0:
            reading.set("received_date", dates[0][0], flat[m.start(): m.end() + dates[0][2]], SURE)
    body = re.search(r"(?i)\b(?:kính\s+gửi|căn\s+cứ)\b", flat)
    anchor = re.compile(r"(?i)\b(?:đã\s+tiếp\s+nhận|nhận\s+được|tiếp\s+nhận)\b(?!\s*:)").search(
        flat, body.start() if body else 0)
    if anchor is None:
        return
    found = _date_near(flat, anchor.start(), anchor.end())
    if found and "received_date" not in reading.fields:
        reading.set("received_date", found[0], found[1], LIKELY)
    rest = flat[anchor.end(): anchor.end() + 500]
    stop = re.search(r"\.\s+[A-ZĐÀ-Ỹ]|\.$", rest)
    sentence = rest[: stop.start()] if stop else rest
    head = sentence[:40]
    for pattern, value in _SOURCE_WORDS:
        if re.search(pattern, head, flags=re.I):
            reading.set("source", value, flat[anchor.start(): anchor.end()] + head, LIKELY)
            break
    m = re.search(r"(?i)(?:tố\s+giác|tin\s+báo|kiến\s+nghị\s+khởi\s+tố|đơn(?:\s+trình\s+báo)?)(?:\s+về\s+tội\s+phạm)?\s+"
                  r"của\s+(?:ông|bà|anh|chị|em)?\s*(.+?)\s*(?:,|\(|\s+về\s+việc|\s+trình\s+báo|\s+tố\s+giác)", sentence)
    if m and len(m.group(1)) <= 120:
        value = m.group(1).strip()
        reading.set("reporter", value[:1].upper() + value[1:], m.group(0), LIKELY)
    m = re.search(r"(?i)về\s+việc\s+(.+)$", sentence)
    if m:
        value = m.group(1).strip(" .")
        if 5 <= len(value) <= 400:
            reading.set("summary", value[:1].upper() + value[1:], m.group(0), LIKELY)


_VKS = re.compile(r"(?i)(Viện\s+kiểm\s+sát\s+nhân\s+dân|VKSND)\s+([^;,\n.]{3,80})")


def read_addressees(text: str, reading: Reading) -> None:
    """The procuracies the document is sent to («Kính gửi:», «Nơi nhận:»)."""
    parts: list[str] = []
    for m in re.finditer(r"(?im)^\s*kính\s+gửi\s*:?(.*(?:\n(?!\s*(?:căn cứ|ngày|vào|hôm)).*){0,2})", text):
        parts.append(m.group(1))
    m = re.search(r"(?is)\bnơi\s+nhận\s*:(.{0,600})", text)
    if m:
        parts.append(m.group(1))
    for part in parts:
        for v in _VKS.finditer(part):
            name = squash_space(f"Viện kiểm sát nhân dân {v.group(2)}").strip(" -")
            if not any(fold(a.value) == fold(name) for a in reading.addressees):
                reading.addressees.append(Field("addressees", name, squash_space(v.group(0)), LIKELY))


# ---------------------------------------------------------------- the whole document

def read_document(text: str, ocr: bool = False) -> Reading:
    """Everything intake reads from a document's text."""
    if ocr:
        text = repair_ocr(text)
    kind, title = recognise(text)
    reading = Reading(kind, title, ocr=ocr)
    flat = squash_space(text)
    read_header(text, reading)
    read_addressees(text, reading)
    if kind is None:
        return reading
    key = kind.key
    if key in ("khoi_to_vu_an", "khoi_to_bi_can", "tam_giu", "tam_giam", "tin_bao", "ban_an", "thu_ly",
               "thi_hanh_an"):
        read_offences(flat, reading)
    if key != "khoi_to_vu_an" and key != "tin_bao":
        read_persons(flat, reading)
    if key in ("khoi_to_vu_an", "khoi_to_bi_can", "tam_giu", "tam_giam"):
        read_case_ref(flat, reading)
        if key == "khoi_to_vu_an":
            reading.fields.pop("case_opening_no", None)
            reading.fields.pop("case_opening_date", None)
    if key == "tam_giu":
        read_span(flat, r"tạm\s+giữ", "custody_start", "custody_until", reading, hour_key="custody_time")
    if key == "tam_giam":
        read_span(flat, r"tạm\s+giam", "detention_start", "detention_until", reading)
    if key == "tin_bao":
        read_tip(flat, reading)
    if key == "thu_ly":
        read_acceptance(flat, reading)
    if key in ("ban_an", "thi_hanh_an"):
        read_penalties(flat, reading)
    if key == "thi_hanh_an":
        m = re.search(r"(?i)bản\s+án(?:\s+hình\s+sự)?(?:\s+(?:sơ|phúc)\s+thẩm)?\s+số\s*:?\s*(" + NUMBER + r")\s*,?\s*ngày\s*"
                      r"(\d{1,2}\s*(?:[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|tháng\s+\d{1,2}\s+năm\s+\d{4}))"
                      r"(?:\s+của\s+(Tòa\s+án\s+nhân\s+dân\s+[^;,.]{3,80}))?", flat)
        if m:
            reading.set("judgment_no", clean_number(m.group(1)), m.group(0), SURE)
            dates = find_dates(m.group(2))
            if dates:
                reading.set("judgment_date", dates[0][0], m.group(0), SURE)
            if m.group(3):
                reading.set("court", squash_space(m.group(3)), m.group(0), SURE)
    return reading


def as_plain(reading: Reading) -> dict[str, Any]:
    """The reading as plain values (dates ISO, hours HH:MM), the shape of the corpus' expected files and of --json."""
    def plain(v: Any) -> Any:
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, time):
            return v.strftime("%H:%M")
        return v
    out: dict[str, Any] = {"kind": reading.kind.key if reading.kind else None}
    out.update({k: plain(f.value) for k, f in reading.fields.items()})
    out["persons"] = [{k: plain(f.value) for k, f in p.items()} for p in reading.persons]
    out["offences"] = [{k: plain(f.value) for k, f in o.items()} for o in reading.offences]
    return out
