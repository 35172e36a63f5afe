"""Where the workbook open in Excel lives: a file on this PC, or an address on the web.

Excel's own `Workbook.FullName` (`book.api.FullName`) is read first: for a ledger open from OneDrive or
SharePoint it is an https:// address. xlwings' `Book.fullname` turns such an address into a local path
or raises `XlwingsError` («Couldn't find your local OneDrive for Business file»), in English; here its
conversion (`xlwings.utils.fullname_url_to_local_path`) is used only where it succeeds and names a file
that exists, and a web address without a synced copy gets a Vietnamese message saying what to do.
Nothing here raises anything but `HandlerError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from addin.excel.ui import HandlerError


def is_web(full: str) -> bool:
    return "://" in full


def _safe_name(book: Any) -> str:
    try:
        return str(book.name)
    except Exception:
        return "sổ đang mở"


def excel_fullname(book: Any) -> str:
    """What Excel calls the workbook: `book.api.FullName` (Windows), else xlwings' `fullname` (the remote
    engine, the file shell), else its name; never raises."""
    for get in (lambda: book.api.FullName, lambda: book.fullname, lambda: book.name):
        try:
            value = get()
        except Exception:  # XlwingsError, a COM error, a dict without the attribute...
            continue
        if isinstance(value, str) and value:
            return value
    return ""


def synced_copy(url: str) -> Path | None:
    """The local file OneDrive syncs for `url`, when xlwings finds one that exists; else None."""
    try:
        from xlwings.utils import fullname_url_to_local_path

        local = fullname_url_to_local_path(url)
    except Exception:  # XlwingsError when no synced folder matches; anything else: no copy either
        return None
    if not local:
        return None
    path = Path(local)
    try:
        return path if path.is_file() else None
    except OSError:
        return None


def web_message(book_name: str, url: str, why: str) -> str:
    return (f"Sổ «{book_name}» đang mở từ OneDrive/SharePoint theo địa chỉ web ({url}) và kiemsat không tìm thấy "
            f"bản đồng bộ của nó trên máy này, nên {why}. Hãy làm một trong hai cách: mở sổ từ thư mục OneDrive "
            "đã đồng bộ trên máy (bấm «Sync» ở thư viện SharePoint, rồi mở tệp trong File Explorer), hoặc lưu "
            "một bản vào ổ đĩa (File > Save As > This PC), rồi bấm lại nút.")


def local_file(book: Any) -> Path | None:
    """The workbook's file on this PC (a web address resolved to its synced copy), or None when there is
    none (a web address without a copy, a workbook never saved); never raises."""
    full = excel_fullname(book)
    if not full:
        return None
    if is_web(full):
        return synced_copy(full)
    path = Path(full)
    try:
        if not path.is_absolute() and path.is_file():
            path = path.resolve()
        return path if path.is_absolute() and path.is_file() else None
    except OSError:
        return None


def ledger_file(book: Any, why: str) -> Path:
    """`local_file`, or a `HandlerError` saying what to do; `why` ends the sentence «... nên {why}»
    (what cannot be done without the file)."""
    path = local_file(book)
    if path is not None:
        return path
    full = excel_fullname(book)
    name = _safe_name(book)
    if is_web(full):
        raise HandlerError(web_message(name, full, why))
    raise HandlerError(f"Sổ «{name}» chưa được lưu thành tệp trên máy này, nên {why}. Hãy lưu sổ vào một thư "
                       "mục trên máy (File > Save As, hoặc Ctrl+S) rồi bấm lại nút.")
