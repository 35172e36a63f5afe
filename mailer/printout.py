"""The printable fallback for units that cannot mail: `kiemsat alerts list [--pdf]`.

For each prosecutor (KSV) of the ledgers, the steps not done that are overdue, due today or due
by the end of this week (Sunday), the most urgent first; each from a new page in the .docx (and the PDF
LibreOffice makes of it), to hand out at the morning meeting. Paper stays in the unit: the list
is always complete, whatever «Nội dung thư cảnh báo» says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from macros_py.law.deadlines import Deadline, compute_deadlines
from macros_py.ledger.reader import Ledger
from macros_py.ledger.values import fmt_date

from macros_py.law.urgency import DAY, OVERDUE, THREE_DAYS, band_for, due_text

from .messages import days_text
from .planning import source_for

__all__ = ["PersonList", "build_lists", "lines_for", "write_docx"]

UNASSIGNED = "(chưa phân công Kiểm sát viên)"


@dataclass
class Entry:
    deadline: Deadline
    ledger_name: str


@dataclass
class PersonList:
    """One prosecutor's page, by urgency band (`macros_py.law.urgency`): the procuracy's own overdue work,
    other bodies' delays (never counted against the prosecutor), today or within 24 hours, within 3 days,
    and the rest of the week."""

    prosecutor: str
    overdue: list[Entry] = field(default_factory=list)
    other: list[Entry] = field(default_factory=list)
    today: list[Entry] = field(default_factory=list)
    three_days: list[Entry] = field(default_factory=list)
    week: list[Entry] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[Entry]]]:
        return [(title, entries) for title, entries in (
            ("Quá hạn — việc của Viện kiểm sát", self.overdue), ("Cơ quan khác chậm — yêu cầu, kiến nghị", self.other),
            ("Hôm nay hoặc trong 24 giờ", self.today), ("Trong 3 ngày", self.three_days),
            ("Hết hạn trong tuần này", self.week)) if entries]


def _key(e: Entry) -> tuple:
    d = e.deadline
    return (not d.held_overdue, d.days_left, d.due, e.ledger_name, d.sheet_name, d.row)


def build_lists(ledgers: Sequence[Ledger], today: date) -> list[PersonList]:
    """One list per prosecutor (by name), for the week of `today` (Monday to Sunday)."""
    sunday = today + timedelta(days=6 - today.weekday())
    people: dict[str, PersonList] = {}
    for ledger in ledgers:
        name = source_for(ledger.settings, ledger.path)[0].name
        for d in compute_deadlines(ledger, today).deadlines:
            if d.done or d.due > sunday:
                continue
            who = d.prosecutor or UNASSIGNED
            person = people.setdefault(who, PersonList(who))
            band = band_for(d)
            group = ((person.overdue if d.procuracy_owned else person.other) if band is OVERDUE
                     else person.today if band is DAY else person.three_days if band is THREE_DAYS else person.week)
            group.append(Entry(d, name))
    for person in people.values():
        for group in (person.overdue, person.other, person.today, person.three_days, person.week):
            group.sort(key=_key)
    return [people[k] for k in sorted(people, key=lambda n: (n == UNASSIGNED, n))]


def _entry_lines(e: Entry) -> list[str]:
    d = e.deadline
    who = f" - {d.person}" if d.person else ""
    return [f"{due_text(d.due, d.due_time)} ({days_text(d.days_left, d.due_time)}): {d.title} - "
            f"{d.case or '(chưa ghi số)'}{who}",
            f"   Việc cần làm: {d.action}",
            f"   Sổ: {e.ledger_name}, «{d.sheet_name}» dòng {d.row}"]


def lines_for(lists: Sequence[PersonList], today: date) -> list[str]:
    """The lists as text, for the terminal."""
    out = [f"Thời hạn cần xử lý tuần này (tính đến ngày {fmt_date(today)}): {len(lists)} Kiểm sát viên."]
    for person in lists:
        out += ["", f"== {person.prosecutor} =="]
        for title, entries in person.sections():
            out.append(f"{title} ({len(entries)}):")
            for e in entries:
                out += [f" - {line}" if i == 0 else line for i, line in enumerate(_entry_lines(e))]
    return out


def _shade(cell: object, fill: str) -> None:
    """The band's light colour as the cell's background (w:shd), as Word writes it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#").upper())
    props.append(shd)


def write_docx(lists: Sequence[PersonList], today: date, path: Path) -> Path:
    """A .docx, each prosecutor from a new page (A4, Times New Roman)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from macros_py.documents.docxparts import first_para, fixed_table, para

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin, section.top_margin, section.bottom_margin = (Cm(2), Cm(1.5),
                                                                                            Cm(1.5), Cm(1.5))
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(12)
    if not lists:
        para(doc, f"Không có thời hạn nào quá hạn hoặc hết hạn trong tuần của ngày {fmt_date(today)}.", size=13,
             align=WD_ALIGN_PARAGRAPH.CENTER)
    for i, person in enumerate(lists):
        title = para(doc, "THỜI HẠN CẦN XỬ LÝ TUẦN NÀY", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        if i:
            title.paragraph_format.page_break_before = True
        para(doc, f"Kiểm sát viên: {person.prosecutor} — tính đến ngày {fmt_date(today)}", size=12, italic=True,
             align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
        for heading, entries in person.sections():
            para(doc, f"{heading} ({len(entries)})", size=12, bold=True, align=None, before=6, after=3, keep=True)
            table = fixed_table(doc, (2.4, 7.6, 7.5), rows=len(entries) + 1)
            for cell, text in zip(table.rows[0].cells, ("Hạn", "Thời hạn, vụ việc", "Việc cần làm")):
                first_para(cell, text, size=11, bold=True, align=None)
            for row, e in zip(table.rows[1:], entries):
                d = e.deadline
                who = f" - {d.person}" if d.person else ""
                first_para(row.cells[0], f"{due_text(d.due, d.due_time)}\n{days_text(d.days_left, d.due_time)}",
                           size=11, align=None, bold=d.days_left < 0)
                _shade(row.cells[0], band_for(d).fill)
                first_para(row.cells[1], f"{d.title}: {d.case or '(chưa ghi số)'}{who}\n{e.ledger_name}, "
                           f"sheet «{d.sheet_name}», dòng {d.row}", size=11, align=None)
                first_para(row.cells[2], d.action, size=11, align=None)
            table.style = doc.styles["Table Grid"]
    doc.save(path)
    return path
