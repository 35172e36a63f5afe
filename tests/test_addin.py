"""The Excel add-in: registry, ribbon XML, VBA dispatcher, the built .xlam read back by tools we
did not write (olefile, olevba), and the handlers run on workbooks from xlwings' remote engine."""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

# xlwings loads its remote engine (xw.Book(json=...)) only if a licence key is set when xlwings is
# first imported; "noncommercial" is accepted for non-commercial use. Tests only: the product
# never depends on it. Set before anything below imports xlwings.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import olefile  # noqa: E402
import openpyxl  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from oletools.olevba import VBA_Parser, decompress_stream  # noqa: E402

from addin import commands, ribbon, vba
from addin.cfb import write_cfb
from addin.commands import COMMANDS
from addin.ovba_compress import compress, decompress
from addin.xlam import ADDIN_FILENAME, build_addin

sys.path.insert(0, str(Path(__file__).parent))
from messy import build_messy_ledger  # noqa: E402

# the commands whose core is not built yet: their buttons must be shown disabled
UNAVAILABLE = {"decisions", "register_number", "open_folder", "deadlines", "send_alerts", "statistics"}
REQUIRED_LABELS = {"Tạo quyết định", "Kiểm tra thời hạn", "Thống kê", "Cấp số", "Mở hồ sơ",
                   "Gửi cảnh báo ngay", "Kiểm tra sổ", "Cài đặt"}


# ---------------------------------------------------------------- registry


def test_registry_is_sound_and_has_every_button():
    assert commands.check_registry() == []
    assert {c.label_vi for c in COMMANDS} == REQUIRED_LABELS


def test_exactly_the_unbuilt_commands_are_unavailable():
    assert {c.id for c in COMMANDS if not c.available} == UNAVAILABLE


def test_available_handlers_resolve_to_functions():
    for c in COMMANDS:
        if c.available:
            assert callable(c.resolve()), c.id


def test_registry_check_catches_a_bad_entry(monkeypatch):
    bad = commands.Command("Bad-Id", "x", "y", "FileNew", "nowhere", "check", "grp_none")
    monkeypatch.setattr(commands, "COMMANDS", COMMANDS + (bad,))
    errors = commands.check_registry()
    assert any("Bad-Id: id" in e for e in errors)
    assert any("unknown group" in e for e in errors)
    assert any("cli name check used twice" in e for e in errors)


# ---------------------------------------------------------------- ribbon XML

NS = {"c": ribbon.NAMESPACE}
# attributes the customUI14 schema allows on the elements we write (from customui14.xsd:
# CT_Tab, CT_Group, CT_Button with AG_IDCustom, AG_Label, AG_Image, AG_Screentip, AG_Enabled, ST_Size)
ALLOWED = {
    "tab": {"id", "label"},
    "group": {"id", "label"},
    "button": {"id", "label", "size", "imageMso", "screentip", "supertip", "onAction", "getEnabled"},
}


def test_ribbon_xml_structure():
    xml = ribbon.ribbon_xml()
    root = ET.fromstring(xml)
    assert root.tag == f"{{{ribbon.NAMESPACE}}}customUI"
    tabs = root.findall("c:ribbon/c:tabs/c:tab", NS)
    assert [t.get("label") for t in tabs] == ["Kiểm sát"]
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    for el in root.iter():
        local = el.tag.split("}")[1]
        if local in ALLOWED:
            assert set(el.attrib) <= ALLOWED[local], (local, el.attrib)
            for value in el.attrib.values():
                assert 1 <= len(value) <= 1024
        if local == "button":
            assert el.get("size") in ("large", "normal")
            assert re.fullmatch(r"[A-Za-z_][\w.-]*", el.get("id"))
    assert ribbon.callbacks(xml) == {vba.ON_ACTION, vba.GET_ENABLED}


def test_every_button_id_resolves_to_a_registered_command():
    ids = ribbon.button_ids(ribbon.ribbon_xml())
    assert sorted(ids) == sorted(c.id for c in COMMANDS)
    for i in ids:
        assert commands.get(i).id == i


# ---------------------------------------------------------------- VBA text


def test_vba_literal_spells_vietnamese_with_chrw():
    assert vba.vba_literal('Kiểm "sát"') == '"Ki" & ChrW(7875) & "m ""s" & ChrW(225) & "t"""'
    assert vba.vba_literal("") == '""'


def test_dispatcher_source():
    src = vba.dispatcher_source("1.2.3")
    src.encode("cp1252")  # VBA source lives in the project's code page
    assert src.startswith(f'Attribute VB_Name = "{vba.MODULE_NAME}"')
    assert "Public Sub KiemsatOnAction(control As IRibbonControl)" in src
    assert "Public Sub KiemsatGetEnabled(control As IRibbonControl, ByRef returnedVal)" in src
    assert "RunPython \"import addin.dispatch; addin.dispatch.run('\" & control.Id & \"', '\" & KIEMSAT_VERSION" in src
    disabled = re.search(r"Case (.*)\r\n\s+returnedVal = False", src).group(1)
    assert set(re.findall(r'"(\w+)"', disabled)) == UNAVAILABLE


# ---------------------------------------------------------------- compression and compound file


@pytest.mark.parametrize("data", [b"", b"a", b"-" * 10_000, os.urandom(4096), os.urandom(9000),
                                  ("Sub A()\r\n    x = 1\r\nEnd Sub\r\n" * 700).encode()])
def test_compression_round_trips_through_oletools(data):
    packed = compress(data)
    assert bytes(decompress_stream(bytearray(packed))) == data
    assert decompress(packed) == data


def test_compound_file_read_back_by_olefile():
    tree = {"PROJECT": b"p" * 600, "VBA": {"dir": os.urandom(1300), "big": os.urandom(20_000),
                                           "edge": os.urandom(4096), **{f"m{i}": os.urandom(70 * i + 1)
                                                                          for i in range(40)}}}
    ole = olefile.OleFileIO(io.BytesIO(write_cfb(tree)), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("PROJECT").read() == tree["PROJECT"]
    for name, data in tree["VBA"].items():
        assert ole.openstream(f"VBA/{name}").read() == data


# ---------------------------------------------------------------- the built add-in


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin")).path


def test_build_writes_an_xlam_with_our_ribbon(built):
    assert built.name == ADDIN_FILENAME
    with zipfile.ZipFile(built) as z:
        names = set(z.namelist())
        assert ribbon.PART_NAME in names and "customUI/customUI.xml" not in names
        assert z.read(ribbon.PART_NAME) == ribbon.ribbon_xml()
        rels = ET.fromstring(z.read("_rels/.rels"))
        targets = {r.get("Target"): r.get("Type") for r in rels}
        assert targets[ribbon.PART_NAME] == ribbon.RELATIONSHIP_TYPE
        assert b"application/vnd.ms-excel.addin.macroEnabled.main+xml" in z.read("[Content_Types].xml")
        assert b'name="_kiemsat.conf"' in z.read("xl/workbook.xml")


def test_olevba_reads_the_dispatcher_and_runpython(built):
    parser = VBA_Parser(str(built))
    try:
        modules = {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    dispatcher = next(code for name, code in modules.items() if name.startswith(vba.MODULE_NAME))
    assert "Sub KiemsatOnAction(control As IRibbonControl)" in dispatcher
    assert "RunPython \"import addin.dispatch; addin.dispatch.run(" in dispatcher
    xlwings_module = next(code for name, code in modules.items() if name.startswith("xlwings"))
    assert "Public Function RunPython(PythonCommand As String)" in xlwings_module
    assert 'Public Const PROJECT_NAME As String = "kiemsat"' in xlwings_module
    assert not any(name.startswith("RibbonMyAddin") for name in modules)


def test_vba_project_is_source_only(built):
    """_VBA_PROJECT without a performance cache (Version 0xFFFF): Excel compiles from source."""
    with zipfile.ZipFile(built) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x01\x00"
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert f"Module={vba.MODULE_NAME}" in project and 'Name="Kiemsat"' in project
    assert "RibbonMyAddin" not in project
    wm = ole.openstream("PROJECTwm").read()
    assert vba.MODULE_NAME.encode() + b"\0" + vba.MODULE_NAME.encode("utf-16-le") + b"\0\0" in wm


def test_ribbon_callbacks_exist_in_the_vba(built):
    parser = VBA_Parser(str(built))
    try:
        code = "\n".join(c for _, _, _, c in parser.extract_macros())
    finally:
        parser.close()
    with zipfile.ZipFile(built) as z:
        names = ribbon.callbacks(z.read(ribbon.PART_NAME))
    for name in names:
        module, sub = name.split(".")
        assert re.search(rf"Public Sub {sub}\(control As IRibbonControl", code), name


def test_cli_addin_build(tmp_path):
    from addin.cli import cli

    result = CliRunner().invoke(cli, ["addin", "build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / ADDIN_FILENAME).is_file()
    assert "Đã tạo thanh Kiểm sát" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="the refusal is for machines without Windows")
def test_cli_addin_install_refuses_off_windows():
    from addin.cli import cli

    result = CliRunner().invoke(cli, ["addin", "install"])
    assert result.exit_code == 2
    assert "chỉ chạy trên Windows" in result.output


def test_install_plan_and_config(tmp_path):
    from addin.install import config_text, plan

    p = plan(tmp_path / "AppData", tmp_path / "User", tmp_path / "Python" / "python.exe")
    assert p.addin_target == tmp_path / "AppData" / "Microsoft" / "Excel" / "XLSTART" / "kiemsat.xlam"
    assert p.config_path == tmp_path / "User" / ".kiemsat" / "kiemsat.conf"
    text = config_text(Path(r"C:\Py\pythonw.exe"), '"INTERPRETER_WIN","C:\\old.exe"\r\n"PYTHONPATH","D:\\x"\r\n')
    assert text == '"INTERPRETER_WIN","C:\\Py\\pythonw.exe"\r\n"PYTHONPATH","D:\\x"\r\n'


# ---------------------------------------------------------------- handlers on the remote engine


@pytest.fixture
def remote(monkeypatch):
    """Build an xlwings Book from workbook values with xlwings' remote engine (tests only)."""
    import xlwings as xw

    assert xw.__pro__, "xlwings was imported before XLWINGS_LICENSE_KEY was set"

    def make(path: Path, selection: str = "A1"):
        wb = openpyxl.load_workbook(path, data_only=True)
        sheets = [{"name": ws.title, "values": [[c.value for c in row] for row in ws.iter_rows()] or [[None]],
                   "pictures": [], "tables": []} for ws in wb.worksheets]
        return xw.Book(json={"client": "Microsoft Office Scripts", "version": xw.__version__,
                             "book": {"name": path.name, "active_sheet_index": 0, "selection": selection},
                             "names": [], "sheets": sheets})

    return make


def _actions(book, func):
    return [a for a in book.json()["actions"] if a["func"] == func]


def test_check_on_a_clean_ledger(remote, sample_ledger):
    from addin import dispatch

    book = remote(sample_ledger)
    ui = dispatch.run("check", book=book)
    assert ui.messages("error") == []
    [message] = ui.messages("info")
    assert message.startswith(f"Sổ «{sample_ledger.name}» hợp lệ:")
    assert "đang đọc sổ…" in ui.messages("status")
    [alert] = _actions(book, "alert")
    assert alert["args"][:2] == [message, "Kiểm sát"]
    assert _actions(book, "addSheet") == []


def test_check_lists_the_same_problems_as_the_file_reader(remote, tmp_path):
    from addin import dispatch
    from addin.handlers.check import HEADER, PROBLEMS_SHEET
    from addin.livebook import read_book
    from macros_py.reader import read_ledger

    path = build_messy_ledger(tmp_path / "so_tay.xlsx")
    from_file = read_ledger(path).problems
    live = read_book(remote(path)).problems
    assert [str(p) for p in live] == [str(p) for p in from_file] and len(live) >= 10

    book = remote(path)
    ui = dispatch.run("check", book=book)
    [message] = ui.messages("info")
    assert f"có {len(from_file)} lỗi" in message and f"«{PROBLEMS_SHEET}»" in message
    [added] = _actions(book, "addSheet")
    assert added["args"][1] == PROBLEMS_SHEET
    [written] = _actions(book, "setValues")
    assert written["values"][0] == HEADER
    assert len(written["values"]) == len(from_file) + 1
    assert written["values"][1][:3] == [from_file[0].sheet, from_file[0].row, from_file[0].column]


def test_check_on_a_workbook_that_is_not_a_ledger(remote, tmp_path):
    from addin import dispatch

    path = tmp_path / "khac.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Họ tên", "Tuổi"])
    wb.save(path)
    ui = dispatch.run("check", book=remote(path))
    [error] = ui.messages("error")
    assert "không có sheet nào của kiemsat" in error


def test_settings_activates_the_settings_sheet(remote, sample_ledger):
    from addin import dispatch

    book = remote(sample_ledger)
    ui = dispatch.run("settings", book=book)
    assert ui.messages("error") == []
    [act] = _actions(book, "activateSheet")
    names = [s.name for s in book.sheets]
    assert names[act["args"][0]] == "Cấu hình"


def test_unavailable_and_unknown_commands_show_a_message(remote, sample_ledger):
    from addin import dispatch

    ui = dispatch.run("decisions", book=remote(sample_ledger))
    assert "đang được xây dựng" in ui.messages("info")[0]
    ui = dispatch.run("khong_co", book=remote(sample_ledger))
    assert "kiemsat addin install" in ui.messages("error")[0]


def test_an_unexpected_failure_is_a_message_not_a_traceback(remote, sample_ledger, monkeypatch, tmp_path):
    from addin import dispatch
    from addin.handlers import check

    def boom(book, ui):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(check, "run", boom)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    ui = dispatch.run("check", book=remote(sample_ledger))
    [error] = ui.messages("error")
    assert "Lỗi không mong muốn khi chạy «Kiểm tra sổ»: RuntimeError: hỏng" in error
    log = tmp_path / "kiemsat" / "loi.log"
    assert str(log) in error and "RuntimeError: hỏng" in log.read_text(encoding="utf-8")


def test_dispatch_imports_only_the_registry():
    """A button press must not pay for heavy imports before the handler needs them."""
    import subprocess

    code = ("import sys, addin.dispatch; heavy = {'xlwings', 'pandas', 'numpy', 'openpyxl', 'python_calamine',"
            " 'docxtpl', 'macros_py.reader'}; print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
