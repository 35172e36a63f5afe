"""Paragraph helpers shared by the documents kiemsat builds with python-docx (decision
templates, the statistics report)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph


def para(container: Any, text: str = "", *, size: float, align: WD_ALIGN_PARAGRAPH | None, bold: bool = False,
         italic: bool = False, underline: bool = False, before: float = 0, after: float = 0,
         indent: float | None = None, keep: bool = False) -> Paragraph:
    """Add a paragraph (to a document or a table cell) with one run of `text`."""
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    if keep:
        fmt.keep_with_next = True
    if text:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
    return p


def first_para(cell: Any, text: str, **kw: Any) -> Paragraph:
    """Fill a new table cell: replace the empty paragraph it starts with."""
    p = cell.paragraphs[0]
    cell._tc.remove(p._p)
    return para(cell, text, **kw)


def fixed_table(doc: Any, widths_cm: Sequence[float], rows: int = 1) -> Any:
    """A centred table whose column widths stay as given (Word and LibreOffice both honour them)."""
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
    for col, width in zip(table.columns, widths_cm):
        col.width = Cm(width)
    return table


def field(paragraph: Paragraph, instruction: str, shown: str, size: float) -> None:
    """A Word field (e.g. PAGE) at the end of `paragraph`, showing `shown` until it is updated."""
    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        run.font.size = Pt(size)
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run(shown).font.size = Pt(size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def decree30_page_numbers(section: Any, size: float) -> None:
    """Decree 30/2020/NĐ-CP: page numbers at the top centre, none on the first page (its own, empty, header)."""
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = ""
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field(header, "PAGE", "2", size)
