"""The built add-in's VBA run by a second VBA host: LibreOffice in VBA-compatibility mode.

The add-in is saved as an .xlsm (only the workbook's content type changes) with three test modules
added: a ribbon-control class (`FakeControl`, what Excel passes to a callback), a stub of kiemsat's
COM server (`FakeServer`, records each `Press`) and `Stubs`. The dispatcher's two boundaries with
the outside world are renamed in its source, `CreateObject(` -> `StubCreateObject(` and
`Application.StatusBar = ` -> `StubStatus ` (LibreOffice Basic does not let a module shadow a built-in);
nothing else of the generated module changes (it has no message box to stub: the server shows them). `Workbook_Open` presses every button of the built ribbon XML, plus the
failure paths (server not registered, server gone), and writes what happened to a file. Each
captured press is then run against an xlwings remote-engine book.
"""

from __future__ import annotations

import os
import subprocess
import time
import zipfile
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest  # noqa: E402

from addin.commands.registry import get  # noqa: E402
from addin.excel import dispatch  # noqa: E402
from addin.excel.filebook import FileApp  # noqa: E402
from addin.xlam import ribbon, vba  # noqa: E402
from addin.xlam.build import build_addin  # noqa: E402
from addin.xlam.ovba import Module, VBAProject  # noqa: E402
from tests.lo import find_soffice_or_skip  # noqa: E402
from tests.xlremote import remote_book  # noqa: E402

CLASS_HEAD = ('Attribute VB_Name = "{0}"\nAttribute VB_GlobalNameSpace = False\nAttribute VB_Creatable = False\n'
              'Attribute VB_PredeclaredId = False\nAttribute VB_Exposed = False\n')

FAKE_SERVER = """Public Function Press(id, version, app, book) As Variant
    If FailWith <> 0 Then  ' the server process went away before this call reached it
        Dim e As Long
        e = FailWith
        FailWith = 0
        Err.Raise e, "FakeServer", "server gone"
    End If
    Captured = Captured & "PRESS|" & id & "|" & version & "|" & (Not book Is Nothing) & vbLf
    Press = 2
End Function
"""

STUBS = """Public Captured As String
Public FailWith As Long
Public Unregistered As Boolean

Public Function StubCreateObject(ByVal progid As String) As Object
    If Unregistered Then Err.Raise 429, "StubCreateObject", "ActiveX component can't create object"
    Captured = Captured & "CREATE|" & progid & vbLf
    Set StubCreateObject = New FakeServer
End Function

Public Sub StubStatus(text)
    Captured = Captured & "STATUS|" & Replace(text, vbLf, " ") & vbLf
End Sub
"""


def workbook_open(button_ids: list[str], out: Path) -> str:
    lines = ["Private Sub Workbook_Open()", "    Dim f As Integer, c As New FakeControl, enabled As Variant",
             "    Captured = Captured & \"BEGIN\" & vbLf",
             "    Unregistered = True", '    c.Id = "check"', "    KiemsatOnAction c", "    Unregistered = False"]
    for i in button_ids:
        lines += [f'    c.Id = "{i}"', "    KiemsatGetEnabled c, enabled",
                  '    Captured = Captured & "ENABLED|" & c.Id & "|" & enabled & vbLf', "    KiemsatOnAction c"]
    lines += ["    FailWith = &H800706BA", '    c.Id = "check"', "    KiemsatOnAction c",
              "    f = FreeFile", f'    Open "{out.as_posix()}" For Output As #f', "    Print #f, Captured & \"END\"",
              "    Close #f", "End Sub", ""]
    return "\n".join(lines)


def make_test_workbook(addin: Path, target: Path, out: Path) -> list[str]:
    crlf = lambda s: s.replace("\n", "\r\n")  # noqa: E731
    with zipfile.ZipFile(addin) as z:
        ids = ribbon.button_ids(z.read(ribbon.PART_NAME))
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zo:
            for item in z.infolist():
                data = z.read(item.filename)
                if item.filename == "xl/vbaProject.bin":
                    project = VBAProject.read(data)
                    module = project.module(vba.MODULE_NAME)
                    assert module.source.count("CreateObject(") == 2 and "MsgBox" not in module.source
                    module.source = module.source.replace("CreateObject(", "StubCreateObject(").replace(
                        "Application.StatusBar = ", "StubStatus ")
                    this = project.module("ThisWorkbook")
                    this.source += crlf(workbook_open(ids, out))
                    for name, body in (("FakeControl", "Public Id As String\n"), ("FakeServer", FAKE_SERVER)):
                        project.modules.append(Module(name, crlf(CLASS_HEAD.format(name) + body), False, [],
                                                      f"Class={name}"))
                    project.add_module("Stubs", crlf('Attribute VB_Name = "Stubs"\n' + STUBS))
                    data = project.to_bytes()
                elif item.filename == "[Content_Types].xml":
                    data = data.replace(b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
                                        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                zo.writestr(item, data)
    return ids


def run_in_libreoffice(soffice: str, workbook: Path, out: Path, profile: Path, timeout: float = 120) -> str:
    """Open `workbook` with macros enabled (a fresh profile at security level 0) until `out` is written."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" '
        'oor:op="fuse"><value>0</value></prop></item>\n</oor:items>\n', encoding="utf-8")
    proc = subprocess.Popen([soffice, "--headless", "--norestore", "--nologo",
                             f"-env:UserInstallation={profile.resolve().as_uri()}", str(workbook)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if out.exists() and out.read_bytes().rstrip().endswith(b"END"):
                return out.read_text(encoding="utf-8", errors="replace")
            if proc.poll() is not None:
                break
            time.sleep(0.5)
        pytest.fail(f"LibreOffice did not run the add-in's VBA (exit {proc.poll()}); {out} "
                    f"{'exists' if out.exists() else 'missing'}")
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def captured(tmp_path_factory) -> tuple[list[str], list[list[str]]]:
    soffice = find_soffice_or_skip()
    tmp = tmp_path_factory.mktemp("lo_vba")
    addin = build_addin(tmp / "addin").path
    out = tmp / "captured.txt"
    ids = make_test_workbook(addin, tmp / "kiemsat_test.xlsm", out)
    text = run_in_libreoffice(soffice, tmp / "kiemsat_test.xlsm", out, tmp / "profile")
    return ids, [ln.split("|") for ln in text.splitlines() if ln and ln not in ("BEGIN", "END")]


def test_every_ribbon_callback_runs_in_a_vba_host(captured):
    ids, events = captured
    enabled = {e[1]: e[2] for e in events if e[0] == "ENABLED"}
    assert set(enabled) == set(ids) and all(enabled[i] == str(get(i).available) for i in ids)
    presses = [e[1] for e in events if e[0] == "PRESS"]
    assert presses == [i for i in ids if get(i).available] + ["check"]
    version = {e[2] for e in events if e[0] == "PRESS"}
    assert version == {dispatch._version()}
    assert all(e[3] == "True" for e in events if e[0] == "PRESS")  # the open workbook reached the server


def test_the_vba_shows_no_box_and_names_each_press_on_the_status_bar(captured):
    _, events = captured
    assert not any(e[0] == "MSGBOX" for e in events)
    for i, e in enumerate(events):
        if e[0] == "PRESS":
            status = next(x for x in reversed(events[:i]) if x[0] == "STATUS")
            assert status[1] == f"Kiểm sát: {get(e[1]).label_vi} - đang chạy...", status


def test_a_server_not_registered_is_explained(captured):
    _, events = captured
    status = [e for e in events[:3] if e[0] == "STATUS"]
    assert status[-1][1].startswith("Kiểm sát: máy này chưa đăng ký") and "kiemsat addin install" in status[-1][1]


def test_the_server_is_created_once_and_again_only_when_it_has_gone(captured):
    _, events = captured
    creates = [i for i, e in enumerate(events) if e[0] == "CREATE"]
    assert len(creates) == 2  # the first press, then after RPC_S_SERVER_UNAVAILABLE
    last_presses = [e for e in events[creates[1]:] if e[0] == "PRESS"]
    assert [e[1] for e in last_presses] == ["check"]  # made again on the new server, once
    assert events[-1][0] == "PRESS"  # and nothing after it: no failure reported on the status bar


def test_each_captured_press_runs_against_a_remote_engine_book(captured, sample_ledger, tmp_path, monkeypatch):
    import shutil

    _, events = captured
    sample_ledger = Path(shutil.copy(sample_ledger, tmp_path / "so.xlsx"))
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path))
    for _, command_id, version, _ in [e for e in events if e[0] == "PRESS"]:
        book = remote_book(sample_ledger, name=str(sample_ledger))
        ui = dispatch.run(command_id, version, book=book, app=FileApp(), deferred=True)
        texts = " ".join(t for _, t in ui.alerts())
        assert ui.alerts(), command_id
        assert "không có trong kiemsat" not in texts and "Lỗi không mong muốn" not in texts, (command_id, texts)
