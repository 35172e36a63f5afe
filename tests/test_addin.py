"""The Excel add-in: registry, ribbon XML, VBA dispatcher, the built .xlam read back by tools we
did not write (olefile, olevba), and the handlers run on workbooks from xlwings' remote engine."""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from datetime import date
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

from addin.commands import registry as commands
from addin.commands.registry import COMMANDS
from addin.xlam import ribbon, vba
from addin.xlam.build import ADDIN_FILENAME, build_addin
from addin.xlam.cfb import write_cfb
from addin.xlam.ovba_compress import compress, decompress

sys.path.insert(0, str(Path(__file__).parent))
from messy import build_messy_ledger  # noqa: E402

from tests.xlremote import actions, apply_actions, grid, remote_book  # noqa: E402

# the commands whose core is not built yet: their buttons must be shown disabled
UNAVAILABLE: set[str] = set()
REQUIRED_LABELS = {"Tạo quyết định", "QĐ phân công KTV", "Kiểm tra thời hạn", "Thống kê", "Cấp số", "Mở hồ sơ",
                   "Gửi cảnh báo ngay", "Kiểm tra sổ", "Cài đặt", "Kiểm tra cài đặt", "Nạp văn bản"}


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

    monkeypatch.setattr(commands, "COMMANDS", COMMANDS + (commands.Command(
        "ok_id", "x", "y", "FileNew", "a:b", "Kiểm tra", "grp_cases"),))
    assert any("ok_id: cli name must match" in e for e in commands.check_registry())


# ---------------------------------------------------------------- CLI names from the registry


def test_every_available_command_with_a_cli_name_is_a_cli_command():
    from addin.commands.cli import cli

    for c in COMMANDS:
        if c.available and c.cli_name:
            assert c.cli_name in cli.commands, c.id
    # the sub-commands the registry knows are there under the registry's names
    known = {c.cli_name for c in COMMANDS if c.cli_name} & set(cli.commands)
    assert {"check", "deadlines", "decide", "stats", "alerts"} <= known


def test_cli_takes_its_names_from_the_registry():
    """Rename every cli_name in the registry: the CLI's commands follow, none keeps its old name."""
    import json
    import subprocess

    code = ("import dataclasses, json, addin.commands.registry as C\n"
            "C.COMMANDS = tuple(dataclasses.replace(c, cli_name=c.cli_name and 'x-' + c.cli_name)"
            " for c in C.COMMANDS)\n"
            "C._BY_ID.update({c.id: c for c in C.COMMANDS})\n"
            "from addin.commands.cli import cli\n"
            "print(json.dumps(sorted(cli.commands)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    renamed = set(json.loads(out))
    from addin.commands.cli import cli

    registry_names = {c.cli_name for c in COMMANDS if c.cli_name}
    known = registry_names & set(cli.commands)
    assert {f"x-{n}" for n in known} <= renamed
    assert not (registry_names & renamed)  # no sub-command the registry knows is named in cli.py itself
    assert set(cli.commands) - known == renamed - {f"x-{n}" for n in known}  # the others are untouched


def test_addin_commands_lists_the_cli_names():
    from addin.commands.cli import cli

    out = CliRunner().invoke(cli, ["addin", "commands"]).output
    assert "kiemsat deadlines" in out and "chỉ trên Excel" in out


# ---------------------------------------------------------------- ribbon XML

NS = {"c": ribbon.NAMESPACE}
# attributes the customUI14 schema allows on the elements we write (from customui14.xsd:
# CT_Tab, CT_Group, CT_Button with AG_IDCustom, AG_Label, AG_Image, AG_Screentip, AG_Enabled, ST_Size)
ALLOWED = {
    "tab": {"id", "label"},
    "group": {"id", "label"},
    "button": {"id", "label", "size", "imageMso", "screentip", "supertip", "onAction", "getEnabled"},
    "dynamicMenu": {"id", "label", "size", "imageMso", "screentip", "supertip", "getContent",
                    "invalidateContentOnDrop"},
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
    assert ribbon.callbacks(xml) == {vba.ON_ACTION, vba.GET_ENABLED, vba.GET_CONTENT}
    menus = root.findall(".//c:dynamicMenu", NS)
    assert [m.get("id") for m in menus] == [m.id for m in commands.MENUS]
    assert all(m.get("invalidateContentOnDrop") == "true" for m in menus)  # asked again at each opening


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
    # Python is reached through kiemsat's COM server, created by Windows, never through a shell
    assert 'Set server = CreateObject(KIEMSAT_PROGID)' in src
    assert "    server.Press id, KIEMSAT_VERSION, Application, ActiveWorkbook" in src
    for word in ("RunPython", "WScript", "Shell", "Environ", "Open ", "Kill", "Declare", "MsgBox", "InputBox"):
        assert word not in src, word
    disabled = re.search(r"Case (.*)\r\n\s+returnedVal = False", src)
    assert set(re.findall(r'"(\w+)"', disabled.group(1) if disabled else "")) == UNAVAILABLE


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


def test_olevba_reads_the_dispatcher_and_nothing_that_starts_a_process(built):
    parser = VBA_Parser(str(built))
    try:
        modules = {name: code for _, _, name, code in parser.extract_macros()}
        flagged = {(kind, keyword) for kind, keyword, _ in parser.analyze_macros()}
    finally:
        parser.close()
    dispatcher = next(code for name, code in modules.items() if name.startswith(vba.MODULE_NAME))
    assert "Sub KiemsatOnAction(control As IRibbonControl)" in dispatcher
    assert "server.Press id, KIEMSAT_VERSION, Application, ActiveWorkbook" in dispatcher
    assert not any(name.startswith(("RibbonMyAddin", "xlwings", "Dictionary")) for name in modules)
    # what antivirus heuristics and olevba flag in xlwings' module (WScript.Shell, Run, Shell, Kill,
    # Declare, Environ, Open...) is gone. Left: CreateObject (the COM server), ChrW (Vietnamese text),
    # "hex/base64 strings" (the GUIDs every Excel document module carries, two error codes) and the
    # word "Command" (the advice to open Command Prompt)
    suspicious = {kw for kind, kw in flagged if kind == "Suspicious"}
    assert suspicious <= {"CreateObject", "ChrW", "Hex Strings", "Base64 Strings", "Command"}, flagged


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
    from addin.commands.cli import cli

    result = CliRunner().invoke(cli, ["addin", "build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / ADDIN_FILENAME).is_file()
    assert "Đã tạo thanh Kiểm sát" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="the refusal is for machines without Windows")
def test_cli_addin_install_refuses_off_windows():
    from addin.commands.cli import cli

    result = CliRunner().invoke(cli, ["addin", "install"])
    assert result.exit_code == 2
    assert "chỉ chạy trên Windows" in result.output


# ---------------------------------------------------------------- handlers on the remote engine


@pytest.fixture
def remote():
    """Build an xlwings Book from workbook values with xlwings' remote engine (tests only)."""
    return lambda path, selection="A1": remote_book(path, selection=selection)


def _actions(book, func):
    return actions(book, func)


def test_check_on_a_clean_ledger(remote, sample_ledger):
    from addin.excel import dispatch

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
    from addin.excel import dispatch
    from addin.excel.handlers.check import HEADER, MAPPING_SHEET, PROBLEMS_SHEET
    from addin.excel.livebook import read_book
    from macros_py.ledger.reader import read_ledger

    path = build_messy_ledger(tmp_path / "so_tay.xlsx")
    from_file = read_ledger(path).problems
    live = read_book(remote(path)).problems
    assert [str(p) for p in live] == [str(p) for p in from_file] and len(live) >= 10

    book = remote(path)
    ui = dispatch.run("check", book=book)
    [message] = ui.messages("info")
    assert f"có {len(from_file)} lỗi" in message and f"«{PROBLEMS_SHEET}»" in message
    added = _actions(book, "addSheet")  # the problems, and how the clerk's headers were read
    assert [a["args"][1] for a in added] == [PROBLEMS_SHEET, MAPPING_SHEET]
    written, _ = _actions(book, "setValues")
    assert written["values"][0] == HEADER
    assert len(written["values"]) == len(from_file) + 1
    assert written["values"][1][:3] == [from_file[0].sheet, from_file[0].row, from_file[0].column]


def test_check_on_a_workbook_that_is_not_a_ledger(remote, tmp_path):
    from addin.excel import dispatch

    path = tmp_path / "khac.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Họ tên", "Tuổi"])
    wb.save(path)
    ui = dispatch.run("check", book=remote(path))
    [error] = ui.messages("error")
    assert "không có sheet nào của kiemsat" in error


def test_settings_activates_the_settings_sheet(remote, sample_ledger):
    from addin.excel import dispatch

    book = remote(sample_ledger)
    ui = dispatch.run("settings", book=book)
    assert ui.messages("error") == []
    [act] = _actions(book, "activateSheet")
    names = [s.name for s in book.sheets]
    assert names[act["args"][0]] == "Cấu hình"


def test_unavailable_and_unknown_commands_show_a_message(remote, sample_ledger, monkeypatch):
    import dataclasses

    from addin.excel import dispatch

    monkeypatch.setitem(commands._BY_ID, "decisions", dataclasses.replace(commands.get("decisions"), available=False))

    ui = dispatch.run("decisions", book=remote(sample_ledger))
    assert "đang được xây dựng" in ui.messages("info")[0]
    ui = dispatch.run("khong_co", book=remote(sample_ledger))
    assert "kiemsat addin install" in ui.messages("error")[0]


def test_an_unexpected_failure_is_a_message_not_a_traceback(remote, sample_ledger, monkeypatch, tmp_path):
    from addin.excel import dispatch
    from addin.excel.handlers import check

    def boom(book, ui):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(check, "run", boom)
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path / "kiemsat"))
    ui = dispatch.run("check", book=remote(sample_ledger))
    [error] = ui.messages("error")
    assert error.startswith("Lỗi không mong muốn khi chạy «Kiểm tra sổ»: kiemsat chưa xử lý được") and "hỏng" not in error
    log = tmp_path / "kiemsat" / "loi.log"
    assert str(log) in error and "RuntimeError: hỏng" in log.read_text(encoding="utf-8")


def test_dispatch_imports_only_the_registry():
    """A button press must not pay for heavy imports before the handler needs them."""
    import subprocess

    code = ("import sys, addin.excel.dispatch; heavy = {'xlwings', 'pandas', 'numpy', 'openpyxl', 'python_calamine',"
            " 'docxtpl', 'macros_py.ledger.reader'}; print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- Kiểm tra thời hạn

DEADLINE_DAY = date(2026, 3, 16)  # the sample ledger's reference day (conftest.TODAY)


@pytest.fixture
def fixed_today(monkeypatch):
    from addin.excel.handlers import deadlines

    monkeypatch.setattr(deadlines, "_today", lambda: DEADLINE_DAY)


def _stale_ledger(sample_ledger: Path, target: Path) -> tuple[Path, int]:
    """The sample ledger with a clerk's column and, in a Tin báo row with nothing pending, old
    values in the computed cells (they must be cleared); returns the path and that row."""
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.ledger.reader import read_ledger

    led = read_ledger(sample_ledger)
    nexts = compute_deadlines(led, DEADLINE_DAY).next_by_row()
    data = led.sheets["tin_bao"]
    done_row = next(r.row for r in data.records if ("tin_bao", r.row) not in nexts)
    wb = openpyxl.load_workbook(sample_ledger)
    ws = wb[data.name]
    for key, value in zip(("next_deadline", "days_left", "deadline_basis"), (date(2020, 1, 2), 7, "cũ")):
        ws.cell(done_row, data.columns[key] + 1, value)
    clerk_col = ws.max_column + 1
    ws.cell(data.header_row, clerk_col, "Ghi chú riêng")
    ws.cell(done_row, clerk_col, "gọi lại CQĐT")
    wb.save(target)
    return target, done_row


def test_deadlines_on_the_remote_engine_writes_what_the_file_writer_writes(remote, sample_ledger, tmp_path,
                                                                            fixed_today):
    from addin.excel import dispatch
    from macros_py.law.deadlines import STATUS_OVERDUE, STATUS_SOON, compute_deadlines
    from macros_py.law.writeback import COMPUTED, write_deadlines
    from macros_py.ledger.reader import read_ledger

    path, done_row = _stale_ledger(sample_ledger, tmp_path / "so.xlsx")
    book = remote(path)
    ui = dispatch.run("deadlines", book=book)
    assert ui.messages("error") == []

    # the file writer on a copy of the same workbook: the cells must end up the same
    copy = tmp_path / "ban_sao" / "so.xlsx"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    led = read_ledger(copy)
    result = write_deadlines(copy, lambda ledger: compute_deadlines(ledger, DEADLINE_DAY))
    report = result.report
    live = grid(path)
    names = [s.name for s in book.sheets]
    ranges = apply_actions(live, names, book.json()["actions"])
    assert live == grid(copy)
    assert live[led.sheets["tin_bao"].name].get((done_row, led.sheets["tin_bao"].columns["next_deadline"] + 1)) is None

    # every write lies inside the computed columns and the rows the reader read
    computed = {d.name: ({d.columns[k] + 1 for k in COMPUTED}, {r.row for r in d.records})
                for d in led.sheets.values() if d.spec.has_deadlines}
    assert ranges and len(ranges) <= len(computed)  # adjacent columns, consecutive rows: one write per sheet
    for sheet, r0, c0, r1, c1 in ranges:
        cols, rows = computed[sheet]
        assert set(range(c0, c1 + 1)) <= cols and set(range(r0, r1 + 1)) <= rows

    # what the clerk sees: progress on the status bar, then the summary box
    statuses = ui.messages("status")
    assert "đang tính thời hạn…" in statuses
    assert f"Đang ghi thời hạn {len(ranges)}/{len(ranges)}…" in statuses
    [message] = ui.messages("info")
    pending = report.pending()
    overdue = sum(d.status == STATUS_OVERDUE for d in pending)
    soon = sum(d.status == STATUS_SOON for d in pending)
    assert overdue and soon
    assert f"- {overdue} thời hạn đã quá hạn;" in message
    assert f"- {soon} thời hạn sắp hết hạn (trong {report.alert_days} ngày);" in message
    assert f"- {len(report.problems)} việc cần kiểm tra." in message
    assert f"Đã ghi hạn tiếp theo vào {result.written} dòng, xóa hạn ở {result.cleared} dòng đã xong" in message
    assert result.cleared == 1
    first = next(d for d in pending if d.status == STATUS_OVERDUE)
    assert (f"- QUÁ HẠN {first.due:%d/%m/%Y} (quá hạn {-first.days_left} ngày): «{first.sheet_name}» dòng {first.row}"
            in message)
    [alert] = _actions(book, "alert")
    assert alert["args"][:2] == [message, "Kiểm sát"]


def test_deadlines_second_press_changes_nothing(remote, sample_ledger, tmp_path, fixed_today):
    from addin.excel import dispatch
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.law.writeback import write_deadlines
    from macros_py.ledger.reader import read_ledger

    path = tmp_path / "so.xlsx"
    path.write_bytes(sample_ledger.read_bytes())
    led = read_ledger(path)
    write_deadlines(path, lambda led: compute_deadlines(led, DEADLINE_DAY))
    book = remote(path)
    ui = dispatch.run("deadlines", book=book)
    assert _actions(book, "setValues") == []
    assert "(0 dòng thay đổi)" in ui.messages("info")[0]


def test_deadlines_on_a_workbook_without_deadline_sheets(remote, tmp_path, fixed_today):
    from addin.excel import dispatch

    path = tmp_path / "can_bo.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Cán bộ"
    wb.active.append(["Họ và tên", "Chức vụ", "Email"])
    wb.active.append(["Nguyễn Văn A", "Kiểm sát viên", "a@vks.gov.vn"])
    wb.save(path)
    book = remote(path)
    ui = dispatch.run("deadlines", book=book)
    [error] = ui.messages("error")
    assert "không có sheet nào có thời hạn tố tụng" in error and "«Tin báo»" in error
    assert _actions(book, "setValues") == []


def test_plan_writes_never_touches_rows_outside_the_ledger():
    from addin.excel.handlers.deadlines import plan_writes
    from addin.excel.livebook import LiveCells
    from macros_py.law.writeback import DeadlineCells

    d = date(2026, 4, 1)
    cells = DeadlineCells(columns={"S": {"next_deadline": 5, "days_left": 6, "deadline_basis": 9}})
    # rows 3-5 and 7-8 are ledger rows; row 6 is not (a blank line between two blocks)
    for row, values in {3: (d, 1, "a"), 4: (None, None, None), 5: (d, 2, "b"), 7: (d, 3, "c"),
                        8: (None, None, None)}.items():
        for key, v in zip(("next_deadline", "days_left", "deadline_basis"), values):
            cells.values[("S", row, key)] = v
        if values[0]:
            cells.with_deadline.add(("S", row))
    rows = [[""] * 9 for _ in range(8)]
    rows[2][4:6], rows[2][8] = [d, 1], "a"  # row 3 is already right
    rows[7][8] = "cũ"  # row 8 holds an old basis: to clear
    plan = plan_writes(cells, LiveCells({"S": rows}, {}))
    assert (plan.with_deadline, plan.cleared, plan.changed) == (3, 1, 3)
    got = [(w.sheet, w.row, w.column, w.values) for w in plan.writes]
    assert got == [
        ("S", 5, 5, [[d, 2]]), ("S", 5, 9, [["b"]]),  # row 4 needs nothing and row 3 is right
        ("S", 7, 5, [[d, 3], [None, None]]), ("S", 7, 9, [["c"], [None]]),  # row 6 is never written
    ]


def test_deadline_summary_lists_the_problems():
    from addin.excel.handlers.deadlines import LivePlan, summary
    from macros_py.law.deadlines import DeadlineReport
    from macros_py.ledger.problems import Problem

    problems = [Problem("Án hình sự", 7 + i, "M", "01/01/2027", "gia hạn vượt mức tối đa") for i in range(7)]
    text = summary("so.xlsx", DeadlineReport(DEADLINE_DAY, 10, [], problems), LivePlan(), 3, ["sheet «X» thiếu cột"])
    assert "- 7 việc cần kiểm tra." in text and "Cần kiểm tra (7):" in text
    assert text.count("gia hạn vượt mức tối đa") == 5 and "… và 2 việc nữa" in text
    assert "Sổ có 3 lỗi nhập liệu" in text and "Lưu ý: sheet «X» thiếu cột" in text


# ---------------------------------------------------------------- the file shell


def test_deadlines_on_the_file_shell_matches_write_deadlines(sample_ledger, tmp_path, fixed_today):
    from addin.excel.filebook import run_on_file
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.law.writeback import write_deadlines
    from macros_py.ledger.reader import read_ledger
    from macros_py.workbook.safefile import BACKUP_DIR, FileBusy
    from tests.fingerprint import workbook_fingerprint

    path, done_row = _stale_ledger(sample_ledger, tmp_path / "so.xlsx")
    original = path.read_bytes()
    copy = tmp_path / "ban_sao" / "so.xlsx"
    copy.parent.mkdir()
    copy.write_bytes(original)
    led = read_ledger(copy)
    result = write_deadlines(copy, lambda led: compute_deadlines(led, DEADLINE_DAY))

    run = run_on_file(path, "deadlines")
    assert run.ui.messages("error") == []
    assert workbook_fingerprint(path) == workbook_fingerprint(copy)  # values, formats, validation, names
    assert run.backup is not None and run.backup.parent.name == BACKUP_DIR and run.backup.read_bytes() == original
    [message] = run.ui.messages("info")
    assert f"Đã ghi hạn tiếp theo vào {result.written} dòng, xóa hạn ở 1 dòng đã xong" in message
    tips = read_ledger(path).sheets["tin_bao"]
    row = next(r for r in tips.records if r.row == done_row)
    assert (row.values["next_deadline"], row.values["days_left"], row.values["deadline_basis"]) == (None,) * 3

    # nothing changes the second time: the file is not rewritten, no new backup
    written = path.read_bytes()
    again = run_on_file(path, "deadlines")
    assert again.backup is None and path.read_bytes() == written
    assert "(0 dòng thay đổi)" in again.ui.messages("info")[0]

    (tmp_path / "~$so.xlsx").write_text("owner")
    with pytest.raises(FileBusy):
        run_on_file(path, "deadlines")


def test_check_on_the_file_shell_writes_the_problems_sheet(tmp_path):
    from addin.excel.filebook import FileShellError, run_on_file
    from addin.excel.handlers.check import HEADER, PROBLEMS_SHEET
    from macros_py.ledger.reader import read_ledger

    path = build_messy_ledger(tmp_path / "so_tay.xlsx")
    problems = read_ledger(path).problems
    run = run_on_file(path, "check")
    assert f"có {len(problems)} lỗi" in run.ui.messages("info")[0]
    ws = openpyxl.load_workbook(path)[PROBLEMS_SHEET]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == HEADER and len(rows) == len(problems) + 1
    assert [tuple(r[:3]) for r in rows[1:]] == [(p.sheet, p.row, p.column or None) for p in problems]
    binary = tmp_path / "so.xlsb"
    binary.write_bytes(path.read_bytes())
    with pytest.raises(FileShellError, match=r"\.xlsx"):
        run_on_file(binary, "check")


def test_readme_windows_section_lists_every_button_as_the_registry_says():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Cài đặt trên máy tính của Viện (Windows) — tóm tắt")
    section = readme[start:readme.index("\n---\n", start)]
    rows = {m.group(1): line for line in section.splitlines()
            if (m := re.match(r"\|[^|]*\| \*\*(.+?)\*\* \|", line))}
    assert set(rows) == {c.label_vi for c in COMMANDS}
    for c in COMMANDS:
        assert ("chưa dùng được" in rows[c.label_vi]) == (not c.available), c.label_vi
        if c.cli_name and not c.available and "đã có lệnh" in rows[c.label_vi]:
            assert f"`kiemsat {c.cli_name}" in rows[c.label_vi], c.label_vi


def test_the_deadlines_press_does_not_import_openpyxl():
    """In Excel the deadlines are written through xlwings: openpyxl (0.1 s+) is for files only."""
    import subprocess

    code = ("import sys, addin.excel.handlers.deadlines, addin.excel.livebook, macros_py.law.writeback, macros_py.law.deadlines;"
            " print('openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
