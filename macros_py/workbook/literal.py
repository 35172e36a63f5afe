"""Ledger text written into a cell stays the text it is, never a formula and never an escape.

A ledger's cells are typed by people and must be treated as untrusted wherever kiemsat writes
them again (an exported register, the «Thống kê» sheet, the ribbon's own sheets, a migrated ledger):

* openpyxl stores a string that starts with «=» as a formula, and Excel would run it (a clerk's
  «=HYPERLINK(...)» or a DDE call); `literal_cell` keeps such a cell a string;
* Excel, LibreOffice and python-calamine decode text that reads as «_xHHHH_» in a file's XML
  (Excel's escape for control characters), so «_x000D_» typed by a clerk would come back as a
  carriage return; `escape_underscores` escapes the underscore as Excel does («_x005F_»);
* Excel itself, when a value is set through xlwings, turns text such as «=...», «12/2026» or
  «TRUE» into a formula, a date or a boolean; `excel_typed` gives such text the apostrophe prefix
  a clerk would type, which Excel keeps as the cell's prefix and does not show.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["ESCAPE_LOOKALIKE", "escape_underscores", "excel_typed", "literal_cell"]

ESCAPE_LOOKALIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # the underscore of text that reads as _xHHHH_
_EXCEL_CONVERTS = re.compile(r"^[=+\-@\t\r]|^[\d\s.,:/%()-]+$|^(true|false)$", re.IGNORECASE)


def escape_underscores(text: str) -> str:
    """Text as it must stand in a file's XML so that readers do not decode «_xHHHH_» in it."""
    return ESCAPE_LOOKALIKE.sub("_x005F_", text) if "_x" in text else text


def literal_cell(cell: Any) -> Any:
    """An openpyxl cell whose text value is kept as text (see the module's docstring); returned."""
    value = cell.value
    if isinstance(value, str):
        escaped = escape_underscores(value)
        if escaped is not value:
            cell.value = escaped
        if escaped.startswith("="):
            cell.data_type = "s"
    return cell


def excel_typed(value: Any) -> Any:
    """A value to set through xlwings: text Excel would turn into a formula, number, date or
    boolean keeps its apostrophe prefix (as when typed as '12/2026)."""
    if isinstance(value, str) and _EXCEL_CONVERTS.search(value):
        return "'" + value
    return value
