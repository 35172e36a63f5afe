"""Every kiemsat write on a clerk's real workbook changes only what it means to change (issue 11).

The clerk's workbook (tests/clerkbook.py) holds what openpyxl does not model. After each writing
command, through the `kiemsat` command itself: every zip part other than the intended ones is
byte-identical; in a worksheet part kiemsat wrote cells into, everything outside <sheetData> is;
the cells read back as kiemsat meant; formulas keep their cached values; LibreOffice opens the
result; and an .xlsm keeps its VBA project and macro content type.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from macros_py.decisions.register import ISSUED
from macros_py.law.deadlines import compute_deadlines
from macros_py.law.writeback import COMPUTED
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import REGISTER, STATS_SHEET
from macros_py.workbook.package import Package
from macros_py.workbook.safefile import BACKUP_DIR
from tests.clerkbook import CASE_SHEET, CLERK_SHEET, build_clerk_workbook, outside_sheet_data, parts_of
from tests.conftest import TODAY
from tests.lo import libreoffice  # noqa: F401  (session fixture)
from tests.test_cli import run

SUFFIXES = [".xlsx", ".xlsm"]


@pytest.fixture(params=SUFFIXES)
def clerk(request, sample_ledger: Path, tmp_path: Path) -> Path:
    return build_clerk_workbook(sample_ledger, tmp_path / f"so_theo_doi{request.param}",
                                macros=request.param == ".xlsm")


def _sheet_parts(path: Path) -> dict[str, str]:
    pkg = Package(path)
    try:
        return dict(pkg.sheets)
    finally:
        pkg.close()


def _assert_only(before: dict[str, bytes], after: dict[str, bytes], cells_in: set[str], others: set[str]) -> None:
    """Parts outside `cells_in` (worksheets written into) and `others` (allowed to change) are
    byte-identical; in `cells_in`, all but <sheetData> and <dimension> is."""
    assert set(before) <= set(after), f"parts lost: {set(before) - set(after)}"
    for name, data in before.items():
        if name in cells_in:
            assert outside_sheet_data(after[name]) == outside_sheet_data(data), name
        elif name not in others:
            assert after[name] == data, f"{name} changed"


def _cached(path: Path) -> dict[str, object]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(CLERK_SHEET).to_python()
    return {"B1": sheet[0][1], "B2": sheet[1][1], "C1": sheet[0][2], "D4": sheet[2][3]}


def _macros_kept(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    if "xl/vbaProject.bin" in before:
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
        assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]


def test_deadlines_write_changes_only_the_computed_cells(clerk: Path, libreoffice, tmp_path):  # noqa: F811
    before = parts_of(clerk)
    cached = _cached(clerk)
    led = read_ledger(clerk)
    expected = compute_deadlines(led, TODAY)
    done = run("deadlines", str(clerk), "--today", TODAY.isoformat(), "--write")
    assert done.returncode in (0, 1), done.stderr
    after = parts_of(clerk)
    sheets = _sheet_parts(clerk)
    written = {sheets[d.name] for d in led.sheets.values() if set(COMPUTED) & set(d.columns)}
    _assert_only(before, after, written, {"xl/workbook.xml", "xl/styles.xml"})
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]  # the clerk's formulas recalculate in Excel
    _macros_kept(before, after)
    # what kiemsat meant: each row's next deadline; the formula date is still read as a date
    again = read_ledger(clerk)
    assert again.records("an_hinh_su")[0].values["opening_date"] == led.records("an_hinh_su")[0].values["opening_date"]
    assert b"<f>DATE(" in after[_sheet_parts(clerk)[CASE_SHEET]]
    nexts = expected.next_by_row()
    for key, data in again.sheets.items():
        if "next_deadline" not in data.columns:
            continue
        for rec in data.records:
            d = nexts.get((key, rec.row))
            assert (rec.values["next_deadline"], rec.values["days_left"]) == ((d.due, d.days_left) if d else
                                                                              (None, None))
    assert _cached(clerk) == cached
    # LibreOffice opens it and computes the clerk's formulas to the same values
    (resaved,) = libreoffice.convert([clerk], "xlsx", tmp_path / "lo")
    assert _cached(resaved) == cached
    assert read_ledger(resaved).records("an_hinh_su")[0].values["next_deadline"] == \
        again.records("an_hinh_su")[0].values["next_deadline"]
    # a second run finds nothing to change and writes nothing
    unchanged = clerk.read_bytes()
    backups = sorted((clerk.parent / BACKUP_DIR).iterdir())
    run("deadlines", str(clerk), "--today", TODAY.isoformat(), "--write")
    assert clerk.read_bytes() == unchanged and sorted((clerk.parent / BACKUP_DIR).iterdir()) == backups


def test_decide_appends_to_the_register_and_keeps_the_rest(clerk: Path, libreoffice, tmp_path):  # noqa: F811
    before = parts_of(clerk)
    cached = _cached(clerk)
    led = read_ledger(clerk)
    register_before = len(led.records(REGISTER.key))
    sheets = _sheet_parts(clerk)
    pkg = Package(clerk)
    register_tables = set(pkg.tables(sheets[led.sheets[REGISTER.key].name]))
    pkg.close()
    out = tmp_path / "qd"
    done = run("decide", str(clerk), "--type", "hinh-su", "--rows", "3-5", "--out", str(out), "--date", "16/03/2026",
               "--force")  # rows past the stage: this test is about what the write keeps
    assert done.returncode == 0, done.stderr
    after = parts_of(clerk)
    written = {sheets[led.sheets[REGISTER.key].name], sheets[CASE_SHEET]}
    _assert_only(before, after, written, {"xl/workbook.xml", "xl/styles.xml", *register_tables})
    _macros_kept(before, after)
    again = read_ledger(clerk)
    entries = again.records(REGISTER.key)[register_before:]
    assert len(entries) == 3 and {e.values["status"] for e in entries} == {ISSUED}
    docs = sorted(out.rglob("*.docx"))
    assert len(docs) == 3
    cases = {r.row: r for r in again.records("an_hinh_su")}
    for entry in entries:
        assert (clerk.parent / entry.values["file"]).is_file()
        assert any(c.values.get("decision_no") == f"{entry.values['number']}/{entry.values['symbol']}"
                   for c in cases.values())
    # the register's table grew over the new rows, so filters and styles in Excel cover them
    table = after[next(iter(register_tables))].decode()
    last = max(e.row for e in entries)
    assert re.search(rf'ref="A\d+:[A-Z]+{last}"', table), table[:300]
    assert _cached(clerk) == cached
    (resaved,) = libreoffice.convert([clerk], "xlsx", tmp_path / "lo")
    assert len(read_ledger(resaved).records(REGISTER.key)) == register_before + 3


def test_stats_write_grafts_its_sheet_and_replaces_it_in_place(clerk: Path, libreoffice, tmp_path):  # noqa: F811
    before = parts_of(clerk)
    cached = _cached(clerk)
    listing = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"}
    done = run("stats", str(clerk), "--period", "2026-Q1", "--today", TODAY.isoformat(), "--write")
    assert done.returncode == 0, done.stderr
    first = parts_of(clerk)
    _assert_only(before, first, set(), listing)
    _macros_kept(before, first)
    charts = sorted(n for n in first if n.startswith("xl/charts/"))
    assert charts and STATS_SHEET in _sheet_parts(clerk)
    assert _cached(clerk) == cached
    # again (another period): the same sheet replaced in place, no chart left behind, the rest untouched
    done = run("stats", str(clerk), "--period", "2026-M03", "--today", TODAY.isoformat(), "--write")
    assert done.returncode == 0, done.stderr
    second = parts_of(clerk)
    _assert_only(before, second, set(), listing)
    assert sorted(n for n in second if n.startswith("xl/charts/")) == charts
    names = list(_sheet_parts(clerk))
    assert names.count(STATS_SHEET) == 1 and names[-1] == STATS_SHEET
    (resaved,) = libreoffice.convert([clerk], "xlsx", tmp_path / "lo")
    book = CalamineWorkbook.from_path(str(resaved))
    assert STATS_SHEET in book.sheet_names and CLERK_SHEET in book.sheet_names
    with zipfile.ZipFile(resaved) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())  # LibreOffice kept the charts


def test_a_workbook_libreoffice_saved_is_patched_the_same_way(clerk: Path, libreoffice, tmp_path):  # noqa: F811
    if clerk.suffix == ".xlsm":
        pytest.skip("one LibreOffice-saved workbook is enough")
    (saved,) = libreoffice.convert([clerk], "xlsx", tmp_path / "lo")
    ledger = tmp_path / "lo_saved.xlsx"
    shutil.copy(saved, ledger)
    before = parts_of(ledger)
    led = read_ledger(ledger)
    expected = compute_deadlines(led, TODAY).next_by_row()
    done = run("deadlines", str(ledger), "--today", TODAY.isoformat(), "--write")
    assert done.returncode in (0, 1), done.stderr
    sheets = _sheet_parts(ledger)
    written = {sheets[d.name] for d in led.sheets.values() if set(COMPUTED) & set(d.columns)}
    _assert_only(before, parts_of(ledger), written, {"xl/workbook.xml", "xl/styles.xml"})
    again = read_ledger(ledger)
    got = {(k, r.row): r.values["next_deadline"] for k, d in again.sheets.items() if "next_deadline" in d.columns
           for r in d.records if r.values["next_deadline"]}
    assert got == {k: d.due for k, d in expected.items()}
    # what LibreOffice wrote as shared strings is still read the same
    assert [r.values for r in again.records("tin_bao")][0]["receipt_no"] == \
        [r.values for r in led.records("tin_bao")][0]["receipt_no"]


def test_a_date_into_a_cell_without_a_date_format_gets_one(tmp_path):
    from openpyxl import Workbook

    from macros_py.workbook.package import Patch, write_cells

    path = tmp_path / "x.xlsx"
    wb = Workbook()
    wb.active.title = "S"
    wb.active["A1"] = "chữ"
    wb.save(path)
    patch = Patch()
    patch.set("S", 1, 2, date(2026, 12, 3))
    patch.set("S", 5, 1, "  dòng <mới> & «khác»  ")
    patch.set("S", 1, 1, None)
    report = write_cells(path, patch)
    assert "xl/styles.xml" in report.parts
    from openpyxl import load_workbook

    ws = load_workbook(path)["S"]
    assert ws["B1"].value.date() == date(2026, 12, 3) and ws["B1"].number_format == "dd/mm/yyyy"
    assert ws["A5"].value == "  dòng <mới> & «khác»  " and ws["A1"].value is None


def test_a_formula_without_a_cached_value_is_reported_not_read_as_empty(sample_ledger, tmp_path):
    """openpyxl (and other programs that do not calculate) write formulas with no value: the reader
    must say so for that cell instead of reading it as empty."""
    from openpyxl import load_workbook

    path = tmp_path / "so.xlsx"
    wb = load_workbook(sample_ledger)
    ws = wb[CASE_SHEET]
    led = read_ledger(sample_ledger)
    col = led.sheets["an_hinh_su"].columns["opening_date"] + 1
    ws.cell(3, col).value = "=DATE(2026,2,20)"
    ws.cell(4, col + 40).value = "=1+1"  # a formula outside the ledger's columns is no concern
    wb.save(path)
    problems = [p for p in read_ledger(path).problems if p.row == 3 and p.sheet == CASE_SHEET]
    assert len(problems) == 1 and "mở sổ bằng Excel rồi lưu lại" in problems[0].message
    assert read_ledger(path).records("an_hinh_su")[0].values["opening_date"] is None


# ---- reduced from the writer's fuzz campaign (tests/writer_fuzz.py, tests/test_writer_fuzz.py)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _one_sheet(tmp_path: Path, sheet_data: str, *, prefix: str = "") -> Path:
    """An openpyxl workbook whose only sheet «S» has `sheet_data` (the <sheetData> children)."""
    from openpyxl import Workbook

    path = tmp_path / "one.xlsx"
    wb = Workbook()
    wb.active.title = "S"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    ns = f'xmlns:{prefix[:-1]}="{_MAIN}"' if prefix else f'xmlns="{_MAIN}"'
    parts["xl/worksheets/sheet1.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                         f'<{prefix}worksheet {ns}><{prefix}sheetData>{sheet_data}'
                                         f'</{prefix}sheetData></{prefix}worksheet>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _grid(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S").to_python(skip_empty_area=False)


def _write(path: Path, cells: dict[tuple[int, int], object]):
    from macros_py.workbook.package import Patch, write_cells

    patch = Patch()
    for (r, c), v in cells.items():
        patch.set("S", r, c, v)
    return write_cells(path, patch, backup=False)


def test_a_prefixed_main_namespace_gets_its_prefix_on_written_cells(tmp_path, libreoffice):  # noqa: F811
    """<x:worksheet xmlns:x=...> (as some tools write): new and rewritten cells must be <x:c>, or
    they are in no namespace and every reader skips them."""
    from lxml import etree

    path = _one_sheet(tmp_path, '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>', prefix="x:")
    _write(path, {(1, 1): "một", (1, 2): 2, (3, 1): "ba"})
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    assert {etree.QName(e).namespace for e in root.iter() if isinstance(e.tag, str)} == {_MAIN}
    assert _grid(path) == [["một", 2.0], ["", ""], ["ba", ""]]
    (csv,) = libreoffice.convert([path], "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "lo")
    assert csv.read_text(encoding="utf-8").split() == ["một,2", ",", "ba,"]


def test_cells_out_of_column_order_are_replaced_where_they_stand(tmp_path):
    """A row whose cells are not in column order: two cells written in it used to be spliced at
    their positions sorted by column, duplicating cells (C1, A1, C1, A1, B1)."""
    path = _one_sheet(tmp_path, '<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c>'
                                '<c r="B1"><v>2</v></c></row>')
    _write(path, {(1, 1): 10, (1, 3): 30})
    with zipfile.ZipFile(path) as z:
        refs = re.findall(rb'<c r="([A-Z]+\d+)"', z.read("xl/worksheets/sheet1.xml"))
    assert sorted(refs) == [b"A1", b"B1", b"C1"]
    assert _grid(path) == [[10.0, 2.0, 30.0]]


def test_carriage_returns_and_excel_escapes_in_text_are_kept_as_written(tmp_path):
    """A literal CR in XML text reads back as LF; text that looks like Excel's _xHHHH_ escape reads
    back (in Excel, LibreOffice, calamine) as the character it names. Both must read back as the
    text kiemsat wrote."""
    from openpyxl import load_workbook

    path = _one_sheet(tmp_path, "")
    texts = ["dòng 1\r\ndòng 2", "_x000D_ và _x0041_", "a\rb", "_x005F_x0041_"]
    _write(path, {(1, c): t for c, t in enumerate(texts, 1)})
    assert _grid(path) == [texts]
    ws = load_workbook(path)["S"]
    # openpyxl does not decode _xHHHH_ in inline strings at all (so it shows the escape): CRs only
    assert [ws.cell(1, c).value for c in (1, 3)] == [texts[0], texts[2]]


def test_a_cell_inside_an_array_formula_is_not_overwritten(tmp_path):
    """Only the first cell of an array formula holds <f t="array" ref=...>; the others hold just
    its cached values, but they are part of the formula (Excel: "cannot change part of an array")."""
    path = _one_sheet(tmp_path, '<row r="1"><c r="A1"><f t="array" ref="A1:A3">ROW(A1:A3)</f><v>1</v></c></row>'
                                '<row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>')
    report = _write(path, {(2, 1): "ghi đè", (3, 1): None, (2, 2): "bên cạnh"})
    assert sorted(report.formulas_kept) == [("S", 2, 1), ("S", 3, 1)]
    assert _grid(path) == [[1.0, ""], [2.0, "bên cạnh"], [3.0, ""]]


def test_a_table_with_a_totals_row_does_not_take_in_rows_written_below_it(tmp_path):
    """The totals row is a table's last row: growing the range over rows written below it would
    make the new row the totals row and the old totals a data row."""
    path = _one_sheet(tmp_path, '<row r="1"><c r="A1" t="inlineStr"><is><t>Số</t></is></c></row>'
                                '<row r="2"><c r="A2"><v>5</v></c></row>'
                                '<row r="3"><c r="A3"><f>SUBTOTAL(109,A2)</f><v>5</v></c></row>')
    table = (f'<table xmlns="{_MAIN}" id="1" name="B" displayName="B" ref="A1:A3" totalsRowCount="1">'
             '<autoFilter ref="A1:A2"/><tableColumns count="1"><tableColumn id="1" name="Số" '
             'totalsRowFunction="sum"/></tableColumns></table>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/table" '
            'Target="../tables/table1.xml"/></Relationships>')
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/tables/table1.xml", table)
        z.writestr("xl/worksheets/_rels/sheet1.xml.rels", rels)
    report = _write(path, {(4, 1): 7})
    assert "xl/tables/table1.xml" not in report.parts
    assert _grid(path) == [["Số"], [5.0], [5.0], [7.0]]


def test_a_lone_surrogate_in_a_value_is_dropped_not_a_failed_write(tmp_path):
    """Python text can hold a lone surrogate (from a badly decoded file name or mail); XML cannot.
    It used to abort the whole write with UnicodeEncodeError."""
    path = _one_sheet(tmp_path, "")
    _write(path, {(1, 1): "tệp\ud800 lỗi", (1, 2): "ổn"})
    assert _grid(path) == [["tệp lỗi", "ổn"]]


def test_a_new_cell_in_a_formatted_row_takes_the_rows_style(tmp_path):
    """An empty cell of a row with customFormat shows in the row's style: a value written there
    keeps that look instead of the cell above's or none."""
    path = _one_sheet(tmp_path, '<row r="1"><c r="B1" s="0"><v>1</v></c></row>'
                                '<row r="2" s="1" customFormat="1"><c r="A2" s="1"><v>2</v></c></row>')
    with zipfile.ZipFile(path) as z:  # a second xf (with a border) for the row's style
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/styles.xml"] = re.sub(rb"<cellXfs count=\"\d+\">(.*?)</cellXfs>",
                                    lambda m: b'<cellXfs count="2">' + m.group(1) + b'<xf numFmtId="0" fontId="0" '
                                    b'fillId="0" borderId="1" applyBorder="1"/></cellXfs>', parts["xl/styles.xml"],
                                    flags=re.S)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    _write(path, {(2, 2): "mới"})
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="B2" s="1" t="inlineStr">' in sheet


def test_a_sheet_put_into_a_1904_workbook_keeps_its_dates(tmp_path):
    """The donor sheet (built by openpyxl) counts dates from 1900; a ledger saved with the 1904 date
    system (old Mac Excel) counts them from 1904: grafted as they were, every date of «Thống kê»
    moved 4 years and a day."""
    import io
    from datetime import datetime

    from openpyxl import Workbook

    from macros_py.workbook.package import DonorSheet, Patch, write_cells

    path = _one_sheet(tmp_path, '<row r="1"><c r="A1"><v>1</v></c></row>')
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = re.sub(rb"<workbookPr\b[^>]*?/>", b'<workbookPr date1904="1"/>',
                                      parts["xl/workbook.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    donor = Workbook()
    ws = donor.active
    ws.title = "Thống kê"
    ws["A1"], ws["B1"], ws["C1"] = date(2026, 12, 1), datetime(2026, 12, 1, 7, 30), 42
    ws["A1"].number_format = ws["B1"].number_format = "dd/mm/yyyy hh:mm"
    buf = io.BytesIO()
    donor.save(buf)
    report = write_cells(path, Patch(sheets={"Thống kê": DonorSheet(buf.getvalue(), None)}), backup=False)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(report.sheets["Thống kê"]).to_python()
    assert sheet[0][:3] == [date(2026, 12, 1), datetime(2026, 12, 1, 7, 30), 42.0]


def test_dates_before_march_1900_are_written_as_excel_counts_them(tmp_path):
    """Excel's 1900 date system counts a 29/02/1900 that never was (serial 60): 01/01/1900 is 1, not
    2, so a date before 01/03/1900 written from the plain epoch read back a day late."""
    from openpyxl import load_workbook

    path = _one_sheet(tmp_path, "")
    dates = [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2026, 12, 1)]
    _write(path, {(1, c): d for c, d in enumerate(dates, 1)})
    assert _grid(path) == [dates]
    ws = load_workbook(path)["S"]
    assert [ws.cell(1, c).value.date() for c in range(1, 5)] == dates
