"""Working-day calendar for Vietnamese procedural time limits.

A day is a *day off* when it is a Saturday or Sunday, a Vietnamese public
holiday (``holidays.VN``: New Year, the lunar New Year (Tết) block, Hùng Kings,
30/4, 1/5, National Day, and the days off the government swapped in, e.g.
02/05/2025), or a make-up day off a unit adds itself (``extra_days_off``).

The government also decides days off and make-up days each year that the
package may lack (Friday 02/01/2026, worked back on Saturday 10/01/2026): they
are shipped, dated and with their source, in ``days_off.toml`` beside this
module, and applied after holidays.VN.

A weekend day is a *working day* when the government swapped it for a day off
(``holidays.VN(...).weekend_workdays``, e.g. Saturday 26/04/2025 worked in
exchange for Friday 02/05/2025) or when a unit declares it one
(``extra_work_days``).  ``extra_work_days`` wins over everything else.

The per-year sets are computed lazily, once per year, and cached, so
``is_day_off`` is a dictionary lookup plus a set membership test.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays

__all__ = ["SHIPPED_DAYS_PATH", "DayOff", "WorkCalendar", "YearSource", "shipped_days", "year_source"]

SHIPPED_DAYS_PATH = Path(__file__).with_name("days_off.toml")
SOURCE_PACKAGE = "gói holidays (holidays.VN)"
SOURCE_UNIT = "sheet «Cấu hình» của đơn vị"
SOURCE_WEEKEND = "nghỉ hằng tuần"


@dataclass(frozen=True, slots=True)
class DayOff:
    """One day off (or make-up working day) of a year, with where kiemsat took it from."""

    day: date
    name: str
    source: str


UNCONFIRMED = "dự kiến, chưa có quyết định"


@dataclass(frozen=True, slots=True)
class YearSource:
    """Where a year's days off come from: the deciding texts, or that none exists yet."""

    year: int
    confirmed: bool
    source: str  # the decisions (Vietnamese), or why the year is only «dự kiến»
    unconfirmed: frozenset[date] = frozenset()  # days off taken from the package that no decision confirms yet
    possible: frozenset[date] = frozenset()  # working days here that another expected schedule has off


@lru_cache(maxsize=None)
def _vn_names(year: int) -> dict[date, str]:
    return dict(holidays.VN(years=year, language="vi"))


@lru_cache(maxsize=1)
def _year_sources() -> dict[int, YearSource]:
    data = tomllib.loads(SHIPPED_DAYS_PATH.read_text(encoding="utf-8"))
    out: dict[int, YearSource] = {}
    for entry in data.get("year", []):
        year, status, source = entry.get("year"), entry.get("status"), entry.get("source")
        days, possible = entry.get("unconfirmed", []), entry.get("possible", [])
        if (not isinstance(year, int) or status not in ("quyết định", "dự kiến") or not source
                or not all(isinstance(d, date) and d.year == year for d in [*days, *possible])):
            raise ValueError(f"{SHIPPED_DAYS_PATH.name}: mục năm {entry!r} cần year, status («quyết định»/«dự kiến»), "
                             "source, unconfirmed và possible (các ngày của năm đó)")
        out[year] = YearSource(year, status == "quyết định", source, frozenset(days), frozenset(possible))
    return out


@lru_cache(maxsize=None)
def year_source(year: int) -> YearSource:
    """The source of `year`'s days off; a year days_off.toml does not list is «dự kiến» (package only)."""
    found = _year_sources().get(year)
    if found is not None:
        return found
    if year < min(_year_sources(), default=year + 1):
        return YearSource(year, True, f"năm đã qua: ngày lễ và ngày hoán đổi theo {SOURCE_PACKAGE}, ghi theo các thông "
                          "báo nghỉ lễ đã ban hành năm đó (số văn bản không ghi trong kiemsat)")
    # the days the government places each year (Bộ luật Lao động 2019 Điều 112 k1, k3 fix the others):
    # the Tết block, the day beside Quốc khánh, swapped days
    placed = frozenset(d for d, name in _vn_names(year).items()
                       if "Tết Nguyên Đán" in name or "Tết" in name and "Dương" not in name or "thay cho" in name
                       or "Quốc khánh" in name and (d.month, d.day) != (9, 2))
    return YearSource(year, False, f"{UNCONFIRMED}: days_off.toml chưa ghi văn bản nào cho năm {year}; kiemsat dùng "
                      f"ngày lễ của {SOURCE_PACKAGE} theo Bộ luật Lao động 2019 Điều 112", placed)


@lru_cache(maxsize=1)
def shipped_days() -> tuple[dict[date, str], dict[date, str]]:
    """(days off, make-up working days) from days_off.toml: date -> the deciding text."""
    data = tomllib.loads(SHIPPED_DAYS_PATH.read_text(encoding="utf-8"))
    off: dict[date, str] = {}
    work: dict[date, str] = {}
    for entry in data.get("day", []):
        day, kind, source = entry["date"], entry["kind"], entry["source"]
        if not isinstance(day, date) or kind not in ("nghỉ", "làm bù") or not source:
            raise ValueError(f"{SHIPPED_DAYS_PATH.name}: mục {entry!r} cần date, kind («nghỉ»/«làm bù»), source")
        (off if kind == "nghỉ" else work)[day] = source
    return off, work


# Safety bound for next_working_day: no real calendar has this many days off
# in a row; hitting it means the calendar data is wrong.
_MAX_CONSECUTIVE_DAYS_OFF = 366

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=None)
def _vn_public_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Public holidays and swapped working weekend days that fall in ``year``.

    Neighbouring years are loaded too because a swap can cross the year
    boundary (the 31/12/2018 day off was paid back on Saturday 05/01/2019 and
    is recorded in the 2018 data).
    """
    vn = holidays.VN(years=(year - 1, year, year + 1))
    shipped_off, shipped_work = shipped_days()
    days_off = {d for d in vn if d.year == year} | {d for d in shipped_off if d.year == year}
    work_days = {d for d in vn.weekend_workdays if d.year == year} | {d for d in shipped_work if d.year == year}
    return frozenset(days_off - work_days), frozenset(work_days)


@dataclass(frozen=True)
class WorkCalendar:
    """Vietnamese public-sector calendar plus a unit's own adjustments."""

    extra_days_off: frozenset[date] = frozenset()
    extra_work_days: frozenset[date] = frozenset()
    # year -> every day off in that year; filled lazily, not part of equality.
    _cache: dict[int, frozenset[date]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Accept any iterable of dates (lists from a TOML file, sets, ...).
        object.__setattr__(self, "extra_days_off", frozenset(self.extra_days_off))
        object.__setattr__(self, "extra_work_days", frozenset(self.extra_work_days))
        both = self.extra_days_off & self.extra_work_days
        if both:
            listed = ", ".join(d.strftime("%d/%m/%Y") for d in sorted(both))
            raise ValueError(
                f"Ngày vừa được khai báo là ngày nghỉ bù vừa là ngày làm việc: {listed}"
            )

    @classmethod
    def default(
        cls,
        extra_days_off: Iterable[date] = (),
        extra_work_days: Iterable[date] = (),
    ) -> WorkCalendar:
        """Calendar with Vietnamese public holidays and optional unit adjustments."""
        return cls(frozenset(extra_days_off), frozenset(extra_work_days))

    def _days_off_in(self, year: int) -> frozenset[date]:
        days = self._cache.get(year)
        if days is None:
            public_off, public_work = _vn_public_year(year)
            off: set[date] = set()
            d = date(year, 1, 1)
            while d.year == year:
                if d.weekday() >= 5:  # Saturday, Sunday
                    off.add(d)
                d += _ONE_DAY
            off |= public_off
            off -= public_work
            off |= {x for x in self.extra_days_off if x.year == year}
            off -= self.extra_work_days
            days = frozenset(off)
            self._cache[year] = days
        return days

    def is_day_off(self, d: date) -> bool:
        """True for weekends, public holidays and unit days off, unless a working day."""
        return d in self._days_off_in(d.year)

    def is_working_day(self, d: date) -> bool:
        return not self.is_day_off(d)

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, otherwise the first working day after it."""
        start = d
        for _ in range(_MAX_CONSECUTIVE_DAYS_OFF):
            if not self.is_day_off(d):
                return d
            d += _ONE_DAY
        raise ValueError(
            f"Không tìm thấy ngày làm việc nào trong {_MAX_CONSECUTIVE_DAYS_OFF} ngày "
            f"kể từ ngày {start.strftime('%d/%m/%Y')}: kiểm tra lại lịch ngày nghỉ."
        )

    def day_off_reason(self, d: date) -> str:
        """Why `d` is a day off ("Chủ nhật", "Tết Nguyên Đán", ...); "" for a working day."""
        if not self.is_day_off(d):
            return ""
        if d in self.extra_days_off:
            return "ngày nghỉ bù của đơn vị"
        name = _vn_names(d.year).get(d)
        if name:
            return name
        if d in shipped_days()[0]:
            return "ngày nghỉ do Chính phủ quyết định"
        return ("thứ Bảy", "Chủ nhật")[d.weekday() - 5] if d.weekday() >= 5 else "ngày nghỉ"

    def year_listing(self, year: int) -> list[tuple[DayOff, bool]]:
        """Every day of `year` that is not an ordinary day: (day, is_day_off), with its source.

        Weekend days are left out unless they are holidays or make-up working days.
        """
        shipped_off, shipped_work = shipped_days()
        names = _vn_names(year)
        vn_work = _vn_public_year(year)[1] - set(shipped_work)
        out: list[tuple[DayOff, bool]] = []
        d = date(year, 1, 1)
        while d.year == year:
            off = self.is_day_off(d)
            if d in self.extra_days_off or d in self.extra_work_days:
                out.append((DayOff(d, "ngày nghỉ bù" if off else "ngày làm bù", SOURCE_UNIT), off))
            elif d in shipped_off or d in shipped_work:
                out.append((DayOff(d, "ngày nghỉ" if off else "ngày làm bù", shipped_off.get(d) or shipped_work[d]), off))
            elif d in names:
                unsure = d in year_source(year).unconfirmed
                out.append((DayOff(d, names[d], f"{SOURCE_PACKAGE}; {UNCONFIRMED}" if unsure else SOURCE_PACKAGE), off))
            elif d in vn_work:
                out.append((DayOff(d, "ngày làm bù", SOURCE_PACKAGE), off))
            d += _ONE_DAY
        return out

    def unconfirmed_between(self, start: date, end: date) -> list[date]:
        """Days off in ``[start, end]`` that no government decision confirms yet (days_off.toml)."""
        out: list[date] = []
        for year in range(start.year, end.year + 1):
            days = year_source(year).unconfirmed
            out.extend(d for d in sorted(days) if start <= d <= end and self.is_day_off(d))
        return out

    def unconfirmed_note(self, start: date, end: date) -> str:
        """"" or «; lưu ý: ngày nghỉ 04/02/2027, ... là dự kiến, chưa có quyết định» for a computation."""
        if start > end or not any(not year_source(y).confirmed for y in range(start.year, end.year + 1)):
            return ""
        days = self.unconfirmed_between(start, end)
        maybe = [d for y in range(start.year, end.year + 1) for d in sorted(year_source(y).possible)
                 if start <= d <= end and d not in self.extra_work_days and d not in self.extra_days_off]
        if not days and not maybe:
            return ""
        notes = []
        if days:
            notes.append(f"ngày nghỉ {', '.join(d.strftime('%d/%m/%Y') for d in days)} là {UNCONFIRMED}")
        if maybe:
            notes.append(f"ngày {', '.join(d.strftime('%d/%m/%Y') for d in maybe)} kiemsat tính là ngày làm việc "
                         f"nhưng có thể là ngày nghỉ theo lịch dự kiến khác")
        return f"; lưu ý: {'; '.join(notes)} (hạn có thể đổi khi có quyết định)"

    def days_off_between(self, start: date, end: date) -> list[date]:
        """Days off in ``[start, end]``, in order (useful to explain a shifted limit)."""
        out: list[date] = []
        d = start
        while d <= end:
            if self.is_day_off(d):
                out.append(d)
            d += _ONE_DAY
        return out
