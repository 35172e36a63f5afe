"""What the intake ribbon leaves in a ledger is kiemsat's own (issue 22): the accused's residence goes to
«Nơi cư trú» (the decisions print it from there), and the preview sheet «Nạp văn bản» is never listed as
a sheet kiemsat does not know."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from addin.excel.handlers.intake import PREVIEW_SHEET
from macros_py.ledger.reader import read_ledger
from tests.test_intake_cli import ledger, take  # noqa: F401


def test_residence_goes_to_its_column(ledger):  # noqa: F811
    take(ledger, "001-ktva-s1.txt", "--set", "category=Ít nghiêm trọng")
    take(ledger, "002-ktbc-s1.txt")
    [person] = read_ledger(ledger).records("bi_can")
    assert person["residence"] == "thôn Đông, xã Kiến Thụy, thành phố Hải Phòng"
    assert "cư trú" not in (person.get("note") or "")


def test_intake_preview_sheet_is_kiemsats_own(ledger):  # noqa: F811
    wb = load_workbook(ledger)
    ws = wb.create_sheet(PREVIEW_SHEET)
    ws.append(["Tệp văn bản:", "C:/van-ban/qd.docx"])
    ws.append(["Sheet", "Dòng", "Cột", "Giá trị cũ", "Giá trị mới", "Đọc từ", "Độ chắc", "Mã cột"])
    wb.save(ledger)
    assert read_ledger(ledger).unknown_sheets == []
    result = subprocess.run([sys.executable, "-m", "addin.commands.cli", "check", str(Path(ledger))],
                            capture_output=True, text=True)
    assert PREVIEW_SHEET not in result.stdout and "không thuộc kiemsat" not in result.stdout, result.stdout
