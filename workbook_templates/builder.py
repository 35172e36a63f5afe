"""Builds the ledger workbook from the schema: one sheet per ledger, each an Excel Table with a
styled frozen header, widths, dd/mm/yyyy dates, dropdowns, deadline colours and A4-landscape
printing; plus the Cấu hình (settings) sheet and a hidden Danh mục sheet holding the lists.

`python -m workbook_templates.builder` rewrites the committed template `so_theo_doi.xlsx`.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterable, Mapping

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from macros_py.law.urgency import DAY, OVERDUE, THREE_DAYS, WINDOW, Band
from macros_py.ledger.schema import (
    ALL_CHOICES,
    DATE_FORMAT,
    LEDGER_SHEETS,
    LISTS_SHEET,
    PIN_COLUMNS,
    PIN_HINT,
    PIN_SECTION,
    SETTINGS,
    SETTINGS_BY_KEY,
    SETTINGS_SHEET,
    STAFF,
    Column,
    Kind,
    SheetSpec,
)
from macros_py.ledger.values import EXCEL_EPOCH, MAX_DATE, MIN_DATE
from macros_py.resources import LEDGER_TEMPLATE
from macros_py.workbook.literal import literal_cell
from workbook_templates.print_layout import column_groups, set_print_layout, wrapped_height

TEMPLATE_PATH = Path(__file__).with_name(LEDGER_TEMPLATE)

HEADER_ROW = 2  # row 1 is the printed title
FIRST_DATA_ROW = HEADER_ROW + 1
# dropdowns, formats and colours reach this many rows below the data, so rows a clerk
# adds by hand get them too
SPARE_ROWS = 500
MIN_FORMATTED_ROWS = 1000

STAFF_LIST = "DS_CanBo"
ALERT_DAYS_NAME = "SoNgayCanhBao"
FIXED_TIMESTAMP = datetime(2024, 1, 1)  # keeps rebuilds of the template identical

_THIN = Side(style="thin", color="8EA9DB")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(name="Times New Roman", size=14, bold=True, color="1F3864")
_HEADER_FONT = Font(name="Times New Roman", size=11, bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_COMPUTED_FILL = PatternFill("solid", fgColor="5B7F9E")
_BODY_FONT = Font(name="Times New Roman", size=11)



def _band_fill(band: Band) -> PatternFill:
    colour = band.fill.lstrip("#").upper()
    return PatternFill("solid", fgColor=colour, bgColor=colour)


def _serial(d: date) -> int:
    return (d - EXCEL_EPOCH).days


def _cell_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.kind is Kind.BOOL:
        return "Có" if value else "Không"
    if col.kind is Kind.TIME and isinstance(value, time):
        return value
    return value


def _hint(col: Column) -> str:
    """What the input message says when the clerk selects a cell of the column."""
    if col.hint:
        return col.hint
    if col.kind is Kind.CHOICE and col.choices:
        return (f"Chọn trong danh mục «{col.choices.label}»" if not col.open_list
                else f"Chọn trong danh mục «{col.choices.label}» hoặc ghi khác")
    return {Kind.STAFF: "Chọn họ tên trong sheet «Cán bộ»", Kind.DATE: "Ngày dạng dd/mm/yyyy, ví dụ 15/03/2024",
            Kind.INT: "Một số nguyên", Kind.BOOL: "Có / Không"}.get(col.kind, "")


def _validation(col: Column) -> DataValidation | None:
    hint = _hint(col)
    common = dict(allow_blank=True, showErrorMessage=True, showInputMessage=bool(hint),
                  errorTitle="kiemsat", promptTitle=col.label[:32], prompt=hint[:255] or None)
    if col.kind is Kind.CHOICE and col.choices:
        # as the reader judges it: a value outside the list stops only where kiemsat computes with it
        style = "information" if col.open_list else ("stop" if col.strict else "warning")
        return DataValidation(type="list", formula1=f"={col.choices.name}", errorStyle=style,
                              error=f"Chọn một giá trị trong danh mục «{col.choices.label}».", **common)
    if col.kind is Kind.STAFF:
        return DataValidation(type="list", formula1=f"={STAFF_LIST}", errorStyle="warning",
                              error="Tên này chưa có trong sheet «Cán bộ».", **common)
    if col.kind is Kind.BOOL:
        return DataValidation(type="list", formula1='"Có,Không"', error="Chọn «Có» hoặc «Không».", **common)
    if col.kind is Kind.DATE and not col.computed:
        return DataValidation(type="date", operator="between", formula1=str(_serial(MIN_DATE)),
                              formula2=str(_serial(MAX_DATE)),
                              error="Nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/2024.", **common)
    if col.kind is Kind.INT and not col.computed:
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                              error="Nhập một số nguyên.", **common)
    return None


def _cell(ws: Any, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
          alignment: Alignment | None = None, border: Border | None = None, number_format: str | None = None) -> Cell:
    """A styled cell for `ws.append`, which works the same in normal and write-only workbooks."""
    cell = literal_cell(WriteOnlyCell(ws, value))  # text a clerk typed stays text: never a formula
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _write_sheet(wb: Workbook, spec: SheetSpec, rows: list[Mapping[str, Any]], unit: str = "") -> None:
    ws = wb.create_sheet(spec.title)
    ncols = len(spec.columns)
    last = get_column_letter(ncols)
    n = len(rows)
    table_end = FIRST_DATA_ROW + max(n, 1) - 1  # an Excel Table needs at least one data row
    formatted_end = max(MIN_FORMATTED_ROWS, table_end + SPARE_ROWS)

    # a write-only sheet takes everything that precedes its cells before the first row
    for j, col in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = col.width
    widths = [col.width for col in spec.columns]
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[HEADER_ROW].height = max(48, wrapped_height([c.label for c in spec.columns], widths) or 0)
    ws.freeze_panes = f"B{FIRST_DATA_ROW}"
    # A4 landscape at 8 pt or more: printed groups of columns, the key column and the header on every page
    scale = set_print_layout(ws, widths, spec.heading, unit, keys=1, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    first_group = (column_groups(widths, 1, scale) or [ncols])[0]  # the title is centred over the first page

    ws.append([_cell(ws, spec.heading, font=_TITLE_FONT,
                     alignment=Alignment(horizontal="center", vertical="center"))])
    ws.merged_cells.add(f"A1:{get_column_letter(first_group)}1")
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append([_cell(ws, col.label, font=_HEADER_FONT, fill=_COMPUTED_FILL if col.computed else _HEADER_FILL,
                     alignment=header_alignment, border=_BORDER) for col in spec.columns])
    wrap = Alignment(wrap_text=True, vertical="top")  # every cell: a long value wraps, never runs into the next
    layout = [(col, DATE_FORMAT if col.kind is Kind.DATE else None, wrap) for col in spec.columns]
    for r, row in enumerate(rows or [{}], start=FIRST_DATA_ROW):
        values = [_cell_value(col, row.get(col.key)) for col in spec.columns]
        height = wrapped_height(values, widths)
        if height:  # wrapped text gets the height it needs, or other applications draw it over the next rows
            ws.row_dimensions[r].height = height
        ws.append([_cell(ws, v, font=_BODY_FONT, number_format=fmt, alignment=align)
                   for v, (col, fmt, align) in zip(values, layout)])

    table = Table(displayName=spec.table, ref=f"A{HEADER_ROW}:{last}{table_end}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    table._initialise_columns()  # a write-only sheet cannot name the columns from its header cells
    for column, col in zip(table.tableColumns, spec.columns):
        column.name = col.label
    with warnings.catch_warnings():  # "add table columns manually": done just above
        warnings.filterwarnings("ignore", message="In write-only mode")
        ws.add_table(table)

    for j, col in enumerate(spec.columns, start=1):
        dv = _validation(col)
        if dv is not None:
            letter = get_column_letter(j)
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{formatted_end}")
            ws.data_validations.append(dv)

    if spec.has_deadlines:
        due = get_column_letter(spec.keys.index("next_deadline") + 1)
        area = f"A{FIRST_DATA_ROW}:{last}{formatted_end}"
        ref = f"${due}{FIRST_DATA_ROW}"
        # the urgency bands (macros_py/law/urgency.py), the first that holds wins: overdue, today, 3 days, window
        for band, test in ((OVERDUE, f"{ref}<TODAY()"), (DAY, f"{ref}-TODAY()<1"), (THREE_DAYS, f"{ref}-TODAY()<=3"),
                           (WINDOW, f"{ref}-TODAY()<={ALERT_DAYS_NAME}")):
            ws.conditional_formatting.add(area, FormulaRule(
                formula=[f"AND(ISNUMBER({ref}),{test})"], fill=_band_fill(band), stopIfTrue=True))



_UNIT_DEFAULT = SETTINGS_BY_KEY["unit_name"].default


def page_setup(ws: Any, title: str, *, title_rows: str | None = None, title_cols: str | None = None,
                landscape: bool = True) -> None:
    """A4, one page wide (as many pages down as needed), the title in the page header, page numbers in
    the footer, the header row and key column on every page. Set before the first row: a write-only
    sheet writes its properties when the first row comes."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.center.size = 10
    ws.oddHeader.center.font = "Times New Roman,Bold"
    ws.oddFooter.center.text = "Trang &P / &N"


def _write_settings(wb: Workbook, settings: Mapping[str, Any]) -> None:
    ws = wb.create_sheet(SETTINGS_SHEET)
    for j, width in enumerate((28, 52, 60), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    pin_hint_row = FIRST_DATA_ROW + len(SETTINGS) + 1  # after one blank row
    ws.row_dimensions[pin_hint_row].height = wrapped_height([PIN_HINT], [60])
    set_print_layout(ws, (28, 52, 60), "CẤU HÌNH ĐƠN VỊ", str(settings.get("unit_name") or _UNIT_DEFAULT), keys=0,
                     title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.append([_cell(ws, "CẤU HÌNH ĐƠN VỊ", font=_TITLE_FONT)])
    ws.append([_cell(ws, label, font=_HEADER_FONT, fill=_HEADER_FILL, border=_BORDER)
               for label in ("Tham số", "Giá trị", "Hướng dẫn")])
    for i, setting in enumerate(SETTINGS):
        value = settings.get(setting.key, setting.default)
        if setting.kind is Kind.TIME and isinstance(value, str):
            hour, minute = value.split(":")
            value = time(int(hour), int(minute))
        if setting.kind is Kind.DATE_LIST:
            value = "; ".join(d.strftime("%d/%m/%Y") for d in value) or None
        height = wrapped_height([setting.label, value, setting.hint], (28, 52, 60))
        if height:
            ws.row_dimensions[FIRST_DATA_ROW + i].height = height
        top = Alignment(wrap_text=True, vertical="top")
        ws.append([
            _cell(ws, setting.label, font=Font(name="Times New Roman", size=11, bold=True), alignment=top),
            _cell(ws, value, font=_BODY_FONT, number_format="hh:mm" if setting.kind is Kind.TIME else None,
                  alignment=top),
            _cell(ws, setting.hint, font=Font(name="Times New Roman", size=10, italic=True), alignment=top),
        ])
        if setting.key == "alert_days":
            wb.defined_names[ALERT_DAYS_NAME] = DefinedName(
                ALERT_DAYS_NAME, attr_text=f"{quote_sheetname(SETTINGS_SHEET)}!$B${FIRST_DATA_ROW + i}")
    # the unit's pins (macros_py.ledger.mapping.settings_pins), below the settings
    ws.append([])
    ws.append([_cell(ws, PIN_SECTION.upper(), font=_TITLE_FONT), None,
               _cell(ws, PIN_HINT, font=Font(name="Times New Roman", size=10, italic=True),
                     alignment=Alignment(wrap_text=True, vertical="top"))])
    ws.append([_cell(ws, label, font=_HEADER_FONT, fill=_HEADER_FILL, border=_BORDER) for label in PIN_COLUMNS])


def _write_lists(wb: Workbook, unit: str) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    for j in range(1, len(ALL_CHOICES) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 26
    set_print_layout(ws, [26] * len(ALL_CHOICES), "DANH MỤC", unit, keys=0, title_rows="1:1")
    ws.append([_cell(ws, choices.label, font=Font(bold=True)) for choices in ALL_CHOICES])
    for i in range(max(len(c.canonical) for c in ALL_CHOICES)):
        ws.append([c.canonical[i] if i < len(c.canonical) else None for c in ALL_CHOICES])
    for j, choices in enumerate(ALL_CHOICES, start=1):
        letter = get_column_letter(j)
        wb.defined_names[choices.name] = DefinedName(
            choices.name, attr_text=f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(choices.canonical) + 1}")
    name_col = get_column_letter(STAFF.keys.index("name") + 1)
    wb.defined_names[STAFF_LIST] = DefinedName(
        STAFF_LIST, attr_text=f"{quote_sheetname(STAFF.title)}!${name_col}${FIRST_DATA_ROW}:"
                              f"${name_col}${FIRST_DATA_ROW + 300}")


def build_workbook(rows: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
                   settings: Mapping[str, Any] | None = None, *, write_only: bool = False) -> Workbook:
    """A ledger workbook; `rows` maps a sheet key to its rows (dicts by column key).

    `write_only` streams the cells (fast and small in memory for large ledgers; the workbook can
    then only be saved, once); otherwise the workbook can still be changed before saving.
    """
    rows = rows or {}
    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)
    unit = str((settings or {}).get("unit_name") or _UNIT_DEFAULT)  # printed at the top left of every page
    for spec in LEDGER_SHEETS:
        _write_sheet(wb, spec, list(rows.get(spec.key, ())), unit)
    _write_settings(wb, settings or {})
    _write_lists(wb, unit)
    wb.properties.creator = "kiemsat"
    wb.properties.title = "Sổ theo dõi vụ án, vụ việc"
    wb.properties.created = wb.properties.modified = FIXED_TIMESTAMP
    return wb


def create_ledger(path: Path, *, sample: int = 0, seed: int = 1, today: date | None = None,
                  overwrite: bool = False) -> Path | None:
    """Write a new ledger at `path`, with `sample` rows per ledger when asked.

    Refuses an existing file unless `overwrite` (then the old file is backed up first; the
    backup's path is returned) and a file open in Excel in any case.
    """
    from macros_py.sample import sample_rows
    from macros_py.workbook.safefile import atomic_write, ledger_lock

    rows = sample_rows(sample, seed=seed, today=today) if sample else None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with ledger_lock(path):  # never under another kiemsat writer of the same file
        # built inside the write: a write-only workbook left unsaved complains when collected
        return atomic_write(path, lambda tmp: build_workbook(rows, write_only=True).save(tmp), overwrite=overwrite)


def main() -> None:
    build_workbook().save(TEMPLATE_PATH)
    print(f"Đã ghi {TEMPLATE_PATH}")


if __name__ == "__main__":
    main()
