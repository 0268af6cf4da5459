"""Case-management fixtures: a client matter of alice's team with alice as the responsible worker,
a plan, a signed assessment, a decision draft, a social rehabilitation period, and helpers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions
from kohtaamo.casework.models import Decision
from kohtaamo.instruments.models import Instrument

EUROHIS_LOW = {f"q{i}": 2 for i in range(1, 9)}
EUROHIS_HIGH = {f"q{i}": 4 for i in range(1, 9)}


def act(user):
    return Actor.for_user(user)


@pytest.fixture
def matter(alice, person, team_a):
    return actions.open_client_matter(
        act(alice), person, by=alice, source="encounter", team=team_a, responsible_worker=alice
    )


@pytest.fixture
def plan(matter, alice):
    return actions.create_plan(act(alice), matter, by=alice, variant="intensive")


@pytest.fixture
def signed_assessment(matter, alice, official):
    assessment = actions.create_assessment(
        act(alice),
        matter,
        by=alice,
        client_view="Haluan asunnon ja töitä.",
        worker_assessment="Tarvitsee tukea asumiseen.",
        conclusion="Sosiaalinen kuntoutus.",
        need_areas=["housing", "work"],
    )
    return actions.sign_assessment(act(official), assessment, by=official)


@pytest.fixture
def decision(matter, plan, alice):
    today = timezone.localdate()
    return actions.create_decision(
        act(alice),
        matter,
        by=alice,
        plan=plan,
        service=Decision.Service.SOCIAL_REHABILITATION,
        subject="Sosiaalinen kuntoutus",
        outcome=Decision.Outcome.GRANTED,
        decision_text="Myönnetään sosiaalinen kuntoutus.",
        reasoning="Palvelutarpeen arvion mukaan.",
        valid_from=today,
        valid_until=today + datetime.timedelta(days=180),
    )


@pytest.fixture
def period(matter, alice):
    today = timezone.localdate()
    return actions.start_period(
        act(alice), matter, by=alice, starts_on=today, ends_on=today + datetime.timedelta(days=120)
    )


@pytest.fixture
def eurohis(db):
    return Instrument.objects.current().get(key="eurohis8")


@pytest.fixture
def measured(period, alice, eurohis):
    """A period with a start (all 2) and an end (all 4) EuroHIS-8 measurement: change +2.0."""
    actions.record_measurement(
        act(alice), period, by=alice, instrument=eurohis, answers=EUROHIS_LOW, phase="start"
    )
    actions.record_measurement(
        act(alice), period, by=alice, instrument=eurohis, answers=EUROHIS_HIGH, phase="end"
    )
    return period


@pytest.fixture
def make_matter(alice, county, team_a):
    """make_matter(n) opens n matters for new people with alice as the responsible worker."""
    from kohtaamo.testing.factories import PersonFactory

    def make(n=1, worker=None):
        made = []
        for _ in range(n):
            person = PersonFactory(organisation=county)
            made.append(
                actions.open_client_matter(
                    act(alice),
                    person,
                    by=alice,
                    source="encounter",
                    team=team_a,
                    responsible_worker=worker or alice,
                )
            )
        return made

    return make
