"""Decision types as data (issue 23): a unit's own type dropped into its templates folder works end
to end; manifests are validated in Vietnamese; a row lacking a required fact is flagged by `check`,
refused by `decide` (exit 1, with the reason) and, with --force, only drafted with the gap marked;
the law cited is the one in force on the decision's date; `--json` lists voided numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import pytest

from macros_py.decisions.decision_types import DECISION_TYPES_BY_KEY
from macros_py.decisions.issuing import AllRefused, Options, issue_decisions
from macros_py.decisions.legal_bases import bases_in_force, load_bases
from macros_py.decisions.manifest import ManifestError, builtin_types, load_manifest, load_types
from macros_py.decisions.register import RESERVED, UNUSED, Entry, write_back
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import REGISTER
from tests.decision_ledger import DAY, HEAD, ROWS, build_ledger
from workbook_templates.builder import FIRST_DATA_ROW

KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))
CUSTOM_MANIFEST = '''
key = "phan-cong-phien-hop"
title = "Phân công Kiểm sát viên tham gia phiên họp giải quyết việc dân sự"
sheet = "an_dan_su"
template = "phien_hop.docx"
slug = "PC-phien-hop"
summary = "Phân công KSV tham gia phiên họp {{ plaintiff }}"
form = "Mẫu riêng của đơn vị"
people = ["prosecutor"]
assignee = "prosecutor"
duties = { "Kiểm sát viên" = "58", "Phó Viện trưởng" = "57" }
writeback = ["decision_no", "decision_date"]
stage_guard = "case_closed"
required = [{ field = "court", reason = "quyết định phải gửi Tòa án mở phiên họp" }]
'''


def _text(path: Path) -> str:
    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells).replace("\u00a0", " ").replace("\u2060", "")


def _custom_folder(root: Path, manifest: str = CUSTOM_MANIFEST) -> Path:
    folder = root / "phan-cong-phien-hop"
    folder.mkdir(parents=True)
    (folder / "manifest.toml").write_text(manifest, encoding="utf-8")
    doc = docx.Document()
    for line in ("{{ unit_name }}", "Số: {{ decision_no }}", "{{ place }}, {{ decision_date|long_date }}",
                 "QUYẾT ĐỊNH", "{{ title }}", "Căn cứ Điều 27 {{ law_procuracy }};",
                 "Điều 1. Phân công {{ prosecutor_address }} {{ prosecutor }}, {{ prosecutor_title }}, tham gia phiên "
                 "họp vụ việc {{ case_id }} giữa {{ plaintiff }} và {{ defendant }} tại {{ court }}.",
                 "{{ signer_title }}", "{{ signer_name }}"):
        doc.add_paragraph(line)
    doc.save(folder / "phien_hop.docx")
    return folder


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    def free_civil(rows):
        for row in rows["an_dan_su"][2:]:
            row.update(decision_no=None, decision_date=None, judgment_date=None, stage="Chuẩn bị xét xử",
                       court="TAND khu vực 1 - Hải Phòng")
    return build_ledger(tmp_path / "so.xlsx", free_civil)


# ---------------------------------------------------------------- types as data


def test_the_eleven_built_in_types_are_folders_with_a_manifest_naming_their_form():
    types = builtin_types()
    assert len(types) >= 11
    for dtype in types:
        assert dtype.folder is not None and (dtype.folder / "manifest.toml").is_file()
        assert (dtype.folder / dtype.template).is_file()
        assert dtype.form, dtype.key  # the official form it follows, or why none was found
    assert "Mẫu số 42/HS" in DECISION_TYPES_BY_KEY["gia-han-tam-giam"].form
    assert "03/2026/TT-VKSTC" in DECISION_TYPES_BY_KEY["gia-han-tam-giam"].form
    assert "Chưa tìm thấy" in DECISION_TYPES_BY_KEY["thi-hanh-an"].form


def test_a_units_own_type_is_issued_numbered_registered_and_written_back(ledger, tmp_path):
    own = tmp_path / "mau"
    _custom_folder(own)
    assert "phan-cong-phien-hop" in load_types(own).types
    row = FIRST_DATA_ROW + 2
    batch = issue_decisions(ledger, "phan-cong-phien-hop", rows=[row], out_dir=tmp_path / "qd", day=DAY,
                            templates_dir=own)
    [item] = batch.issued
    text = _text(item.file)
    values = next(r.values for r in read_ledger(ledger).records("an_dan_su") if r.row == row)
    assert values["decision_no"] == item.decision_no and values["decision_date"] == DAY  # write-back
    assert f"Số: {item.decision_no}" in text and str(values["plaintiff"]) in text
    assert "Tòa án nhân dân khu vực 1 - Hải Phòng" in text  # agency names written out, as for ours
    assert "Luật Tổ chức Viện kiểm sát nhân dân năm 2014, được sửa đổi, bổ sung năm 2025" in text
    entry = read_ledger(ledger).records(REGISTER.key)[-1].values
    assert entry["decision_type"] == "Phân công Kiểm sát viên tham gia phiên họp giải quyết việc dân sự"
    assert entry["summary"] == f"Phân công KSV tham gia phiên họp {values['plaintiff']}"
    # the stage guard and the «already numbered» guard come with it, no code
    with pytest.raises(AllRefused, match="đã có quyết định số"):
        issue_decisions(ledger, "phan-cong-phien-hop", rows=[row], out_dir=tmp_path / "qd", day=DAY,
                        templates_dir=own)
    # the command line lists it and issues it
    listed = subprocess.run([KIEMSAT, "templates", "check", "--templates", str(own)], capture_output=True,
                            text=True, timeout=120)
    assert listed.returncode == 0, listed.stdout
    assert "phan-cong-phien-hop: Phân công Kiểm sát viên tham gia phiên họp" in listed.stdout
    assert "[của đơn vị]" in listed.stdout
    done = subprocess.run([KIEMSAT, "decide", str(ledger), "--type", "phan-cong-phien-hop", "--rows",
                           str(row + 1), "--out", str(tmp_path / "qd"), "--date", "16/03/2026", "--templates",
                           str(own), "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["issued"][0]["type"] == "phan-cong-phien-hop"


@pytest.mark.parametrize("change, expected", [
    (('sheet = "an_dan_su"', 'sheet = "an_dan"'), "«sheet» = «an_dan» không phải sheet của sổ"),
    (('stage_guard = "case_closed"', 'stage_guard = "da_xu"'), "«stage_guard» = «da_xu» không có"),
    (('writeback = ["decision_no", "decision_date"]', 'writeback = ["so_qd", "decision_date"]'),
     "«writeback» = «so_qd» không phải cột của sheet «Án dân sự"),
    (('form = ', 'mau_so = "1"\nform = '), "khóa «mau_so» không có"),
    (('template = "phien_hop.docx"', 'template = "khong_co.docx"'), "không có tệp mẫu «khong_co.docx»"),
    (('key = "phan-cong-phien-hop"', 'key = "Phân công"'), "chỉ dùng chữ thường không dấu"),
    (('required = [{ field = "court"', 'required = [{ field = "toa"'), "«required»: «toa» không phải cột"),
    (('summary = "', 'summary = \n"'), "sai cú pháp TOML"),
    (('form = ', 'articles = 4\nform = '), "«articles» là 2 hoặc 3"),
])
def test_a_broken_manifest_is_explained_in_vietnamese_and_left_out(tmp_path, change, expected):
    own = tmp_path / "mau"
    folder = _custom_folder(own, CUSTOM_MANIFEST.replace(*change))
    with pytest.raises(ManifestError) as caught:
        load_manifest(folder)
    assert any(expected in m for m in caught.value.messages), caught.value.messages
    typeset = load_types(own)
    assert "phan-cong-phien-hop" not in typeset.types and "hinh-su" in typeset.types
    checked = subprocess.run([KIEMSAT, "templates", "check", "--templates", str(own)], capture_output=True,
                             text=True, timeout=120)
    assert checked.returncode == 1 and expected in checked.stdout


# ---------------------------------------------------------------- never issued with a gap


def _without_body(rows):
    rows["an_hinh_su"][0].update(investigating_body=None)


def test_a_missing_fact_is_a_warning_in_check_and_a_refusal_in_decide(tmp_path):
    ledger = build_ledger(tmp_path / "so.xlsx", _without_body)
    checked = subprocess.run([KIEMSAT, "check", str(ledger), "--json"], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0  # a cảnh báo, not a lỗi
    warned = [p for p in json.loads(checked.stdout) if p["row"] == ROWS["hinh-su"] and "hinh-su" in p["message"]]
    assert warned and warned[0]["level"] == "cảnh báo"
    assert "thiếu «Cơ quan điều tra»: chưa ra được quyết định phân công" in warned[0]["message"]
    before = read_ledger(ledger).records(REGISTER.key)
    done = subprocess.run([KIEMSAT, "decide", str(ledger), "--type", "hinh-su", "--rows", str(ROWS["hinh-su"]),
                           "--out", str(tmp_path / "qd"), "--date", "16/03/2026"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr  # refused rows: 1, as the README says
    assert "thiếu «Cơ quan điều tra»: chưa ra được quyết định phân công" in done.stderr
    assert len(read_ledger(ledger).records(REGISTER.key)) == len(before)
    assert not (tmp_path / "qd").exists()


def test_force_drafts_the_gap_visibly_and_numbers_nothing(tmp_path):
    ledger = build_ledger(tmp_path / "so.xlsx", _without_body)
    before = read_ledger(ledger).records(REGISTER.key)
    done = subprocess.run([KIEMSAT, "decide", str(ledger), "--type", "hinh-su", "--rows", str(ROWS["hinh-su"]),
                           "--out", str(tmp_path / "qd"), "--date", "16/03/2026", "--force", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # not issued: the clerk has a row to complete
    result = json.loads(done.stdout)
    assert result["issued"] == [] and len(result["drafts"]) == 1
    text = _text(Path(result["drafts"][0]["file"]))
    assert "DỰ THẢO" in text and "[THIẾU: Cơ quan điều tra]" in text
    assert "Xét Quyết định khởi tố vụ án hình sự số 27/QĐ-CSĐT ngày 20/01/2026 của [THIẾU: Cơ quan điều tra]" in text
    assert len(read_ledger(ledger).records(REGISTER.key)) == len(before)
    case = next(r.values for r in read_ledger(ledger).records("an_hinh_su") if r.row == ROWS["hinh-su"])
    assert not case.get("decision_no")


# ---------------------------------------------------------------- the law in force on the date


def test_the_enforcement_decision_cites_the_law_in_force_on_its_date(tmp_path):
    ledger = build_ledger(tmp_path / "so.xlsx")
    texts = {}
    for day in (date(2026, 6, 30), date(2026, 7, 1)):
        batch = issue_decisions(ledger, "thi-hanh-an", rows=[ROWS["thi-hanh-an"]], out_dir=tmp_path / f"qd{day.day}",
                                day=day, options=Options(preview=True))
        texts[day] = " ".join(_text(batch.issued[0].file).split())
    june, july = texts[date(2026, 6, 30)], texts[date(2026, 7, 1)]
    assert "Căn cứ Điều 167 Luật Thi hành án hình sự năm 2019;" in june and "năm 2025" not in june.split("Xét")[0] \
        .replace("được sửa đổi, bổ sung năm 2025", "")
    assert "Căn cứ Luật Thi hành án hình sự năm 2025;" in july and "năm 2019" not in july
    # Điều 2 names the organisation law as its căn cứ does, with the year
    assert "Điều 25 Luật Tổ chức Viện kiểm sát nhân dân năm 2014, được sửa đổi, bổ sung năm 2025 và Luật Thi " \
           "hành án hình sự năm 2025." in july
    assert "bị xử phạt 01 năm tù" in july  # «1 năm tù» as the ngành writes it


def test_the_bases_table_has_no_overlap_and_says_where_each_was_read():
    bases = load_bases()
    assert all(b.source for b in bases)
    assert bases_in_force(date(2026, 6, 30))["law_custody"].text == "Luật Thi hành tạm giữ, tạm giam năm 2015"
    assert bases_in_force(date(2026, 7, 1))["law_custody"].text.startswith(
        "Luật Thi hành tạm giữ, tạm giam và cấm đi khỏi nơi cư trú năm 2025")
    assert "128/2025/QH15" in bases_in_force(date(2026, 7, 1))["law_custody"].source
    assert "127/2025/QH15" in bases_in_force(date(2026, 7, 1))["law_enforcement"].source


# ---------------------------------------------------------------- voided numbers in --json


def test_json_lists_every_number_voided_and_why(tmp_path):
    ledger = build_ledger(tmp_path / "so.xlsx")
    stale = tmp_path / "quyet_dinh" / "x" / "stale.docx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half")
    symbol = "QĐ-VKSKV1"
    write_back(read_ledger(ledger), [Entry(900, 2026, symbol, DAY, "Phân công", "bị gián đoạn", "x", HEAD,
                                           "quyet_dinh/x/stale.docx", status=RESERVED)], [])
    done = subprocess.run([KIEMSAT, "decide", str(ledger), "--type", "thi-hanh-an", "--rows",
                           str(ROWS["thi-hanh-an"]), "--out", str(tmp_path / "qd"), "--date", "16/03/2026", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    voided = json.loads(done.stdout)["voided"]
    assert [v["decision_no"] for v in voided] == [f"900/{symbol}"]
    assert voided[0]["status"] == UNUSED and "gián đoạn" in voided[0]["reason"]
    assert voided[0]["file_removed"] == "quyet_dinh/x/stale.docx" and not stale.exists()


# ---------------------------------------------------------------- guards


def test_a_change_of_prosecutor_needs_a_reason(tmp_path):
    ledger = build_ledger(tmp_path / "so.xlsx", lambda rows: rows["an_hinh_su"][1].update(replacement_reason=None))
    with pytest.raises(AllRefused, match="thiếu «Lý do thay đổi KSV»: quyết định thay đổi Kiểm sát viên phải nêu lý do"):
        issue_decisions(ledger, "thay-doi-ksv", rows=[ROWS["thay-doi-ksv"]], out_dir=tmp_path / "qd", day=DAY)


def test_a_tin_bao_cites_the_agencys_own_document_and_the_units_number_as_the_units(tmp_path):
    def agency(rows):
        rows["tin_bao"][0].update(source="Kiến nghị khởi tố", agency_doc_no=None, agency_doc_date=None,
                                  reporter="Chi cục Kiểm lâm vùng I")
    ledger = build_ledger(tmp_path / "so.xlsx", agency)
    with pytest.raises(AllRefused, match="thiếu «Số văn bản của cơ quan báo tin»"):
        issue_decisions(ledger, "tin-bao", rows=[ROWS["tin-bao"]], out_dir=tmp_path / "qd", day=DAY)
    ledger = build_ledger(tmp_path / "so2.xlsx", lambda rows: (agency(rows), rows["tin_bao"][0].update(
        agency_doc_no="27/KN-KL", agency_doc_date=date(2026, 3, 1))))
    batch = issue_decisions(ledger, "tin-bao", rows=[ROWS["tin-bao"]], out_dir=tmp_path / "qd", day=DAY)
    text = " ".join(_text(batch.issued[0].file).split())
    receipt = next(r.values for r in read_ledger(ledger).records("tin_bao") if r.row == ROWS["tin-bao"])
    assert "Xét kiến nghị khởi tố số 27/KN-KL ngày 01/03/2026 của Chi cục Kiểm lâm vùng I (Viện kiểm sát thụ lý " \
           f"số {receipt['receipt_no']} " in text
    assert f"kiến nghị khởi tố số {receipt['receipt_no']}" not in text  # the unit's number is never the agency's


def test_a_unit_name_in_a_sentence_keeps_place_names_capitalised():
    from macros_py.decisions.merge import unit_prose

    assert unit_prose("VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ HẢI PHÒNG") == "Viện kiểm sát nhân dân thành phố Hải Phòng"
    assert unit_prose("VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 1 - HẢI PHÒNG") == \
        "Viện kiểm sát nhân dân khu vực 1 - Hải Phòng"
    assert unit_prose("VIỆN KIỂM SÁT NHÂN DÂN TỈNH CAO BẰNG") == "Viện kiểm sát nhân dân tỉnh Cao Bằng"
    assert unit_prose("VIỆN KIỂM SÁT NHÂN DÂN CẤP CAO TẠI HÀ NỘI") == "Viện kiểm sát nhân dân cấp cao tại Hà Nội"
    assert unit_prose("Viện kiểm sát nhân dân tỉnh Cao Bằng") == "Viện kiểm sát nhân dân tỉnh Cao Bằng"  # as typed
