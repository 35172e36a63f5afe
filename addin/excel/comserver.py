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

Start-up never freezes Excel for long and never fails silently: `main` registers the class with COM
first (so `CreateObject` returns at once), then imports the heavy modules (xlwings, pandas, lxml,
openpyxl, the handlers) in a background thread (`Loader`); a press that arrives meanwhile puts
«đang khởi động» on Excel's status bar and waits for them. pythonw has no console: the start, the
loading time and any start-up failure with its traceback go to `may-chu-com.log` in kiemsat's log
folder (`addin.commands.logs`), which `kiemsat doctor --report` collects.

Run by COM as `pythonw.exe -m addin.excel.comserver -Embedding`.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import Any

from addin.commands.comclass import CLSID, PROGID

LOADING = "Kiểm sát: đang khởi động phần Python (lần bấm đầu tiên sau khi mở Excel), xin chờ…"
LOAD_TIMEOUT = 300.0  # seconds a press waits for the modules (a cold disk with an antivirus scanning each file)
HEAVY_MODULES = ("win32com.client", "xlwings", "xlwings._xlwindows", "lxml.etree", "openpyxl", "python_calamine",
                 "addin.excel.dispatch", "addin.excel.ui", "addin.excel.messages", "addin.excel.livebook",
                 "macros_py.ledger.reader", "macros_py.law.deadlines", "pandas")


def _log(text: str) -> None:
    from addin.commands.logs import SERVER_LOG, append_log

    append_log(SERVER_LOG, text)


class Loader:
    """Imports `modules` in a background thread; a press waits for it (`wait`). A module that fails
    to import is logged with its traceback (the press that needs it then fails with a message)."""

    def __init__(self, modules: Sequence[str], importer: Callable[[str], Any] = import_module):
        self.modules, self.importer = tuple(modules), importer
        self.done = threading.Event()
        self.failed: dict[str, str] = {}
        self.seconds = 0.0

    def start(self) -> Loader:
        threading.Thread(target=self.run, name="kiemsat-loader", daemon=True).start()
        return self

    def run(self) -> None:
        import traceback

        t0 = time.perf_counter()
        try:
            for name in self.modules:
                try:
                    self.importer(name)
                except Exception:  # ImportError, a DLL that will not load...
                    self.failed[name] = traceback.format_exc()
                    _log(f"không nạp được {name}:\n{self.failed[name]}")
        finally:
            self.seconds = time.perf_counter() - t0
            # logged before `done` is set: whoever waits on it finds the line in the log
            _log(f"đã nạp {len(self.modules) - len(self.failed)}/{len(self.modules)} mô-đun trong {self.seconds:.2f} s")
            self.done.set()

    def wait(self, status: Callable[[str], None], timeout: float = LOAD_TIMEOUT) -> bool:
        """Block until loaded; first say so on the status bar when it is not done yet."""
        if self.done.is_set():
            return True
        try:
            status(LOADING)
        except Exception:  # the status bar is a nicety
            pass
        return self.done.wait(timeout)


LOADER: Loader | None = None  # set by main() in the COM server process


def handler_modules() -> list[str]:
    from addin.commands.registry import COMMANDS

    return [c.handler.split(":")[0] for c in COMMANDS if c.available]

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
        try:
            presenter.show(kind, text)
        except Exception:  # a box that cannot be shown must not turn into a COM error in VBA
            import traceback

            _log(f"không hiện được hộp thông báo ({kind}):\n{traceback.format_exc()}")
    return shown


def menu_content(menu_id: str, book: Any) -> str:
    """The XML of a ribbon menu's items for `book`; never raises into VBA: a failure is logged and the
    menu shows one disabled item saying where to look."""
    from addin.commands.registry import CUSTOMUI_NAMESPACE as NAMESPACE
    from addin.commands.registry import menu

    try:
        return str(menu(menu_id).resolve()(book))
    except Exception:
        import traceback
        from xml.sax.saxutils import quoteattr

        _log(f"không lập được danh sách của menu {menu_id}:\n{traceback.format_exc()}")
        label = quoteattr("Không đọc được danh sách loại quyết định; chạy «kiemsat doctor» để xem nguyên nhân.")
        return f'<menu xmlns="{NAMESPACE}"><button id="menu_failed" enabled="false" label={label}/></menu>'


def _raw(obj: Any) -> Any:
    from win32com.client import Dispatch  # type: ignore[import-not-found]

    return Dispatch(obj)


def _wrap(obj: Any) -> Any:
    """A COM object received from VBA, as xlwings' Windows implementation wants it."""
    from win32com.client import Dispatch  # type: ignore[import-not-found]
    from xlwings._xlwindows import COMRetryObjectWrapper  # busy Excel: retry, as xlwings does

    return COMRetryObjectWrapper(Dispatch(obj))


class KiemsatDispatcher:
    """The COM object VBA creates (pywin32 policy: public methods, late bound)."""

    _reg_clsid_ = CLSID
    _reg_progid_ = PROGID
    _public_methods_ = ["Press", "Version", "MenuContent"]

    def Press(self, command_id: str, addin_version: str, application: Any, workbook: Any) -> int:  # noqa: N802
        """Run the press; the messages are shown from here. Returns how many boxes were shown (VBA
        does not use it)."""
        if LOADER is not None and application is not None:
            LOADER.wait(lambda text: setattr(_raw(application), "StatusBar", text))
        import xlwings as xw
        import xlwings._xlwindows as xlwin  # type: ignore[import-not-found]

        app = xw.App(impl=xlwin.App(xl=_wrap(application))) if application is not None else None
        book = xw.Book(impl=xlwin.Book(_wrap(workbook))) if workbook is not None else None
        return len(press(str(command_id), str(addin_version), book, app))

    def MenuContent(self, menu_id: str, addin_version: str, application: Any, workbook: Any) -> str:  # noqa: N802
        """The items of the ribbon's dynamicMenu `menu_id` (its getContent), as customUI XML."""
        import xlwings as xw
        import xlwings._xlwindows as xlwin  # type: ignore[import-not-found]

        book = xw.Book(impl=xlwin.Book(_wrap(workbook))) if workbook is not None else None
        return menu_content(str(menu_id), book)

    def Version(self) -> str:  # noqa: N802
        from macros_py import __version__

        return __version__


def serve(register: Callable[[], Any], pump: Callable[[], None], revoke: Callable[[Any], None],
          loader: Loader) -> None:
    """Register the class (CreateObject returns as soon as this is done), start loading, serve."""
    global LOADER

    handle = register()
    LOADER = loader.start()
    try:
        pump()
    finally:
        revoke(handle)


def main(argv: list[str], com: Any = None, loader: Loader | None = None) -> int:
    """Serve the class until its last client lets go (COM passes -Embedding). `com`: pywin32's pieces
    (register, pump, revoke) and `loader`, given by the tests."""
    import traceback

    del argv  # -Embedding / /Embedding: nothing else to do, no window to show
    try:
        from macros_py import __version__

        _log(f"khởi động kiemsat {__version__}: {sys.executable} (Python {sys.version.split()[0]})")
        register, pump, revoke = com or _pywin32()
        serve(register, pump, revoke, loader or Loader([*HEAVY_MODULES, *handler_modules()]))
    except BaseException as exc:  # pythonw shows nothing: the log is the only witness
        _log(f"máy chủ COM dừng vì lỗi:\n{traceback.format_exc()}")
        return 0 if isinstance(exc, SystemExit) and not exc.code else 1
    _log("máy chủ COM kết thúc (Excel đã đóng)")
    return 0


def _pywin32() -> tuple[Callable[[], Any], Callable[[], None], Callable[[Any], None]]:  # pragma: no cover - Windows
    """pywin32's `win32com.server.localserver.serve`, split so the loader starts after registration."""
    sys.coinit_flags = 2  # type: ignore[attr-defined]  # apartment-threaded, as localserver sets it
    import pythoncom  # type: ignore[import-not-found]
    import win32api  # type: ignore[import-not-found]
    from win32com.server import factory  # type: ignore[import-not-found]

    def register() -> Any:
        infos = factory.RegisterClassFactories([CLSID])  # finds the class through CLSID\{...}\PythonCOM
        pythoncom.EnableQuitMessage(win32api.GetCurrentThreadId())
        pythoncom.CoResumeClassObjects()
        return infos

    def revoke(infos: Any) -> None:
        factory.RevokeClassFactories(infos)
        pythoncom.CoUninitialize()

    return register, pythoncom.PumpMessages, revoke


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
