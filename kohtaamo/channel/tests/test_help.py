import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.channel.actions import requests as actions
from kohtaamo.channel.models import ContactRequest
from kohtaamo.testing.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

VALID = {
    "topics": ["money", "housing"],
    "message": "Vuokra on rästissä kahdelta kuulta.",
    "name": "Sari",
    "contact_method": "call",
    "phone": "040 555 0101",
    "contact_times": ["morning"],
    "avoid_times": "Ei maanantaisin",
    "special_group": "no",
    "municipality": "Järvelä",
    "consent": "on",
}


def test_help_form_renders(client, help_queue):
    response = client.get(reverse("channel:help"))

    assert response.status_code == 200
    assert b'name="consent"' in response.content and b'name="phone"' in response.content


def test_request_is_created_with_reference_and_deadline(
    client, help_queue, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("channel:help"), VALID)
        thanks = client.get(response["Location"])

    request = ContactRequest.objects.get()
    assert request.queue == help_queue and request.team == help_queue.team
    assert request.respond_by == datetime.date(2026, 12, 14)  # 7 working days, Dec 6 is a holiday
    assert not request.statutory_deadline
    assert request.phone == "040 555 0101" and "0101" not in request.phone_encrypted
    assert request.message.startswith("Vuokra") and "Vuokra" not in request.message_encrypted
    assert request.display_reference.encode() in thanks.content
    assert b"14.12.2026" in thanks.content or b"Monday 14.12.2026" in thanks.content
    assert ChangeEntry.objects.filter(object_type="channel.contact_request").exists()
    # the unit hears only that something is waiting: no personal data by email
    assert len(mail.outbox) == 1
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert mail.outbox[0].to == ["queue@example.fi"]
    assert "0101" not in text and "Sari" not in text and "Vuokra" not in text
    assert request.reference not in text


def test_special_group_gets_the_statutory_deadline(client, help_queue):
    client.post(reverse("channel:help"), {**VALID, "special_group": "yes"})

    assert ContactRequest.objects.get().statutory_deadline


def test_bad_input_keeps_what_was_typed_and_names_the_field(client, help_queue):
    data = {**VALID, "phone": "soita minulle", "consent": ""}

    response = client.post(reverse("channel:help"), data)

    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_phone"' in body and 'href="#id_consent"' in body
    assert "Vuokra on rästissä kahdelta kuulta." in body
    assert 'value="soita minulle"' in body
    assert not ContactRequest.objects.exists()


def test_topic_or_message_is_needed(client, help_queue):
    response = client.post(reverse("channel:help"), {**VALID, "topics": [], "message": ""})

    assert b"Choose what you need help with" in response.content
    assert not ContactRequest.objects.exists()


def test_oversize_and_odd_input_is_refused_not_a_crash(client, help_queue):
    data = {**VALID, "message": "x" * 5000, "topics": ["nonsense"], "municipality": "Atlantis"}

    response = client.post(reverse("channel:help"), data)

    assert response.status_code == 400
    assert not ContactRequest.objects.exists()


def test_request_flood_is_throttled(client, help_queue):
    for _ in range(5):
        client.post(reverse("channel:help"), VALID)

    response = client.post(reverse("channel:help"), VALID)

    assert response.status_code == 429
    assert ContactRequest.objects.count() == 5


def test_help_without_a_queue_is_polite(client):
    response = client.get(reverse("channel:help"))

    assert response.status_code == 503
    assert b"You cannot send a request at the moment." in response.content


def _request(queue, **fields):
    from kohtaamo.audit.actions import Actor

    data = actions.RequestInput(topics=["food"], phone="040 555 0199", **fields)
    return actions.create_contact_request(data, queue=queue, actor=Actor.system())


def test_queue_shows_requests_with_deadline(as_user, alice, help_queue):
    request = _request(help_queue)

    response = as_user(alice).get(reverse("channel:requests"))

    body = response.content.decode()
    assert request.display_reference in body
    assert request.respond_by.strftime("%-d.%-m.%Y") in body
    assert "040 555 0199" not in body  # contact details only on the request's own page


@pytest.mark.parametrize(("user", "status"), [("alice", 200), ("bob", 200), ("charlie", 404)])
def test_request_detail_access_and_log(request, as_user, help_queue, user, status):
    contact = _request(help_queue)
    worker = request.getfixturevalue(user)

    response = as_user(worker).get(reverse("channel:request", args=[contact.code]))

    assert response.status_code == status
    logged = AccessLogEntry.objects.filter(
        object_type="channel.contact_request", object_ref=str(contact.pk), username=worker.username
    )
    assert logged.exists() == (status == 200)
    if status == 200:
        assert b"040 555 0199" in response.content


@pytest.mark.parametrize(("user", "status"), [("alice", 302), ("bob", 403), ("charlie", 404)])
def test_take_access(request, as_user, help_queue, user, status):
    contact = _request(help_queue)

    response = as_user(request.getfixturevalue(user)).post(
        reverse("channel:request-take", args=[contact.code])
    )

    assert response.status_code == status
    contact.refresh_from_db()
    assert (contact.status == "taken") == (status == 302)


def test_take_and_complete(as_user, alice, help_queue):
    contact = _request(help_queue)
    client = as_user(alice)

    client.post(reverse("channel:request-take", args=[contact.code]))
    client.post(reverse("channel:request-done", args=[contact.code]))

    contact.refresh_from_db()
    assert contact.status == "done" and contact.taken_by == alice
    assert ChangeEntry.objects.filter(
        object_type="channel.contact_request", changes__status=["taken", "done"]
    ).exists()


def test_queue_without_n_plus_one(as_user, alice, help_queue):
    client = as_user(alice)

    assert_constant_queries(
        lambda n: [_request(help_queue) for _ in range(n)],
        lambda: client.get(reverse("channel:requests")),
    )


def test_my_day_lists_waiting_requests(as_user, alice, help_queue):
    contact = _request(help_queue)

    response = as_user(alice).get(reverse("core:my-day"))

    assert b'data-testid="myday-requests"' in response.content
    assert contact.display_reference.encode() in response.content


def test_queue_needs_client_access(as_user, manager, help_queue):
    assert as_user(manager).get(reverse("channel:requests")).status_code == 403
