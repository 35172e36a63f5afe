"""A real call to the ribbon's COM server: `Dispatch("Kiemsat.Dispatcher")` and its `Version()`, with a
timeout, the failure said in Vietnamese (`kiemsat doctor`, the field report).

On Windows this is what a press does before anything else: COM starts the registered command line (or
finds the running server), the class factory answers, a method is called. A server that cannot start
makes `Dispatch` wait for a registration that never comes (up to about two minutes); the call runs in
a thread so the doctor gives up after `TIMEOUT` and says where the server's log is. Off Windows there is
no COM: the same class is called in this process (`in_process_connect`), which checks that it imports
and answers, and the line says that it was not a COM call.

The ribbon's «Kiểm tra cài đặt» does not call `Dispatch` itself: it runs inside the server, whose only
thread is busy with that very press, so a second COM call into it could only time out. That press is
itself the round trip (Excel -> COM -> Python), and the doctor's line says so.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from addin.commands.comclass import PROGID

TIMEOUT = 60.0

# HRESULTs a Dispatch of a local server meets (winerror.h), in Vietnamese
COM_ERRORS = {
    -2147221005: "tên «{progid}» chưa được đăng ký trên máy này (CO_E_CLASSSTRING): hãy gõ «kiemsat addin install»",
    -2147221164: "lớp COM chưa được đăng ký (REGDB_E_CLASSNOTREG): hãy gõ «kiemsat addin install»",
    -2146959355: "Windows không khởi động được máy chủ Python (CO_E_SERVER_EXEC_FAILURE): Python đã gỡ, chuyển chỗ, "
                 "hoặc bị AppLocker chặn; xem nhật ký may-chu-com.log và gõ lại «kiemsat addin install»",
    -2147024891: "bị từ chối (E_ACCESSDENIED): lệnh hoặc Excel đang chạy bằng quyền quản trị; hãy chạy bình thường",
    -2147023174: "máy chủ Python đã dừng giữa chừng (RPC_S_SERVER_UNAVAILABLE); xem nhật ký may-chu-com.log",
    -2147418111: "máy chủ Python đang bận (RPC_E_CALL_REJECTED); thử lại sau ít giây",
}


@dataclass(frozen=True)
class RoundTrip:
    ok: bool
    seconds: float
    version: str | None = None
    problem: str | None = None  # Vietnamese, when not ok
    via_com: bool = True


def com_connect() -> str:  # pragma: no cover - Windows only
    import pythoncom  # type: ignore[import-not-found]
    import win32com.client  # type: ignore[import-not-found]

    pythoncom.CoInitialize()
    try:
        server = win32com.client.Dispatch(PROGID)
        try:
            return str(server.Version())
        finally:
            del server
    finally:
        pythoncom.CoUninitialize()


def in_process_connect() -> str:
    from addin.excel.comserver import KiemsatDispatcher

    return str(KiemsatDispatcher().Version())


def default_connect() -> tuple[Callable[[], str], bool]:
    return (com_connect, True) if sys.platform == "win32" else (in_process_connect, False)


def describe(exc: BaseException) -> str:
    """A COM error (pywintypes.com_error: args[0] is the HRESULT) or anything else, in Vietnamese."""
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    if code in COM_ERRORS:
        return COM_ERRORS[code].format(progid=PROGID)
    if code is not None:
        return f"lỗi COM 0x{code & 0xFFFFFFFF:08X}; xem nhật ký may-chu-com.log"
    return f"lỗi {type(exc).__name__}; xem nhật ký may-chu-com.log"


def round_trip(connect: Callable[[], str] | None = None, timeout: float = TIMEOUT, via_com: bool | None = None
               ) -> RoundTrip:
    if connect is None:
        connect, via_com = default_connect()
    outcome: dict[str, object] = {}

    def work() -> None:
        t0 = time.perf_counter()
        try:
            outcome["version"] = connect()
        except BaseException as exc:  # noqa: BLE001 - reported, never raised
            outcome["error"] = exc
        outcome["seconds"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    thread = threading.Thread(target=work, name="kiemsat-doctor-com", daemon=True)
    thread.start()
    thread.join(timeout)
    com = True if via_com is None else via_com
    if thread.is_alive():
        return RoundTrip(False, time.perf_counter() - t0,
                         problem=f"máy chủ Python không trả lời sau {timeout:.0f} giây "
                         "(có thể không khởi động được: xem nhật ký may-chu-com.log)", via_com=com)
    seconds = float(outcome.get("seconds", time.perf_counter() - t0))  # type: ignore[arg-type]
    if "error" in outcome:
        return RoundTrip(False, seconds, problem=describe(outcome["error"]), via_com=com)  # type: ignore[arg-type]
    return RoundTrip(True, seconds, version=str(outcome["version"]), via_com=com)
