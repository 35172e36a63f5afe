"""A ledger's text written again by kiemsat stays the text the clerk typed: never a formula Excel
would run, never an «_xHHHH_» escape a reader would decode. Checked in every place kiemsat writes
ledger text into a workbook with openpyxl: the exported register, the migrated ledger and its
result sheet, the «Thống kê» workbook, and the ribbon's file shell."""

from __future__ import annotations

import zipfile
from datetime import date

import openpyxl
from click.testing import CliRunner
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from addin.commands.cli import cli
from macros_py.sample import sample_rows
from macros_py.workbook.literal import escape_underscores, excel_typed, literal_cell
from workbook_templates.builder import build_workbook

FORMULA = '=HYPERLINK("http://x.example/","bấm vào")'
ESCAPE = "số _x000D_ và _x0041_"  # typed by a clerk: must not come back as a carriage return and «A»
TODAY = date(2026, 3, 2)


def _no_formulas(path) -> None:
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), (path.name, name)


def _holds(path, *texts: str) -> bool:
    """Every one of `texts` is read back by python-calamine, alone or inside a composite cell."""
    found = _calamine_texts(path)
    return all(any(t in v for v in found) for t in texts)


def _calamine_texts(path) -> set[str]:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        return {v for name in wb.sheet_names for row in wb.get_sheet_by_name(name).to_python() for v in row
                if isinstance(v, str)}
    finally:
        wb.close()


def test_an_openpyxl_cell_keeps_the_text_as_typed(tmp_path):
    wb = Workbook()
    ws = wb.active
    literal_cell(ws.cell(1, 1, FORMULA))
    literal_cell(ws.cell(2, 1, ESCAPE))
    literal_cell(ws.cell(3, 1, 12))
    path = tmp_path / "a.xlsx"
    wb.save(path)
    _no_formulas(path)
    assert _holds(path, FORMULA, ESCAPE)
    assert openpyxl.load_workbook(path)["Sheet"]["A3"].value == 12
    assert escape_underscores("_x000D_") == "_x005F_x000D_" and escape_underscores("a_b") == "a_b"
    assert excel_typed(FORMULA) == "'" + FORMULA and excel_typed("Nguyễn Văn An") == "Nguyễn Văn An"


def _hostile_ledger(path):
    rows = sample_rows(12, seed=5, today=TODAY)
    rows["an_hinh_su"][0]["offence"] = FORMULA
    rows["an_hinh_su"][1]["offence"] = ESCAPE
    rows["tin_bao"][0]["content"] = FORMULA
    build_workbook(rows).save(path)
    return path


def test_export_import_and_statistics_write_the_ledger_text_as_text(tmp_path):
    ledger = _hostile_ledger(tmp_path / "so.xlsx")
    _no_formulas(ledger)  # the template itself (built from the rows) holds the text as text
    assert _holds(ledger, FORMULA, ESCAPE)
    runner = CliRunner()

    out = tmp_path / "so07.xlsx"
    result = runner.invoke(cli, ["export", str(ledger), "--so", "07", "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    _no_formulas(out)
    assert _holds(out, FORMULA, ESCAPE)

    moved = tmp_path / "so_moi.xlsx"
    result = runner.invoke(cli, ["import", str(ledger), "--out", str(moved)])
    assert result.exit_code in (0, 1), result.output
    _no_formulas(moved)
    assert _holds(moved, FORMULA, ESCAPE)

    stats = tmp_path / "thong_ke.xlsx"
    result = runner.invoke(cli, ["stats", str(ledger), "--today", TODAY.isoformat(), "--out", str(stats)])
    assert result.exit_code in (0, 1), result.output
    _no_formulas(stats)
