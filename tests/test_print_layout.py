"""The ledger kiemsat builds prints as a register should (issue 13): one page wide on every sheet, the
header row and the key column on every page, the title in the page header, page setup on Cấu hình and
Danh mục too, wrapped rows tall enough, input hints on. Checked in the XML and in LibreOffice's PDF."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

from macros_py.ledger.schema import LEDGER_SHEETS, LISTS_SHEET, SETTINGS_SHEET
from tests.lo import libreoffice  # noqa: F401
from workbook_templates.builder import TEMPLATE_PATH, create_ledger

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
ROWS = 30


def _sheets(path: Path) -> dict[str, ElementTree.Element]:
    with zipfile.ZipFile(path) as zf:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        out = {s.get("name"): ElementTree.fromstring(zf.read("xl/" + targets[s.get(R_NS)].lstrip("/").removeprefix("xl/")))
               for s in book.find("m:sheets", NS)}
        out["_workbook"] = book
    return out


def _built(tmp_path: Path) -> Path:
    path = tmp_path / "so.xlsx"
    create_ledger(path, sample=ROWS, seed=1, today=date(2025, 9, 1))
    return path


def test_every_sheet_prints_one_page_wide_with_title_and_page_numbers(tmp_path):
    for path in (_built(tmp_path), TEMPLATE_PATH):  # the streamed build and the committed template
        sheets = _sheets(path)
        names = [s.title for s in LEDGER_SHEETS] + [SETTINGS_SHEET, LISTS_SHEET]
        for name in names:
            ws = sheets[name]
            assert ws.find("m:sheetPr/m:pageSetUpPr", NS).get("fitToPage") == "1", (path.name, name)
            setup = ws.find("m:pageSetup", NS)
            assert (setup.get("fitToWidth"), setup.get("fitToHeight"), setup.get("paperSize")) == ("1", "0", "9")
            header = ws.find("m:headerFooter/m:oddHeader", NS).text
            footer = ws.find("m:headerFooter/m:oddFooter", NS).text
            assert "&P" in footer and "&N" in footer
            heading = next((s.heading for s in LEDGER_SHEETS if s.title == name), None)
            if heading:
                assert heading in header
        titles = {d.text for d in sheets["_workbook"].iter(f"{{{NS['m']}}}definedName")
                  if d.get("name") == "_xlnm.Print_Titles"}
        for spec in LEDGER_SHEETS:
            assert f"'{spec.title}'!$2:$2,'{spec.title}'!$A:$A" in titles, titles


def test_wrapped_rows_get_a_height_and_input_hints_are_on(tmp_path):
    sheets = _sheets(_built(tmp_path))
    ws = sheets["Tin báo"]
    data = [r for r in ws.iter(f"{{{NS['m']}}}row") if int(r.get("r")) >= 3]
    assert len(data) == ROWS
    tall = [r for r in data if r.get("ht")]
    assert tall and all(float(r.get("ht")) >= 30 and r.get("customHeight") == "1" for r in tall)
    validations = [v for spec in LEDGER_SHEETS for v in sheets[spec.title].iter(f"{{{NS['m']}}}dataValidation")]
    assert len(validations) > len(LEDGER_SHEETS)
    assert all(v.get("showInputMessage") == "1" and v.get("prompt") for v in validations)


def test_libreoffice_prints_each_sheet_on_one_page(tmp_path, libreoffice):  # noqa: F811
    """30 rows a sheet used to print on 39 pages (Tin báo 7 pages wide); now each visible sheet is one page."""
    pdf, = libreoffice.convert([_built(tmp_path)], "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    visible = len(LEDGER_SHEETS) + 1  # Danh mục is hidden
    assert pages == visible
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    for i, page in enumerate(text.split("\f")[:pages], start=1):
        assert f"Trang {i} / {pages}" in page
    for spec in LEDGER_SHEETS:
        assert spec.heading in text
