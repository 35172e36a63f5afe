"""The alert run on the real day counts limits that end at an hour in hours (Đ.118 k2 đoạn 2: the
procuracy decides on a custody extension within 12 hours of the request): a request received 10 hours ago
is due within the next 24 hours, said with its hour, whatever the calendar day."""

from __future__ import annotations

from datetime import datetime, timedelta

from macros_py.law.urgency import DAY, band_for
from macros_py.ledger.reader import read_ledger
from mailer.planning import plan_ledger
from workbook_templates.builder import build_workbook


def test_a_twelve_hour_limit_is_planned_in_hours_on_the_real_day(tmp_path):
    received = (datetime.now() - timedelta(hours=10)).replace(second=0, microsecond=0)
    path = tmp_path / "so.xlsx"
    build_workbook({
        "an_hinh_su": [{"case_id": "BC", "offence": "Trộm cắp tài sản", "category": "Nghiêm trọng",
                        "opening_date": received.date() - timedelta(days=5), "prosecutor": "Lê Văn An"}],
        "bi_can": [{"name": "GH1", "case_id": "BC", "custody_start": received.date() - timedelta(days=2),
                    "custody_ext_request": received.date(), "custody_ext_request_time": received.time()}],
        "can_bo": [{"name": "Lê Văn An", "title": "Kiểm sát viên", "email": "an@vks.example",
                    "receives_alerts": True}],
    }).save(path)
    plan = plan_ledger(read_ledger(path), datetime.now().date())
    [alert] = [a for a in plan.alerts if getattr(a, "deadline", None) is not None
               and a.deadline.kind == "phe_chuan_gia_han_tam_giu"]
    d = alert.deadline
    assert d.hours_left is not None and 0 <= d.hours_left <= 2  # 12 hours from the request, 10 gone
    assert band_for(d) is DAY and d.due_time == (received + timedelta(hours=12)).time()
