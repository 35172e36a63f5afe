"""Who may sign, which rows may get a decision, and how a batch reports the rows it leaves out
(issue 15): each test would fail if the fault it names came back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from macros_py.decisions.issuing import DecisionError, Options, Person, issue_decisions, resolve_signer
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import REGISTER
from tests.decision_ledger import (
    DAY,
    DEPUTY_1,
    DEPUTY_2,
    HEAD,
    KSV_1,
    KTV_1,
    ROWS,
    UNTIL,
    build_ledger,
    until,
)
from workbook_templates.builder import FIRST_DATA_ROW

KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))
STAFF = {HEAD: Person(HEAD, "Viện trưởng", "Ông"), DEPUTY_1: Person(DEPUTY_1, "Phó Viện trưởng", "Bà"),
         DEPUTY_2: Person(DEPUTY_2, "Phó Viện trưởng", "Ông"), KSV_1: Person(KSV_1, "Kiểm sát viên", "Bà"),
         KTV_1: Person(KTV_1, "Kiểm tra viên", "Ông")}


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return build_ledger(tmp_path / "so.xlsx")


def _row(path: Path, sheet: str, row: int) -> dict:
    return next(r.values for r in read_ledger(path).records(sheet) if r.row == row)


def _register(path: Path) -> list[dict]:
    return [r.values for r in read_ledger(path).records(REGISTER.key)]


def _text(path: Path) -> str:
    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells).replace("\u00a0", " ").replace("\u2060", "")


# ---------------------------------------------------------------- who signs


def test_signer_is_the_leader_unless_the_leader_is_the_one_assigned():
    assert resolve_signer(STAFF, {"leader": DEPUTY_2}, None, KSV_1) == (DEPUTY_2, "Phó Viện trưởng")
    # a deputy assigned as prosecutor: the Viện trưởng signs, never the deputy himself or the other deputy
    assert resolve_signer(STAFF, {"leader": DEPUTY_1}, None, DEPUTY_1) == (HEAD, "Viện trưởng")
    assert resolve_signer(STAFF, {"leader": DEPUTY_2}, None, DEPUTY_1) == (HEAD, "Viện trưởng")
    with pytest.raises(DecisionError, match="không tự ký"):
        resolve_signer(STAFF, {}, DEPUTY_1, DEPUTY_1)
    with pytest.raises(DecisionError, match="do Viện trưởng ký"):
        resolve_signer(STAFF, {}, DEPUTY_2, DEPUTY_1)
    with pytest.raises(DecisionError, match="không ai ký quyết định phân công chính Viện trưởng"):
        resolve_signer(STAFF, {}, None, HEAD)


def test_no_valid_signer_is_a_clear_refusal():
    no_head = {n: p for n, p in STAFF.items() if p.title != "Viện trưởng"}
    with pytest.raises(DecisionError, match="không có Viện trưởng để ký quyết định phân công Phó Viện trưởng"):
        resolve_signer(no_head, {"leader": DEPUTY_2}, None, DEPUTY_1)
    with pytest.raises(DecisionError, match="không phải Viện trưởng hay Phó Viện trưởng"):
        resolve_signer(STAFF, {}, KSV_1, DEPUTY_1)


def test_a_deputy_assigned_in_a_batch_gets_the_head_and_article_41(ledger, tmp_path):
    batch = issue_decisions(ledger, "hinh-su", rows=[ROWS["hinh-su"]], out_dir=tmp_path / "qd", day=DAY)
    text = _text(batch.issued[0].file)
    assert "KT. VIỆN TRƯỞNG" not in text and HEAD in text and "Điều 41" in text and "Điều 42 Bộ luật" not in text
    assert _register(ledger)[-1]["signer"] == HEAD


def test_an_assignee_of_the_wrong_title_is_refused(tmp_path):
    def edit(rows):
        rows["tin_bao"][0]["prosecutor"] = KTV_1

    path = build_ledger(tmp_path / "so.xlsx", edit)
    with pytest.raises(DecisionError, match="chức vụ «Kiểm tra viên».*Phó Viện trưởng, Kiểm sát viên"):
        issue_decisions(path, "tin-bao", rows=[ROWS["tin-bao"]], out_dir=tmp_path / "qd", day=DAY)


def test_no_form_of_address_is_a_refusal_never_ong_ba(tmp_path):
    def edit(rows):
        for person in rows["can_bo"]:
            if person["name"] == KSV_1:
                person["address"] = None

    path = build_ledger(tmp_path / "so.xlsx", edit)
    with pytest.raises(DecisionError, match="chưa ghi «Danh xưng»"):
        issue_decisions(path, "tin-bao", rows=[ROWS["tin-bao"]], out_dir=tmp_path / "qd", day=DAY)


def test_gender_column_gives_the_form_of_address(tmp_path):
    from openpyxl import load_workbook

    path = build_ledger(tmp_path / "so.xlsx")
    wb = load_workbook(path)
    ws = wb["Cán bộ"]
    header = next(r for r in range(1, 6) if any(c.value == "Danh xưng" for c in ws[r]))
    col = next(c.column for c in ws[header] if c.value == "Danh xưng")
    ws.cell(header, col).value = "Giới tính"
    for r in range(header + 1, ws.max_row + 1):
        ws.cell(r, col).value = {"Ông": "Nam", "Bà": "Nữ"}.get(ws.cell(r, col).value, ws.cell(r, col).value)
    wb.save(path)
    batch = issue_decisions(path, "tin-bao", rows=[ROWS["tin-bao"]], out_dir=tmp_path / "qd", day=DAY)
    assert f"Phân công bà {KSV_1}, Kiểm sát viên" in _text(batch.issued[0].file)


# ---------------------------------------------------------------- guards


def test_a_second_run_is_refused_and_reissue_marks_the_old_number(ledger, tmp_path):
    row = ROWS["tin-bao"]
    first = issue_decisions(ledger, "tin-bao", rows=[row], out_dir=tmp_path / "qd", day=DAY).issued[0]
    before = ledger.read_bytes()
    with pytest.raises(DecisionError, match=f"đã có quyết định số {first.decision_no}.*--reissue"):
        issue_decisions(ledger, "tin-bao", rows=[row], out_dir=tmp_path / "qd", day=DAY)
    assert ledger.read_bytes() == before  # no second number by accident
    again = issue_decisions(ledger, "tin-bao", rows=[row], out_dir=tmp_path / "qd", day=DAY,
                            options=Options(reissue=True)).issued[0]
    assert again.number == first.number + 1
    register = {r["number"]: r for r in _register(ledger) if r["year"] == DAY.year}
    assert register[first.number]["note"] == f"Đã được thay thế bằng Quyết định số {again.decision_no} ngày 16/03/2026"
    assert register[again.number]["note"] == f"Thay thế Quyết định số {first.decision_no}"
    assert _row(ledger, "tin_bao", row)["decision_no"] == again.decision_no


def test_rows_past_the_stage_are_refused_with_the_reason_unless_forced(tmp_path):
    def edit(rows):
        rows["tin_bao"][1].update(outcome="Khởi tố vụ án", outcome_date=DAY.replace(month=2, day=3))
        rows["an_hinh_su"][2].update(judgment_date=DAY.replace(month=1), stage="Đã xét xử")

    path = build_ledger(tmp_path / "so.xlsx", edit)
    with pytest.raises(DecisionError, match="tin báo đã được giải quyết ngày 03/02/2026 «Khởi tố vụ án»|"
                                            r"tin báo đã được giải quyết ngày 03/02/2026 \(«Khởi tố vụ án»\)"):
        issue_decisions(path, "tin-bao", rows=[FIRST_DATA_ROW + 1], out_dir=tmp_path / "qd", day=DAY)
    with pytest.raises(DecisionError, match="vụ án đã xét xử ngày 16/01/2026"):
        issue_decisions(path, "hinh-su", rows=[FIRST_DATA_ROW + 2], out_dir=tmp_path / "qd", day=DAY)
    batch = issue_decisions(path, "hinh-su", rows=[FIRST_DATA_ROW + 2], out_dir=tmp_path / "qd", day=DAY,
                            options=Options(force=True))
    assert len(batch.issued) == 1


def test_extensions_need_an_end_and_a_second_one_must_extend(ledger, tmp_path):
    with pytest.raises(DecisionError, match="--until"):
        issue_decisions(ledger, "gia-han-dieu-tra", rows=[ROWS["gia-han-dieu-tra"]], out_dir=tmp_path, day=DAY)
    opts = Options(until=UNTIL, all_or_nothing=True)
    issue_decisions(ledger, "gia-han-dieu-tra", rows=[ROWS["gia-han-dieu-tra"]], out_dir=tmp_path, day=DAY,
                    options=opts)
    with pytest.raises(DecisionError, match="đã gia hạn đến ngày 15/05/2026"):
        issue_decisions(ledger, "gia-han-dieu-tra", rows=[ROWS["gia-han-dieu-tra"]], out_dir=tmp_path, day=DAY,
                        options=opts)
    later = Options(until=UNTIL.replace(month=6), all_or_nothing=True)  # a second extension (Đ.172 k2 b)
    issue_decisions(ledger, "gia-han-dieu-tra", rows=[ROWS["gia-han-dieu-tra"]], out_dir=tmp_path, day=DAY,
                    options=later)
    case = _row(ledger, "an_hinh_su", ROWS["gia-han-dieu-tra"])
    assert case["investigation_extended_to"] == later.until and case["investigation_extensions"] == 2
    # a «Nghiêm trọng» case may be extended twice (Đ.172 k2 b): a third is refused, the count said by the engine
    third = Options(until=UNTIL.replace(month=7, day=10), all_or_nothing=True)
    with pytest.raises(DecisionError, match="gia hạn lần thứ 3 nhưng Điều 172.*chỉ cho gia hạn 2 lần"):
        issue_decisions(ledger, "gia-han-dieu-tra", rows=[ROWS["gia-han-dieu-tra"]], out_dir=tmp_path, day=DAY,
                        options=third)
    # the tin báo extension is granted once (Đ.147 k2)
    issue_decisions(ledger, "gia-han-tin-bao", rows=[ROWS["gia-han-tin-bao"]], out_dir=tmp_path, day=DAY,
                    options=Options(until=until("gia-han-tin-bao"), all_or_nothing=True))
    with pytest.raises(DecisionError, match="đã có quyết định số"):
        issue_decisions(ledger, "gia-han-tin-bao", rows=[ROWS["gia-han-tin-bao"]], out_dir=tmp_path, day=DAY,
                        options=later)


def test_detention_extension_only_for_a_detained_defendant(tmp_path):
    def edit(rows):
        case_id = rows["an_hinh_su"][0]["case_id"]
        defendant = next(d for d in rows["bi_can"] if d["case_id"] == case_id)
        defendant.update(measure="Tạm giam", released_date=DAY.replace(month=3, day=1))

    path = build_ledger(tmp_path / "so.xlsx", edit)
    with pytest.raises(DecisionError, match="đã được trả tự do hoặc thay đổi biện pháp ngăn chặn ngày 01/03/2026"):
        issue_decisions(path, "gia-han-tam-giam", rows=[ROWS["gia-han-tam-giam"]], out_dir=tmp_path, day=DAY,
                        options=Options(until=UNTIL))


# ---------------------------------------------------------------- batches, preview, templates


def test_a_bad_row_does_not_block_the_good_ones_and_is_listed(tmp_path):
    def edit(rows):
        for tip in rows["tin_bao"][:3]:
            tip.update(outcome=None, outcome_date=None)
        rows["tin_bao"][1]["summary"] = None

    path = build_ledger(tmp_path / "so.xlsx", edit)
    rows = f"{FIRST_DATA_ROW}-{FIRST_DATA_ROW + 2}"
    done = subprocess.run([KIEMSAT, "decide", str(path), "--type", "tin-bao", "--rows", rows, "--out",
                           str(tmp_path / "qd"), "--date", "16/03/2026"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Đã ra 2 quyết định" in done.stdout and "Không ra cho 1 dòng:" in done.stdout
    assert f"dòng {FIRST_DATA_ROW + 1}" in done.stdout and "«Nội dung»" in done.stdout
    assert "Tổng cộng: 2/3 dòng đã ra quyết định, 1 dòng không ra." in done.stdout
    # --all-or-nothing: nothing at all
    before = path.read_bytes()
    strict = subprocess.run([KIEMSAT, "decide", str(path), "--type", "thi-hanh-an", "--rows",
                             f"{FIRST_DATA_ROW}-{FIRST_DATA_ROW + 1}", "--out", str(tmp_path / "qd2"), "--all-or-nothing",
                             "--json"], capture_output=True, text=True, timeout=120)
    data = json.loads(strict.stdout)
    if data.get("errors"):
        assert strict.returncode == 2 and path.read_bytes() == before and not (tmp_path / "qd2").exists()
    else:  # both rows were fine
        assert len(data["issued"]) == 2


def test_preview_is_an_unnumbered_draft_and_writes_nothing_else(ledger, tmp_path):
    before = ledger.read_bytes()
    batch = issue_decisions(ledger, "hinh-su", rows=[ROWS["hinh-su"]], out_dir=tmp_path / "qd", day=DAY,
                            options=Options(preview=True))
    assert ledger.read_bytes() == before and batch.backup is None
    item = batch.issued[0]
    text = _text(item.file)
    assert text.startswith("DỰ THẢO") and "Số:" in text and f"Số: {item.number}" not in text
    assert item.file.name.startswith("DU-THAO_") and not list(ledger.parent.glob("kiemsat-sao-luu/*"))


def test_a_mistyped_templates_folder_is_an_error(ledger, tmp_path):
    with pytest.raises(DecisionError, match="không có thư mục mẫu"):
        issue_decisions(ledger, "tin-bao", rows=[ROWS["tin-bao"]], out_dir=tmp_path / "qd", day=DAY,
                        templates_dir=tmp_path / "mau-go-sai")
    assert not (tmp_path / "qd").exists()
    checked = subprocess.run([KIEMSAT, "templates", "check", "--templates", str(tmp_path / "mau-go-sai")],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 2 and "không có thư mục mẫu" in checked.stderr


def test_a_person_not_in_the_staff_list_is_refused(tmp_path):
    def edit(rows):
        rows["an_hinh_su"][0]["inspector"] = "Người Lạ"

    path = build_ledger(tmp_path / "so.xlsx", edit)
    with pytest.raises(DecisionError, match="«Người Lạ» \\(cột «Kiểm tra viên»\\) không có trong sheet «Cán bộ»"):
        issue_decisions(path, "hinh-su", rows=[ROWS["hinh-su"]], out_dir=tmp_path / "qd", day=DAY)


def test_an_extension_past_the_statute_is_refused_unless_forced(ledger, tmp_path):
    # a «Nghiêm trọng» case opened 20/01/2026: 3 months, then at most 3 + 2 months of extensions
    # (BLTTHS Đ.172 k1, k2 b): nothing can run to 2027
    row = ROWS["gia-han-dieu-tra"]
    far = Options(until=UNTIL.replace(year=2027), all_or_nothing=True)
    with pytest.raises(DecisionError, match="vượt.*172"):
        issue_decisions(ledger, "gia-han-dieu-tra", rows=[row], out_dir=tmp_path, day=DAY, options=far)
    assert _row(ledger, "an_hinh_su", row)["investigation_extended_to"] is None
    forced = Options(until=far.until, all_or_nothing=True, force=True)
    issue_decisions(ledger, "gia-han-dieu-tra", rows=[row], out_dir=tmp_path, day=DAY, options=forced)
    assert _row(ledger, "an_hinh_su", row)["investigation_extended_to"] == far.until
