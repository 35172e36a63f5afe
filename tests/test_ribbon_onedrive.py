"""A ledger open from OneDrive or SharePoint (issue 21, item 2).

On Windows, Excel names such a workbook by its web address (`Workbook.FullName`), and xlwings'
`Book.fullname` turns it into a local path or raises `XlwingsError` («Couldn't find your local OneDrive
for Business file»). The fake book here behaves as xlwings does on Windows: `api.FullName` is the
address, `fullname` raises. Every button must then work from the synced copy when there is one, and
otherwise say in Vietnamese what to do; no English exception text reaches the clerk.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest  # noqa: E402

from addin.commands.registry import COMMANDS  # noqa: E402
from addin.excel import bookpath, comserver, dispatch  # noqa: E402
from addin.excel.filebook import FileApp  # noqa: E402
from addin.excel.messages import Presenter, RecordingAPI  # noqa: E402
from addin.excel.ui import HandlerError  # noqa: E402
from tests.xlremote import remote_book  # noqa: E402

URL = "https://vksnd-my.sharepoint.com/personal/nguyen_vksnd_gov_vn/Documents/Sổ theo dõi/so_2026.xlsx"
ENGLISH = re.compile(r"\b(XlwingsError|Couldn't|OneDrive for Business file|Error|Exception)\b")
NEEDS_FILE = {"decisions", "decisions_inspector", "register_number", "open_folder", "send_alerts"}


class OneDriveBook:
    """An xlwings Book as Windows gives it for a workbook open from OneDrive: `api.FullName` is the web
    address and `fullname` raises XlwingsError; the rest is the remote-engine book."""

    def __init__(self, book, url: str = URL):
        self._book, self._url = book, url
        self.api = SimpleNamespace(FullName=url)

    @property
    def fullname(self):
        from xlwings import XlwingsError

        raise XlwingsError("Couldn't find your local OneDrive for Business file, see: xlwings.org/error")

    def __getattr__(self, name):
        return getattr(self._book, name)


@pytest.fixture(autouse=True)
def quiet(tmp_path, monkeypatch):
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path / "logs"))
    for name in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # xlwings also looks for ~/.xlwings/xlwings.conf


def _press(command_id, book):
    api = RecordingAPI()
    shown = comserver.press(command_id, dispatch._version(), book, FileApp(), presenter=Presenter(api))
    assert [b.text for b in api.boxes if not b.flags & 0x4] == [t for _, t in shown]
    return shown


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.available and c.needs_workbook], ids=lambda c: c.id)
def test_a_web_ledger_without_a_synced_copy(command, sample_ledger):
    book = OneDriveBook(remote_book(sample_ledger, sheet="Án hình sự", selection="A3"))
    shown = _press(command.id, book)
    text = "\n".join(t for _, t in shown)
    assert "Lỗi không mong muốn" not in text and not ENGLISH.search(text), text
    if command.id in NEEDS_FILE:
        [(kind, message)] = shown
        assert kind == "error" and URL in message
        assert "Sync" in message and "Save As" in message and "bấm lại nút" in message
    else:  # read from Excel, nothing written beside the file: the press works
        assert shown and shown[-1][0] in ("info", "warning"), shown


def test_a_web_ledger_with_a_synced_copy_works_from_it(sample_ledger, tmp_path, monkeypatch):
    synced = tmp_path / "OneDrive - VKSND"
    (synced / "Sổ theo dõi").mkdir(parents=True)
    local = Path(shutil.copy(sample_ledger, synced / "Sổ theo dõi" / "so_2026.xlsx"))
    monkeypatch.setenv("OneDriveCommercial", str(synced))
    book = OneDriveBook(remote_book(local, sheet="Án hình sự", selection="A3"))
    assert bookpath.local_file(book) == local
    shown = _press("open_folder", book)
    [(kind, text)] = shown
    assert kind == "info" and str(local.parent / "quyet_dinh") in text  # the case folder beside the synced copy


def test_the_path_comes_from_excel_before_xlwings(tmp_path):
    local = tmp_path / "so.xlsx"
    local.write_bytes(b"x")
    book = SimpleNamespace(api=SimpleNamespace(FullName=str(local)), name="so.xlsx")
    assert bookpath.excel_fullname(book) == str(local) and bookpath.local_file(book) == local
    # the remote engine and the file shell have no COM object: xlwings' fullname is used
    assert bookpath.excel_fullname(SimpleNamespace(api={}, fullname=str(local))) == str(local)
    # never saved: Excel's FullName is the bare name
    unsaved = SimpleNamespace(api=SimpleNamespace(FullName="Book1"), name="Book1")
    with pytest.raises(HandlerError, match="chưa được lưu thành tệp trên máy này"):
        bookpath.ledger_file(unsaved, "kiemsat không ghi được")


def test_every_way_of_asking_fails_and_still_no_exception_escapes():
    class Hostile:
        @property
        def api(self):
            raise RuntimeError("COM object disconnected")

        @property
        def fullname(self):
            raise RuntimeError("nope")

        @property
        def name(self):
            raise RuntimeError("nope")

    assert bookpath.excel_fullname(Hostile()) == "" and bookpath.local_file(Hostile()) is None
    with pytest.raises(HandlerError, match="chưa được lưu"):
        bookpath.ledger_file(Hostile(), "x")


def test_the_doctor_button_names_the_web_ledger_in_vietnamese(sample_ledger):
    shown = _press("doctor", OneDriveBook(remote_book(sample_ledger)))
    text = "\n".join(t for _, t in shown)
    assert URL in text and "OneDrive/SharePoint" in text and not ENGLISH.search(text)
