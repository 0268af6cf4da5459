"""Waiting for chat news (long-polling, channel/notify.py): a waiting request answers as soon as
a message is committed meanwhile, an empty wait ends after its time, a resent message reaches
the reader once. Real commits from another thread, so on PostgreSQL these go through LISTEN/
NOTIFY and the listener thread; on SQLite through the in-process hub."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from kohtaamo.accounts.actions import create_api_token
from kohtaamo.channel import notify
from kohtaamo.channel.actions import chat as actions
from kohtaamo.channel.models import ChatMessage

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/v1/channel"
WAIT = 15  # a waiter answered well before this was woken by the news, not by its time


@pytest.fixture(autouse=True, scope="module")
def _listener_closed_afterwards():
    yield
    notify.stop_listener()  # its connection would keep the test database from being dropped


def later(delay: float, action):
    """Run `action` in another thread (its own database connection) after `delay` seconds."""
    errors: list[BaseException] = []

    def run():
        time.sleep(delay)
        try:
            action()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def _finish(thread, errors):
    thread.join(10)
    assert not thread.is_alive() and not errors, errors


def test_waiting_reader_gets_a_message_sent_meanwhile(active_chat, alice):
    session, _key = active_chat
    cursor = session.last_seq
    thread, errors = later(
        0.4, lambda: actions.send_worker_message(session, by=alice, body="Hei, olen täällä")
    )

    began = time.monotonic()
    update = actions.wait_for_updates(session, cursor, seconds=WAIT)
    took = time.monotonic() - began
    _finish(thread, errors)

    assert [m.body for m in update.messages] == ["Hei, olen täällä"]
    assert update.last_seq == cursor + 1
    assert 0.3 < took < WAIT - 3  # answered by the news, not by the end of the wait


def test_a_wait_without_news_ends_empty_after_its_time(active_chat):
    session, _key = active_chat
    # a waiter an earlier test left behind in this process may still be counted, so compare
    before = notify.hub.waiting()

    began = time.monotonic()
    update = actions.wait_for_updates(session, session.last_seq, seconds=1)
    took = time.monotonic() - began

    assert update.messages == [] and took >= 0.9
    assert notify.hub.waiting() <= before  # the waiter let go of its registration


def test_api_wait_returns_the_answer_and_a_resend_reaches_the_reader_once(
    client, active_chat, alice
):
    session, key = active_chat
    cursor = session.last_seq

    def send_twice():
        actions.send_worker_message(
            session, by=alice, body="Miten voin auttaa?", client_msg_id="w-1"
        )
        actions.send_worker_message(
            session, by=alice, body="Miten voin auttaa?", client_msg_id="w-1"
        )

    thread, errors = later(0.3, send_twice)
    began = time.monotonic()
    first = client.get(
        f"{API}/chats/current", {"after": cursor, "wait": WAIT}, HTTP_X_CHAT_KEY=key
    ).json()
    took = time.monotonic() - began
    _finish(thread, errors)
    again = client.get(
        f"{API}/chats/current", {"after": first["last_seq"], "wait": 1}, HTTP_X_CHAT_KEY=key
    ).json()

    assert [m["body"] for m in first["messages"]] == ["Miten voin auttaa?"] and took < WAIT - 3
    assert first["poll_ms"] == 0  # ask again at once
    assert again["messages"] == []
    assert ChatMessage.objects.filter(session=session, client_msg_id="w-1").count() == 1


def test_own_message_does_not_end_the_api_wait_but_comes_along(client, active_chat):
    session, key = active_chat
    cursor = session.last_seq
    thread, errors = later(
        0.2, lambda: actions.send_client_message(session, body="Hei", client_msg_id="m-1")
    )

    began = time.monotonic()
    state = client.get(
        f"{API}/chats/current", {"after": cursor, "wait": 2}, HTTP_X_CHAT_KEY=key
    ).json()
    took = time.monotonic() - began
    _finish(thread, errors)

    assert took >= 1.9  # waited out its time: the person's own message is no news to them
    assert [(m["sender"], m["body"]) for m in state["messages"]] == [("client", "Hei")]


def test_worker_wait_returns_a_client_message_of_any_own_chat(client, alice, start):
    _token, plain = create_api_token(alice, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    first, _ = start()
    second, _ = start()
    actions.take_chat(first, by=alice)
    actions.take_chat(second, by=alice)
    after = ChatMessage.objects.latest("id").pk
    thread, errors = later(0.3, lambda: actions.send_client_message(second, body="Oletko siellä?"))

    began = time.monotonic()
    response = client.get(f"{API}/worker/updates", {"after": after, "wait": WAIT}, **auth)
    took = time.monotonic() - began
    _finish(thread, errors)

    assert response.status_code == 200
    assert [(m["chat"], m["body"]) for m in response.json()["messages"]] == [
        (str(second.code), "Oletko siellä?")
    ]
    assert took < WAIT - 3


def test_worker_wait_hears_the_queue_change_but_not_at_once(client, alice, start):
    _token, plain = create_api_token(alice, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    thread, errors = later(0.2, start)

    began = time.monotonic()
    response = client.get(f"{API}/worker/updates", {"wait": 10, "waiting": 0}, **auth)
    took = time.monotonic() - began
    _finish(thread, errors)

    assert response.json()["waiting"] == 1
    assert actions.QUEUE_QUIET_S - 0.2 < took < 10 - 1


def test_wait_is_bounded_in_the_api(client, active_chat):
    _session, key = active_chat

    response = client.get(f"{API}/chats/current", {"wait": 600}, HTTP_X_CHAT_KEY=key)

    assert response.status_code == 422


def test_chat_page_poll_waits_for_the_workers_answer(client, chat_service, alice):
    from django.urls import reverse

    client.post(reverse("channel:chat-start", args=[chat_service.slug]))
    session = actions.find_session(client.cookies["kohtaamo_chat"].value)
    actions.take_chat(session, by=alice)
    session.refresh_from_db()
    cursor = session.last_seq
    thread, errors = later(0.3, lambda: actions.send_worker_message(session, by=alice, body="Moi"))

    response = client.get(
        reverse("channel:chat-poll"),
        {"after": cursor, "status": "active", "pos": -1, "wait": WAIT},
        HTTP_HX_REQUEST="true",
    )
    _finish(thread, errors)

    body = response.content.decode()
    assert response.status_code == 200 and "Moi" in body
    assert f"after={cursor + 1}&amp;" in body and 'hx-swap-oob="true"' in body


def test_openapi_document_describes_the_wait(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path in ("/api/v1/channel/chats/current", "/api/v1/channel/worker/updates"):
        params = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert params["wait"]["schema"]["maximum"] == notify.MAX_WAIT_S
        assert "long-polling" in params["wait"]["description"]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite writes one at a time")
def test_messages_of_one_worker_commit_in_id_order(active_chat, alice):
    """While one message of a worker's chats is uncommitted, no other can be numbered: the
    worker's id cursor can never read past a message that commits later."""
    from django.db import transaction

    session, _key = active_chat
    held: list[bool] = []

    def try_lock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [actions.WORKER_STREAM_LOCK, alice.pk]
            )
            held.append(not cursor.fetchone()[0])

    with transaction.atomic():
        actions.send_worker_message(session, by=alice, body="Odota hetki")
        thread, errors = later(0, try_lock)
        _finish(thread, errors)
    thread, errors = later(0, try_lock)
    _finish(thread, errors)

    assert held == [True, False]  # locked until the commit, free after it
