import pytest
from django.urls import reverse

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.channel.actions import chat as actions
from kohtaamo.channel.models import ChatSession
from kohtaamo.encounters.models import Encounter
from kohtaamo.testing.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_console_shows_queue_and_my_chats(as_user, alice, active_chat, start):
    session, _ = active_chat
    actions.send_client_message(session, body="Voitko auttaa?")
    start()

    response = as_user(alice).get(reverse("channel:console"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "1 person waiting" in body
    assert "Voitko auttaa?" in body
    assert "Hello, how can I help?" in body  # ready phrase
    assert f'id="chat-{session.code}"' in body


@pytest.mark.parametrize(
    ("user", "status"), [("alice", 200), ("bob", 200), ("charlie", 403), ("manager", 403)]
)
def test_console_access(request, as_user, chat_service, user, status):
    response = as_user(request.getfixturevalue(user)).get(reverse("channel:console"))

    assert response.status_code == status


def test_console_needs_login(client, chat_service):
    response = client.get(reverse("channel:console"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("user", "status"), [("alice", 302), ("bob", 403), ("charlie", 404)])
def test_take_access(request, as_user, start, user, status):
    session, _ = start()

    response = as_user(request.getfixturevalue(user)).post(
        reverse("channel:console-take", args=[session.code])
    )

    assert response.status_code == status
    session.refresh_from_db()
    assert (session.status == "active") == (status == 302)


def test_take_next(as_user, alice, start):
    first, _ = start()

    response = as_user(alice).post(reverse("channel:console-take-next"))

    assert response.status_code == 302 and str(first.code) in response["Location"]
    first.refresh_from_db()
    assert first.assigned_worker == alice


@pytest.mark.parametrize(("user", "status"), [("alice", 302), ("official", 403), ("charlie", 404)])
def test_send_only_by_the_assigned_worker(request, as_user, active_chat, user, status):
    session, _ = active_chat

    response = as_user(request.getfixturevalue(user)).post(
        reverse("channel:console-send", args=[session.code]), {"body": "Hei"}
    )

    assert response.status_code == status
    assert session.messages.filter(sender="worker").count() == (1 if status == 302 else 0)


def test_send_a_ready_phrase_with_htmx(as_user, alice, active_chat):
    session, _ = active_chat

    response = as_user(alice).post(
        reverse("channel:console-send", args=[session.code]),
        {"body": "", "phrase": "0", "client_msg_id": "p1"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200 and b"<html" not in response.content
    assert response["HX-Trigger"] == f"console-poll, poll-{session.code}"
    assert session.messages.get(sender="worker").body == "Hello, how can I help?"


def test_send_empty_names_the_problem(as_user, alice, active_chat):
    session, _ = active_chat

    response = as_user(alice).post(
        reverse("channel:console-send", args=[session.code]), {"body": ""}, HTTP_HX_REQUEST="true"
    )

    assert b"Write a message or choose a ready phrase." in response.content


def test_console_poll_full_and_fragment(as_user, alice, active_chat):
    session, _ = active_chat
    client = as_user(alice)
    actions.send_client_message(session, body="Uusi viesti")

    nothing = client.get(
        reverse("channel:console-poll", args=[session.code]),
        {"after": session.last_seq + 1, "status": "active"},
    )
    fragment = client.get(
        reverse("channel:console-poll", args=[session.code]),
        {"after": 1, "status": "active"},
        HTTP_HX_REQUEST="true",
        HTTP_X_KOHTAAMO_POLL="1",
    )
    page = client.get(reverse("channel:console-chat", args=[session.code]))

    assert nothing.status_code == 204
    assert b"Uusi viesti" in fragment.content and b"<html" not in fragment.content
    assert b"Uusi viesti" in page.content and b"<html" in page.content


def test_console_polls_all_chats_in_one_request(as_user, alice, active_chat, start):
    first, _ = active_chat
    second, _ = start()
    actions.take_chat(second, by=alice)
    client = as_user(alice)
    page = client.get(reverse("channel:console")).content.decode()
    after = page.split("console/updates/?after=")[1].split("&amp;")[0]
    actions.send_client_message(first, body="Ensimmäinen")
    actions.send_client_message(second, body="Toinen")
    actions.end_chat(second, ended_by="client", actor=Actor.system())

    response = client.get(
        reverse("channel:console-updates"), {"after": after}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    later = body.split("console/updates/?after=")[1].split("&amp;")[0]
    nothing = client.get(reverse("channel:console-updates"), {"after": later})

    assert 'hx-swap="none"' in page and page.count("console/updates/") == 1
    assert f'hx-swap-oob="beforeend:#chat-{first.code}-log"' in body and "Ensimmäinen" in body
    assert f'hx-swap-oob="beforeend:#chat-{second.code}-log"' in body and "Toinen" in body
    assert f'id="chat-{second.code}-state"' in body and "The person ended it." in body
    assert nothing.status_code == 204


def test_console_queue_fragment_is_204_when_unchanged(as_user, alice, start):
    start()
    client = as_user(alice)

    first = client.get(reverse("channel:console-queue"))
    version = first.content.decode().split("v=")[1].split("&amp;")[0]
    second = client.get(reverse("channel:console-queue"), {"v": version})

    assert first.status_code == 200 and b"1 person waiting" in first.content
    assert second.status_code == 204


def test_transfer_end_and_block(as_user, alice, official, active_chat, start):
    session, _ = active_chat
    client = as_user(alice)

    client.post(reverse("channel:console-transfer", args=[session.code]), {"to": official.pk})
    session.refresh_from_db()
    assert session.assigned_worker == official

    waiting, _ = start()
    client.post(reverse("channel:console-block", args=[waiting.code]), {"reason": "spam"})
    waiting.refresh_from_db()
    assert waiting.status == "blocked"

    other, _ = start()
    actions.take_chat(other, by=alice)
    client.post(
        reverse("channel:console-details", args=[other.code]),
        {"themes": ["debt"], "result": "settled"},
    )
    client.post(reverse("channel:console-end", args=[other.code]))
    other.refresh_from_db()
    assert other.status == "ended"
    assert Encounter.objects.get(pk=other.encounter_id).themes.get().key == "debt"


def test_make_notification_from_the_console(as_user, alice, active_chat):
    from kohtaamo.casework.models import ContactNotification

    session, _ = active_chat
    actions.request_contact(session)

    response = as_user(alice).post(
        reverse("channel:console-notify", args=[session.code]), {"reason": "Haluaa soiton."}
    )

    assert response.status_code == 302
    notification = ContactNotification.objects.get()
    assert notification.reason == "Haluaa soiton." and notification.person is None


def test_console_lists_without_n_plus_one(as_user, alice, start):
    client = as_user(alice)

    def make_rows(n):
        for _ in range(n):
            session, _key = start()
            actions.take_chat(session, by=alice)
            actions.send_client_message(session, body="hei")
            start()

    assert_constant_queries(make_rows, lambda: client.get(reverse("channel:console")))


def test_kept_transcript_is_access_logged(as_user, alice, charlie, active_chat, person):
    session, _ = active_chat
    ChatSession.objects.filter(pk=session.pk).update(person=person, keep_transcript=True)

    response = as_user(alice).get(reverse("channel:transcript", args=[session.code]))
    outsider = as_user(charlie).get(reverse("channel:transcript", args=[session.code]))

    assert response.status_code == 200
    assert outsider.status_code == 404
    assert AccessLogEntry.objects.filter(
        person_code=person.code, object_type="channel.chat", username="alice"
    ).exists()


def test_person_page_lists_kept_chats(as_user, alice, active_chat, person):
    session, _ = active_chat
    ChatSession.objects.filter(pk=session.pk).update(person=person, keep_transcript=True)

    response = as_user(alice).get(person.get_absolute_url())

    assert reverse("channel:transcript", args=[session.code]).encode() in response.content
