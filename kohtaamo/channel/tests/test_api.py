import pytest

from kohtaamo.accounts.actions import create_api_token
from kohtaamo.channel.actions import chat as actions
from kohtaamo.channel.models import ChatSession, FeedbackResponse

pytestmark = pytest.mark.django_db
API = "/api/v1/channel"


@pytest.fixture
def worker_api(client, alice):
    _token, plain = create_api_token(alice, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def _start(client, slug="test-chat"):
    response = client.post(f"{API}/chats", {"service": slug}, content_type="application/json")
    return response


def test_chat_flow_through_the_api(client, chat_service, worker_api):
    started = _start(client)
    key = {"HTTP_X_CHAT_KEY": started.json()["key"]}

    sent = client.post(
        f"{API}/chats/current/messages",
        {"body": "Hei", "client_msg_id": "m1"},
        content_type="application/json",
        **key,
    )
    resent = client.post(
        f"{API}/chats/current/messages",
        {"body": "Hei", "client_msg_id": "m1"},
        content_type="application/json",
        **key,
    )
    taken = client.post(f"{API}/worker/chats/take-next", **worker_api)
    code = taken.json()["chat"]
    client.post(
        f"{API}/worker/chats/{code}/messages",
        {"body": "Hei, miten voin auttaa?", "client_msg_id": "w1"},
        content_type="application/json",
        **worker_api,
    )
    state = client.get(f"{API}/chats/current", {"after": 1}, **key)
    updates = client.get(f"{API}/worker/updates", {"after": 0}, **worker_api)

    assert started.status_code == 201 and started.json()["position"] == 1
    assert sent.status_code == 201 and sent.json() == {"seq": 1, "duplicate": False}
    assert resent.status_code == 200 and resent.json() == {"seq": 1, "duplicate": True}
    assert state.json()["status"] == "active"
    assert [m["body"] for m in state.json()["messages"]][-1] == "Hei, miten voin auttaa?"
    assert any(m["body"] == "Hei" for m in updates.json()["messages"])
    assert ChatSession.objects.get().messages.filter(sender="client").count() == 1


def test_unknown_chat_key_is_404_in_the_error_shape(client, chat_service):
    response = client.get(f"{API}/chats/current", HTTP_X_CHAT_KEY="nope")

    assert response.status_code == 404
    assert set(response.json()) == {"error", "detail"}


def test_start_flood_is_429_json(client, chat_service):
    for _ in range(5):
        _start(client)

    response = _start(client)

    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"


def test_bad_payloads_are_4xx_never_500(client, chat_service):
    key = {"HTTP_X_CHAT_KEY": _start(client).json()["key"]}

    too_long = client.post(
        f"{API}/chats/current/messages",
        {"body": "x" * 3000},
        content_type="application/json",
        **key,
    )
    empty = client.post(
        f"{API}/chats/current/messages", {"body": " "}, content_type="application/json", **key
    )
    garbage = client.post(
        f"{API}/chats/current/messages", "{not json", content_type="application/json", **key
    )
    unknown = _start(client, slug="x" * 200)

    assert too_long.status_code == 422 and too_long.json()["error"] == "validation_error"
    assert empty.status_code == 422
    assert garbage.status_code in (400, 422)
    assert unknown.status_code == 422


def test_message_to_an_ended_chat_is_409(client, chat_service):
    key = {"HTTP_X_CHAT_KEY": _start(client).json()["key"]}
    ended = client.post(f"{API}/chats/current/end", **key)
    assert ended.status_code == 200 and ended.json()["status"] == "ended"

    response = client.post(
        f"{API}/chats/current/messages", {"body": "Hei"}, content_type="application/json", **key
    )

    assert response.status_code == 409


def test_worker_endpoints_need_authentication(client, chat_service):
    assert client.get(f"{API}/worker/updates").status_code == 401


def test_worker_cannot_write_in_another_workers_chat(client, active_chat, official):
    session, _ = active_chat
    _token, plain = create_api_token(official, name="t")

    response = client.post(
        f"{API}/worker/chats/{session.code}/messages",
        {"body": "Hei"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )

    assert response.status_code == 403


def test_outsider_worker_gets_404(client, active_chat, charlie):
    session, _ = active_chat
    _token, plain = create_api_token(charlie, name="t")

    response = client.post(
        f"{API}/worker/chats/{session.code}/end", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )

    assert response.status_code == 404


def test_worker_end_records_an_encounter(client, active_chat, worker_api):
    from kohtaamo.encounters.models import Encounter

    session, _ = active_chat

    response = client.post(f"{API}/worker/chats/{session.code}/end", **worker_api)

    assert response.json()["status"] == "ended"
    assert Encounter.objects.get().channel == "chat"


def test_feedback_api_once_per_code(client, feedback_code):
    payload = {"code": feedback_code, "heard": 3}

    first = client.post(f"{API}/feedback", payload, content_type="application/json")
    second = client.post(f"{API}/feedback", payload, content_type="application/json")
    wrong = client.post(
        f"{API}/feedback", {"code": "ACDEFH", "heard": 3}, content_type="application/json"
    )
    out_of_scale = client.post(
        f"{API}/feedback", {"code": feedback_code, "heard": 7}, content_type="application/json"
    )

    assert first.status_code == 201
    assert second.status_code == 409 and second.json()["error"] == "conflict"
    assert wrong.status_code == 404
    assert out_of_scale.status_code == 422
    assert FeedbackResponse.objects.count() == 1


def test_requests_api(client, help_queue, worker_api, alice):
    from kohtaamo.audit.actions import Actor
    from kohtaamo.channel.actions.requests import RequestInput, create_contact_request

    request = create_contact_request(
        RequestInput(topics=["food"], phone="040 555 0100"), queue=help_queue, actor=Actor.system()
    )

    listed = client.get(f"{API}/requests", **worker_api)
    taken = client.post(f"{API}/requests/{request.code}/take", **worker_api)

    assert listed.json()[0]["reference"] == request.display_reference
    assert "phone" not in listed.json()[0]
    assert taken.json()["status"] == "taken"


def test_openapi_document_lists_the_channel_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/channel/chats" in paths
    assert "/api/v1/channel/chats/current/messages" in paths


def test_queue_position_reported(client, chat_service, start):
    start()

    response = _start(client)

    assert response.json()["position"] == 2
    assert actions.queue_position(ChatSession.objects.latest("created_at")) == 2
