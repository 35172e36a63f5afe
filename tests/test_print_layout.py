"""The ledger kiemsat builds, and every register it exports, prints readable (issues 13, 25): A4 landscape at
8 pt or more, the columns split into printed groups that each fit a page and repeat the key column, the
header row on every page, the unit's name in the page header, «Trang N» from 1 on every sheet, rows as tall
as their wrapped text. Checked in the XML, and through LibreOffice's PDF: the font sizes read from the PDF,
no two words printed over each other, every row present."""

from __future__ import annotations

import itertools
import re
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import LEDGER_SHEETS, LISTS_SHEET, REGISTER_LAYOUTS, SETTINGS_BY_KEY, SETTINGS_SHEET
from tests.lo import libreoffice  # noqa: F401
from workbook_templates.builder import TEMPLATE_PATH, create_ledger
from workbook_templates.print_layout import MIN_SCALE, PRINTABLE_WIDTH_PT, width_pt
from workbook_templates.registers import export_register

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
ROWS = 30
UNIT = SETTINGS_BY_KEY["unit_name"].default


def _sheets(path: Path) -> dict[str, ElementTree.Element]:
    with zipfile.ZipFile(path) as zf:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        out = {s.get("name"): ElementTree.fromstring(zf.read("xl/" + targets[s.get(R_NS)].lstrip("/").removeprefix("xl/")))
               for s in book.find("m:sheets", NS)}
        out["_workbook"] = book
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("print") / "so.xlsx"
    create_ledger(path, sample=ROWS, seed=1, today=date(2025, 9, 1))
    return path


def _groups_fit(ws: ElementTree.Element) -> None:
    """Each printed group (between manual column breaks), with the repeated key column, fits the page."""
    scale = int(ws.find("m:pageSetup", NS).get("scale"))
    widths = [float(c.get("width")) for c in ws.find("m:cols", NS) for _ in range(int(c.get("min")),
                                                                                int(c.get("max")) + 1)]
    cuts = [int(b.get("id")) for b in ws.iterfind("m:colBreaks/m:brk", NS)]
    room = PRINTABLE_WIDTH_PT * 100 / scale
    key = width_pt(widths[0])
    for start, end in zip([0, *cuts], [*cuts, len(widths)]):
        group = widths[max(start, 1):end]
        if len(group) > 1:
            assert key + sum(width_pt(w) for w in group) <= room, (start, end)


def test_every_sheet_prints_a4_landscape_at_a_readable_scale(built):
    for path in (built, TEMPLATE_PATH):  # the streamed build and the committed template
        sheets = _sheets(path)
        for name in [s.title for s in LEDGER_SHEETS] + [SETTINGS_SHEET, LISTS_SHEET]:
            ws = sheets[name]
            setup = ws.find("m:pageSetup", NS)
            assert (setup.get("paperSize"), setup.get("orientation")) == ("9", "landscape"), name
            assert int(setup.get("scale")) >= MIN_SCALE, name  # 11 pt text prints at 8 pt or more
            assert ws.find("m:sheetPr/m:pageSetUpPr", NS).get("fitToPage") in (None, "0"), name
            assert (setup.get("firstPageNumber"), setup.get("useFirstPageNumber")) == ("1", "1")
            hf = ws.find("m:headerFooter", NS)
            assert hf.get("differentFirst") == "1"
            assert "Trang &P" in hf.find("m:oddFooter", NS).text and "&N" not in hf.find("m:oddFooter", NS).text
            assert UNIT in hf.find("m:oddHeader", NS).text
            heading = next((s.heading for s in LEDGER_SHEETS if s.title == name), None)
            if heading:
                assert heading in hf.find("m:oddHeader", NS).text  # pages after the first
                assert heading not in (hf.find("m:firstHeader", NS).text or "")  # row 1 holds it
                _groups_fit(ws)
        titles = {d.text for d in sheets["_workbook"].iter(f"{{{NS['m']}}}definedName")
                  if d.get("name") == "_xlnm.Print_Titles"}
        for spec in LEDGER_SHEETS:
            assert f"'{spec.title}'!$A:$A,'{spec.title}'!$2:$2" in titles or \
                f"'{spec.title}'!$2:$2,'{spec.title}'!$A:$A" in titles, titles
    wide = _sheets(built)["Án hình sự"]
    assert len(list(wide.iterfind("m:colBreaks/m:brk", NS))) >= 3  # 40-odd columns: several printed groups


def test_wrapped_rows_get_a_height_and_input_hints_are_on(built):
    sheets = _sheets(built)
    ws = sheets["Tin báo"]
    data = [r for r in ws.iter(f"{{{NS['m']}}}row") if int(r.get("r")) >= 3]
    assert len(data) == ROWS
    tall = [r for r in data if r.get("ht")]
    assert tall and all(float(r.get("ht")) >= 30 and r.get("customHeight") == "1" for r in tall)
    validations = [v for spec in LEDGER_SHEETS for v in sheets[spec.title].iter(f"{{{NS['m']}}}dataValidation")]
    assert len(validations) > len(LEDGER_SHEETS)
    assert all(v.get("showInputMessage") == "1" and v.get("prompt") for v in validations)


# ---------------------------------------------------------------- through LibreOffice's PDF


def _read_pdf(pdf: Path) -> list[dict]:
    """Per page: its text, the smallest font size and the pairs of words printed over each other."""
    pdfplumber = pytest.importorskip("pdfplumber")
    pages = []
    with pdfplumber.open(str(pdf)) as doc:
        for page in doc.pages:
            sizes = [c["size"] for c in page.chars if c["text"].strip()]
            words = page.extract_words()
            over = [(a["text"], b["text"]) for a, b in itertools.combinations(words, 2)
                    if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 1
                    and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1]
            pages.append({"text": page.extract_text() or "", "min": min(sizes, default=99.0), "over": over,
                          "words": words})
    return pages


def _present(value: str, pages: list[dict]) -> bool:
    """`value` printed whole in one cell: its words in reading order, on one line or wrapped onto the next lines
    of the same cell (left edge aligned, a word itself perhaps broken after a hyphen)."""
    target = value.split()
    for page in pages:
        words = page["words"]
        for start in words:
            if _chain(start, target[0], target[1:], words, start["x0"]):
                return True
    return False


def _chain(word: dict, token: str, rest: list[str], words: list[dict], left: float) -> bool:
    """`word` begins `token` (the rest of a broken token continues on the next line at the cell's left edge),
    then the other tokens follow."""
    if word["text"] == token:
        if not rest:
            return True
        return any(_chain(nxt, rest[0], rest[1:], words, left) for nxt in _after(word, words, left))
    if token.startswith(word["text"]) and word["text"].endswith("-"):
        remainder = token[len(word["text"]):]
        below = [w for w in words if abs(w["x0"] - left) < 2 and 0 < w["top"] - word["top"] < 20]
        return any(_chain(w, remainder, rest, words, left) for w in below)
    return False


def _after(word: dict, words: list[dict], left: float) -> list[dict]:
    """The words that may come next in the same cell: right after on the line, or first on the next line."""
    same_line = [w for w in words if abs(w["top"] - word["top"]) < 2 and 0 <= w["x0"] - word["x1"] < 8]
    next_line = [w for w in words if abs(w["x0"] - left) < 2 and 0 < w["top"] - word["top"] < 20]
    return same_line + next_line


def _check_readable(pages: list[dict], what: str) -> None:
    assert pages, what
    for n, page in enumerate(pages, start=1):
        assert page["min"] >= 8, (what, n, page["min"])
        assert not page["over"], (what, n, page["over"][:5])


def test_the_ledger_prints_readable_in_libreoffice(built, libreoffice, tmp_path):  # noqa: F811
    pdf, = libreoffice.convert([built], "pdf", tmp_path / "pdf")
    pages = _read_pdf(pdf)
    _check_readable(pages, "sổ")
    text = "\n".join(p["text"] for p in pages)
    ledger = read_ledger(built)
    for spec in LEDGER_SHEETS:
        assert spec.heading in " ".join(text.split()), spec.heading
        for rec in ledger.records(spec.key):
            value = rec.values.get(spec.id_column)
            assert value is not None and _present(str(value), pages), (spec.title, rec.row, value)
    # «Trang N» restarts on every sheet: as many first pages as visible sheets
    firsts = sum(1 for p in pages if re.search(r"\bTrang 1\s*$", p["text"].strip()))
    assert firsts == len(LEDGER_SHEETS) + 1  # Cấu hình too; Danh mục is hidden
    assert all(UNIT in p["text"] for p in pages)


def test_every_exported_register_prints_readable_in_libreoffice(built, libreoffice, tmp_path):  # noqa: F811
    ledger = read_ledger(built)
    outs = []
    for layout in REGISTER_LAYOUTS:
        out = tmp_path / f"so{layout.code}.xlsx"
        assert export_register(ledger, layout.code, out) == len(ledger.records(layout.sheet))
        outs.append(out)
    pdfs = libreoffice.convert(outs, "pdf", tmp_path / "pdf")
    for layout, pdf in zip(REGISTER_LAYOUTS, pdfs):
        pages = _read_pdf(pdf)
        _check_readable(pages, f"Sổ {layout.code}")
        text = "\n".join(p["text"] for p in pages)
        assert all(p["text"].startswith(UNIT) for p in pages)  # row 1 on the first page, the page header after
        assert pages[0]["text"].splitlines()[1] == layout.title.upper()  # the unit not twice on page 1
        spec = next(s for s in LEDGER_SHEETS if s.key == layout.sheet)
        first_printed = layout.printed[0]
        for rec in ledger.records(layout.sheet):
            if first_printed.fills:  # the first column is a record's value (else STT, numbered)
                value = rec.values.get(first_printed.fills[0][0])
                if isinstance(value, str):
                    assert _present(value, pages), (layout.code, rec.row, value)
        assert spec.key == layout.sheet
