import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from kohtaamo.audit.actions import Actor
from kohtaamo.channel import finder
from kohtaamo.directory.actions import import_directory
from kohtaamo.directory.demo import organisation_specs
from kohtaamo.testing.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=2))
MONDAY_10 = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=TZ)  # a Monday


def _service(slug: str, **extra) -> dict:
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"test/{slug}")),
        "slug": slug,
        "name": {"fi": f"Velkaneuvonta {slug}", "en": f"Debt counselling {slug}"},
        "description": {
            "fi": "Talous- ja velkaneuvonnasta saat apua velkoihin ja ulosottoon.",
            "en": "Help with debts and enforcement.",
        },
        "keywords": {"fi": ["velka", "ulosotto"], "en": ["debt"]},
        "themes": ["debt"],
        "free_of_charge": True,
        "no_appointment": slug.endswith("1"),
        "anonymous_allowed": True,
        "languages": ["fi", "en"],
        "municipality": "Järvelä",
        "coverage": "local",
        "channels": [
            {
                "type": "ServiceLocation",
                "name": {"fi": "Toimisto"},
                "address": {"street": "Kirkkokatu 1", "postal_code": "40100", "city": "Järvelä"},
                "directions": {"fi": "Bussi 3, pysäkki Tori.", "en": "Bus 3 to the Square."},
                "opening_hours": [{"weekday": 0, "opens": "09:00", "closes": "11:00"}],
            },
            {"type": "Phone", "name": {"fi": "Puhelin"}, "number": "029 555 0400"},
        ],
        "opening_hours": [{"weekday": 0, "opens": "09:00", "closes": "11:00"}],
        **extra,
    }


def _load(slugs):
    raw = {
        "organizations": [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "test/org")),
                "slug": "test-org",
                "name": {"fi": "Testijärjestö", "en": "Test organisation"},
                "services": [_service(s) for s in slugs],
            }
        ]
    }
    import_directory(organisation_specs(raw), actor=Actor.system(), source="test")


def test_finder_first_page_needs_no_login_and_no_third_party(client):
    response = client.get(reverse("channel:finder"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Money and debt" in body and "Moving to Finland" in body
    assert body.count("<h1") == 1 and 'class="skip-link"' in body
    assert "htmx" not in body  # the finder needs no JavaScript library
    assert "https://" not in body.split("<body")[0]  # nothing loaded from elsewhere


@pytest.mark.finnish
def test_search_in_everyday_words_shows_cards_with_text_directions(client):
    _load(["a1", "a2"])

    with time_machine.travel(MONDAY_10):
        response = client.get(reverse("channel:finder"), {"q": "ulosotto vie palkan"})

    body = response.content.decode()
    assert "Velkaneuvonta a1" in body
    assert "Kirkkokatu 1, 40100 Järvelä" in body
    assert "Bussi 3, pysäkki Tori." in body
    assert "029 555 0400" in body
    assert body.count('class="badge badge--open"') == 2


def test_life_situation_lists_services_of_the_theme(client):
    _load(["a1"])

    response = client.get(reverse("channel:finder"), {"situation": "money"})

    assert b"Debt counselling a1" in response.content


def test_open_now_and_no_appointment_filters(client):
    _load(["a1", "a2"])

    with time_machine.travel(MONDAY_10 + datetime.timedelta(hours=3)):
        closed = client.get(reverse("channel:finder"), {"q": "velka", "open_now": "on"})
    with time_machine.travel(MONDAY_10):
        walk_in = client.get(reverse("channel:finder"), {"q": "velka", "no_appointment": "on"})

    assert b"Debt counselling" not in closed.content
    assert (
        b"Debt counselling a1" in walk_in.content and b"Debt counselling a2" not in walk_in.content
    )


def test_municipality_and_language_choices(client):
    _load(["a1"])

    response = client.get(reverse("channel:finder"))

    assert b'<option value="J\xc3\xa4rvel\xc3\xa4">' in response.content
    assert finder.language_choices() == [("fi", "suomi"), ("en", "English")]


def test_odd_input_is_a_message_not_a_crash(client):
    response = client.get(
        reverse("channel:finder"),
        {"q": "x" * 500, "municipality": "Atlantis", "limit": "-4", "situation": "<script>"},
    )

    assert response.status_code == 200
    assert b"error-summary" in response.content


def test_service_page_shows_the_week_and_channels(client):
    _load(["a1"])
    from kohtaamo.directory.models import Service

    service = Service.objects.get()

    with time_machine.travel(MONDAY_10):
        response = client.get(reverse("channel:service", args=[service.hsds_id]))

    body = response.content.decode()
    assert "Debt counselling a1" in body and "Bus 3 to the Square." in body
    assert "Opening hours in the next 7 days" in body and "09:00–11:00" in body


def test_unknown_service_is_404(client):
    assert client.get(reverse("channel:service", args=[uuid.uuid4()])).status_code == 404


def test_result_page_queries_do_not_grow(client):
    made = []

    def make(n):
        made.extend(f"s{len(made) + i}" for i in range(n))
        _load(made)

    assert_constant_queries(
        make, lambda: client.get(reverse("channel:finder"), {"situation": "money"})
    )
