"""Fixtures of the client channel: a chat service answered by team A (open around the clock),
the county's request queue, chats in each state, a feedback code from the desk."""

from __future__ import annotations

import datetime

import pytest

from kohtaamo.audit.actions import Actor
from kohtaamo.channel.actions import chat as chat_actions
from kohtaamo.channel.models import ChatOpeningHours, ChatService, HelpQueue

ALL_DAY = (datetime.time(0, 0), datetime.time(23, 59, 59, 999999))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The finder keeps its filter lists in the cache for a few minutes."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def chat_service(county, team_a):
    service = ChatService.objects.create(
        slug="test-chat",
        organisation=county,
        unit=team_a.unit,
        team=team_a,
        name_fi="Testichat",
        name_en="Test chat",
        welcome_en="Ask anything.",
        ready_phrases=[{"fi": "Hei, miten voin auttaa?", "en": "Hello, how can I help?"}],
    )
    ChatOpeningHours.objects.bulk_create(
        ChatOpeningHours(service=service, weekday=d, opens=ALL_DAY[0], closes=ALL_DAY[1])
        for d in range(7)
    )
    return service


@pytest.fixture
def other_chat_service(other_county, team_b):
    service = ChatService.objects.create(
        slug="other-chat", organisation=other_county, team=team_b, unit=team_b.unit, name_fi="Muu"
    )
    ChatOpeningHours.objects.create(service=service, weekday=0, opens=ALL_DAY[0], closes=ALL_DAY[1])
    return service


@pytest.fixture
def start(chat_service):
    """`start()` opens a waiting chat from a fresh source; returns (session, key)."""
    counter = {"n": 0}

    def make(service=None, source=None):
        counter["n"] += 1
        started = chat_actions.start_chat(
            service or chat_service, source=source or f"source-{counter['n']}", language="en"
        )
        return started.session, started.key

    return make


@pytest.fixture
def active_chat(start, alice):
    session, key = start()
    chat_actions.take_chat(session, by=alice)
    return session, key


@pytest.fixture
def help_queue(county, team_a):
    return HelpQueue.objects.create(
        slug="test-queue",
        organisation=county,
        unit=team_a.unit,
        team=team_a,
        name_fi="Testijono",
        name_en="Test queue",
        municipalities=["Järvelä", "Koivula"],
        notify_email="queue@example.fi",
    )


@pytest.fixture
def encounter(county, alice):
    from django.utils import timezone

    from kohtaamo.encounters.actions import EncounterInput, record_encounter

    return record_encounter(
        Actor.for_user(alice),
        EncounterInput(
            organisation_id=county.pk,
            channel="desk",
            started_at=timezone.now(),
            duration_minutes=10,
            result="settled",
        ),
        by=alice,
    ).encounter


@pytest.fixture
def feedback_code(encounter, alice):
    from kohtaamo.encounters.actions import issue_feedback_code

    return issue_feedback_code(Actor.for_user(alice), encounter)
