"""The committed template is exactly what the builder makes from the schema, and it has what
clerks rely on: tables, frozen headers, date formats, dropdowns, deadline colours, A4 printing."""

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from macros_py.law.urgency import DAY, OVERDUE, THREE_DAYS, WINDOW
from macros_py.ledger.schema import LEDGER_SHEETS, LISTS_SHEET, SETTINGS_SHEET, Kind
from tests.fingerprint import workbook_fingerprint
from workbook_templates.builder import ALERT_DAYS_NAME, FIRST_DATA_ROW, TEMPLATE_PATH, build_workbook


def test_committed_template_is_what_the_builder_makes(tmp_path):
    rebuilt = tmp_path / "rebuilt.xlsx"
    build_workbook().save(rebuilt)
    assert workbook_fingerprint(TEMPLATE_PATH) == workbook_fingerprint(rebuilt), (
        "run: python -m workbook_templates.builder")


def test_template_sheets_follow_the_schema():
    wb = load_workbook(TEMPLATE_PATH)
    assert wb.sheetnames == [s.title for s in LEDGER_SHEETS] + [SETTINGS_SHEET, LISTS_SHEET]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    for spec in LEDGER_SHEETS:
        ws = wb[spec.title]
        assert [c.value for c in ws[2]] == [c.label for c in spec.columns]
        assert ws["A1"].value == spec.heading
        table = ws.tables[spec.table]
        assert table.ref.startswith("A2:")
        assert ws.freeze_panes == "B3"
        assert ws.print_title_rows == "$2:$2"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        for j, col in enumerate(spec.columns, start=1):
            cell = ws.cell(3, j)
            if col.kind is Kind.DATE:
                assert cell.number_format == "dd/mm/yyyy", (spec.key, col.key)
        validated = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
        for j, col in enumerate(spec.columns, start=1):
            letter = ws.cell(3, j).column_letter
            dv = validated.get(f"{letter}3")
            if col.kind is Kind.CHOICE:
                assert dv is not None and dv.type == "list" and dv.formula1 == f"={col.choices.name}"
            if col.kind is Kind.STAFF:
                assert dv is not None and dv.formula1 == "=DS_CanBo"
        if spec.has_deadlines:
            rules = sorted(((r.priority, r.formula[0], r.dxf.fill.fgColor.rgb) for cf in ws.conditional_formatting
                            for r in cf.rules), key=lambda r: r[0])
            ref = f"${get_column_letter(spec.keys.index('next_deadline') + 1)}{FIRST_DATA_ROW}"
            # the four urgency bands, most urgent first, each in its colour (macros_py/law/urgency.py)
            assert [(f.split(",", 1)[1], "#" + rgb[-6:].lower()) for _, f, rgb in rules] == [
                (f"{test})", band.fill) for band, test in (
                    (OVERDUE, f"{ref}<TODAY()"), (DAY, f"{ref}-TODAY()<1"), (THREE_DAYS, f"{ref}-TODAY()<=3"),
                    (WINDOW, f"{ref}-TODAY()<={ALERT_DAYS_NAME}"))]


def test_dropdown_lists_hold_the_schema_choices():
    wb = load_workbook(TEMPLATE_PATH)
    for spec in LEDGER_SHEETS:
        for col in spec.columns:
            if col.kind is not Kind.CHOICE:
                continue
            sheet, ref = wb.defined_names[col.choices.name].destinations.__next__()
            values = [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]
            assert values == list(col.choices.canonical)
    sheet, ref = next(wb.defined_names[ALERT_DAYS_NAME].destinations)
    assert sheet == SETTINGS_SHEET and wb[sheet][ref.replace("$", "")].value == 10
