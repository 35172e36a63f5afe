"""«Nội dung thư cảnh báo»: what each level lets out of the ledger, checked on every part and header
of every mail a run writes (the .eml outbox), calendar included."""

from __future__ import annotations

import re
from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from macros_py.law.rules import default_rules
from macros_py.ledger.reader import read_ledger
from macros_py.sample import sample_rows
from mailer.service import run_once
from tests.conftest import SAMPLE_ROWS, SAMPLE_SEED, TODAY
from workbook_templates.builder import build_workbook

# the columns that hold people, offences and summaries of a case
PRIVATE = {"summary", "reporter", "offence", "name", "plaintiff", "defendant", "person"}


DETAINED = "Nguyễn Văn Thử Nghiệm"  # held on an order that ran out on 14/03/2026


def rows_with_detention() -> dict:
    """The sample rows plus a case under investigation whose defendant's detention order has run out."""
    rows = sample_rows(SAMPLE_ROWS, seed=SAMPLE_SEED, today=TODAY)
    rows["an_hinh_su"].append({
        "case_id": "90/2026/HS", "opening_no": "5/QĐ-CSĐT", "opening_date": date(2026, 1, 10),
        "investigating_body": "Cơ quan CSĐT Công an thành phố Hải Phòng", "offence": "Cướp giật tài sản",
        "article": "Điều 171", "category": "Nghiêm trọng", "prosecutor": "Ngô Văn Vinh", "leader": "Mai Hữu Quân",
        "stage": "Điều tra"})
    rows["bi_can"].append({
        "case_id": "90/2026/HS", "name": DETAINED, "birth_year": 1990, "measure": "Tạm giam",
        "detention_start": date(2026, 1, 14), "detention_until": date(2026, 3, 14)})
    return rows


def ledger_with(path: Path, **settings) -> Path:
    build_workbook(rows_with_detention(), settings=settings).save(path)
    return path


def private_values(path: Path) -> set[str]:
    ledger = read_ledger(path)
    staff = {str(r["name"]) for r in ledger.records("can_bo")}
    out = set()
    for key, sheet in ledger.sheets.items():
        if key in ("can_bo", "so_quyet_dinh"):
            continue
        for rec in sheet.records:
            out |= {str(v) for k, v in rec.values.items() if k in PRIVATE and v and str(v) not in staff}
    return out


def case_ids(path: Path) -> set[str]:
    ledger = read_ledger(path)
    return {str(r.values.get("case_id")) for key in ("an_hinh_su", "bi_can") if key in ledger.sheets
            for r in ledger.sheets[key].records if r.values.get("case_id")}


def everything(msg: EmailMessage) -> str:
    """Every header (decoded) and every part (decoded), attachments included."""
    texts = [f"{k}: {v}" for k, v in msg.items()]
    for part in msg.walk():
        if not part.is_multipart():
            texts.append(part.get_content() if part.get_content_maintype() == "text" else "")
            texts.append(str(part.get_filename() or ""))
    return "\n".join(texts)


def mails(path: Path, tmp_path: Path) -> list[EmailMessage]:
    folder = tmp_path / "thu"
    result = run_once([path], TODAY, outbox_dir=folder, db_path=tmp_path / "o.sqlite3")
    assert result.sent
    return [message_from_bytes(f.read_bytes(), policy=default) for f in sorted(folder.glob("*.eml"))]


@pytest.fixture
def ledgers(tmp_path: Path):
    def make(level: str) -> Path:
        # from 2000 on: every old overdue step is mailed to its people too (the most content)
        return ledger_with(tmp_path / f"so-{len(level)}.xlsx", alert_content=level, alert_start=date(2000, 1, 1))
    return make


def test_full_content_names_the_people(ledgers, tmp_path: Path):
    path = ledgers("Đầy đủ")
    text = "\n".join(everything(m) for m in mails(path, tmp_path))
    assert DETAINED in private_values(path) and DETAINED in text  # what the other levels must leave out
    assert f"QUÁ HẠN: Tạm giam để điều tra {DETAINED} (90/2026/HS) hết hạn 14/03/2026" in text
    assert "Căn cứ:" in text and "BEGIN:VEVENT" in text
    # the case in human terms: the accused and the offence, from the ledger's rows
    assert f"Bị can: {DETAINED}; tội Cướp giật tài sản (Điều 171)" in text


def test_short_content_has_case_kind_and_due_date_and_no_names_offences_or_summaries(ledgers, tmp_path: Path):
    path = ledgers("Rút gọn")
    got = mails(path, tmp_path)
    forbidden = private_values(path)
    assert len(forbidden) > 30
    for msg in got:
        text = everything(msg)
        assert [v for v in forbidden if v in text] == [], msg["Subject"]
        assert "Căn cứ:" not in text and "Bị can:" not in text and "Đương sự:" not in text
    text = "\n".join(everything(m) for m in got)
    assert any(c in text for c in case_ids(path)) and "Hết hạn:" in text and "BEGIN:VEVENT" in text


def test_counts_only_says_how_many_and_where_the_ledger_is(ledgers, tmp_path: Path):
    path = ledgers("Chỉ số lượng")
    got = mails(path, tmp_path)
    forbidden = private_values(path) | case_ids(path)
    steps = {r.title for r in default_rules()} | {r.request_title for r in default_rules() if r.request_title} | {
        "Đề nghị gia hạn", "Việc cần làm", "Căn cứ", "Điều "}
    assert len(got) > 3
    for msg in got:
        text = everything(msg)
        assert [v for v in forbidden if v in text] == [], msg["Subject"]  # no name, no offence, no case code
        assert not re.search(r"\d+/20\d\d/", text.replace(str(path), ""))  # no case number of any form
        assert [t for t in steps if t in text] == [], msg["Subject"]  # no step, no action, no article
        assert [p for p in msg.iter_attachments()] == []  # no calendar: it would list the steps
        assert f"Mở sổ để xem chi tiết: {path}" in text and "«Kiểm tra thời hạn»" in text and "alerts list" in text
        assert re.search(r"\d+ (thời hạn|việc)", msg["Subject"])
        assert re.search(r"- (Quá hạn|Hôm nay|Trong 3 ngày|Sắp đến hạn): \d+ thời hạn", text)  # counts per band


def test_the_strictest_ledger_decides_for_a_digest_that_mixes_two(tmp_path: Path):
    full = ledger_with(tmp_path / "a.xlsx", alert_content="Đầy đủ", ledger_code="SO-A", alert_start=date(2000, 1, 1))
    short = ledger_with(tmp_path / "b.xlsx", alert_content="Rút gọn", ledger_code="SO-B", alert_start=date(2000, 1, 1))
    folder = tmp_path / "thu"
    run_once([full, short], TODAY, outbox_dir=folder, db_path=tmp_path / "o.sqlite3")
    forbidden = private_values(full)
    for f in folder.glob("*.eml"):
        text = everything(message_from_bytes(f.read_bytes(), policy=default))
        assert [v for v in forbidden if v in text] == []


def test_an_unknown_level_is_reported_and_the_default_used(tmp_path: Path):
    path = ledger_with(tmp_path / "so.xlsx", alert_content="Bí mật")
    result = run_once([path], TODAY, outbox_dir=tmp_path / "thu", db_path=tmp_path / "o.sqlite3", dry_run=True)
    assert any("«Nội dung thư cảnh báo»: «Bí mật» không phải" in n for n in result.warnings)
