"""`kiemsat decide`: rows -> numbered decisions, recorded in the register and on the rows;
refusals before anything is written; hostile cells; two clerks at the same moment; PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from macros_py.decisions.decision_types import DECISION_TYPES_BY_KEY
from macros_py.decisions.issuing import (
    DecisionError,
    Options,
    due_rows,
    issue_decisions,
    parse_rows,
    safe_name,
)
from macros_py.documents import pdf as pdf_module
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import REGISTER
from macros_py.sample import sample_rows
from macros_py.workbook.safefile import FileBusy
from tests.conftest import TODAY
from tests.lo import find_soffice_or_skip
from workbook_templates.builder import FIRST_DATA_ROW, build_workbook

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2026, 3, 16)
KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))


@pytest.fixture
def ledger(sample_ledger: Path, tmp_path: Path) -> Path:
    path = tmp_path / "so.xlsx"
    shutil.copy(sample_ledger, path)
    return path


def _ledger_with(tmp_path: Path, n: int = 10, edit=None) -> Path:
    rows = sample_rows(n, seed=5, today=TODAY)
    if edit:
        edit(rows)
    wb = build_workbook(rows)
    for ws in wb.worksheets:  # text a clerk typed stays text, even when it starts with "="
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    path = tmp_path / "so.xlsx"
    wb.save(path)
    return path


def _register(path: Path) -> list[dict]:
    return [r.values for r in read_ledger(path).records(REGISTER.key)]


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.docx"))


def _due(path: Path, type_key: str, n: int) -> list[int]:
    rows = due_rows(read_ledger(path), DECISION_TYPES_BY_KEY[type_key], n)
    assert len(rows) == n, f"the sample has fewer than {n} rows due for {type_key}"
    return rows


def _open_tips(rows):
    for tip in rows["tin_bao"]:
        tip["outcome"] = tip["outcome_date"] = None


def test_parse_rows_and_safe_name():
    assert parse_rows("5,7-9, 12") == [5, 7, 8, 9, 12]
    with pytest.raises(ValueError):
        parse_rows("5,x")
    with pytest.raises(ValueError):
        parse_rows("9-7")
    assert safe_name("12/2024/HS") == "12-2024-HS"
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name("..") == "_" and safe_name("") == "_"
    assert safe_name("CON") == "_CON"
    assert len(safe_name("x" * 5000)) == 60


def test_decide_numbers_records_and_writes(ledger, tmp_path):
    before = _register(ledger)
    last = max(r["number"] for r in before if r["year"] == DAY.year and r["symbol"] == "QĐ-VKSKV1")
    out = tmp_path / "qd"
    rows = _due(ledger, "hinh-su", 3)
    batch = issue_decisions(ledger, "hinh-su", rows=rows, out_dir=out, day=DAY)
    assert [i.number for i in batch.issued] == [last + 1, last + 2, last + 3]
    assert [i.row for i in batch.issued] == rows
    after = read_ledger(ledger)
    assert not after.problems
    new = [r.values for r in after.records(REGISTER.key)][len(before):]
    assert [r["number"] for r in new] == [last + 1, last + 2, last + 3]
    cases = {r.row: r.values for r in after.records("an_hinh_su")}
    for item, reg in zip(batch.issued, new):
        assert reg["date"] == DAY and reg["year"] == DAY.year and reg["symbol"] == "QĐ-VKSKV1"
        assert reg["case_id"] == cases[item.row]["case_id"] == item.case
        assert reg["decision_type"].startswith("Phân công Kiểm sát viên")
        assert Path(ledger.parent / reg["file"]).resolve() == item.file
        assert cases[item.row]["decision_no"] == f"{item.number}/QĐ-VKSKV1"
        assert cases[item.row]["decision_date"] == DAY
        # a folder per case, the name from number, type and case
        assert item.file.parent.parent == out.resolve()
        assert item.file.parent.name == safe_name(item.case)
        assert item.file.name.startswith(f"{DAY.year}-{item.number:04d}_QĐ-VKSKV1_PC-KSV-hinh-su_")
        text = "\n".join(p.text for p in docx.Document(str(item.file)).paragraphs)
        # the khởi tố decision is cited, never the ledger's own case code; a real form of address
        assert item.case not in text and "ông (bà)" not in text
        assert f"số {cases[item.row]['opening_no']} ngày" in text
        assert "Phân công ông " in text or "Phân công bà " in text
        header = "\n".join(c.text for t in docx.Document(str(item.file)).tables for row in t.rows for c in row.cells)
        assert f"Số: {item.number}/QĐ-VKSKV1" in header and "ngày 16 tháng 3 năm 2026" in header
    assert batch.backup.exists()
    # the register table grew with the rows
    wb = load_workbook(ledger)
    ws = wb[REGISTER.title]
    assert ws.tables[REGISTER.table].ref.endswith(str(FIRST_DATA_ROW + len(before) + 2))


def test_signer_default_leader_or_head_and_option(ledger, tmp_path):
    data = read_ledger(ledger)
    staff = {r.values["name"]: r.values["title"] for r in data.records("can_bo")}
    head = next(n for n, t in staff.items() if t == "Viện trưởng")
    due = set(_due(ledger, "hinh-su", 10))
    row = next(r for r in data.records("an_hinh_su") if r.row in due and staff[r.values["prosecutor"]] == "Kiểm sát viên"
               and staff.get(r.values["leader"]) == "Phó Viện trưởng")
    batch = issue_decisions(ledger, "hinh-su", rows=[row.row], out_dir=tmp_path / "a", day=DAY)
    cells = "\n".join(c.text for t in docx.Document(str(batch.issued[0].file)).tables for r in t.rows for c in r.cells)
    assert "KT. VIỆN TRƯỞNG" in cells and "PHÓ VIỆN TRƯỞNG" in cells and row.values["leader"] in cells
    batch = issue_decisions(ledger, "hinh-su", rows=[row.row], out_dir=tmp_path / "b", day=DAY, signer=head,
                            options=Options(reissue=True))
    cells = "\n".join(c.text for t in docx.Document(str(batch.issued[0].file)).tables for r in t.rows for c in r.cells)
    assert "KT." not in cells and "VIỆN TRƯỞNG" in cells and head in cells
    assert _register(ledger)[-1]["signer"] == head
    with pytest.raises(DecisionError, match="không phải Viện trưởng"):
        issue_decisions(ledger, "hinh-su", rows=[row.row], out_dir=tmp_path / "c", day=DAY, signer="Không Có Ai",
                        options=Options(reissue=True))


def test_missing_field_is_reported_before_anything_is_written(tmp_path):
    def blank(rows):
        _open_tips(rows)
        rows["tin_bao"][1]["summary"] = None
        rows["tin_bao"][3]["prosecutor"] = None

    path = _ledger_with(tmp_path, edit=blank)
    before = path.read_bytes()
    out = tmp_path / "qd"
    with pytest.raises(DecisionError) as err:
        issue_decisions(path, "tin-bao", rows=[3, 4, 5, 6], out_dir=out, day=DAY, options=Options(all_or_nothing=True))
    messages = err.value.messages
    assert len(messages) == 2
    assert "dòng 4" in messages[0] and "«Nội dung»" in messages[0]
    assert "dòng 6" in messages[1] and "«Kiểm sát viên»" in messages[1]
    assert path.read_bytes() == before and not _files(out)


def test_wrong_rows_and_kinds_are_refused(ledger, tmp_path):
    with pytest.raises(DecisionError, match="dòng 999"):
        issue_decisions(ledger, "tin-bao", rows=[3, 999], out_dir=tmp_path, day=DAY)
    civil = read_ledger(ledger).records("an_dan_su")
    admin = next(r for r in civil if r.values["case_type"] == "Hành chính")
    with pytest.raises(DecisionError, match="Hành chính"):
        issue_decisions(ledger, "dan-su", rows=[admin.row], out_dir=tmp_path, day=DAY)
    batch = issue_decisions(ledger, "hanh-chinh", case=admin.values["case_id"], out_dir=tmp_path / "hc", day=DAY,
                            options=Options(force=True))
    assert [i.row for i in batch.issued] == [admin.row]
    assert not _files(tmp_path / "qd")


def test_every_type_issues_from_the_sample(ledger, tmp_path):
    from macros_py.decisions.decision_types import DECISION_TYPES

    numbers = []
    # the ones issued on request: test_decision_rules, test_decisions_pdf
    types = [t for t in DECISION_TYPES if not t.on_request]
    for dtype in types:
        row = _due(ledger, dtype.key, 1)[0]
        batch = issue_decisions(ledger, dtype.key, rows=[row], out_dir=tmp_path / "qd", day=DAY)
        rec = next(r for r in read_ledger(ledger).records(dtype.sheet) if r.row == row)
        numbers.append(batch.issued[0].number)
        row = next(r for r in read_ledger(ledger).records(dtype.sheet) if r.row == rec.row)
        assert row.values[dtype.writeback[0]] == batch.issued[0].decision_no
    assert numbers == list(range(numbers[0], numbers[0] + len(types)))


def test_refuses_while_open_in_excel(ledger, tmp_path):
    lock = ledger.with_name(f"~${ledger.name}")
    lock.write_text("x")
    before = ledger.read_bytes()
    with pytest.raises(FileBusy):
        issue_decisions(ledger, "tin-bao", rows=[3], out_dir=tmp_path / "qd", day=DAY)
    assert ledger.read_bytes() == before and not _files(tmp_path / "qd")


def test_never_overwrites_an_existing_file(ledger, tmp_path):
    out = tmp_path / "qd"
    first = issue_decisions(ledger, "tin-bao", rows=[3], out_dir=out, day=DAY, options=Options(force=True)).issued[0]
    data = first.file.read_bytes()
    # the same number again (as after restoring an older ledger): a new name, the old file kept
    shutil.copy(sorted((ledger.parent / "kiemsat-sao-luu").iterdir())[0], ledger)
    again = issue_decisions(ledger, "tin-bao", rows=[3], out_dir=out, day=DAY, options=Options(force=True)).issued[0]
    assert again.number == first.number and again.file != first.file
    assert again.file.name.endswith(" (2).docx")
    assert first.file.read_bytes() == data


def test_hostile_cells_give_whole_documents_inside_the_output_folder(tmp_path):
    long_text = "Nội dung rất dài " * 300

    def hostile(rows):
        _open_tips(rows)
        tip = rows["tin_bao"]
        tip[0]["receipt_no"] = "../../../../tmp/evil"
        tip[1]["receipt_no"] = "=HYPERLINK(\"http://x\")"
        tip[2]["summary"] = "<w:p>Tên & <b>đậm</b> {{ unit_name }} {% if 1 %}x{% endif %} ]]>"
        tip[3]["summary"] = long_text
        tip[4]["receipt_no"] = "CON"

    path = _ledger_with(tmp_path, edit=hostile)
    out = tmp_path / "qd"
    batch = issue_decisions(path, "tin-bao", rows=[3, 4, 5, 6, 7], out_dir=out, day=DAY)
    assert len(batch.issued) == 5
    root = out.resolve()
    for item in batch.issued:
        assert item.file.resolve().is_relative_to(root)
        with zipfile.ZipFile(item.file) as zf:
            assert zf.testzip() is None
        text = "\n".join(p.text for p in docx.Document(str(item.file)).paragraphs)
        assert "Điều 3." in text
    texts = ["\n".join(p.text for p in docx.Document(str(i.file)).paragraphs) for i in batch.issued]
    assert "<w:p>Tên & <b>đậm</b> {{ unit_name }} {% if 1 %}x{% endif %} ]]>" in texts[2]
    assert " ".join(long_text.split()) in texts[3]
    assert not list(Path("/tmp").glob("evil*"))
    # a formula-looking case number is stored as text in the register
    ws = load_workbook(path)[REGISTER.title]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=HYPERLINK(\"http://x\")"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_unknown_template_field_is_reported(tmp_path, ledger):
    from macros_py.decisions.decision_types import DECISION_TYPES_BY_KEY, template_path

    own = tmp_path / "mau"
    own.mkdir()
    doc = docx.Document(str(template_path(DECISION_TYPES_BY_KEY["tin-bao"])))
    doc.add_paragraph("Ghi chú: {{ so_dien_thoai }}")
    doc.save(own / DECISION_TYPES_BY_KEY["tin-bao"].template)
    with pytest.raises(DecisionError, match="so_dien_thoai"):
        issue_decisions(ledger, "tin-bao", rows=[3], out_dir=tmp_path / "qd", day=DAY, templates_dir=own)
    checked = subprocess.run([KIEMSAT, "templates", "check", "--templates", str(own), "--json"],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 1
    report = {i["type"]: i for i in json.loads(checked.stdout)["types"]}
    assert report["tin-bao"]["unknown"] == ["so_dien_thoai"]
    assert report["hinh-su"]["unknown"] == [] and "prosecutor" in report["hinh-su"]["fields"]
    clean = subprocess.run([KIEMSAT, "templates", "check"], capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stdout


def test_cli_json(ledger, tmp_path):
    done = subprocess.run([KIEMSAT, "decide", str(ledger), "--type", "thi-hanh-an", "--rows", "3-4", "--out",
                           str(tmp_path / "qd"), "--date", "16/03/2026", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    items = json.loads(done.stdout)["issued"]
    assert [i["row"] for i in items] == [3, 4]
    assert all({"row", "type", "number", "file"} <= set(i) and i["type"] == "thi-hanh-an" for i in items)
    assert items[1]["number"] == items[0]["number"] + 1
    assert all(Path(i["file"]).is_file() for i in items)
    bad = subprocess.run([KIEMSAT, "decide", str(ledger), "--type", "tin-bao", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--rows" in bad.stderr


def test_two_processes_at_once_take_distinct_consecutive_numbers(tmp_path):
    path = _ledger_with(tmp_path, n=100, edit=_open_tips)
    before = _register(path)
    last = max((r["number"] for r in before if r["year"] == DAY.year), default=0)
    halves = [f"{FIRST_DATA_ROW}-{FIRST_DATA_ROW + 49}", f"{FIRST_DATA_ROW + 50}-{FIRST_DATA_ROW + 99}"]
    procs = [subprocess.Popen([sys.executable, "-m", "addin.commands.cli", "decide", str(path), "--type", "tin-bao",
                               "--rows", halves[k], "--out", str(tmp_path / f"out{k}"), "--date", "2026-03-16",
                               "--json"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (stdout, stderr) in zip(procs, results):
        assert p.returncode == 0, stderr
    issued = [i for stdout, _ in results for i in json.loads(stdout)["issued"]]
    numbers = sorted(i["number"] for i in issued)
    assert numbers == list(range(last + 1, last + 101))
    register = _register(path)
    assert sorted(r["number"] for r in register[len(before):]) == numbers
    files = _files(tmp_path / "out0") + _files(tmp_path / "out1")
    assert len(files) == 100 and len({f.name for f in files}) == 100


def test_pdf_batch_in_one_libreoffice_call(ledger, tmp_path, monkeypatch):
    find_soffice_or_skip()
    calls = []
    real = pdf_module._convert

    def counting(soffice, files, out, profile, timeout):
        calls.append(len(files))
        return real(soffice, files, out, profile, timeout)

    monkeypatch.setattr(pdf_module, "_convert", counting)
    data = read_ledger(ledger)
    civil = due_rows(data, DECISION_TYPES_BY_KEY["dan-su"], 3)
    batch = issue_decisions(ledger, "dan-su", rows=civil, out_dir=tmp_path / "qd", day=DAY, pdf=True, combined=True)
    assert calls == [4]  # three decisions and the combined file, one soffice call
    for item in batch.issued:
        assert item.pdf and item.pdf.parent == item.file.parent
        text = subprocess.run(["pdftotext", str(item.pdf), "-"], capture_output=True, text=True).stdout
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "QUYẾT ĐỊNH" in text
        assert f"Số: {item.number}/QĐ-VKSKV1" in text and "ngày 16 tháng 3 năm 2026" in text
    pages = subprocess.run(["pdfinfo", str(batch.combined_pdf)], capture_output=True, text=True).stdout
    assert [line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")] == ["3"]
