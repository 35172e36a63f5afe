"""Writes leave the package as lean as they found it (issue 22, item 8): replacing kiemsat's own sheet
drops the old parts with their relationships and content types, and styles are reused, never appended."""

from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import date
from pathlib import Path

from lxml import etree

from macros_py.ledger.reader import read_ledger
from macros_py.stats.periods import parse_period
from macros_py.stats.sheet import write_statistics_to_ledger
from macros_py.stats.summaries import compute_statistics
from macros_py.workbook.graft import resolve
from tests.lo import libreoffice  # noqa: F401
from workbook_templates.builder import create_ledger

TODAY = date(2026, 6, 1)
WRITES = 50
_R = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def shape(path: Path) -> dict:
    """The package's parts, content-type overrides and style list sizes."""
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
        types = z.read("[Content_Types].xml").decode()
        names = sorted(z.namelist())
        counts = {tag: len(re.findall(rf"<{tag}\b", styles)) for tag in ("font", "fill", "border", "xf", "numFmt")}
        return {"parts": names, "overrides": sorted(re.findall(r'PartName="([^"]+)"', types)), **counts,
                "unreached": unreached(z)}


def unreached(z: zipfile.ZipFile) -> list[str]:
    """Parts no relationship reaches from the package root (left behind by a write)."""
    names = set(z.namelist())
    seen, todo = set(), ["_rels/.rels"]
    while todo:
        rels = todo.pop()
        owner = posixpath.join(posixpath.dirname(posixpath.dirname(rels)), posixpath.basename(rels)[:-5])
        for r in etree.fromstring(z.read(rels)).iter(_R):
            if r.get("TargetMode") == "External":
                continue
            target = resolve(owner if owner else "", r.get("Target")) if not rels.startswith("_rels/") else \
                r.get("Target").lstrip("/")
            if target in names and target not in seen:
                seen.add(target)
                sub = posixpath.join(posixpath.dirname(target), "_rels", posixpath.basename(target) + ".rels")
                if sub in names:
                    seen.add(sub)
                    todo.append(sub)
    return sorted(n for n in names - seen - {"[Content_Types].xml", "_rels/.rels"})


def test_stats_write_fifty_times_leaves_what_one_write_leaves(tmp_path):
    path = tmp_path / "so.xlsx"
    create_ledger(path, sample=15, today=TODAY)
    stats = compute_statistics(read_ledger(path), parse_period("2026-H1"), TODAY)
    before = shape(path)
    write_statistics_to_ledger(path, stats, keep=0)
    once = shape(path)
    assert once["unreached"] == [] and before["unreached"] == []
    assert len(once["parts"]) > len(before["parts"])  # the sheet, its drawing and charts came in
    for _ in range(WRITES - 1):
        write_statistics_to_ledger(path, stats, keep=0)
    assert shape(path) == once
    ledger = read_ledger(path)
    assert "Thống kê" in [n for n in zipfile.ZipFile(path).read("xl/workbook.xml").decode().split('"')]
    assert ledger.errors == []


# ---------------------------------------------------------------- formulas over written cells

def _with_stale_formulas(path: Path, rows: list) -> tuple[Path, int]:
    """A tin báo sheet in kiemsat's columns plus the clerk's «Tình trạng» =IF(<Hạn tiếp theo>="", ...) and,
    in a sheet of the clerk's own, =COUNTA over that column: cached values as Excel left them before
    kiemsat wrote the deadlines (none yet)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from macros_py.ledger.schema import TIP_OFFS

    keys = [c.key for c in TIP_OFFS.columns]
    due = get_column_letter(keys.index("next_deadline") + 1)
    own = len(keys) + 1
    wb = Workbook()
    ws = wb.active
    ws.title = "Tin báo"
    ws.append([c.label for c in TIP_OFFS.columns] + ["Tình trạng"])
    for i, row in enumerate(rows, start=2):
        ws.append([row.get(k) for k in keys])
        ws.cell(i, own, f'=IF({due}{i}="","chưa có hạn","có hạn")')
    notes = wb.create_sheet("Sổ tay")
    notes["A1"] = f"=COUNTA('Tin báo'!{due}2:{due}{len(rows) + 1})"
    notes["A2"] = "=1+1"  # depends on nothing: keeps its cached value
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i) for i in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            text = data.decode("utf-8") if info.filename.startswith("xl/worksheets/") else None
            if info.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r'<c r="([A-Z]+\d+)"([^>]*)><f>(IF\([^<]*)</f><v\s*/?>(?:</v>)?</c>',
                              r'<c r="\1"\2 t="str"><f>\3</f><v>chưa có hạn</v></c>', text)
            elif info.filename == "xl/worksheets/sheet2.xml":
                text = re.sub(r"<f>(COUNTA[^<]*)</f><v\s*/?>(?:</v>)?", r"<f>\1</f><v>0</v>", text)
                text = re.sub(r"<f>(1\+1)</f><v\s*/?>(?:</v>)?", r"<f>\1</f><v>2</v>", text)
            z.writestr(info, text.encode("utf-8") if text is not None else data)
    return path, own


def test_formulas_over_written_cells_show_the_written_values(tmp_path, libreoffice):  # noqa: F811
    from python_calamine import CalamineWorkbook

    from macros_py.law.deadlines import compute_deadlines
    from macros_py.law.writeback import write_deadlines
    from tests.shapes import tips

    rows = tips(10)
    path, own = _with_stale_formulas(tmp_path / "so.xlsx", rows)
    write_deadlines(path, lambda led: compute_deadlines(led, TODAY))
    with zipfile.ZipFile(path) as z:
        notes = z.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>1+1</f><v>2</v>" in notes  # a formula over nothing written keeps its cached value
    assert re.search(r"<f>COUNTA[^<]*</f></c>", notes)  # one over written cells lost it
    (out,) = libreoffice.convert([path], "xlsx", tmp_path / "lo")
    wb = CalamineWorkbook.from_path(str(out))
    sheet = wb.get_sheet_by_name("Tin báo").to_python()
    header = sheet[0]
    due = header.index("Hạn tiếp theo")
    shown = [(r[due] not in ("", None), r[own - 1]) for r in sheet[1:len(rows) + 1]]
    assert any(has for has, _ in shown) and not all(has for has, _ in shown)  # both kinds of row
    assert all(status == ("có hạn" if has else "chưa có hạn") for has, status in shown), shown
    counted = wb.get_sheet_by_name("Sổ tay").to_python()
    assert counted[0][0] == sum(has for has, _ in shown) and counted[1][0] == 2
    assert read_ledger(path).errors == []
