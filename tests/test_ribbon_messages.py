"""Every word the ribbon shows survives any code page (issue 21, item 1).

The add-in's VBA shows nothing; the COM server shows every result, error and question with
`MessageBoxW` owned by Excel's window (`addin/excel/messages.py`). Here the Windows message API is the
recording stub: every press of every button, in every situation a press can meet (no workbook,
Protected View, a workbook that is no ledger, the sample ledger, an unexpected failure, an add-in of
another version, an unknown or unfinished button, the «ra lại số?» question), goes through
`comserver.press`, and each message the press produced must have been shown as one Unicode box, in
order, owned by Excel, above it, with the icon of its kind and Vietnamese text only. The built VBA is
read back with olevba: no `MsgBox`, no `InputBox`, the server's answer is never even read.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import unicodedata
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
import pytest  # noqa: E402

from addin.commands import registry  # noqa: E402
from addin.commands.registry import COMMANDS  # noqa: E402
from addin.excel import comserver, dispatch, messages  # noqa: E402
from addin.excel.filebook import FileApp  # noqa: E402
from addin.excel.messages import (  # noqa: E402
    FRONT,
    ICONS,
    IDNO,
    IDYES,
    MB_DEFBUTTON2,
    MB_ICONQUESTION,
    MB_YESNO,
    Presenter,
    RecordingAPI,
)
from addin.xlam.build import build_addin  # noqa: E402
from tests.xlremote import remote_book  # noqa: E402

HWND = 0x1A2B3C  # Excel's window, as Application.Hwnd gives it
ENGLISH = re.compile(r"\b(Error|Exception|Traceback|XlwingsError|OSError|couldn't|not found|No such)\b", re.I)


class ExcelApp(FileApp):
    """What the server sees of Excel: a status bar, its window handle, Protected View or not."""

    def __init__(self, protected: bool = False):
        super().__init__()
        self.hwnd = HWND
        self.api = type("Api", (), {"ActiveProtectedViewWindow": object() if protected else None})()


@pytest.fixture(autouse=True)
def quiet_machine(tmp_path, monkeypatch):
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path / "logs"))


@pytest.fixture
def ledger(sample_ledger, tmp_path) -> Path:
    return Path(shutil.copy(sample_ledger, tmp_path / "so_theo_doi.xlsx"))


@pytest.fixture
def not_a_ledger(tmp_path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Danh bạ"
    wb.active["A1"] = "Họ và tên"
    path = tmp_path / "danh_ba.xlsx"
    wb.save(path)
    return path


def press(command_id, book, app=None, version=None, answers=()):
    api = RecordingAPI(answers=list(answers))
    app = app or ExcelApp()
    shown = comserver.press(command_id, version or dispatch._version(), book, app,
                            presenter=messages.presenter_for(app, api, results=lambda a: None))
    return shown, api.boxes


def assert_shown_in_front(shown, boxes):
    """Each message of the press is one box, in order, owned by Excel, above it, with its kind's icon,
    in Vietnamese (NFC, diacritics intact) and without an exception's English text."""
    plain = [b for b in boxes if not b.flags & MB_YESNO]
    assert [(b.kind, b.text) for b in plain] == list(shown)
    for b in boxes:
        assert b.owner == HWND and b.title == "Kiểm sát" and b.flags & FRONT == FRONT
        assert unicodedata.is_normalized("NFC", b.text) and not ENGLISH.search(b.text), b.text
    for (kind, _), b in zip(shown, plain):
        assert b.flags & 0xF0 == ICONS[kind]


AVAILABLE = [c for c in COMMANDS if c.available]


@pytest.mark.parametrize("command", AVAILABLE, ids=lambda c: c.id)
def test_no_workbook(command):
    shown, boxes = press(command.id, None)
    if command.needs_workbook:
        assert shown == [("error", dispatch.NO_WORKBOOK.format(label=command.label_vi))]
    else:
        assert shown and shown[0][1].startswith("Excel đã gọi được Python")
    assert_shown_in_front(shown, boxes)


@pytest.mark.parametrize("command", [c for c in AVAILABLE if c.needs_workbook], ids=lambda c: c.id)
def test_protected_view(command):
    shown, boxes = press(command.id, None, ExcelApp(protected=True))
    assert shown == [("error", dispatch.PROTECTED_VIEW.format(label=command.label_vi))]
    assert "Enable Editing" in boxes[0].text
    assert_shown_in_front(shown, boxes)


@pytest.mark.parametrize("command", AVAILABLE, ids=lambda c: c.id)
def test_a_workbook_that_is_no_ledger(command, not_a_ledger):
    shown, boxes = press(command.id, remote_book(not_a_ledger, name=str(not_a_ledger)))
    assert shown and all(kind in ("info", "warning", "error") for kind, _ in shown)
    assert not any("Lỗi không mong muốn" in t for _, t in shown), shown
    assert_shown_in_front(shown, boxes)


@pytest.mark.parametrize("command", AVAILABLE, ids=lambda c: c.id)
def test_the_sample_ledger(command, ledger):
    book = remote_book(ledger, sheet="Án hình sự", selection="A3", name=str(ledger))
    shown, boxes = press(command.id, book)
    assert shown and not any("Lỗi không mong muốn" in t for _, t in shown), shown
    assert_shown_in_front(shown, boxes)


def broken_handler(book, ui):
    from xlwings import XlwingsError

    raise XlwingsError("Couldn't find your local OneDrive for Business file")


@pytest.mark.parametrize("command", AVAILABLE, ids=lambda c: c.id)
def test_an_unexpected_failure_names_the_log_in_vietnamese(command, ledger, monkeypatch, tmp_path):
    monkeypatch.setitem(registry._BY_ID, command.id,
                        dataclasses.replace(command, handler="tests.test_ribbon_messages:broken_handler"))
    shown, boxes = press(command.id, remote_book(ledger, name=str(ledger)))
    [(kind, text)] = shown
    assert kind == "error" and text.startswith(f"Lỗi không mong muốn khi chạy «{command.label_vi}»")
    assert str(tmp_path / "logs" / "loi.log") in text and "OneDrive for Business" not in text
    assert "XlwingsError" in (tmp_path / "logs" / "loi.log").read_text(encoding="utf-8")
    assert_shown_in_front(shown, boxes)


def test_an_add_in_of_another_version_warns_first(ledger):
    shown, boxes = press("check", remote_book(ledger, name=str(ledger)), version="0.0.1")
    assert shown[0][0] == "warning" and "0.0.1" in shown[0][1] and "kiemsat addin install" in shown[0][1]
    assert_shown_in_front(shown, boxes)


def test_an_unknown_and_an_unfinished_button(ledger, monkeypatch):
    shown, boxes = press("khong_co", remote_book(ledger, name=str(ledger)))
    assert shown[0][0] == "error" and "kiemsat addin install" in shown[0][1]
    assert_shown_in_front(shown, boxes)
    monkeypatch.setitem(registry._BY_ID, "check", dataclasses.replace(registry.get("check"), available=False))
    shown, boxes = press("check", remote_book(ledger, name=str(ledger)))
    assert shown == [("info", f"Chức năng «Kiểm tra sổ» đang được xây dựng, chưa dùng được trong bản kiemsat "
                              f"{dispatch._version()}.")]
    assert_shown_in_front(shown, boxes)


def _decided_row(ledger: Path) -> tuple[str, str]:
    """Row 5 of Án hình sự given the number of a decision already in the register."""
    from macros_py.ledger.reader import read_ledger
    from macros_py.ledger.schema import REGISTER

    led = read_ledger(ledger)
    data = led.sheets["an_hinh_su"]
    earlier = led.sheets[REGISTER.key].records[0].values
    old = f"{earlier['number']}/{earlier['symbol']}"
    wb = openpyxl.load_workbook(ledger)
    wb[data.name].cell(5, data.columns["judgment_date"] + 1).value = None  # a case still under investigation
    wb[data.name].cell(5, data.columns["stage"] + 1).value = "Điều tra"
    wb[data.name].cell(5, data.columns["decision_no"] + 1).value = old
    wb[data.name].cell(5, data.columns["decision_date"] + 1).value = earlier["date"]
    wb.save(ledger)
    return data.name, old


@pytest.mark.parametrize("answer", [IDYES, IDNO])
def test_the_reissue_question_is_a_unicode_box_in_front_of_excel(ledger, answer, monkeypatch):
    from datetime import date

    from addin.excel.handlers import decide

    monkeypatch.setattr(decide, "_today", lambda: date(2026, 3, 16))
    sheet, old = _decided_row(ledger)
    book = remote_book(ledger, sheet=sheet, selection="C5", name=str(ledger))
    shown, boxes = press("decisions", book, answers=[answer])
    [question] = [b for b in boxes if b.flags & MB_YESNO]
    assert boxes[0] is question  # asked during the press, before its result
    assert question.flags == MB_YESNO | MB_ICONQUESTION | MB_DEFBUTTON2 | FRONT  # «No» is the default button
    assert question.owner == HWND and old in question.text and "thay thế" in question.text
    if answer == IDYES:
        assert shown[0][0] == "info" and shown[0][1].startswith("Đã ra 1 quyết định")
    else:
        assert shown[0][0] == "error" and "bấm «Yes» (Có)" in shown[0][1]
    assert_shown_in_front(shown, boxes)


def test_a_refused_owner_still_shows_the_box_on_top():
    api = RecordingAPI(refuse_owner=True)
    Presenter(api, owner=HWND).show("error", "Sổ «Nguyễn Thị Ánh» có lỗi.")
    [box] = api.boxes
    assert box.owner == 0 and box.flags & FRONT == FRONT and box.text == "Sổ «Nguyễn Thị Ánh» có lỗi."


class Results:
    def __init__(self):
        self.written: list[tuple[str, list[str]]] = []

    def write(self, title, lines):
        self.written.append((title, lines))
        return "sheet «Kết quả Kiểm sát» của sổ mới «Book2»"


def test_a_long_text_goes_whole_to_the_results_sheet_and_the_box_says_where():
    text = "\n".join(["Chưa ra quyết định nào, sổ và thư mục không thay đổi:"]
                     + [f"- dòng {i}: thiếu «Ngày khởi tố»" for i in range(3, 203)])
    api, results = RecordingAPI(), Results()
    Presenter(api, HWND, results).show("error", text)
    [(title, lines)] = results.written
    assert [title, *lines] == text.split("\n")  # nothing lost
    [box] = api.boxes
    shown = box.text.split("\n")
    assert len(shown) <= messages.BOX_LINES and shown[:3] == text.split("\n")[:3]
    assert shown[-1].startswith("… và ") and "Kết quả Kiểm sát" in shown[-1]


def test_the_results_sheet_keeps_text_as_text():
    """A line that starts like a formula («- dòng», «=», «+») is written with Excel's text prefix."""

    class Range:
        def __init__(self, sink):
            self.sink, self.api = sink, None

        @property
        def value(self):
            return None

        @value.setter
        def value(self, v):
            self.sink.extend(v)

    class Sheet:
        def __init__(self):
            self.name, self.rows = "Sheet1", []

        def range(self, _ref):
            return Range(self.rows)

    class Book:
        name = "Book2"

        def __init__(self):
            self.sheets = [Sheet()]

    class Books:
        def add(self):
            self.book = Book()
            return self.book

    class App:
        books = Books()

    where = messages.NewWorkbookResults(App()).write("Tiêu đề", ["- dòng 3: lỗi", "=SUM(A1)", ""])
    sheet = App.books.book.sheets[0]
    assert sheet.name == messages.RESULTS_SHEET and "Book2" in where
    assert sheet.rows == [["Tiêu đề"], ["'- dòng 3: lỗi"], ["'=SUM(A1)"], [None]]


# ---------------------------------------------------------------- the built VBA, read back by olevba


def _code_only(code: str) -> str:
    """VBA code without comments and string literals."""
    out = []
    for line in code.splitlines():
        line = re.sub(r'"(?:[^"]|"")*"', '""', line)
        out.append(line.split("'", 1)[0])
    return "\n".join(out)


def test_no_server_text_can_reach_a_vba_message_box(tmp_path):
    from oletools.olevba import VBA_Parser

    built = build_addin(tmp_path).path
    parser = VBA_Parser(str(built))
    try:
        modules = {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    assert any(name.startswith("KiemsatRibbon") for name in modules) and len(modules) >= 2
    for name, code in modules.items():
        code = _code_only(code)
        # no ANSI message box, no input box, no Windows API declared (Defender's Win32-API rule)
        for word in ("MsgBox", "InputBox", "Declare", "MessageBox"):
            assert not re.search(rf"\b{word}\b", code, re.I), (name, word)
    dispatcher = _code_only(next(c for n, c in modules.items() if n.startswith("KiemsatRibbon")))
    # the server's answer is never read: Press is called as a statement, never assigned or passed on
    calls = re.findall(r"^.*server\.Press.*$", dispatcher, re.M)
    assert len(calls) == 2 and all(c.strip().startswith("server.Press ") for c in calls), calls


def test_a_box_that_cannot_be_shown_is_logged_not_raised(ledger, tmp_path):
    class Broken(RecordingAPI):
        def message_box(self, owner, text, title, flags):
            raise OSError("user32 unavailable")

    shown = comserver.press("check", dispatch._version(), remote_book(ledger, name=str(ledger)), ExcelApp(),
                            presenter=Presenter(Broken(), HWND))
    assert shown and "không hiện được hộp thông báo" in (tmp_path / "logs" / "may-chu-com.log").read_text("utf-8")
