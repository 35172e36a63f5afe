"""Urgency bands: how close a limit is, in words and colour, the same everywhere.

One module for the mail, the printable list, `kiemsat deadlines`, the ribbon's deadline sheet and
the statistics. Four bands while a step is open, as the Cần Thơ procuracy's calculators show them:

* QUÁ HẠN — the due date has passed;
* HÔM NAY — due today, or (a limit counted in hours, tạm giữ) within the next 24 hours;
* TRONG 3 NGÀY — due in 1 to 3 days;
* SẮP ĐẾN HẠN — due within the unit's warning window («Số ngày cảnh báo trước»);

and CÒN HẠN beyond the window. A limit counted in hours (`Deadline.due_time`) always shows the hour
(«10:00 ngày 04/03/2026»). Colours are for text and borders on white (contrast at least 4.5:1) and,
as `fill`, a light cell background (Excel, .docx).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from macros_py.ledger.values import fmt_date

if TYPE_CHECKING:
    from macros_py.law.deadlines import Deadline

__all__ = ["BANDS", "DAY", "LATER", "OVERDUE", "THREE_DAYS", "WINDOW", "Band", "band_for", "band_of", "due_text",
           "when_text"]


@dataclass(frozen=True, slots=True)
class Band:
    key: str  # "overdue", "day", "three_days", "window", "later"
    rank: int  # 0 = most urgent
    word: str  # the card's status word: «QUÁ HẠN»
    label: str  # a count's words: «quá hạn», «hết hạn hôm nay hoặc trong 24 giờ»
    color: str  # text and border colour (hex)
    fill: str  # light background (hex)

    @property
    def argb(self) -> str:
        """The fill as Excel's ARGB («FFF8D7DA»)."""
        return "FF" + self.fill.lstrip("#").upper()


OVERDUE = Band("overdue", 0, "QUÁ HẠN", "quá hạn", "#b00000", "#f8d7da")
DAY = Band("day", 1, "HÔM NAY", "hết hạn hôm nay hoặc trong 24 giờ", "#c2410c", "#ffe0cc")
THREE_DAYS = Band("three_days", 2, "TRONG 3 NGÀY", "hết hạn trong 3 ngày", "#8a5300", "#fff3cd")
WINDOW = Band("window", 3, "SẮP ĐẾN HẠN", "sắp đến hạn", "#1d4ed8", "#dbeafe")
LATER = Band("later", 4, "CÒN HẠN", "còn hạn", "#444444", "#f2f2f2")
BANDS = (OVERDUE, DAY, THREE_DAYS, WINDOW, LATER)


def band_of(days_left: int, due_time: time | None = None, *, now: datetime | time | None = None,
            alert_days: int | None = None) -> Band:
    """The band of a limit `days_left` days away. With `due_time` (a limit counted in hours) and the
    time of day `now`, a limit due tomorrow at an hour already passed today is within 24 hours."""
    if days_left < 0:
        return OVERDUE
    if days_left == 0:
        return DAY
    if days_left == 1 and due_time is not None and now is not None:
        clock = now.time() if isinstance(now, datetime) else now
        if clock >= due_time:
            return DAY
    if days_left <= 3:
        return THREE_DAYS
    if alert_days is not None and days_left > alert_days:
        return LATER
    return WINDOW


def band_for(d: Deadline, *, now: datetime | time | None = None, alert_days: int | None = None) -> Band:
    return band_of(d.days_left, d.due_time, now=now, alert_days=alert_days)


def due_text(due: date, due_time: time | None = None) -> str:
    """«04/03/2026», or with the hour «10:00 ngày 04/03/2026»."""
    return f"{due_time.strftime('%H:%M')} ngày {fmt_date(due)}" if due_time else fmt_date(due)


def when_text(days_left: int, due_time: time | None = None) -> str:
    """How far the limit is, in words: «quá hạn 3 ngày», «hết hạn hôm nay lúc 10:00», «còn 2 ngày»."""
    if days_left < 0:
        return f"quá hạn {-days_left} ngày"
    if days_left == 0:
        return f"hết hạn hôm nay lúc {due_time.strftime('%H:%M')}" if due_time else "hết hạn hôm nay"
    if days_left == 1:
        return f"hết hạn ngày mai lúc {due_time.strftime('%H:%M')}" if due_time else "còn 1 ngày"
    return f"còn {days_left} ngày"
