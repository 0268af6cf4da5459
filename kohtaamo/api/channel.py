"""API endpoints for the channel domain. Endpoints call the same access gates and actions as the views.

The person's chat endpoints are public (no authentication): the chat is found by the random key
the chat was started with, sent in the `X-Chat-Key` header (never in the URL). Workers use
their API token or a verified session. Errors keep the one shape `{"error", "detail"}`; a
flood is answered with 429.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from kohtaamo.api.common import ERRORS, actor
from kohtaamo.api.schemas import ErrorOut
from kohtaamo.audit.actions import Actor
from kohtaamo.channel import notify, ratelimit
from kohtaamo.channel.access import (
    chat_services_for,
    get_chat_for_worker,
    get_request_for_user,
)
from kohtaamo.channel.actions import chat as chat_actions
from kohtaamo.channel.actions import feedback as feedback_actions
from kohtaamo.channel.actions import requests as request_actions
from kohtaamo.channel.models import ChatMessage, ChatService, ChatSession, FeedbackResponse

router = Router(tags=["channel"])
PUBLIC_ERRORS = {
    400: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    503: ErrorOut,
}


class ChatStartIn(Schema):
    service: str = Field(..., max_length=50, examples=["jarvi-chat"])
    language: str = Field("fi", max_length=5, examples=["fi"])


class ChatStartOut(Schema):
    key: str
    status: str
    position: int | None


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=chat_actions.MAX_MESSAGE, examples=["Hei"])
    client_msg_id: str = Field("", max_length=64, examples=["b5c1e0a4-1"])


class MessageOut(Schema):
    seq: int
    sender: str
    body: str
    at: datetime.datetime


class SentOut(Schema):
    seq: int
    duplicate: bool


class ChatStateOut(Schema):
    status: str
    last_seq: int
    position: int | None
    messages: list[MessageOut]
    poll_ms: int = Field(
        ...,
        description="When to ask again (ms) without `wait`: fast while waiting for an answer; "
        "0 after a request with `wait` (ask again at once, the server waited for news)",
    )


class WorkerMessageOut(Schema):
    id: int
    chat: UUID
    seq: int
    sender: str
    body: str
    at: datetime.datetime


class WorkerUpdatesOut(Schema):
    messages: list[WorkerMessageOut]
    waiting: int


class TakenOut(Schema):
    chat: UUID | None
    status: str | None = None


class FeedbackIn(Schema):
    code: str = Field(..., max_length=20, examples=["ACD347"])
    heard: int | None = Field(None, ge=1, le=3, examples=[3])
    helped: int | None = Field(None, ge=1, le=3, examples=[2])
    again: int | None = Field(None, ge=1, le=3, examples=[3])
    comment: str = Field("", max_length=feedback_actions.MAX_COMMENT, examples=[""])


class RequestOut(Schema):
    code: UUID
    reference: str
    topics: list[str]
    status: str
    received_at: datetime.datetime
    respond_by: datetime.date
    statutory_deadline: bool


WAIT_MAX = notify.MAX_WAIT_S
WAIT_HELP = (
    "Seconds to wait for news when nothing is new yet (long-polling, at most 25). The answer "
    "comes as soon as there is a message from the other side or a change of status (your own "
    "messages do not end the wait but come along with the next answer), or empty when the time "
    "is up; ask again at once. Without it the answer is immediate, with all that is new."
)


def _message(m) -> dict:
    return {"seq": m.seq, "sender": m.sender, "body": m.body, "at": m.created_at}


def _client_chat(request) -> ChatSession:
    session = chat_actions.find_session(request.headers.get("X-Chat-Key", ""))
    if session is None:
        raise HttpError(404, "No such chat. Send the chat key in the X-Chat-Key header.")
    chat_actions.touch_client(session)
    return session


# The person ----------------------------------------------------------------------------------


@router.post(
    "/channel/chats",
    auth=None,
    response={201: ChatStartOut, **PUBLIC_ERRORS},
    summary="Start an anonymous chat (returns the chat key once)",
)
def chat_start(request, payload: ChatStartIn):
    service = (
        ChatService.objects.prefetch_related("hours")
        .filter(slug=payload.service, active=True)
        .first()
    )
    if service is None:
        raise HttpError(404, "No such chat service.")
    try:
        started = chat_actions.start_chat(
            service, source=ratelimit.source_hash(request), language=payload.language
        )
    except chat_actions.ServiceClosed:
        raise HttpError(409, "The chat is closed now.") from None
    except chat_actions.QueueFull:
        raise HttpError(503, "Many people are waiting. Try again later.") from None
    except chat_actions.Throttled:
        raise HttpError(429, "Too many chats started from here. Wait and try again.") from None
    session = started.session
    return 201, {
        "key": started.key,
        "status": session.status,
        "position": chat_actions.queue_position(session),
    }


@router.get(
    "/channel/chats/current",
    auth=None,
    response={200: ChatStateOut, **PUBLIC_ERRORS},
    summary="The chat's status and the messages after the cursor (waits for news with `wait`)",
)
def chat_state(
    request,
    after: int = Query(0, ge=0, description="The last `seq` you have; only later ones return"),
    wait: int = Query(0, ge=0, le=WAIT_MAX, description=WAIT_HELP),
    position: int | None = Query(
        None,
        ge=1,
        description="While waiting in the queue with `wait`: the position you saw; a change of "
        "position also answers (no sooner than 10 s after the request)",
    ),
):
    session = _client_chat(request)
    if wait:
        update = chat_actions.wait_for_updates(
            session, after, seconds=wait, position=position, reader=ChatMessage.Sender.CLIENT
        )
    else:
        update = chat_actions.updates(session, after)
    return {
        "status": update.status,
        "last_seq": update.last_seq,
        "position": update.position,
        "messages": [_message(m) for m in update.messages],
        "poll_ms": 0 if wait else chat_actions.poll_interval_ms(session),
    }


@router.post(
    "/channel/chats/current/messages",
    auth=None,
    response={201: SentOut, 200: SentOut, **PUBLIC_ERRORS},
    summary="Send a message; the same client_msg_id again stores nothing new",
)
def chat_send(request, payload: MessageIn):
    session = _client_chat(request)
    try:
        sent = chat_actions.send_client_message(
            session, body=payload.body, client_msg_id=payload.client_msg_id
        )
    except chat_actions.Throttled:
        raise HttpError(429, "Messages are coming too fast. Wait a moment.") from None
    except chat_actions.ChatClosed:
        raise HttpError(409, "The chat has ended.") from None
    except ValueError:
        raise HttpError(422, "Write a message first.") from None
    return (200 if sent.duplicate else 201), {"seq": sent.message.seq, "duplicate": sent.duplicate}


@router.post(
    "/channel/chats/current/end",
    auth=None,
    response={200: ChatStateOut, **PUBLIC_ERRORS},
    summary="End the chat",
)
def chat_end(request):
    session = _client_chat(request)
    chat_actions.end_chat(
        session,
        ended_by=ChatSession.EndedBy.CLIENT,
        actor=Actor.external("chat client", channel="chat"),
    )
    return {
        "status": session.status,
        "last_seq": session.last_seq,
        "position": None,
        "messages": [],
        "poll_ms": chat_actions.poll_interval_ms(session),
    }


@router.post(
    "/channel/feedback",
    auth=None,
    response={201: None, **PUBLIC_ERRORS},
    summary="Answer the feedback questions with a feedback code (once per code)",
)
def feedback(request, payload: FeedbackIn):
    source = ratelimit.source_hash(request)
    if ratelimit.exceeded(ratelimit.FEEDBACK_MISS, source):
        raise HttpError(429, "Too many wrong codes. Wait ten minutes.")
    code = feedback_actions.normalise_code(payload.code)
    encounter = feedback_actions.encounter_for_code(code)
    if encounter is None:
        ratelimit.note(ratelimit.FEEDBACK_MISS, source)
        raise HttpError(404, "No such feedback code.")
    if not any((payload.heard, payload.helped, payload.again, payload.comment.strip())):
        raise HttpError(422, "Answer at least one question.")
    try:
        feedback_actions.submit_feedback(
            code_hash=feedback_actions.card_code_hash(code),
            encounter=encounter,
            source=FeedbackResponse.Source.CARD,
            heard=payload.heard,
            helped=payload.helped,
            again=payload.again,
            comment=payload.comment,
        )
    except feedback_actions.AlreadyAnswered:
        raise HttpError(409, "This code has already been used. Thank you!") from None
    return 201, None


# Workers -------------------------------------------------------------------------------------


@router.get(
    "/channel/worker/updates",
    response={200: WorkerUpdatesOut, **ERRORS},
    summary="New messages in all my open chats after a message id, and the queue length "
    "(waits for news with `wait`)",
)
def worker_updates(
    request,
    after: int = Query(0, ge=0, description="The last message `id` you have"),
    wait: int = Query(0, ge=0, le=WAIT_MAX, description=WAIT_HELP),
    waiting: int | None = Query(
        None,
        ge=0,
        description="With `wait`: the queue length you saw; a change of it also answers (no "
        "sooner than 3 s after the request). Leave it out when you cannot take more chats.",
    ),
):
    services = chat_services_for(request.user)
    if wait:
        rows = chat_actions.wait_for_worker_updates(
            request.user,
            after_id=after,
            seconds=wait,
            services=services,
            waiting=waiting,
            others_only=True,
            lean=True,
        )
    else:
        rows = chat_actions.worker_updates(request.user, after_id=after, lean=True)
    waiting = chat_actions.waiting_count(services)
    return {
        "messages": [
            {
                "id": m.pk,
                "chat": m.session.code,
                "seq": m.seq,
                "sender": m.sender,
                "body": m.body,
                "at": m.created_at,
            }
            for m in rows
        ],
        "waiting": waiting,
    }


@router.post(
    "/channel/worker/chats/take-next",
    response={200: TakenOut, **ERRORS},
    summary="Take the longest-waiting chat (chat is null when nobody waits)",
)
def worker_take_next(request):
    services = chat_services_for(request.user, write=True)
    if not services.exists():
        raise HttpError(403, "Your role does not allow answering chats.")
    session = chat_actions.take_next_chat(services, by=request.user)
    if session is None:
        return {"chat": None}
    return {"chat": session.code, "status": session.status}


@router.post(
    "/channel/worker/chats/{code}/messages",
    response={201: SentOut, 200: SentOut, **ERRORS},
    summary="Send a message in my chat (idempotent by client_msg_id)",
)
def worker_send(request, code: UUID, payload: MessageIn):
    session = get_chat_for_worker(request.user, code, own=True)
    try:
        sent = chat_actions.send_worker_message(
            session, by=request.user, body=payload.body, client_msg_id=payload.client_msg_id
        )
    except chat_actions.ChatClosed:
        raise HttpError(409, "The chat has ended.") from None
    except ValueError:
        raise HttpError(422, "Write a message first.") from None
    return (200 if sent.duplicate else 201), {"seq": sent.message.seq, "duplicate": sent.duplicate}


@router.post(
    "/channel/worker/chats/{code}/end",
    response={200: TakenOut, **ERRORS},
    summary="End my chat (it is recorded as a chat contact)",
)
def worker_end(request, code: UUID):
    session = get_chat_for_worker(request.user, code, own=True)
    chat_actions.end_chat(
        session, ended_by=ChatSession.EndedBy.WORKER, by=request.user, actor=actor(request)
    )
    return {"chat": session.code, "status": session.status}


@router.get(
    "/channel/requests",
    response={200: list[RequestOut], **ERRORS},
    summary="Requests for help in my organisation's queues (no contact details)",
)
def requests_list(request, status: str = "waiting"):
    rows = request_actions.queue_rows(actor(request), request.user, status=status)
    return [
        {
            "code": r.code,
            "reference": r.display_reference,
            "topics": r.topics,
            "status": r.status,
            "received_at": r.received_at,
            "respond_by": r.respond_by,
            "statutory_deadline": r.statutory_deadline,
        }
        for r in rows
    ]


@router.post(
    "/channel/requests/{code}/take",
    response={200: RequestOut, **ERRORS},
    summary="Take a request for help from the queue",
)
def request_take(request, code: UUID):
    contact = get_request_for_user(request.user, code, write=True)
    r = request_actions.take_contact_request(actor(request), contact, by=request.user)
    return {
        "code": r.code,
        "reference": r.display_reference,
        "topics": r.topics,
        "status": r.status,
        "received_at": r.received_at,
        "respond_by": r.respond_by,
        "statutory_deadline": r.statutory_deadline,
    }
