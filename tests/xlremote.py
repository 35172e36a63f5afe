"""Workbooks on xlwings' remote engine for the ribbon's handler tests, and what they wrote.

`xw.Book(json=...)` needs a licence key when xlwings is first imported; "noncommercial" is
accepted for non-commercial use. Tests only: the product never depends on it.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402

OFFICE_SCRIPTS = "Microsoft Office Scripts"


def remote_book(path: Path, *, sheet: str | None = None, selection: str = "A1", name: str | None = None,
                client: str = OFFICE_SCRIPTS, with_names: bool = False,
                edit: Callable[[dict[str, list[list[Any]]]], None] | None = None) -> Any:
    """The workbook `path` as Excel would send it: its values, `selection` on `sheet` (default the
    first), named `name` (Excel gives the full path; default the file name). `with_names` adds the
    sheet-scoped defined names; `edit(values by sheet)` changes values first (typed, not saved)."""
    import xlwings as xw

    assert xw.__pro__, "xlwings was imported before XLWINGS_LICENSE_KEY was set"
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = [{"name": ws.title, "values": [[c.value for c in row] for row in ws.iter_rows()] or [[None]],
               "pictures": [], "tables": []} for ws in wb.worksheets]
    names = [{"name": n, "refers_to": "=" + d.attr_text, "sheet_index": i, "address": "A1", "book_scope": False,
              "scope_sheet_index": i, "scope_sheet_name": ws.title}
             for i, ws in enumerate(wb.worksheets) for n, d in ws.defined_names.items()] if with_names else []
    if edit is not None:
        edit({s["name"]: s["values"] for s in sheets})
    active = wb.sheetnames.index(sheet) if sheet else 0
    return xw.Book(json={"client": client, "version": xw.__version__,
                         "book": {"name": name or path.name, "active_sheet_index": active, "selection": selection},
                         "names": names, "sheets": sheets})


def actions(book: Any, func: str | None = None, since: int = 0) -> list[dict]:
    """The actions the handler asked Excel to run, optionally only those of one kind."""
    return [a for a in book.json()["actions"][since:] if func is None or a["func"] == func]


def grid(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Every non-empty cell of every sheet as openpyxl reads the file (formulas as text; dates
    at midnight as dates)."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, datetime) and v.time() == datetime.min.time():
                    v = v.date()
                if v is not None:
                    cells[(c.row, c.column)] = v
        out[ws.title] = cells
    return out


def apply_actions(cells: dict, names: list[str], done: list[dict]) -> list[tuple[str, int, int, int, int]]:
    """Apply the remote engine's setValues actions to `cells` (from `grid`); returns the ranges written."""
    ranges = []
    for a in done:
        if a["func"] != "setValues":
            continue
        sheet, r0, c0 = names[a["sheet_position"]], a["start_row"] + 1, a["start_column"] + 1
        ranges.append((sheet, r0, c0, r0 + a["row_count"] - 1, c0 + a["column_count"] - 1))
        for i, row in enumerate(a["values"]):
            for j, v in enumerate(row):
                if isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d(T00:00:00)?", v):
                    v = date.fromisoformat(v[:10])
                if v in ("", None):
                    cells[sheet].pop((r0 + i, c0 + j), None)
                else:
                    cells[sheet][(r0 + i, c0 + j)] = v
    return ranges
