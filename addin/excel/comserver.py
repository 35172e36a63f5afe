"""The Python side of a ribbon press: a COM local server that Windows starts, not Excel.

Why not xlwings' RunPython: it starts `cmd.exe` (through WScript.Shell) at every press, and
xlwings' UDF server is started by its DLL with `CreateProcessA` from inside Excel; both are child
processes of Excel, which Defender's attack-surface rule "Block all Office applications from
creating child processes" blocks, and both pass the interpreter's path through ANSI strings
(a profile `C:\\Users\\Nguyễn Thư` becomes mojibake). Here the add-in's VBA calls
`CreateObject("Kiemsat.Dispatcher")`: Windows' COM service (DcomLaunch, a svchost) starts the
command line that `kiemsat addin install` registered per user (a Unicode registry string), so
Python is not Excel's child and no path ever goes through VBA. VBA keeps the object for the
whole Excel session: the server stays warm, a second press pays no imports, and it exits when
Excel releases it. Excel's workbook reaches Python as a COM object; the press runs in
`dispatch.run`, and everything the clerk reads is shown from here (`messages.py`): Unicode message
boxes (`MessageBoxW`) owned by Excel's window and kept in front of it, long texts in a results sheet.
The VBA shows nothing itself (VBA's MsgBox is ANSI and would turn Vietnamese into «?»).

Run by COM as `pythonw.exe -m addin.excel.comserver -Embedding`.
"""

from __future__ import annotations

import sys
from typing import Any

from addin.commands.comclass import CLSID, PROGID

def press(command_id: str, addin_version: str, book: Any, app: Any = None,
          presenter: Any = None) -> list[tuple[str, str]]:
    """Run one press on `book` (None: no workbook open, or it is in Protected View) and show what it has
    to say through `presenter` (default: Unicode boxes owned by `app`'s window); returns the
    (kind, text) shown, kind "info", "warning" or "error"."""
    from addin.excel import dispatch
    from addin.excel.messages import presenter_for

    presenter = presenter or presenter_for(app)
    ui = dispatch.run(command_id, addin_version, book=book, app=app, deferred=True, presenter=presenter)
    shown = ui.alerts()
    for kind, text in shown:
        presenter.show(kind, text)
    return shown


def _wrap(obj: Any) -> Any:
    """A COM object received from VBA, as xlwings' Windows implementation wants it."""
    from win32com.client import Dispatch  # type: ignore[import-not-found]
    from xlwings._xlwindows import COMRetryObjectWrapper  # busy Excel: retry, as xlwings does

    return COMRetryObjectWrapper(Dispatch(obj))


class KiemsatDispatcher:
    """The COM object VBA creates (pywin32 policy: public methods, late bound)."""

    _reg_clsid_ = CLSID
    _reg_progid_ = PROGID
    _public_methods_ = ["Press", "Version"]

    def Press(self, command_id: str, addin_version: str, application: Any, workbook: Any) -> int:  # noqa: N802
        """Run the press; the messages are shown from here. Returns how many boxes were shown (VBA
        does not use it)."""
        import xlwings as xw
        import xlwings._xlwindows as xlwin  # type: ignore[import-not-found]

        app = xw.App(impl=xlwin.App(xl=_wrap(application))) if application is not None else None
        book = xw.Book(impl=xlwin.Book(_wrap(workbook))) if workbook is not None else None
        return len(press(str(command_id), str(addin_version), book, app))

    def Version(self) -> str:  # noqa: N802
        from macros_py import __version__

        return __version__


def main(argv: list[str]) -> int:
    """Serve the class until its last client lets go (COM passes -Embedding)."""
    from win32com.server import localserver  # type: ignore[import-not-found]

    del argv  # -Embedding / /Embedding: nothing else to do, no window to show
    localserver.serve([CLSID])  # pywin32 finds the class through CLSID\{...}\PythonCOM
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
