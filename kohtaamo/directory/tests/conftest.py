from __future__ import annotations

import pytest

from kohtaamo.audit.actions import Actor
from kohtaamo.directory.actions import import_directory
from kohtaamo.directory.demo import load_demo_file
from kohtaamo.directory.models import Service


@pytest.fixture
def demo_directory(db):
    """The 78-service demo directory, imported and indexed (about a second)."""
    import_directory(load_demo_file(), actor=Actor.system("test"), source="demo")
    return {s.slug: s for s in Service.objects.select_related("organisation")}


def tiny_spec(
    *,
    org_id="11111111-1111-4111-8111-111111111111",
    service_id="22222222-2222-4222-8222-222222222222",
    **service,
):
    """One organisation with one service in the spec shape of store.py."""
    base = {
        "id": service_id,
        "slug": "velkaneuvonta-testi",
        "name": {
            "fi": "Talous- ja velkaneuvonta",
            "sv": "Ekonomi- och skuldrådgivning",
            "en": "Debt advice",
        },
        "description": {
            "fi": "Apua velkoihin ja maksuvaikeuksiin.",
            "sv": "Hjälp med skulder.",
            "en": "Help with debts.",
        },
        "keywords": {"fi": ["velkaneuvonta", "maksusuunnitelma"]},
        "themes": ["debt"],
        "free_of_charge": True,
        "anonymous_allowed": True,
        "no_appointment": False,
        "languages": [{"code": "fi"}, {"code": "sv"}],
        "municipality": "Järvelä",
        "coverage": "local",
        "provenance": {"source": "test", "last_verified": "2026-11-01", "verified_by": "Testaaja"},
        "schedules": [
            {
                "id": "33333333-3333-4333-8333-333333333333",
                "byday": "MO,TU,WE,TH,FR",
                "opens": "09:00",
                "closes": "15:00",
            }
        ],
        "channels": [
            {
                "id": "44444444-4444-4444-8444-444444444444",
                "type": "Phone",
                "name": {"fi": "Velkapuhelin"},
                "number": "029 555 0700",
            },
            {
                "id": "55555555-5555-4555-8555-555555555555",
                "type": "ServiceLocation",
                "name": {"fi": "Velkaneuvonta, Järvelä"},
                "location": {
                    "id": "66666666-6666-4666-8666-666666666666",
                    "type": "physical",
                    "name": {"fi": "Virastotalo"},
                    "street": "Kauppakatu 1",
                    "postal_code": "41100",
                    "city": "Järvelä",
                },
            },
        ],
    }
    base.update(service)
    return [
        {
            "id": org_id,
            "slug": "testijarjesto",
            "name": {"fi": "Testijärjestö ry"},
            "description": {"fi": "Testi."},
            "services": [base],
        }
    ]


@pytest.fixture
def tiny_service(db):
    import_directory(tiny_spec(), actor=Actor.system("test"), source="test")
    return Service.objects.get(slug="velkaneuvonta-testi")
