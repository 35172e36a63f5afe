"""A comparable summary of everything in a workbook that a user would notice: values, formats,
merged cells, tables, dropdowns, conditional colours, frozen panes, print setup, names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook


def workbook_fingerprint(path: Path, skip_cells: set[tuple[str, str]] = frozenset()) -> dict[str, Any]:
    """`skip_cells` holds (sheet, coordinate) pairs whose value may differ (cells we wrote)."""
    wb = load_workbook(path)
    out: dict[str, Any] = {"sheets": wb.sheetnames,
                           "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                value = None if (ws.title, c.coordinate) in skip_cells else c.value
                cells[c.coordinate] = (value, c.number_format, c.font.b, c.font.name, c.fill.fgColor.rgb,
                                       c.alignment.wrap_text)
        out[ws.title] = {
            "state": ws.sheet_state,
            "cells": cells,
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "tables": sorted((t.displayName, t.ref, t.tableStyleInfo.name if t.tableStyleInfo else None)
                             for t in ws.tables.values()),
            "validations": sorted((str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.error)
                                  for dv in ws.data_validations.dataValidation),
            "conditional": sorted((str(cf.sqref), tuple(tuple(r.formula) for r in cf.rules))
                                  for cf in ws.conditional_formatting),
            "freeze": ws.freeze_panes,
            "print_titles": ws.print_title_rows,
            "page": (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        }
    return out
