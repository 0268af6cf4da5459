"""Desk fixtures: a place of team A, and helpers to make encounters quickly."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.encounters.actions import EncounterInput, record_encounter
from kohtaamo.encounters.models import Encounter, Place, Term


@pytest.fixture
def place(county, team_a):
    return Place.objects.create(
        organisation=county,
        unit=team_a.unit,
        team=team_a,
        name_fi="Keskustan sosiaalipiste",
        kind=Place.Kind.DESK,
        municipality="Järvelä",
        default_channel="desk",
    )


@pytest.fixture
def other_place(county, team_a):
    return Place.objects.create(
        organisation=county, unit=team_a.unit, team=team_a, name_fi="Kirjasto", kind="library"
    )


def term(section: str, key: str) -> Term:
    return Term.objects.get(section=section, key=key)


@pytest.fixture
def make_encounter(alice, place):
    """make_encounter(**overrides) records an encounter as alice through the action."""

    def make(by=None, **overrides):
        by = by or alice
        # Half an hour ago, but never before local midnight: "today" tests run at any hour.
        midnight = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(), datetime.time.min)
        )
        data = {
            "organisation_id": place.organisation_id,
            "unit_id": place.unit_id,
            "team_id": place.team_id,
            "place": place,
            "channel": "desk",
            "started_at": max(timezone.now() - datetime.timedelta(minutes=30), midnight),
            "duration_minutes": 10,
            "result": "settled",
            "themes": [term("themes", "income")],
            "support": [term("support", "counselling")],
        }
        data.update(overrides)
        return record_encounter(Actor.for_user(by), EncounterInput(**data), by=by)

    return make


ANON_POST = {
    "identity_level": Encounter.IdentityLevel.ANONYMOUS,
    "themes": ["income", "debt"],
    "support": ["counselling"],
    "result": "settled",
    "channel": "desk",
    "duration_minutes": "10",
    "arrival": "self",
}
