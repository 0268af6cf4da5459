"""Working days (arkipäivät) for Social Welfare Act § 36 deadlines.

Holidays are data (`data/holidays_fi.json`: fixed dates, Easter offsets and "weekday between"
rules such as Midsummer), plus county-specific dates from KOHTAAMO_EXTRA_HOLIDAYS. Sundays are
never working days; Saturdays are not either unless KOHTAAMO_SATURDAY_IS_WORKING_DAY is on. Whether
§ 36 counts Saturdays is **unverified** (standards.md 3.2), hence the setting.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path

from django.conf import settings

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays_fi.json"


def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (the anonymous Gregorian algorithm, 'Meeus/Jones/Butcher')."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@cache
def _rules() -> dict:
    return json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))


def _md(year: int, text: str) -> datetime.date:
    month, day = (int(p) for p in text.split("-"))
    return datetime.date(year, month, day)


@cache
def holidays(year: int) -> frozenset[datetime.date]:
    rules = _rules()
    days = {_md(year, r["date"]) for r in rules.get("fixed", [])}
    easter = easter_sunday(year)
    days |= {easter + datetime.timedelta(days=r["offset"]) for r in rules.get("easter", [])}
    for r in rules.get("weekday_between", []):
        day = _md(year, r["from"])
        while day <= _md(year, r["to"]):
            if day.weekday() == r["weekday"]:
                days.add(day)
            day += datetime.timedelta(days=1)
    return frozenset(days)


def _extra() -> set[datetime.date]:
    return {datetime.date.fromisoformat(d) for d in getattr(settings, "EXTRA_HOLIDAYS", [])}


def is_working_day(day: datetime.date) -> bool:
    if day.weekday() == 6:
        return False
    if day.weekday() == 5 and not getattr(settings, "SATURDAY_IS_WORKING_DAY", False):
        return False
    return day not in holidays(day.year) and day not in _extra()


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (the start day itself is not counted)."""
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
