"""`kiemsat alerts list [--pdf]`: the week's steps per prosecutor, each on its own pages, read back from the PDF."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.commands.cli import cli
from macros_py.documents.pdf import find_soffice
from macros_py.law.deadlines import compute_deadlines
from macros_py.ledger.reader import read_ledger
from mailer.printout import UNASSIGNED, build_lists
from tests.conftest import TODAY
from tests.test_mailer_policy import DETAINED, ledger_with


def test_the_lists_hold_overdue_today_and_this_week_per_prosecutor(tmp_path: Path):
    path = ledger_with(tmp_path / "so.xlsx")
    ledger = read_ledger(path)
    lists = build_lists([ledger], TODAY)  # Monday 16/03/2026: the week ends on Sunday 22/03
    sunday = date(2026, 3, 22)
    expected = {(d.prosecutor or UNASSIGNED, d.sheet, d.row, d.kind) for d in compute_deadlines(ledger, TODAY).deadlines
                if not d.done and d.due <= sunday}
    got = {(p.prosecutor, e.deadline.sheet, e.deadline.row, e.deadline.kind)
           for p in lists for _, entries in p.sections() for e in entries}
    assert expected and got == expected
    assert all(e.deadline.due <= sunday for p in lists for _, es in p.sections() for e in es)
    vinh = next(p for p in lists if p.prosecutor == "Ngô Văn Vinh")
    assert vinh.overdue[0].deadline.person == DETAINED  # overdue detention first
    assert all(e.deadline.days_left == 0 for e in vinh.today)
    assert all(1 <= e.deadline.days_left <= 3 for e in vinh.three_days)
    assert all(3 < e.deadline.days_left <= 6 for e in vinh.week)
    # another body's delay is listed apart, never as the prosecutor's own overdue work
    assert all(e.deadline.days_left < 0 and e.deadline.procuracy_owned for p in lists for e in p.overdue)
    assert all(e.deadline.days_left < 0 and not e.deadline.procuracy_owned for p in lists for e in p.other)
    assert build_lists([ledger], TODAY + timedelta(days=6))  # Sunday: the week is that day only


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_alerts_list_pdf_has_one_page_per_prosecutor(tmp_path: Path):
    path = ledger_with(tmp_path / "so.xlsx")
    out = tmp_path / "tuan.docx"
    result = CliRunner().invoke(cli, ["alerts", "list", str(path), "--today", TODAY.isoformat(), "--out", str(out),
                                      "--pdf"])
    assert result.exit_code == 0, result.output
    lists = build_lists([read_ledger(path)], TODAY)
    assert f"{len(lists)} Kiểm sát viên" in result.output and f"== {lists[0].prosecutor} ==" in result.output
    pdf = out.with_suffix(".pdf")
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split("\f")
    starts = [i for i, page in enumerate(pages) if "Kiểm sát viên: " in page]
    assert all(pages[i].count("Kiểm sát viên: ") == 1 for i in starts)  # never two people on one page
    assert [next(p.prosecutor for p in lists if f"Kiểm sát viên: {p.prosecutor}" in pages[i]) for i in starts] == [
        p.prosecutor for p in lists]  # each list starts a page, in order
    for i, person in zip(starts, lists):
        first = person.sections()[0][1][0].deadline
        assert first.due.strftime("%d/%m/%Y") in pages[i]
