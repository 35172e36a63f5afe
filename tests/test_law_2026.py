"""Hand-computed due dates for the limits added for the law in force in 2026 (issue 26).

Each date was counted by hand from the clause cited beside it; weekdays from a printed calendar, days off
from days_off.toml's decisions (never from kiemsat):

  2026: 01/01 Thu; 05/01 Mon; 31/01 Sat; Tết: 14/02 Sat .. 22/02 Sun off, 23/02 Mon; 28/02 Sat; 01/03 Sun,
        02/03 Mon, 04/03 Wed, 05/03 Thu, 06/03 Fri, 09/03 Mon, 10/03 Tue, 16/03 Mon, 19/03 Thu, 20/03 Fri,
        21/03 Sat, 23/03 Mon, 30/03 Mon, 31/03 Tue; 20/04 Mon, 28/04 Tue, 30/04 Thu and 01/05 Fri holidays,
        02-03/05 weekend, 04/05 Mon, 05/05 Tue; 29/06 Mon, 30/06 Tue, 01/07 Wed, 02/07 Thu, 03/07 Fri, 06/07 Mon.

Counting: BLTTHS limits count the day of receipt as day 1 (Đ.134 k1 is silent, so the other reading, not
counted, is shown beside it); civil limits start the day after (BLDS Đ.147 k1); working days count only
working days; a limit in hours ends at the hour (Đ.118 k2: «12 giờ kể từ khi nhận hồ sơ»).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from macros_py.law.deadlines import STATUS_OVERDUE, STATUS_SOON, DeadlineReport, compute_deadlines
from macros_py.ledger.reader import read_ledger
from tests.test_law_cases import _find
from workbook_templates.builder import build_workbook

TODAY = date(2026, 3, 10)
D = date.fromisoformat


def _dated(values: dict[str, Any]) -> dict[str, Any]:
    return {k: D(v) if isinstance(v, str) and v[:2] == "20" else v for k, v in values.items()}


def _case(case_id: str, **values: Any) -> dict[str, Any]:
    return {"case_id": case_id, "offence": "Trộm cắp tài sản", "category": "Nghiêm trọng",
            "opening_date": D("2025-12-01"), **_dated(values)}


def _civil(case_id: str, case_type: str = "Dân sự", **values: Any) -> dict[str, Any]:
    return {"case_id": case_id, "case_type": case_type, "acceptance_date": D("2025-10-01"), **_dated(values)}


ROWS: dict[str, list[dict[str, Any]]] = {
    "tin_bao": [
        {"receipt_no": "TBH", "receipt_date": D("2025-12-20"), "suspension_lifted": D("2026-03-31")},
        {"receipt_no": "TBP", "receipt_date": D("2025-11-20"), "resumed_date": D("2026-01-15")},
        {"receipt_no": "TBX", "receipt_date": D("2026-01-05"), "extensions": 1},
    ],
    "an_hinh_su": [
        _case("PC1", opening_received="2026-03-09"),
        _case("BS1", file_returned="2026-03-02"),
        _case("PT1", appeal_accepted="2026-01-05"),
        _case("PT2", appeal_accepted="2026-01-05", appeal_level="Tòa án nhân dân cấp cao"),
        _case("PT3", appeal_file_received="2026-03-02", appeal_level="Tòa án nhân dân cấp tỉnh"),
        _case("PT4", appeal_decision_date="2026-03-16"),
        _case("RG1", procedure="Rút gọn"),
        _case("VM1", absent_received="2026-03-05"),
        _case("BC", ),
    ],
    "bi_can": [
        {"name": "GH1", "case_id": "BC", "custody_start": D("2026-03-02"), "custody_ext_request": D("2026-03-05"),
         "custody_ext_request_time": time(15, 30)},
        {"name": "GH2", "case_id": "BC", "custody_start": D("2026-03-02"), "custody_ext_request": D("2026-03-05")},
        {"name": "KT1", "case_id": "BC", "charge_received": D("2026-03-04")},
        {"name": "LTG1", "case_id": "BC", "detention_order_received": D("2026-04-28")},
        {"name": "RGP1", "case_id": "RG1", "appeal_detention_start": D("2026-03-10")},
        {"name": "PTP1", "case_id": "PT1", "appeal_detention_start": D("2026-01-10")},
    ],
    "an_dan_su": [
        _civil("DSV", party_received="2026-03-05"),
        _civil("DSR", party_received="2026-03-05", procedure="Rút gọn"),
        _civil("HCV", "Hành chính", party_received="2026-04-20"),
        _civil("DRG", acceptance_date="2026-01-31", procedure="Rút gọn"),
        _civil("KNR", summary_decision_received="2026-03-06"),
    ],
    "thi_hanh_an": [
        {"judgment_no": "AT1", "judgment_date": D("2026-05-20"), "person": "Người A",
         "community_received": D("2026-06-29")},
        {"judgment_no": "AT2", "judgment_date": D("2026-05-20"), "person": "Người B",
         "community_received": D("2026-07-01")},
        {"judgment_no": "KH1", "judgment_date": D("2026-05-20"), "person": "Người C",
         "community_started": D("2026-07-02")},
        {"judgment_no": "KH2", "judgment_date": D("2026-05-20"), "person": "Người D",
         "community_started": D("2026-08-20")},
        {"judgment_no": "KH3", "judgment_date": D("2026-05-20"), "person": "Người E",
         "community_started": D("2026-06-30")},
        {"judgment_no": "KH4", "judgment_date": D("2026-05-20"), "person": "Người G",
         "community_started": D("2026-07-02"), "community_plan": D("2026-07-07")},
    ],
}

# (who, rule, due, the other reading's date or None)
CASES_2026 = [
    # Đ.118 k2 đoạn 2: 12 giờ from 15:30 05/03 -> 03:30 06/03 (the time is checked below)
    ("GH1", "phe_chuan_gia_han_tam_giu", "2026-03-06", None),
    # no hour recorded: assumed 00:00, the earliest end, 12:00 on 05/03
    ("GH2", "phe_chuan_gia_han_tam_giu", "2026-03-05", None),
    # Đ.179 k3: 03 ngày from Wed 04/03: 04, 05, 06 -> Fri 06/03; not counting 04/03: 07/03 Sat -> Mon 09/03
    ("KT1", "phe_chuan_khoi_to_bi_can", "2026-03-06", "2026-03-09"),
    # Đ.119 k5: 03 ngày from Tue 28/04: 28, 29, 30/04 (holiday) -> 01/05 holiday, 02-03/05 weekend -> Mon 04/05;
    # not counting 28/04: 01/05 -> 04/05 as well, so no second date
    ("LTG1", "phe_chuan_lenh_tam_giam", "2026-05-04", None),
    # 03 ngày from Mon 09/03 (Quy chế 06/QĐ-VKSTC as cited by the unit; unread): 09, 10, 11 -> Wed 11/03
    ("PC1", "phan_cong_kiem_sat_vien", "2026-03-11", "2026-03-12"),
    # Đ.277 k2: 15 ngày from Mon 02/03 -> 02 + 14 = Mon 16/03; not counted: Tue 17/03
    ("BS1", "dua_ra_xet_xu_sau_dieu_tra_bo_sung", "2026-03-16", "2026-03-17"),
    # Đ.346 k2: cấp tỉnh (the default) 45 ngày from Mon 05/01: 05/01 + 44 = Wed 18/02, Tết -> Mon 23/02;
    # not counted: 19/02, also Tết -> 23/02
    ("PT1", "chuan_bi_xet_xu_phuc_tham", "2026-02-23", None),
    # Đ.346 k2: cấp cao 75 ngày from 05/01: 05/01 + 74 = Fri 20/03; not counted: Sat 21/03 -> Mon 23/03
    ("PT2", "chuan_bi_xet_xu_phuc_tham", "2026-03-20", "2026-03-23"),
    # Đ.346 k1: cấp tỉnh 60 ngày from Mon 02/03: 02/03 + 59 = Thu 30/04 (holiday) -> Mon 04/05; not counted:
    # 01/05 -> 04/05 as well
    ("PT3", "mo_phien_toa_phuc_tham", "2026-05-04", None),
    # Đ.346 k3: 15 ngày from Mon 16/03: 16 + 14 = Mon 30/03; not counted: Tue 31/03
    ("PT4", "mo_phien_toa_sau_quyet_dinh_phuc_tham", "2026-03-30", "2026-03-31"),
    # Đ.459 k3: 22 ngày of detention from 10/03, day 1 = 10/03, never moved (TTLT 04/2018 Đ.17): 31/03
    ("RGP1", "tam_giam_phuc_tham_rut_gon", "2026-03-31", None),
    # Đ.347 k2: not beyond the Đ.346 k2 period (cấp tỉnh, 45 ngày from thụ lý 05/01), counted as detention
    # (day 1 = 05/01, never moved): 05/01 + 44 = 18/02/2026 (Tết does not move it)
    ("PTP1", "tam_giam_phuc_tham", "2026-02-18", None),
    # TTLT 01/2017 Đ.11 k3 đoạn 1: 01 tháng from 31/03: April has no 31st -> 30/04 (holiday), 01/05 holiday,
    # weekend -> Mon 04/05
    ("TBH", "giai_quyet_tin_bao_sau_huy_tam_dinh_chi", "2026-05-04", None),
    # Đ.149 k1: 01 tháng from 15/01 -> Sun 15/02, Tết -> Mon 23/02
    ("TBP", "giai_quyet_tin_bao_sau_phuc_hoi", "2026-02-23", None),
    # Đ.147 k2 with «Số lần gia hạn» = 1: at most 04 tháng from 05/01 -> Tue 05/05
    ("TBX", "tin_bao", "2026-05-05", None),
    # Đ.333 k1: 15 ngày from Thu 05/03 (received by the absent defendant): 05 + 14 = Thu 19/03; not counted: 20/03
    ("VM1", "khang_cao_hinh_su_vang_mat", "2026-03-19", "2026-03-20"),
    # BLTTDS Đ.273 k1: 15 ngày from 05/03, day 1 = 06/03 -> Fri 20/03
    ("DSV", "khang_cao_dan_su_vang_mat", "2026-03-20", None),
    # BLTTDS Đ.322 k1 (rút gọn): 07 ngày from 05/03 -> Thu 12/03
    ("DSR", "khang_cao_dan_su_rut_gon", "2026-03-12", None),
    # Luật TTHC Đ.206 k1: 15 ngày from Mon 20/04 -> Tue 05/05
    ("HCV", "khang_cao_hanh_chinh_vang_mat", "2026-05-05", None),
    # BLTTDS Đ.318 k1: 01 tháng from 31/01 -> February has no 31st: Sat 28/02 -> Mon 02/03
    ("DRG", "chuan_bi_xet_xu_dan_su_rut_gon", "2026-03-02", None),
    # BLTTDS Đ.319 k1: 03 ngày làm việc from Fri 06/03, day 1 = Mon 09/03 -> Wed 11/03
    ("KNR", "kien_nghi_xet_xu_rut_gon", "2026-03-11", None),
    # Luật 41/2019 Đ.85 k1 (decision received before 01/07/2026): 03 ngày làm việc from Mon 29/06: not counting
    # it, 30/06, 01/07, 02/07 -> Thu 02/07; counting it, 29/06, 30/06, 01/07 -> Wed 01/07 (the earlier)
    ("Người A", "trieu_tap_an_treo", "2026-07-01", "2026-07-02"),
    # NĐ 231/2026 Đ.5 k1 a (from 01/07/2026): 03 ngày làm việc from Wed 01/07: counting it, 01, 02, 03 -> Fri 03/07;
    # not counting it, 02, 03, 06 -> Mon 06/07
    ("Người B", "tiep_nhan_nguoi_chap_hanh_an_cong_dong", "2026-07-03", "2026-07-06"),
    # NĐ 231/2026 Đ.7 k1 (tiếp nhận from 01/07/2026): 05 ngày làm việc from Thu 02/07: counting it, 02, 03, 06, 07,
    # 08 -> Wed 08/07; not counting it, 03, 06, 07, 08, 09 -> Thu 09/07
    ("Người C", "ke_hoach_quan_ly_nguoi_chap_hanh_an", "2026-07-08", "2026-07-09"),
    # the same from Thu 20/08, across Saturday 22/08/2026 worked in exchange for Monday 31/08 (holidays.VN):
    # counting it, 20, 21, 22 (Sat, worked), 24, 25 -> Tue 25/08; not counting it, 21, 22, 24, 25, 26 -> Wed 26/08
    ("Người D", "ke_hoach_quan_ly_nguoi_chap_hanh_an", "2026-08-25", "2026-08-26"),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> DeadlineReport:
    path = tmp_path_factory.mktemp("law2026") / "so.xlsx"
    build_workbook(ROWS).save(path)
    ledger = read_ledger(path)
    assert not [p for p in ledger.problems if "Cán bộ" not in p.message]
    return compute_deadlines(ledger, TODAY)


@pytest.mark.parametrize("who, kind, due, other", CASES_2026, ids=[f"{w}-{k}" for w, k, _, _ in CASES_2026])
def test_hand_computed_due_date(report, who, kind, due, other):
    d = _find(report, who, kind)
    assert d.due == D(due)
    assert d.alternative == (D(other) if other else None)
    assert d.computation and d.rule is not None and d.rule.citation in d.basis


def test_the_twelve_hours_end_at_the_hour_and_alert_in_hours(report, tmp_path):
    d = _find(report, "GH1", "phe_chuan_gia_han_tam_giu")
    assert d.due_time == time(3, 30) and "hết lúc 03:30 ngày 06/03/2026" in d.basis
    assert d.procuracy_owned and not d.liberty  # the procuracy's own limit; nobody is held *under* it
    unknown = _find(report, "GH2", "phe_chuan_gia_han_tam_giu")
    assert unknown.due_time == time(12, 0) and "giả định nhận lúc 00:00" in unknown.computation
    path = tmp_path / "so.xlsx"
    build_workbook({"an_hinh_su": [_case("BC")], "bi_can": ROWS["bi_can"][:1]}).save(path)
    ledger = read_ledger(path)
    early = _find(compute_deadlines(ledger, now=datetime(2026, 3, 6, 1, 30)), "GH1", "phe_chuan_gia_han_tam_giu")
    assert early.hours_left == 2 and early.status == STATUS_SOON
    late = _find(compute_deadlines(ledger, now=datetime(2026, 3, 6, 4, 0)), "GH1", "phe_chuan_gia_han_tam_giu")
    assert late.hours_left == -1 and late.status == STATUS_OVERDUE  # the same day, but past 03:30
    assert late.action.startswith("Đã quá 12 giờ")


def test_a_limit_dated_by_the_law_in_force_on_its_start(report):
    # received 29/06/2026: the 2019 law (Luật 41/2019 Đ.85 k1); from 01/07/2026 the decree under Luật 127/2025
    dated = {"trieu_tap_an_treo", "tiep_nhan_nguoi_chap_hanh_an_cong_dong"}
    found = {(d.person, d.kind) for d in report.deadlines if d.kind in dated}
    assert found == {("Người A", "trieu_tap_an_treo"), ("Người B", "tiep_nhan_nguoi_chap_hanh_an_cong_dong")}
    assert _find(report, "Người A", "trieu_tap_an_treo").rule.law == "Luật 41/2019/QH14"
    assert _find(report, "Người B", "tiep_nhan_nguoi_chap_hanh_an_cong_dong").rule.law == "Nghị định 231/2026/NĐ-CP"


def test_the_community_plan_limit_runs_only_under_the_2026_decree_and_ends_with_the_plan(report):
    # NĐ 231/2026 is in force from 01/07/2026: a person taken in on 30/06/2026 has no such limit; a plan issued
    # on 07/07/2026 (recorded in «Ngày ban hành kế hoạch quản lý, giám sát») closes it
    kind = "ke_hoach_quan_ly_nguoi_chap_hanh_an"
    people = {d.person for d in report.deadlines if d.kind == kind}
    assert "Người E" not in people
    assert "Người C" in people and "Người D" in people
    assert _find(report, "Người G", kind).done and not _find(report, "Người C", kind).done
    rule = _find(report, "Người C", kind).rule
    assert rule.method == "working" and rule.law == "Nghị định 231/2026/NĐ-CP" and "Điều 7" in rule.citation


def test_the_procuracys_own_limits_are_its_own(report):
    for who, kind in [("KT1", "phe_chuan_khoi_to_bi_can"), ("LTG1", "phe_chuan_lenh_tam_giam"),
                      ("PC1", "phan_cong_kiem_sat_vien"), ("KNR", "kien_nghi_xet_xu_rut_gon")]:
        assert _find(report, who, kind).procuracy_owned, kind
    assert not _find(report, "BS1", "dua_ra_xet_xu_sau_dieu_tra_bo_sung").procuracy_owned


def test_a_tin_bao_extended_more_often_than_the_law_allows_is_reported(tmp_path):
    path = tmp_path / "so.xlsx"
    build_workbook({"tin_bao": [{"receipt_no": "TB9", "receipt_date": D("2026-01-05"), "extensions": 2}]}).save(path)
    report = compute_deadlines(read_ledger(path), TODAY)
    assert any("gia hạn lần thứ 2" in p.message and "Điều 147" in p.message for p in report.problems)


def test_the_table_refuses_an_unknown_reading_and_reads_hours_and_dates(tmp_path):
    from macros_py.law.rules import Length, RulesError, parse_length, parse_rules

    assert parse_length("12 giờ") == Length(0, 0, 12) and str(Length(0, 0, 12)) == "12 giờ"
    entry = ('[x]\ntitle = "X"\nlaw = "BLTTHS 2015"\narticle = "Điều 1"\nmethod = "criminal"\nstart = "kể từ"\n'
             'length = "3 ngày"\ntrack = false\n')
    with pytest.raises(RulesError, match="alternative"):
        parse_rules(entry + 'alternative = "nửa nọ"\n')
    dated = parse_rules(entry + 'sheet = "thi_hanh_an"\nfrom = "community_received"\n'
                        'unless = { community_received = 2026-07-01 }\n')["x"]
    assert dated.before == (("community_received", D("2026-07-01")),)
    assert dated.matches({"community_received": D("2026-06-30")})
    assert not dated.matches({"community_received": D("2026-07-01")})


def test_appellate_detention_is_bounded_by_the_appellate_period_and_rut_gon_by_22_days(report):
    held = _find(report, "PTP1", "tam_giam_phuc_tham")
    assert held.liberty and "Điều 346" in held.computation
    assert not [d for d in report.deadlines if d.person == "RGP1" and d.kind == "tam_giam_phuc_tham"]
    assert _find(report, "RGP1", "tam_giam_phuc_tham_rut_gon").liberty
