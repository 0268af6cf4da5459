import pytest
from django.urls import reverse

from kohtaamo.audit.actions import Actor
from kohtaamo.channel.actions import chat as actions
from kohtaamo.channel.models import ChatMessage, ChatSession, FeedbackResponse
from kohtaamo.channel.views.chat import COOKIE

pytestmark = pytest.mark.django_db


def _start(client, chat_service):
    response = client.post(reverse("channel:chat-start", args=[chat_service.slug]))
    assert response.status_code == 302
    return ChatSession.objects.latest("created_at")


def test_chat_list_shows_open_services(client, chat_service):
    response = client.get(reverse("channel:chat-list"))

    assert response.status_code == 200
    assert b"Test chat" in response.content
    assert reverse("channel:chat-start", args=[chat_service.slug]).encode() in response.content


def test_start_sets_a_cookie_not_a_url_secret(client, chat_service):
    response = client.post(reverse("channel:chat-start", args=[chat_service.slug]))

    assert response["Location"] == reverse("channel:chat")
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/palvelut/chat/"
    assert actions.find_session(cookie.value) == ChatSession.objects.get()


def test_chat_page_shows_queue_position_and_messages(client, chat_service, start):
    start()  # someone is already waiting
    session = _start(client, chat_service)
    actions.send_client_message(session, body="Tarvitsen apua")

    response = client.get(reverse("channel:chat"))

    assert response.status_code == 200
    assert b"You are number 2 in the queue." in response.content
    assert b"Tarvitsen apua" in response.content
    # HTMX asks at once for what comes after the cursor, and the server waits for news
    assert b'hx-trigger="load, poll-again"' in response.content
    assert b"&amp;wait=25" in response.content and b"every " not in response.content
    assert b"htmx-2.0.11.min.js" in response.content


def test_chat_page_without_a_chat_goes_to_the_list(client):
    response = client.get(reverse("channel:chat"))

    assert response["Location"] == reverse("channel:chat-list")


def test_send_without_javascript_redirects_back(client, chat_service):
    session = _start(client, chat_service)

    response = client.post(reverse("channel:chat-send"), {"body": "Hei", "client_msg_id": "abc"})

    assert response.status_code == 302
    assert session.messages.get(sender="client").body == "Hei"


def test_send_twice_with_the_same_id_is_stored_once(client, chat_service):
    session = _start(client, chat_service)

    for _ in range(2):
        client.post(reverse("channel:chat-send"), {"body": "Hei", "client_msg_id": "same"})

    assert session.messages.filter(sender="client").count() == 1


def test_send_with_htmx_returns_a_fresh_form_and_triggers_a_poll(client, chat_service):
    _start(client, chat_service)

    response = client.post(
        reverse("channel:chat-send"), {"body": "Hei", "client_msg_id": "x1"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "chat-poll"
    assert b'id="chat-form"' in response.content and b"<html" not in response.content
    assert b'value="x1"' not in response.content  # a new message id for the next message


def test_empty_message_keeps_the_page_and_names_the_field(client, chat_service):
    _start(client, chat_service)

    response = client.post(reverse("channel:chat-send"), {"body": "  ", "client_msg_id": "x"})

    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert b'href="#id_body"' in response.content


def test_oversize_message_is_refused_with_a_message(client, chat_service):
    _start(client, chat_service)

    response = client.post(reverse("channel:chat-send"), {"body": "x" * 5000})

    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert not ChatMessage.objects.filter(sender="client").exists()


def test_message_flood_gets_a_polite_429(client, chat_service):
    _start(client, chat_service)
    for i in range(8):
        client.post(reverse("channel:chat-send"), {"body": f"m{i}"})

    response = client.post(reverse("channel:chat-send"), {"body": "more"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 429
    assert b"You are sending messages very fast" in response.content


def test_poll_returns_204_when_nothing_is_new(client, chat_service):
    session = _start(client, chat_service)

    response = client.get(
        reverse("channel:chat-poll"),
        {"after": session.last_seq, "status": "waiting", "pos": 1, "i": 2000},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 204


def test_poll_speeds_up_while_the_person_waits_for_an_answer(client, chat_service, alice):
    session = _start(client, chat_service)
    actions.take_chat(session, by=alice)
    actions.send_worker_message(session, by=alice, body="Hei")
    session.refresh_from_db()
    seen = {"after": session.last_seq, "status": "active", "pos": -1}

    calm = client.get(reverse("channel:chat-poll"), {**seen, "i": 1500})
    client.post(reverse("channel:chat-send"), {"body": "Voitko auttaa?"})
    awaiting = client.get(reverse("channel:chat-poll"), {**seen, "i": 1500})

    assert calm.status_code == 204
    assert b"i=500" in awaiting.content and b"Voitko auttaa?" in awaiting.content


def test_poll_fragment_has_new_messages_and_the_next_cursor(client, chat_service, alice):
    session = _start(client, chat_service)
    actions.take_chat(session, by=alice)
    actions.send_worker_message(session, by=alice, body="Hei, olen täällä")

    response = client.get(
        reverse("channel:chat-poll"),
        {"after": 0, "status": "waiting", "pos": 1},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Hei, olen täällä" in body and "A worker joined the chat." in body
    assert 'hx-swap-oob="true"' in body
    assert "after=2&amp;status=active" in body
    assert "A worker is chatting with you now." in body


def test_poll_reloads_the_page_when_the_chat_ended(client, chat_service, alice):
    session = _start(client, chat_service)
    actions.end_chat(session, ended_by="client", actor=Actor.system())

    response = client.get(reverse("channel:chat-poll"), {"after": 0, "status": "waiting"})

    assert response["HX-Refresh"] == "true"


def test_poll_without_a_chat_is_gone(client):
    assert client.get(reverse("channel:chat-poll")).status_code == 410


def test_poll_with_odd_cursor_does_not_fail(client, chat_service):
    _start(client, chat_service)

    response = client.get(reverse("channel:chat-poll"), {"after": "x'; DROP", "pos": "∞"})

    assert response.status_code == 200


def test_end_then_feedback_once(client, chat_service, alice):
    session = _start(client, chat_service)
    actions.take_chat(session, by=alice)

    client.post(reverse("channel:chat-end"))
    page = client.get(reverse("channel:chat"))
    client.post(reverse("channel:chat-feedback"), {"heard": "3", "helped": "2", "again": "3"})
    client.post(reverse("channel:chat-feedback"), {"heard": "1"})
    after = client.get(reverse("channel:chat"))

    assert b"Did you feel heard?" in page.content
    response = FeedbackResponse.objects.get()
    assert (response.heard, response.helped, response.again) == (3, 2, 3)
    assert response.encounter.channel == "chat" and response.source == "chat"
    assert b"Thank you for your answer!" in after.content


def test_feedback_needs_one_answer(client, chat_service):
    session = _start(client, chat_service)
    actions.end_chat(session, ended_by="client", actor=Actor.system())

    response = client.post(reverse("channel:chat-feedback"), {"comment": ""})

    assert b"Answer at least one question." in response.content
    assert not FeedbackResponse.objects.exists()


def test_contact_request_needs_consent(client, chat_service):
    session = _start(client, chat_service)

    refused = client.post(reverse("channel:chat-contact"), {})
    client.post(reverse("channel:chat-contact"), {"consent": "on"})

    assert b"Tick the box" in refused.content
    session.refresh_from_db()
    assert session.contact_wanted_at is not None and session.identity_encrypted == ""


def test_start_flood_gets_a_polite_page(client, chat_service):
    for _ in range(5):
        client.post(reverse("channel:chat-start", args=[chat_service.slug]))

    response = client.post(reverse("channel:chat-start", args=[chat_service.slug]))

    assert response.status_code == 429
    assert b"You have started many chats" in response.content
    assert ChatSession.objects.count() == 5


def test_start_when_closed(client, chat_service):
    chat_service.hours.all().delete()

    response = client.post(reverse("channel:chat-start", args=[chat_service.slug]))

    assert response.status_code == 409
    assert b"The chat is closed now." in response.content


def test_leave_forgets_the_chat(client, chat_service):
    _start(client, chat_service)

    client.post(reverse("channel:chat-leave"))

    assert client.get(reverse("channel:chat")).status_code == 302
