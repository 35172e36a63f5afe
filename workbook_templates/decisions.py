"""Builds the decision templates (.docx for docxtpl) from the [text] of each built-in type's
manifest (workbook_templates/decisions/<key>/manifest.toml), the way builder.py builds the ledger
workbook from the schema.

Layout after Decree 30/2020/NĐ-CP: A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times
New Roman 14 (header blocks 13, «Nơi nhận» 12/11); the parent and issuing procuracy at top left
with «Số: ...», the national motto at top right with the italic place-and-date line; the bold
title; the authority line; italic legal bases; Điều 1-3; «Nơi nhận» and the signature block;
the page number at the top centre from page 2 on (none on page 1), a short rule under the
trích yếu. Unit names, place, number and signer are fields from the ledger, so
a unit renamed in a reorganisation edits Cấu hình, not the templates. Clerks may edit the
output in Word: kiemsat reads any docxtpl template (`kiemsat templates check`).

`python -m workbook_templates.decisions` rewrites workbook_templates/decisions/<key>/*.docx.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

from macros_py.decisions.decision_types import DECISION_TYPES, DecisionType
from macros_py.documents.docxparts import decree30_page_numbers, first_para, fixed_table, para
from macros_py.resources import DECISIONS_FOLDER

TEMPLATES_DIR = Path(__file__).with_name(DECISIONS_FOLDER)
FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
FIXED_TIMESTAMP = datetime(2024, 1, 1)
TEXT_WIDTH_CM = 16.5  # A4 210 mm - 30 mm - 15 mm
# parts python-docx's default template carries that a decision does not need
_DROPPED_RELS = ("stylesWithEffects", "customXml", "thumbnail")
# sectPr children that must come after pgNumType (ECMA-376 order)
_AFTER_PGNUMTYPE = {qn(f"w:{t}") for t in ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection",
                                           "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")}


# ---------------------------------------------------------------- document set-up


def _drop_bloat(doc: DocumentObject) -> None:
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _DROPPED_RELS:
                rels.pop(rid)


def _set_fonts(doc: DocumentObject) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(BODY_PT * 2))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(BODY_PT * 2))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "vi-VN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)


def _page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    sect = section._sectPr
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), "1")  # each decision of a combined print file numbers its own pages
    later = next((child for child in sect if child.tag in _AFTER_PGNUMTYPE), None)
    if later is not None:
        later.addprevious(pg)
    else:
        sect.append(pg)
    decree30_page_numbers(section, BODY_PT)


APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           '<Application>kiemsat</Application><DocSecurity>0</DocSecurity><Pages>1</Pages></Properties>')


def _properties(doc: DocumentObject, dtype: DecisionType) -> None:
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":  # python-docx's says «Microsoft Macintosh Word»
            part._blob = APP_XML.encode("utf-8")
    props = doc.core_properties
    props.title = f"Mẫu quyết định: {dtype.title}"
    props.author = props.last_modified_by = "kiemsat"
    props.comments = "Mẫu trộn thư của kiemsat; các trường lấy từ sổ theo dõi (kiemsat templates check)."
    props.created = props.modified = FIXED_TIMESTAMP
    props.revision = 1
    props.language = "vi-VN"


# ---------------------------------------------------------------- paragraphs


def _para(container: Any, text: str = "", **kw: Any) -> Paragraph:
    return para(container, text, **{"size": BODY_PT, "align": WD_ALIGN_PARAGRAPH.CENTER, **kw})


def _first_para(cell: Any, text: str, **kw: Any) -> Paragraph:
    return first_para(cell, text, **{"size": BODY_PT, "align": WD_ALIGN_PARAGRAPH.CENTER, **kw})


def _rule_under(p: Paragraph, indent_cm: float) -> None:
    """The short line under the issuing body's name: the bottom border of a tiny indented paragraph."""
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        bottom.set(qn(f"w:{k}"), v)
    border.append(bottom)
    mark = OxmlElement("w:rPr")  # the paragraph mark's size sets the height of the empty paragraph
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    ppr.append(mark)
    ppr.insert_element_before(border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                              "w:rPr", "w:sectPr", "w:pPrChange")


def _table(doc: DocumentObject, widths_cm: tuple[float, float], rows: int = 1):
    return fixed_table(doc, widths_cm, rows)


LEFT_CM = 6.8  # the unit's block: «VIỆN KIỂM SÁT NHÂN DÂN» and «KHU VỰC 1 - HẢI PHÒNG» each fit one line
SIGNATURE_LEFT_CM = 7.5  # «Nơi nhận»


def _draft_mark(doc: DocumentObject) -> None:
    _para(doc, "{%p if draft %}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ draft }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{%p endif %}", align=WD_ALIGN_PARAGRAPH.RIGHT)


def _header(doc: DocumentObject) -> None:
    table = _table(doc, (LEFT_CM, TEXT_WIDTH_CM - LEFT_CM), rows=2)
    left, right = table.rows[0].cells
    _first_para(left, "{{ parent_unit|unit_lines }}", size=HEADER_PT)
    _para(left, "{{ unit_name|unit_lines }}", size=HEADER_PT, bold=True)
    _rule_under(_para(left), 2.2)
    _first_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=HEADER_PT, bold=True, underline=True)
    number, place = table.rows[1].cells
    _first_para(number, "Số: {{ decision_no }}", size=HEADER_PT, before=6)
    _first_para(place, "{{ place }}, {{ decision_date|long_date }}", size=HEADER_PT, italic=True, before=6)


def _articles(doc: DocumentObject, dtype: DecisionType) -> None:
    texts = (dtype.article1, dtype.article2, dtype.article3)[:dtype.articles]
    for i, text in enumerate((*texts[:-1], texts[-1] + "./."), start=1):
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=1.0)
        head = p.add_run(f"Điều {i}. ")
        head.bold = True
        head.font.size = Pt(BODY_PT)
        p.add_run(text).font.size = Pt(BODY_PT)


def _signature(doc: DocumentObject, dtype: DecisionType) -> None:
    table = _table(doc, (SIGNATURE_LEFT_CM, TEXT_WIDTH_CM - SIGNATURE_LEFT_CM))
    left, right = table.rows[0].cells
    _first_para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=12)
    last = len(dtype.recipients) - 1
    for i, recipient in enumerate(dtype.recipients):
        text = f"- {recipient.text}{'.' if i == last else ';'}"
        if recipient.when:
            _para(left, f"{{%p if {recipient.when} %}}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        _para(left, text, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        if recipient.when:
            _para(left, "{%p endif %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _first_para(right, "{%p if signer_on_behalf %}", before=12)
    _para(right, "{{ signer_on_behalf }}", bold=True)
    _para(right, "{%p endif %}")
    _para(right, "{{ signer_title }}", bold=True)
    for _ in range(4):
        _para(right)
    _para(right, "{{ signer_name }}", bold=True)


# two-syllable words of the trích yếu a line break must not split (Vietnamese writes a word's syllables apart)
_ONE_WORD = {tuple(w.split()) for w in (
    "kiểm sát", "công tố", "quyền công", "tuân theo", "pháp luật", "tố tụng", "hình sự", "dân sự", "hành chính",
    "điều tra", "hồ sơ", "tội phạm", "nguồn tin", "giải quyết", "thời hạn", "khởi tố", "truy tố", "tạm giam",
    "tạm giữ", "thực hành", "phân công", "thay đổi", "gia hạn", "tố giác", "tin báo", "kiến nghị", "vụ án",
    "bị can", "thi hành", "nghiên cứu", "phê chuẩn", "quyết định", "biện pháp", "ngăn chặn", "bổ sung", "thay thế",
    "hủy bỏ", "yêu cầu", "thẩm quyền", "lệnh tạm", "ra quyết", "lập hồ", "viên kiểm", "sát viên", "tra viên")}
ONE_LINE_TITLE = 60  # characters of a trích yếu that surely fit one line (Times New Roman 14 bold, 16.5 cm)


def title_lines(title: str) -> list[str]:
    """The trích yếu in balanced lines: one line when short, else two of about equal length, broken
    after a comma when one is near the middle, so the last line never holds a lone word (the way
    LibreOffice and Word would wrap «…tố tụng dân / sự»)."""
    words = title.split()
    if len(title) <= ONE_LINE_TITLE or len(words) < 4:
        return [title]

    def cost(i: int) -> float:
        left, right = " ".join(words[:i]), " ".join(words[i:])
        inside = (words[i - 1].lower(), words[i].lower().strip(",;.")) in _ONE_WORD  # «công / tố» is one word
        return abs(len(left) - len(right)) - (8 if left.endswith(",") else 0) + (40 if inside else 0)
    best = min(range(2, len(words) - 1), key=cost)
    return [" ".join(words[:best]), " ".join(words[best:])]


def _title(doc: DocumentObject, title: str) -> None:
    p = _para(doc)
    lines = title_lines(title)
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        run = p.add_run(line if last else line + " ")  # the text reads whole when copied
        run.bold = True
        run.font.size = Pt(BODY_PT)
        if not last:
            run.add_break()


def build_template(dtype: DecisionType) -> DocumentObject:
    doc = Document()
    _drop_bloat(doc)
    _set_fonts(doc)
    _page(doc)
    _properties(doc, dtype)
    body = doc.element.body
    if len(body) and body[0].tag == qn("w:p"):  # python-docx's default template starts with an empty one
        body.remove(body[0])
    _draft_mark(doc)
    _header(doc)
    _para(doc, "QUYẾT ĐỊNH", bold=True, before=18)
    _title(doc, dtype.title)
    if dtype.subtitle:  # 42/HS: «Lần thứ …» under the trích yếu
        _para(doc, dtype.subtitle, bold=True)
    _rule_under(_para(doc, before=3), 6.0)  # Decree 30: a short rule under the trích yếu
    _para(doc, "VIỆN TRƯỞNG {{ unit_name|unit_inline }}", bold=True, before=12, after=12)
    last = len(dtype.bases) - 1
    for i, basis in enumerate(dtype.bases):
        _para(doc, basis + ("." if i == last else ";"), italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6,
              indent=1.0)
    _para(doc, "QUYẾT ĐỊNH:", bold=True, before=6, after=6)
    _articles(doc, dtype)
    _signature(doc, dtype)
    return doc


def build_all(folder: Path = TEMPLATES_DIR) -> list[Path]:
    """Each built-in type's template, into its folder under `folder` (beside its manifest)."""
    written = []
    for dtype in DECISION_TYPES:
        path = folder / dtype.key / dtype.template
        path.parent.mkdir(parents=True, exist_ok=True)
        build_template(dtype).save(path)
        written.append(path)
    return written


def main() -> None:
    for path in build_all():
        print(f"Đã ghi {path}")


if __name__ == "__main__":
    main()
