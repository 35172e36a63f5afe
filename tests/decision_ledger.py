"""A ledger with one row due for each decision type, filled the way a clerk fills it (official
document numbers, agency short forms, several offences, a deputy prosecuting), for the decision
tests. `ROWS[type_key]` is the Excel row each type is issued for; `until(type_key)` ends its extension."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from macros_py.sample import sample_rows
from tests.conftest import TODAY
from workbook_templates.builder import FIRST_DATA_ROW, build_workbook

DAY = date(2026, 3, 16)
UNTIL = date(2026, 5, 15)
# the prosecution extension: files received 02/03/2026 for a «Rất nghiêm trọng» case, 30 days and at
# most 15 more (BLTTHS Đ.240)
UNTILS = {"gia-han-truy-to": date(2026, 4, 10),
          # the order ran to 21/03/2026: 02 months more (30 days each, TTLT 04/2018 Điều 17) end on 20/05/2026
          "gia-han-tam-giam": date(2026, 5, 20),
          # the tin báo's 20 days ran to 02/03/2026: the Viện trưởng extends «một lần nhưng không quá 02 tháng»
          # (BLTTHS Đ.147 k2), so to 02/05/2026 at the latest
          "gia-han-tin-bao": date(2026, 5, 2)}
UNIT = "VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 1 - HẢI PHÒNG"
POLICE = "Cơ quan CSĐT Công an khu vực Kiến Thụy"
POLICE_FULL = "Cơ quan Cảnh sát điều tra Công an khu vực Kiến Thụy"
JAIL = "Trại tạm giam Công an thành phố Hải Phòng"
RELEASE_REASON = "bị can đã bồi thường toàn bộ thiệt hại, có nơi cư trú rõ ràng, không cần thiết tiếp tục tạm giam"
REPLACEMENT_REASON = "Kiểm sát viên được phân công có căn cứ phải từ chối tiến hành tố tụng theo Điều 52 Bộ luật Tố tụng hình sự"

# the people, by role (names are in the sample's staff list, set below)
HEAD, DEPUTY_1, DEPUTY_2 = "Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Quốc Sơn"
KSV_1, KSV_2, KSV_3 = "Phạm Thị Lan", "Đỗ Văn Dũng", "Vũ Thị Hạnh"
KTV_1 = "Hoàng Văn Nam"

ROWS = {
    "tin-bao": FIRST_DATA_ROW, "gia-han-tin-bao": FIRST_DATA_ROW,
    "hinh-su": FIRST_DATA_ROW, "gia-han-dieu-tra": FIRST_DATA_ROW,
    "kiem-tra-vien": FIRST_DATA_ROW + 1, "gia-han-truy-to": FIRST_DATA_ROW + 1, "thay-doi-ksv": FIRST_DATA_ROW + 1,
    "gia-han-tam-giam": FIRST_DATA_ROW,
    "dan-su": FIRST_DATA_ROW, "hanh-chinh": FIRST_DATA_ROW + 1, "thi-hanh-an": FIRST_DATA_ROW,
    # the forms added in issue 23: a detained defendant (row 0) and another whose order is refused, then replaced
    "phe-chuan-lenh-tam-giam": FIRST_DATA_ROW, "phe-chuan-khoi-to-bi-can": FIRST_DATA_ROW,
    "phe-chuan-gia-han-tam-giu": FIRST_DATA_ROW, "huy-bo-tam-giam": FIRST_DATA_ROW,
    "khong-phe-chuan-lenh-tam-giam": FIRST_DATA_ROW + 1, "thay-the-tam-giam": FIRST_DATA_ROW + 1,
    "tra-ho-so-dieu-tra-bo-sung": FIRST_DATA_ROW + 1, "chuyen-vu-an": FIRST_DATA_ROW,
}
# the order a unit issues them in (the KTV's decision cites the KSV's, the change of KSV comes last)
ORDER = ("tin-bao", "gia-han-tin-bao", "hinh-su", "gia-han-dieu-tra", "gia-han-tam-giam", "kiem-tra-vien",
         "gia-han-truy-to", "thay-doi-ksv", "dan-su", "hanh-chinh", "thi-hanh-an",
         "phe-chuan-gia-han-tam-giu", "phe-chuan-khoi-to-bi-can", "phe-chuan-lenh-tam-giam",
         "khong-phe-chuan-lenh-tam-giam", "thay-the-tam-giam", "tra-ho-so-dieu-tra-bo-sung", "chuyen-vu-an",
         "huy-bo-tam-giam")
NEW_FORMS = ORDER[11:]


def until(key: str) -> date:
    return UNTILS.get(key, UNTIL)


def _staff() -> list[dict[str, Any]]:
    people = [(HEAD, "Viện trưởng", "Ông"), (DEPUTY_1, "Phó Viện trưởng", "Bà"), (DEPUTY_2, "Phó Viện trưởng", "Ông"),
              (KSV_1, "Kiểm sát viên", "Bà"), (KSV_2, "Kiểm sát viên", "Ông"), (KSV_3, "Kiểm sát viên", "Bà"),
              (KTV_1, "Kiểm tra viên", "Ông")]
    return [{"name": n, "title": t, "address": a, "email": f"u{i}@vks.example", "receives_alerts": True}
            for i, (n, t, a) in enumerate(people)]


def edit_rows(rows: dict[str, list[dict[str, Any]]]) -> None:
    rows["can_bo"] = _staff()
    for sheet in ("tin_bao", "an_hinh_su", "an_dan_su", "thi_hanh_an", "tam_dinh_chi"):
        for row in rows[sheet]:
            row["prosecutor"] = KSV_1
            if "leader" in row:
                row["leader"] = DEPUTY_2
            if "inspector" in row:
                row["inspector"] = KTV_1
    for reg in rows["so_quyet_dinh"]:
        reg["signer"] = HEAD
    tip = rows["tin_bao"][0]
    tip.update(outcome=None, outcome_date=None, extension_date=None, extended_to=None, investigating_body=POLICE,
               source="Tố giác", prosecutor=KSV_1, leader=DEPUTY_2, extension_request_no="15/ĐN-ĐCSHS",
               extension_request_date=date(2026, 3, 10))
    case, other = rows["an_hinh_su"][0], rows["an_hinh_su"][1]
    # a deputy who takes a case himself, and leads it
    case.update(stage="Điều tra", judgment_date=None, judgment_no=None, hearing_date=None, court_accepted=None,
                indictment_date=None, file_received=None, investigation_extended_to=None, resumed_date=None,
                prosecution_extended_to=None, trial_extended_to=None, opening_no="27/QĐ-CSĐT",
                opening_date=date(2026, 1, 20), category="Nghiêm trọng", investigating_body=POLICE,
                offence="Trộm cắp tài sản; Cố ý gây thương tích", article="Điều 173; Điều 134",
                prosecutor=DEPUTY_1, leader=DEPUTY_1, inspector=KTV_1, decision_no=None, decision_date=None,
                investigation_request_no="31/ĐN-ĐCSHS", investigation_request_date=date(2026, 3, 12))
    other.update(stage="Truy tố", judgment_date=None, judgment_no=None, hearing_date=None, court_accepted=None,
                 indictment_date=None, file_received=date(2026, 3, 2), opening_no="9/QĐ-CSĐT",
                 opening_date=date(2025, 11, 3), category="Rất nghiêm trọng", investigating_body=POLICE,
                 offence="Lừa đảo chiếm đoạt tài sản", article="Điều 174", prosecutor=KSV_2, leader=DEPUTY_2,
                 inspector=KTV_1, decision_no="41/QĐ-VKSKV1", decision_date=date(2025, 11, 5),
                 inspector_decision_no=None, inspector_decision_date=None, replacement_prosecutor=KSV_3,
                 prosecution_extended_to=None, replacement_reason=REPLACEMENT_REASON)
    defendant = next(d for d in rows["bi_can"] if d["case_id"] == case["case_id"])
    defendant.update(measure="Tạm giam", detention_start=date(2026, 1, 22), detention_until=date(2026, 3, 21),
                     detention_extended_to=None, released_date=None, birth_year=1994, detention_order_no="12/LTG",
                     detention_order_date=date(2026, 1, 22), detention_place=JAIL, detention_request_no="40/ĐN-ĐCSHS",
                     detention_request_date=date(2026, 3, 11), residence="xã Kiến Thụy, thành phố Hải Phòng",
                     id_number="031094001234", custody_start=date(2026, 1, 19), custody_until=date(2026, 1, 21),
                     custody_extended_to=date(2026, 1, 21), custody_extension_order_no="3/QĐ-CSĐT",
                     custody_extension_order_date=date(2026, 1, 19), charge_no="5/QĐ-CSĐT",
                     charge_date=date(2026, 1, 21), measure_reason=RELEASE_REASON)
    second = rows["bi_can"][1]
    second.update(case_id=case["case_id"], measure="Tạm giam", detention_start=date(2026, 3, 10),
                  detention_until=date(2026, 5, 9), released_date=None, detention_extended_to=None,
                  detention_order_no="14/LTG", detention_order_date=date(2026, 3, 10), detention_place=JAIL,
                  residence="xã An Lão, thành phố Hải Phòng", birth_year=2001, measure_reason=RELEASE_REASON,
                  new_measure="Cấm đi khỏi nơi cư trú")
    other.update(return_reasons="Làm rõ số tiền bị chiếm đoạt của từng bị hại; giám định chữ ký trên hợp đồng.")
    case.update(transfer_to="Cơ quan An ninh điều tra Công an thành phố Hải Phòng",
                transfer_reason="vụ án có dấu hiệu tội phạm thuộc thẩm quyền điều tra của Cơ quan An ninh điều tra")
    civil = rows["an_dan_su"]
    civil[0].update(case_type="Dân sự", stage="Chuẩn bị xét xử", judgment_date=None, judgment_no=None,
                    hearing_date=None, acceptance_no="15/2026/TLST-DS", court="TAND khu vực 1 - Hải Phòng")
    civil[1].update(case_type="Hành chính", stage="Chuẩn bị xét xử", judgment_date=None, judgment_no=None,
                    hearing_date=None, acceptance_no="3/2026/TLST-HC", court="TAND khu vực 1 - Hải Phòng")
    enforcement = rows["thi_hanh_an"][0]
    enforcement.update(penalty="1 năm tù", effective_date=date(2026, 2, 20), enforcement_decision_no="12/2026/QĐ-CA",
                       enforcement_decision_date=date(2026, 2, 27), court="TAND khu vực 1 - Hải Phòng")


def build_ledger(path: Path, edit=None) -> Path:
    rows = sample_rows(10, seed=5, today=TODAY)
    edit_rows(rows)
    if edit:
        edit(rows)
    wb = build_workbook(rows)
    for ws in wb.worksheets:  # text a clerk typed stays text
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    wb.save(path)
    return path
