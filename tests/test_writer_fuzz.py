"""A bounded fuzz campaign against the one ledger writer (issue 11): a fixed list of seeds, each a
workbook in one of the shapes real files take with a random patch written into it (see
tests/writer_fuzz.py for the shapes and the promises checked). The longer campaign runs from the
command line: `.venv/bin/python -m tests.writer_fuzz DIR N SEED --lo K`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from macros_py.workbook import sheetxml
from macros_py.workbook.package import Patch
from tests.lo import libreoffice  # noqa: F401  (session fixture)
from tests.writer_fuzz import (
    check_graft,
    check_kept,
    libreoffice_disagrees,
    libreoffice_saved_cases,
    make_case,
    run_case,
)

SEEDS = range(1, 181)  # about 15 s on an idle 2-core machine
# every shape the generator makes must be among the seeds' workbooks (else a change to the
# generator could silently stop testing one)
SHAPES = {"1904", ".xlsm", "CRLF/whitespace", "array formula", "cells out of column order", "column styles",
          "empty sheet", "formula", "formula without cached value", "inline string", "lying dimension",
          "rich inline string", "rich shared string", "rows/cells without r", "sample ledger",
          "self-closing rows", "shared formula", "shared strings", "sheets listed out of part order", "spans",
          't="str"', "table", "table with totals row", "very long row", "x: prefix", "zip comment",
          "zip data descriptors", "zip extra fields", "cm/vm attributes", "row styles",
          "zip directory entries", "zip64 members", "x14ac row attributes"}


def test_the_writer_keeps_its_promises_on_varied_workbooks(tmp_path: Path, libreoffice):  # noqa: F811
    seen: set[str] = set()
    failures: dict[int, list[str]] = {}
    written: list[Path] = []
    for seed in SEEDS:
        case, problems = run_case(seed, tmp_path / "cases")
        seen |= set(case.features)
        if problems:
            failures[seed] = problems[:5]
        else:
            written.append(case.path)
    assert not failures, "\n".join(f"seed {s}: {p}" for s, p in failures.items())
    assert SHAPES <= seen, f"shapes no seed made: {SHAPES - seen}"
    # LibreOffice opens a sample of the results and reads their cells as calamine does
    sample = written[::20]
    bad = libreoffice_disagrees(lambda files, out: libreoffice.convert(files, "xlsx", out), sample,
                                tmp_path / "lo")
    assert not bad, bad


def test_the_writer_keeps_its_promises_on_workbooks_libreoffice_saved(tmp_path: Path, libreoffice):  # noqa: F811
    cases = libreoffice_saved_cases(lambda files, out: libreoffice.convert(files, "xlsx", out),
                                    [3, 14, 22, 35, 41, 56], tmp_path)
    failures = {c.seed: p[:5] for c in cases if (p := check_kept(c))}
    assert not failures, failures


def test_a_sheet_kiemsat_builds_is_put_into_varied_workbooks_twice(tmp_path: Path):
    """«Thống kê» grafted (then replaced in place) into the campaign's workbooks (1904 ones among them)."""
    import random

    failures = {}
    for seed in range(1, 41):
        case = make_case(seed, tmp_path)
        if problems := check_graft(case.path, random.Random(seed)):
            failures[seed] = problems[:4]
    assert not failures, failures


def test_the_campaign_finds_a_broken_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The oracle has teeth: with the writer's text escaping as it was before the campaign (a CR
    written raw, _xHHHH_ not escaped), the same checks report the cells."""
    from tests.writer_fuzz import check_case

    case = make_case(1, tmp_path)
    sheet = next(iter(case.patch.cells))
    patch = Patch()
    patch.set(sheet, 40, 1, "dòng 1\r\ndòng 2")
    patch.set(sheet, 40, 2, "_x0041_")
    monkeypatch.setattr(sheetxml, "_escape",
                        lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    problems = check_case(case.path, patch)
    assert any("A40" in p and "calamine reads" in p for p in problems), problems
    assert any("B40" in p and "calamine reads" in p for p in problems), problems
