"""Cài đặt: bring the ledger's settings sheet (Cấu hình) to the front."""

from __future__ import annotations

from typing import Any

from addin.excel.ui import ExcelUI, HandlerError


def run(book: Any, ui: ExcelUI) -> None:
    from macros_py.ledger.schema import SETTINGS_SHEET, SETTINGS_SHEET_SYNONYMS
    from macros_py.ledger.values import fold

    names = {fold(SETTINGS_SHEET), *(fold(s) for s in SETTINGS_SHEET_SYNONYMS)}
    for sheet in book.sheets:
        if fold(sheet.name) in names:
            sheet.activate()
            ui.status(f"sheet «{sheet.name}»: sửa giá trị ở cột bên phải mỗi dòng, rồi lưu sổ.")
            return
    raise HandlerError(f"Sổ «{book.name}» chưa có sheet «{SETTINGS_SHEET}». Hãy chép sheet này từ sổ mẫu "
                       "(lệnh «kiemsat init» tạo sổ mẫu) vào sổ của đơn vị.")
