"""The periodic statistics report (.docx) in the official layout (Decree 30/2020/NĐ-CP).

A4 portrait, margins 20 / 20 / 30 / 15 mm, Times New Roman 13 pt (tables 11 pt). At the top the
issuing body (parent unit, unit in bold, «Số: .../BC-...») beside the national motto and the
italic place-and-date line; the title «BÁO CÁO» and the period; then sections with the tables of
`stats.Statistics` (first the lines of the ngành's forms) and their charts as images; «Nơi nhận» and the
signature block at the end; page numbers at the top centre from page 2 (as the decisions). A table that fits
on a page is kept whole; a longer one keeps its header with two rows and its last three rows together (no
row left alone on a page). Rows that are all zero are left out (a form's numbered lines stay). It is the
unit's internal report from its ledger: «Nơi nhận» is the unit's leaders and prosecutors; the figures for
the ngành's forms are what a clerk copies into them (`stats --out X.xlsx`), not a filed form.
Numbers are shown as in Vietnamese texts: 1.234, 18,43%.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

from macros_py.documents.docxparts import decree30_page_numbers, first_para, fixed_table, para
from macros_py.ledger.values import fmt_date, long_date
from macros_py.stats.charts import chart_png
from macros_py.stats.summaries import TOTAL_ROW, Statistics, StatsTable, format_share

__all__ = ["SECTIONS", "build_report", "covered_span", "format_value", "highlights", "save_report"]

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
TEXT_WIDTH_CM = 16.5  # A4 210 mm - 30 mm - 15 mm
LABEL_COL_CM = 5.5
# (section heading, table keys) in the order of the report
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("I. SỐ LIỆU THEO CÁC CHỈ TIÊU CỦA BIỂU THỐNG KÊ",
     ("tk_tin_bao", "tk_dieu_tra", "tk_truy_to", "tk_xet_xu", "tk_tam_giu", "tk_tam_giam", "tk_thi_hanh_an",
      "tk_dan_su")),
    ("II. TÌNH HÌNH THỤ LÝ ÁN, VỤ VIỆC TRONG KỲ",
     ("theo_loai", "tin_bao_tha", "theo_ksv", "theo_pvt", "hinh_su", "dan_su")),
    ("III. SỐ HÓA HỒ SƠ", ("so_hoa",)),
    ("IV. THỜI HẠN TỐ TỤNG", ("thoi_han", "thoi_han_ksv", "thoi_han_pvt", "co_quan_khac")),
    ("V. QUYẾT ĐỊNH ĐÃ BAN HÀNH", ("quyet_dinh_loai", "quyet_dinh_thang")),
)
# the report is the unit's own (from its ledger), not a form filed upward: it goes to those who act on it
RECIPIENTS = ("- Lãnh đạo Viện (để chỉ đạo);", "- Các Kiểm sát viên (để thực hiện);",
              "- Cán bộ làm công tác thống kê (để đối chiếu);", "- Lưu: VT.")
WHOLE_ROWS = 22  # a table with at most this many rows is kept on one page (it fits under a heading)
LISTING_WIDTHS = (3.4, 3.6, 4.6, 2.4, 2.5)  # the other bodies' table: case, body, limit, due, days late


def format_value(value: float | str | None, share: bool) -> str:
    """How a number of the statistics reads in the report: «1.234», «18,43%»; no value (0 of 0): «—»."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if share:
        return format_share(float(value))
    return f"{int(value):,}".replace(",", ".")


def covered_span(stats: Statistics, day: date) -> str:
    """The days the figures cover: the whole period, or up to `day` while the period is still running."""
    period = stats.period
    if period.start <= day < period.end:
        return f"{period.span}; số liệu tính đến ngày {fmt_date(day)}"
    return period.span


_LOWER_WORDS = {"viện", "kiểm", "sát", "nhân", "dân", "tối", "cao", "cấp", "tỉnh", "thành", "phố", "khu", "vực",
                "huyện", "quận", "thị", "xã", "trung", "ương"}


def unit_words(name: str) -> str:
    """«VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ HẢI PHÒNG» -> «Viện kiểm sát nhân dân thành phố Hải Phòng»."""
    if not name.isupper():
        return name
    words = [w.lower() if w.lower() in _LOWER_WORDS else w.capitalize() for w in name.split()]
    return " ".join([words[0].capitalize(), *words[1:]]) if words else name


# ---------------------------------------------------------------- low-level helpers


def _para(container: Any, text: str = "", **kw: Any) -> Paragraph:
    return para(container, text, **{"size": BODY_PT, "align": WD_ALIGN_PARAGRAPH.JUSTIFY, **kw})


def _cell_para(cell: Any, text: str, **kw: Any) -> Paragraph:
    return first_para(cell, text, **{"size": BODY_PT, "align": WD_ALIGN_PARAGRAPH.JUSTIFY, **kw})


def _shade(cell: Any, colour: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    tcpr.append(shd)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _no_split(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _setup(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    decree30_page_numbers(section, BODY_PT)


def _grid(doc: Any, widths: list[float], rows: int) -> Any:
    return fixed_table(doc, widths, rows)


# ---------------------------------------------------------------- parts of the report


def _header(doc: Any, settings: dict[str, Any], day: date) -> None:
    table = _grid(doc, [6.5, TEXT_WIDTH_CM - 6.5], rows=2)
    left, right = table.rows[0].cells
    _cell_para(left, str(settings.get("parent_unit") or "").upper(), size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, str(settings.get("unit_name") or "").upper(), size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, "_______", size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, underline=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    number, place = table.rows[1].cells
    symbol = str(settings.get("doc_symbol") or "VKS")
    _cell_para(number, f"Số:       /BC-{symbol}", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, before=6)
    _cell_para(place, f"{settings.get('place') or ''}, {long_date(day)}", size=13, italic=True,
               align=WD_ALIGN_PARAGRAPH.CENTER, before=6)


def shown_rows(table: StatsTable) -> list[tuple[str, list[Any]]]:
    """The rows the report prints: a row whose values are all zero says nothing and is left out, except the
    numbered lines of a form (its «Tổng số», «Còn lại» stay, even at 0)."""
    def empty(values: list[Any]) -> bool:
        return all(v == 0 for v in values)

    return [(label, values) for label, values in table.rows
            if not empty(values) or (table.form and not label.startswith("   "))]


def _widths(table: StatsTable) -> list[float]:
    n = len(table.columns)
    if table.key == "co_quan_khac":
        return list(LISTING_WIDTHS)
    if n == 1:
        return [TEXT_WIDTH_CM - 4.0, 4.0]
    label_w = 7.5 if table.form else LABEL_COL_CM
    return [label_w] + [(TEXT_WIDTH_CM - label_w) / n] * n


def _table(doc: Any, table: StatsTable, number: int, keep: bool = False) -> None:
    """`keep`: hold the table with what follows (the end of the report stays with the signature)."""
    _para(doc, f"Bảng {number}. {table.title}", size=BODY_PT, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT,
          before=6, after=3, keep=True)
    rows = shown_rows(table)
    if not rows:
        _para(doc, "Không có.", size=BODY_PT, italic=True, indent=1.0, keep=keep)
        return
    widths = _widths(table)
    lines = [(label, values, False) for label, values in rows]
    if table.total is not None:
        lines.append((TOTAL_ROW, table.total, True))
    grid = _grid(doc, widths, rows=1 + len(lines))
    grid.style = doc.styles["Table Grid"]
    header = grid.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, (table.label, *table.columns)):
        _cell_para(cell, text, size=TABLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "DDEBF7")
    for row, (label, values, total) in zip(grid.rows[1:], lines):
        _no_split(row)
        bold = total or (table.form and not label.startswith("   "))
        _cell_para(row.cells[0], label, size=TABLE_PT, bold=bold, align=WD_ALIGN_PARAGRAPH.LEFT)
        for j, (cell, v) in enumerate(zip(row.cells[1:], values)):
            _cell_para(cell, format_value(v, j in table.shares), size=TABLE_PT, bold=bold,
                       align=WD_ALIGN_PARAGRAPH.CENTER)
    _keep_rows(grid, whole=keep or len(lines) + 1 <= WHOLE_ROWS, last=keep)
    if table.note:
        _para(doc, f"Ghi chú: {table.note}", size=11, italic=True, before=2, keep=keep)


def _keep_rows(grid: Any, whole: bool, last: bool) -> None:
    """Keep a table on one page (`whole`), else its header with the first two rows and its last three rows
    together, so that no page starts or ends with one or two rows of it; `last`: the last row stays with the
    paragraph after it too."""
    rows = list(grid.rows)
    n = len(rows)
    kept = range(n - 1) if whole else [*range(min(3, n - 1)), *range(max(n - 3, 0), n - 1)]
    for i in set(kept) | ({n - 1} if last else set()):
        for cell in rows[i].cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def _chart(doc: Any, table: StatsTable, number: int, keep: bool = False) -> int:
    if table.chart is None or not table.rows:
        return number
    png = chart_png(table, table.chart, width_cm=15.5, with_title=False)  # the caption names it
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, keep=True)
    p.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
    name = table.chart.title.removeprefix("Biểu đồ: ")
    _para(doc, f"Biểu đồ {number}. {name[:1].upper()}{name[1:]}", size=11,
          italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6, keep=keep)
    return number + 1


def highlights(stats: Statistics) -> list[str]:
    """The sentences a unit writes in its report, e.g. «số hóa 250/250 vụ án hình sự (đạt 100%)»."""
    out = []
    by_type = stats.table("theo_loai")
    if by_type.total is not None:
        parts = ", ".join(f"{format_value(v[0], False)} {_lower(label)}" for label, v in by_type.rows if v[0])
        out.append(f"Trong kỳ, đơn vị thụ lý {format_value(by_type.total[0], False)} án, vụ việc"
                   + (f" ({parts})." if parts else "."))
    other = {label: v[0] for label, v in stats.table("tin_bao_tha").rows}
    words = {"Tin báo": "tin báo, tố giác, kiến nghị khởi tố", "Thi hành án hình sự": "bản án thi hành án hình sự",
             "Tạm đình chỉ": "quyết định tạm đình chỉ vụ án"}
    extra = [f"{format_value(n, False)} {words.get(label, _lower(label))}" for label, n in other.items() if n]
    if extra:
        out.append("Ngoài ra, đơn vị tiếp nhận, theo dõi " + ", ".join(extra) + ".")
    digit = stats.table("so_hoa")
    done = [f"{format_value(v[1], False)}/{format_value(v[0], False)} vụ {_lower(label)} "
            f"(đạt {format_share(v[2])})" for label, v in digit.rows if v[0]]
    if done:
        out.append("Số hóa hồ sơ: " + "; ".join(done) + ".")
    dl = stats.table("thoi_han")
    if dl.total is not None:
        out.append(f"Tính đến ngày {stats.today.strftime('%d/%m/%Y')}, Viện kiểm sát có "
                   f"{format_value(dl.total[0], False)} thời hạn tố tụng đã quá hạn và "
                   f"{format_value(dl.total[1], False)} thời hạn sắp hết hạn (còn không quá {stats.alert_days} "
                   f"ngày).")
    others = stats.table("co_quan_khac").rows
    if others:
        out.append(f"Cơ quan khác (Cơ quan điều tra, Tòa án, ...) để quá {format_value(len(others), False)} thời "
                   f"hạn tố tụng (Bảng «vi phạm thời hạn của cơ quan khác»): căn cứ để kiến nghị.")
    dec = stats.table("quyet_dinh_loai")
    if dec.total is not None:
        out.append(f"Đơn vị đã ban hành {format_value(dec.total[0], False)} quyết định theo Sổ quyết định.")
    return out


def _lower(label: str) -> str:
    """A row label inside a sentence: «Án hình sự» -> «án hình sự»."""
    return label[:1].lower() + label[1:]


def _closing(doc: Any, stats: Statistics, settings: dict[str, Any]) -> None:
    """«Trên đây là...», then «Nơi nhận» beside the signature: one block that never starts a page alone."""
    parent = str(settings.get("parent_unit") or "").strip()
    upward = f" gửi {unit_words(parent)}" if parent else ""
    _para(doc, f"Trên đây là báo cáo số liệu thống kê {stats.period.label} từ sổ theo dõi án, vụ việc của "
               f"{unit_words(str(settings.get('unit_name') or 'đơn vị'))}, phục vụ chỉ đạo, điều hành; số liệu "
               f"theo các chỉ tiêu của biểu thống kê (mục I) dùng để đối chiếu khi lập báo cáo thống kê{upward}./.",
          indent=1.0, before=6, keep=True)
    table = _grid(doc, [8.0, TEXT_WIDTH_CM - 8.0], rows=1)
    left, right = table.rows[0].cells
    _cell_para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=12)
    for line in RECIPIENTS:
        _para(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_para(right, "VIỆN TRƯỞNG", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    for _ in range(3):  # room for the signature and the seal
        _para(right, "", size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, stats.head or "", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    _no_split(table.rows[0])


def build_report(stats: Statistics, settings: dict[str, Any], day: date | None = None) -> Any:
    """The report as a python-docx Document; `settings` is the ledger's Cấu hình (unit, place...)."""
    day = day or date.today()
    doc = Document()
    _setup(doc)
    _header(doc, settings, day)
    _para(doc, "BÁO CÁO", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    _para(doc, f"Số liệu thống kê {stats.period.label} từ sổ theo dõi án, vụ việc", size=14, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"(Kỳ báo cáo {covered_span(stats, day)})", size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER,
          after=12)
    _para(doc, f"Căn cứ số liệu trong sổ theo dõi án, vụ việc, đơn vị báo cáo số liệu thống kê "
               f"{stats.period.label} như sau:", indent=1.0, after=6)
    for sentence in highlights(stats):
        _para(doc, sentence, indent=1.0, after=3)
    if stats.undated:
        missing = "; ".join(f"«{k}»: {v} dòng" for k, v in stats.undated.items())
        _para(doc, f"Các dòng chưa có ngày không được tính vào kỳ nào ({missing}).", indent=1.0, italic=True)
    number, chart_no = 1, 1
    last = SECTIONS[-1][1][-1]
    for heading, keys in SECTIONS:
        _para(doc, heading, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=12, after=3, keep=True)
        for key in keys:
            table = stats.table(key)
            _table(doc, table, number, keep=key == last)
            chart_no = _chart(doc, table, chart_no, keep=key == last)
            number += 1
    _closing(doc, stats, settings)
    props = doc.core_properties
    props.title = f"Báo cáo số liệu thống kê {stats.period.label}"
    props.author = props.last_modified_by = "kiemsat"
    props.language = "vi-VN"
    return doc


def save_report(path: str | Path, stats: Statistics, settings: dict[str, Any], day: date | None = None) -> Path | None:
    """Write the report atomically (an existing file is backed up, and refused while it is open)."""
    from macros_py.workbook.safefile import atomic_write

    doc = build_report(stats, settings, day)
    return atomic_write(Path(path), lambda tmp: doc.save(str(tmp)), overwrite=True)
