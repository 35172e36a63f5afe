"""Moving a clerk's own ledger into kiemsat's template (`kiemsat import SO_CU.xlsx --out SO.xlsx`).

Every record read from the old file goes into the template's sheet for its ledger: the columns kiemsat
recognised fill the template's columns; the unit's own columns are kept at the right of each sheet,
under their own headers. A «Kết quả chuyển sổ» sheet lists, for each sheet of the old file, how each
header was read, and every cell that was warned about or could not be read (left empty in the new
ledger, with its old value shown there). The old file is only read, never written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl.styles import Font

from macros_py.ledger.mapping import mapping_report
from macros_py.ledger.problems import column_letter
from macros_py.ledger.schema import LEDGER_SHEETS
from macros_py.workbook.literal import literal_cell
from workbook_templates.builder import FIRST_DATA_ROW, HEADER_ROW, build_workbook, page_setup

RESULT_SHEET = "Kết quả chuyển sổ"
_BOLD = Font(name="Times New Roman", size=11, bold=True)


def migrate(ledger: Any, out: Path) -> dict[str, int]:
    """Write the new ledger for `ledger` (a reader.Ledger) at `out`; returns rows moved by sheet title."""
    from macros_py.workbook.safefile import atomic_write

    # several sheets of a kind (one per prosecutor, per year) become one sheet, in file order
    rows = {key: [dict(r.values) for r in ledger.records(key)] for key in ledger.sheets}
    wb = build_workbook(rows, ledger.settings)
    moved = {}
    for spec in LEDGER_SHEETS:
        sheets = ledger.sheets_of(spec.key)
        if not sheets:
            continue
        records = ledger.records(spec.key)
        moved[spec.title] = len(records)
        ws = wb[spec.title]
        own = list(dict.fromkeys(label for data in sheets for label in data.extra_columns.values()))
        first = len(spec.columns) + 2  # one empty column between the template's table and the unit's own
        for j, label in enumerate(own):
            literal_cell(ws.cell(HEADER_ROW, first + j, label)).font = _BOLD
            ws.column_dimensions[column_letter(first + j - 1)].width = 18
        for i, rec in enumerate(records):
            for j, label in enumerate(own):
                if label in rec.extra:
                    literal_cell(ws.cell(FIRST_DATA_ROW + i, first + j, rec.extra[label]))
    _result_sheet(wb, ledger)
    atomic_write(Path(out), wb.save)
    return moved


def _result_sheet(wb: Any, ledger: Any) -> None:
    ws = wb.create_sheet(RESULT_SHEET)
    page_setup(ws, RESULT_SHEET.upper(), title_rows="2:2")
    ws.append([f"KẾT QUẢ CHUYỂN SỔ «{ledger.path.name}» SANG MẪU CỦA KIEMSAT"])
    ws["A1"].font = _BOLD
    ws.append(["Sheet cũ", "Cột", "Tiêu đề", "Đọc thành", "Ghi chú"])
    for cell in ws[2]:
        cell.font = _BOLD
    for sheet in mapping_report(ledger):
        for h in sheet["headers"]:
            how = ", ".join(h["fields"]) if h["fields"] else "cột riêng của đơn vị (giữ ở bên phải sheet)"
            ws.append([sheet["sheet"], column_letter(h["column"]), h["header"], how,
                       f"sổ «{sheet['ledger']}»" + (f", theo Sổ {h['source']}" if h["source"] not in ("", "ghim") else "")])
        for m in sheet["missing"]:
            ws.append([sheet["sheet"], "", "", m["field"], "không có cột này trong sổ cũ (bắt buộc)"])
    for name in ledger.unknown_sheets:
        ws.append([name, "", "", "", "không chuyển: không phải sổ của kiemsat"])
    ws.append([])
    ws.append(["Lỗi và cảnh báo (ô lỗi được để trống trong sổ mới)"])
    ws.cell(ws.max_row, 1).font = _BOLD
    ws.append(["Sheet cũ", "Dòng", "Cột", "Giá trị cũ", "Mức", "Nội dung"])
    for cell in ws[ws.max_row]:
        cell.font = _BOLD
    for p in ledger.problems:
        ws.append([p.sheet, p.row, p.column, p.value, p.level, p.message])
    for row in ws.iter_rows():  # headers, sheet names and values from the old ledger stay text
        for cell in row:
            literal_cell(cell)
    for letter, width in zip("ABCDEF", (22, 8, 28, 30, 10, 70)):
        ws.column_dimensions[letter].width = width
