"""Dates, hours and document numbers as Vietnamese documents write them.

«ngày 05 tháng 8 năm 2024», «ngày 5/8/2024», «05-8-2024», «05.8.2024»; hours as «10 giờ 30 phút», «10 giờ»,
«10h30», «10:30». A day that does not exist (31/02) or a year outside 1945-2100 is not a date: nothing is
guessed, the field stays empty.
"""

from __future__ import annotations

import re
from datetime import date, time

MIN_YEAR, MAX_YEAR = 1945, 2100

# «ngày 05 tháng 8 năm 2024» (words may be broken over lines; OCR may drop the accents)
_LONG = re.compile(
    r"(?:ng[aà]y\s+)?(\d{1,2})\s*(?:,\s*)?th[aá]ng\s+(\d{1,2})\s*(?:,\s*)?n[aă]m\s+(\d{4})", re.I)
# «05/8/2024», «05-8-2024», «05.8.2024»
_SHORT = re.compile(r"(?<![\d/])(\d{1,2})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{4})(?![\d/])")
_HOUR = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:giờ|gio|h(?![a-zà-ỹ]))\s*(?:(\d{1,2})\s*(?:phút|phut|p(?![a-zà-ỹ]))?)?"
    r"|(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])", re.I)


def make_date(day: int, month: int, year: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """Every date in `text` as (date, start, end), in order of position."""
    found: list[tuple[date, int, int]] = []
    for m in _LONG.finditer(text):
        d = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((d, m.start(), m.end()))
    for m in _SHORT.finditer(text):
        if any(s <= m.start() < e for _, s, e in found):
            continue
        d = make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if d:
            found.append((d, m.start(), m.end()))
    return sorted(found, key=lambda t: t[1])


def first_date(text: str) -> tuple[date, int, int] | None:
    dates = find_dates(text)
    return dates[0] if dates else None


def find_hour(text: str) -> tuple[time, int, int] | None:
    """The first hour written in `text` («10 giờ 30 phút», «10h30», «10:30»)."""
    for m in _HOUR.finditer(text):
        h, mi = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        hour, minute = int(h), int(mi or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute), m.start(), m.end()
    return None


# «01/2026/QĐ-CSĐT», «12/QĐ-VKSKV1», «25/2024/HS-ST», «45/2024/TLST-HS», «03/LTG-CSĐT»
NUMBER = r"\d{1,5}\s?/\s?(?:\d{4}\s?/\s?)?[A-ZĐ][A-ZĐa-zđ0-9]*(?:\s?[-–]\s?[A-ZĐa-zđ0-9]+)*"
_NUMBER = re.compile(NUMBER)


def clean_number(text: str) -> str:
    """«01 / 2026 / QĐ - CSĐT» -> «01/2026/QĐ-CSĐT»."""
    return re.sub(r"\s*([/–-])\s*", lambda m: "-" if m.group(1) == "–" else m.group(1), text.strip())
