"""Pure date arithmetic for Vietnamese procedural time limits.

Every function takes and returns ``datetime.date``; the returned date is the
*last day* of the limit: the limit runs until 24:00 of that day.

Three counting methods, named by plain strings so a rules table (TOML) can
refer to them:

``"criminal"`` -- BLTTHS 2015, Điều 134 khoản 1 (tin báo, điều tra, truy tố,
    chuẩn bị xét xử, kháng cáo, kháng nghị):

    * day-based: "thời hạn sẽ hết vào lúc 24 giờ ngày cuối cùng của thời hạn".
      Điều 134 does not say whether the start day ("kể từ ngày tiếp nhận",
      "kể từ ngày tuyên án") is day 1.  Reading chosen here: **the start day
      counts as day 1**, so 20 days from a tin báo received on 01/03 end on
      20/03.  This is the reading the joint circular applies to the only
      worked example in this area (TTLT 04/2018/TTLT-VKSNDTC-BCA-BQP Điều 17:
      detention "kể từ ngày 11/4/2018 đến hết ngày 03/6/2018" counts 11/4 as
      day 1), it is the earlier (safe) deadline for a procuracy alert, and it
      differs on purpose from the Civil Code rule used by ``"civil"``.  It was
      NOT confirmed against a guidance text written for these limits (TTLT
      01/2017 on tin báo only repeats "20 ngày kể từ ngày tiếp nhận"); a unit
      that reads it the other way can pass ``first_day_counts=False``.
    * month-based: "hết vào ngày trùng của tháng sau; nếu tháng đó không có
      ngày trùng thì thời hạn hết vào ngày cuối cùng của tháng đó"
      (31/01 + 1 month -> 28/02, or 29/02 in a leap year).
    * "nếu thời hạn hết vào ngày nghỉ thì ngày làm việc đầu tiên tiếp theo được
      tính là ngày cuối cùng của thời hạn" -- applied to both kinds.

``"custody"`` -- tạm giữ, tạm giam (Điều 134 khoản 1 đoạn cuối; TTLT
    04/2018 Điều 17): the limit ends on the date written in the order, runs
    through weekends, holidays and Tết (no day-off shift), one month = 30
    days, and the first day counts as day 1.

``"hours"`` -- tạm giữ (BLTTHS Điều 117 khoản 2, Điều 118; TTLT 04/2018 Điều 17
    ví dụ 1): counted in 24-hour periods from the hour the person was received
    or the custody decision was made: 3 days from 10:00 01/3 end at 10:00 04/3.
    Given a date only, the end *date* is ``start + days`` (at the start's hour);
    the caller says what it assumed when the hour is unknown.

``"plain"`` -- a period of the substantive law that no procedural rule moves:
    the limitation of criminal liability (BLHS 2015 Điều 27 khoản 3: "tính từ
    ngày tội phạm được thực hiện"): it ends on the same date so many months or
    years later (the month's last day if there is none), never moved for days off.

``"civil"`` -- BLTTDS 2015 and Luật TTHC 2015 count as the Bộ luật Dân sự
    2015, Điều 147-148: the first day is not counted (the limit starts the
    next day), months end on the corresponding date (last day of the month if
    there is none), and a limit whose last day is a weekend day or holiday
    ends at the end of the next working day.

``"working"`` -- a limit in working days («ngày làm việc»: BLTTDS Đ.319, Đ.323 k2; Luật Thi hành án
    hình sự 127/2025/QH15 and its decrees): only working days are counted -- not Saturdays, Sundays,
    public holidays and the days off the government decides, but the Saturdays it makes working days
    (make-up days) -- and the start day is not counted (BLDS 2015 Đ.147 k1, as for "civil"): 3 working
    days from a decision received on Friday 06/03/2026 are Mon 09, Tue 10, Wed 11/03. A rule may
    declare the other reading (`alternative = "first_day"`: a start on a working day is day 1).

When both ``months`` and ``days`` are given (rare: most rules use one unit and
model an extension as a separate step), the months are applied first with
the same-date rule and the days are then counted on from that date.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, time, timedelta
from typing import Literal, get_args

from macros_py.law.workcalendar import WorkCalendar

__all__ = [
    "LIBERTY_METHODS",
    "METHODS",
    "Method",
    "add_months",
    "civil_due",
    "compute_due",
    "criminal_due",
    "custody_end",
    "custody_extension_end",
    "chained_due",
    "days_left",
    "explain_chained",
    "explain_due",
    "hours_end",
    "weekday_name",
    "working_due",
]

Method = Literal["criminal", "custody", "civil", "hours", "plain", "working"]
METHODS: tuple[str, ...] = get_args(Method)
LIBERTY_METHODS = frozenset(("hours", "custody"))  # tạm giữ and tạm giam: a person is held while they run

CUSTODY_DAYS_PER_MONTH = 30

_default_calendar: WorkCalendar | None = None


def _calendar_or_default(cal: WorkCalendar | None) -> WorkCalendar:
    global _default_calendar
    if cal is not None:
        return cal
    if _default_calendar is None:
        _default_calendar = WorkCalendar.default()
    return _default_calendar


def _check_length(days: int, months: int) -> None:
    if days < 0 or months < 0:
        raise ValueError("Thời hạn không được là số âm.")
    if days == 0 and months == 0:
        raise ValueError("Thời hạn phải có ít nhất 1 ngày hoặc 1 tháng.")


def add_months(d: date, months: int) -> date:
    """Same date ``months`` later; the month's last day if that date does not exist."""
    if months < 0:
        raise ValueError("Số tháng không được là số âm.")
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last))


def criminal_due(
    start: date,
    *,
    days: int = 0,
    months: int = 0,
    calendar: WorkCalendar | None = None,
    first_day_counts: bool = True,
) -> date:
    """Last day of a BLTTHS 2015 limit (Điều 134), shifted off days off.

    ``start`` is the day of the triggering event (tin báo received, case
    instituted, file received, judgment pronounced...).
    """
    _check_length(days, months)
    if months:
        end = add_months(start, months) + timedelta(days=days)
    elif first_day_counts:
        end = start + timedelta(days=days - 1)
    else:
        end = start + timedelta(days=days)
    return _calendar_or_default(calendar).next_working_day(end)


def custody_end(start: date, *, months: int = 0, days: int = 0) -> date:
    """Last day of a tạm giữ / tạm giam period starting on ``start`` (day 1).

    No shift for weekends or holidays; one month counts as 30 days.
    Example (TTLT 04/2018): 1 month 24 days from 11/04/2018 -> 03/06/2018.
    """
    _check_length(days, months)
    total = months * CUSTODY_DAYS_PER_MONTH + days
    return start + timedelta(days=total - 1)


def custody_extension_end(previous_end: date, *, months: int = 0, days: int = 0) -> date:
    """Last day of an extension (gia hạn) that follows on from ``previous_end``.

    The extension starts the day after the previous period's last day, so
    3 days of tạm giữ from 01/03 (01-03/03) extended by 3 days ends on 06/03.
    """
    return custody_end(previous_end + timedelta(days=1), months=months, days=days)


def hours_end(start: datetime, *, days: int) -> datetime:
    """End of a limit counted in 24-hour periods (tạm giữ): 3 days from 10:00 01/3 -> 10:00 04/3."""
    _check_length(days, 0)
    return start + timedelta(days=days)


def civil_due(
    start: date,
    *,
    days: int = 0,
    months: int = 0,
    calendar: WorkCalendar | None = None,
    first_day_counts: bool = False,
) -> date:
    """Last day of a BLTTDS / TTHC limit counted as Bộ luật Dân sự 2015 Điều 147-148."""
    _check_length(days, months)
    # Day 1 is the day after ``start`` (Điều 147 khoản 1), so day N is start + N.
    end = add_months(start, months) + timedelta(days=days - (1 if first_day_counts and days and not months else 0))
    return _calendar_or_default(calendar).next_working_day(end)


def working_due(start: date, *, days: int, calendar: WorkCalendar | None = None,
                first_day_counts: bool = False) -> date:
    """The Nth working day from ``start`` (not counted, unless ``first_day_counts`` and it is a working day)."""
    _check_length(days, 0)
    cal = _calendar_or_default(calendar)
    d = start if first_day_counts else start + timedelta(days=1)
    counted = 0
    for _ in range(days * 8 + 400):
        if cal.is_working_day(d):
            counted += 1
            if counted == days:
                return d
        d += timedelta(days=1)
    raise ValueError(f"Không tìm được {days} ngày làm việc kể từ {start.strftime('%d/%m/%Y')}: kiểm tra lịch ngày nghỉ.")


def compute_due(
    start: date,
    *,
    days: int = 0,
    months: int = 0,
    method: Method | str,
    calendar: WorkCalendar | None = None,
    first_day: bool | None = None,
) -> date:
    """Common entry point for the rules table.

    ``method`` is one of ``METHODS``. ``calendar`` is ignored for ``"custody"``; when omitted for the
    other methods, ``WorkCalendar.default()`` (public holidays only) is used. ``first_day``: whether the
    start day is day 1 (None: the method's own reading; used for a rule's other reading).
    """
    if method == "criminal":
        return criminal_due(start, days=days, months=months, calendar=calendar,
                            first_day_counts=True if first_day is None else first_day)
    if method == "working":
        if months:
            raise ValueError("Thời hạn tính theo ngày làm việc chỉ ghi bằng ngày, không bằng tháng.")
        return working_due(start, days=days, calendar=calendar, first_day_counts=bool(first_day))
    if method == "custody":
        return custody_end(start, months=months, days=days)
    if method == "plain":
        return add_months(start, months) + timedelta(days=days)
    if method == "hours":
        if months:
            raise ValueError("Thời hạn tính theo giờ (tạm giữ) chỉ ghi bằng ngày, không bằng tháng.")
        return hours_end(datetime.combine(start, time()), days=days).date()
    if method == "civil":
        return civil_due(start, days=days, months=months, calendar=calendar, first_day_counts=bool(first_day))
    raise ValueError(
        f"Cách tính thời hạn không hợp lệ: {method!r} "
        f"(chỉ chấp nhận: {', '.join(METHODS)})."
    )


def days_left(due: date, today: date) -> int:
    """Days remaining until ``due``: 0 on the due day itself, negative once overdue."""
    return (due - today).days


# ---------------------------------------------------------------- the computation in words

_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def weekday_name(d: date) -> str:
    return _WEEKDAYS[d.weekday()]


def _d(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _length_words(months: int, days: int) -> str:
    parts = ([f"{months} tháng"] if months else []) + ([f"{days} ngày"] if days else [])
    return " ".join(parts)


def _shift_words(end: date, due: date, cal: WorkCalendar) -> str:
    if due == end:
        return f"ngày cuối là {weekday_name(end)} {_d(end)}{cal.unconfirmed_note(end, due)}"
    reason = cal.day_off_reason(end)
    if reason == weekday_name(end) or reason.lower() == weekday_name(end).lower():
        reason = ""
    return (f"ngày cuối là {weekday_name(end)} {_d(end)}{f' ({reason})' if reason else ''} là ngày nghỉ "
            f"nên lùi sang ngày làm việc tiếp theo là {weekday_name(due)} {_d(due)}{cal.unconfirmed_note(end, due)}")


def _unshifted_end(start: date, months: int, days: int, method: str, first_day: bool | None) -> date:
    """The last day of a month/day limit before any move off a day off (criminal, civil, plain)."""
    if months:
        return add_months(start, months) + timedelta(days=days)
    counted = (method == "criminal") if first_day is None else first_day
    return start + timedelta(days=days - 1 if counted else days)


def chained_due(start: date, parts: list[tuple[int, int]], *, method: str, calendar: WorkCalendar | None = None,
                first_day: bool | None = None) -> date:
    """The end of a limit extended period by period: each extension (months, days) runs on from the
    previous period's last day (3 months from 30/11/2023 end 29/02/2024, 3 more 29/05, 2 more 29/07)."""
    return explain_chained(start, parts, method=method, calendar=calendar, first_day=first_day)[0]


def explain_chained(start: date, parts: list[tuple[int, int]], *, method: str, calendar: WorkCalendar | None = None,
                    first_day: bool | None = None) -> tuple[date, str]:
    """`chained_due` and its computation in words."""
    cal = _calendar_or_default(calendar)
    (months, days), rest = parts[0], parts[1:]
    end = _unshifted_end(start, months, days, method, first_day)
    words = [f"{_length_words(months, days)} kể từ {_d(start)} hết {_d(end)}"]
    for m, d in rest:
        end = add_months(end, m) + timedelta(days=d)
        words.append(f"gia hạn {_length_words(m, d)} nối tiếp hết {_d(end)}")
    due = end if method == "plain" else cal.next_working_day(end)
    return due, "tính nối tiếp từng lần: " + ", ".join(words) + f"; {_shift_words(end, due, cal)}"


def explain_due(
    start: date,
    *,
    days: int = 0,
    months: int = 0,
    method: Method | str,
    calendar: WorkCalendar | None = None,
    first_day: bool | None = None,
) -> tuple[date, str]:
    """The due date of `compute_due` and its computation in words (Vietnamese), for checking by hand.

    "20 ngày kể từ 12/09/2026 (ngày đầu là ngày thứ nhất); ngày cuối là Chủ nhật 04/10/2026 là ngày
    nghỉ nên lùi sang ngày làm việc tiếp theo là thứ Hai 05/10/2026".
    """
    cal = _calendar_or_default(calendar)
    due = compute_due(start, days=days, months=months, method=method, calendar=cal, first_day=first_day)
    length = _length_words(months, days)
    if method == "working":
        first = start if first_day and cal.is_working_day(start) else start + timedelta(days=1)
        which = ("ngày đầu là ngày thứ nhất nếu là ngày làm việc" if first_day
                 else f"không tính ngày đầu, bắt đầu từ {_d(start + timedelta(days=1))}")
        skipped = len(cal.days_off_between(first, due))
        return due, (f"{days} ngày làm việc kể từ {_d(start)} ({which}; không tính thứ Bảy, Chủ nhật, ngày lễ, "
                     f"ngày nghỉ; tính ngày làm bù): bỏ qua {skipped} ngày nghỉ, ngày làm việc thứ {days} là "
                     f"{weekday_name(due)} {_d(due)}{cal.unconfirmed_note(first, due)}")
    if method == "criminal" and first_day is False and not months:
        end = start + timedelta(days=days)
        head = f"{length} kể từ {_d(start)} (không tính ngày đầu, ngày thứ nhất là {_d(start + timedelta(days=1))})"
        return due, f"{head}; {_shift_words(end, due, cal)}"
    if method == "civil" and first_day and days and not months:
        end = start + timedelta(days=days - 1)
        return due, f"{length} kể từ {_d(start)} (ngày đầu là ngày thứ nhất); {_shift_words(end, due, cal)}"
    if method == "criminal":
        if months:
            same = add_months(start, months)
            if same.day != start.day:
                head = (f"{length} kể từ {_d(start)}: tháng {same.month:02d}/{same.year} không có ngày "
                        f"{start.day} nên hết vào ngày cuối tháng {_d(same)}")
            else:
                head = f"{length} kể từ {_d(start)}: hết vào ngày trùng {_d(same)}"
            end = same + timedelta(days=days)
            if days:
                head += f", thêm {days} ngày đến {_d(end)}"
        else:
            end = start + timedelta(days=days - 1)
            head = f"{length} kể từ {_d(start)} (ngày đầu là ngày thứ nhất)"
        return due, f"{head}; {_shift_words(end, due, cal)}"
    if method == "civil":
        end = add_months(start, months) + timedelta(days=days)
        head = f"{length} kể từ {_d(start)} (không tính ngày đầu, ngày thứ nhất là {_d(start + timedelta(days=1))})"
        return due, f"{head}; {_shift_words(end, due, cal)}"
    if method == "custody":
        total = months * CUSTODY_DAYS_PER_MONTH + days
        as_days = f"{length} = {total} ngày" if months else length
        return due, (f"{as_days} kể từ {_d(start)} (ngày đầu là ngày thứ nhất, 01 tháng = 30 ngày, tính liên "
                     f"tục cả ngày nghỉ); hết 24 giờ {weekday_name(due)} {_d(due)}")
    if method == "plain":
        years, rest = divmod(months, 12)
        words = (f"{years} năm" + (f" {rest} tháng" if rest else "")) if years else length
        return due, f"{words} kể từ {_d(start)}: hết vào ngày tương ứng {_d(due)} (không lùi vì ngày nghỉ)"
    if method == "hours":
        return due, f"{days} ngày = {days * 24} giờ kể từ giờ nhận người ngày {_d(start)}; hết vào giờ đó ngày {_d(due)}"
    raise ValueError(f"Cách tính thời hạn không hợp lệ: {method!r} (chỉ chấp nhận: {', '.join(METHODS)}).")
