"""Reporting periods: a month, a quarter, six months or a year, and the ngành's statistical periods.

Syntax (case does not matter):

    2024-M03  or 2024-03   tháng 3 năm 2024 (01/03-31/03; also the ngành's monthly period)
    2024-Q1                quý I năm 2024 (Q1..Q4)
    2024-H1                6 tháng đầu năm 2024 (H1: 01/01-30/06; H2: 01/07-31/12)
    2024                   năm 2024 (01/01-31/12)
    2024-K6                kỳ thống kê 6 tháng năm 2024 of the ngành: 01/12/2023-31/05/2024
    2024-K12               kỳ thống kê 12 tháng năm 2024 of the ngành: 01/12/2023-30/11/2024

The ngành's statistical year runs from 01/12 of the previous year to 30/11 (Quy chế 379/QĐ-VKSTC of
13/7/2012, Điều 9, as applied in VKSND Thừa Thiên Huế's guidance of 19/11/2012: «thời gian lấy số liệu
thống kê 12 tháng năm 2012 là từ ngày 01 tháng 12 năm 2011 đến 30 tháng 11 năm 2012»). Its 6-month period
is taken as the first six months of that year (01/12-31/05) and its month as the calendar month: an
assumption, the text of those clauses was not found (README, «Thống kê»).

A period is closed at both ends: 2024-H1 holds 01/01/2024 to 30/06/2024 inclusive.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from macros_py.ledger.values import fmt_date, month_word

__all__ = ["PERIOD_NAMES", "Period", "PeriodError", "default_period", "half_year_of", "sector_period",
           "sector_year_of", "parse_period"]

_ROMAN = ("I", "II", "III", "IV")
_PATTERN = re.compile(r"^\s*(\d{4})(?:\s*-\s*(?:K(6|12)|M?(\d{1,2})|Q([1-4])|H([12])))?\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period that cannot be read; the message is Vietnamese."""


@dataclass(frozen=True)
class Period:
    code: str  # canonical: 2024-M03, 2024-Q1, 2024-H1, 2024, 2024-K6, 2024-K12
    start: date
    end: date  # inclusive
    label: str  # Vietnamese, e.g. «6 tháng đầu năm 2024»

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def span(self) -> str:
        """«từ ngày 01/01/2024 đến ngày 30/06/2024»"""
        return f"từ ngày {fmt_date(self.start)} đến ngày {fmt_date(self.end)}"

    def months(self) -> Iterator[tuple[int, int]]:
        """(year, month) of every month in the period, in order."""
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            yield y, m
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "start": self.start.isoformat(),
                "end": self.end.isoformat()}


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def parse_period(text: str) -> Period:
    m = _PATTERN.match(text or "")
    if not m:
        raise PeriodError(f"kỳ «{text}» không hợp lệ; cần dạng 2024-M03 (tháng), 2024-Q1 (quý), "
                          "2024-H1 (6 tháng), 2024 (năm), 2024-K6 (thống kê 6 tháng của ngành, 01/12/2023 - "
                          "31/05/2024) hoặc 2024-K12 (thống kê 12 tháng của ngành, 01/12/2023 - 30/11/2024).")
    year = int(m.group(1))
    if not 1945 <= year <= 2100:
        raise PeriodError(f"năm «{year}» nằm ngoài khoảng 1945 - 2100.")
    sector, month, quarter, half = m.group(2), m.group(3), m.group(4), m.group(5)
    if sector is not None:
        return sector_period(year, int(sector))
    if month is not None:
        n = int(month)
        if not 1 <= n <= 12:
            raise PeriodError(f"tháng «{month}» không hợp lệ; tháng từ 1 đến 12.")
        return Period(f"{year}-M{n:02d}", *_months(year, n, n), f"{month_word(n)} năm {year}")
    if quarter is not None:
        q = int(quarter)
        return Period(f"{year}-Q{q}", *_months(year, 3 * q - 2, 3 * q), f"quý {_ROMAN[q - 1]} năm {year}")
    if half is not None:
        h = int(half)
        first = 1 if h == 1 else 7
        words = "đầu" if h == 1 else "cuối"
        return Period(f"{year}-H{h}", *_months(year, first, first + 5), f"6 tháng {words} năm {year}")
    return Period(str(year), date(year, 1, 1), date(year, 12, 31), f"năm {year}")


def sector_period(year: int, months: int) -> Period:
    """The ngành's statistical period of `year`: 6 months (01/12 of year-1 to 31/05) or 12 months (to 30/11)."""
    start = date(year - 1, 12, 1)
    if months == 6:
        return Period(f"{year}-K6", start, date(year, 5, 31), f"6 tháng năm {year}")
    return Period(f"{year}-K12", start, date(year, 11, 30), f"12 tháng năm {year}")


def sector_year_of(day: date) -> int:
    """The ngành's statistical year holding `day`: 01/12/2025 belongs to 2026."""
    return day.year + 1 if day.month == 12 else day.year


def half_year_of(day: date) -> Period:
    """The six months holding `day`: the default of `default_period`."""
    return parse_period(f"{day.year:04d}-H{1 if day.month <= 6 else 2}")


# the words of the «Kỳ thống kê» setting (sheet Cấu hình) -> the code of the period holding a day
_KINDS = {"tháng": lambda d: f"{d.year:04d}-M{d.month:02d}",
          "quý": lambda d: f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}",
          "6 tháng": lambda d: f"{d.year:04d}-H{1 if d.month <= 6 else 2}",
          "năm": lambda d: f"{d.year:04d}",
          # the ngành's statistical periods: 12 months from 01/12 of the previous year to 30/11; the 6 months
          # to 31/05 (from June to November the 6 months of the year, already ended, are the latest)
          "6 tháng ngành": lambda d: f"{sector_year_of(d):04d}-K6",
          "12 tháng ngành": lambda d: f"{sector_year_of(d):04d}-K12"}
_ENDED = "đã hết"
# (code, name) of every kind of period, for `stats --help` and the README
PERIOD_NAMES: tuple[tuple[str, str], ...] = (
    ("2026-M03", "tháng 3 năm 2026 (01/03 - 31/03; kỳ thống kê tháng của ngành)"),
    ("2026-Q1", "quý I năm 2026"),
    ("2026-H1", "6 tháng đầu năm 2026 (01/01 - 30/06; H2: 6 tháng cuối năm)"),
    ("2026", "năm 2026 (01/01 - 31/12)"),
    ("2026-K6", "6 tháng năm 2026 của ngành (01/12/2025 - 31/05/2026)"),
    ("2026-K12", "12 tháng năm 2026 của ngành (01/12/2025 - 30/11/2026)"),
)


def default_period(day: date, setting: object = None) -> Period:
    """The period a report covers when none is chosen, from the «Kỳ thống kê» setting: the month, quarter,
    six months (the default) or year holding `day`; with «đã hết», the last one that has ended before `day`."""
    text = " ".join(str(setting or "6 tháng").lower().split())
    ended = text.endswith(_ENDED)
    kind = text.removesuffix(_ENDED).strip()
    if kind not in _KINDS:
        raise PeriodError(f"«Kỳ thống kê» ở Cấu hình là «{setting}»; cần một trong: {', '.join(_KINDS)} "
                          f"(thêm «{_ENDED}» để lấy kỳ đã kết thúc, ví dụ «quý {_ENDED}»).")
    period = parse_period(_KINDS[kind](day))
    if ended:
        while period.end >= day:  # a 6-month period of the ngành may have ended already (June - November)
            period = parse_period(_KINDS[kind](date.fromordinal(period.start.toordinal() - 1)))
    return period
