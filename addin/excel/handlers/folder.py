"""Mở hồ sơ: open the folder of the active row's case, where «Tạo quyết định» and `kiemsat decide
--out quyet_dinh` put its decisions (`macros_py.decisions.issuing.case_folder`, beside the workbook).

On Windows the folder opens in File Explorer; elsewhere, and when the folder does not exist yet,
the message box gives its path. A row of a sheet without decisions of its own (Bị can, Tạm đình
chỉ) opens the folder of its «Mã vụ án».
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from addin.excel.handlers.decide import active_record, workbook_path
from addin.excel.ui import ExcelUI, HandlerError

if TYPE_CHECKING:
    from macros_py.ledger.reader import Ledger

CASE_COLUMN = "case_id"


def folder_for_active_row(book: Any, ledger: Ledger) -> tuple[str, Path]:
    """The active row's case and its folder."""
    from macros_py.decisions.decision_types import DECISION_TYPES
    from macros_py.decisions.issuing import case_folder, default_out_dir, record_case
    from macros_py.ledger.values import display

    data, record = active_record(book, ledger)
    if any(t.sheet == data.spec.key for t in DECISION_TYPES):
        case = record_case(data.spec, record)
    elif CASE_COLUMN in data.columns and record.values.get(CASE_COLUMN) not in (None, ""):
        case = display(record.values[CASE_COLUMN])
    else:
        raise HandlerError(f"Dòng {record.row} của sheet «{data.name}» không gắn với vụ án nào có hồ sơ. Hãy bấm vào "
                           "dòng của vụ án (ở sheet «Tin báo», «Án hình sự», «Án dân sự», «Thi hành án») rồi bấm lại.")
    return case, case_folder(default_out_dir(workbook_path(book)), case)


def _open(folder: Path) -> bool:
    """Open `folder` in the file manager; False where kiemsat does not (off Windows)."""
    if sys.platform != "win32":
        return False
    os.startfile(folder)  # type: ignore[attr-defined]  # Windows only
    return True


def run(book: Any, ui: ExcelUI) -> None:
    from addin.excel.livebook import read_book

    workbook_path(book)  # an unsaved or web workbook has no folder beside it: say so before reading
    ui.status("đang đọc sổ…")
    case, folder = folder_for_active_row(book, read_book(book, progress=ui.progress))
    if not folder.is_dir():
        ui.info(f"Vụ «{case}» chưa có thư mục hồ sơ. Thư mục sẽ là:\n{folder}\n"
                "Thư mục được tạo khi ra quyết định đầu tiên cho vụ này (nút «Tạo quyết định»); cũng có thể tự "
                "tạo thư mục đó để lưu bản số hóa.")
        return
    if _open(folder):
        ui.status(f"đã mở thư mục hồ sơ của vụ «{case}».")
        return
    ui.info(f"Thư mục hồ sơ của vụ «{case}»:\n{folder}")
