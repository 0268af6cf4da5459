"""Counts per place and period, value vs failure demand, against a hand-computed fixture.

Days are local (Europe/Helsinki): 1.4.2026 23:30 is still the 1st, 2.4.2026 00:30 already the 2nd,
although both are 1.4. in UTC.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from kohtaamo.encounters import queries
from kohtaamo.encounters.models import Place
from kohtaamo.encounters.tests.conftest import term

HKI = ZoneInfo("Europe/Helsinki")


def at(month, day, hour, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=HKI)


@pytest.fixture
def fixture(make_encounter, place, other_place, charlie, team_b):
    a, b = place, other_place
    rows = [
        # place, started, repeat, about handled, reason
        (a, at(3, 2, 10), False, None, ""),
        (a, at(3, 2, 12), True, True, "guidance_did_not_work"),
        (a, at(3, 15, 9), True, False, ""),
        (b, at(3, 15, 11), False, None, ""),
        (b, at(4, 1, 9), True, True, "waiting_too_long"),
        (b, at(4, 1, 23, 30), False, None, ""),
        (a, at(4, 2, 0, 30), True, True, "no_suitable_service"),
    ]
    for p, started, repeat, about, reason in rows:
        make_encounter(
            place=p, started_at=started, is_repeat=repeat, about_handled_matter=about,
            failure_reason=reason, themes=[term("themes", "income"), term("themes", "debt")],
        )  # fmt: skip
    # Another organisation's contact on the same day never counts.
    elsewhere = Place.objects.create(organisation=team_b.unit.organisation, name_fi="Muualla")
    make_encounter(
        by=charlie, place=elsewhere, organisation_id=elsewhere.organisation_id, unit_id=None,
        team_id=None, started_at=at(3, 2, 10), is_repeat=True, about_handled_matter=True,
        failure_reason="other",
    )  # fmt: skip
    return a, b


def test_daily_counts_per_place(fixture, county):
    a, b = fixture

    rows = queries.counts([county.pk], datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))

    assert [(r.period, r.place_id, r.total, r.failure, r.value) for r in rows] == [
        (datetime.date(2026, 3, 2), a.pk, 2, 1, 1),
        (datetime.date(2026, 3, 15), a.pk, 1, 0, 1),
        (datetime.date(2026, 3, 15), b.pk, 1, 0, 1),
        (datetime.date(2026, 4, 1), b.pk, 2, 1, 1),
        (datetime.date(2026, 4, 2), a.pk, 1, 1, 0),
    ]


def test_monthly_counts_per_place(fixture, county):
    a, b = fixture

    rows = queries.counts(
        [county.pk], datetime.date(2026, 3, 1), datetime.date(2026, 4, 30), by="month"
    )

    assert sorted((r.period, r.place_id, r.total, r.failure) for r in rows) == sorted(
        [
            (datetime.date(2026, 3, 1), a.pk, 3, 1),
            (datetime.date(2026, 3, 1), b.pk, 1, 0),
            (datetime.date(2026, 4, 1), a.pk, 1, 1),
            (datetime.date(2026, 4, 1), b.pk, 2, 1),
        ]
    )


def test_value_and_failure_demand_per_place(fixture, county):
    a, b = fixture

    by_place = queries.demand_by_place(
        [county.pk], datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)
    )

    assert (by_place[a.pk].total, by_place[a.pk].value, by_place[a.pk].failure) == (4, 2, 2)
    assert (by_place[b.pk].total, by_place[b.pk].value, by_place[b.pk].failure) == (3, 2, 1)
    assert by_place[a.pk].failure_share == 0.5


def test_the_period_is_inclusive_of_local_days(fixture, county):
    a, b = fixture

    by_place = queries.demand_by_place(
        [county.pk], datetime.date(2026, 3, 15), datetime.date(2026, 4, 1)
    )

    assert (by_place[a.pk].total, by_place[a.pk].failure) == (1, 0)  # 2.4. 00:30 is outside
    assert (by_place[b.pk].total, by_place[b.pk].failure) == (3, 1)  # 1.4. 23:30 is inside


def test_failure_reasons_and_themes(fixture, county):
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)

    reasons = queries.failure_reasons([county.pk], start, end)
    themes = queries.theme_counts([county.pk], start, end)

    assert reasons == {"guidance_did_not_work": 1, "waiting_too_long": 1, "no_suitable_service": 1}
    assert themes == {"income": 7, "debt": 7}


def test_one_place_only(fixture, county):
    a, b = fixture

    rows = queries.counts(
        [county.pk], datetime.date(2026, 3, 1), datetime.date(2026, 4, 30), place_id=b.pk
    )

    assert {r.place_id for r in rows} == {b.pk} and sum(r.total for r in rows) == 3


def test_totals_by_period_merge_the_places(fixture, county):
    rows = queries.counts([county.pk], datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))

    merged = queries.totals_by_period(rows)

    assert [(r.period.day, r.total, r.failure) for r in merged] == [
        (2, 2, 1),
        (15, 2, 0),
        (1, 2, 1),
        (2, 1, 1),
    ]
