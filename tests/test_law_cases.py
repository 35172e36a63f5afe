"""Hand-computed due dates for every rule of rules.toml, from the statute's text.

Each expected date below was counted by hand from the clause cited beside it; weekdays were read from
a printed calendar, days off from holidays.VN plus the shipped days_off.toml (never from kiemsat):

  2018: 01/03 Thu, 04/03 Sun, 29/04 Sun, 03/06 Sun
  2024: leap year; 29/02 Thu
  2025: 28/02 Fri, 31/12 Wed
  2026: 01/01 Thu (Tết Dương lịch), 02/01 Fri (day off, Công văn 12729/VPCP-KGVX), 03-04/01 weekend,
        05/01 Mon, 10/01 Sat (make-up working day); Tết Bính Ngọ: 14/02 Sat .. 22/02 Sun all off
        (16-20/02 holidays), 23/02 Mon; 28/02 Sat, 02/03 Mon; 21/03 Sat, 23/03 Mon; 18/04 Sat;
        30/04 Thu, 01/05 Fri (holidays), 02-03/05 weekend, 04/05 Mon; 03/05 Sun; 22/08 Sat (make-up
        working day for 31/08); 31/08 Mon, 01/09 Tue, 02/09 Wed off, 03/09 Thu; 04/10 Sun, 05/10 Mon

Counting (BLTTHS Đ.134 k1): criminal limits count the first day as day 1 and an end on a day off
moves to the next working day; detention runs through days off with months of 30 days (TTLT
04/2018 Đ.17); tạm giữ runs in 24-hour periods from the hour of receipt (Đ.117 k2, Đ.118); civil
limits start the day after (BLDS Đ.147 k1) and move off days off (Đ.148); the limitation of
criminal liability ends on the same date N years later and never moves (BLHS Đ.27 k3).
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from macros_py.law.deadlines import STATUS_DONE, Deadline, DeadlineReport, compute_deadlines
from macros_py.law.rules import DEFAULT_RULES_PATH, RulesError, load_rules
from macros_py.ledger.reader import read_ledger
from workbook_templates.builder import build_workbook

TODAY = date(2026, 3, 10)
D = date.fromisoformat


def _case(case_id: str, category: str, opening: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"case_id": case_id, "offence": "Trộm cắp tài sản", "category": category,
                           "opening_date": D(opening)}
    row.update({k: D(v) if isinstance(v, str) and v[:2] in ("19", "20") else v for k, v in values.items()})
    return row


def _dated(values: dict[str, Any]) -> dict[str, Any]:
    return {k: D(v) if isinstance(v, str) and v[:2] in ("19", "20") else v for k, v in values.items()}


def _person(name: str, case_id: str, **values: Any) -> dict[str, Any]:
    return {"name": name, "case_id": case_id, **_dated(values)}


ROWS: dict[str, list[dict[str, Any]]] = {
    "tin_bao": [
        {"receipt_no": f"TB{i}", "receipt_date": D(day), **_dated(more)} for i, (day, more) in enumerate([
            ("2026-02-12", {}),  # TB0
            ("2026-01-28", {}),  # TB1
            ("2025-12-14", {}),  # TB2
            ("2025-12-22", {}),  # TB3
            ("2026-04-11", {}),  # TB4
            ("2026-08-14", {}),  # TB5
            ("2026-09-15", {}),  # TB6
            ("2026-08-12", {}),  # TB7
            ("2026-08-03", {}),  # TB8
            ("2026-03-02", {}),  # TB9
            ("2026-01-05", {"extension_date": "2026-02-20", "extended_to": "2026-05-10"}),  # TB10
            ("2026-01-05", {"extension_date": "2026-03-20"}),  # TB11: extended after the 2 months had run
        ])
    ],
    "an_hinh_su": [
        _case("V2018A", "Ít nghiêm trọng", "2018-03-01"),
        _case("V2018B", "Ít nghiêm trọng", "2018-03-01"),
        _case("IT1", "Ít nghiêm trọng", "2026-01-31"),
        _case("NT2", "Nghiêm trọng", "2025-11-30"),
        _case("RNT3", "Rất nghiêm trọng", "2023-10-29"),
        _case("NT4", "Nghiêm trọng", "2025-11-16"),
        _case("RG5", "Ít nghiêm trọng", "2026-03-02", procedure="Rút gọn"),
        _case("NT6", "Nghiêm trọng", "2026-01-01", investigation_extended_to="2026-08-15",
              investigation_extensions=1),
        _case("NT7", "Nghiêm trọng", "2026-01-01", investigation_extended_to="2026-08-15"),
        _case("RNT8", "Rất nghiêm trọng", "2025-06-01", resumed_date="2026-05-31", stage="Phục hồi điều tra"),
        _case("NT9", "Nghiêm trọng", "2025-12-01", file_received="2026-04-11", stage="Truy tố"),
        _case("DB10", "Đặc biệt nghiêm trọng", "2025-06-01", file_received="2026-08-03", stage="Truy tố"),
        _case("RG11", "Ít nghiêm trọng", "2026-02-01", procedure="Rút gọn", file_received="2026-02-26",
              stage="Truy tố"),
        _case("IT12", "Ít nghiêm trọng", "2025-12-01", file_received="2026-03-01", indictment_date="2026-03-20",
              court_accepted="2026-04-01", stage="Xét xử sơ thẩm"),
        _case("DB13", "Đặc biệt nghiêm trọng", "2025-01-01", file_received="2025-10-01",
              indictment_date="2025-11-01", court_accepted="2025-11-30", stage="Xét xử sơ thẩm"),
        _case("RG14", "Ít nghiêm trọng", "2025-12-01", procedure="Rút gọn", file_received="2025-12-15",
              indictment_date="2025-12-18", court_accepted="2025-12-23", stage="Xét xử sơ thẩm"),
        _case("J15", "Nghiêm trọng", "2026-01-01", judgment_date="2026-09-15", stage="Đã xét xử"),
        _case("J16", "Nghiêm trọng", "2026-01-01", judgment_date="2026-04-28", decision_kind="Quyết định",
              stage="Đã xét xử"),
        _case("J17", "Nghiêm trọng", "2026-01-01", judgment_date="2026-08-03", stage="Đã xét xử"),
        _case("J18", "Nghiêm trọng", "2025-06-01", judgment_date="2025-12-18", decision_kind="Quyết định",
              stage="Đã xét xử"),
        _case("J19", "Nghiêm trọng", "2025-06-01", judgment_date="2025-12-24", stage="Đã xét xử"),
        _case("J20", "Nghiêm trọng", "2025-06-01", judgment_date="2025-12-24", judgment_received="2025-12-28",
              stage="Đã xét xử"),
        _case("NT21", "Nghiêm trọng", "2025-10-15"),
        _case("RNT22", "Rất nghiêm trọng", "2025-10-01", file_received="2026-03-20", stage="Truy tố"),
        _case("RNT23", "Rất nghiêm trọng", "2025-10-01", file_received="2026-03-20",
              prosecution_extended_to="2026-05-05", stage="Truy tố"),
        _case("NT24", "Nghiêm trọng", "2025-10-01", file_received="2026-03-01", indictment_date="2026-03-20",
              court_accepted="2026-04-01", stage="Xét xử sơ thẩm"),
        _case("RNT25", "Rất nghiêm trọng", "2025-10-01", file_received="2026-02-01", indictment_date="2026-03-01",
              court_accepted="2026-03-15", stage="Xét xử sơ thẩm"),
        _case("NT26", "Nghiêm trọng", "2025-01-01", resumed_date="2026-06-01", stage="Phục hồi điều tra"),
        _case("NT27", "Nghiêm trọng", "2025-01-01", file_received="2026-06-01", resumed_date="2026-07-10",
              returned_by="Tòa án", stage="Điều tra bổ sung"),
        _case("RG28", "Ít nghiêm trọng", "2026-03-01", procedure="Rút gọn"),
        _case("DB29", "Đặc biệt nghiêm trọng", "2026-01-01"),
        _case("IT30", "Ít nghiêm trọng", "2023-12-01"),
        _case("G31", "Nghiêm trọng", "2026-03-01"),
        _case("RG32", "Ít nghiêm trọng", "2026-03-01", procedure="Rút gọn"),
        _case("M1", "Nghiêm trọng", "2026-01-05"),
        _case("M2", "Nghiêm trọng", "2025-12-20"),
        _case("M3", "Nghiêm trọng", "2026-01-02"),
        _case("M4", "Rất nghiêm trọng", "2026-01-10", file_received="2026-03-04", stage="Truy tố"),
        _case("M5", "Nghiêm trọng", "2026-01-05", file_received="2026-02-02", indictment_date="2026-03-02",
              court_accepted="2026-03-09", stage="Xét xử sơ thẩm"),
        # opened in 2025, the file reaches the procuracy in 2026 (Đ.179 k1a read stage by stage)
        _case("M6", "Ít nghiêm trọng", "2025-11-03", file_received="2026-02-02", stage="Truy tố"),
        # accepted by the court before / after 01/01/2026 (Công văn 92/TANDTC-PC)
        _case("M7", "Nghiêm trọng", "2025-10-01", file_received="2025-12-01", indictment_date="2025-12-20",
              court_accepted="2025-12-29", stage="Xét xử sơ thẩm"),
        _case("M8", "Nghiêm trọng", "2025-10-01", file_received="2025-12-01", indictment_date="2025-12-20",
              court_accepted="2026-01-12", stage="Xét xử sơ thẩm"),
        # extensions known from their decision's date (no «Số lần gia hạn»)
        _case("GH1", "Nghiêm trọng", "2026-01-05", investigation_extension_date="2026-03-25",
              investigation_extended_to="2026-08-05"),
        _case("GH2", "Nghiêm trọng", "2026-01-05", investigation_extension_date="2026-05-10"),
        _case("GH3", "Ít nghiêm trọng", "2026-01-05", investigation_extension_date="2026-03-10"),
        _case("GH4", "Rất nghiêm trọng", "2025-10-01", file_received="2026-03-20", stage="Truy tố",
              prosecution_extension_date="2026-04-21", prosecution_extended_to="2026-05-05"),
    ],
    "bi_can": [
        # TTLT 04/2018 Đ.17 ví dụ 1: custody 10:00 01/3 - 10:00 04/3, detention continues on 04/3
        _person("A2018", "V2018A", measure="Tạm giam", custody_start="2018-03-01", custody_time=time(10, 0),
                custody_until="2018-03-04", detention_start="2018-03-04"),
        # ví dụ 2: custody 14:00 05/3 - 14:00 11/3 (6 days: one extension of 3), then detention from 11/4
        _person("B2018", "V2018B", measure="Tạm giam", custody_start="2018-03-05", custody_time=time(14, 0),
                custody_extended_to="2018-03-11", custody_extensions=1, detention_start="2018-04-11"),
        _person("G1", "G31", measure="Tạm giữ", custody_start="2026-03-01", custody_time=time(10, 0)),
        _person("G2", "G31", measure="Tạm giữ", custody_start="2025-12-31", custody_time=time(22, 30)),
        _person("G3", "IT30", measure="Tạm giữ", custody_start="2024-02-28", custody_time=time(23, 0)),
        _person("G4", "G31", measure="Tạm giữ", custody_start="2026-03-01"),
        _person("G5", "G31", measure="Tạm giữ", custody_start="2026-03-01", custody_time=time(10, 0),
                custody_until="2026-03-04"),
        _person("G6", "G31", measure="Tạm giữ", custody_start="2026-03-01", custody_time=time(10, 0),
                custody_extended_to="2026-03-12"),
        _person("G7", "G31", measure="Tạm giữ", custody_start="2026-03-01", custody_time=time(10, 0),
                custody_extended_to="2026-03-08", custody_extensions=1),
        _person("G9", "G31", measure="Tạm giữ", custody_start="2026-03-01", custody_time=time(10, 0),
                custody_extensions=2),
        _person("D16", "NT21", measure="Tạm giam", detention_start="2026-02-01", detention_extensions=1),
        _person("G8", "RG32", measure="Tạm giữ", custody_start="2026-03-01", custody_time=time(8, 0),
                custody_extended_to="2026-03-06"),
        _person("D3", "NT2", measure="Tạm giam", detention_start="2026-01-15"),
        _person("D4", "IT1", measure="Tạm giam", detention_start="2025-12-24"),
        _person("D5", "IT30", measure="Tạm giam", detention_start="2024-01-01"),
        _person("D6", "NT21", measure="Tạm giam", detention_start="2026-01-01", detention_extended_to="2026-05-31"),
        _person("D7", "DB29", measure="Tạm giam", detention_start="2026-01-01",
                detention_extended_to="2026-12-30", detention_extensions=1),
        _person("D7b", "DB29", measure="Tạm giam", detention_start="2026-01-01", detention_extended_to="2026-12-30"),
        _person("D9", "RNT22", measure="Tạm giam", detention_start="2026-03-20"),
        _person("D10", "RNT23", measure="Tạm giam", detention_start="2026-03-20"),
        _person("D11", "NT24", measure="Tạm giam", detention_start="2026-04-01"),
        _person("D12", "RNT25", measure="Tạm giam", detention_start="2026-03-15"),
        _person("D13", "NT26", measure="Tạm giam", detention_start="2026-06-01"),
        _person("D14", "NT27", measure="Tạm giam", detention_start="2026-07-10"),
        _person("D15", "RG28", measure="Tạm giam", detention_start="2026-03-01"),
        _person("RG11a", "RG11", measure="Tạm giam", custody_start="2026-02-23", custody_time=time(9, 0),
                custody_until="2026-02-26", detention_start="2026-02-26"),
        _person("RG14a", "RG14", measure="Tạm giam", detention_start="2025-12-23"),
        _person("M1a", "M1", birth_date="2009-06-10"),  # 16 on 05/01/2026
        _person("M1b", "M1", birth_date="1990-01-01"),  # an adult co-accused: the youngest counts
        _person("M2a", "M2", birth_date="2009-06-10"),  # a minor, but the case was opened before 01/01/2026
        _person("M3a", "M3", birth_date="2008-01-01"),  # 18 on 01/01/2026, before the opening on 02/01
        _person("M4a", "M4", birth_date="2010-05-05", measure="Tạm giam", detention_start="2026-03-04"),
        _person("M5a", "M5", birth_date="2010-05-05"),
        _person("M6a", "M6", birth_date="2009-06-10"),
        _person("M7a", "M7", birth_date="2009-06-10"),
        _person("M8a", "M8", birth_date="2009-06-10"),
        # BLTTHS Đ.419 k1: detention of a defendant under 18 on the day it starts is 2/3 of Đ.173
        _person("MD1", "M1", birth_date="2009-06-10", measure="Tạm giam", detention_start="2026-01-10"),
        _person("MD2", "IT30", birth_date="2008-09-01", measure="Tạm giam", detention_start="2024-01-01"),
        _person("MD3", "M1", birth_date="2008-01-10", measure="Tạm giam", detention_start="2026-01-10"),
        _person("MD4", "DB29", birth_date="2010-02-01", measure="Tạm giam", detention_start="2026-01-01",
                detention_extensions=3),
        # Đ.173 k6: a third extension of 4 months for an especially serious crime is lawful
        _person("D17", "DB29", measure="Tạm giam", detention_start="2026-01-01", detention_extensions=3),
        _person("GHa", "NT21", measure="Tạm giam", detention_start="2026-02-01",
                detention_extension_date="2026-04-25", detention_extended_to="2026-07-15"),
        _person("GHb", "NT21", measure="Tạm giam", detention_start="2026-02-01", detention_extension_date="2026-05-05"),
        _person("GHc", "NT21", measure="Tạm giam", detention_start="2026-02-01", detention_extensions=1,
                detention_extension_date="2026-05-03", detention_extended_to="2026-06-30"),
    ],
    "an_dan_su": [
        {"case_id": "V1", "case_type": "Dân sự", "acceptance_date": D("2025-10-31")},
        {"case_id": "V2", "case_type": "Kinh doanh, thương mại", "acceptance_date": D("2023-12-29")},
        {"case_id": "V3", "case_type": "Hôn nhân và gia đình", "acceptance_date": D("2025-10-17")},
        {"case_id": "V4", "case_type": "Lao động", "acceptance_date": D("2026-03-01"),
         "file_received": D("2026-04-15")},
        {"case_id": "V5", "case_type": "Dân sự", "acceptance_date": D("2026-01-05"),
         "judgment_date": D("2026-08-17"), "stage": "Đã xét xử"},
        {"case_id": "V6", "case_type": "Dân sự", "acceptance_date": D("2026-01-05"),
         "judgment_date": D("2026-09-01"), "judgment_received": D("2026-09-10"), "stage": "Đã xét xử"},
        {"case_id": "V7", "case_type": "Dân sự", "acceptance_date": D("2026-01-05"),
         "judgment_date": D("2026-07-31"), "stage": "Đã xét xử"},
        {"case_id": "V8", "case_type": "Dân sự", "acceptance_date": D("2026-01-05"), "decision_kind": "Quyết định",
         "judgment_date": D("2026-04-24"), "judgment_received": D("2026-04-27"), "stage": "Đình chỉ"},
        {"case_id": "V9", "case_type": "Hành chính", "acceptance_date": D("2025-06-01"),
         "judgment_date": D("2025-12-01"), "stage": "Đã xét xử"},
        {"case_id": "V10", "case_type": "Hành chính", "acceptance_date": D("2025-09-28")},
        {"case_id": "V14", "case_type": "Hành chính", "acceptance_date": D("2025-12-31"),
         "limitation_case": "Điểm b khoản 2 Điều 116"},
        {"case_id": "V11", "case_type": "Hành chính", "acceptance_date": D("2026-01-05"),
         "file_received": D("2026-08-18")},
        {"case_id": "V12", "case_type": "Hành chính", "acceptance_date": D("2026-01-05"),
         "judgment_date": D("2026-04-15"), "stage": "Đã xét xử"},
        {"case_id": "V13", "case_type": "Hành chính", "acceptance_date": D("2026-01-05"), "decision_kind": "Quyết định",
         "judgment_date": D("2026-08-20"), "judgment_received": D("2026-08-25"), "stage": "Đình chỉ"},
    ],
    "thi_hanh_an": [
        {"judgment_no": "E1", "judgment_date": D("2026-03-20"), "person": "Nguyễn Văn E",
         "effective_date": D("2026-04-26")},
        {"judgment_no": "E2", "judgment_date": D("2026-07-20"), "person": "Trần Văn F",
         "effective_date": D("2026-08-27")},
        {"judgment_no": "E3", "judgment_date": D("2026-01-10"), "person": "Lê Văn G",
         "effective_date": D("2026-02-10"), "enforcement_decision_date": D("2026-02-12")},
        # «Ngày có hiệu lực» blank: computed from the judgment date (Đ.343)
        {"judgment_no": "E4", "judgment_date": D("2026-03-20"), "person": "Phạm Văn H"},
        {"judgment_no": "E5", "judgment_date": D("2026-08-03"), "person": "Đỗ Văn K"},
    ],
    "tam_dinh_chi": [
        {"case_id": "L1", "kind": "Vụ án hình sự", "decision_date": D("2021-01-10"), "offence_date": D("2020-02-29"),
         "category": "Ít nghiêm trọng"},
        {"case_id": "L2", "kind": "Tin báo", "decision_date": D("2017-01-10"), "offence_date": D("2016-09-02"),
         "category": "Nghiêm trọng"},
        {"case_id": "L3", "kind": "Vụ án hình sự", "decision_date": D("2007-01-10"), "offence_date": D("2006-03-15"),
         "category": "Đặc biệt nghiêm trọng"},
        {"case_id": "R1", "kind": "Tin báo", "decision_date": D("2026-01-15")},
    ],
}


_TITLES = {"tin_bao": "Tin báo", "an_hinh_su": "Án hình sự", "bi_can": "Bị can", "thi_hanh_an": "Thi hành án hình sự"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> DeadlineReport:
    path = tmp_path_factory.mktemp("law") / "so.xlsx"
    build_workbook(ROWS).save(path)
    ledger = read_ledger(path)
    assert [p for p in ledger.problems if "Cán bộ" not in p.message] == []
    return compute_deadlines(ledger, TODAY)


def _find(report: DeadlineReport, who: str, kind: str) -> Deadline:
    found = [d for d in report.deadlines if d.kind == kind and who in (d.case, d.person)]
    assert len(found) == 1, (who, kind, [(d.kind, d.due) for d in report.deadlines if who in (d.case, d.person)])
    return found[0]


CASES = [
    # ---- tin báo, BLTTHS Đ.147 k1: 20 days, day 1 = receipt, end moved off days off (Đ.134 k1)
    ("TB0", "tin_bao", "2026-03-03"),  # 12/02 + 19 = 31/02 -> 03/03 (Tue), across Tết: only the end counts
    ("TB1", "tin_bao", "2026-02-23"),  # 28/01 + 19 = 16/02, Tết (14-22/02 off) -> Mon 23/02
    ("TB2", "tin_bao", "2026-01-05"),  # 14/12/2025 + 19 = 02/01/2026, the decided day off, then 03-04 -> 05/01
    ("TB3", "tin_bao", "2026-01-10"),  # 22/12/2025 + 19 = 10/01/2026: a Saturday worked in exchange: stays
    ("TB4", "tin_bao", "2026-05-04"),  # 11/04 + 19 = 30/04; 30/4, 1/5 holidays, 2-3/5 weekend -> 04/05
    ("TB5", "tin_bao", "2026-09-03"),  # 14/08 + 19 = 02/09 (Quốc khánh) -> Thu 03/09
    ("TB6", "tin_bao", "2026-10-05"),  # 15/09 + 19 = 04/10 (Sunday) -> Mon 05/10
    ("TB7", "tin_bao", "2026-09-03"),  # 12/08 + 19 = 31/08 (swapped day off), 01-02/09 off -> 03/09
    ("TB8", "tin_bao", "2026-08-22"),  # 03/08 + 19 = 22/08: the Saturday worked for 31/08: stays
    ("TB9", "tin_bao", "2026-03-23"),  # 02/03 + 19 = 21/03 (Sat) -> Mon 23/03
    # Đ.147 k2: the extension request is due 5 days before expiry: 23/03 - 5 = 18/03
    ("TB9", "tin_bao_de_nghi_gia_han", "2026-03-18"),
    # Đ.147 k2 maximum: 4 months from 05/01 -> 05/05 (Tue); the typed 10/05 is beyond and cut there
    ("TB10", "tin_bao", "2026-05-05"),
    # ---- tạm giữ, Đ.118 k1-2 in 24-hour periods from the hour (Đ.117 k2)
    ("G1", "tam_giu", "2026-03-04"),  # 10:00 01/03 + 72 h = 10:00 04/03
    ("G2", "tam_giu", "2026-01-03"),  # 22:30 31/12/2025 + 72 h = 22:30 03/01/2026 (across midnight and year)
    ("G3", "tam_giu", "2024-03-02"),  # 23:00 28/02/2024 + 72 h: 29/02, 01/03, 02/03 23:00 (leap year)
    ("G4", "tam_giu", "2026-03-03"),  # no hour: assume 00:00 01/03, so 72 h end at 24:00 03/03
    ("G5", "tam_giu", "2026-03-04"),  # a decision ending 04/03 (10:00) is within the law: kept
    ("G6", "tam_giu", "2026-03-10"),  # 3 + 3 + 3 days at most: 10:00 01/03 + 9 d = 10:00 10/03; 12/03 is cut
    ("G7", "tam_giu", "2026-03-07"),  # first extension only: 3 + 3 = 6 d -> 10:00 07/03; the typed 08/03 is cut
    ("G9", "tam_giu", "2026-03-10"),  # second extension recorded, no date typed: 3 + 3 + 3 d -> 10:00 10/03
    ("G8", "tam_giu_rut_gon", "2026-03-04"),  # rút gọn Đ.459 k2: 3 days, no extension: 08:00 04/03
    # ---- tạm giam, Đ.173 + TTLT 04/2018 Đ.17 (30-day months, never moved)
    ("A2018", "tam_giam", "2018-04-29"),  # ví dụ 1: 60 - 3 = 57 days from 04/03: 28 (Mar) + 29 (Apr) -> 29/04
    ("B2018", "tam_giam", "2018-06-03"),  # ví dụ 2: 60 - 6 = 54 days from 11/04: 20 + 31 + 3 -> 03/06 (Sunday)
    ("D3", "tam_giam", "2026-04-14"),  # NT 90 days from 15/01: 17 + 28 + 31 = 76, + 14 -> 14/04
    ("D3", "tam_giam_de_nghi_gia_han", "2026-04-04"),  # Đ.173 k2: 10 days before 14/04
    ("D4", "tam_giam", "2026-02-21"),  # ít NT 60 days from 24/12/2025: 8 + 31 = 39, + 21 -> 21/02 (Tết, stays)
    ("D5", "tam_giam", "2024-02-29"),  # 60 days from 01/01/2024: 31 + 29 -> 29/02 (leap day)
    ("D6", "tam_giam", "2026-05-30"),  # NT 3 + 2 months = 150 days from 01/01: 31+28+31+30 = 120, +30 -> 30/05
    # first extension recorded, no date typed: NT 3 + 2 months = 150 d from 01/02: 28 + 31 + 30 + 31 = 120
    # (to 31/05), + 30 -> 30/06
    ("D16", "tam_giam", "2026-06-30"),
    ("D7", "tam_giam", "2026-08-28"),  # ĐBNT first extension: 4 + 4 months = 240 d from 01/01: 243 to 31/08 -> 28/08
    # ĐBNT, typed 30/12/2026 with no count: the law allows 4 + 4 + 4 (k2d) + 4 (k6) months = 480 days from
    # 01/01/2026 (365 + 115: 01/01/2027 + 114 = 25/04/2027), so the typed date stands. (Before the k6
    # extension was in the table the maximum was 360 days, 26/12/2026, and this lawful order was cut.)
    ("D7b", "tam_giam", "2026-12-30"),
    ("D17", "tam_giam", "2027-04-25"),  # three extensions recorded (k2d twice, k6 once): 480 d -> 25/04/2027
    ("D9", "tam_giam_truy_to", "2026-04-18"),  # Đ.241: RNT Đ.240 k1 30 days from 20/03: 12 + 18 -> 18/04 (Sat)
    ("D10", "tam_giam_truy_to", "2026-05-03"),  # extended: 30 + 15 = 45 d from 20/03: 12 + 30 + 3 -> 03/05 (Sun)
    ("D11", "tam_giam_xet_xu", "2026-05-15"),  # Đ.278 k2: NT Đ.277 45 days from 01/04: 30 + 15 -> 15/05
    ("D12", "tam_giam_xet_xu", "2026-05-13"),  # RNT 2 months = 60 d from 15/03: 17 + 30 + 13 -> 13/05
    ("D13", "tam_giam_phuc_hoi_dieu_tra", "2026-07-30"),  # Đ.174 k4: NT 2 months = 60 d from 01/06 -> 30/07
    ("D14", "tam_giam_dieu_tra_bo_sung", "2026-08-08"),  # Đ.174 k4: court's 1 month = 30 d from 10/07 -> 08/08
    ("D15", "tam_giam_rut_gon", "2026-03-20"),  # rút gọn Đ.459 k3: 20 days from 01/03 -> 20/03
    # rút gọn Đ.459 k3, prosecution: 5 days from 26/02 (26, 27, 28, 01, 02) -> 02/03; the custody before is
    # deducted only from detention for investigation (TTLT 04/2018 Đ.17 k1), not here
    ("RG11a", "tam_giam_truy_to_rut_gon", "2026-03-02"),
    ("RG14a", "tam_giam_xet_xu_rut_gon", "2026-01-08"),  # Đ.459 k3: 17 days from 23/12/2025: 9 + 8 -> 08/01
    ("NT27", "dieu_tra_bo_sung", "2026-08-10"),  # Đ.174 k2, returned by the court: 1 month from 10/07 -> 10/08
    # ---- điều tra, Đ.172 k1 (months: same date of the later month, moved off days off)
    ("IT1", "dieu_tra", "2026-03-31"),  # ít NT 2 months from 31/01 -> 31/03 (Tue)
    ("IT1", "dieu_tra_de_nghi_gia_han", "2026-03-21"),  # Đ.172 k2: 10 days before 31/03
    ("NT2", "dieu_tra", "2026-03-02"),  # NT 3 months from 30/11/2025: no 30/02 -> 28/02 (Sat) -> Mon 02/03
    ("RNT3", "dieu_tra", "2024-02-29"),  # RNT 4 months from 29/10/2023 -> 29/02/2024 (Thu)
    ("NT4", "dieu_tra", "2026-02-23"),  # NT 3 months from 16/11/2025 -> 16/02/2026 (Tết) -> 23/02
    ("RG5", "dieu_tra_rut_gon", "2026-03-23"),  # Đ.460 k1: 20 days from 02/03 -> 21/03 (Sat) -> 23/03
    ("NT6", "dieu_tra", "2026-07-01"),  # first extension: 3 + 3 months from 01/01 -> 01/07; typed 15/08 is cut
    ("NT7", "dieu_tra", "2026-08-15"),  # no count: the law's 3 + 3 + 2 = 8 months (01/09 -> 03/09) allows 15/08
    ("RNT8", "phuc_hoi_dieu_tra", "2026-09-03"),  # Đ.174 k1: RNT 3 months from 31/05 -> 31/08 (off) -> 03/09
    # ---- truy tố, Đ.240 k1 / rút gọn Đ.461 k1
    ("NT9", "truy_to", "2026-05-04"),  # 20 days from 11/04 -> 30/04 -> 04/05
    ("DB10", "truy_to", "2026-09-03"),  # 30 days from 03/08 -> 01/09 (off), 02/09 (off) -> 03/09
    ("RG11", "truy_to_rut_gon", "2026-03-02"),  # 5 days from 26/02: 26, 27, 28, 01, 02 -> 02/03 (Mon)
    # ---- chuẩn bị xét xử, Đ.277 k1 / rút gọn Đ.462 k1
    ("IT12", "chuan_bi_xet_xu", "2026-05-04"),  # ít NT 30 days from 01/04 -> 30/04 -> 04/05
    ("DB13", "chuan_bi_xet_xu", "2026-03-02"),  # ĐBNT 3 months from 30/11/2025 -> 28/02 (Sat) -> 02/03
    ("RG14", "chuan_bi_xet_xu_rut_gon", "2026-01-05"),  # 10 days from 23/12/2025 -> 01/01, 02/01 off -> 05/01
    # ---- kháng nghị, Đ.337; giao bản án, Đ.262 k1
    ("J15", "khang_nghi_hinh_su", "2026-09-29"),  # 15 days from 15/09 -> 29/09 (Tue)
    ("J16", "khang_nghi_quyet_dinh_hinh_su", "2026-05-04"),  # k2: 7 days from 28/04 -> 04/05 (Mon)
    ("J17", "khang_nghi_hinh_su_cap_tren", "2026-09-03"),  # k1: 30 days from 03/08 -> 01/09 -> 03/09
    ("J18", "khang_nghi_quyet_dinh_hinh_su_cap_tren", "2026-01-05"),  # k2: 15 d from 18/12/2025 -> 01/01 -> 05/01
    ("J19", "giao_ban_an", "2026-01-05"),  # 10 days from 24/12/2025 -> 02/01 (decided day off) -> 05/01
    # ---- thi hành án, Đ.364 k2: 7 days from the judgment taking effect
    ("E1", "quyet_dinh_thi_hanh_an", "2026-05-04"),  # from 26/04: 02/05 (Sat) -> 04/05
    ("E2", "quyet_dinh_thi_hanh_an", "2026-09-03"),  # from 27/08: 02/09 (Quốc khánh) -> 03/09
    # «Ngày có hiệu lực» blank: Đ.343, the judgment takes effect the day after the last of the appeal
    # and protest periods from the pronouncement (Đ.333 k1: 15 days; Đ.337 k1: 15 days, higher level 30
    # days; each ends at 24:00 of its last day, moved off days off, Đ.134 k1).
    # 20/03: 15 days -> 03/04 (Fri); 30 days -> 18/04 (Sat) -> Mon 20/04; in effect from Tue 21/04;
    # 7 days from 21/04: 21..27/04, 27/04 is the day off for Giỗ Tổ (26/04, a Sunday) -> Tue 28/04
    ("E4", "quyet_dinh_thi_hanh_an", "2026-04-28"),
    # 03/08: 30 days -> 01/09 (off), 02/09 (Quốc khánh) -> Thu 03/09; in effect from Fri 04/09;
    # 7 days from 04/09: 04..10/09 -> Thu 10/09
    ("E5", "quyet_dinh_thi_hanh_an", "2026-09-10"),
    # ---- extensions from their decision's date, the law's step for that extension
    # Đ.172 k1: NT 3 months from 05/01 -> 05/04 (Sun) -> Mon 06/04; decided 25/03, within it: the 1st
    # extension (k2 b: at most 3 months): 3 + 3 months -> 05/07 (Sun) -> Mon 06/07; the typed 05/08 is cut
    ("GH1", "dieu_tra", "2026-07-06"),
    # decided 10/05: after 06/04, within the 1st extension (to 06/07 at the longest): the 2nd (k2 b: at
    # most 2 months): 3 + 3 + 2 = 8 months from 05/01 -> 05/09 (Sat) -> Mon 07/09; no end typed
    ("GH2", "dieu_tra", "2026-09-07"),
    # ít NT 2 months from 05/01 -> Thu 05/03; decided 10/03, after it had run out: reported; the one
    # extension (k2 a: 2 months): 4 months -> Tue 05/05
    ("GH3", "dieu_tra", "2026-05-05"),
    # Đ.240 k1: RNT 30 days from 20/03 -> 18/04 (Sat) -> Mon 20/04; extension decided 21/04, too late:
    # reported; 30 + 15 = 45 days from 20/03 -> 03/05 (Sun) -> Mon 04/05; the typed 05/05 is cut
    ("GH4", "truy_to", "2026-05-04"),
    # Đ.173 k1: NT 90 days from 01/02: Feb 28, Mar 31 (59), Apr 30 (89) -> 01/05; decided 25/04, within
    # it: the one extension (k2 b: 2 months = 60 days): 150 days -> May 31 (120), Jun 30 -> 30/06; 15/07 cut
    ("GHa", "tam_giam", "2026-06-30"),
    # decided 05/05, after 01/05: reported; still at most 150 days -> 30/06 (no end typed)
    ("GHb", "tam_giam", "2026-06-30"),
    # «Số lần gia hạn» 1 typed, decided 03/05: after the 90 days ended on 01/05 (reported); the typed
    # 30/06 is the 150th day, within the step: kept
    ("GHc", "tam_giam", "2026-06-30"),
    # Đ.147 k2: prolonged at most to 2 months from 05/01 -> Thu 05/03; the procuracy's extension decided
    # 20/03, after that: reported; at most 2 + 2 = 4 months -> Tue 05/05
    ("TB11", "tin_bao", "2026-05-05"),
    # ---- civil: BLTTDS / TTHC, counted as BLDS Đ.147-148 (first day not counted)
    ("V1", "chuan_bi_xet_xu_dan_su", "2026-03-02"),  # Đ.203 k1a: 4 months from 31/10/2025 -> 28/02 (Sat) -> 02/03
    ("V2", "chuan_bi_xet_xu_dan_su", "2024-02-29"),  # k1b: 2 months from 29/12/2023 -> 29/02/2024 (Thu)
    ("V3", "chuan_bi_xet_xu_dan_su", "2026-02-23"),  # 4 months from 17/10/2025 -> 17/02 (Tết) -> 23/02
    ("V4", "nghien_cuu_ho_so_dan_su", "2026-05-04"),  # Đ.220 k2: day 1 = 16/04, day 15 = 30/04 -> 04/05
    ("V5", "khang_nghi_dan_su", "2026-09-03"),  # Đ.280 k1: day 1 = 18/08, day 15 = 01/09 -> 03/09
    ("V6", "khang_nghi_dan_su_tu_ngay_nhan", "2026-09-25"),  # from receipt 10/09: day 15 = 25/09 (Fri)
    ("V7", "khang_nghi_dan_su_cap_tren", "2026-09-03"),  # 1 month from 31/07 -> 31/08 (off) -> 03/09
    ("V8", "khang_nghi_quyet_dinh_dan_su", "2026-05-04"),  # Đ.280 k2: 7 d from receipt 27/04: day 7 = 04/05
    # Đ.280 k2, higher level: 10 days from the same-level procuracy's receipt 27/04 (BLDS Đ.147: 28/04 is
    # day 1, through the 30/4-1/5 holidays: only the last day moves): day 10 = Thu 07/05/2026, a working day
    ("V8", "khang_nghi_quyet_dinh_dan_su_cap_tren", "2026-05-07"),
    ("V9", "khang_nghi_hanh_chinh_cap_tren", "2025-12-31"),  # TTHC Đ.213 k1: 30 d from 01/12: day 30 = 31/12
    ("V10", "chuan_bi_xet_xu_hanh_chinh", "2026-01-28"),  # TTHC Đ.130 k1: 4 months from 28/09/2025 -> 28/01
    # TTHC Đ.130 k2: 2 months from 31/12/2025 -> no 31/02: 28/02/2026 (Sat) -> Mon 02/03
    ("V14", "chuan_bi_xet_xu_hanh_chinh_2_thang", "2026-03-02"),
    ("V11", "nghien_cuu_ho_so_hanh_chinh", "2026-09-03"),  # TTHC Đ.147: day 1 = 19/08, day 15 = 02/09 -> 03/09
    ("V12", "khang_nghi_hanh_chinh", "2026-05-04"),  # TTHC Đ.213 k1: day 1 = 16/04, day 15 = 30/04 -> 04/05
    ("V13", "khang_nghi_quyet_dinh_hanh_chinh", "2026-09-03"),  # k2: 7 d from receipt 25/08: 01/09 -> 03/09
    # TTHC Đ.213 k2, higher level: 10 days from receipt 25/08/2026: 26/08 is day 1, day 10 = Fri 04/09/2026
    # (Quốc khánh 01-02/09 fall inside the period and do not move it), a working day
    ("V13", "khang_nghi_quyet_dinh_hanh_chinh_cap_tren", "2026-09-04"),
    # ---- thời hiệu, BLHS Đ.27 k2-3: same date N years later, never moved
    ("L1", "thoi_hieu_truy_cuu", "2025-02-28"),  # ít NT 5 years from 29/02/2020: no 29/02/2025 -> 28/02
    ("L2", "thoi_hieu_truy_cuu", "2026-09-02"),  # NT 10 years from 02/09/2016 -> 02/09/2026, a holiday: stays
    ("L3", "thoi_hieu_truy_cuu", "2026-03-15"),  # ĐBNT 20 years from 15/03/2006 -> 15/03/2026 (Sunday): stays
    # ---- minors, Luật 59/2024/QH15: half of the BLTTHS limits for cases opened from 01/01/2026
    ("M1", "dieu_tra_chua_thanh_nien", "2026-02-23"),  # NT 3 m / 2 = 1 m 15 d: 05/02, + 15 = 20/02 (Tết) -> 23/02
    ("M2", "dieu_tra", "2026-03-20"),  # opened 20/12/2025 (Đ.179 k1a: BLTTHS limits): 3 months -> 20/03 (Fri)
    ("M3", "dieu_tra", "2026-04-02"),  # an adult on the opening day: 3 months from 02/01 -> 02/04 (Thu)
    ("M4", "truy_to_chua_thanh_nien", "2026-03-18"),  # RNT 30 / 2 = 15 days from 04/03 -> 18/03 (Wed)
    ("M4a", "tam_giam_truy_to", "2026-03-18"),  # Đ.241 follows the halved period: 15 days from 04/03, not moved
    ("M5", "chuan_bi_xet_xu_chua_thanh_nien", "2026-03-30"),  # NT 45 / 2 -> 22 days from 09/03 -> 30/03 (Mon)
    # opened 03/11/2025 but the file was received 02/02/2026: Đ.240 k1 20 / 2 = 10 days, 02/02 .. 11/02 (Wed)
    ("M6", "truy_to_chua_thanh_nien", "2026-02-11"),
    # accepted 29/12/2025, before 01/01/2026: the BLTTHS 45 days: 29-31/12 (3) + 31 (Jan) + 11 -> 11/02 (Wed)
    ("M7", "chuan_bi_xet_xu", "2026-02-11"),
    # accepted 12/01/2026: 45 / 2 = 22 days (22,5: "không quá"), 12/01 + 21 -> 02/02 (Mon)
    ("M8", "chuan_bi_xet_xu_chua_thanh_nien", "2026-02-02"),
    # ---- detention of a defendant under 18, BLTTHS Đ.419 k1: 2/3 of Đ.173 (months of 30 days, not moved)
    ("MD1", "tam_giam_chua_thanh_nien", "2026-03-10"),  # NT 90 x 2/3 = 60 d from 10/01: 22 + 28 + 10 -> 10/03
    ("MD1", "tam_giam_chua_thanh_nien_de_nghi_gia_han", "2026-02-28"),  # Đ.173 k2: 10 days before 10/03
    ("MD2", "tam_giam_chua_thanh_nien", "2024-02-09"),  # ít NT 60 x 2/3 = 40 d from 01/01/2024: 31 + 9 -> 09/02
    ("MD3", "tam_giam", "2026-04-09"),  # 18 on 10/01/2026, the detention day: adult 90 d: 22 + 28 + 31 + 9 -> 09/04
    # ĐBNT minor, three extensions: (4 + 4 + 4 + 4 months) x 2/3 = 80 x 4 = 320 days from 01/01/2026:
    # 01/01 + 319 = 334 days to 30/11 (day 334), so day 320 is 16/11/2026
    ("MD4", "tam_giam_chua_thanh_nien", "2026-11-16"),
    # ---- monthly review of a suspended tin báo (Đ.148; TTLT 01/2020 Đ.5 k4), from 15/01: 15/02 is Tết
    # (-> 23/02, before today 10/03), so the next is 15/03 (Sunday) -> 16/03
    ("R1", "ra_soat_tin_bao_tam_dinh_chi", "2026-03-16"),
]


@pytest.mark.parametrize("who, kind, due", CASES, ids=[f"{w}-{k}" for w, k, _ in CASES])
def test_hand_computed_due_date(report, who, kind, due):
    d = _find(report, who, kind)
    assert d.due == D(due)
    assert d.computation  # every deadline says how it was counted


def test_there_are_enough_cases_and_every_tracked_rule_has_one():
    # (khang_cao_* are kept for reference only, track = false: no row gets them)
    assert len(CASES) >= 60
    rules = load_rules(DEFAULT_RULES_PATH)
    from tests.test_law_2026 import CASES_2026  # the limits added for the law in force in 2026

    covered = {k for _, k, _ in CASES} | {k for _, k, _, _ in CASES_2026}
    untested = {r.id for r in rules if r.track} - covered
    # the rules without a hand case are only those whose sheet columns the cases above do not fill
    assert not untested, untested


def test_custody_hours_are_shown(report):
    g2 = _find(report, "G2", "tam_giu")
    assert g2.due_time == time(22, 30)
    assert "22:30" in g2.computation and "03/01/2026" in g2.computation
    g4 = _find(report, "G4", "tam_giu")
    assert g4.due_time is None and "giả định" in g4.computation and "04/03/2026" in g4.computation


def test_ttlt_examples_deduct_the_custody_days(report):
    a = _find(report, "A2018", "tam_giam")
    assert "trừ 3 ngày tạm giữ" in a.basis and "29/04/2018" in a.computation
    b = _find(report, "B2018", "tam_giam")
    assert "trừ 6 ngày tạm giữ" in b.basis


def test_caps_are_periods_not_moved(report):
    d9 = _find(report, "D9", "tam_giam_truy_to")
    # the prosecution limit itself moves to Monday 20/04, detention does not
    assert _find(report, "RNT22", "truy_to").due == D("2026-04-20")
    assert "không lùi" in d9.computation or "liên tục" in d9.computation


def test_extension_steps_beyond_the_law_are_flagged_with_the_article(report, tmp_path):
    messages = [p.message for p in report.problems]
    assert any("12/03/2026" in m and "Điều 118" in m for m in messages)  # G6
    assert any("08/03/2026" in m and "lần 1" in m and "Điều 118" in m for m in messages)  # G7
    assert any("15/08/2026" in m and "lần 1" in m and "Điều 172" in m for m in messages)  # NT6
    assert not any("15/08/2026" in m and "NT7" in m for m in messages)
    assert any("30/12/2026" in m and "lần 1" in m and "Điều 173" in m for m in messages)  # D7


def _problems(report: DeadlineReport, who_column: str, who: str) -> list[str]:
    rows = {(sheet, i + 3) for sheet, rows in ROWS.items() for i, row in enumerate(rows) if row.get(who_column) == who}
    return [p.message for p in report.problems if any(p.row == r for _, r in rows)
            and p.sheet in {_TITLES[s] for s, _ in rows}]


def test_extension_ends_are_computed_from_the_decision_and_flagged_with_the_article(report):
    m = " | ".join(_problems(report, "case_id", "GH1"))
    assert "05/08/2026" in m and "lần 1" in m and "Điều 172" in m and "suy ra từ quyết định gia hạn ngày 25/03/2026" in m
    gh1 = _find(report, "GH1", "dieu_tra")
    assert "06/07/2026" in gh1.computation and "25/03/2026" in gh1.computation
    (m2,) = _problems(report, "case_id", "GH2")
    assert "chưa ghi ngày gia hạn đến" in m2 and "lần 2" in m2 and "07/09/2026" in m2
    m3 = " | ".join(_problems(report, "case_id", "GH3"))
    assert "10/03/2026" in m3 and "05/03/2026" in m3 and "đã hết" in m3 and "Điều 172" in m3
    m4 = _problems(report, "case_id", "GH4")
    assert any("21/04/2026" in m and "20/04/2026" in m and "Điều 240" in m for m in m4)
    assert any("05/05/2026" in m and "04/05/2026" in m for m in m4)
    (ma,) = _problems(report, "name", "GHa")
    assert "15/07/2026" in ma and "lần 1" in ma and "Điều 173" in ma
    mb = " | ".join(_problems(report, "name", "GHb"))
    assert "05/05/2026" in mb and "01/05/2026" in mb and "Điều 173" in mb
    (mc,) = _problems(report, "name", "GHc")
    assert "lần 1" in mc and "03/05/2026" in mc and "01/05/2026" in mc and "Điều 173" in mc
    mt = " | ".join(_problems(report, "receipt_no", "TB11"))
    assert "20/03/2026" in mt and "05/03/2026" in mt and "Điều 147" in mt
    # TB10's decision (20/02) fell within the 2 months: no late-decision report, only the cut 10/05
    assert not any("sau khi thời hạn" in m for m in _problems(report, "receipt_no", "TB10"))


def test_the_effect_date_is_computed_when_blank_and_said_so(report):
    e4 = _find(report, "E4", "quyet_dinh_thi_hanh_an")
    assert e4.start == D("2026-04-21")
    assert "không ghi trong sổ" in e4.computation and "21/04/2026" in e4.computation
    assert "Điều 343" in e4.computation and "20/04/2026" in e4.computation and "Điều 337" in e4.computation
    assert "Điều 343" in e4.basis
    e1 = _find(report, "E1", "quyet_dinh_thi_hanh_an")  # typed: used as it is
    assert e1.start == D("2026-04-26") and "Điều 343" not in e1.computation


def test_every_kind_of_custody_and_detention_is_marked_as_holding_a_person(report):
    """The alerts escalate an overdue step that holds a person: the engine marks each one, whatever
    its variant (the mailer once kept a list that missed the rút gọn and other detention kinds)."""
    held = {d.kind for d in report.deadlines if d.liberty}
    assert {"tam_giu", "tam_giu_rut_gon", "tam_giam", "tam_giam_rut_gon", "tam_giam_truy_to_rut_gon",
            "tam_giam_xet_xu_rut_gon", "tam_giam_truy_to", "tam_giam_xet_xu"} <= held
    assert not any(d.liberty for d in report.deadlines if d.kind in ("dieu_tra", "truy_to", "tin_bao"))
    assert not any(d.liberty for d in report.deadlines if d.step_of)  # a request step holds nobody


def test_done_and_lapsing_steps(report):
    assert _find(report, "J20", "giao_ban_an").status == STATUS_DONE  # the judgment was received
    assert _find(report, "E3", "quyet_dinh_thi_hanh_an").status == STATUS_DONE
    # a request date already past lapses, it is not "overdue"
    assert _find(report, "TB0", "tin_bao_de_nghi_gia_han").status == STATUS_DONE


_WHO = ('actor = "kiem_sat_vien"\naction = "Thông báo kết quả trước ngày {due}."\n'
        'overdue_action = "Đã quá hạn: thông báo ngay."\n')


def _with_entry(tmp_path: Path, rule_id: str, title: str, article: str, start: str, more: str, who: str = _WHO):
    """The packaged table plus one entry (a unit's own limit, `more` its other fields in TOML), loaded
    from a temporary file."""
    entry = (f'\n[{rule_id}]\ntitle = "{title}"\nlaw = "BLTTHS 2015"\narticle = "{article}"\n'
             f'checked = "thử nghiệm"\nmethod = "criminal"\nstart = "{start}"\n{who}{more}')
    path = tmp_path / "bang.toml"
    path.write_text(DEFAULT_RULES_PATH.read_text(encoding="utf-8") + entry, encoding="utf-8")
    return load_rules(path)


def test_a_rule_added_to_a_temporary_table_is_computed_and_alerted(tmp_path):
    rules = _with_entry(tmp_path, "thong_bao_ket_qua", "Thông báo kết quả giải quyết tin báo", "Điều 158",
                        "kể từ ngày ra quyết định", 'length = "3 ngày"\nsheet = "tin_bao"\nfrom = "outcome_date"\n')
    path = tmp_path / "so.xlsx"
    build_workbook({"tin_bao": [{"receipt_no": "X1", "receipt_date": D("2026-02-25"),
                                 "outcome": "Không khởi tố vụ án", "outcome_date": D("2026-03-06")}]}).save(path)
    report = compute_deadlines(read_ledger(path), TODAY, rules=rules)
    (d,) = [d for d in report.deadlines if d.kind == "thong_bao_ket_qua"]
    # 3 days from Fri 06/03: 06, 07, 08 -> Sunday 08/03 -> Mon 09/03, one day overdue on 10/03
    assert d.due == D("2026-03-09") and d in report.pending(within=7)
    assert "Điều 158" in d.basis and "08/03/2026" in d.computation
    # who acts and what to do come from the entry: overdue on 10/03, so the overdue text
    assert d.actor == "kiem_sat_vien" and d.procuracy_owned and d.action == "Đã quá hạn: thông báo ngay."


@pytest.mark.parametrize("missing", ["actor", "action", "overdue_action"])
def test_a_limit_without_who_acts_or_its_action_is_refused(tmp_path, missing):
    who = "".join(line + "\n" for line in _WHO.splitlines() if not line.startswith(missing + " "))
    with pytest.raises(RulesError, match=f"mục \\[thong_bao_ket_qua\\]: thiếu «{missing}»"):
        _with_entry(tmp_path, "thong_bao_ket_qua", "Thông báo", "Điều 158", "kể từ ngày ra quyết định",
                    'length = "3 ngày"\nsheet = "tin_bao"\nfrom = "outcome_date"\n', who=who)


def test_an_unknown_actor_is_refused(tmp_path):
    with pytest.raises(RulesError, match="«actor» = «toa» không hợp lệ"):
        _with_entry(tmp_path, "thong_bao_ket_qua", "Thông báo", "Điều 158", "kể từ ngày ra quyết định",
                    'length = "3 ngày"\nsheet = "tin_bao"\nfrom = "outcome_date"\n',
                    who=_WHO.replace("kiem_sat_vien", "toa"))


def test_every_tracked_rule_of_the_packaged_table_says_who_acts_and_what_to_do():
    from macros_py.law.rules import ACTORS, default_rules
    for rule in default_rules():
        if rule.track and not rule.after:
            assert rule.actor in ACTORS and rule.action and rule.overdue_action, rule.id
            assert "Kiểm tra bước tố tụng này" not in rule.action, rule.id  # no generic filler
        if rule.request_before is not None:
            assert rule.request_actor in ACTORS and "{request_by}" in rule.request_action, rule.id


def test_another_bodys_limit_is_not_the_procuracys(report):
    # the court's duty to deliver the judgment (Đ.262) and the investigating body's investigation (Đ.172)
    # are other bodies' limits; the procuracy's own decision on prosecution (Đ.240) is its own
    kinds = {d.kind: d for d in report.deadlines}
    assert kinds["giao_ban_an"].actor == "toa_an" and not kinds["giao_ban_an"].procuracy_owned
    assert kinds["dieu_tra"].actor == "co_quan_dieu_tra" and not kinds["dieu_tra"].procuracy_owned
    assert kinds["truy_to"].actor == "kiem_sat_vien" and kinds["truy_to"].procuracy_owned
    assert "Tòa án" in kinds["giao_ban_an"].actor_label


def test_a_limit_wired_like_the_older_steps_is_computed_from_the_table_alone_and_alerted(tmp_path):
    # a limit on the criminal case sheet, split by category, with the investigation's extension columns,
    # ended by a later date or a stage, with a request step: the engine needs no code for it
    from mailer.planning import Alert, plan_alerts

    rules = _with_entry(tmp_path, "ket_thuc_thu", "Thử nghiệm: kết thúc", "Điều 232", "kể từ ngày khởi tố vụ án", '''
by = "category"
sheet = "an_hinh_su"
from = "opening_date"
done_when = ["file_received"]
done_if = { stage = ["Truy tố", "Đình chỉ"] }
extended_to = "investigation_extended_to"
extension_date = "investigation_extension_date"
request_before = "3 ngày"
request_actor = "co_quan_dieu_tra"
request_action = "Đề nghị chậm nhất ngày {request_by}, hạn {due}."

[ket_thuc_thu.variants."Nghiêm trọng"]
length = "1 tháng"
extensions = ["10 ngày", "10 ngày"]
''')
    path = tmp_path / "so.xlsx"
    build_workbook({
        "an_hinh_su": [_case("K1", "Nghiêm trọng", "2026-02-05", investigation_extension_date="2026-03-04",
                             prosecutor="Lê Văn An"),
                       _case("K2", "Nghiêm trọng", "2026-02-05", stage="Truy tố", prosecutor="Lê Văn An"),
                       _case("K3", "Ít nghiêm trọng", "2026-02-05", prosecutor="Lê Văn An")],
        "can_bo": [{"name": "Lê Văn An", "title": "Kiểm sát viên", "email": "an@vks.example", "receives_alerts": True}],
    }).save(path)
    ledger = read_ledger(path)
    report = compute_deadlines(ledger, TODAY, rules=rules)
    mine = {(d.case, d.kind): d for d in report.deadlines if d.kind.startswith("ket_thuc_thu")}
    # 1 month from 05/02 -> Thu 05/03; the extension decided 04/03, within it, is the 1st (10 days):
    # 05/03 + 10 days = 15/03 (Sun) -> Mon 16/03; the 2nd may still be asked 3 days before: 13/03
    k1 = mine[("K1", "ket_thuc_thu")]
    assert k1.due == D("2026-03-16") and not k1.done and "Điều 232" in k1.basis
    step = mine[("K1", "ket_thuc_thu_de_nghi_gia_han")]
    assert step.due == D("2026-03-13") and step.actor == "co_quan_dieu_tra"
    assert step.action == "Đề nghị chậm nhất ngày 13/03/2026, hạn 16/03/2026."
    assert mine[("K2", "ket_thuc_thu")].done  # the stage is past it
    assert ("K3", "ket_thuc_thu") not in mine  # no length for that category: not this rule's rows
    assert any("chưa ghi ngày gia hạn đến" in p.message and "Điều 232" in p.message for p in report.problems)
    plan = plan_alerts(report, ledger.records("can_bo"), ledger=str(path), ledger_name="so.xlsx", days=(10,))
    alerted = {(a.deadline.case, a.deadline.kind) for a in plan.alerts if isinstance(a, Alert)}
    assert ("K1", "ket_thuc_thu") in alerted and ("K2", "ket_thuc_thu") not in alerted


def test_an_old_ledger_without_the_new_columns_keeps_the_old_behaviour(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "so.xlsx"
    build_workbook({"an_hinh_su": [_case("J1", "Nghiêm trọng", "2026-01-01", judgment_date="2026-03-02")],
                    "bi_can": [_person("P1", "J1", measure="Tạm giữ", custody_start="2026-03-01")]}).save(path)
    wb = load_workbook(path)
    for title, label in (("Án hình sự", "Ngày VKS nhận bản án"), ("Bị can", "Giờ bắt, tạm giữ")):
        ws = wb[title]
        for cell in next(r for r in ws.iter_rows(max_row=5) if any(c.value == label for c in r)):
            if cell.value == label:
                ws.delete_cols(cell.column)
                break
    wb.save(path)
    ledger = read_ledger(path)
    assert "judgment_received" not in ledger.sheets["an_hinh_su"].columns
    report = compute_deadlines(ledger, TODAY)
    kinds = {d.kind for d in report.deadlines}
    assert "giao_ban_an" not in kinds and "khang_nghi_hinh_su" in kinds
    (g,) = [d for d in report.deadlines if d.kind == "tam_giu"]
    assert g.due == D("2026-03-03")  # no hour column: 72 h from 00:00 01/03 end at 24:00 03/03


def test_every_packaged_rule_names_its_clause_and_the_text_it_was_checked_against():
    rules = load_rules(DEFAULT_RULES_PATH)
    for rule in rules:
        assert rule.checked, rule.id
        # the codified text, or (for the juvenile justice law, not yet in the codification) a copy of the law
        sources = ("Bộ pháp điển", "Bản chép Luật 59/2024/QH15", "chưa đối chiếu:")
        assert rule.checked.startswith(sources), rule.id
        # every amending law of 2025 is accounted for, read or not
        if rule.law == "BLTTHS 2015":
            assert "99/2025/QH15" in rule.checked, rule.id
        if rule.law in ("BLTTDS 2015", "Luật TTHC 2015"):
            assert "85/2025/QH15" in rule.checked, rule.id
        located = rule.article.startswith("Điều ") or (rule.law.startswith("Luật 59/2024") and rule.clause)
        assert located or rule.checked.startswith("chưa đối chiếu:"), rule.id


def test_the_readme_table_of_limits_is_generated_from_the_rules_table():
    from macros_py.law.limits_table import BEGIN, END, table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(BEGIN):readme.index(END) + len(END)]
    assert section == table(load_rules(DEFAULT_RULES_PATH)), "run: python -m macros_py.law.limits_table"


def test_the_third_detention_extension_of_article_173_k6_is_lawful(report):
    # Đ.173 k6 lets the Supreme Procuracy's head extend once more for an especially serious crime: a third
    # recorded extension (D17, MD4) is not "beyond the law"
    assert not any("lần thứ 3" in p.message and "Điều 173" in p.message for p in report.problems)


def test_a_minors_detention_says_what_it_shortens_and_what_is_unread(report):
    d = _find(report, "MD1", "tam_giam_chua_thanh_nien")
    assert "Điều 419" in d.basis and "2/3" in d.basis and "Điều 138" in d.basis
    # an adult co-accused of the same case keeps the full Đ.173 limit
    assert _find(report, "MD3", "tam_giam").basis.count("Điều 419") == 0
