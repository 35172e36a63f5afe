"""What a ribbon button runs: `addin.excel.dispatch.run(command_id, addin_version)`.

The VBA dispatcher passes the pressed button's id here through kiemsat's COM server (`comserver.py`,
which calls `run(..., deferred=True)`); the CLI's file shell calls it too. This module
is on every press's import path, so it imports only the registry at import time; xlwings, the
UI and the one handler that runs are imported inside `run`. Nothing escapes as a traceback: an
expected failure is a Vietnamese message box, anything else a message box that says where the
details were written.
"""

from __future__ import annotations

from typing import Any

from addin.commands.registry import UnknownCommand, get


def _version() -> str:
    from macros_py import __version__

    return __version__


def _log_failure(command_id: str) -> str:
    """Write the traceback to kiemsat's log folder (`addin.commands.logs`) and return the file's path
    (or '' if impossible)."""
    import traceback

    from addin.commands.logs import PRESS_LOG, append_log

    where = append_log(PRESS_LOG, f"{command_id} (kiemsat {_version()})\n{traceback.format_exc()}")
    return str(where) if where else ""


def unexpected(label: str, exc: BaseException, where: str) -> str:
    """The message for a failure no handler expected: Vietnamese only (an exception's own text is
    English, or a path), and where the details are."""
    what = ""
    if isinstance(exc, OSError):
        from addin.commands.output import known_os_reason

        reason = known_os_reason(exc)
        what = f" ({reason})" if reason else ""
    detail = (f" Chi tiết đã ghi vào tệp: {where} — hãy gửi tệp đó cho người phụ trách kiemsat." if where else
              " Không ghi được tệp nhật ký; hãy chụp màn hình này gửi người phụ trách kiemsat.")
    return f"Lỗi không mong muốn khi chạy «{label}»{what}: kiemsat chưa xử lý được trường hợp này.{detail}"


def _protected_view(app: Any) -> bool:
    """Excel shows a workbook in Protected View (its ActiveWorkbook is then Nothing)."""
    try:
        return app is not None and app.api.ActiveProtectedViewWindow is not None
    except Exception:
        return False


def run(command_id: str, addin_version: str | None = None, book: Any = None, app: Any = None,
        deferred: bool = False, presenter: Any = None) -> Any:
    """Run the command `command_id` on `book` and return the UI object (its `log` holds every
    message shown). With no `book` and not `deferred`, the caller's workbook (xlwings' RunPython
    way); `deferred` (the COM server) collects the message boxes, which the
    server then shows (`presenter` asks the questions meanwhile), and `book` None means that no
    workbook is open (or it is in Protected View). Whatever happens, the status bar is reset at the end."""
    from addin.excel.ui import ExcelUI, HandlerError

    ui = ExcelUI(book, app=app, deferred=deferred, presenter=presenter)
    label = command_id
    try:
        if book is None and not deferred:
            import xlwings as xw

            ui.book = book = xw.Book.caller()
        try:
            command = get(command_id)
        except UnknownCommand:
            ui.error(f"Nút «{command_id}» không có trong kiemsat {_version()} đã cài. Hãy cài lại thanh "
                     "Kiểm sát cho khớp phiên bản: mở Command Prompt và gõ «kiemsat addin install».")
            return ui
        label = command.label_vi
        if addin_version and addin_version != _version():
            ui.warning(f"Thanh Kiểm sát (bản {addin_version}) khác bản kiemsat đã cài ({_version()}). Hãy đóng "
                       "Excel, mở Command Prompt và gõ «kiemsat addin install» để cài lại cho khớp.")
        if not command.available:
            ui.info(f"Chức năng «{command.label_vi}» đang được xây dựng, chưa dùng được trong bản "
                    f"kiemsat {_version()}.")
            return ui
        if book is None and command.needs_workbook:
            ui.error((PROTECTED_VIEW if _protected_view(app) else NO_WORKBOOK).format(label=command.label_vi))
            return ui
        try:
            command.resolve()(book, ui)
        except HandlerError as exc:
            ui.error(str(exc))
        else:
            last = ui.last_status()
            if last and not any(k != "warning" for k, _ in ui.alerts()):
                ui.info(last[:1].upper() + last[1:])  # a result only on the status bar would be overwritten at once
    except Exception as exc:  # never a traceback, nor an exception's English text, for a clerk
        ui.error(unexpected(label, exc, _log_failure(command_id)))
    finally:
        ui.clear_status()
    return ui


NO_WORKBOOK = ("Chưa có sổ nào đang mở để chạy «{label}». Hãy mở sổ theo dõi (tệp .xlsx), bấm «Enable Editing» "
               "nếu Excel mở ở chế độ Protected View, rồi bấm lại nút.")
PROTECTED_VIEW = ("Sổ đang mở ở chế độ Protected View (chỉ xem), nên chưa chạy được «{label}». Hãy bấm «Enable "
                  "Editing» trên thanh vàng phía trên sổ, rồi bấm lại nút.")
