"""`kiemsat intake` as a clerk runs it: a real process, a real ledger from `kiemsat init`, the corpus' documents.

One story's papers go in one after the other; each lands in the right sheet with the right facts after one
confirmation, the deadlines that follow are printed, and every refusal leaves the ledger's bytes untouched."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest

from macros_py.ledger.reader import read_ledger

KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))
DOCS = Path(__file__).resolve().parent / "intake_corpus" / "docs"


def run(*args: str, stdin: str | bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([KIEMSAT, "intake", *args], capture_output=True, input=data,
                          stdin=None if data is not None else subprocess.DEVNULL, timeout=120, env=env)


def out(p: subprocess.CompletedProcess) -> str:
    return p.stdout.decode() + p.stderr.decode()


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    from workbook_templates.builder import create_ledger

    path = tmp_path / "so.xlsx"
    create_ledger(path)
    return path


def take(ledger: Path, name: str, *extra: str) -> subprocess.CompletedProcess:
    p = run(str(DOCS / name), "--ledger", str(ledger), "--yes", "--today", "2025-08-10", *extra)
    assert p.returncode == 0, out(p)
    return p


def rows(ledger: Path, sheet: str) -> list[dict]:
    return [r.values for r in read_ledger(ledger).records(sheet)]


def test_a_case_from_opening_to_enforcement(ledger):
    p = take(ledger, "001-ktva-s1.txt", "--set", "category=Ít nghiêm trọng")
    text = out(p)
    assert "Thời hạn điều tra" in text and "Điều 172" in text  # the deadline the new case starts, at once
    [case] = rows(ledger, "an_hinh_su")
    assert (case["case_id"], case["opening_no"], case["opening_date"], case["offence"], case["article"],
            case["category"], case["stage"]) == ("1/2025/HS", "15/QĐ-CSĐT", date(2025, 8, 5), "Trộm cắp tài sản",
                                                 "khoản 1 Điều 173", "Ít nghiêm trọng", "Điều tra")
    assert case["investigating_body"] == "Cơ quan Cảnh sát điều tra Công an thành phố Hải Phòng"

    take(ledger, "002-ktbc-s1.txt")  # matched by the QĐ khởi tố's number and date
    [person] = rows(ledger, "bi_can")
    assert (person["case_id"], person["name"], person["birth_date"], person["birth_year"]) == (
        "1/2025/HS", "Nguyễn Văn An", date(1990, 3, 12), 1990)

    text = out(take(ledger, "003-tamgiu-s1.docx"))  # a .docx; matched by the accused's name
    assert "Tạm giữ" in text
    [person] = rows(ledger, "bi_can")
    assert (person["measure"], person["custody_start"], person["custody_time"], person["custody_until"]) == (
        "Tạm giữ", date(2025, 8, 3), time(10, 30), date(2025, 8, 6))

    text = out(take(ledger, "004-tamgiam-s1.txt"))
    assert "Tạm giữ → Tạm giam" in text  # a filled cell changes only with old -> new shown
    assert "Tạm giam để điều tra" in text
    [person] = rows(ledger, "bi_can")
    assert (person["measure"], person["detention_start"], person["detention_until"]) == (
        "Tạm giam", date(2025, 8, 9), date(2025, 10, 8))

    take(ledger, "006-thuly-s1.txt")
    [case] = rows(ledger, "an_hinh_su")
    assert case["court_accepted"] == date(2025, 10, 15) and case["stage"] == "Xét xử sơ thẩm"

    text = out(take(ledger, "007-banan-s1.docx"))
    assert "Kháng nghị phúc thẩm" in text
    [case] = rows(ledger, "an_hinh_su")
    assert (case["judgment_no"], case["judgment_date"], case["decision_kind"]) == (
        "52/2025/HS-ST", date(2025, 11, 20), "Bản án")
    [enf] = rows(ledger, "thi_hanh_an")
    assert (enf["person"], enf["penalty"], enf["court"], enf["case_id"]) == (
        "Nguyễn Văn An", "12 tháng tù", "Tòa án nhân dân khu vực 1 - Hải Phòng", "1/2025/HS")

    take(ledger, "008-tha-s1.txt")
    [enf] = rows(ledger, "thi_hanh_an")
    assert (enf["enforcement_decision_no"], enf["enforcement_decision_date"]) == ("30/2025/QĐ-CA", date(2025, 12, 25))
    assert read_ledger(ledger).errors == []
    backups = list((ledger.parent / "kiemsat-sao-luu").iterdir())
    assert len(backups) == 7  # one backup per write


def test_tip_and_civil_case_become_new_rows(ledger):
    take(ledger, "070-tinbao-t6.txt")
    [tip] = rows(ledger, "tin_bao")
    assert (tip["receipt_no"], tip["receipt_date"], tip["source"], tip["reporter"]) == (
        "1/TB-2026", date(2026, 4, 7), "Tố giác", "Phạm Văn Long")
    take(ledger, "075-thulyds-c5.docx")
    [civil] = rows(ledger, "an_dan_su")
    assert (civil["case_type"], civil["acceptance_no"], civil["acceptance_date"], civil["plaintiff"],
            civil["defendant"]) == ("Lao động", "17/2026/TLST-LĐ", date(2026, 4, 13), "Vũ Thị Hằng",
                                    "Công ty TNHH May Hải Long")


def _untouched(ledger: Path, p: subprocess.CompletedProcess, before: bytes, words: str) -> None:
    assert p.returncode == 2, out(p)
    assert words in out(p), out(p)
    assert ledger.read_bytes() == before


def test_a_duplicate_is_refused_and_nothing_written(ledger):
    take(ledger, "070-tinbao-t6.txt")
    before = ledger.read_bytes()
    _untouched(ledger, run(str(DOCS / "070-tinbao-t6.txt"), "--ledger", str(ledger), "--yes"), before,
               "đã có trong sổ")


def test_unknown_kind_and_another_units_document(ledger, tmp_path):
    before = ledger.read_bytes()
    odd = tmp_path / "gia_han.txt"
    odd.write_text("CƠ QUAN CẢNH SÁT ĐIỀU TRA\nSố: 3/QĐ-CSĐT\nQUYẾT ĐỊNH\nGIA HẠN THỜI HẠN ĐIỀU TRA\n"
                   "Căn cứ Điều 172 Bộ luật Tố tụng hình sự;\n", encoding="utf-8")
    _untouched(ledger, run(str(odd), "--ledger", str(ledger), "--yes"), before, "không nhận ra loại văn bản")
    # story 2 is sent to «Viện kiểm sát nhân dân huyện Kiến Thụy»; the ledger is khu vực 1 - Hải Phòng's
    _untouched(ledger, run(str(DOCS / "009-ktva-s2.txt"), "--ledger", str(ledger), "--yes"), before,
               "không phải đơn vị của sổ")


def test_case_not_in_the_ledger(ledger):
    before = ledger.read_bytes()
    _untouched(ledger, run(str(DOCS / "002-ktbc-s1.txt"), "--ledger", str(ledger), "--yes"), before,
               "nạp Quyết định khởi tố vụ án trước")


def test_confirmation_is_asked_and_refused_without_an_answer(ledger):
    before = ledger.read_bytes()
    doc = str(DOCS / "070-tinbao-t6.txt")
    _untouched(ledger, run(doc, "--ledger", str(ledger)), before, "--yes")  # stdin closed: no answer possible
    p = run(doc, "--ledger", str(ledger), stdin="k\n")
    assert p.returncode == 0 and "Không ghi gì" in out(p) and ledger.read_bytes() == before
    assert "Đọc từ" in out(p) and "Ngày tiếp nhận" in out(p)  # the table: each value, its words, how sure
    p = run(doc, "--ledger", str(ledger), stdin="c\n")
    assert p.returncode == 0 and "Đã ghi" in out(p) and len(rows(ledger, "tin_bao")) == 1


def test_pasted_text_needs_yes_and_json_previews(ledger):
    text = (DOCS / "070-tinbao-t6.txt").read_bytes()
    before = ledger.read_bytes()
    _untouched(ledger, run("-", "--ledger", str(ledger), stdin=text), before, "--yes")
    p = run("-", "--ledger", str(ledger), "--json", stdin=text)
    assert p.returncode == 0 and ledger.read_bytes() == before
    data = json.loads(p.stdout)
    assert data["written"] is False and data["reading"]["kind"] == "tin_bao"
    assert {c["key"] for c in data["changes"]} >= {"receipt_date", "reporter", "summary"}
    p = run("-", "--ledger", str(ledger), "--json", "--yes", stdin=text)
    assert p.returncode == 0 and json.loads(p.stdout)["written"] is True
    assert rows(ledger, "tin_bao")[0]["reporter"] == "Phạm Văn Long"


def test_encrypted_pdf(ledger, tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    w.encrypt(user_password="mat-khau", algorithm="AES-128")
    pdf = tmp_path / "mat.pdf"
    with pdf.open("wb") as fh:
        w.write(fh)
    before = ledger.read_bytes()
    _untouched(ledger, run(str(pdf), "--ledger", str(ledger), "--yes"), before, "mật khẩu")


def test_scan_without_ocr_says_what_to_install(ledger, tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)  # a page without text: a scan
    pdf = tmp_path / "scan.pdf"
    with pdf.open("wb") as fh:
        w.write(fh)
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {"PATH": str(empty), "HOME": str(tmp_path)}
    before = ledger.read_bytes()
    p = subprocess.run([KIEMSAT, "intake", str(pdf), "--ledger", str(ledger), "--yes"], capture_output=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=120)
    _untouched(ledger, p, before, "tesseract-ocr-vie")
    image = tmp_path / "scan.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    p = subprocess.run([KIEMSAT, "intake", str(image), "--ledger", str(ledger), "--yes"], capture_output=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=120)
    _untouched(ledger, p, before, "chưa cài Tesseract")


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="LibreOffice/poppler not installed")
def test_pdf_with_a_text_layer_and_a_scan_through_ocr(ledger, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(DOCS / "073-thulyds-c3.txt")], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "073-thulyds-c3.pdf"
    p = run(str(pdf), "--ledger", str(ledger), "--json")
    assert p.returncode == 0, out(p)
    assert json.loads(p.stdout)["format"] == "pdf"
    assert json.loads(p.stdout)["reading"]["acceptance_no"] == "05/2026/TLST-KDTM"
    if not shutil.which("tesseract"):
        pytest.skip("tesseract not installed")
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "scan")],
                   check=True)
    p = run(str(tmp_path / "scan.png"), "--ledger", str(ledger), "--json")
    assert p.returncode == 0, out(p)
    data = json.loads(p.stdout)
    assert data["format"] == "ocr" and data["reading"]["kind"] == "thu_ly"
    assert data["reading"]["acceptance_date"] == "2026-01-20"


def test_a_ledger_open_in_excel_is_not_written(ledger):
    lock = ledger.with_name("~$" + ledger.name)
    lock.write_bytes(b"")
    before = ledger.read_bytes()
    p = run(str(DOCS / "070-tinbao-t6.txt"), "--ledger", str(ledger), "--yes")
    assert p.returncode == 2 and ledger.read_bytes() == before, out(p)
