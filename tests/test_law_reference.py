"""Independent reference check of the deadline engine: due dates computed by hand from the primary texts.

Written the way an outside reviewer would test kiemsat, without looking at kiemsat's output or at
tests/test_law_cases.py first. Each case is one ledger situation; its expected due date (and hour, for
tạm giữ) was computed by hand from the clause cited in its comment. Texts read: the official codification
(Bộ pháp điển) mirrored in diepxuan/diepxuan.github.io: BLTTHS 2015 (to-tung-hinh-su.md, with TTLT
04/2018/TTLT-VKSNDTC-BCA-BQP codified inside it), BLHS 2015 (hinh-su.md), BLDS 2015 (dan-su/dan-su.md),
BLTTDS 2015 (to-tung-dan-su.md), Luật TTHC 2015 (to-tung-hanh-chinh.md); Luật Tư pháp người chưa thành
niên 59/2024/QH15 Điều 120 and Điều 179 as published on hethongphapluat.com.

Counting conventions, each from its text:
- tạm giữ: hours. BLTTHS Đ.117 k2 (the decision states the hour and day it starts and ends), Đ.118 k1-2
  (3 days, extended at most twice by 3 days), TTLT 04/2018 Đ.17 ví dụ 1 ("03 ngày, từ 10 giờ 00 phút
  ngày 01/3/2018 đến 10 giờ 00 phút ngày 04/3/2018"): N days = N x 24 hours from the hour of receipt.
- tạm giam: BLTTHS Đ.134 k1 (ends on the day written in the order; a month is 30 days), TTLT 04/2018
  Đ.17 k1-2 (counted continuously through days off; the first day counts: ví dụ 1, 57 days "kể từ ngày
  04/3/2018 đến hết ngày 29/4/2018"; custody days deducted: ví dụ 2, 2 months - 6 days = 54 days "kể từ
  ngày 11/4/2018 đến hết ngày 03/6/2018"). Never moved for days off.
- other BLTTHS limits counted in days (tin báo Đ.147, rút gọn Đ.460-462, truy tố Đ.240, chuẩn bị xét xử
  Đ.277, kháng cáo / kháng nghị Đ.333, 336, 337, Đ.262, Đ.364 and the like): the starting day counts as
  day 1 and the limit ends at 24:00 of the last day (Đ.134 k1), so 20 days from Thursday 05/03/2026 are
  05/03..24/03. This is the product's convention: the domain spec (../shared/DESIGN.md, counting) gives
  it for criminal procedure with TTLT 04/2018, whose worked examples count the first day, and contrasts
  it with civil counting; issue 12's own example computation says "(ngày đầu là ngày thứ nhất)"; and
  the issue's reviewers, who checked kiemsat 0.1 against hand-computed dates and flagged every
  off-by-one they found, did not flag this one. Months end "vào ngày trùng của tháng sau", or on the
  month's last day; a last day that is a day off moves to the next working day (Đ.134 k1).
  Open legal question the unit can raise: Đ.134 does not say in words whether the first day counts,
  and another reading applies BLDS 2015 Đ.145 k1 + Đ.147 k2 ("ngày đầu tiên của thời hạn không được
  tính") and, for appeals and protests, Nghị quyết 05/2005/NQ-HĐTP mục 4.1 a (on the old code: the
  period starts "ngày tiếp theo của ngày được xác định"); under that reading each of these limits would
  end one day later, before any move for days off.
- BLTTDS and Luật TTHC: BLDS Đ.147 k2 (first day not counted), Đ.148 k3 (months: the corresponding day,
  or the month's last day), k5 (a last day on a weekend or holiday moves to the next working day).
- limitation, BLHS Đ.27 k2-3: years from the day the offence was committed, ending on the corresponding
  day (BLDS Đ.148 k4); the cases avoid days off so that no moving rule is involved.
- days off: Saturdays, Sundays, the holidays of Bộ luật Lao động 2019 Đ.112 and the days the government
  moved: Friday 02/01/2026 off and Saturday 10/01/2026 worked (Công văn 12729/VPCP-KGVX ngày 25/12/2025);
  Tết Bính Ngọ 16-20/02/2026; 30/4-1/5; Quốc khánh 2026 on 01-02/09 with Monday 31/08/2026 off (swapped
  with Saturday 22/08/2026, as holidays.VN ships it: I could not read the decision itself); Tết Đinh Mùi
  2027 04-10/02/2027 as holidays.VN ships it (no government decision read).

Every weekday and day off named in a comment was checked with a separate script (datetime, days_off.toml
and holidays.VN combined as the engine combines them), not with kiemsat. Where kiemsat disagrees and the
clause still says what the comment says, the case is to be marked xfail(strict=True) with both dates, so
the suite stays green and the disagreement stays recorded; at present no case is marked.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from macros_py.law.deadlines import Deadline, DeadlineReport, compute_deadlines
from macros_py.ledger.reader import read_ledger
from workbook_templates.builder import build_workbook

D = date.fromisoformat
TODAY = D("2026-12-01")


def _dates(values: dict[str, Any]) -> dict[str, Any]:
    return {k: D(v) if isinstance(v, str) and v[:2] in ("19", "20") and v[4:5] == "-" else v
            for k, v in values.items()}


def _case(case_id: str, category: str, opening: str, **values: Any) -> dict[str, Any]:
    return {"case_id": case_id, "offence": "Trộm cắp tài sản", "category": category,
            "opening_date": D(opening), **_dates(values)}


def _person(name: str, case_id: str, **values: Any) -> dict[str, Any]:
    return {"name": name, "case_id": case_id, **_dates(values)}


def _civil(case_id: str, case_type: str, accepted: str, **values: Any) -> dict[str, Any]:
    return {"case_id": case_id, "case_type": case_type, "acceptance_date": D(accepted), **_dates(values)}


NT, INT, RNT, DBNT = "Nghiêm trọng", "Ít nghiêm trọng", "Rất nghiêm trọng", "Đặc biệt nghiêm trọng"

ROWS: dict[str, list[dict[str, Any]]] = {
    "tin_bao": [
        {"receipt_no": no, "receipt_date": D(day)} for no, day in [
            ("RT1", "2026-03-05"), ("RT2", "2026-01-27"), ("RT3", "2026-04-11"), ("RT4", "2026-08-13"),
            ("RT5", "2025-12-13"), ("RT6", "2025-12-21"), ("RT7", "2026-09-14"),
        ]
    ],
    "an_hinh_su": [
        # investigation, Đ.172 k1
        _case("RC1", INT, "2025-12-31", stage="Điều tra"),
        _case("RC2", NT, "2027-11-29", stage="Điều tra"),
        _case("RC3", RNT, "2025-10-18", stage="Điều tra"),
        _case("RC4", DBNT, "2026-10-06", stage="Điều tra"),
        _case("RC5", NT, "2026-05-02", stage="Điều tra"),
        _case("RC6", NT, "2026-01-10", stage="Điều tra", investigation_extension_date="2026-03-30",
              investigation_extensions=1),
        # điều tra bổ sung, Đ.174 k2: from the day the investigators receive the file back
        _case("RC8", NT, "2025-06-01", stage="Điều tra bổ sung", returned_by="Tòa án", resumed_date="2026-01-30",
              file_received="2025-09-01", court_accepted="2025-10-01"),
        _case("RC9", NT, "2025-06-01", stage="Điều tra bổ sung", returned_by="Viện kiểm sát",
              resumed_date="2026-03-31", file_received="2025-12-01"),
        _case("RC10", NT, "2026-06-18", stage="Điều tra"),
        _case("RC11", INT, "2025-11-10", stage="Điều tra"),
        # phục hồi điều tra, Đ.174 k1
        _case("RC7", INT, "2025-06-01", stage="Phục hồi điều tra", resumed_date="2026-03-31"),
        # thủ tục rút gọn, Đ.456 k1 c (ít nghiêm trọng only), Đ.460-462
        _case("RG1", INT, "2026-03-05", stage="Điều tra", procedure="Rút gọn", summary_date="2026-03-05"),
        _case("RG2", INT, "2026-03-05", stage="Điều tra", procedure="Rút gọn", summary_date="2026-03-09"),
        _case("RG3", INT, "2026-03-10", stage="Truy tố", procedure="Rút gọn", summary_date="2026-03-10",
              file_received="2026-03-26"),
        _case("RG4", INT, "2026-03-20", stage="Xét xử sơ thẩm", procedure="Rút gọn",
              summary_date="2026-03-20", court_accepted="2026-04-22"),
        _case("RG5", INT, "2026-03-05", stage="Điều tra", procedure="Rút gọn", summary_date="2026-03-05"),
        # truy tố, Đ.240 k1
        _case("RP1", NT, "2026-08-01", stage="Truy tố", file_received="2026-11-10"),
        _case("RP2", RNT, "2026-09-01", stage="Truy tố", file_received="2027-01-25"),
        _case("RP3", DBNT, "2025-09-01", stage="Truy tố", file_received="2026-01-19"),
        _case("RP4", INT, "2026-02-10", stage="Truy tố", file_received="2026-04-10"),
        _case("RP6", RNT, "2026-03-01", stage="Truy tố", file_received="2026-08-05"),
        _case("RP5", NT, "2027-10-01", stage="Truy tố", file_received="2028-02-09"),
        # chuẩn bị xét xử, Đ.277 k1
        _case("RT01", INT, "2025-12-01", stage="Xét xử sơ thẩm", file_received="2026-02-25",
              indictment_date="2026-03-20", court_accepted="2026-03-31"),
        _case("RT02", NT, "2026-03-01", stage="Xét xử sơ thẩm", file_received="2026-06-10",
              indictment_date="2026-07-01", court_accepted="2026-07-17"),
        _case("RT03", RNT, "2026-01-05", stage="Xét xử sơ thẩm", file_received="2026-05-20",
              indictment_date="2026-06-15", court_accepted="2026-06-30"),
        _case("RT04", DBNT, "2025-05-01", stage="Xét xử sơ thẩm", file_received="2025-10-10",
              indictment_date="2025-11-10", court_accepted="2025-11-29"),
        _case("RT05", DBNT, "2025-06-01", stage="Xét xử sơ thẩm", file_received="2025-11-10",
              indictment_date="2026-01-05", court_accepted="2026-01-20"),
        # minors, Luật 59/2024/QH15 Đ.120 k1 (at most half), Đ.179 k1 a (cases pending on 01/01/2026 keep
        # the BLTTHS limits)
        _case("RM1", INT, "2026-01-15", stage="Điều tra"),
        _case("RM2", NT, "2026-03-10", stage="Điều tra"),
        _case("RM3", INT, "2025-12-20", stage="Điều tra"),
        _case("RM4", NT, "2026-01-20", stage="Truy tố", file_received="2026-04-21"),
        # judgments: protests Đ.337, delivering the judgment Đ.262
        _case("RJ1", NT, "2025-10-01", stage="Đã xét xử", court_accepted="2026-06-20",
              hearing_date="2026-08-12", judgment_date="2026-08-12", decision_kind="Bản án"),
        _case("RJ2", NT, "2025-08-01", stage="Đã xét xử", court_accepted="2026-01-05",
              hearing_date="2026-02-02", judgment_date="2026-02-02", decision_kind="Bản án"),
        _case("RJ3", NT, "2025-11-01", stage="Đã xét xử", court_accepted="2026-04-01",
              judgment_date="2026-04-24", decision_kind="Quyết định"),
        _case("RJ5", NT, "2025-11-01", stage="Đã xét xử", court_accepted="2026-02-20",
              hearing_date="2026-03-26", judgment_date="2026-03-26", decision_kind="Bản án"),
        _case("RJ4", NT, "2025-11-01", stage="Đã xét xử", court_accepted="2026-02-10",
              hearing_date="2026-03-03", judgment_date="2026-03-03", decision_kind="Bản án"),
    ],
    "bi_can": [
        # tạm giữ, Đ.117 k2, Đ.118, TTLT 04/2018 Đ.17
        _person("Giữ Một", "RC5", measure="Tạm giữ", custody_start="2026-03-01", custody_time=time(10, 0)),
        _person("Giữ Hai", "RC5", measure="Tạm giữ", custody_start="2026-04-30", custody_time=time(23, 30)),
        _person("Giữ Ba", "RC5", measure="Tạm giữ", custody_start="2026-02-27", custody_time=time(21, 15)),
        _person("Giữ Bốn", "RC5", measure="Tạm giữ", custody_start="2026-02-10", custody_time=time(8, 0),
                custody_extensions=1, custody_extended_to="2026-02-16"),
        _person("Giữ Năm", "RC2", measure="Tạm giữ", custody_start="2028-02-28", custody_time=time(14, 0),
                custody_extensions=2, custody_extended_to="2028-03-08"),
        # tạm giam, Đ.173 k1, Đ.134 k1, TTLT 04/2018 Đ.17
        _person("Giam Một", "RC1", measure="Tạm giam", custody_start="2026-03-01", custody_time=time(10, 0),
                custody_until="2026-03-04", detention_start="2026-03-04"),
        _person("Giam Hai", "RC1", measure="Tạm giam", custody_start="2026-03-05", custody_time=time(14, 0),
                custody_until="2026-03-08", custody_extensions=1, custody_extended_to="2026-03-11",
                detention_start="2026-04-11"),
        _person("Giam Chín", "RC1", measure="Tạm giam", custody_start="2026-03-01", custody_time=time(10, 0),
                custody_until="2026-03-04", detention_start="2026-03-02"),
        _person("Giam Ba", "RC5", measure="Tạm giam", detention_start="2025-12-01"),
        _person("Giam Bốn", "RC3", measure="Tạm giam", detention_start="2025-12-20"),
        _person("Giam Năm", "RC4", measure="Tạm giam", detention_start="2028-01-01"),
        _person("Giam Sáu", "RC1", measure="Tạm giam", custody_start="2026-01-31", custody_time=time(22, 0),
                custody_until="2026-02-03", detention_start="2026-02-03"),
        _person("Giam Bảy", "RC6", measure="Tạm giam", detention_start="2026-01-05",
                detention_until="2026-04-04", detention_extensions=1, detention_extension_date="2026-03-25"),
        # rút gọn, Đ.459
        _person("Gọn Một", "RG2", measure="Tạm giam", detention_start="2026-03-06"),
        _person("Gọn Hai", "RG5", measure="Tạm giam", custody_start="2026-03-05", custody_time=time(9, 0),
                custody_until="2026-03-08", detention_start="2026-03-08"),
        # detention caps, Đ.241, Đ.278 k2
        # a new detention order once the file is with the procuracy / the court (TTLT 04/2018 Đ.18 k2 b)
        _person("Giam Truy Tố", "RP4", measure="Tạm giam", detention_start="2026-04-10"),
        _person("Giam Xét Xử", "RT02", measure="Tạm giam", detention_start="2026-07-17"),
        _person("Giam Truy Tố Hai", "RP6", measure="Tạm giam", detention_start="2026-08-05"),
        _person("Giam Xét Xử Hai", "RT05", measure="Tạm giam", detention_start="2026-01-20"),
        # Đ.174 k4, TTLT 04/2018 Đ.19 k1: detention during a supplementary investigation
        _person("Giam Bổ Sung", "RC9", measure="Tạm giam", detention_start="2026-03-31"),
        # an extension typed beyond Đ.173 k2 b
        _person("Giam Tám", "RC6", measure="Tạm giam", detention_start="2026-01-05",
                detention_until="2026-04-04", detention_extensions=1, detention_extension_date="2026-03-25",
                detention_extended_to="2026-06-10"),
        # rút gọn custody cannot be extended (Đ.459 k2)
        _person("Gọn Ba", "RG5", measure="Tạm giữ", custody_start="2026-03-05", custody_time=time(9, 0),
                custody_until="2026-03-08", custody_extensions=1, custody_extended_to="2026-03-11"),
        # minors: born 01/06/2010, 15 years old on every opening day below
        _person("Vị Thành Một", "RM1", measure="Không áp dụng", birth_date="2010-06-01"),
        _person("Vị Thành Hai", "RM2", measure="Không áp dụng", birth_date="2010-06-01"),
        _person("Vị Thành Ba", "RM3", measure="Không áp dụng", birth_date="2010-06-01"),
        _person("Vị Thành Bốn", "RM4", measure="Không áp dụng", birth_date="2010-06-01"),
    ],
    "an_dan_su": [
        _civil("RD1", "Dân sự", "2025-10-31", stage="Chuẩn bị xét xử"),
        _civil("RD2", "Kinh doanh, thương mại", "2027-12-30", stage="Chuẩn bị xét xử"),
        _civil("RD3", "Dân sự", "2025-06-01", stage="Đã xét xử", hearing_date="2026-01-28",
               judgment_date="2026-01-28", decision_kind="Bản án"),
        _civil("RD4", "Hôn nhân và gia đình", "2025-06-01", stage="Đã xét xử", judgment_date="2026-01-30",
               judgment_received="2026-02-05", decision_kind="Bản án"),
        _civil("RD5", "Dân sự", "2025-06-01", stage="Đình chỉ", judgment_date="2026-08-24",
               judgment_received="2026-08-26", decision_kind="Quyết định"),
        _civil("RD6", "Kinh doanh, thương mại", "2026-06-22", stage="Chuẩn bị xét xử"),
        _civil("RH1", "Hành chính", "2026-05-31", stage="Chuẩn bị xét xử"),
        _civil("RH3", "Hành chính", "2025-11-01", stage="Đình chỉ", judgment_date="2026-04-22",
               judgment_received="2026-04-24", decision_kind="Quyết định"),
        _civil("RH2", "Hành chính", "2025-11-01", stage="Đã xét xử", hearing_date="2026-04-10",
               judgment_date="2026-04-10", decision_kind="Bản án"),
    ],
    "thi_hanh_an": [
        {"judgment_no": no, "person": who, "judgment_date": D(judged), "effective_date": D(effective)}
        for no, who, judged, effective in [
            ("RE1", "Thi Hành Một", "2026-07-28", "2026-08-27"),
            ("RE2", "Thi Hành Hai", "2026-01-10", "2026-02-10"),
            ("RE3", "Thi Hành Ba", "2026-02-03", "2026-03-05"),
        ]
    ] + [
        # «Ngày có hiệu lực» left blank: the date follows from the judgment (BLTTHS Đ.343)
        {"judgment_no": "RE4", "person": "Thi Hành Bốn", "case_id": "RJ5", "judgment_date": D("2026-03-26")},
    ],
    "tam_dinh_chi": [
        {"case_id": cid, "kind": "Vụ án hình sự", "decision_date": D("2026-06-01"), "offence_date": D(day),
         "category": category}
        for cid, day, category in [
            ("RL1", "2021-03-10", NT), ("RL2", "2024-02-29", INT), ("RL3", "2011-06-15", RNT),
        ]
    ],
}



# (who, rule id, expected due, expected hour or None, xfail reason or None). The arithmetic is in the
# comment above each case.
CASES: list[tuple[str, str, str, time | None, str | None]] = [
    # ---------------------------------------------------------------- tin báo, BLTTHS Đ.147 k1: 20 days
    # Day 1 is the day of receipt; day 20 = receipt + 19 days (Đ.134 k1), moved past days off.
    # RT1: received Thu 05/03/2026; days 05/03..24/03 -> Tue 24/03/2026.
    ("RT1", "tin_bao", "2026-03-24", None, None),
    # RT2: received Tue 27/01/2026; day 20 = Sun 15/02/2026, then Tết (16-20/02) and Sat-Sun 21-22/02:
    # the next working day is Mon 23/02/2026 (Đ.134 k1).
    ("RT2", "tin_bao", "2026-02-23", None, None),
    # RT3: received Sat 11/04/2026; day 20 = Thu 30/04 (holiday), Fri 01/05 (holiday), Sat 02, Sun 03
    # -> Mon 04/05/2026.
    ("RT3", "tin_bao", "2026-05-04", None, None),
    # RT4: received Thu 13/08/2026; day 20 = Tue 01/09/2026, Quốc khánh 01-02/09 -> Thu 03/09/2026.
    ("RT4", "tin_bao", "2026-09-03", None, None),
    # RT5: received Sat 13/12/2025; day 20 = Thu 01/01/2026 (Tết Dương lịch), Fri 02/01 a day off by
    # Công văn 12729/VPCP-KGVX, then Sat 03, Sun 04 -> Mon 05/01/2026.
    ("RT5", "tin_bao", "2026-01-05", None, None),
    # RT6: received Sun 21/12/2025; day 20 = Fri 09/01/2026, a working day -> 09/01/2026 (the day before
    # the make-up Saturday 10/01 of the same Công văn).
    ("RT6", "tin_bao", "2026-01-09", None, None),
    # RT7: received Mon 14/09/2026; day 20 = Sat 03/10/2026, Sun 04/10 -> Mon 05/10/2026.
    ("RT7", "tin_bao", "2026-10-05", None, None),
    # ---------------------------------------------------------------- tạm giữ, Đ.117 k2, Đ.118 k1-2
    # Giữ Một: the TTLT 04/2018 Đ.17 ví dụ 1 in 2026: 3 x 24 h from 10:00 01/03 -> 10:00 04/03/2026.
    ("Giữ Một", "tam_giu", "2026-03-04", time(10, 0), None),
    # Giữ Hai: received 23:30 Thu 30/04/2026: 72 h later = 23:30 Sun 03/05/2026 (across midnight,
    # through the holiday: custody never moves, Đ.134 k1).
    ("Giữ Hai", "tam_giu", "2026-05-03", time(23, 30), None),
    # Giữ Ba: 21:15 Fri 27/02/2026 + 72 h, February 2026 has 28 days -> 21:15 Mon 02/03/2026.
    ("Giữ Ba", "tam_giu", "2026-03-02", time(21, 15), None),
    # Giữ Bốn: 08:00 10/02/2026, extended once by 3 days (Đ.118 k2): 6 x 24 h -> 08:00 16/02/2026
    # (Tết eve: custody is not moved).
    ("Giữ Bốn", "tam_giu", "2026-02-16", time(8, 0), None),
    # Giữ Năm: 14:00 28/02/2028, extended twice (Đ.118 k2, 9 days at most): 9 x 24 h, through 29/02/2028
    # -> 14:00 08/03/2028.
    ("Giữ Năm", "tam_giu", "2028-03-08", time(14, 0), None),
    # ---------------------------------------------------------------- tạm giam, Đ.173 k1, TTLT Đ.17
    # Giam Một: TTLT Đ.17 ví dụ 1 in 2026: custody 10:00 01/03 -> 10:00 04/03 (3 days), detention for an
    # ít nghiêm trọng case 2 months = 60 days - 3 = 57 days from 04/03 (day 1): 28 in March + 29 in April
    # -> 29/04/2026.
    ("Giam Một", "tam_giam", "2026-04-29", None, None),
    # Giam Hai: TTLT Đ.17 ví dụ 2 in 2026: custody 14:00 05/03 -> 14:00 11/03 (6 days, one extension),
    # then released; arrested for detention 11/04/2026, 2 months: 60 - 6 = 54 days from 11/04:
    # 20 in April + 31 in May + 3 -> 03/06/2026.
    ("Giam Hai", "tam_giam", "2026-06-03", None, None),
    # Giam Chín: custody from 10:00 01/03/2026, charged and detained on 02/03 (before the custody order's
    # 04/03): one day of custody deducted (Đ.118 k4: "Một ngày tạm giữ được tính bằng một ngày tạm giam";
    # TTLT Đ.17 k1-2: detention runs on from the day custody ends, minus the custody days), 60 - 1 = 59
    # days from 02/03 -> 29/04/2026, the same last day as Giam Một: custody and detention together take
    # the 60 days from 01/03.
    ("Giam Chín", "tam_giam", "2026-04-29", None, None),
    # Giam Ba: nghiêm trọng, 3 months = 90 days from 01/12/2025 (day 1): 31 + 31 + 28 -> Sat 28/02/2026,
    # not moved for the weekend (Đ.134 k1, TTLT Đ.17 k1).
    ("Giam Ba", "tam_giam", "2026-02-28", None, None),
    # Giam Bốn: rất nghiêm trọng, 4 months = 120 days from 20/12/2025: 12 + 31 + 28 + 31 = 102 to 31/03,
    # + 18 -> Sat 18/04/2026, through Tết, not moved.
    ("Giam Bốn", "tam_giam", "2026-04-18", None, None),
    # Giam Năm: đặc biệt nghiêm trọng, 120 days from 01/01/2028: 31 + 29 (leap) + 31 = 91, + 29
    # -> 29/04/2028.
    ("Giam Năm", "tam_giam", "2028-04-29", None, None),
    # Giam Sáu: custody 22:00 31/01/2026 -> 22:00 03/02/2026 (3 days); detention continues from 03/02,
    # ít nghiêm trọng: 60 - 3 = 57 days from 03/02: 26 in February + 31 -> 31/03/2026.
    ("Giam Sáu", "tam_giam", "2026-03-31", None, None),
    # Giam Bảy: nghiêm trọng, 90 days from 05/01/2026 -> 04/04/2026 (27 + 28 + 31 + 4); one extension
    # decided 25/03 (Đ.173 k2 b: at most 2 months = 60 days) runs from 05/04 -> 05/04 + 59 = 03/06/2026.
    ("Giam Bảy", "tam_giam", "2026-06-03", None, None),
    # Giam Tám: the same detention with "gia hạn đến" typed as 10/06/2026, beyond what Đ.173 k2 b allows
    # (3 months + 2 months = 150 days from 05/01/2026 -> 03/06/2026): the lawful end is 03/06/2026.
    ("Giam Tám", "tam_giam", "2026-06-03", None, None),
    # Giam Bốn's extension request (Đ.173 k2: "chậm nhất là 10 ngày trước khi hết thời hạn tạm giam"):
    # 10 days before Sat 18/04/2026 -> Wed 08/04/2026.
    ("Giam Bốn", "tam_giam_de_nghi_gia_han", "2026-04-08", None, None),
    # Giam Bổ Sung: supplementary investigation ordered by the procuracy, file back with the
    # investigators 31/03/2026; detention bounded by the 2 months of Đ.174 k2 (Đ.174 k4, TTLT 04/2018
    # Đ.19 k1 "không được quá thời hạn điều tra bổ sung"), counted as detention (60 days, day 1 = 31/03)
    # -> 29/05/2026.
    ("Giam Bổ Sung", "tam_giam_dieu_tra_bo_sung", "2026-05-29", None, None),
    # ---------------------------------------------------------------- điều tra, Đ.172 k1, Đ.134 k1
    # RC1: ít nghiêm trọng, 2 months from 31/12/2025: no 31/02, so 28/02/2026 (Sat) -> Mon 02/03/2026.
    ("RC1", "dieu_tra", "2026-03-02", None, None),
    # RC2: nghiêm trọng, 3 months from 29/11/2027 -> Tue 29/02/2028 (exists: leap year).
    ("RC2", "dieu_tra", "2028-02-29", None, None),
    # RC3: rất nghiêm trọng, 4 months from 18/10/2025 -> 18/02/2026, Tết -> Mon 23/02/2026.
    ("RC3", "dieu_tra", "2026-02-23", None, None),
    # RC4: đặc biệt nghiêm trọng, 4 months from 06/10/2026 -> Sat 06/02/2027, Tết 2027 (04-10/02 as
    # holidays.VN ships it) -> Thu 11/02/2027.
    ("RC4", "dieu_tra", "2027-02-11", None, None),
    # RC5: nghiêm trọng, 3 months from 02/05/2026 -> Sun 02/08/2026 -> Mon 03/08/2026.
    ("RC5", "dieu_tra", "2026-08-03", None, None),
    # RC6: nghiêm trọng, 3 months from 10/01/2026 -> Fri 10/04/2026; first extension (Đ.172 k2 b: at most
    # 3 months) from there -> Fri 10/07/2026.
    ("RC6", "dieu_tra", "2026-07-10", None, None),
    # RC10: nghiêm trọng, 3 months from 18/06/2026 -> Fri 18/09/2026; the extension must be requested
    # "chậm nhất là 10 ngày trước khi hết thời hạn điều tra" (Đ.172 k2) -> Tue 08/09/2026.
    ("RC10", "dieu_tra", "2026-09-18", None, None),
    ("RC10", "dieu_tra_de_nghi_gia_han", "2026-09-08", None, None),
    # RC11: ít nghiêm trọng, 2 months from 10/11/2025 -> Sat 10/01/2026, the make-up working day of
    # Công văn 12729/VPCP-KGVX: not a day off, so not moved -> 10/01/2026.
    ("RC11", "dieu_tra", "2026-01-10", None, None),
    # RC8: supplementary investigation ordered by the court: 1 month (Đ.174 k2) from 30/01/2026, the day
    # the investigators got the file back: no 30/02, so Sat 28/02/2026 -> Mon 02/03/2026.
    ("RC8", "dieu_tra_bo_sung", "2026-03-02", None, None),
    # RC9: ordered by the procuracy: 2 months from 31/03/2026 -> Sun 31/05 -> Mon 01/06/2026.
    ("RC9", "dieu_tra_bo_sung", "2026-06-01", None, None),
    # RC7: phục hồi điều tra, ít nghiêm trọng: 2 months from the decision 31/03/2026 (Đ.174 k1) -> 31/05
    # (Sun) -> Mon 01/06/2026.
    ("RC7", "phuc_hoi_dieu_tra", "2026-06-01", None, None),
    # ---------------------------------------------------------------- rút gọn, Đ.459-462
    # RG1: Đ.460 k1, 20 days from the khởi tố decision, Thu 05/03/2026 = day 1 -> Tue 24/03/2026.
    ("RG1", "dieu_tra_rut_gon", "2026-03-24", None, None),
    # RG2: same, although rút gọn was applied only on 09/03: Đ.460 k1 counts from the khởi tố decision,
    # 05/03/2026 + 19 -> Tue 24/03/2026.
    ("RG2", "dieu_tra_rut_gon", "2026-03-24", None, None),
    # RG3: Đ.461 k1, 5 days from receiving the đề nghị truy tố and the file, Thu 26/03/2026 = day 1
    # -> Mon 30/03/2026.
    ("RG3", "truy_to_rut_gon", "2026-03-30", None, None),
    # RG4: Đ.462 k1, 10 days from thụ lý Wed 22/04/2026 = day 1 -> Fri 01/05 (holiday), Sat 02, Sun 03
    # -> Mon 04/05/2026.
    ("RG4", "chuan_bi_xet_xu_rut_gon", "2026-05-04", None, None),
    # Gọn Một: Đ.459 k3, detention during a rút gọn investigation at most 20 days, counted as detention
    # (day 1 = 06/03/2026) -> 25/03/2026.
    ("Gọn Một", "tam_giam_rut_gon", "2026-03-25", None, None),
    # Gọn Hai: custody 09:00 05/03 -> 09:00 08/03 (Đ.459 k2, 3 days), deducted (Đ.118 k4): 20 - 3 = 17
    # days from 08/03 -> 24/03/2026.
    ("Gọn Hai", "tam_giam_rut_gon", "2026-03-24", None, None),
    # Gọn Ba: rút gọn custody "không được quá 03 ngày" (Đ.459 k2): an extension to 11/03 is beyond the
    # law; the limit stays 09:00 05/03 + 72 h -> 09:00 08/03/2026.
    ("Gọn Ba", "tam_giu_rut_gon", "2026-03-08", time(9, 0), None),
    # ---------------------------------------------------------------- truy tố, Đ.240 k1
    # Day 1 is the day the procuracy receives the file and the kết luận điều tra.
    # RP1: nghiêm trọng, 20 days from Tue 10/11/2026: day 20 = Sun 29/11 -> Mon 30/11/2026.
    ("RP1", "truy_to", "2026-11-30", None, None),
    # RP2: rất nghiêm trọng, 30 days from Mon 25/01/2027: 7 in January + 23 -> Tue 23/02/2027 (after Tết
    # 2027, a working day).
    ("RP2", "truy_to", "2027-02-23", None, None),
    # RP3: đặc biệt nghiêm trọng, 30 days from Mon 19/01/2026: 13 in January + 17 -> Tue 17/02/2026
    # (Tết 16-20/02, then Sat-Sun) -> Mon 23/02/2026.
    ("RP3", "truy_to", "2026-02-23", None, None),
    # RP5: nghiêm trọng, 20 days from Wed 09/02/2028: day 20 = Mon 28/02/2028 (the day before the leap
    # day).
    ("RP5", "truy_to", "2028-02-28", None, None),
    # Giam Truy Tố: Đ.241 (detention in the prosecution stage not longer than the Đ.240 k1 period: 20 days
    # for ít nghiêm trọng), TTLT 04/2018 Đ.18 k2 b (the remaining and the new detention together not
    # beyond that period); counted as detention from the day the file is received, Fri 10/04/2026 = day 1
    # -> Wed 29/04/2026, never moved (here the prosecution limit itself also ends on 29/04, a working day).
    ("Giam Truy Tố", "tam_giam_truy_to", "2026-04-29", None, None),
    # Giam Truy Tố Hai: rất nghiêm trọng, the Đ.240 k1 period is 30 days: detention from 05/08/2026
    # (day 1) -> 03/09/2026 (27 days in August + 3).
    ("Giam Truy Tố Hai", "tam_giam_truy_to", "2026-09-03", None, None),
    # ---------------------------------------------------------------- chuẩn bị xét xử, Đ.277 k1
    # Day 1 is the day of thụ lý.
    # RT01: ít nghiêm trọng, 30 days from Tue 31/03/2026: 1 in March + 29 -> Wed 29/04/2026, a working
    # day (the day before the 30/04-01/05 holidays).
    ("RT01", "chuan_bi_xet_xu", "2026-04-29", None, None),
    # RT02: nghiêm trọng, 45 days from Fri 17/07/2026: 15 in July + 30 -> Sun 30/08/2026; Mon 31/08 a day
    # off (swapped), then 01-02/09 Quốc khánh -> Thu 03/09/2026.
    ("RT02", "chuan_bi_xet_xu", "2026-09-03", None, None),
    # RT03: rất nghiêm trọng, 2 months from 30/06/2026 -> Sun 30/08/2026; 31/08, 01/09, 02/09 off
    # -> Thu 03/09/2026.
    ("RT03", "chuan_bi_xet_xu", "2026-09-03", None, None),
    # RT04: đặc biệt nghiêm trọng, 3 months from 29/11/2025: no 29/02/2026, so 28/02 (Sat) -> Mon 02/03/2026.
    ("RT04", "chuan_bi_xet_xu", "2026-03-02", None, None),
    # Giam Xét Xử: Đ.278 k2, detention before trial not longer than the Đ.277 k1 period (45 days,
    # nghiêm trọng), counted as detention from thụ lý 17/07/2026 = day 1 -> 17/07 + 44 = Sun 30/08/2026,
    # not moved.
    ("Giam Xét Xử", "tam_giam_xet_xu", "2026-08-30", None, None),
    # Giam Xét Xử Hai: đặc biệt nghiêm trọng, the Đ.277 k1 period is 3 months, as detention 90 days
    # (Đ.134 k1: a month of detention is 30 days) from 20/01/2026: 12 + 28 + 31 = 71 to 31/03, + 19
    # -> Sun 19/04/2026, not moved (the trial-preparation limit itself ends on 20/04/2026).
    ("Giam Xét Xử Hai", "tam_giam_xet_xu", "2026-04-19", None, None),
    # ---------------------------------------------------------------- minors, Luật 59/2024/QH15
    # RM1: opened 15/01/2026 (after 01/01/2026), accused 15 years old: at most half of Đ.172 k1's 2 months
    # = 1 month -> Sun 15/02/2026; Mon 16/02 - Fri 20/02 Tết -> Mon 23/02/2026.
    ("RM1", "dieu_tra_chua_thanh_nien", "2026-02-23", None, None),
    # RM2: nghiêm trọng, half of 3 months = 1 month 15 days from 10/03/2026: 10/04 + 15 days = Sat 25/04;
    # Sun 26/04 Giỗ Tổ, Mon 27/04 its substitute day off -> Tue 28/04/2026.
    ("RM2", "dieu_tra_chua_thanh_nien", "2026-04-28", None, None),
    # RM3: opened 20/12/2025, before the law took effect: Đ.179 k1 a keeps the BLTTHS limit, 2 months
    # -> 20/02/2026 (Tết) -> Mon 23/02/2026.
    ("RM3", "dieu_tra", "2026-02-23", None, None),
    # RM4: truy tố, nghiêm trọng: half of Đ.240 k1's 20 days = 10 days from Tue 21/04/2026 = day 1
    # -> Thu 30/04 (holiday), Fri 01/05 (holiday), Sat 02, Sun 03 -> Mon 04/05/2026.
    ("RM4", "truy_to_chua_thanh_nien", "2026-05-04", None, None),
    # ---------------------------------------------------------------- protests, Đ.337; judgment, Đ.262
    # Day 1 is the day the judgment is pronounced or the decision made.
    # RJ1: same-level protest of a judgment, 15 days from Wed 12/08/2026 -> Wed 26/08/2026.
    ("RJ1", "khang_nghi_hinh_su", "2026-08-26", None, None),
    # RJ1: higher-level protest, 30 days from Wed 12/08/2026: 20 in August + 10 -> Thu 10/09/2026.
    ("RJ1", "khang_nghi_hinh_su_cap_tren", "2026-09-10", None, None),
    # RJ2: same level, 15 days from Mon 02/02/2026 -> Mon 16/02 (Tết 16-20/02, then Sat-Sun)
    # -> Mon 23/02/2026.
    ("RJ2", "khang_nghi_hinh_su", "2026-02-23", None, None),
    # RJ2: higher level, 30 days from Mon 02/02/2026: 27 in February + 3 -> Tue 03/03/2026.
    ("RJ2", "khang_nghi_hinh_su_cap_tren", "2026-03-03", None, None),
    # RJ3: a court decision (Đ.337 k2): same level 7 days from Fri 24/04/2026 -> Thu 30/04 (holiday),
    # Fri 01/05 (holiday), Sat 02, Sun 03 -> Mon 04/05/2026.
    ("RJ3", "khang_nghi_quyet_dinh_hinh_su", "2026-05-04", None, None),
    # RJ3: higher level 15 days from Fri 24/04/2026: 7 in April + 8 -> Fri 08/05/2026.
    ("RJ3", "khang_nghi_quyet_dinh_hinh_su_cap_tren", "2026-05-08", None, None),
    # RJ4: Đ.262 k1, the first-instance court delivers the judgment within 10 days of Tue 03/03/2026
    # -> Thu 12/03/2026.
    ("RJ4", "giao_ban_an", "2026-03-12", None, None),
    # ---------------------------------------------------------------- quyết định thi hành án, Đ.364 k2
    # Day 1 is the day the judgment takes effect.
    # RE1: 7 days from Thu 27/08/2026 -> Wed 02/09 (Quốc khánh) -> Thu 03/09/2026.
    ("RE1", "quyet_dinh_thi_hanh_an", "2026-09-03", None, None),
    # RE2: 7 days from Tue 10/02/2026 -> Mon 16/02 (Tết 16-20/02, then Sat-Sun) -> Mon 23/02/2026.
    ("RE2", "quyet_dinh_thi_hanh_an", "2026-02-23", None, None),
    # RE3: 7 days from Thu 05/03/2026 -> Wed 11/03/2026.
    ("RE3", "quyet_dinh_thi_hanh_an", "2026-03-11", None, None),
    # RE4: judgment Thu 26/03/2026, nobody appeals or protests, «Ngày có hiệu lực» blank. The parties'
    # and the same-level procuracy's 15 days (Đ.333 k1, Đ.337 k1) end on Thu 09/04; the longest period
    # is the higher-level procuracy's 30 days (Đ.337 k1): 26/03..24/04/2026 (Fri, a working day). Đ.343:
    # the judgment takes effect "kể từ ngày hết thời hạn kháng cáo, kháng nghị", 24/04 (or Sat 25/04 if
    # read as the day after); Đ.364 k2: 7 days from then, day 1 included -> Thu 30/04 (holiday) or Fri
    # 01/05 (holiday), either way -> Mon 04/05/2026. The judgment date was chosen so that both readings
    # of Đ.343 give the same day (from a judgment of 25/03 they would give Wed 29/04 or Mon 04/05).
    ("Thi Hành Bốn", "quyet_dinh_thi_hanh_an", "2026-05-04", None, None),
    # ---------------------------------------------------------------- thời hiệu, BLHS Đ.27
    # RL1: nghiêm trọng, 10 years (Đ.27 k2 b) from 10/03/2021 -> Mon 10/03/2031.
    ("RL1", "thoi_hieu_truy_cuu", "2031-03-10", None, None),
    # RL2: ít nghiêm trọng, 5 years from 29/02/2024: 2029 has no 29/02, so the month's last day
    # (BLDS Đ.148 k3-4 by analogy) -> Wed 28/02/2029.
    ("RL2", "thoi_hieu_truy_cuu", "2029-02-28", None, None),
    # RL3: rất nghiêm trọng, 15 years from 15/06/2011 -> Mon 15/06/2026.
    ("RL3", "thoi_hieu_truy_cuu", "2026-06-15", None, None),
    # ---------------------------------------------------------------- BLTTDS (BLDS Đ.147-148)
    # RD1: Đ.203 k1 a, dân sự 4 months from 31/10/2025: no 31/02 -> Sat 28/02/2026 -> Mon 02/03/2026.
    ("RD1", "chuan_bi_xet_xu_dan_su", "2026-03-02", None, None),
    # RD2: Đ.203 k1 b, kinh doanh thương mại 2 months from 30/12/2027: no 30/02/2028, so the month's last
    # day Tue 29/02/2028.
    ("RD2", "chuan_bi_xet_xu_dan_su", "2028-02-29", None, None),
    # RD3: Đ.280 k1, same-level protest 15 days from Wed 28/01/2026 -> Thu 12/02/2026.
    ("RD3", "khang_nghi_dan_su", "2026-02-12", None, None),
    # RD3: higher level 1 month from 28/01/2026 -> Sat 28/02/2026 -> Mon 02/03/2026.
    ("RD3", "khang_nghi_dan_su_cap_tren", "2026-03-02", None, None),
    # RD4: the prosecutor did not attend: 15 days from the day the procuracy received the judgment,
    # Thu 05/02/2026 -> Fri 20/02/2026 (Tết) -> Mon 23/02/2026.
    ("RD4", "khang_nghi_dan_su_tu_ngay_nhan", "2026-02-23", None, None),
    # RD5: Đ.280 k2, decision to dismiss: 7 days from receipt Wed 26/08/2026 -> Wed 02/09 (Quốc khánh)
    # -> Thu 03/09/2026.
    ("RD5", "khang_nghi_quyet_dinh_dan_su", "2026-09-03", None, None),
    # RD6: Đ.203 k1 b, 2 months from 22/06/2026 -> Sat 22/08/2026, a working Saturday in 2026 (worked
    # in exchange for Monday 31/08, as holidays.VN ships it) -> not moved, 22/08/2026.
    ("RD6", "chuan_bi_xet_xu_dan_su", "2026-08-22", None, None),
    # ---------------------------------------------------------------- Luật TTHC
    # RH1: Đ.130 k1, 4 months from 31/05/2026: no 31/09, so Wed 30/09/2026.
    ("RH1", "chuan_bi_xet_xu_hanh_chinh", "2026-09-30", None, None),
    # RH2: Đ.213 k1, same level 15 days from Fri 10/04/2026 -> Sat 25/04; Sun 26/04 Giỗ Tổ, Mon 27/04 its
    # substitute day off -> Tue 28/04/2026.
    ("RH2", "khang_nghi_hanh_chinh", "2026-04-28", None, None),
    # RH2: higher level 30 days from 10/04/2026 -> Sun 10/05/2026 -> Mon 11/05/2026.
    ("RH2", "khang_nghi_hanh_chinh_cap_tren", "2026-05-11", None, None),
    # RH3: Đ.213 k2, decision to dismiss: same level 7 days from receipt Fri 24/04/2026 -> Fri 01/05
    # (holiday) -> Mon 04/05/2026.
    ("RH3", "khang_nghi_quyet_dinh_hanh_chinh", "2026-05-04", None, None),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> DeadlineReport:
    path = tmp_path_factory.mktemp("lawref") / "so.xlsx"
    build_workbook(ROWS).save(path)
    ledger = read_ledger(path)
    assert [p.message for p in ledger.problems if "Cán bộ" not in p.message] == []
    return compute_deadlines(ledger, TODAY)


def _find(report: DeadlineReport, who: str, kind: str) -> Deadline:
    found = [d for d in report.deadlines if d.kind == kind and who in (d.case, d.person)]
    assert len(found) == 1, (who, kind, [(d.kind, d.due) for d in report.deadlines if who in (d.case, d.person)])
    return found[0]


def _param(who: str, kind: str, due: str, hour: time | None, reason: str | None):
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(who, kind, D(due), hour, id=f"{who}-{kind}", marks=marks)


@pytest.mark.parametrize("who, kind, due, hour", [_param(*c) for c in CASES])
def test_reference_due_date(report, who, kind, due, hour):
    found = _find(report, who, kind)
    assert found.due == due, found.computation
    if hour is not None:
        assert found.due_time == hour, found.computation


def test_there_are_enough_reference_cases():
    assert len(CASES) >= 40
