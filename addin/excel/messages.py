"""Showing what a ribbon press has to say: Unicode message boxes owned by Excel, and a results sheet.

VBA's `MsgBox` converts its text to the PC's ANSI code page (Vietnamese letters become «?» on
Windows-1252; on Windows-1258 letters with a tone mark are lost too), so the add-in's VBA shows
nothing: the COM server shows every result, error and question from Python with `MessageBoxW`
(UTF-16), owned by Excel's main window (`Application.Hwnd`; an owned window always stays above its
owner) with `MB_TOPMOST | MB_SETFOREGROUND`, so it cannot hide behind Excel while Excel waits in the
COM call. A text too long for a box (a batch of decisions refused row by row, a list of errors) goes
whole into a results sheet of a new workbook, and the box gives its first lines and says where the rest is.

The Windows call is behind `MessageAPI`, so that the tests run every message a press can produce
through `RecordingAPI` and check what the clerk would see, on any OS.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

TITLE = "Kiểm sát"

# winuser.h
MB_OK, MB_YESNO = 0x0, 0x4
MB_ICONERROR, MB_ICONQUESTION, MB_ICONWARNING, MB_ICONINFORMATION = 0x10, 0x20, 0x30, 0x40
MB_DEFBUTTON2 = 0x100
MB_SETFOREGROUND, MB_TOPMOST = 0x10000, 0x40000
IDYES, IDNO = 6, 7
FRONT = MB_SETFOREGROUND | MB_TOPMOST
ICONS = {"info": MB_ICONINFORMATION, "warning": MB_ICONWARNING, "error": MB_ICONERROR}

BOX_LINES = 25  # a text longer than this goes to the results sheet, the box shows its head
BOX_CHARS = 2500
RESULTS_SHEET = "Kết quả Kiểm sát"


class MessageAPI(Protocol):
    def message_box(self, owner: int, text: str, title: str, flags: int) -> int:
        """MessageBoxW: the button pressed (IDOK, IDYES, IDNO...), 0 when the box could not be shown."""
        ...


class User32:  # pragma: no cover - Windows only
    """The real `MessageBoxW` (user32.dll), through ctypes with explicit wide-string arguments."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        self._box = ctypes.WinDLL("user32", use_last_error=True).MessageBoxW
        self._box.argtypes = [wintypes.HWND, wintypes.LPCWSTR, wintypes.LPCWSTR, wintypes.UINT]
        self._box.restype = ctypes.c_int

    def message_box(self, owner: int, text: str, title: str, flags: int) -> int:
        return int(self._box(owner or None, text, title, flags))


@dataclass(frozen=True)
class Box:
    owner: int
    text: str
    title: str
    flags: int

    @property
    def kind(self) -> str:
        if self.flags & MB_YESNO:
            return "question"
        icon = self.flags & 0xF0
        return next((k for k, v in ICONS.items() if v == icon), "")


@dataclass
class RecordingAPI:
    """A stand-in for user32 (tests, and off Windows): records each box, answers from `answers`
    (IDOK for a plain box, IDNO for a question when none is left); `refuse_owner` simulates a
    window handle Windows rejects."""

    answers: list[int] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    refuse_owner: bool = False

    def message_box(self, owner: int, text: str, title: str, flags: int) -> int:
        if owner and self.refuse_owner:
            return 0
        self.boxes.append(Box(owner, text, title, flags))
        if flags & MB_YESNO:
            return self.answers.pop(0) if self.answers else IDNO
        return 1  # IDOK


def default_api() -> MessageAPI:
    return User32() if sys.platform == "win32" else RecordingAPI()


def excel_hwnd(app: Any) -> int:
    """Excel's main window handle (`Application.Hwnd`), 0 when it cannot be read."""
    for get in (lambda: app.hwnd, lambda: app.api.Hwnd, lambda: app.Hwnd):
        try:
            value = get()
        except Exception:
            continue
        if isinstance(value, int) and value:
            return value
    return 0


class ResultsWriter(Protocol):
    def write(self, title: str, lines: list[str]) -> str:
        """Write `lines` one per row into a results sheet; returns where, in Vietnamese words."""
        ...


class NewWorkbookResults:
    """The results sheet in a new, unsaved workbook of the Excel the press came from: the clerk's
    ledger is not touched. Text stays text (never a formula, number or date)."""

    def __init__(self, app: Any):
        self.app = app

    def write(self, title: str, lines: list[str]) -> str:
        from macros_py.workbook.literal import excel_typed

        book = self.app.books.add()
        sheet = book.sheets[0]
        sheet.name = RESULTS_SHEET
        sheet.range("A1").value = [[excel_typed(title)]] + [[excel_typed(ln) if ln else None] for ln in lines]
        try:
            sheet.range("A1").api.Font.Bold = True
            sheet.range("A:A").column_width = 120
        except Exception:  # formatting is a nicety
            pass
        return f"sheet «{RESULTS_SHEET}» của sổ mới «{book.name}» (sổ này chưa lưu, đóng không cần lưu)"


class Presenter:
    """Shows a press's messages and asks its questions, in front of Excel."""

    def __init__(self, api: MessageAPI, owner: int = 0, results: ResultsWriter | None = None,
                 title: str = TITLE):
        self.api, self.owner, self.results, self.title = api, owner, results, title

    def _box(self, text: str, flags: int) -> int:
        answer = self.api.message_box(self.owner, text, self.title, flags | FRONT)
        if answer == 0 and self.owner:  # Excel's window is gone or refused: show it unowned, still on top
            answer = self.api.message_box(0, text, self.title, flags | FRONT)
        return answer

    def show(self, kind: str, text: str) -> None:
        self._box(self._fit(text), MB_OK | ICONS.get(kind, MB_ICONINFORMATION))

    def ask(self, text: str) -> bool:
        """A yes/no question; «No» is the default button (Enter never reissues a decision)."""
        return self._box(self._fit(text), MB_YESNO | MB_ICONQUESTION | MB_DEFBUTTON2) == IDYES

    def _fit(self, text: str) -> str:
        lines = text.split("\n")
        if len(lines) <= BOX_LINES and len(text) <= BOX_CHARS:
            return text
        head = [ln if len(ln) <= 300 else ln[:300] + "…" for ln in lines[:BOX_LINES - 3]]
        while head and len("\n".join(head)) > BOX_CHARS - 400:
            head.pop()
        where = None
        if self.results is not None:
            try:
                where = self.results.write(lines[0], lines[1:])
            except Exception:
                where = None
        rest = len(lines) - len(head)
        tail = (f"… và {rest} dòng nữa: toàn bộ ở {where}." if where else
                f"… và {rest} dòng nữa (không hiện hết được trong hộp thông báo).")
        return "\n".join([*head, tail])


def presenter_for(app: Any, api: MessageAPI | None = None,
                  results: Callable[[Any], ResultsWriter | None] | None = None) -> Presenter:
    """The presenter of a press in `app` (an xlwings App, or None when Excel sent none)."""
    writer = (results or (lambda a: NewWorkbookResults(a) if a is not None and hasattr(a, "books") else None))(app)
    return Presenter(api or default_api(), excel_hwnd(app) if app is not None else 0, writer)
