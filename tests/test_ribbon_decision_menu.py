"""The ribbon's «Loại quyết định» menu lists every decision type, the unit's own included: a type dropped
into the «mau_quyet_dinh» folder beside the workbook is on the menu the next time it opens, and pressing
its item issues it through the decide handler (number, register, write-back, document)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
import pytest  # noqa: E402
import xmlschema  # noqa: E402

from addin.commands import registry  # noqa: E402
from addin.excel import comserver  # noqa: E402
from addin.excel.filebook import run_on_file  # noqa: E402
from addin.excel.handlers.decision_menu import UNIT_TEMPLATES, menu_xml, unit_templates  # noqa: E402
from addin.xlam import ribbon, vba  # noqa: E402
from macros_py.decisions.decision_types import DECISION_TYPES  # noqa: E402
from macros_py.ledger.reader import read_ledger  # noqa: E402
from macros_py.ledger.schema import REGISTER  # noqa: E402
from tests.decision_ledger import build_ledger  # noqa: E402
from tests.test_decision_manifests import _custom_folder  # noqa: E402
from workbook_templates.builder import FIRST_DATA_ROW  # noqa: E402

SCHEMA = Path(__file__).parent / "data" / "customui14.xsd"
NS = {"c": ribbon.NAMESPACE}
KEY = "phan-cong-phien-hop"


@pytest.fixture(autouse=True)
def quiet_machine(tmp_path, monkeypatch):
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path / "logs"))


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMA)


def _items(xml: str) -> dict[str, ET.Element]:
    return {b.get("id"): b for b in ET.fromstring(xml).findall("c:button", NS)}


def test_the_menu_lists_the_built_in_types_and_validates(schema):
    xml = comserver.menu_content("decision_types", None)  # no workbook open: the built-in types
    schema.validate(xml)  # Microsoft's customUI14.xsd: a getContent answer is a «menu» element
    items = _items(xml)
    assert set(items) == {registry.type_item_id(t.key) for t in DECISION_TYPES}
    for dtype in DECISION_TYPES:
        item = items[registry.type_item_id(dtype.key)]
        assert item.get("label") == dtype.title and item.get("onAction") == vba.ON_ACTION
        # an extension needs its end date, which the ribbon cannot ask for: shown, disabled, saying how
        assert (item.get("enabled") == "false") == dtype.extension
        assert registry.get(item.get("id")).argument == dtype.key  # pressed, it names its type


def test_a_type_dropped_into_the_units_folder_is_on_the_menu(tmp_path, schema):
    ledger = tmp_path / "so.xlsx"
    ledger.write_bytes(b"")
    assert unit_templates(ledger) is None
    _custom_folder(tmp_path / UNIT_TEMPLATES)
    folder = unit_templates(ledger)
    xml = menu_xml(folder)
    schema.validate(xml)
    root = ET.fromstring(xml)
    titles = [s.get("title") for s in root.findall("c:menuSeparator", NS)]
    assert titles[-1].startswith("Mẫu riêng của đơn vị")
    last = root.findall("c:button", NS)[-1]  # the unit's own types come after the separator, last
    assert last.get("id") == registry.type_item_id(KEY)
    assert last.get("label") == "Phân công Kiểm sát viên tham gia phiên họp giải quyết việc dân sự"
    # a broken folder is not listed, but said (disabled item) rather than silently dropped
    broken = tmp_path / UNIT_TEMPLATES / "hong"
    broken.mkdir()
    (broken / "manifest.toml").write_text('key = "hong"\n', encoding="utf-8")
    items = _items(menu_xml(folder))
    assert items["qd_unit_problems"].get("enabled") == "false" and "hong" in items["qd_unit_problems"].get("supertip")


def test_an_unknown_menu_answers_a_disabled_item_not_an_error(schema):
    xml = comserver.menu_content("khong_co", None)
    schema.validate(xml)
    assert _items(xml)["menu_failed"].get("enabled") == "false"


def _free_civil(rows):
    for row in rows["an_dan_su"][2:]:
        row.update(decision_no=None, decision_date=None, judgment_date=None, stage="Chuẩn bị xét xử",
                   court="TAND khu vực 1 - Hải Phòng")


def _select(path: Path, sheet_key: str, row: int) -> None:
    name = read_ledger(path).sheets[sheet_key].name
    wb = openpyxl.load_workbook(path)
    ws = wb[name]
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws
    wb.active = wb.worksheets.index(ws)
    ws.sheet_view.selection[0].activeCell = ws.sheet_view.selection[0].sqref = f"A{row}"
    wb.save(path)


def test_pressing_the_units_item_issues_its_type_through_the_handler(tmp_path):
    ledger = build_ledger(tmp_path / "so.xlsx", _free_civil)
    _custom_folder(tmp_path / UNIT_TEMPLATES)
    row = FIRST_DATA_ROW + 2
    _select(ledger, "an_dan_su", row)
    run = run_on_file(ledger, registry.type_item_id(KEY))
    assert [k for k, _ in run.ui.alerts()] == ["info"], run.ui.alerts()
    data = read_ledger(ledger)
    values = next(r.values for r in data.records("an_dan_su") if r.row == row)
    entry = data.records(REGISTER.key)[-1].values
    assert entry["decision_type"] == "Phân công Kiểm sát viên tham gia phiên họp giải quyết việc dân sự"
    assert values["decision_no"] == f"{entry['number']}/{entry['symbol']}"
    documents = list((tmp_path / "quyet_dinh").rglob("*PC-phien-hop*.docx"))
    assert len(documents) == 1
    # the folder gone (renamed, deleted) since the menu opened: a clear refusal, nothing written
    shutil.rmtree(tmp_path / UNIT_TEMPLATES)
    before = ledger.read_bytes()
    again = run_on_file(ledger, registry.type_item_id(KEY))
    errors = [t for k, t in again.ui.alerts() if k == "error"]
    assert len(errors) == 1 and f"Không có loại quyết định «{KEY}»" in errors[0]
    assert ledger.read_bytes() == before


def test_an_extension_item_pressed_anyway_says_how_to_issue_it(tmp_path):
    ledger = build_ledger(tmp_path / "so.xlsx")
    _select(ledger, "an_hinh_su", FIRST_DATA_ROW)
    run = run_on_file(ledger, registry.type_item_id("gia-han-dieu-tra"))
    errors = [t for k, t in run.ui.alerts() if k == "error"]
    assert len(errors) == 1 and "--type gia-han-dieu-tra" in errors[0] and "--until" in errors[0]
