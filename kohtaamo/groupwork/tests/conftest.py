"""Group-work fixtures: a social rehabilitation group of team A led by alice and a peer instructor
without an account, and helpers for clients in a service period."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions as casework
from kohtaamo.groupwork import actions
from kohtaamo.testing.factories import PersonFactory


@pytest.fixture
def group(alice, county, team_a):
    today = timezone.localdate()
    made = actions.create_group(
        Actor.for_user(alice), by=alice, organisation=county, unit=team_a.unit, team=team_a,
        name="Arjen taidot", kind="social_rehabilitation", starts_on=today,
        ends_on=today + datetime.timedelta(days=90), capacity=4,
    )  # fmt: skip
    actions.add_leader(Actor.for_user(alice), made, role="professional", user=alice)
    actions.add_leader(Actor.for_user(alice), made, role="peer_instructor", name="Pirkko Vertainen")
    return made


@pytest.fixture
def client_in_period(alice, county, team_a):
    """client_in_period() → (person, matter, period): a client in social rehabilitation."""

    def make():
        person = PersonFactory(organisation=county)
        matter = casework.open_client_matter(
            Actor.for_user(alice), person, by=alice, source="encounter", team=team_a,
            responsible_worker=alice,
        )  # fmt: skip
        today = timezone.localdate()
        period = casework.start_period(
            Actor.for_user(alice), matter, by=alice, starts_on=today,
            ends_on=today + datetime.timedelta(days=90),
        )  # fmt: skip
        return person, matter, period

    return make


@pytest.fixture
def members(group, alice, client_in_period):
    made = []
    for _ in range(3):
        person, _matter, _period = client_in_period()
        made.append(actions.add_member(Actor.for_user(alice), group, person=person, by=alice))
    return made


@pytest.fixture
def meeting(group, alice):
    return actions.plan_meeting(
        Actor.for_user(alice), group, by=alice, at=timezone.now() - datetime.timedelta(hours=1),
        topic="Arjen rytmi",
    )  # fmt: skip
