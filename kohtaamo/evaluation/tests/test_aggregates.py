"""Pre-aggregation: today is live, the minute job picks up new and edited contacts, months are
sums of their days, and synthetic scale data aggregates to what was generated."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kohtaamo.encounters.models import Encounter
from kohtaamo.evaluation import aggregates, scale
from kohtaamo.evaluation.models import EncounterDay, EncounterMonth
from kohtaamo.evaluation.registry import Scope

from .conftest import local

pytestmark = pytest.mark.django_db


def year_scope(county):
    today = timezone.localdate()
    return Scope(
        (county.pk,), today - datetime.timedelta(days=400), today + datetime.timedelta(days=1)
    )


def total(county) -> int:
    return aggregates.encounter_measures(year_scope(county)).get(None, {}).get("n", 0)


def test_todays_contacts_count_at_once_without_a_refresh(make_encounter, county, rebuild):
    rebuild()
    make_encounter(at=timezone.now() - datetime.timedelta(minutes=5))

    assert total(county) == 1
    assert not EncounterDay.objects.exists()


def test_a_late_entry_counts_at_once_and_the_refresh_stores_it(make_encounter, county, rebuild):
    rebuild()
    make_encounter(day=timezone.localdate() - datetime.timedelta(days=20))
    assert total(county) == 1  # newer than the last refresh: read live
    assert not EncounterDay.objects.exists()

    days = aggregates.refresh()

    assert days == 1 and total(county) == 1  # now from the daily row, and only once
    assert EncounterDay.objects.get().n == 1


def test_rows_added_during_a_refresh_are_counted_once(make_encounter, county, rebuild, monkeypatch):
    rebuild()
    make_encounter(day=timezone.localdate() - datetime.timedelta(days=5))
    real = aggregates.newest_ids
    late = []

    def newest_then_insert():
        ids = real()
        late.append(make_encounter(day=timezone.localdate() - datetime.timedelta(days=5)))
        return ids

    monkeypatch.setattr(aggregates, "newest_ids", newest_then_insert)
    aggregates.refresh()

    assert late and total(county) == 2  # one stored, the late one live
    monkeypatch.setattr(aggregates, "newest_ids", real)
    aggregates.refresh()
    assert total(county) == 2 and EncounterDay.objects.get().n == 2


def test_refresh_picks_up_an_edit(make_encounter, county, rebuild, no_suppression):
    encounter = make_encounter(
        day=timezone.localdate() - datetime.timedelta(days=20), result="settled"
    )
    rebuild()
    Encounter.objects.filter(pk=encounter.pk).update(
        result="guided_onward", updated_at=timezone.now()
    )

    aggregates.refresh()

    assert aggregates.encounter_measures(year_scope(county))[None]["guided_onward"] == 1


def test_rebuild_catches_a_deleted_contact(make_encounter, county, rebuild):
    old = make_encounter(day=timezone.localdate() - datetime.timedelta(days=10))
    rebuild()
    assert total(county) == 1
    Encounter.objects.filter(pk=old.pk).delete()

    aggregates.rebuild(since=timezone.localdate() - datetime.timedelta(days=35))

    assert total(county) == 0


def test_monthly_rows_are_the_sum_of_daily_rows(make_encounter, county, rebuild):
    first = timezone.localdate().replace(day=1) - datetime.timedelta(days=40)
    for offset in (0, 1, 2, 9):
        make_encounter(day=first + datetime.timedelta(days=offset))
    rebuild()

    months = EncounterMonth.objects.filter(organisation=county)
    assert sum(m.n for m in months) == 4
    assert sum(d.n for d in EncounterDay.objects.filter(organisation=county)) == 4


def test_a_period_ending_mid_month_reads_days(make_encounter, county, rebuild):
    base = timezone.localdate().replace(day=1) - datetime.timedelta(days=45)
    base = base.replace(day=1)
    make_encounter(at=local(base + datetime.timedelta(days=2)))
    make_encounter(at=local(base + datetime.timedelta(days=20)))
    rebuild()

    scope = Scope((county.pk,), base, base + datetime.timedelta(days=10))

    assert aggregates.periods(scope)["months"] is None
    assert aggregates.encounter_measures(scope)[None]["n"] == 1


def test_generated_scale_data_aggregates_to_what_was_generated(county, db):
    summary = scale.generate(
        encounters=600, referrals=60, persons=40, months=3, organisation="scale-test", seed=7
    )

    from kohtaamo.accounts.models import Organisation
    from kohtaamo.people.models import Person
    from kohtaamo.referrals.models import Referral

    org = Organisation.objects.get(slug="scale-test")
    scope = Scope(
        (org.pk,),
        timezone.localdate() - datetime.timedelta(days=120),
        timezone.localdate() + datetime.timedelta(days=1),
    )
    measures = aggregates.encounter_measures(scope)[None]
    assert summary.encounters == 600 == Encounter.objects.filter(organisation=org).count()
    assert measures["n"] == 600
    assert (
        measures["repeat"]
        == summary.repeat
        == Encounter.objects.filter(organisation=org, is_repeat=True).count()
    )
    assert measures["failure_demand"] == summary.failure_demand
    assert (
        0 < summary.referrals <= 60
        and Referral.objects.filter(organisation=org).count() == summary.referrals
    )
    assert all(900 <= int(p.hetu[7:10]) <= 999 for p in Person.objects.filter(organisation=org))
    months = {
        e.started_at.astimezone(timezone.get_current_timezone()).month
        for e in Encounter.objects.filter(organisation=org)
    }
    assert len(months) >= 3
    weekdays = [
        timezone.localtime(e.started_at).weekday()
        for e in Encounter.objects.filter(organisation=org)
    ]
    assert weekdays.count(0) > weekdays.count(6)  # Mondays are busy, Sundays nearly empty


def test_generate_scale_data_command_reports_progress_and_a_summary(db, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()

    call_command(
        "generate_scale_data",
        encounters=150,
        referrals=10,
        persons=20,
        months=2,
        organisation="cmd-test",
        stdout=out,
    )

    text = out.getvalue()
    assert "generating 150 encounters" in text and "done in" in text and "150 encounters" in text


def test_generator_figures_equal_a_rebuild_from_the_rows(db):
    """The generator writes a fresh county's daily figures itself (it is faster than reading
    ten million rows back); they must be exactly what `rebuild()` computes from the rows."""
    from kohtaamo.evaluation.models import EncounterTermDay, ReferralDay, ReferralMonth

    scale.generate(
        encounters=800, referrals=120, persons=30, months=3, organisation="direct-test", seed=3
    )

    def snapshot():
        def rows(model, exclude=("id",)):
            return sorted(
                tuple(v for k, v in r.items() if k not in exclude) for r in model.objects.values()
            )

        return [
            rows(m)
            for m in (EncounterDay, EncounterMonth, EncounterTermDay, ReferralDay, ReferralMonth)
        ]

    direct = snapshot()
    aggregates.rebuild()

    assert direct == snapshot()
    assert direct[0] and direct[2] and direct[3]


def test_generated_referrals_have_no_future(db):
    """Referral answers and arrivals that would fall after now are not generated: the referral
    is still waiting (nothing dated in the future for the minute job to re-aggregate forever)."""
    from kohtaamo.referrals.models import Referral, ReferralEvent

    scale.generate(
        encounters=1500, referrals=600, persons=30, months=1, organisation="future-test", seed=5
    )
    now = timezone.now()

    referrals = Referral.objects.filter(organisation__slug="future-test")
    assert referrals.count() > 100
    assert not ReferralEvent.objects.filter(referral__in=referrals, at__gt=now).exists()
    assert not referrals.filter(updated_at__gt=now).exists()
    assert not referrals.filter(confirmed_at__gt=now).exists()
    # the newest referrals are still waiting for an answer
    assert referrals.filter(status="sent").exists()
