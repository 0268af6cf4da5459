"""Working days for § 36: Finnish holidays as data, Saturdays by setting, county extra days."""

import datetime

import pytest

from kohtaamo.casework import workdays

D = datetime.date


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)), (2027, D(2027, 3, 28)),
     (2038, D(2038, 4, 25))],
)  # fmt: skip
def test_easter(year, easter):
    assert workdays.easter_sunday(year) == easter


def test_the_holidays_of_2026():
    days = workdays.holidays(2026)

    assert {
        D(2026, 1, 1), D(2026, 1, 6), D(2026, 4, 3), D(2026, 4, 5), D(2026, 4, 6), D(2026, 5, 1),
        D(2026, 5, 14), D(2026, 6, 19), D(2026, 6, 20), D(2026, 10, 31), D(2026, 12, 6),
        D(2026, 12, 24), D(2026, 12, 25), D(2026, 12, 26),
    } <= days  # fmt: skip
    assert D(2026, 6, 18) not in days and D(2026, 11, 2) not in days


def test_the_seventh_working_day_skips_weekends_and_holidays():
    # Mon 22.12.2025 → Tue 23 (1), Mon 29 (2), Tue 30 (3), Wed 31 (4), Fri 2.1 (5), Mon 5.1 (6),
    # Wed 7.1 (7): 24–26.12., the weekends, 1.1. and 6.1. are skipped.
    assert workdays.add_working_days(D(2025, 12, 22), 7) == D(2026, 1, 7)
    # An ordinary week: Mon 2.3.2026 → Wed 11.3.2026.
    assert workdays.add_working_days(D(2026, 3, 2), 7) == D(2026, 3, 11)


def test_saturdays_count_when_the_setting_says_so(settings):
    settings.SATURDAY_IS_WORKING_DAY = True

    assert workdays.add_working_days(D(2026, 3, 2), 7) == D(2026, 3, 10)
    assert workdays.is_working_day(D(2026, 3, 7))
    assert not workdays.is_working_day(D(2026, 6, 20))  # Midsummer Day is still a holiday


def test_county_extra_holidays(settings):
    settings.EXTRA_HOLIDAYS = ["2026-03-04"]

    assert not workdays.is_working_day(D(2026, 3, 4))
    assert workdays.add_working_days(D(2026, 3, 2), 7) == D(2026, 3, 12)


def test_working_days_between():
    assert workdays.working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1  # Fri → Mon
    assert workdays.working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 0
