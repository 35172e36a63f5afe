"""Where the law admits two readings, kiemsat alerts on the earlier date and shows the other; a unit may
choose one reading per limit in Cấu hình, and every computation says which reading it used.

Hand counts:

* BLTTHS Đ.172 k1, k2 b: tội nghiêm trọng, điều tra 03 tháng, gia hạn lần 1 không quá 03 tháng, lần 2 không quá
  02 tháng. Khởi tố 30/11/2023, both extensions:
  - counted whole (8 months at once from 30/11/2023, Đ.134 k1 «ngày trùng»): 30/07/2024, a Tuesday;
  - chained period by period: 3 months -> February 2024 has no 30th, so its last day 29/02/2024; 3 more months
    from 29/02 -> 29/05/2024; 2 more -> 29/07/2024, a Monday. The earlier is 29/07/2024.
* BLTTHS Đ.147 k1: 20 days from a tin báo received Wed 04/03/2026. Đ.134 does not say whether the day of receipt
  is day 1: counted -> 04/03 + 19 = 23/03/2026 (Mon); not counted (day 1 = 05/03) -> 24/03/2026 (Tue).
"""

from __future__ import annotations

from datetime import date

import pytest

from macros_py.law.deadlines import compute_deadlines
from macros_py.ledger.reader import read_ledger
from workbook_templates.builder import build_workbook

D = date.fromisoformat


def _report(tmp_path, settings=None, today="2024-07-01"):
    rows = {
        "an_hinh_su": [{"case_id": "V1", "offence": "Trộm cắp tài sản", "category": "Nghiêm trọng",
                        "opening_date": D("2023-11-30"), "investigation_extensions": 2}],
        "tin_bao": [{"receipt_no": "TB1", "receipt_date": D("2026-03-04")}],
    }
    path = tmp_path / "so.xlsx"
    build_workbook(rows, settings or {}).save(path)
    return compute_deadlines(read_ledger(path), D(today))


def _one(report, kind):
    found = [d for d in report.deadlines if d.kind == kind]
    assert len(found) == 1
    return found[0]


def test_extensions_chained_or_whole_alert_on_the_earlier_and_show_the_other(tmp_path):
    d = _one(_report(tmp_path), "dieu_tra")
    assert d.due == D("2024-07-29")  # chained: 29/02, 29/05, 29/07/2024
    assert d.alternative == D("2024-07-30")  # whole: 8 months from 30/11/2023
    assert d.alternative_text == "theo cách tính khác («cộng dồn»): 30/07/2024"
    assert "29/02/2024" in d.computation and "29/05/2024" in d.computation
    assert "kiemsat tính theo cách «nối tiếp» (ngày sớm hơn" in d.computation
    assert "theo cách tính khác («cộng dồn»): 30/07/2024" in d.computation
    assert "theo cách tính khác" in d.basis  # the ledger's «Căn cứ thời hạn» shows it too
    as_json = d.as_dict()
    assert as_json["alternative"] == "2024-07-30" and as_json["due"] == "2024-07-29"


def test_a_unit_may_choose_one_reading_and_the_computation_says_so(tmp_path):
    d = _one(_report(tmp_path, {"readings": "dieu_tra: cộng dồn"}), "dieu_tra")
    assert d.due == D("2024-07-30") and d.alternative == D("2024-07-29")
    assert "kiemsat tính theo cách «cộng dồn» (đơn vị chọn ở sheet «Cấu hình»" in d.computation
    assert d.alternative_text == "theo cách tính khác («nối tiếp»): 29/07/2024"
    # by its title as well
    d = _one(_report(tmp_path, {"readings": "Thời hạn điều tra: nối tiếp"}), "dieu_tra")
    assert d.due == D("2024-07-29") and "đơn vị chọn" in d.computation


def test_the_first_day_question_is_shown_for_a_tin_bao(tmp_path):
    d = _one(_report(tmp_path, today="2026-03-10"), "tin_bao")
    assert d.due == D("2026-03-23")  # the day of receipt is day 1 (the earlier)
    assert d.alternative == D("2026-03-24")
    assert d.alternative_text == "theo cách tính khác («không tính ngày đầu»): 24/03/2026"
    chosen = _one(_report(tmp_path, {"readings": "tin_bao: không tính ngày đầu"}, today="2026-03-10"), "tin_bao")
    assert chosen.due == D("2026-03-24") and chosen.alternative == D("2026-03-23")


def test_no_alternative_when_both_readings_agree(tmp_path):
    rows = {"tin_bao": [{"receipt_no": "TB2", "receipt_date": D("2026-03-02")}]}
    # counted: 02/03 + 19 = 21/03 (Sat) -> 23/03 (Mon); not counted: 22/03 (Sun) -> 23/03: the same date
    path = tmp_path / "so2.xlsx"
    build_workbook(rows).save(path)
    d = _one(compute_deadlines(read_ledger(path), D("2026-03-10")), "tin_bao")
    assert d.due == D("2026-03-23") and d.alternative is None and "cách tính khác" not in d.computation


@pytest.mark.parametrize("text", ["dieu_tra: nửa nọ", "khong_co_muc: cộng dồn", "tam_giam: cộng dồn"])
def test_a_choice_kiemsat_cannot_read_is_reported_and_the_earlier_date_kept(tmp_path, text):
    report = _report(tmp_path, {"readings": text})
    assert _one(report, "dieu_tra").due == D("2024-07-29")
    problem = next(p for p in report.problems if p.sheet == "Cấu hình")
    assert problem.value == text and "Cách tính thời hạn" in problem.column
    assert "dieu_tra: cộng dồn / nối tiếp" in problem.message


def test_the_other_reading_survives_a_defaulted_column(tmp_path):
    # «Cấp xét xử phúc thẩm» left blank: the rule takes its default case and says so; the second reading of
    # Đ.134 (first day counted or not) must still be shown, the same as when the column is filled
    accepted = D("2026-03-04")
    rows = {"an_hinh_su": [
        {"case_id": "V1", "offence": "Trộm cắp tài sản", "category": "Nghiêm trọng", "opening_date": D("2025-11-30"),
         "appeal_accepted": accepted, "appeal_level": "Tòa án nhân dân cấp tỉnh"},
        {"case_id": "V2", "offence": "Trộm cắp tài sản", "category": "Nghiêm trọng", "opening_date": D("2025-11-30"),
         "appeal_accepted": accepted}]}
    path = tmp_path / "so.xlsx"
    build_workbook(rows, {}).save(path)
    report = compute_deadlines(read_ledger(path), D("2026-03-05"))
    filled, blank = ([d for d in report.deadlines if d.kind == "chuan_bi_xet_xu_phuc_tham" and d.case == case]
                     for case in ("V1", "V2"))
    assert len(filled) == len(blank) == 1
    assert filled[0].alternative is not None
    assert "chưa ghi cột" in blank[0].basis
    assert (blank[0].due, blank[0].alternative, blank[0].alternative_text) == (
        filled[0].due, filled[0].alternative, filled[0].alternative_text)
