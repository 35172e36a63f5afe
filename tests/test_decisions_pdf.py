"""Every decision type rendered to PDF through LibreOffice (the `kiemsat decide --pdf` path), read
as a leader reads it: one page, no page number on page 1, the blocks in order, one font, and the
text facts of issue 15 (who signs, which articles, forms of address, document numbers, full agency
names, everyone named in Điều 3 and Nơi nhận, offences and penalties as a clerk writes them).
The XML is checked for margins, fonts, sizes and the document's own properties.

To look at one page of each new type: `python tests/test_decisions_pdf.py OUT_DIR` (writes the PDFs).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from macros_py.decisions.decision_types import DECISION_TYPES, DECISION_TYPES_BY_KEY  # noqa: E402
from macros_py.decisions.issuing import Options, issue_decisions  # noqa: E402
from macros_py.documents import pdf as pdf_module  # noqa: E402
from macros_py.ledger.reader import read_ledger  # noqa: E402
from tests.decision_ledger import (  # noqa: E402
    DAY,
    DEPUTY_1,
    HEAD,
    KSV_1,
    KSV_2,
    KSV_3,
    KTV_1,
    NEW_FORMS,
    ORDER,
    POLICE_FULL,
    ROWS,
    UNIT,
    UNTIL,
    build_ledger,
    until,
)
from tests.lo import find_soffice_or_skip  # noqa: E402

NEW_TYPES = ("gia-han-tin-bao", "gia-han-dieu-tra", "gia-han-tam-giam", "gia-han-truy-to", "thay-doi-ksv")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 72 / 25.4  # PDF points per millimetre


def issue_all(folder: Path) -> tuple[Path, dict[str, Path], dict[str, Path]]:
    """The ledger, and per type its .docx and .pdf (all PDFs in one soffice call)."""
    ledger = build_ledger(folder / "so.xlsx")
    docs = {}
    for key in ORDER:
        batch = issue_decisions(ledger, key, rows=[ROWS[key]], out_dir=folder / "qd", day=DAY,
                                options=Options(until=until(key), all_or_nothing=True))
        docs[key] = batch.issued[0].file
    pdfs = dict(zip(docs, pdf_module.to_pdf(list(docs.values()))))
    return ledger, docs, pdfs


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    find_soffice_or_skip()
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    return issue_all(tmp_path_factory.mktemp("decisions"))


def _text(pdf: Path) -> str:
    raw = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return raw.replace("\u00a0", " ").replace("\u2060", "")


def _flat(pdf: Path) -> str:
    """The text as one line: no layout, no line breaks."""
    return " ".join(_text(pdf).split())


def _words(pdf: Path) -> list[tuple[int, float, float, float, str]]:
    """(page, xMin, yMin, yMax, word) from pdftotext -bbox, in points from the top-left."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', line)
        if m:
            out.append((page, float(m.group(1)), float(m.group(2)), float(m.group(3)),
                        m.group(4).replace("\u00a0", " ").replace("\u2060", "")))
    return out


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def _fonts(pdf: Path) -> set[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()}


def _after(text: str, marker: str) -> str:
    return text[text.index(marker):]


# ---------------------------------------------------------------- every type


def test_templates_check_lists_every_type_and_at_least_eleven():
    done = subprocess.run([str(Path(sys.executable).with_name("kiemsat")), "templates", "check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout
    listed = [line.split(":")[0] for line in done.stdout.splitlines() if line and not line.startswith(" ")]
    assert set(NEW_TYPES) <= set(listed) and len(DECISION_TYPES) >= 11
    assert f"Cả {len(DECISION_TYPES)} mẫu dùng được." in done.stdout


@pytest.mark.parametrize("key", ORDER)
def test_one_page_blocks_in_order_one_font_no_page_number(rendered, key):
    _, docs, pdfs = rendered
    pdf = pdfs[key]
    assert _pages(pdf) == 1
    flat = _flat(pdf)
    dtype = DECISION_TYPES_BY_KEY[key]
    blocks = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số:", "QUYẾT ĐỊNH",
              " ".join(dtype.title.split()[:4]), "VIỆN TRƯỞNG " + UNIT, "Căn cứ", "QUYẾT ĐỊNH:", "Điều 1.", "Điều 2.",
              *(["Điều 3."] if dtype.articles == 3 else []), "Nơi nhận:",
              "Lưu: VT, HSKS." if not dtype.recipients_text else "Lưu:"]
    positions = [flat.find(b) for b in blocks]
    assert -1 not in positions, [b for b, p in zip(blocks, positions) if p < 0]
    assert positions == sorted(positions), list(zip(blocks, positions))
    # one metric-compatible font family throughout (never Liberation mixed with DejaVu)
    families = {re.sub(r"-(Bold|Italic|BoldItalic)$", "", f) for f in _fonts(pdf)}
    assert len(families) == 1 and families <= {"TimesNewRomanPSMT", "TimesNewRoman", "LiberationSerif", "Tinos"}
    # Decree 30: no page number on page 1 (no lone number in the top or bottom margin)
    for _page, _x, top, bottom, word in _words(pdf):
        if top < 20 * MM or bottom > 277 * MM:
            assert not word.isdigit(), (word, top)
    # the facts every decision shares
    assert "ông (bà)" not in flat and "CSĐT" not in flat.replace("QĐ-CSĐT", "")
    assert "Luật Tổ chức Viện kiểm sát nhân dân năm 2014, được sửa đổi, bổ sung năm 2025" in flat
    assert f"Số: {docs[key].name.split('_')[0].split('-')[1].lstrip('0')}/QĐ-VKSKV1" in flat


def title_lines_of(pdf: Path) -> list[list[str]]:
    """The trích yếu's lines as LibreOffice laid them out: the words between «QUYẾT ĐỊNH» and
    «VIỆN TRƯỞNG …», grouped by their baseline."""
    words = _words(pdf)
    top = next(t for _p, _x, t, _b, w in words if w == "QUYẾT")
    end = next(t for _p, _x, t, _b, w in words if w == "TRƯỞNG" and t > top + 1)
    lines: dict[int, list[tuple[float, str]]] = {}
    for _p, x, t, _b, w in words:
        if top + 1 < t < end - 1:
            lines.setdefault(round(t), []).append((x, w))
    return [[w for _x, w in sorted(line)] for _t, line in sorted(lines.items())]


@pytest.fixture(scope="module")
def facts(tmp_path_factory):
    """Each type's row as the clerk typed it (a fresh copy: the rendered ledger has the write-backs)."""
    from macros_py.decisions.issuing import _agencies, _joined

    ledger = read_ledger(build_ledger(tmp_path_factory.mktemp("facts") / "so.xlsx"))
    out = {}
    for key in ORDER:
        dtype = DECISION_TYPES_BY_KEY[key]
        record = next(r for r in ledger.records(dtype.sheet) if r.row == ROWS[key])
        out[key] = (_joined(ledger, dtype, record)[0], _agencies(ledger))
    return out


@pytest.mark.parametrize("key", ORDER)
def test_every_required_fact_of_the_row_and_the_law_in_force_are_printed(rendered, facts, key):
    from macros_py.decisions.legal_bases import bases_context
    from macros_py.decisions.merge import AGENCY_FIELDS, CompiledTemplate, expand_agency
    from macros_py.decisions.decision_types import template_path
    from macros_py.ledger.values import fmt_date

    flat = _flat(rendered[2][key]).lower()
    dtype = DECISION_TYPES_BY_KEY[key]
    values, agencies = facts[key]
    assert dtype.required, key  # every type says what it cannot be issued without
    for fact in dtype.required:
        if fact.when and values.get(fact.when[0]) not in fact.when[1]:
            continue
        value = values[fact.field]
        assert value not in (None, ""), (key, fact.field)
        text = fmt_date(value) if isinstance(value, date) else str(value)
        if fact.field in AGENCY_FIELDS:
            text = expand_agency(text, agencies)
        if fact.field == "decision_no":  # the assignment it changes is cited as such
            text = str(value)
        assert " ".join(text.split()).lower() in flat, (key, fact.field, text)
    used = CompiledTemplate(template_path(dtype)).fields
    for field, text in bases_context(DAY).items():
        if field in used and text.strip():
            assert " ".join(text.split()).lower() in flat, (key, field)
    assert "[thiếu" not in flat and "dự thảo" not in flat


@pytest.mark.parametrize("key", ORDER)
def test_the_title_has_no_lone_word_on_a_line(rendered, key):
    lines = title_lines_of(rendered[2][key])
    if DECISION_TYPES_BY_KEY[key].subtitle:  # 42/HS: «Lần thứ …» is its own line under the trích yếu
        assert " ".join(lines[-1]).lstrip("(").startswith("Lần thứ"), lines
        lines = lines[:-1]
    assert lines and " ".join(w for line in lines for w in line) == DECISION_TYPES_BY_KEY[key].title
    assert all(len(line) >= 2 for line in lines), lines  # never «…vụ án hình / sự»
    assert len(lines) <= 2


@pytest.mark.parametrize("key", ORDER)
def test_unit_names_do_not_break_inside(rendered, key):
    words = _words(rendered[2][key])

    def line_of(*names: str) -> set[float]:
        return {round(top) for _p, _x, top, _b, w in words if w in names}

    # «KHU VỰC 1 - HẢI PHÒNG» on one line in the header, and again in «VIỆN TRƯỞNG ...»
    hai = sorted(t for _p, _x, t, _b, w in words if w == "HẢI")
    phong = sorted(t for _p, _x, t, _b, w in words if w == "PHÒNG")
    assert len(hai) >= 3 and [round(t) for t in hai] == [round(t) for t in phong]
    assert line_of("KHU") <= line_of("PHÒNG")
    motto = line_of("CỘNG", "NAM")
    assert len(motto) == 1  # the national title on one line


def test_xml_layout_fonts_sizes_and_properties(rendered):
    _, docs, _ = rendered
    for key, path in docs.items():
        with zipfile.ZipFile(path) as zf:
            body = etree.fromstring(zf.read("word/document.xml"))
            styles = etree.fromstring(zf.read("word/styles.xml"))
            core = zf.read("docProps/core.xml").decode()
            app = zf.read("docProps/app.xml").decode()
            names = zf.namelist()
        sect = body.find(f"{W}body/{W}sectPr")
        size = sect.find(f"{W}pgSz")
        assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4 in twentieths of a point
        mar = sect.find(f"{W}pgMar")
        mm = {k: int(mar.get(f"{W}{k}")) / 56.7 for k in ("top", "bottom", "left", "right")}
        assert 20 <= round(mm["top"]) <= 25 and 20 <= round(mm["bottom"]) <= 25
        assert 30 <= round(mm["left"]) <= 35 and 15 <= round(mm["right"]) <= 20
        assert sect.find(f"{W}titlePg") is not None  # page 1 has its own header: no number
        assert not [n for n in names if "footer" in n]  # no footer, so no «1» at the foot
        fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        assert fonts.get(f"{W}ascii") == "Times New Roman" and fonts.get(f"{W}hAnsi") == "Times New Roman"
        sizes = {int(s.get(f"{W}val")) / 2 for s in body.iter(f"{W}sz")}
        assert sizes <= {2, 11, 12, 13, 14}  # 2: the rule paragraphs' marks
        # a short rule under the trích yếu: a bordered empty paragraph right after the title
        paras = body.findall(f".//{W}body/{W}p")
        texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in paras]
        title = texts.index(DECISION_TYPES_BY_KEY[key].title)
        if DECISION_TYPES_BY_KEY[key].subtitle:  # «Lần thứ …» belongs to the trích yếu: the rule follows it
            assert texts[title + 1].lstrip("(").startswith("Lần thứ")
            title += 1
        assert paras[title + 1].find(f"{W}pPr/{W}pBdr/{W}bottom") is not None and texts[title + 1] == ""
        # the document's own properties, not the template's
        assert f"<dc:creator>{UNIT}</dc:creator>" in core and "Mẫu quyết định" not in core
        assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-03-16T00:00:00Z" in core
        assert "Quyết định số " in core and DECISION_TYPES_BY_KEY[key].title in core
        assert "Macintosh" not in app


# ---------------------------------------------------------------- the faults of issue 15, one by one


def test_a_deputy_prosecuting_is_assigned_by_the_head_and_cites_article_41(rendered):
    flat = _flat(rendered[2]["hinh-su"])
    assert f"Phân công bà {DEPUTY_1}, Phó Viện trưởng, thực hành quyền công tố" in flat
    assert f"Phó Viện trưởng {DEPUTY_1} có nhiệm vụ, quyền hạn theo quy định tại Điều 41 Bộ luật Tố tụng hình sự" \
        in flat
    signature = _after(flat, "Nơi nhận:")
    assert "KT. VIỆN TRƯỞNG" not in flat and "PHÓ VIỆN TRƯỞNG" not in flat and HEAD in signature
    assert signature.count(DEPUTY_1) == 1  # named as a recipient, never as the signer


def test_ksv_and_ktv_duties_cite_their_own_articles(rendered):
    pdfs = rendered[2]
    tip = _flat(pdfs["tin-bao"])
    assert f"Kiểm sát viên {KSV_1} có nhiệm vụ, quyền hạn theo quy định tại các điều 42 và 159 Bộ luật Tố tụng hình" \
        in tip
    ktv = _flat(pdfs["kiem-tra-vien"])
    assert f"Kiểm tra viên {KTV_1} có nhiệm vụ, quyền hạn theo quy định tại Điều 43" in ktv
    assert "Điều 42" not in _after(ktv, "QUYẾT ĐỊNH:")


def test_the_ktv_decision_rests_on_the_ksv_assignment_and_names_both(rendered):
    flat = _flat(rendered[2]["kiem-tra-vien"])
    bases = flat[flat.index("Căn cứ"):flat.index("QUYẾT ĐỊNH:")]
    assert "Quyết định phân công Kiểm sát viên thực hành quyền công tố, kiểm sát điều tra vụ án hình sự số " \
           "41/QĐ-VKSKV1 ngày 05/11/2025" in bases
    assert "Xét yêu cầu" not in bases and "mã" not in bases
    article3 = flat[flat.index("Điều 3."):flat.index("Nơi nhận:")]
    assert f"ông {KTV_1} và ông {KSV_2}" in article3
    recipients = _after(flat, "Nơi nhận:")
    assert f"- Ông {KTV_1};" in recipients and f"- Ông {KSV_2};" in recipients


def test_article_3_and_recipients_name_the_inspector_of_article_2(rendered):
    flat = _flat(rendered[2]["hinh-su"])
    assert f"Phân công ông {KTV_1}, Kiểm tra viên, giúp Phó Viện trưởng" in flat
    assert f"bà {DEPUTY_1} và ông {KTV_1} chịu trách nhiệm thi hành" in flat
    recipients = _after(flat, "Nơi nhận:")
    assert f"- Bà {DEPUTY_1};" in recipients and f"- Ông {KTV_1};" in recipients


def test_official_numbers_not_ledger_codes(rendered):
    ledger, _, pdfs = rendered
    data = read_ledger(ledger)
    for key in ("hinh-su", "kiem-tra-vien", "gia-han-dieu-tra", "gia-han-truy-to", "thay-doi-ksv"):
        row = next(r for r in data.records("an_hinh_su") if r.row == ROWS[key])
        flat = _flat(pdfs[key])
        article1 = flat[flat.index("Điều 1."):flat.index("Điều 2.")]
        assert row.values["case_id"] not in flat and "mã vụ án" not in flat
        assert f"Quyết định khởi tố vụ án hình sự số {row.values['opening_no']} ngày" in article1
    civil = _flat(pdfs["dan-su"])
    assert "Thông báo thụ lý số 15/2026/TLST-DS" in civil[civil.index("Điều 1."):] and "mã vụ việc" not in civil


def test_agencies_written_out_from_the_danh_muc(rendered):
    tip = _flat(rendered[2]["tin-bao"])
    assert POLICE_FULL in tip and "Cơ quan CSĐT" not in tip
    assert "Tòa án nhân dân khu vực 1 - Hải Phòng" in _flat(rendered[2]["dan-su"])  # «TAND» written out


def test_several_offences_and_their_articles(rendered):
    flat = _flat(rendered[2]["hinh-su"])
    assert "về các tội “Trộm cắp tài sản” và “Cố ý gây thương tích” quy định tại các điều 173 và 134 Bộ luật Hình sự" \
        in flat
    assert ";" not in flat[flat.index("Điều 1."):flat.index("Điều 2.")]


def test_enforcement_decision_uses_the_row_dates_and_cites_the_law_with_year_and_article(rendered):
    flat = _flat(rendered[2]["thi-hanh-an"])
    assert "bị xử phạt 01 năm tù" in flat and "(hình phạt:" not in flat  # «1 năm tù» written as the ngành does
    assert "có hiệu lực pháp luật từ ngày 20/02/2026" in flat
    assert "Quyết định thi hành án hình sự số 12/2026/QĐ-CA ngày 27/02/2026" in flat
    assert "Căn cứ Điều 167 Luật Thi hành án hình sự năm 2019" in flat


def test_new_types_say_what_they_extend_and_until_when(rendered):
    pdfs = rendered[2]
    assert "Gia hạn lần thứ nhất thời hạn giải quyết nguồn tin về tội phạm do Viện kiểm sát nhân dân thụ lý số" \
        in _flat(pdfs["gia-han-tin-bao"])
    assert "Điều 147" in _flat(pdfs["gia-han-tin-bao"])
    assert "Căn cứ các điều 41 và 172" in _flat(pdfs["gia-han-dieu-tra"])
    detention = _flat(pdfs["gia-han-tam-giam"])
    assert "Gia hạn thời hạn tạm giam lần thứ nhất để điều tra đối với bị can" in detention and "173" in detention
    assert "Căn cứ các điều 41 và 240" in _flat(pdfs["gia-han-truy-to"])
    for key in NEW_TYPES[:4]:
        assert f"đến hết ngày {until(key):%d/%m/%Y}" in _flat(pdfs[key])
    change = _flat(pdfs["thay-doi-ksv"])
    # mẫu 72/HS: «Phân công ông/bà … thay cho ông/bà … thực hiện nhiệm vụ thực hành quyền công tố, kiểm sát việc
    # giải quyết vụ án theo Quyết định khởi tố …», two articles, «Nơi nhận: Cơ quan …; Như Điều 2; Lưu: HSVA, HSKS, VP»
    assert (f"Điều 1. Phân công bà {KSV_3}, Kiểm sát viên, thay cho ông {KSV_2}, Kiểm sát viên, thực hiện nhiệm vụ "
            "thực hành quyền công tố, kiểm sát việc giải quyết vụ án theo Quyết định khởi tố vụ án hình sự") in change
    assert (f"Điều 2. Bà {KSV_3} và ông {KSV_2} có tên nêu tại Điều 1 Quyết định này thực hiện nhiệm vụ, quyền hạn và "
            "trách nhiệm theo quy định của Bộ luật Tố tụng hình sự./.") in change
    assert "Điều 3." not in change
    recipients = _after(change, "Nơi nhận:")
    # (the signature column's words stand between the two lines of a long name in the PDF's text)
    assert f"- {POLICE_FULL.rsplit(' ', 2)[0]}" in recipients and "- Như Điều 2;" in recipients
    assert "- Lưu: HSVA, HSKS, VP." in recipients and HEAD not in recipients


def test_extensions_are_written_where_the_deadline_engine_reads_them(rendered):
    from macros_py.law.deadlines import compute_deadlines

    ledger, _, _ = rendered
    data = read_ledger(ledger)
    rows = {key: {r.row: r.values for r in data.records(sheet)} for key, sheet in
            (("tin_bao", "tin_bao"), ("an_hinh_su", "an_hinh_su"), ("bi_can", "bi_can"))}
    tip = rows["tin_bao"][ROWS["gia-han-tin-bao"]]
    assert tip["extended_to"] == until("gia-han-tin-bao") and tip["extension_date"] == DAY
    assert tip["extension_no"].endswith("/QĐ-VKSKV1")
    case = rows["an_hinh_su"][ROWS["gia-han-dieu-tra"]]
    assert case["investigation_extended_to"] == UNTIL and case["investigation_extension_date"] == DAY
    assert case["investigation_extensions"] == 1  # the count the engine reads (Đ.172 k2: how many are left)
    other = rows["an_hinh_su"][ROWS["gia-han-truy-to"]]
    assert other["prosecution_extended_to"] == until("gia-han-truy-to") and other["prosecution_extension_no"]
    assert other["prosecutor"] == KSV_3 and other["replacement_decision_no"]  # the change of KSV is on the row
    detained = rows["bi_can"][ROWS["gia-han-tam-giam"]]
    assert detained["detention_extended_to"] == until("gia-han-tam-giam") and detained["detention_extension_no"]
    assert detained["detention_extensions"] == 1
    report = compute_deadlines(data, date(2026, 3, 20))
    dues = {(d.sheet, d.row): d for d in report.deadlines}
    # a «Nghiêm trọng» case opened 20/01/2026: 3 months and a first extension of up to 3 more (Đ.172 k1, k2 b),
    # so 15/05/2026 is within the law and the engine takes it as the row's deadline
    assert dues[("an_hinh_su", ROWS["gia-han-dieu-tra"])].due == UNTIL
    assert "gia hạn đến 15/05/2026" in dues[("an_hinh_su", ROWS["gia-han-dieu-tra"])].basis


def test_combined_print_file_numbers_each_decision_from_its_own_first_page(tmp_path):
    find_soffice_or_skip()
    long = "Nội dung tố giác rất dài, cần kiểm tra, xác minh tại nhiều địa điểm. " * 60

    def edit(rows):
        for tip in rows["tin_bao"][:2]:
            tip.update(outcome=None, outcome_date=None)
        rows["tin_bao"][1]["summary"] = long

    ledger = build_ledger(tmp_path / "so.xlsx", edit)
    batch = issue_decisions(ledger, "tin-bao", rows=[ROWS["tin-bao"], ROWS["tin-bao"] + 1], out_dir=tmp_path / "qd",
                            day=DAY, pdf=True, combined=True)
    long_pdf = batch.issued[1].pdf
    assert _pages(long_pdf) == 2
    words = _words(long_pdf)
    # Decree 30: page 2 numbered «2» at the top centre; nothing on page 1
    top2 = [(x, w) for p, x, t, _b, w in words if p == 2 and t < 20 * MM and w.isdigit()]
    assert [w for _x, w in top2] == ["2"] and abs(top2[0][0] - (30 + 165 / 2) * MM) < 15 * MM
    assert not [w for p, _x, t, _b, w in words if p == 1 and t < 20 * MM and w.isdigit()]
    # one print file: 1 + 2 pages, the second decision restarts at 1 (so its page 2 shows «2»)
    combined = _words(batch.combined_pdf)
    assert _pages(batch.combined_pdf) == 3
    assert [w for p, _x, t, _b, w in combined if t < 20 * MM and w.isdigit()] == ["2"]


def test_pdf_refuses_to_mix_fonts_when_no_vietnamese_complete_substitute(monkeypatch, tmp_path):
    if not shutil.which("fc-list"):
        pytest.skip("no fontconfig")
    monkeypatch.setattr(pdf_module, "METRIC_COMPATIBLE", ("Không Có Phông Này",))
    if pdf_module.DOCUMENT_FONT in pdf_module._families(f":family={pdf_module.DOCUMENT_FONT}"):
        assert pdf_module.substitute_font() is None  # Times New Roman itself is installed
        return
    with pytest.raises(pdf_module.PdfError, match="fonts-liberation2"):
        pdf_module.substitute_font()


if __name__ == "__main__":  # one PDF page of each new type, into the folder given
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "quyet_dinh_mau").resolve()
    out.mkdir(parents=True, exist_ok=True)
    _, _, made = issue_all(out)
    for key in NEW_TYPES:
        print(made[key])


# ---------------------------------------------------------------- issue 23: complete forms, new forms


def test_extensions_state_round_length_start_request_order_and_place(rendered):
    pdfs = rendered[2]
    detention = _flat(pdfs["gia-han-tam-giam"])
    assert "Căn cứ Lệnh tạm giam số 12/LTG ngày 22/01/2026 của " + POLICE_FULL in detention
    assert "Xét văn bản đề nghị gia hạn thời hạn tạm giam số 40/ĐN-ĐCSHS ngày 11/03/2026 của " + POLICE_FULL in detention
    # the order ran to 21/03/2026: the extension starts the next day, 02 months of 30 days (TTLT 04/2018 Điều 17)
    assert "Gia hạn thời hạn tạm giam lần thứ nhất" in detention
    assert "Điều 2. Thời hạn gia hạn tạm giam là 02 tháng, kể từ ngày 22/03/2026 đến hết ngày 20/05/2026." \
        in detention
    assert "số định danh cá nhân 031094001234, nơi cư trú: xã Kiến Thụy, thành phố Hải Phòng" in detention
    assert "- Trại tạm giam Công an thành phố Hải Phòng;" in detention and "Cơ sở giam giữ" not in detention
    # mẫu 42/HS (bố cục đọc qua bản trích BM-042): «Lần thứ …» under the trích yếu, Điều 3 the requirement to
    # execute, Nơi nhận beginning with the higher procuracy and ending with the archive
    assert "Gia hạn thời hạn tạm giam Lần thứ nhất VIỆN TRƯỞNG" in detention
    assert ("Điều 3. Yêu cầu " + POLICE_FULL + " và Trại tạm giam Công an thành phố Hải Phòng thi hành Quyết định "
            "này") in detention
    assert "; Phó Viện trưởng " + DEPUTY_1 + " kiểm sát việc thi hành Quyết định này./." in detention
    recipients = _after(detention, "Nơi nhận:")
    # (the signature column's words may stand inside a long line in the PDF's text)
    assert recipients.startswith("Nơi nhận: - Viện kiểm sát nhân dân thành phố Hải")
    assert "- Bị can" in recipients and "- Lưu: HSVA, HSKS, VP." in recipients
    investigation = _flat(pdfs["gia-han-dieu-tra"])
    assert "số 31/ĐN-ĐCSHS ngày 12/03/2026 của " + POLICE_FULL in investigation
    # a «Nghiêm trọng» case opened 20/01/2026: 3 months to 20/04/2026 (Đ.172 k1), so the extension runs from 21/04
    assert "lần thứ nhất" in investigation and "kể từ ngày 21/04/2026 đến hết ngày 15/05/2026" in investigation
    tip = _flat(pdfs["gia-han-tin-bao"])
    assert "số 15/ĐN-ĐCSHS ngày 10/03/2026" in tip and "thời hạn gia hạn là" in tip
    assert ": " + "Nguyễn" not in tip.split("Điều 1.")[1].split("Điều 2.")[0]  # no ledger text after a colon
    prosecution = _flat(pdfs["gia-han-truy-to"])
    assert "thời hạn gia hạn là 10 ngày, kể từ ngày 01/04/2026 đến hết ngày 10/04/2026" in prosecution
    # mẫu 09/HS, 104/HS, 144/HS (bố cục đọc qua bản trích BM-009, BM-104, BM-144): 09/HS and 104/HS end with
    # Điều 2, 104/HS has «(Lần thứ …)» under the trích yếu; Nơi nhận: the agency, then the archive
    assert "Điều 3." not in tip and "Điều 3." not in investigation
    assert "Gia hạn thời hạn điều tra vụ án hình sự (Lần thứ nhất) VIỆN TRƯỞNG" in investigation
    assert "Điều 2. Thời hạn gia hạn điều tra là" in investigation
    assert "thực hành quyền công tố, kiểm sát việc thi hành Quyết định này./." in investigation
    assert "Điều 2. " + POLICE_FULL + " có trách nhiệm kiểm tra, xác minh" in tip
    assert "kiểm sát việc thi hành Quyết định này./." in tip
    for text, archive in ((tip, "- Lưu: HSKS, VP."), (investigation, "- Lưu: HSVA, HSKS, VP."),
                          (prosecution, "- Lưu: HSVA, HSKS, VP.")):
        recipients = _after(text, "Nơi nhận:")
        assert recipients.startswith("Nơi nhận: - Cơ quan") and archive in recipients
        assert "Viện trưởng (để báo cáo)" not in recipients


def test_change_of_prosecutor_gives_its_reason_after_the_assignment_it_changes(rendered):
    from tests.decision_ledger import REPLACEMENT_REASON

    change = _flat(rendered[2]["thay-doi-ksv"])
    # mẫu 72/HS: the opening decision, then the assignment being changed, then the reason
    cited = change.index("Căn cứ Quyết định phân công thực hành quyền công tố, kiểm sát việc giải quyết vụ án hình sự "
                         "số 41/QĐ-VKSKV1 ngày 05/11/2025")
    reason = change.index("Xét thấy")
    assert change.index("Căn cứ Quyết định khởi tố vụ án hình sự số 9/QĐ-CSĐT") < cited < reason < \
        change.index("QUYẾT ĐỊNH:")
    assert "Xét thấy " + REPLACEMENT_REASON + "." in change


def test_the_new_forms_follow_the_official_list_and_write_back(rendered):
    ledger, _, pdfs = rendered
    assert len(NEW_FORMS) >= 8
    for key in NEW_FORMS:
        form = DECISION_TYPES_BY_KEY[key].form
        assert "Mẫu số" in form and "03/2026/TT-VKSTC" in form, key
    approval = _flat(pdfs["phe-chuan-lenh-tam-giam"])
    assert "Điều 1. Phê chuẩn Lệnh tạm giam số 12/LTG ngày 22/01/2026 của " + POLICE_FULL in approval
    assert "thời hạn tạm giam kể từ ngày 22/01/2026 đến hết ngày 21/03/2026" in approval
    assert "Luật Thi hành tạm giữ, tạm giam năm 2015" in approval  # 16/03/2026: the 2015 law is in force
    refusal = _flat(pdfs["khong-phe-chuan-lenh-tam-giam"])
    assert "Điều 1. Không phê chuẩn Lệnh tạm giam số 14/LTG ngày 10/03/2026" in refusal and "Xét thấy bị can" in refusal
    # mẫu 41/HS's line as read through the extraction BM-041; 40/HS (BM-040's layout) cites the request the same
    # way, ends with Điều 2 and sends to the executing units, the accused and the archive
    assert "Xét hồ sơ đề nghị phê chuẩn Lệnh tạm giam số 14/LTG ngày 10/03/2026 của" in refusal
    assert "Xét hồ sơ đề nghị phê chuẩn Lệnh tạm giam số 12/LTG ngày 22/01/2026 của " + POLICE_FULL in approval
    assert "Điều 3." not in approval and "kiểm sát việc thi hành Quyết định này./." in approval
    recipients = _after(approval, "Nơi nhận:")
    assert "- Trại tạm giam Công an thành phố Hải Phòng;" in recipients and "- Bị can" in recipients
    assert "- Lưu: HSVA, HSKS, VP." in recipients and "Viện trưởng (để báo cáo)" not in recipients
    assert "bằng biện pháp cấm đi khỏi nơi cư trú" in _flat(pdfs["thay-the-tam-giam"])
    assert "Phê chuẩn Quyết định gia hạn tạm giữ số 3/QĐ-CSĐT ngày 19/01/2026" in _flat(pdfs["phe-chuan-gia-han-tam-giu"])
    assert "Phê chuẩn Quyết định khởi tố bị can số 5/QĐ-CSĐT ngày 21/01/2026" in _flat(pdfs["phe-chuan-khoi-to-bi-can"])
    # mẫu 90/HS, 43/HS, 145/HS (bố cục đọc qua bản trích BM-090, BM-043, BM-145): 90/HS ends with Điều 2 «Yêu cầu …»;
    # Nơi nhận as the forms list them
    charge = _flat(pdfs["phe-chuan-khoi-to-bi-can"])
    assert "Điều 2. Yêu cầu " + POLICE_FULL + " giao Quyết định khởi tố bị can" in charge and "Điều 3." not in charge
    for key, lines in (("phe-chuan-khoi-to-bi-can", ("- Bị can", "- Lưu: HSVA, HSKS, VP.")),
                       ("huy-bo-tam-giam", ("- Trại tạm giam Công an thành phố Hải", "- Bị can",
                                            "- Lưu: HSVA, HSKS, VP.")),
                       ("tra-ho-so-dieu-tra-bo-sung", ("- Lưu: HSVA, HSKS, VP.",))):
        recipients = _after(_flat(pdfs[key]), "Nơi nhận:")
        assert all(line in recipients for line in lines), (key, recipients)
        assert "Viện trưởng (để báo cáo)" not in recipients, key
    back = _flat(pdfs["tra-ho-so-dieu-tra-bo-sung"])
    assert "để điều tra bổ sung" in back and "giám định chữ ký trên hợp đồng" in back
    assert "đến Cơ quan An ninh điều tra Công an thành phố Hải Phòng để điều tra theo thẩm quyền" in \
        _flat(pdfs["chuyen-vu-an"])
    rows = {r.row: r.values for r in read_ledger(ledger).records("bi_can")}
    first, second = rows[ROWS["huy-bo-tam-giam"]], rows[ROWS["thay-the-tam-giam"]]
    assert first["released_date"] == DAY and first["measure_decision_no"] and first["detention_approval_no"]
    assert first["charge_approval_no"] and first["custody_approval_no"]
    assert second["measure"] == "Cấm đi khỏi nơi cư trú" and second["released_date"] == DAY
