"""Outreach fixtures: a pair (alice and anna in team A), the on-call manager, a regular place and
a shift with one planned stop. Alerts go to the local test sink unless a test says otherwise."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.outreach import actions
from kohtaamo.outreach.models import OutreachPlace
from kohtaamo.testing.factories import member


@pytest.fixture(autouse=True)
def _outreach_settings(settings):
    settings.ALERT_NOTIFIER = "sink"
    settings.CHECKIN_MARGIN_MINUTES = 10
    settings.ALERT_REPEAT_MINUTES = 5


@pytest.fixture
def anna(county, team_a):
    return member(county, "social_counsellor", team=team_a, username="anna")


def make_place(organisation, name="Järvelän asema", kind=OutreachPlace.Kind.STATION, **extra):
    return actions.save_outreach_place(
        Actor.system("test"),
        actions.PlaceInput(
            organisation_id=organisation.pk,
            name_fi=name,
            kind=kind,
            municipality=extra.pop("municipality", "Järvelä"),
            slots=extra.pop("slots", [(1, datetime.time(10), datetime.time(12))]),
            **extra,
        ),
    )


@pytest.fixture
def outreach_place(county):
    return make_place(county)


@pytest.fixture
def place(outreach_place):
    return outreach_place.place


def make_shift(team, workers, on_call, *, place=None, start=None, hours=4, by=None):
    start = start or timezone.now() - datetime.timedelta(minutes=30)
    visits = []
    if place is not None:
        visits = [actions.VisitInput(place, start, start + datetime.timedelta(hours=2))]
    return actions.plan_shift(
        Actor.system("test"),
        by=by or workers[0],
        team=team,
        title="Iltakierros",
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=hours),
        workers=workers,
        on_call=on_call,
        on_call_phone="040 000 0000",
        visits=visits,
    )


@pytest.fixture
def shift(team_a, alice, anna, manager, place):
    return make_shift(team_a, [alice, anna], manager, place=place)


@pytest.fixture
def active_shift(shift, alice):
    return actions.start_shift(shift, by=alice)


def item(kind, shift, *, client_id=None, device_time=None, **payload):
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "kind": kind,
        "device_time": (device_time or timezone.now()).isoformat(),
        "payload": {"shift": str(shift.code), **payload},
    }
