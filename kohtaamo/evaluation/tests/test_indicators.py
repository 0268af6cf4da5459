"""Indicator values against hand-computed fixtures (the ten contacts of the `sample` fixture)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from kohtaamo.evaluation import indicators, logic_models
from kohtaamo.evaluation.indicators import NO_DATA, NOT_MEASURABLE, OK, SUPPRESSED
from kohtaamo.evaluation.registry import Scope, get_source, register_source, sources

pytestmark = pytest.mark.django_db

EXPECTED = {
    "contacts_count": 10,
    "professional_counselling_share": 6 / 10,  # alice is a social counsellor; the nurse is not
    "no_appointment_share": 8 / 10,  # two came through a partner
    "needs_recorded_share": 9 / 10,  # the tenth has no theme
    "initial_assessment_share": 3 / 10,
    "listening_support_share": 5 / 10,
    "guided_onward_share": 4 / 10,
    "accompanied_handoff_share": 1 / 4,  # one of the four guided onward
    "settled_share": 5 / 10,
    "client_matter_share": 1 / 10,
    "repeat_contact_share": 5 / 10,
    "failure_demand_share": 3 / 5,  # of the five repeat contacts, three about a handled matter
    "unmet_need_share": 2 / 10,  # "no suitable service" twice
    "anonymous_contact_share": 4 / 10,
    "digital_contact_share": 2 / 10,  # chat and video
    "digital_help_share": 2 / 10,  # theme digital_skills twice
}


def scope_for(county, day, **kw):
    return Scope(
        organisation_ids=(county.pk,),
        start=day.replace(day=1),
        end=(day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1),
        **kw,
    )


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_indicator_matches_hand_computed_value(
    key, sample, rebuild, county, sample_day, no_suppression
):
    rebuild()

    value = indicators.value(indicators.get(key), scope_for(county, sample_day))

    assert value.status == OK
    assert value.value == pytest.approx(EXPECTED[key])


def test_live_figures_for_today_equal_the_aggregated_ones(
    make_encounter, sample, rebuild, county, sample_day, no_suppression, alice, nurse, person, place
):
    """The same ten contacts recorded today (read live) give the same values as last month's
    (read from the daily aggregates)."""
    from kohtaamo.encounters.models import Encounter

    today = timezone.localdate()
    for e in sample:
        make_encounter(
            at=timezone.localtime(e.started_at).replace(
                year=today.year, month=today.month, day=today.day
            ),
            workers=[w for w in e.workers.all()],
            created_by=e.created_by,
            arrival=e.arrival,
            themes=[t.key for t in e.themes.all()],
            support=[t.key for t in e.support.all()],
            result=e.result,
            is_repeat=e.is_repeat,
            about_handled_matter=e.about_handled_matter,
            failure_reason=e.failure_reason,
            identity_level=e.identity_level,
            person=e.person,
            channel=e.channel,
            place=place,
        )
    rebuild()
    assert Encounter.objects.count() == 20

    for key, expected in EXPECTED.items():
        live = indicators.value(indicators.get(key), scope_for(county, today))
        stored = indicators.value(indicators.get(key), scope_for(county, sample_day))
        assert live.value == pytest.approx(expected), key
        assert stored.value == pytest.approx(live.value), key


def test_indicator_without_data_is_no_data_not_zero(county, team_a, rebuild, no_suppression):
    rebuild()
    today = timezone.localdate()

    value = indicators.value(
        indicators.get("professional_counselling_share"), scope_for(county, today)
    )

    assert value.status == NO_DATA
    assert value.value is None
    assert value.display == "no data"


def test_unit_without_contacts_has_no_data_while_others_have_values(
    sample, rebuild, county, sample_day, no_suppression
):
    from kohtaamo.testing.factories import UnitFactory

    empty = UnitFactory(organisation=county)
    rebuild()

    by_unit = indicators.values(
        indicators.get("needs_recorded_share"), scope_for(county, sample_day), "unit"
    )

    assert by_unit[sample[0].unit_id].value == pytest.approx(0.9)
    assert empty.pk not in by_unit  # shown as "no data"


def test_indicator_without_source_is_not_measurable(sample, rebuild, county, sample_day):
    """E.g. opening hours with an official present: nothing in Kohtaamo records them yet."""
    rebuild()

    value = indicators.value(
        indicators.get("official_presence_share"), scope_for(county, sample_day)
    )

    assert get_source("staffing.official_hours") is None
    assert value.status == NOT_MEASURABLE
    assert value.display == "not measurable yet"


def test_small_numbers_behind_a_share_are_suppressed(sample, rebuild, county, sample_day, settings):
    settings.SMALL_NUMBER_K = 5
    rebuild()
    scope = scope_for(county, sample_day)

    initial = indicators.value(indicators.get("initial_assessment_share"), scope)  # 3 of 10
    listening = indicators.value(indicators.get("listening_support_share"), scope)  # 5 of 10

    assert initial.status == SUPPRESSED and initial.display == "<5"
    assert listening.status == OK and listening.value == pytest.approx(0.5)


def test_monthly_trend_of_failure_demand(sample, rebuild, county, sample_day, no_suppression):
    rebuild()
    scope = Scope(
        (county.pk,),
        sample_day.replace(day=1) - datetime.timedelta(days=62),
        timezone.localdate() + datetime.timedelta(days=1),
    )

    trend = indicators.values(indicators.get("failure_demand_share"), scope, "month")

    assert trend == {f"{sample_day:%Y-%m}": trend[f"{sample_day:%Y-%m}"]}
    assert trend[f"{sample_day:%Y-%m}"].value == pytest.approx(0.6)


@pytest.fixture
def plug():
    """Register a source as an app would, for one test; afterwards the registry is as before."""
    from kohtaamo.evaluation import registry

    before = sources()
    yield lambda key, function: register_source(key, function, app="channel")
    registry._SOURCES.clear()
    registry._SOURCES.update(before)


@pytest.fixture
def feedback_calls(plug):
    """A plugged "feedback.answers" source (8 of 10 agree); the list of calls it was asked."""
    calls = []

    def answers(scope, group_by, item, agree=False):
        calls.append((item, agree, group_by))
        return {None: 8 if agree else 10}

    plug("feedback.answers", answers)
    return calls


def test_a_registered_source_makes_an_indicator_measurable(
    sample, rebuild, county, sample_day, no_suppression, feedback_calls
):
    """Apps plug in sources by key (here, client feedback the channel app will record)."""
    value = indicators.value(indicators.get("felt_heard_share"), scope_for(county, sample_day))

    assert value.status == OK and value.value == pytest.approx(0.8)
    assert ("heard", True, "total") in feedback_calls


def test_a_page_asks_a_plugged_source_once_per_grouping(
    sample, rebuild, county, sample_day, no_suppression, feedback_calls
):
    """Indicators sharing a source, and a second read of the same grouping, reuse the
    figures the scope already fetched; a new scope (another page) asks again."""
    ind = indicators.get("felt_heard_share")
    scope = scope_for(county, sample_day)
    first = indicators.value(ind, scope)
    second = indicators.value(ind, scope)
    indicators.value(ind, scope_for(county, sample_day))

    assert first == second and first.value == pytest.approx(0.8)
    assert feedback_calls.count(("heard", True, "total")) == 2
    assert feedback_calls.count(("heard", False, "total")) == 2


def test_a_failing_plugged_source_shows_no_data_instead_of_an_error(
    sample, rebuild, county, sample_day, plug
):
    def broken(scope, group_by, **params):
        raise RuntimeError("bug in another app")

    plug("feedback.answers", broken)
    value = indicators.value(indicators.get("felt_heard_share"), scope_for(county, sample_day))

    assert value.status == NO_DATA


def test_every_indicator_named_by_a_logic_model_is_defined_with_texts_in_three_languages():
    defined = indicators.definitions()
    for path in logic_models.model_files():
        content = json.loads(path.read_text(encoding="utf-8"))
        for group in ("core_elements", "outcomes"):
            for keys in content["indicators"].get(group, {}).values():
                assert set(keys) <= set(defined), path.name
    for ind in defined.values():
        assert all(ind.name.get(lang) and ind.formula.get(lang) for lang in ("fi", "sv", "en")), (
            ind.key
        )
        assert ind.unit in indicators.UNITS
        assert ind.numerator.source
        if ind.unit in ("share", "rate", "days", "score", "months"):
            assert ind.denominator is not None, ind.key


def test_base_indicators_all_have_a_definition():
    base = {k for k, ind in indicators.definitions().items() if ind.base}

    assert base == {
        "professional_counselling_share", "no_appointment_share", "needs_recorded_share",
        "initial_assessment_share", "referrals_per_contact", "confirmed_arrival_rate",
        "felt_heard_share", "failure_demand_share", "partner_response_time",
        "agreed_paths_in_force", "repeat_contact_share", "contacts_per_staff_hour",
    }  # fmt: skip
