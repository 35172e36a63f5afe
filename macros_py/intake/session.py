"""One intake, start to end, for the shells (CLI, ribbon): read the document, recognise it, plan the ledger's
changes; after the clerk's confirmation, write them and compute the deadlines of the rows touched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from macros_py.intake.errors import IntakeError
from macros_py.intake.fields import Reading, read_document
from macros_py.intake.plan import Plan, apply, parse_overrides, plan_intake, primary_sheet
from macros_py.intake.text import Source, read_source


@dataclass
class Preview:
    source: Source
    reading: Reading
    plan: Plan
    case_id: str | None
    overrides: dict[str, Any]


def preview(document: str | Path, ledger_path: str | Path, *, stdin: BinaryIO | None = None, case_id: str | None = None,
            sets: list[str] | tuple[str, ...] = ()) -> Preview:
    """Read `document` and plan its changes to the ledger at `ledger_path`. Raises IntakeError, LedgerError."""
    from macros_py.ledger.reader import read_ledger

    source = read_source(document, stdin)
    if len(source.text.strip()) < 20:
        raise IntakeError(f"«{source.name}» gần như không có chữ nào đọc được. Không ghi gì.")
    reading = read_document(source.text, ocr=source.ocr)
    overrides = parse_overrides(primary_sheet(reading), list(sets))
    ledger = read_ledger(ledger_path)
    plan = plan_intake(ledger, reading, case_id=case_id, overrides=overrides)
    if not plan.changes:
        raise IntakeError("văn bản không có điều gì mới để ghi vào sổ. Không ghi gì.")
    return Preview(source, reading, plan, case_id, overrides)


def commit(p: Preview, ledger_path: str | Path, today: date | None = None) -> tuple[Any, Plan, list[Any]]:
    """Write the confirmed plan (the one writer, under the lock, with a backup) and return the write report, the
    plan as written and the deadlines (law.deadlines.Deadline) of the rows it touched, not yet done."""
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.ledger.reader import read_ledger

    report, plan = apply(ledger_path, p.reading, p.plan, case_id=p.case_id, overrides=p.overrides)
    rows = set(plan.rows)
    deadlines = [d for d in compute_deadlines(read_ledger(ledger_path), today).deadlines
                 if (d.sheet, d.row) in rows and not d.done]
    return report, plan, deadlines
