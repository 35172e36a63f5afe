"""Hand-computed deadlines, row by row, from a real ledger file.

Every expected date below was counted by hand (weekdays and holidays checked against a
calendar and `holidays.VN`):
  2025-01-14 Tue | 2025-01-25 Sat, 01-27..01-31 Tết, 02-01 Sat, 02-02 Sun -> 02-03 Mon
  2025-03-01 Sat, 03-02 Sun, 03-03 Mon, 03-09 Sun, 03-15 Sat, 03-16 Sun, 03-17 Mon, 03-18 Tue,
  03-20 Thu, 03-22 Sat, 03-24 Mon | 04-01 Tue, 04-10 Thu, 04-30..05-02 holidays, 05-03 Sat,
  05-04 Sun, 05-05 Mon, 05-15 Thu | 06-01 Sun, 06-03 Tue | 07-01 Tue, 07-15 Tue, 07-28 Mon,
  10-01 Wed
Counting (see counting.py): criminal limits count the start day as day 1 and move off days off;
custody/detention run through days off, 1 month = 30 days; civil limits start the next day.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from macros_py.law.deadlines import (
    STATUS_DONE,
    STATUS_OPEN,
    STATUS_OVERDUE,
    STATUS_SOON,
    Deadline,
    DeadlineReport,
    compute_deadlines,
    status_for,
)
from macros_py.law.rules import (
    DEFAULT_RULES_PATH,
    Length,
    RulesError,
    default_rules,
    load_rules,
    parse_length,
    parse_rules,
)
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import CATEGORY, CIVIL_TYPE
from workbook_templates.builder import build_workbook

TODAY = date(2025, 3, 10)  # a Monday
D = date.fromisoformat


def _case(case_id: str, category: str, opening: str, **dates: str) -> dict[str, Any]:
    row: dict[str, Any] = {"case_id": case_id, "offence": "Trộm cắp tài sản", "category": category,
                           "opening_date": D(opening), "prosecutor": "KSV " + case_id, "leader": "PVT A"}
    for key, value in dates.items():
        row[key] = D(value) if key not in ("stage",) else value
    return row


def _tip(no: str, received: str, **dates: str) -> dict[str, Any]:
    row: dict[str, Any] = {"receipt_no": no, "receipt_date": D(received), "prosecutor": "KSV TB",
                           "leader": "PVT B"}
    row.update({k: (D(v) if k != "outcome" else v) for k, v in dates.items()})
    return row


def _person(name: str, case_id: str, measure: str, **dates: str) -> dict[str, Any]:
    return {"name": name, "case_id": case_id, "measure": measure, **{k: D(v) for k, v in dates.items()}}


def _civil(case_id: str, case_type: str, accepted: str, **dates: str) -> dict[str, Any]:
    row: dict[str, Any] = {"case_id": case_id, "case_type": case_type, "acceptance_date": D(accepted),
                           "prosecutor": "KSV DS", "leader": "PVT C"}
    row.update({k: (D(v) if k != "stage" else v) for k, v in dates.items()})
    return row


ROWS: dict[str, list[dict[str, Any]]] = {
    "tin_bao": [
        _tip("TB1", "2025-01-06"),  # day 20 = 25/01 Sat, then Tết: first working day 03/02
        _tip("TB2", "2025-02-11"),  # day 20 = 02/03 Sunday -> 03/03
        _tip("TB3", "2025-03-01", extension_date="2025-03-05", extended_to="2025-05-30"),
        _tip("TB4", "2025-03-01", extension_date="2025-03-05", extended_to="2025-07-10"),  # > 4 months
        _tip("TB5", "2025-03-01", extension_date="2025-03-05"),  # extended, end date not written
        _tip("TB6", "2025-02-20", outcome="Khởi tố vụ án", outcome_date="2025-03-05"),  # done
        _tip("TB7", "2025-02-25"),  # day 20 = 16/03 Sunday -> 17/03, 7 days left
    ],
    "an_hinh_su": [
        _case("HS1", "Ít nghiêm trọng", "2025-01-15"),  # 2 months: 15/03 Sat -> 17/03
        _case("HS2", "Nghiêm trọng", "2025-01-10"),  # 3 months: 10/04 Thu
        _case("HS3", "Rất nghiêm trọng", "2024-12-30"),  # 4 months: 30/04 holiday ... -> 05/05
        _case("HS4", "Đặc biệt nghiêm trọng", "2024-02-01", investigation_extended_to="2025-10-15"),
        _case("HS5", "Nghiêm trọng", "2024-10-01", investigation_extended_to="2025-04-01"),
        _case("HS6", "Nghiêm trọng", "2024-12-01", file_received="2025-03-03", stage="Truy tố"),
        _case("HS7", "Rất nghiêm trọng", "2024-12-01", file_received="2025-03-03", stage="Truy tố"),
        _case("HS8", "Nghiêm trọng", "2024-12-01", file_received="2025-03-03",
              prosecution_extended_to="2025-04-05", stage="Truy tố"),
        _case("HS9", "Ít nghiêm trọng", "2024-12-01", file_received="2025-02-10", indictment_date="2025-02-28",
              court_accepted="2025-03-03", stage="Xét xử sơ thẩm"),
        _case("HS10", "Đặc biệt nghiêm trọng", "2024-06-01", file_received="2025-02-10",
              indictment_date="2025-02-28", court_accepted="2025-03-03", stage="Xét xử sơ thẩm"),
        _case("HS11", "Nghiêm trọng", "2024-10-01", file_received="2025-01-02", indictment_date="2025-01-10",
              court_accepted="2025-01-15", hearing_date="2025-03-03", judgment_date="2025-03-03",
              stage="Đã xét xử"),
        _case("HS12", "Nghiêm trọng", "2024-08-01", file_received="2024-11-01", indictment_date="2024-11-10",
              court_accepted="2024-11-15", hearing_date="2025-01-14", judgment_date="2025-01-14",
              stage="Đã xét xử"),
        _case("HS13", "Nghiêm trọng", "2024-06-01", stage="Tạm đình chỉ"),
        _case("HS14", "Nghiêm trọng", "2024-01-01", resumed_date="2025-03-03", stage="Phục hồi điều tra"),
        _case("HS15", "Nghiêm trọng", "2024-10-01", file_received="2025-01-10", resumed_date="2025-01-20",
              stage="Điều tra bổ sung"),
        _case("HS16", "Nghiêm trọng", "2025-03-01"),
    ],
    "bi_can": [
        _person("BC1", "HS16", "Tạm giữ", custody_start="2025-03-01", custody_until="2025-03-03",
                custody_extended_to="2025-03-06"),
        _person("BC2", "HS16", "Tạm giữ", custody_start="2025-03-01", custody_extended_to="2025-03-12"),
        _person("BC3", "HS16", "Tạm giữ", custody_start="2025-01-20"),
        _person("BC4", "HS16", "Tạm giam", custody_start="2025-03-01", custody_until="2025-03-03",
                detention_start="2025-03-04", detention_until="2025-05-29"),
        _person("BC5", "HS16", "Tạm giam", custody_start="2025-03-01", custody_until="2025-03-03",
                detention_start="2025-03-04", detention_until="2025-06-01"),
        _person("BC6", "HS16", "Tạm giam", custody_start="2025-03-01", custody_until="2025-03-03",
                detention_start="2025-03-04", detention_until="2025-05-29", detention_extended_to="2025-07-28"),
        _person("BC7", "HS16", "Tạm giam", custody_start="2025-03-01", custody_until="2025-03-03",
                detention_start="2025-03-04", detention_until="2025-05-29", detention_extended_to="2025-07-30"),
        _person("BC8", "HS16", "Tạm giam", detention_start="2025-03-04"),
        _person("BC9", "HS1", "Tạm giam", detention_start="2025-01-15"),
        _person("BC10", "HS6", "Tạm giam", detention_start="2025-03-03", detention_until="2025-03-30"),
        _person("BC11", "HS16", "Tạm giam", detention_start="2025-03-04", released_date="2025-03-08"),
    ],
    "an_dan_su": [
        _civil("DS1", "Dân sự", "2025-01-15"),  # 4 months: 15/05 Thu
        _civil("DS2", "Kinh doanh, thương mại", "2024-12-31"),  # 2 months: 28/02 Fri
        _civil("DS3", "Hôn nhân và gia đình", "2024-09-27"),  # 4 months: 27/01 Tết -> 03/02
        _civil("DS4", "Dân sự", "2025-01-15", preparation_extended_to="2025-07-15"),
        _civil("DS5", "Dân sự", "2025-01-15", preparation_extended_to="2025-07-20"),
        _civil("DS6", "Hành chính", "2025-01-15"),
        _civil("DS7", "Lao động", "2025-02-01", file_received="2025-03-03"),
        _civil("DS8", "Dân sự", "2024-10-01", hearing_date="2025-03-03", judgment_date="2025-03-03",
               stage="Đã xét xử"),
        _civil("DS9", "Dân sự", "2024-09-01", hearing_date="2025-01-14", judgment_date="2025-01-14",
               stage="Đã xét xử"),
    ],
}


def _write(tmp: Path, rows: dict[str, list[dict[str, Any]]], settings: dict[str, Any] | None = None) -> Path:
    path = tmp / "so.xlsx"
    build_workbook(rows, settings).save(path)
    return path


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("deadlines"), ROWS)


@pytest.fixture(scope="module")
def report(ledger_path: Path) -> DeadlineReport:
    ledger = read_ledger(ledger_path)
    assert ledger.problems == []  # the hand-made rows are valid: every finding below is the engine's
    return compute_deadlines(ledger, TODAY)


def _find(report: DeadlineReport, who: str, kind: str) -> Deadline:
    found = [d for d in report.deadlines if d.kind == kind and who in (d.case, d.person)]
    assert len(found) == 1, (who, kind, found)
    return found[0]


def _problems_for(report: DeadlineReport, ledger_path: Path, sheet_key: str, who_key: str, who: str) -> list[str]:
    ledger = read_ledger(ledger_path)
    data = ledger.sheets[sheet_key]
    rows = [r.row for r in data.records if r.values[who_key] == who]
    return [str(p) for p in report.problems if p.sheet == data.name and p.row in rows]


# ---------------------------------------------------------------- tin báo (Đ.147)


@pytest.mark.parametrize("who, due, status", [
    ("TB1", "2025-02-03", STATUS_OVERDUE),  # limit ends in Tết
    ("TB2", "2025-03-03", STATUS_OVERDUE),  # limit ends on a Sunday
    ("TB3", "2025-05-30", STATUS_OPEN),  # the recorded extension
    ("TB4", "2025-07-01", STATUS_OPEN),  # extension cut to 4 months from receipt
    ("TB5", "2025-07-01", STATUS_OPEN),  # extended without an end date: the maximum, with a warning
    ("TB6", "2025-03-11", STATUS_DONE),  # resolved: its limit stops (20/02 + 19 days)
    ("TB7", "2025-03-17", STATUS_SOON),
])
def test_tip_off_limits(report, who, due, status):
    d = _find(report, who, "tin_bao")
    assert (d.due, d.status, d.days_left) == (D(due), status, (D(due) - TODAY).days)
    assert "Điều 147 khoản 1, 2 BLTTHS 2015" in d.basis
    assert (d.prosecutor, d.leader, d.person) == ("KSV TB", "PVT B", None)


def test_tip_off_extension_beyond_the_maximum_is_reported(report, ledger_path):
    (msg,) = _problems_for(report, ledger_path, "tin_bao", "receipt_no", "TB4")
    assert "10/07/2025" in msg and "01/07/2025" in msg and "Điều 147" in msg and "cột N" not in msg
    (msg5,) = _problems_for(report, ledger_path, "tin_bao", "receipt_no", "TB5")
    assert "chưa ghi ngày gia hạn đến" in msg5
    assert _problems_for(report, ledger_path, "tin_bao", "receipt_no", "TB3") == []


# ---------------------------------------------------------------- criminal cases


@pytest.mark.parametrize("who, kind, due, status", [
    ("HS1", "dieu_tra", "2025-03-17", STATUS_SOON),  # 2 months end on Saturday 15/03
    ("HS2", "dieu_tra", "2025-04-10", STATUS_OPEN),
    ("HS3", "dieu_tra", "2025-05-05", STATUS_OPEN),  # 30/04, 01/05, 02/05 days off, then a weekend
    ("HS4", "dieu_tra", "2025-10-01", STATUS_OPEN),  # 4 + 4 x 4 months at most
    ("HS5", "dieu_tra", "2025-04-01", STATUS_OPEN),
    ("HS6", "dieu_tra", "2025-03-03", STATUS_DONE),  # file received: investigation over
    ("HS6", "truy_to", "2025-03-24", STATUS_OPEN),  # 20 days end on Saturday 22/03
    ("HS7", "truy_to", "2025-04-01", STATUS_OPEN),  # 30 days
    ("HS8", "truy_to", "2025-04-01", STATUS_OPEN),  # extension cut to 20 + 10 days
    ("HS9", "truy_to", "2025-03-03", STATUS_DONE),
    ("HS9", "chuan_bi_xet_xu", "2025-04-01", STATUS_OPEN),  # 30 days
    ("HS10", "chuan_bi_xet_xu", "2025-06-03", STATUS_OPEN),  # 3 months
    ("HS11", "chuan_bi_xet_xu", "2025-02-28", STATUS_DONE),  # 45 days from 15/01; judged
    ("HS11", "khang_nghi_hinh_su", "2025-03-17", STATUS_SOON),  # 15 days, day 1 = 03/03
    ("HS12", "khang_nghi_hinh_su", "2025-02-03", STATUS_DONE),  # ended in Tết; period over
    ("HS13", "dieu_tra", "2024-09-04", STATUS_DONE),  # suspended; 01/09/2024 Sun, 02-03/09 National Day
    ("HS14", "phuc_hoi_dieu_tra", "2025-05-05", STATUS_OPEN),  # 2 months: 03/05 Sat -> 05/05
    ("HS15", "dieu_tra_bo_sung", "2025-03-20", STATUS_SOON),  # 2 months from the file's return
])
def test_criminal_case_limits(report, who, kind, due, status):
    d = _find(report, who, kind)
    assert (d.due, d.status) == (D(due), status)
    assert d.prosecutor == f"KSV {who}" and d.leader == "PVT A"


def test_each_category_has_its_own_investigation_basis(report):
    assert "(Ít nghiêm trọng): 2 tháng kể từ ngày khởi tố vụ án (Điều 172 khoản 1, 2, 3 BLTTHS 2015)" in _find(
        report, "HS1", "dieu_tra").basis
    assert "(Rất nghiêm trọng): 4 tháng" in _find(report, "HS3", "dieu_tra").basis
    assert "gia hạn đến 01/04/2025" in _find(report, "HS5", "dieu_tra").basis
    assert "Điều 174 khoản 1" in _find(report, "HS14", "phuc_hoi_dieu_tra").basis


def test_extensions_beyond_the_maximum_are_reported_with_their_article(report, ledger_path):
    (msg,) = _problems_for(report, ledger_path, "an_hinh_su", "case_id", "HS4")
    assert "15/10/2025" in msg and "20 tháng" in msg and "01/10/2025" in msg and "Điều 172" in msg
    (msg8,) = _problems_for(report, ledger_path, "an_hinh_su", "case_id", "HS8")
    assert "30 ngày" in msg8 and "Điều 240" in msg8
    assert _problems_for(report, ledger_path, "an_hinh_su", "case_id", "HS5") == []


def test_supplementary_investigation_reopens_the_case(report):
    # the old conclusion (10/01) predates the file's return (20/01): no prosecution limit yet
    assert not [d for d in report.deadlines if d.case == "HS15" and d.kind != "dieu_tra_bo_sung"]


# ---------------------------------------------------------------- custody and detention


@pytest.mark.parametrize("who, kind, due, status", [
    ("BC1", "tam_giu", "2025-03-06", STATUS_OVERDUE),  # extension as recorded
    ("BC2", "tam_giu", "2025-03-09", STATUS_OVERDUE),  # 3 + 3 + 3 days at most; a Sunday, not moved
    ("BC3", "tam_giu", "2025-01-22", STATUS_OVERDUE),  # 3 days from 20/01, through Tết
    ("BC4", "tam_giu", "2025-03-03", STATUS_DONE),  # detention followed
    ("BC4", "tam_giam", "2025-05-29", STATUS_OPEN),  # 90 days from 01/03 (custody days deducted)
    # custody 01/03 -> 03/03 (24-hour periods) is 2 days (TTLT 04/2018 Đ.17): 90 - 2 = 88 days from
    # 04/03 (day 1): 04-31/03 = 28, April 30 (58), May 30 -> 30/05; the order's 01/06 is cut there
    ("BC5", "tam_giam", "2025-05-30", STATUS_OPEN),
    ("BC6", "tam_giam", "2025-07-28", STATUS_OPEN),  # 3 + 2 months = 150 days from 01/03
    # 150 - 2 = 148 days from 04/03: 58 to 30/04, May 31 (89), June 30 (119), 29 more -> 29/07
    ("BC7", "tam_giam", "2025-07-29", STATUS_OPEN),
    ("BC8", "tam_giam", "2025-06-01", STATUS_OPEN),  # 90 days from 04/03, ends on a Sunday
    ("BC9", "tam_giam", "2025-03-15", STATUS_SOON),  # 60 days: a Saturday, not moved
    # Đ.241: the Đ.240 k1 period (20 days, Nghiêm trọng) from the file received 03/03, counted like
    # detention: 03/03 + 19 = 22/03, a Saturday, NOT moved to Monday 24/03 (Đ.134 k1)
    ("BC10", "tam_giam_truy_to", "2025-03-22", STATUS_OPEN),
    ("BC11", "tam_giam", "2025-06-01", STATUS_DONE),  # released
])
def test_custody_and_detention(report, who, kind, due, status):
    d = _find(report, who, kind)
    assert (d.due, d.status) == (D(due), status)
    assert d.person == who and d.case in ("HS16", "HS1", "HS6")
    assert d.prosecutor == f"KSV {d.case}"  # from the linked case


def test_detention_orders_beyond_the_law_are_reported(report, ledger_path):
    def msgs(who: str) -> list[str]:
        return _problems_for(report, ledger_path, "bi_can", "name", who)

    assert msgs("BC4") == [] and msgs("BC6") == [] and msgs("BC8") == []
    (m5,) = msgs("BC5")
    assert "01/06/2025" in m5 and "30/05/2025" in m5 and "trừ 2 ngày tạm giữ" in m5 and "Điều 173" in m5
    (m7,) = msgs("BC7")
    assert "30/07/2025" in m7 and "29/07/2025" in m7
    (m2,) = msgs("BC2")
    assert "12/03/2025" in m2 and "09/03/2025" in m2 and "Điều 118" in m2
    (m10,) = msgs("BC10")
    assert "30/03/2025" in m10 and "22/03/2025" in m10 and "Điều 241" in m10


# ---------------------------------------------------------------- civil and administrative cases


@pytest.mark.parametrize("who, kind, due, status", [
    ("DS1", "chuan_bi_xet_xu_dan_su", "2025-05-15", STATUS_OPEN),
    ("DS2", "chuan_bi_xet_xu_dan_su", "2025-02-28", STATUS_OVERDUE),  # 2 months, end of February
    ("DS3", "chuan_bi_xet_xu_dan_su", "2025-02-03", STATUS_OVERDUE),  # ends in Tết
    ("DS4", "chuan_bi_xet_xu_dan_su", "2025-07-15", STATUS_OPEN),
    ("DS5", "chuan_bi_xet_xu_dan_su", "2025-07-15", STATUS_OPEN),  # 4 + 2 months at most
    ("DS6", "chuan_bi_xet_xu_hanh_chinh", "2025-05-15", STATUS_OPEN),
    ("DS7", "nghien_cuu_ho_so_dan_su", "2025-03-18", STATUS_SOON),  # 15 days, first day not counted
    ("DS7", "chuan_bi_xet_xu_dan_su", "2025-04-01", STATUS_OPEN),
    ("DS8", "khang_nghi_dan_su", "2025-03-18", STATUS_SOON),  # civil: one day later than criminal
    ("DS9", "khang_nghi_dan_su", "2025-02-03", STATUS_DONE),  # ended in Tết; period over
])
def test_civil_limits(report, who, kind, due, status):
    d = _find(report, who, kind)
    assert (d.due, d.status) == (D(due), status)


def test_administrative_cases_cite_the_administrative_procedure_law(report, ledger_path):
    assert "Điều 130 khoản 1, 3 Luật TTHC 2015" in _find(report, "DS6", "chuan_bi_xet_xu_hanh_chinh").basis
    assert "Điều 203 khoản 1 BLTTDS 2015" in _find(report, "DS1", "chuan_bi_xet_xu_dan_su").basis
    (msg,) = _problems_for(report, ledger_path, "an_dan_su", "case_id", "DS5")
    assert "20/07/2025" in msg and "15/07/2025" in msg and "Điều 203" in msg


# ---------------------------------------------------------------- the row's next deadline


def test_next_deadline_is_the_rows_earliest_pending_one(report, ledger_path):
    nexts = report.next_by_row()
    by_case = {(d.sheet, d.case, d.person): d for d in nexts.values()}
    assert by_case[("an_hinh_su", "HS6", None)].kind == "truy_to"
    assert by_case[("an_dan_su", "DS7", None)].kind == "nghien_cuu_ho_so_dan_su"
    assert by_case[("bi_can", "HS16", "BC4")].kind == "tam_giam"
    # HS12 was judged on 14/01 and no «Ngày VKS nhận bản án» is recorded: Đ.262 k1 (10 days) is pending
    assert by_case[("an_hinh_su", "HS12", None)].kind == "giao_ban_an"
    done_only = {("tin_bao", "TB6", None), ("an_hinh_su", "HS13", None),
                 ("bi_can", "HS16", "BC11"), ("an_dan_su", "DS9", None)}
    assert not done_only & set(by_case)
    assert all(not d.done for d in nexts.values())
    assert report.deadlines == sorted(report.deadlines, key=lambda d: d.due)


def test_status_thresholds():
    assert status_for(-1, False, 10) == STATUS_OVERDUE
    assert status_for(0, False, 10) == STATUS_SOON
    assert status_for(10, False, 10) == STATUS_SOON
    assert status_for(11, False, 10) == STATUS_OPEN
    assert status_for(-5, True, 10) == STATUS_DONE


# ---------------------------------------------------------------- settings: calendar and alert days


def _one_case(tmp_path: Path, settings: dict[str, Any]) -> Deadline:
    path = _write(tmp_path, {"an_hinh_su": [_case("HS1", "Ít nghiêm trọng", "2025-01-15")]}, settings)
    report = compute_deadlines(read_ledger(path), TODAY)
    (d,) = [d for d in report.deadlines if d.step_of is None]
    return d


def test_make_up_day_off_from_settings_moves_the_limit(tmp_path):
    assert _one_case(tmp_path, {"extra_days_off": (D("2025-03-17"),)}).due == D("2025-03-18")


def test_make_up_working_saturday_from_settings_ends_the_limit_there(tmp_path):
    assert _one_case(tmp_path, {"extra_work_days": (D("2025-03-15"),)}).due == D("2025-03-15")


def test_alert_days_from_settings(tmp_path):
    assert _one_case(tmp_path, {"alert_days": 5}).status == STATUS_OPEN  # 7 days left > 5
    assert _one_case(tmp_path, {"alert_days": 7}).status == STATUS_SOON


# ---------------------------------------------------------------- the rules table


def test_parse_length():
    assert parse_length("20 ngày") == Length(0, 20)
    assert parse_length("2 tháng") == Length(2, 0)
    assert parse_length("1 tháng 15 ngày") == Length(1, 15)
    for bad in ("", "20", "hai tháng", "0 ngày", "20 ngày rưỡi", 20):
        with pytest.raises(ValueError):
            parse_length(bad)


def test_every_category_and_case_type_has_its_limits():
    rules = default_rules()
    for rule_id in ("dieu_tra", "tam_giam", "phuc_hoi_dieu_tra", "truy_to", "chuan_bi_xet_xu"):
        assert all(rules[rule_id].covers(c) for c in CATEGORY.canonical), rule_id
    for group in (("chuan_bi_xet_xu_dan_su", "chuan_bi_xet_xu_hanh_chinh"),
                  ("nghien_cuu_ho_so_dan_su", "nghien_cuu_ho_so_hanh_chinh"),
                  ("khang_nghi_dan_su", "khang_nghi_hanh_chinh")):
        for case_type in CIVIL_TYPE.canonical:
            assert sum(rules[r].covers(case_type) for r in group) == 1, (group, case_type)
    assert str(rules["dieu_tra"].variant("Nghiêm trọng").total) == "8 tháng"
    assert str(rules["tin_bao"].variant(None).total) == "4 tháng"


@pytest.mark.parametrize("edit, expected", [
    (lambda t: t.replace('[tin_bao]\ntitle', '[tin_bao]\ncolour = "red"\ntitle'), "colour"),
    (lambda t: t.replace('method = "criminal"', 'method = "lunar"', 1), "lunar"),
    (lambda t: t.replace('[dieu_tra.variants."Ít nghiêm trọng"]', '[dieu_tra.variants."Ít NT"]'), "Ít NT"),
    (lambda t: t.replace('length = "20 ngày"', 'length = "hai mươi ngày"', 1), "hai mươi ngày"),
    (lambda t: t.replace('article = "Điều 147"\n', '', 1), "article"),
    (lambda t: t + "\n[broken\n", "TOML"),
    # the wiring is checked too: a stage that is not in the dropdown, an entry nobody has, a column
    (lambda t: t.replace('"Xét xử phúc thẩm", "Đã xét xử", "Tạm đình chỉ"', '"Phúc thẩm", "Đã xét xử", "Tạm đình chỉ"', 1),
     "Phúc thẩm"),
    (lambda t: t.replace('deduct = "tam_giu"', 'deduct = "tam_giu_cu"', 1), r"thiếu các mục: \[tam_giu_cu\]"),
    (lambda t: t.replace('extended_to = "investigation_extended_to"', 'extended_to = "gia_han"', 1), "gia_han"),
])
def test_a_broken_table_is_refused_with_a_message_naming_the_fault(edit, expected):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    with pytest.raises(RulesError, match=expected) as info:
        parse_rules(edit(text))
    assert "Bảng thời hạn" in str(info.value)


def test_a_table_without_an_entry_another_names_is_refused(ledger_path, tmp_path):
    # the engine needs no particular entry (rules are data); an entry another one names (replaces,
    # after, limit_of, ...) must be there, and the message says who names it
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    start = text.index("\n[khang_nghi_hinh_su]\n") + 1
    end = text.index("\n[", start) + 1
    table = tmp_path / "thieu.toml"
    table.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(RulesError, match=r"thiếu các mục: \[khang_nghi_hinh_su\] \(được nhắc ở "
                                         r"\[khang_nghi_quyet_dinh_hinh_su\] «replaces»"):
        compute_deadlines(read_ledger(ledger_path), TODAY, rules=load_rules(table))
    # an entry nobody names may go: its limit is no longer computed, the others are
    start = text.index("\n[giao_ban_an]\n") + 1
    end = text.index("\n[", start) + 1
    table.write_text(text[:start] + text[end:], encoding="utf-8")
    report = compute_deadlines(read_ledger(ledger_path), TODAY, rules=load_rules(table))
    kinds = {d.kind for d in report.deadlines}
    assert "giao_ban_an" not in kinds and "khang_nghi_hinh_su" in kinds


def test_a_unit_amends_the_table_and_the_limit_follows(ledger_path, tmp_path):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    table = tmp_path / "don_vi.toml"
    table.write_text(text.replace('length = "20 ngày"', 'length = "30 ngày"', 1), encoding="utf-8")
    report = compute_deadlines(read_ledger(ledger_path), TODAY, rules=load_rules(table))
    assert _find(report, "TB2", "tin_bao").due == D("2025-03-12")  # 11/02 + 30 days - 1


# ---------------------------------------------------------------- the command


KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))
JSON_KEYS = {"sheet", "row", "case", "person", "kind", "title", "start", "due", "due_time", "days_left", "status",
             "basis", "computation", "prosecutor", "leader", "actor", "actor_label", "procuracy_owned", "action",
             "alternative", "alternative_text", "hours_left"}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KIEMSAT, "deadlines", *args], capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_cli_json_lists_pending_deadlines_by_due_date(ledger_path, report):
    out = _run(str(ledger_path), "--today", TODAY.isoformat(), "--json")
    assert out.returncode == 1, out.stderr  # the ledger has extensions beyond the law: exit 1
    items = json.loads(out.stdout)
    assert items and all(set(i) == JSON_KEYS for i in items)
    assert [i["due"] for i in items] == sorted(i["due"] for i in items)
    assert len(items) == len(report.pending())
    assert {"status": "đã xong"} not in [{"status": i["status"]} for i in items]
    bc4 = next(i for i in items if i["person"] == "BC4" and i["kind"] == "tam_giam")
    assert (bc4["sheet"], bc4["case"], bc4["kind"], bc4["due"], bc4["days_left"]) == (
        "Bị can", "HS16", "tam_giam", "2025-05-29", 80)
    # every deadline carries its computation in words; BC4's order date is within the law's 88 days
    assert all(i["computation"] for i in items)
    assert "đến 29/05/2025 theo lệnh" in bc4["computation"] and "30/05/2025" in bc4["computation"]
    assert "Cần kiểm tra" in out.stderr


def test_cli_within_and_table(ledger_path):
    within = json.loads(_run(str(ledger_path), "--today", "2025-03-10", "--json", "--within", "7").stdout)
    assert within and all(i["days_left"] <= 7 for i in within)
    assert any(i["status"] == "đã quá hạn" for i in within)
    table = _run(str(ledger_path), "--today", "2025-03-10", "--within", "7")
    assert "17/03/2025" in table.stdout and "Điều 147 khoản 1, 2 BLTTHS 2015" in table.stdout
    assert "10/04/2025" not in table.stdout  # HS2, 31 days away


def test_cli_on_the_sample_ledger_lists_deadlines_with_their_bases(sample_ledger):
    out = _run(str(sample_ledger), "--today", "2026-03-16", "--json")
    assert out.returncode in (0, 1), out.stderr
    items = json.loads(out.stdout)
    assert len({i["kind"] for i in items}) >= 5
    assert all(i["basis"] and "Điều" in i["basis"] for i in items)


def test_cli_bad_arguments_exit_2(ledger_path, tmp_path):
    assert _run(str(ledger_path), "--today", "10/03/2025").returncode == 2
    assert _run(str(tmp_path / "khong_co.xlsx")).returncode == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[tin_bao]\n", encoding="utf-8")
    out = _run(str(ledger_path), "--rules", str(bad))
    assert out.returncode == 2 and "Bảng thời hạn" in out.stderr
