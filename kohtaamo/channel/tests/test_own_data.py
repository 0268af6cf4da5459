import datetime
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kohtaamo.audit.actions import Actor, log_access
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.channel import identity
from kohtaamo.channel.identity import DevelopmentProvider, StrongIdentity
from kohtaamo.channel.models import ClientSession
from kohtaamo.people.hetu import make_hetu
from kohtaamo.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

HETU = make_hetu(datetime.date(1985, 5, 17), 951)


@pytest.fixture
def dev_login(settings):
    settings.DEBUG = True
    settings.DEV_LOGIN = True


@pytest.fixture
def client_person(county):
    return PersonFactory(organisation=county, first_name="Tiina", last_name="Testinen", hetu=HETU)


def _sign_in(client, hetu=HETU):
    return client.post(
        reverse("channel:identify-dev"),
        {
            "hetu": hetu,
            "given_names": "Tiina",
            "surname": "Testinen",
            "next": "/palvelut/omat-tiedot/",
        },
    )


def test_dev_provider_is_off_without_debug_and_setting(client, settings):
    settings.DEBUG = False
    settings.DEV_LOGIN = False

    assert client.get(reverse("channel:identify-dev")).status_code == 404
    assert identity.available_providers() == []
    assert b"Identification is not in use yet." in client.get(reverse("channel:identify")).content


def test_suomifi_placeholder_is_never_offered(dev_login):
    assert [p.key for p in identity.available_providers()] == ["dev"]


def test_dev_sign_in_sets_a_separate_cookie(client, dev_login, client_person):
    response = _sign_in(client)

    assert response.status_code == 302 and response["Location"] == "/palvelut/omat-tiedot/"
    cookie = response.cookies[identity.COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/palvelut/"
    assert "sessionid" not in response.cookies  # not a staff session
    row = ClientSession.objects.get()
    assert HETU not in cookie.value and HETU not in row.identity_encrypted
    assert row.hetu_hash == client_person.hetu_hash


def test_dev_sign_in_refuses_real_looking_codes(client, dev_login):
    real = make_hetu(datetime.date(1985, 5, 17), 123)

    response = _sign_in(client, real)

    assert b"Use a valid temporary identity code" in response.content
    assert not ClientSession.objects.exists()


def test_dev_sign_in_with_a_persona(client, dev_login):
    client.post(reverse("channel:identify-dev"), {"persona": "0"})

    assert ClientSession.objects.get().hetu_hash == DevelopmentProvider.personas()[0].hetu_hash


def test_own_data_asks_to_identify_first(client):
    response = client.get(reverse("channel:own-data"))

    assert b"First you identify yourself." in response.content


def test_own_data_shows_who_viewed_and_logs_the_look(client, dev_login, client_person, alice):
    log_access(
        Actor.for_user(alice),
        person_code=client_person.code,
        object_type="people.person",
        object_ref=client_person.pk,
    )
    _sign_in(client)

    response = client.get(reverse("channel:own-data"))

    body = response.content.decode()
    assert "Hello, Tiina." in body
    assert alice.get_full_name() in body and "Social counsellor" in body
    assert "Your basic information" in body
    assert HETU not in body
    own = AccessLogEntry.objects.filter(
        person_code=client_person.code, purpose="client_request", channel="client"
    )
    assert own.filter(object_type="channel.own_data", action="view").exists()


def test_download_csv_and_json_are_logged_as_exports(client, dev_login, client_person, alice):
    log_access(
        Actor.for_user(alice),
        person_code=client_person.code,
        object_type="people.person",
        object_ref=client_person.pk,
    )
    _sign_in(client)

    csv_response = client.get(reverse("channel:own-data-download"), {"format": "csv"})
    json_response = client.get(reverse("channel:own-data-download"), {"format": "json"})

    assert csv_response["Content-Type"].startswith("text/csv")
    assert alice.get_full_name() in csv_response.content.decode()
    data = json.loads(json_response.content)
    assert any(row["who"] == alice.get_full_name() for row in data["access_log"])
    assert (
        AccessLogEntry.objects.filter(
            person_code=client_person.code, action="export", purpose="client_request"
        ).count()
        == 2
    )


def test_client_with_no_records_sees_nothing(client, dev_login):
    _sign_in(client)

    response = client.get(reverse("channel:own-data"))

    assert b"We have no information about you." in response.content


def test_client_session_expires_after_15_idle_minutes(client, dev_login, client_person):
    _sign_in(client)
    assert b"Hello, Tiina." in client.get(reverse("channel:own-data")).content

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        response = client.get(reverse("channel:own-data"))

    assert b"First you identify yourself." in response.content
    assert not ClientSession.objects.exists()


def test_activity_keeps_the_client_session_alive(client, dev_login, client_person):
    _sign_in(client)
    start = timezone.now()

    for minutes in (10, 20, 30):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            response = client.get(reverse("channel:own-data"))
            assert b"Hello, Tiina." in response.content


def test_sign_out_ends_the_client_session(client, dev_login, client_person):
    _sign_in(client)

    client.post(reverse("channel:sign-out"))

    assert not ClientSession.objects.exists()
    assert b"First you identify yourself." in client.get(reverse("channel:own-data")).content


def test_staff_login_is_not_a_client_identity(as_user, alice):
    response = as_user(alice).get(reverse("channel:own-data"))

    assert b"First you identify yourself." in response.content


def test_next_must_stay_on_the_public_side(client, dev_login):
    response = client.post(
        reverse("channel:identify-dev"), {"persona": "0", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("channel:own-data")


def test_identity_json_round_trip():
    value = StrongIdentity(HETU, "Tiina", "Testinen", "dev", "test")

    assert StrongIdentity.from_json(value.to_json()) == value


def test_purge_removes_expired_sign_ins(dev_login):
    identity.sign_in(DevelopmentProvider.personas()[0])

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=20)):
        assert identity.purge_expired() == 1


def test_own_data_shows_the_client_plan(client, dev_login, client_person, alice):
    from django.apps import apps

    from kohtaamo.casework.actions import open_client_matter

    plan_model = apps.get_model("casework", "ClientPlan")
    matter = open_client_matter(Actor.for_user(alice), client_person, by=alice, source="encounter")
    plan = plan_model.objects.create(
        matter=matter,
        variant="preventive",
        situation="Vuokrarästit ja yksinäisyys.",
        review_on=timezone.localdate() + datetime.timedelta(days=14),
        created_by=alice,
    )
    plan.goals.create(text="Haluan maksaa vuokran ajallaan.")
    plan.steps.create(what="Soitetaan velkaneuvontaan yhdessä.")
    _sign_in(client)

    response = client.get(reverse("channel:own-data"))

    body = response.content.decode()
    assert "Vuokrarästit ja yksinäisyys." in body
    assert "Haluan maksaa vuokran ajallaan." in body and "Soitetaan velkaneuvontaan" in body
    assert "Next meeting to check the plan" in body
    assert AccessLogEntry.objects.filter(
        person_code=client_person.code, object_type="casework.plan", purpose="client_request"
    ).exists()
