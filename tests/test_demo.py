"""`kiemsat demo` as a new user runs it, and the statistics report it writes, read page by page.

The report is opened by LibreOffice, printed to PDF and each page's text read back with pdftotext: what a
leader holds in his hand, not what python-docx says it wrote.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.commands.cli import cli
from macros_py.ledger.reader import read_ledger
from tests.lo import LibreOffice, libreoffice  # noqa: F401  (session fixture)

DAY = "2026-12-01"  # inside the second half of 2026: the report's period is still running


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("demo") / "kiemsat-demo"
    first = CliRunner().invoke(cli, ["demo", "--dir", str(folder), "--today", DAY], catch_exceptions=False)
    again = CliRunner().invoke(cli, ["demo", "--dir", str(folder), "--today", DAY], catch_exceptions=False)
    return {"folder": folder, "first": first, "again": again}


def test_the_demo_lists_overdue_deadlines_first_in_words(demo):
    out = demo["first"].stdout
    assert demo["first"].exit_code in (0, 1), demo["first"].stderr
    overdue, soon = out.index("Đã quá hạn ("), out.index("Sắp hết hạn (")
    assert overdue < soon
    step3 = out[out.index("3. "):out.index("4. ")]
    assert re.search(r"\(quá hạn \d+ ngày\)", step3)
    assert "(0 ngày)" not in out and "hết hạn hôm nay" in step3  # the sample has a limit ending on 01/12/2026
    assert not re.search(r"\(-\d+ ngày\)", out)


def test_in_the_demo_every_overdue_duty_of_the_procuracy_reaches_its_prosecutor_at_the_top_of_the_mail(demo):
    from datetime import date
    from email import message_from_bytes
    from email.policy import default

    from macros_py.law.deadlines import compute_deadlines
    from mailer.planning import staff_directory

    folder = demo["folder"]
    ledger = read_ledger(folder / "so_theo_doi_mau.xlsx")
    pending = compute_deadlines(ledger, date.fromisoformat(DAY)).pending()
    people = {name: found[0].address for name, found in staff_directory(ledger.records("can_bo")).items() if found[0]}
    mails = {}
    for f in (folder / "thu-canh-bao").glob("*.eml"):
        msg = message_from_bytes(f.read_bytes(), policy=default)
        mails[msg["To"].addresses[0].addr_spec.lower()] = msg.get_body(("plain",)).get_content()
    own = [d for d in pending if d.days_left < 0 and d.procuracy_owned and d.step_of is None]
    others = [d for d in pending if d.days_left < 0 and not d.procuracy_owned]
    assert own and others
    for d in own:  # the first section of the prosecutor's own mail: overdue work, or the backlog to bring up to date
        text = mails[people[" ".join(d.prosecutor.split()).casefold()]]
        top = text.split("\n\n", 2)[2].split("CƠ QUAN KHÁC CHẬM")[0].split("SẮP ĐẾN HẠN")[0]
        assert top.startswith(("VIỆC QUÁ HẠN — CẦN LÀM NGAY", "VIỆC QUÁ HẠN CẦN CẬP NHẬT SỔ")), d
        assert f"Vụ việc: {d.case}\n" in top, d
    # another body's delay is never listed as a prosecutor's overdue work, in their mail or the leaders' digest
    counted = 0
    for text in mails.values():
        for heading, body in sections(text):
            if heading.startswith(("VIỆC QUÁ HẠN", "QUÁ HẠN — KSV")):
                counted += body.count("   Vụ việc: ")
                assert "Cơ quan khác chậm:" not in body and "Cơ quan phải làm:" not in body, heading
            if heading.startswith("CƠ QUAN KHÁC CHẬM"):
                assert body.count("   Cơ quan khác chậm: ") == body.count("   Vụ việc: ") > 0
    assert counted >= len(own)


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) of a plain-text mail: a heading is a line in capitals after a blank line."""
    out: list[tuple[str, str]] = []
    for block in text.split("\n\n"):
        first = block.split("\n", 1)[0]
        if first and first == first.upper() and first[0].isalpha() and len(first) > 8:
            out.append((first, ""))
        elif out:
            out[-1] = (out[-1][0], out[-1][1] + block + "\n\n")
    return out


def test_the_demo_leaves_no_backup_of_its_own_files(demo):
    assert demo["again"].exit_code in (0, 1)
    left = [p for p in demo["folder"].rglob("*") if "sao-luu" in str(p)]
    assert left == []


def _pages(pdf: Path) -> list[str]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True, check=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


@pytest.fixture(scope="module")
def pages(demo, libreoffice: LibreOffice, tmp_path_factory) -> list[str]:  # noqa: F811
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("pdftotext (poppler-utils) not installed")
    pdf, = libreoffice.convert([demo["folder"] / "bao_cao_thong_ke.docx"], "pdf", tmp_path_factory.mktemp("pdf"))
    return _pages(pdf)


def test_the_report_reads_correctly_page_by_page(demo, pages):
    ledger = read_ledger(demo["folder"] / "so_theo_doi_mau.xlsx")
    head = next(r["name"] for r in ledger.records("can_bo") if r["title"] == "Viện trưởng")
    text = "\n".join(pages)
    words = " ".join(text.split())
    assert 3 <= len(pages) <= 8, len(pages)
    # page 1: the header, the title, what the figures cover
    first = " ".join(pages[0].split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "BÁO CÁO" in first
    assert "từ ngày 01/07/2026 đến ngày 31/12/2026; số liệu tính đến ngày 01/12/2026" in first
    # the last page: the end of the content, the closing sentence, «Nơi nhận» and the signature together
    last = " ".join(pages[-1].split())
    assert re.search(r"Bảng \d+\.", last), "the signature page holds no content"
    assert "Trên đây là báo cáo" in last and "Nơi nhận" in last and "VIỆN TRƯỞNG" in last
    assert last.index("VIỆN TRƯỞNG") < last.index(head)  # signed with the Viện trưởng's name
    assert "Viện kiểm sát nhân dân thành phố Hải Phòng (để báo cáo)" in last
    assert all("VIỆN TRƯỞNG" not in " ".join(p.split()) for p in pages[:-1])
    # no file name, no talk of sheets; cases counted once
    assert ".xlsx" not in text and "sheet" not in text.lower()
    assert "Tổng số án, vụ việc không gồm tin báo" in words
    assert re.search(r"thụ lý \d+ án, vụ việc", words)
    # every page but the last ends with its page number; tables are numbered in order
    numbers = [int(n) for n in re.findall(r"Bảng (\d+)\.", text)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 10


def test_charts_are_drawn_with_a_serif_that_has_every_vietnamese_letter(demo):
    from macros_py.stats.charts import SERIFS, chart_font, chart_png
    from macros_py.stats.periods import parse_period
    from macros_py.stats.summaries import compute_statistics

    from macros_py.stats.charts import chart_font_file
    from tests.lo import on_ci

    if chart_font_file() is None:
        message = ("no serif with every Vietnamese letter is installed (Times New Roman, Liberation Serif 2, Tinos...): "
                   "install one (apt-get install fonts-liberation2)")
        if on_ci():
            pytest.fail(f"{message}; CI is set, so .ci/run must have installed it.", pytrace=False)
        pytest.skip(message)
    ledger = read_ledger(demo["folder"] / "so_theo_doi_mau.xlsx")
    stats = compute_statistics(ledger, parse_period("2026-H2"), __import__("datetime").date(2026, 12, 1))
    assert chart_font() in SERIFS
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for table in stats.tables:
            if table.chart is not None and table.rows:
                assert chart_png(table, table.chart, with_title=True).startswith(b"\x89PNG")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
