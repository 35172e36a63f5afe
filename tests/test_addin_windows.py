"""The add-in on a clerk's Windows PC, checked without Windows (issue 14).

* the interpreter path: what kiemsat writes for Windows (the COM server's LocalServer32 command) and
  what VBA reads (the dispatcher module, stored in the project's ANSI code page), for profiles with
  Vietnamese diacritics, spaces, `&` and `'`; the command line split by Windows' rules;
* the dispatcher: no workbook, failures, messages in message boxes, status bar reset;
* the installer and `kiemsat doctor` on a simulated Windows layout (registry as data);
* the built .xlam against the add-ins xlwings ships (which Excel accepts in the field), read with a
  second, independent decompressor.
"""

from __future__ import annotations

import io
import os
import re
import struct
import sys
import unicodedata
import zipfile
from pathlib import Path, PureWindowsPath

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import olefile  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from addin.commands import comclass  # noqa: E402
from addin.commands.registry import COMMANDS  # noqa: E402
from addin.doctor import checks as doctor  # noqa: E402
from addin.excel import comserver, dispatch  # noqa: E402
from addin.excel.filebook import FileApp  # noqa: E402
from addin.xlam import comreg, install, vba  # noqa: E402
from addin.xlam.build import build_addin  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from ovba_reference import decompress_container, walk_dir  # noqa: E402

from tests.xlremote import remote_book  # noqa: E402

PROFILES = [r"C:\Users\Nguyễn Thư", r"C:\Users\Trần & Lê", r"C:\Users\O'Brien Đặng", r"D:\Hồ sơ\Phạm Văn A (P.1)",
            r"C:\Users\Lương Thị Ngọc Ánh\OneDrive - VKSND"]
XLWINGS = Path(__import__("xlwings").__file__).parent
SHIPPED = [XLWINGS / "quickstart_addin_ribbon.xlam", XLWINGS / "quickstart_addin.xlam", XLWINGS / "addin" / "xlwings.xlam"]


# ---------------------------------------------------------------- Windows' command-line rules


def argv_w(line: str) -> list[str]:
    """CommandLineToArgvW, written from Microsoft's description ("Parsing C++ command-line
    arguments"), independently of addin.doctor.checks.split_command_line: the program name ends at
    the closing quote or the first blank, with no escapes; then 2n backslashes + quote -> n
    backslashes and a quote toggle, 2n+1 backslashes + quote -> n backslashes and a literal quote,
    `""` inside a quoted run -> a literal quote."""
    if line.startswith('"'):
        close = line.find('"', 1)
        program, rest = (line[1:], "") if close < 0 else (line[1:close], line[close + 1:])
    else:
        m = re.match(r"[^ \t]*", line)
        program, rest = m.group(0), line[m.end():]
    out, cur, have, quoted, i = [program], [], False, False, 0
    while i < len(rest):
        c = rest[i]
        if c in " \t" and not quoted:
            if have:
                out.append("".join(cur))
                cur, have = [], False
            i += 1
            continue
        have = True
        n = len(rest[i:]) - len(rest[i:].lstrip("\\"))
        if n:
            if i + n < len(rest) and rest[i + n] == '"':
                cur.append("\\" * (n // 2))
                if n % 2:
                    cur.append('"')
                    i += n + 1
                else:
                    i += n
            else:
                cur.append("\\" * n)
                i += n
            continue
        if c == '"':
            if quoted and rest[i + 1:i + 2] == '"':
                cur.append('"')
                i += 2
                continue
            quoted = not quoted
            i += 1
            continue
        cur.append(c)
        i += 1
    if have:
        out.append("".join(cur))
    return out


# Microsoft's own examples (the table in "Parsing C++ command-line arguments")
MS_EXAMPLES = [('"abc" d e', ["abc", "d", "e"]), (r'a\\b d"e f"g h', [r"a\\b", "de fg", "h"]),
               (r'a\\\"b c d', [r'a\"b', "c", "d"]), (r'a\\\\"b c" d e', [r"a\\b c", "d", "e"]),
               ('a"b"" c d', ['ab" c d'])]


@pytest.mark.parametrize("split", [argv_w, doctor.split_command_line])
@pytest.mark.parametrize(("tail", "expected"), MS_EXAMPLES)
def test_both_splitters_follow_microsofts_examples(split, tail, expected):
    assert split(r'"C:\Program Files\x.exe" ' + tail) == [r"C:\Program Files\x.exe"] + expected


# ---------------------------------------------------------------- 1. the interpreter path survives ANSI


@pytest.mark.parametrize("profile", PROFILES)
def test_the_registered_command_finds_the_real_interpreter(profile):
    """The LocalServer32 command, split by Windows' rules, is the interpreter and its arguments."""
    python = PureWindowsPath(profile) / "AppData" / "Local" / "Programs" / "Python" / "Python311" / "pythonw.exe"
    entries = {(e.key, e.name): e.value for e in comreg.entries(python)}
    clsid_key = rf"Software\Classes\CLSID\{comclass.CLSID}"
    command = entries[(rf"{clsid_key}\LocalServer32", "")]
    assert entries[(rf"Software\Classes\{comclass.PROGID}\CLSID", "")] == comclass.CLSID
    assert entries[(rf"{clsid_key}\PythonCOM", "")] == "addin.excel.comserver.KiemsatDispatcher"
    # the registry holds UTF-16 (winreg's REG_SZ): the path is stored, not an ANSI rendering of it
    assert command.encode("utf-16-le").decode("utf-16-le") == command and str(python) in command
    # COM starts the LocalServer32 command with " -Embedding" appended; Python gets argv by these rules
    argv = argv_w(command + " -Embedding")
    assert argv == [str(python), "-P", "-m", "addin.excel.comserver", "-Embedding"]
    assert doctor.split_command_line(command + " -Embedding") == argv


def test_uninstall_deletes_every_registered_key_children_first():
    keys = comreg.keys_to_delete()
    assert set(keys) == {e.key for e in comreg.entries(r"C:\Py\pythonw.exe")}
    for i, key in enumerate(keys):
        assert not any(k.startswith(key + "\\") for k in keys[i + 1:]), key  # no child left after its parent
    assert all(k.startswith("Software\\Classes\\") for k in keys)  # the per-user hive only


def _dispatcher_module_bytes(built: Path) -> bytes:
    with zipfile.ZipFile(built) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    return decompress_container(ole.openstream(f"VBA/{vba.MODULE_NAME}").read())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin")).path


@pytest.mark.parametrize("profile", PROFILES)
def test_vba_never_reads_a_path(built, profile):
    """What VBA reads is its module source, in the project's ANSI code page: decoded as Windows-1252 and
    as Windows-1258 (Vietnamese) it is the same text, and it holds no path, user name or file name: the
    ProgID is all VBA needs. The old route (a UTF-8 kiemsat.conf read with `Input #`) could not carry
    the profile, which is why it is gone."""
    raw = _dispatcher_module_bytes(built)
    as1252, as1258 = raw.decode("cp1252"), raw.decode("cp1258")
    assert as1252 == as1258 == raw.decode("ascii")
    assert f'"{comclass.PROGID}"' in as1252
    name = PureWindowsPath(profile).name
    for needle in (name, "Users", "python.exe", "pythonw", ".conf", "TEMP", "Environ", ":\\"):
        assert needle.lower() not in as1252.lower(), needle
    # the route the add-in no longer takes, for the record: UTF-8 bytes read as ANSI are not the path
    conf = f'"INTERPRETER_WIN","{profile}\\python.exe"'.encode("utf-8")
    if not name.isascii():
        assert profile not in conf.decode("cp1252", errors="replace")
        assert profile not in conf.decode("cp1258", errors="replace")
        assert "Nguy" not in name or "ễ".encode("cp1252", errors="replace") == b"?"


def test_no_ansi_code_page_holds_the_name_nguyen():
    """'ễ' has no single-byte form in Windows-1252 and, precomposed, none in Windows-1258 either."""
    for codec in ("cp1252", "cp1258"):
        with pytest.raises(UnicodeEncodeError):
            unicodedata.normalize("NFC", "Nguyễn").encode(codec)


@pytest.mark.parametrize("profile", PROFILES)
def test_the_failure_log_is_written_under_any_profile(profile, tmp_path, monkeypatch, sample_ledger):
    """Temp and log files are Python's (Unicode) business: VBA never opens them."""
    from addin.excel.handlers import check
    from addin.excel.messages import Presenter, RecordingAPI

    logs = tmp_path / PureWindowsPath(profile).name / "AppData" / "Local" / "kiemsat"
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(logs))
    monkeypatch.setattr(check, "run", lambda book, ui: 1 / 0)
    api = RecordingAPI()
    [(kind, text)] = comserver.press("check", dispatch._version(), remote_book(sample_ledger),
                                     presenter=Presenter(api))
    log = logs / "loi.log"
    assert kind == "error" and str(log) in text and "ZeroDivisionError" in log.read_text(encoding="utf-8")
    assert "ZeroDivisionError" not in text and "division" not in text  # the clerk reads Vietnamese only
    assert [b.text for b in api.boxes] == [text]


# ---------------------------------------------------------------- 2. no child process of Excel


def test_the_add_in_reaches_python_only_through_com(built):
    with zipfile.ZipFile(built) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
        sources = {e[-1]: decompress_container(ole.openstream("/".join(e)).read()[_offsets(ole)[e[-1]]:])
                   for e in ole.listdir() if e[0] == "VBA" and e[-1] not in ("dir", "_VBA_PROJECT")}
    code = b"\n".join(sources.values()).decode("cp1252")
    for word in ("Shell", "WScript", "RunPython", ".Run ", "Declare", "Lib \"", "ExecuteWindows", "cmd.exe",
                 "MsgBox", "InputBox"):
        assert word not in code, word
    assert code.count("CreateObject(") == 2  # the first press, and once more when the server has gone


def test_the_server_shows_the_answer_itself(sample_ledger):
    from addin.excel.messages import FRONT, MB_ICONINFORMATION, Presenter, RecordingAPI

    api = RecordingAPI()
    shown = comserver.press("check", dispatch._version(), remote_book(sample_ledger), presenter=Presenter(api, 4242))
    assert [k for k, _ in shown] == ["info"] and ("hợp lệ" in shown[0][1] or "lỗi" in shown[0][1])
    [box] = api.boxes
    assert box.owner == 4242 and box.title == "Kiểm sát" and box.flags == FRONT | MB_ICONINFORMATION
    assert box.text == shown[0][1]


# ---------------------------------------------------------------- 3. dispatcher robustness


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.needs_workbook and c.available])
def test_no_workbook_is_a_vietnamese_message(command):
    app = FileApp()
    app.status_bar = "Kiểm sát: đang chạy..."
    ui = dispatch.run(command.id, dispatch._version(), book=None, app=app, deferred=True)
    assert ui.alerts() == [("error", dispatch.NO_WORKBOOK.format(label=command.label_vi))]
    assert app.status_bar is False


def test_a_failure_resets_the_status_bar_and_says_what_happened(sample_ledger, monkeypatch, tmp_path):
    from addin.excel.handlers import check

    def half_done(book, ui):
        ui.status("đang ghi…")
        raise OSError("ổ đĩa đầy")

    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path))
    monkeypatch.setattr(check, "run", half_done)
    app = FileApp()
    ui = dispatch.run("check", "0", book=remote_book(sample_ledger), app=app, deferred=True)
    kinds = [k for k, _ in ui.alerts()]
    assert kinds == ["warning", "error"]  # the version differs (0): a warning box, then the failure
    error = ui.alerts()[1][1]
    assert "Lỗi không mong muốn khi chạy «Kiểm tra sổ»" in error and "OSError" not in error and app.status_bar is False


def test_book_caller_failing_is_a_message_not_a_traceback(monkeypatch, tmp_path):
    """Off Excel, `xw.Book.caller()` raises: inside the handler's try, it becomes a message."""
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path))
    ui = dispatch.run("check")
    [error] = ui.messages("error")
    assert error.startswith("Lỗi không mong muốn khi chạy «check»")


def test_a_result_only_on_the_status_bar_also_gets_a_message_box(sample_ledger, monkeypatch):
    from addin.excel.handlers import check

    monkeypatch.setattr(check, "run", lambda book, ui: ui.status("đã mở thư mục."))
    ui = dispatch.run("check", dispatch._version(), book=remote_book(sample_ledger), app=FileApp(), deferred=True)
    assert ui.alerts() == [("info", "Đã mở thư mục.")]


def test_the_version_warning_is_a_message_box(sample_ledger):
    ui = dispatch.run("check", "0.0.0-old", book=remote_book(sample_ledger), app=FileApp(), deferred=True)
    assert ui.alerts()[0][0] == "warning" and "0.0.0-old" in ui.alerts()[0][1]


def test_vba_passes_every_press_to_the_server_and_shows_nothing_itself():
    """No workbook and Protected View are the server's to explain (in Unicode): the VBA passes
    ActiveWorkbook (Nothing then) for every button and has no message box of its own."""
    src = vba.dispatcher_source("1.0").split("\r\n")
    on_action = src[src.index("Public Sub KiemsatOnAction(control As IRibbonControl)"):]
    on_action = on_action[:on_action.index("End Sub")]
    assert on_action[2] == "    On Error GoTo Failed"
    assert "    CallServer control.Id" in on_action and not any("ActiveWorkbook Is Nothing" in ln for ln in src)
    assert sum("server.Press id, KIEMSAT_VERSION, Application, ActiveWorkbook" in ln for ln in src) == 2
    failed = on_action[on_action.index("Failed:"):]
    assert all("MsgBox" not in ln for ln in src) and any("Application.StatusBar = TextTitle()" in ln for ln in failed)


def test_protected_view_is_explained_by_the_server():
    class ProtectedApp(FileApp):
        class api:  # noqa: N801 - Excel's Application object, as COM shows it
            ActiveProtectedViewWindow = object()

    ui = dispatch.run("check", dispatch._version(), book=None, app=ProtectedApp(), deferred=True)
    assert ui.alerts() == [("error", dispatch.PROTECTED_VIEW.format(label="Kiểm tra sổ"))]


# ---------------------------------------------------------------- 4. the installer on a simulated PC


class FakeRegistry:
    """A registry as data: {(root, key): {value name: value}}; keys are case-insensitive like Windows'."""

    def __init__(self, values: dict[tuple[str, str], dict[str, object]]):
        self.values = {(r, k.lower()): v for (r, k), v in values.items()}

    def value(self, root, key, name):
        return self.values.get((root, key.lower()), {}).get(name)

    def exists(self, root, key):
        prefix = key.lower()
        return any(r == root and (k == prefix or k.startswith(prefix + "\\")) for r, k in self.values)

    def subkeys(self, root, key):
        prefix = key.lower() + "\\"
        return sorted({k[len(prefix):].split("\\")[0] for r, k in self.values if r == root and k.startswith(prefix)})


SEC = r"Software\Microsoft\Office\16.0\Excel\Security"
POL = r"Software\Policies\Microsoft\Office\16.0\Excel\Security"
EXCEL = {("HKCR", r"Excel.Application\CurVer"): {"": "Excel.Application.16"}}


def office(vba_warnings=None, xlstart_trusted=True, policy=None):
    values = dict(EXCEL)
    values[("HKCU", SEC)] = {} if vba_warnings is None else {"VBAWarnings": vba_warnings}
    values[("HKCU", SEC + r"\Trusted Locations\Location0")] = {"Path": r"C:\Program Files\Microsoft Office\Root\Office16\XLSTART\\"}
    if xlstart_trusted:
        values[("HKCU", SEC + r"\Trusted Locations\Location2")] = {"Path": "%APPDATA%\\Microsoft\\Excel\\XLSTART\\"}
    if policy:
        values[("HKCU", POL + policy[0])] = policy[1]
    return FakeRegistry(values)


def layout(profile=r"C:\Users\Nguyễn Thư", python=None, **extra):
    env = {"USERPROFILE": profile, "APPDATA": profile + r"\AppData\Roaming", "LOCALAPPDATA": profile + r"\AppData\Local",
           "OneDrive": profile + r"\OneDrive - VKSND", **extra}
    python = python or profile + r"\AppData\Local\Programs\Python\Python311\python.exe"
    return install.WindowsLayout.from_environ(env, python, str(PureWindowsPath(python).parent))


STORE = [r"C:\Users\Nguyễn Thư\AppData\Local\Microsoft\WindowsApps\PythonSoftwareFoundation.Python.3.11_qbz5n2kfra8p0\python.exe",
         r"C:\Program Files\WindowsApps\PythonSoftwareFoundation.Python.3.11_3.11.2544.0_x64__qbz5n2kfra8p0\python.exe"]


def _by_key(findings):
    return {f.key: f for f in findings}


def test_the_plan_on_a_vietnamese_profile():
    lay = layout()
    p = install.plan(lay, office(), exists=lambda path: path.endswith("pythonw.exe"))
    assert p.addin_target == PureWindowsPath(r"C:\Users\Nguyễn Thư\AppData\Roaming\Microsoft\Excel\XLSTART\kiemsat.xlam")
    assert p.interpreter == PureWindowsPath(r"C:\Users\Nguyễn Thư\AppData\Local\Programs\Python\Python311\pythonw.exe")
    assert not p.blocking
    text = "\n".join(p.describe())
    assert str(p.addin_target) in text and comreg.server_command(p.interpreter) in text
    assert "[OK] Thư mục XLSTART" in text


def test_no_xlwings_dll_is_required():
    """RunPython without the UDF server never loaded it, and kiemsat's COM server does not either."""
    p = install.plan(layout(), office(), exists=lambda path: False)
    assert not p.blocking and not any("dll" in f.text.lower() for f in p.findings)


def test_disable_all_macros_is_fine_when_xlstart_is_trusted():
    f = _by_key(install.plan(layout(), office(vba_warnings=4)).findings)["xlstart_trusted"]
    assert f.ok and "vẫn chạy" in f.text


def test_disable_all_macros_blocks_when_xlstart_is_not_trusted():
    f = _by_key(install.plan(layout(), office(vba_warnings=4, xlstart_trusted=False)).findings)["xlstart_trusted"]
    assert f.blocking and "Trusted Locations" in f.text and r"Nguyễn Thư\AppData\Roaming\Microsoft\Excel\XLSTART" in f.text


def test_macro_notification_without_trust_is_a_warning_not_a_refusal():
    f = _by_key(install.plan(layout(), office(vba_warnings=2, xlstart_trusted=False)).findings)["xlstart_trusted"]
    assert not f.ok and not f.blocking


def test_a_policy_that_disables_trusted_locations_blocks():
    reg = office(vba_warnings=4, policy=(r"\Trusted Locations", {"AllLocationsDisabled": 1}))
    f = _by_key(install.plan(layout(), reg).findings)["xlstart_trusted"]
    assert f.blocking and "CNTT" in f.text


def test_excel_never_started_means_the_default_trusted_locations():
    f = _by_key(install.plan(layout(), FakeRegistry(dict(EXCEL))).findings)["xlstart_trusted"]
    assert f.ok and "mặc định" in f.text


def test_a_trusted_parent_folder_with_subfolders_counts():
    values = dict(EXCEL)
    values[("HKCU", SEC + r"\Trusted Locations\Location9")] = {"Path": "%APPDATA%\\Microsoft\\", "AllowSubfolders": 1}
    values[("HKCU", SEC)] = {"VBAWarnings": 4}
    assert _by_key(install.plan(layout(), FakeRegistry(values)).findings)["xlstart_trusted"].ok


@pytest.mark.parametrize("python", STORE)
def test_microsoft_store_python_is_refused(python):
    p = install.plan(layout(python=python), office())
    assert [f.key for f in p.blocking] == ["store_python"] and "python.org" in p.blocking[0].text


def test_no_excel_is_refused():
    p = install.plan(layout(), FakeRegistry({}))
    assert "excel" in {f.key for f in p.blocking}


def test_environment_variables_expand_like_windows():
    lay = layout()
    assert lay.expand(r"%APPDATA%\x") == r"C:\Users\Nguyễn Thư\AppData\Roaming\x"
    assert lay.expand(r"%appdata%\x %NOPE% 50%") == r"C:\Users\Nguyễn Thư\AppData\Roaming\x %NOPE% 50%"


def test_cli_dry_run_off_windows_says_where_it_works():
    from addin.commands.cli import cli

    result = CliRunner().invoke(cli, ["addin", "install", "--dry-run"])
    if sys.platform != "win32":
        assert result.exit_code == 2 and "chỉ chạy trên Windows" in result.output


# ---------------------------------------------------------------- 6. kiemsat doctor


def machine(**kw):
    lay = kw.pop("layout", layout())
    interp = interpreter_of(lay)
    defaults = dict(windows=True, layout=lay, registry=office(vba_warnings=4), exists=lambda p: True,
                    registered_command=comreg.server_command(interp), task_query=lambda name: True)
    defaults.update(kw)
    return doctor.Machine(**defaults)


def interpreter_of(lay):
    return lay.python.with_name("pythonw.exe")


def _states(lines):
    return {ln.key: ln.state for ln in lines}


def test_doctor_on_a_good_simulated_pc(built, tmp_path, monkeypatch):
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    lines = doctor.run_checks(machine(), addin=built)
    states = _states(lines)
    assert not doctor.blocking(lines), [ln.render() for ln in lines]
    assert states["server"] == states["addin"] == states["xlstart_trusted"] == states["store_python"] == doctor.OK
    assert all(ln.render().startswith(f"[{ln.state}] ") for ln in lines)
    paths = next(ln for ln in lines if ln.key == "paths")
    assert "Nguyễn Thư" in paths.text


def test_doctor_finds_what_blocks_a_press(built, tmp_path, monkeypatch):
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    assert _states(doctor.run_checks(machine(registered_command=None), addin=built))["server"] == doctor.BLOCK
    gone = doctor.run_checks(machine(exists=lambda p: False), addin=built)
    assert _states(gone)["server"] == doctor.BLOCK and "không còn" in next(ln.text for ln in gone if ln.key == "server")
    assert _states(doctor.run_checks(machine(has_pywin32=False), addin=built))["pywin32"] == doctor.BLOCK
    store = doctor.run_checks(machine(layout=layout(python=STORE[0])), addin=built)
    assert _states(store)["store_python"] == doctor.BLOCK
    assert _states(doctor.run_checks(machine(), addin=tmp_path / "missing.xlam"))["addin"] == doctor.BLOCK


def test_doctor_compares_the_add_in_version(tmp_path, monkeypatch):
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    old = build_addin(tmp_path / "old", version="0.0.1").path
    [line] = [ln for ln in doctor.run_checks(machine(), addin=old) if ln.key == "addin"]
    assert line.state == doctor.WARN and "0.0.1" in line.text and "kiemsat addin install" in line.text


def test_doctor_on_a_ledger_in_onedrive_and_on_sharepoint(tmp_path, monkeypatch):
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    m = machine()
    inside = doctor.check_ledger(m, r"C:\Users\Nguyễn Thư\OneDrive - VKSND\Sổ\so_2026.xlsx")
    assert inside[0].state == doctor.WARN and "OneDrive - VKSND" in inside[0].text
    url = "https://vksnd.sharepoint.com/sites/phong1/Shared Documents/so_2026.xlsx"
    monkeypatch.delenv("OneDriveCommercial", raising=False)
    online = doctor.check_ledger(m, url)
    assert online[0].state == doctor.BLOCK and "Sync" in online[0].text
    assert doctor.check_ledger(m, r"D:\So theo doi\so.xlsx")[0].state == doctor.OK


def test_doctor_reads_the_alerts_configuration(tmp_path, monkeypatch):
    conf = tmp_path / "canh-bao.toml"
    conf.write_text('ledgers = ["so.xlsx"]\ntransport = "smtp"\n[smtp]\nhost = "127.0.0.1"\nuser = "a@vks.gov.vn"\n'
                    'password_env = "KIEMSAT_TEST_NO_SUCH_VAR"\nkeyring_service = "kiemsat-test-none"\n', encoding="utf-8")
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(conf))
    monkeypatch.delenv("KIEMSAT_TEST_NO_SUCH_VAR", raising=False)
    lines = doctor.check_alerts(machine(task_query=lambda name: False))
    states = _states(lines)
    assert states["alerts"] == doctor.OK and states["keyring"] == doctor.WARN and states["task"] == doctor.WARN
    monkeypatch.setenv("KIEMSAT_TEST_NO_SUCH_VAR", "x")
    assert _states(doctor.check_alerts(machine()))["keyring"] == doctor.OK


def test_kiemsat_doctor_on_this_machine(built, tmp_path, monkeypatch):
    from addin.commands.cli import cli

    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    result = CliRunner().invoke(cli, ["doctor", "--addin", str(built)])
    if sys.platform != "win32":
        assert result.exit_code == 0, result.output
        assert "chỉ kiểm tra được trên Windows" in result.output and "[OK] Thanh Kiểm sát" in result.output
    missing = CliRunner().invoke(cli, ["doctor", "--addin", str(tmp_path / "nope.xlam")])
    assert missing.exit_code == 1 and "[CHẶN]" in missing.output


def test_the_ribbon_button_runs_the_doctor_without_a_workbook(tmp_path, monkeypatch):
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    from addin.excel.messages import Presenter, RecordingAPI

    api = RecordingAPI()
    [(kind, text)] = comserver.press("doctor", dispatch._version(), None, FileApp(), presenter=Presenter(api))
    assert kind in ("info", "warning") and text.startswith("Excel đã gọi được Python")
    assert "[LƯU Ý] Chưa có tệp cấu hình gửi cảnh báo" in text and api.boxes[0].text == text


# ---------------------------------------------------------------- 5 and 7. the .xlam against xlwings' own


def _project(path: Path):
    with zipfile.ZipFile(path) as z:
        return olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")), raise_defects=olefile.DEFECT_INCORRECT)


def _dir(ole) -> bytes:
    return decompress_container(ole.openstream("VBA/dir").read())


def _offsets(ole) -> dict[str, int]:
    """MODULESTREAMNAME -> MODULEOFFSET, from the dir records."""
    data, out, pos, name = _dir(ole), {}, 0, None
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        size = 6 if rid == 0x0009 else size
        payload = data[pos + 6:pos + 6 + size]
        if rid == 0x001A:
            name = payload.decode("cp1252")
        elif rid == 0x0031:
            out[name] = struct.unpack("<I", payload)[0]
        elif rid == 0x0010:
            break
        pos += 6 + size
    return out


@pytest.mark.parametrize("path", ["built"] + SHIPPED, ids=["kiemsat", *(p.name for p in SHIPPED)])
def test_dir_stream_ends_exactly_at_its_terminator(path, built):
    data = _dir(_project(built if path == "built" else path))
    records, end = walk_dir(data)
    assert end == len(data) and data[-6:] == b"\x10\x00\x00\x00\x00\x00"
    assert records[0][0] == 0x0001 and records[-1][0] == 0x0010  # PROJECTSYSKIND ... Terminator


def _module_record_ids(data: bytes) -> list[list[int]]:
    records, _ = walk_dir(data)
    ids = [r for r, _ in records]
    start = ids.index(0x0013) + 1  # after PROJECTCOOKIE
    modules, cur = [], []
    for r in ids[start:-1]:
        cur.append(r)
        if r == 0x002B:
            modules.append(cur)
            cur = []
    return modules


def test_dir_record_layout_matches_xlwings_shipped_addin(built):
    source = _dir(_project(SHIPPED[0]))
    ours = _dir(_project(built))
    head = lambda d: [r for r, _ in walk_dir(d)[0]][:[r for r, _ in walk_dir(d)[0]].index(0x000F)]  # noqa: E731
    msforms = [0x16, 0x3E, 0x33, 0x2F, 0x16, 0x3E, 0x30]  # the reference kiemsat removes (tests/test_vba_project.py)
    at = head(source).index(0x33) - 2
    assert head(source)[at:at + len(msforms)] == msforms
    # project information and the references left, record for record
    assert head(ours) == head(source)[:at] + head(source)[at + len(msforms):]
    # each module's records follow one of the sequences found in the shipped add-in
    shipped_shapes = {tuple(m) for p in SHIPPED for m in _module_record_ids(_dir(_project(p)))}
    assert all(tuple(m) in shipped_shapes for m in _module_record_ids(ours)), _module_record_ids(ours)


def test_stream_set_vba_project_and_offsets_match_the_shipped_pattern(built):
    ours, source = _project(built), _project(SHIPPED[0])
    names = lambda ole: {"/".join(e) for e in ole.listdir()}  # noqa: E731
    fixed = {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"}
    assert fixed <= names(ours) and fixed <= names(source)
    assert names(ours) - fixed == {f"VBA/{m}" for m in _offsets(ours)}  # one stream per module, nothing else
    assert ours.openstream("VBA/_VBA_PROJECT").read() == source.openstream("VBA/_VBA_PROJECT").read() == \
        b"\xcc\x61\xff\xff\x00\x01\x00"
    # xlwings' own module in the shipped add-in is stored source-only at offset 0, as all of ours are
    assert _offsets(source)["xlwings"] == 0 and set(_offsets(ours).values()) == {0}
    for name, offset in _offsets(ours).items():
        text = decompress_container(ours.openstream(f"VBA/{name}").read()[offset:]).decode("cp1252")
        assert text.startswith(f'Attribute VB_Name = "{name}"')


def test_project_stream_lines_match_the_shipped_layout(built):
    def parse(ole):
        lines = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
        return lines, [ln.split("=")[0] for ln in lines if ln and not ln.startswith("[")]

    (ours, our_keys), (source, source_keys) = parse(_project(built)), parse(_project(SHIPPED[0]))
    kinds = ("Module", "Document", "Class")
    strip = lambda keys: [k for k in keys if k not in kinds]  # noqa: E731
    section = lambda lines, name: lines[lines.index(name) + 1:]  # noqa: E731
    # same keys in the same order, apart from the module lines and the workspace's per-module lines
    assert strip(our_keys)[:8] == strip(source_keys)[:8] == ["ID", "Name", "HelpContextID", "VersionCompatible32",
                                                             "CMG", "DPB", "GC", "&H00000001"]
    modules = [ln.split("=")[1].split("/")[0] for ln in ours if ln.split("=")[0] in kinds]
    assert modules == list(_offsets(_project(built)))  # PROJECT lists the dir's modules in the dir's order
    assert [ln.split("=")[0] for ln in section(ours, "[Workspace]") if ln] == modules
    assert ours[-2:] == source[-2:] == ["", ""]  # the stream ends with an empty line, as Excel writes it


def test_every_stream_decompresses_identically_with_the_independent_reader(built):
    from addin.xlam.ovba_compress import decompress
    from oletools.olevba import decompress_stream

    for path in [built] + SHIPPED:
        ole = _project(path)
        blobs = [ole.openstream("VBA/dir").read()]
        blobs += [ole.openstream(f"VBA/{n}").read()[o:] for n, o in _offsets(ole).items()]
        for blob in blobs:
            ref = decompress_container(blob)
            assert ref == decompress(blob) == bytes(decompress_stream(bytearray(blob)))
