"""Urgency bands (macros_py/law/urgency.py): the boundaries, limits counted in hours, words and colours."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from macros_py.law.urgency import BANDS, DAY, LATER, OVERDUE, THREE_DAYS, WINDOW, band_for, band_of, due_text, \
    when_text
from tests.test_mailer_planning import deadline


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    h = hex_colour.lstrip("#")
    r, g, b = (channel(int(h[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_four_bands_by_days_left():
    assert [band_of(n, alert_days=10) for n in (-30, -1, 0, 1, 3, 4, 10, 11)] == [
        OVERDUE, OVERDUE, DAY, THREE_DAYS, THREE_DAYS, WINDOW, WINDOW, LATER]
    assert band_of(40) is WINDOW  # without the unit's window, everything not near is in the window


def test_a_limit_in_hours_is_within_24_hours_by_the_clock():
    # tạm giữ ends at 10:00 tomorrow: at 09:00 today 25 hours are left, at 11:00 only 23
    assert band_of(1, time(10, 0), now=time(9, 0)) is THREE_DAYS
    assert band_of(1, time(10, 0), now=datetime(2026, 3, 3, 11, 0)) is DAY
    held = replace(deadline(0, kind="tam_giu"), due_time=time(10, 0), hours_left=-2)  # past its hour today
    assert band_for(held) is OVERDUE
    assert band_for(replace(held, days_left=1, hours_left=23)) is DAY
    assert band_for(replace(held, days_left=1, hours_left=30)) is THREE_DAYS


def test_words_show_the_hour_and_each_band_its_own_readable_colour():
    assert due_text(date(2026, 3, 4), time(10, 0)) == "10:00 ngày 04/03/2026"
    assert due_text(date(2026, 3, 4)) == "04/03/2026"
    assert [when_text(n) for n in (-3, 0, 1, 5)] == ["quá hạn 3 ngày", "hết hạn hôm nay", "còn 1 ngày", "còn 5 ngày"]
    assert when_text(0, time(10, 0)) == "hết hạn hôm nay lúc 10:00"
    assert when_text(1, time(10, 0)) == "hết hạn ngày mai lúc 10:00"
    assert len({b.color for b in BANDS}) == len({b.fill for b in BANDS}) == len(BANDS)
    for b in BANDS:  # text on white and on its own fill: WCAG AA (4.5:1)
        for background in ("#ffffff", b.fill):
            light, dark = sorted((_luminance(background), _luminance(b.color)), reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 4.5, (b.key, background)


def test_a_card_says_the_hour_of_a_limit_in_hours():
    from mailer.messages import _status

    held = replace(deadline(0, kind="tam_giu"), due_time=time(10, 0), hours_left=-2)
    assert _status(held) == "QUÁ HẠN · HẾT LÚC 10:00 HÔM NAY"
    assert _status(replace(held, hours_left=3)) == "HÔM NAY · HẾT HẠN LÚC 10:00"
    assert _status(replace(held, days_left=1, hours_left=20)) == "TRONG 24 GIỜ · HẾT HẠN NGÀY MAI LÚC 10:00"
    assert _status(replace(held, days_left=2, hours_left=44)) == "TRONG 3 NGÀY · CÒN 2 NGÀY"
    assert _status(deadline(-3)) == "QUÁ HẠN 3 NGÀY"
