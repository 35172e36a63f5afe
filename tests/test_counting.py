"""Hand-computed cases for macros_py.law.counting and macros_py.law.workcalendar.

Weekdays used below (checked against a calendar):
  2018-06-03 Sun | 2023-02-28 Tue | 2024-02-29 Thu
  2025-01-14 Tue, 2025-01-27..02-01 Tết holidays (holidays.VN), 2025-02-02 Sun, 2025-02-03 Mon
  2025-03-01 Sat, 03-03 Mon, 03-09 Sun, 03-17 Mon, 03-18 Tue, 03-22 Sat, 03-23 Sun, 03-24 Mon
  2025-04-26 Sat (swapped working day), 04-30 Wed, 05-01 Thu, 05-02 Fri (swapped day off),
  05-03 Sat, 05-04 Sun, 05-05 Mon
"""

from __future__ import annotations

from datetime import date

import pytest

from macros_py.law.counting import (
    METHODS,
    add_months,
    civil_due,
    compute_due,
    criminal_due,
    custody_end,
    custody_extension_end,
    days_left,
)
from macros_py.law.workcalendar import WorkCalendar

CAL = WorkCalendar.default()


# --- custody / detention (tạm giữ, tạm giam) ---------------------------------


def test_design_worked_example_detention_1_month_24_days():
    # 1 month = 30 days, so 30 + 24 = 54 days, 11/04 is day 1.
    # 11/04..30/04 = 20 days, May = 31 days (51), 01..03/06 = 3 days (54).
    assert custody_end(date(2018, 4, 11), months=1, days=24) == date(2018, 6, 3)
    # 03/06/2018 is a Sunday: custody does not move to Monday.
    assert compute_due(date(2018, 4, 11), months=1, days=24, method="custody",
                       calendar=CAL) == date(2018, 6, 3)


def test_custody_3_days_and_two_extensions():
    # Tạm giữ from Sat 01/03/2025: days 01, 02, 03 -> ends 03/03.
    first = custody_end(date(2025, 3, 1), days=3)
    assert first == date(2025, 3, 3)
    # 1st extension: 04, 05, 06 -> 06/03.
    second = custody_extension_end(first, days=3)
    assert second == date(2025, 3, 6)
    # 2nd extension: 07, 08, 09 -> 09/03 (a Sunday, not moved).
    third = custody_extension_end(second, days=3)
    assert third == date(2025, 3, 9)
    # Same as 9 days in one go: 01/03 + 9 - 1 = 09/03.
    assert custody_end(date(2025, 3, 1), days=9) == third


def test_custody_crossing_tet_does_not_move():
    # 9 days from Mon 20/01/2025: 20 + 9 - 1 = 28/01, inside Tết; stays.
    assert custody_end(date(2025, 1, 20), days=9) == date(2025, 1, 28)
    assert CAL.is_day_off(date(2025, 1, 28))
    # 2 months of tạm giam from 15/12/2024 = 60 days: Dec 15..31 = 17,
    # Jan = 31 (48), 01..12/02 = 12 (60) -> 12/02/2025 (calendar months would give 15/02).
    assert custody_end(date(2024, 12, 15), months=2) == date(2025, 2, 12)


# --- month arithmetic ---------------------------------------------------------


def test_month_end_leap_and_common_year():
    # 31/01 + 1 month: no 31/02 -> last day of February.
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    # Both are working days (Thu / Tue), so criminal and civil keep them.
    assert criminal_due(date(2024, 1, 31), months=1, calendar=CAL) == date(2024, 2, 29)
    assert criminal_due(date(2023, 1, 31), months=1, calendar=CAL) == date(2023, 2, 28)
    assert civil_due(date(2024, 1, 31), months=1, calendar=CAL) == date(2024, 2, 29)
    # Across a year end: 30/11/2024 + 3 months -> 28/02/2025 (Fri).
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    # Plain same-date case: 15/03/2025 + 2 months -> 15/05/2025.
    assert add_months(date(2025, 3, 15), 2) == date(2025, 5, 15)


# --- criminal (BLTTHS Điều 134) ------------------------------------------------


def test_criminal_day_limit_first_day_counts():
    # 20 days of tin báo from Wed 05/03/2025: 05/03 is day 1, day 20 = 05 + 19 = 24/03 (Mon).
    assert criminal_due(date(2025, 3, 5), days=20, calendar=CAL) == date(2025, 3, 24)


def test_criminal_day_limit_ending_on_sunday_moves_to_monday():
    # 20 days from Tue 04/03/2025: 04 + 19 = 23/03 (Sun) -> Mon 24/03.
    assert criminal_due(date(2025, 3, 4), days=20, calendar=CAL) == date(2025, 3, 24)
    assert compute_due(date(2025, 3, 4), days=20, method="criminal",
                       calendar=CAL) == date(2025, 3, 24)


def test_criminal_day_limit_ending_in_tet_2025():
    # Kháng cáo 15 days from Tue 14/01/2025: 14 + 14 = 28/01 (Tết).
    # Days off 27/01..01/02 (holidays.VN) and Sun 02/02 -> Mon 03/02/2025.
    assert criminal_due(date(2025, 1, 14), days=15, calendar=CAL) == date(2025, 2, 3)


def test_criminal_month_limit_ending_in_tet_2025():
    # 1 month from 29/12/2024 -> 29/01/2025 (mùng 1 Tết) -> Mon 03/02/2025.
    assert criminal_due(date(2024, 12, 29), months=1, calendar=CAL) == date(2025, 2, 3)


def test_criminal_first_day_override():
    # Other reading (start day not counted): 05/03 + 20 = 25/03 (Tue).
    assert criminal_due(date(2025, 3, 5), days=20, calendar=CAL,
                        first_day_counts=False) == date(2025, 3, 25)


# --- civil (BLDS 2015 Điều 147-148) -------------------------------------------


def test_civil_15_days_first_day_not_counted():
    # Received Mon 03/03/2025: day 1 = 04/03, day 15 = 03 + 15 = 18/03 (Tue).
    assert civil_due(date(2025, 3, 3), days=15, calendar=CAL) == date(2025, 3, 18)
    # Criminal counting on the same start ends one day earlier: 03 + 14 = 17/03 (Mon).
    assert criminal_due(date(2025, 3, 3), days=15, calendar=CAL) == date(2025, 3, 17)


def test_civil_limit_ending_in_30_4_holidays():
    # 15 days from Tue 15/04/2025: 15 + 15 = 30/04 (holiday); 01/05 holiday,
    # 02/05 swapped day off, 03-04/05 weekend -> Mon 05/05/2025.
    assert civil_due(date(2025, 4, 15), days=15, calendar=CAL) == date(2025, 5, 5)


# --- calendar adjustments -----------------------------------------------------


def test_extra_unit_day_off_moves_limit():
    # Without it: 05/03/2025 + 19 = Mon 24/03 (see above).
    # With 24/03 declared a make-up day off -> Tue 25/03.
    cal = WorkCalendar.default(extra_days_off=[date(2025, 3, 24)])
    assert cal.is_day_off(date(2025, 3, 24))
    assert criminal_due(date(2025, 3, 5), days=20, calendar=cal) == date(2025, 3, 25)
    # Custody ignores it: 05/03 + 19 = 24/03.
    assert compute_due(date(2025, 3, 5), days=20, method="custody",
                       calendar=cal) == date(2025, 3, 24)


def test_extra_working_saturday_is_not_a_day_off():
    # 20 days from Mon 03/03/2025: 03 + 19 = Sat 22/03.
    sat = date(2025, 3, 22)
    assert CAL.is_day_off(sat)
    assert criminal_due(date(2025, 3, 3), days=20, calendar=CAL) == date(2025, 3, 24)
    cal = WorkCalendar.default(extra_work_days=[sat])
    assert not cal.is_day_off(sat)
    assert cal.next_working_day(sat) == sat
    assert criminal_due(date(2025, 3, 3), days=20, calendar=cal) == sat


def test_public_calendar_swaps_from_holidays_package():
    # Government swap 2025: Sat 26/04 worked, Fri 02/05 off.
    assert not CAL.is_day_off(date(2025, 4, 26))
    assert CAL.is_day_off(date(2025, 5, 2))
    # Swap crossing a year end: 31/12/2018 off, Sat 05/01/2019 worked.
    assert CAL.is_day_off(date(2018, 12, 31))
    assert not CAL.is_day_off(date(2019, 1, 5))
    # Ordinary days.
    assert not CAL.is_day_off(date(2025, 3, 5))  # Wednesday
    assert CAL.is_day_off(date(2025, 3, 23))  # Sunday
    assert [d.day for d in CAL.days_off_between(date(2025, 1, 25), date(2025, 2, 3))] == [
        25, 26, 27, 28, 29, 30, 31, 1, 2
    ]


def test_next_working_day():
    assert CAL.next_working_day(date(2025, 3, 5)) == date(2025, 3, 5)
    assert CAL.next_working_day(date(2025, 1, 25)) == date(2025, 2, 3)


def test_conflicting_adjustments_rejected():
    d = date(2025, 3, 22)
    with pytest.raises(ValueError):
        WorkCalendar.default(extra_days_off=[d], extra_work_days=[d])


def test_calendar_is_hashable_and_comparable():
    a = WorkCalendar.default(extra_days_off=[date(2025, 3, 24)])
    b = WorkCalendar.default(extra_days_off={date(2025, 3, 24)})
    a.is_day_off(date(2025, 3, 24))  # fills a's cache only
    assert a == b and hash(a) == hash(b)


# --- entry point and helpers --------------------------------------------------


def test_compute_due_methods_and_errors():
    assert METHODS == ("criminal", "custody", "civil", "hours", "plain", "working")
    # Civil via the entry point: 03/03 + 15 = 18/03.
    assert compute_due(date(2025, 3, 3), days=15, method="civil",
                       calendar=CAL) == date(2025, 3, 18)
    # Default calendar when omitted.
    assert compute_due(date(2025, 1, 14), days=15, method="criminal") == date(2025, 2, 3)
    with pytest.raises(ValueError):
        compute_due(date(2025, 3, 3), days=15, method="hinh_su", calendar=CAL)
    with pytest.raises(ValueError):
        compute_due(date(2025, 3, 3), method="criminal", calendar=CAL)
    with pytest.raises(ValueError):
        compute_due(date(2025, 3, 3), days=-1, method="custody")


def test_days_left():
    due = date(2025, 3, 24)
    assert days_left(due, date(2025, 3, 14)) == 10  # the 10-day alert line
    assert days_left(due, due) == 0
    assert days_left(due, date(2025, 3, 26)) == -2
