"""Observations (weak signals) and their place in the social report."""

import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.outreach import actions
from kohtaamo.outreach.evaluation_sources import (
    INDICATOR_SOURCES,
    SOCIAL_REPORT_SECTIONS,
    build_observations,
)
from kohtaamo.outreach.models import Observation
from kohtaamo.testing.helpers import assert_constant_queries


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_an_observation_from_the_shift(as_user, alice, active_shift, place):
    response = as_user(alice).post(
        f"/outreach/shift/{active_shift.code}/observation/",
        {
            "kind": "sleeping_rough",
            "place": str(place.code),
            "observed_at": _local(timezone.now()),
            "count_estimate": "4",
            "description": "Aseman takana kolme telttaa.",
        },
    )

    obs = Observation.objects.get()
    assert response.status_code == 302
    assert (obs.kind, obs.place, obs.count_estimate, obs.shift, obs.team) == (
        "sleeping_rough",
        place,
        4,
        active_shift,
        active_shift.team,
    )
    assert active_shift.events.filter(kind="observation").count() == 1


def test_an_identity_code_is_refused(as_user, alice, active_shift):
    response = as_user(alice).post(
        f"/outreach/shift/{active_shift.code}/observation/",
        {
            "kind": "other",
            "observed_at": _local(timezone.now()),
            "description": "Tavattu 010190-9123",
        },
    )

    assert response.status_code == 400 and Observation.objects.count() == 0
    assert "Remove the identity code" in response.content.decode()


def test_a_name_needs_confirming(as_user, alice, active_shift):
    client = as_user(alice)
    data = {
        "kind": "service_gap",
        "observed_at": _local(timezone.now()),
        "description": "Matti Meikäläinen ei saanut apua",
    }

    warned = client.post(f"/outreach/shift/{active_shift.code}/observation/", data)
    confirmed = client.post(
        f"/outreach/shift/{active_shift.code}/observation/", {**data, "confirm_description": "on"}
    )

    assert warned.status_code == 400 and "seems to contain a name" in warned.content.decode()
    assert 'name="confirm_description"' in warned.content.decode()
    assert confirmed.status_code == 302 and Observation.objects.count() == 1


def test_the_list_makes_no_n_plus_one(as_user, alice, county, place):
    client = as_user(alice)

    def make(n):
        for _ in range(n):
            actions.record_observation(
                Actor.for_user(alice),
                by=alice,
                organisation_id=county.pk,
                kind="new_encampment",
                observed_at=timezone.now(),
                place=place,
            )

    assert_constant_queries(make, lambda: client.get("/outreach/observations/"))
    assert (
        client.get("/outreach/observations/")
        .content.decode()
        .count('data-testid="observation-row"')
        == 3
    )


def test_observations_are_seen_only_in_the_organisation(as_user, charlie, alice, county):
    actions.record_observation(
        Actor.for_user(alice),
        by=alice,
        organisation_id=county.pk,
        kind="other",
        observed_at=timezone.now(),
        description="Salainen havainto",
    )

    assert (
        "Salainen havainto" not in as_user(charlie).get("/outreach/observations/").content.decode()
    )
    assert "Salainen havainto" in as_user(alice).get("/outreach/observations/").content.decode()


def _scope(county, days=40):
    from kohtaamo.evaluation.registry import Scope

    today = timezone.localdate()
    return Scope(
        (county.pk,), today - datetime.timedelta(days=days), today + datetime.timedelta(days=1)
    )


def test_the_social_report_section_is_protected_by_small_number_rule(alice, county, place):
    from kohtaamo.evaluation import registry
    from kohtaamo.evaluation.suppression import PRIMARY, protect

    for kind, n in [("sleeping_rough", 7), ("new_encampment", 2), ("service_gap", 6)]:
        for _ in range(n):
            actions.record_observation(
                Actor.for_user(alice),
                by=alice,
                organisation_id=county.pk,
                kind=kind,
                observed_at=timezone.now(),
                place=place,
            )

    table = build_observations(_scope(county))
    protected = protect(table["values"])

    rows = [key for key, _label in table["rows"]]
    assert table["values"][rows.index("sleeping_rough")] == [7]
    encampment = rows.index("new_encampment")
    assert protected.status[encampment][0] == PRIMARY and protected.display(encampment, 0) == "<5"
    registry.autodiscover()
    assert "outreach_observations" in {s.key for s in registry.report_sections()}
    assert SOCIAL_REPORT_SECTIONS[0]["build"] is build_observations


def test_no_observations_gives_no_section(county):
    assert build_observations(_scope(county)) is None


@pytest.mark.parametrize("group_by", ["total", "month", "organisation", "place", "area", "unit"])
def test_indicator_sources(alice, county, active_shift, place, group_by):
    actions.record_field_contact(
        Actor.for_user(alice),
        active_shift,
        actions.ContactInput(visit=active_shift.visits.get()),
        by=alice,
    )
    actions.record_observation(
        Actor.for_user(alice),
        by=alice,
        organisation_id=county.pk,
        kind="other",
        observed_at=timezone.now(),
        place=place,
        shift=active_shift,
    )
    scope = _scope(county)

    contacts = INDICATOR_SOURCES["outreach.field_contacts"](scope, group_by)
    shifts = INDICATOR_SOURCES["outreach.shifts"](scope, group_by)
    observations = INDICATOR_SOURCES["outreach.observations"](scope, group_by)

    assert sum(contacts.values()) == 1 and sum(observations.values()) == 1
    if group_by not in ("place", "area"):
        assert sum(shifts.values()) == 1
    if group_by == "month":
        assert list(contacts) == [timezone.localdate().strftime("%Y-%m")]


def test_leaders_see_the_observations_but_evaluators_only_the_report(
    as_user, manager, evaluator, alice, county
):
    actions.record_observation(
        Actor.for_user(alice),
        by=alice,
        organisation_id=county.pk,
        kind="service_gap",
        observed_at=timezone.now(),
        description="Ei yöpaikkoja",
    )

    assert "Ei yöpaikkoja" in as_user(manager).get("/outreach/observations/").content.decode()
    assert as_user(evaluator).get("/outreach/observations/").status_code == 403
