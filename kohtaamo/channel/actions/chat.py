"""The anonymous chat: starting, queueing, messages with per-chat sequence numbers, taking,
transferring, ending, blocking, and turning a chat into a contact notification.

Messages get `seq` 1, 2, 3... per chat under a row lock on the chat, so a reader's cursor
(`?after=<seq>`) never skips or repeats one. A message carries the sender's `client_msg_id`;
sending it again (after a dropped connection) returns the stored one and creates nothing.

Anonymous chats hold no client data. Once a chat is linked to a person in the client registry,
reading it is access-logged and changing it is in the change history.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from kohtaamo.audit.actions import Actor, log_access, record_change
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.channel import notify, ratelimit
from kohtaamo.channel.access import colleagues_for
from kohtaamo.channel.identity import StrongIdentity
from kohtaamo.channel.models import ChatMessage, ChatService, ChatSession
from kohtaamo.core import crypto

OBJECT = "channel.chat"
MAX_MESSAGE = 2000
ABANDONED_AFTER = datetime.timedelta(minutes=30)
SEEN_EVERY = datetime.timedelta(seconds=60)
OPEN = (ChatSession.Status.WAITING, ChatSession.Status.ACTIVE)


class ChatError(Exception):
    """A chat operation that cannot be done now; the message says why in plain words."""


class ServiceClosed(ChatError):
    pass


class QueueFull(ChatError):
    pass


class Throttled(ChatError):
    pass


class ChatClosed(ChatError):
    pass


@dataclass
class Started:
    session: ChatSession
    key: str  # for the person's browser; only its hash is stored


@dataclass
class Sent:
    message: ChatMessage
    duplicate: bool = False


@dataclass
class Update:
    status: str
    last_seq: int
    position: int | None
    messages: list[ChatMessage] = field(default_factory=list)


def key_hash(key: str) -> str:
    return crypto.keyed_hash(key, purpose="chat-key")


def find_session(key: str) -> ChatSession | None:
    if not key or len(key) > 100:
        return None
    return ChatSession.objects.filter(client_key_hash=key_hash(key)).first()


def clean_body(body: str) -> str:
    """Text as typed, without control characters (except line breaks); never empty."""
    text = "".join(ch for ch in (body or "") if ch in "\n\t" or ch.isprintable()).strip()
    if not text:
        raise ValueError("empty")
    if len(text) > MAX_MESSAGE:
        raise ValueError("too long")
    return text


@transaction.atomic
def start_chat(service: ChatService, *, source: str, language: str = "fi") -> Started:
    if not service.is_open_at():
        raise ServiceClosed
    if ratelimit.exceeded(ratelimit.CHAT_BLOCKED, source):
        raise Throttled
    if not ratelimit.hit(ratelimit.CHAT_START, source):
        raise Throttled
    waiting = ChatSession.objects.filter(service=service, status=ChatSession.Status.WAITING)
    if waiting.count() >= service.max_waiting:
        raise QueueFull
    key = secrets.token_urlsafe(24)
    session = ChatSession.objects.create(
        service=service,
        client_key_hash=key_hash(key),
        language=language if language in ("fi", "sv", "en") else "fi",
        source_hash=source,
    )
    notify.announce(notify.service_key(service.pk))  # the queue grew
    return Started(session, key)


def touch_client(session: ChatSession) -> None:
    """Remember that the person is still there (written at most once a minute)."""
    now = timezone.now()
    if now - session.client_seen_at >= SEEN_EVERY:
        ChatSession.objects.filter(pk=session.pk).update(client_seen_at=now)
        session.client_seen_at = now


def queue_position(session: ChatSession) -> int | None:
    if session.status != ChatSession.Status.WAITING:
        return None
    ahead = ChatSession.objects.filter(
        service_id=session.service_id,
        status=ChatSession.Status.WAITING,
        created_at__lt=session.created_at,
    ).count()
    return ahead + 1


# How often a client that does not wait (`wait=0`) should ask again (milliseconds). The pages
# and bench/chat.py wait for news instead (notify.py), which costs requests only per message.
POLL_AWAITING_MS = 500
POLL_ACTIVE_MS = 1500
POLL_QUEUE_MS = 2000


def poll_interval_ms(session: ChatSession) -> int:
    if session.status == ChatSession.Status.WAITING:
        return POLL_QUEUE_MS
    if session.last_sender == ChatMessage.Sender.CLIENT:
        return POLL_AWAITING_MS
    return POLL_ACTIVE_MS


def messages_after(session: ChatSession, after: int, *, limit: int = 200) -> list[ChatMessage]:
    if after >= session.last_seq:
        return []
    return list(session.messages.filter(seq__gt=after).order_by("seq")[:limit])


def updates(session: ChatSession, after: int) -> Update:
    """What a reader with cursor `after` has not seen: one query when nothing is new."""
    return Update(
        status=session.status,
        last_seq=session.last_seq,
        position=queue_position(session),
        messages=messages_after(session, after),
    )


# Waiting for news (long-polling, see notify.py) -------------------------------------------------

# A change of queue length alone is told to a worker no sooner than this after the request
# began, and a change of queue position to a person no sooner than POSITION_QUIET_S (messages
# at once): every arrival and every take changes them, and must not answer every waiting
# request at once.
QUEUE_QUIET_S = 3.0
POSITION_QUIET_S = 10.0


def _refresh(session: ChatSession) -> None:
    row = (
        ChatSession.objects.filter(pk=session.pk)
        .values("status", "last_seq", "last_sender", "assigned_worker_id")
        .first()
    )
    if row:
        for name, value in row.items():
            setattr(session, name, value)


def wait_for_updates(
    session: ChatSession,
    after: int,
    *,
    seconds: float,
    position: int | None = None,
    reader: str | None = None,
) -> Update:
    """Like `updates`, but when nothing is new after the cursor, wait up to `seconds` for a new
    message (a change of status always comes with one). With `reader` (a sender), the reader's
    own messages do not end the wait (they come along with the next news). A person in the
    queue who says which `position` they saw also hears when it changes (at most every
    POSITION_QUIET_S seconds)."""
    seconds = max(0.0, min(float(seconds), notify.MAX_WAIT_S))
    # Woken only by the other side's messages (and status changes, which come with a system
    # message): the reader's own sends do not wake this wait.
    chat = notify.keys_from_others(lambda sender: notify.chat_key(session.pk, sender), reader)

    def news():
        if reader is not None:  # one query: a message after the cursor by someone else
            return session.messages.filter(seq__gt=after).exclude(sender=reader).exists()
        _refresh(session)
        return session.last_seq > after

    watch_queue = position is not None and session.status == ChatSession.Status.WAITING
    first = min(seconds, POSITION_QUIET_S) if watch_queue else seconds
    got = notify.wait_for(news, keys=chat, seconds=first)
    if not got and watch_queue and seconds > first:

        def news_or_moved():
            if news():
                return True
            if reader is not None:  # news() read only the messages
                _refresh(session)
            return session.status == ChatSession.Status.WAITING and (
                queue_position(session) != position
            )

        notify.wait_for(
            news_or_moved,  # only someone ahead leaving moves this person, not one joining
            keys=[*chat, notify.service_key(session.service_id, "left")],
            seconds=seconds - first,
        )
    if seconds > 0 and reader is not None:
        _refresh(session)  # the status and cursor the answer reports (news() read neither)
    return updates(session, after)


def waiting_count(services) -> int:
    return ChatSession.objects.filter(
        service__in=services, status=ChatSession.Status.WAITING
    ).count()


def wait_for_worker_updates(
    user,
    *,
    after_id: int,
    seconds: float,
    services=None,
    waiting: int | None = None,
    others_only: bool = False,
    lean: bool = False,
) -> list[ChatMessage]:
    """Like `worker_updates`, but when nothing is new, wait up to `seconds` for a message in
    one of the worker's chats (`others_only`: one not written by the worker; their own come
    along). With `services` and the queue length the worker saw (`waiting`), a change of the
    queue length also answers (at most every QUEUE_QUIET_S seconds)."""
    seconds = max(0.0, min(float(seconds), notify.MAX_WAIT_S))
    mine = notify.keys_from_others(
        lambda sender: notify.worker_key(user.pk, sender),
        ChatMessage.Sender.WORKER if others_only else None,
    )
    found: list[ChatMessage] = []

    def news():
        found[:] = worker_updates(user, after_id=after_id, lean=lean)
        if others_only:
            return any(m.sender != ChatMessage.Sender.WORKER for m in found)
        return bool(found)

    watch_queue = services is not None and waiting is not None
    first = min(seconds, QUEUE_QUIET_S) if watch_queue else seconds
    got = notify.wait_for(news, keys=mine, seconds=first)
    if not got and watch_queue and seconds > first:
        service_ids = list(services.values_list("pk", flat=True))
        notify.wait_for(
            lambda: news() or waiting_count(service_ids) != waiting,
            keys=[*mine, *(notify.service_key(pk) for pk in service_ids)],
            seconds=seconds - first,
        )
    return found


def _lock_worker_stream(worker_id) -> None:
    """Serialise new messages in one worker's chats until commit (PostgreSQL; SQLite writes one
    transaction at a time anyway). The worker reads them by message id (`worker_updates`):
    without this, a message could commit after a later-numbered one that the worker has
    already read past, and never reach them."""
    if worker_id and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [WORKER_STREAM_LOCK, worker_id])


WORKER_STREAM_LOCK = 0x63686174  # "chat": the advisory lock class of a worker's message stream


def _locked(session: ChatSession, *, with_service: bool = True) -> ChatSession:
    # Lock the chat's row only (`of`): a plain FOR UPDATE with the join would also lock the
    # service row and make every chat of the service wait for each other (bench/chat.py).
    rows = ChatSession.objects.select_for_update(of=("self",))
    if with_service:  # ending a chat records its encounter from the service
        rows = rows.select_related("service")
    locked = rows.get(pk=session.pk)
    # Right after the chat's row and before any other lock (the audit chain's, in end_chat),
    # so that the order of locks is the same everywhere.
    _lock_worker_stream(locked.assigned_worker_id)
    locked._stream_locked = locked.assigned_worker_id  # held until commit
    return locked


def _append(locked: ChatSession, *, sender: str, body: str, author=None, client_msg_id: str = ""):
    worker = locked.assigned_worker_id
    if worker != getattr(locked, "_stream_locked", None):  # taken or transferred: the new one's
        _lock_worker_stream(worker)
        locked._stream_locked = worker
    locked.last_seq += 1
    if sender != ChatMessage.Sender.SYSTEM:
        locked.last_sender = sender
    locked.save(update_fields=["last_seq", "last_sender"])
    notify.announce(
        notify.chat_key(locked.pk),
        notify.chat_key(locked.pk, sender),
        worker and notify.worker_key(worker),
        worker and notify.worker_key(worker, sender),
    )
    return ChatMessage.objects.create(
        session=locked,
        seq=locked.last_seq,
        sender=sender,
        author=author,
        body=body,
        client_msg_id=client_msg_id,
    )


def _sync(session: ChatSession, locked: ChatSession) -> None:
    for name in (
        "status", "last_seq", "last_sender", "assigned_worker_id", "started_at", "ended_at", "ended_by",
        "encounter_id", "person_id", "notification_id", "keep_transcript", "contact_wanted_at",
        "consent_at", "identity_encrypted", "identity_hash", "themes", "result",
    ):  # fmt: skip
        setattr(session, name, getattr(locked, name))


def _existing(session: ChatSession, client_msg_id: str) -> ChatMessage | None:
    if not client_msg_id:
        return None
    return ChatMessage.objects.filter(session=session, client_msg_id=client_msg_id).first()


def _send(session, *, sender, body, author, client_msg_id, check) -> Sent:
    """Under the chat's row lock: a message sent again with the same client_msg_id (a retry
    after a dropped connection, or one racing the first attempt) finds the stored one."""
    client_msg_id = (client_msg_id or "")[:64]
    body = clean_body(body)
    try:
        with transaction.atomic():
            locked = _locked(session, with_service=False)
            found = _existing(locked, client_msg_id)
            if found is not None:
                return Sent(found, duplicate=True)
            check(locked)
            message = _append(
                locked, sender=sender, body=body, author=author, client_msg_id=client_msg_id
            )
            _sync(session, locked)
    except IntegrityError:  # only without the row lock (a database without FOR UPDATE)
        found = _existing(session, client_msg_id)
        if found is None:
            raise
        return Sent(found, duplicate=True)
    return Sent(message)


def send_client_message(session: ChatSession, *, body: str, client_msg_id: str = "") -> Sent:
    def check(locked):
        if locked.status not in OPEN:
            raise ChatClosed
        if not ratelimit.messages_allowed(locked):
            raise Throttled

    return _send(
        session,
        sender=ChatMessage.Sender.CLIENT,
        body=body,
        author=None,
        client_msg_id=client_msg_id,
        check=check,
    )


def send_worker_message(session: ChatSession, *, by, body: str, client_msg_id: str = "") -> Sent:
    def check(locked):
        if locked.status != ChatSession.Status.ACTIVE:
            raise ChatClosed
        if locked.assigned_worker_id != by.pk:
            raise PermissionDenied

    return _send(
        session,
        sender=ChatMessage.Sender.WORKER,
        body=body,
        author=by,
        client_msg_id=client_msg_id,
        check=check,
    )


@transaction.atomic
def take_chat(session: ChatSession, *, by) -> ChatSession:
    locked = _locked(session)
    if locked.status != ChatSession.Status.WAITING:
        raise ChatClosed
    locked.status = ChatSession.Status.ACTIVE
    locked.assigned_worker = by
    locked.started_at = timezone.now()
    locked.save(update_fields=["status", "assigned_worker", "started_at"])
    notify.announce(*notify.queue_left(locked.service_id))  # the queue shrank
    _append(locked, sender=ChatMessage.Sender.SYSTEM, body="joined")
    _sync(session, locked)
    return session


def take_next_chat(services, *, by) -> ChatSession | None:
    """The longest-waiting chat of the given services, or None. Two workers never get the same
    one: a chat someone else is taking is skipped (PostgreSQL) or refused and retried."""
    for _attempt in range(5):
        with transaction.atomic():
            session = (
                ChatSession.objects.select_for_update(skip_locked=True)
                .filter(service__in=services, status=ChatSession.Status.WAITING)
                .order_by("created_at", "id")
                .first()
            )
            if session is None:
                return None
            try:
                return take_chat(session, by=by)
            except ChatClosed:
                continue
    return None


@transaction.atomic
def transfer_chat(session: ChatSession, *, by, to) -> ChatSession:
    locked = _locked(session)
    if locked.status != ChatSession.Status.ACTIVE or locked.assigned_worker_id != by.pk:
        raise PermissionDenied
    if not colleagues_for(locked.service, exclude=by).filter(pk=to.pk).exists():
        raise PermissionDenied
    locked.assigned_worker = to
    locked.save(update_fields=["assigned_worker"])
    _append(locked, sender=ChatMessage.Sender.SYSTEM, body="transferred")
    _sync(session, locked)
    return session


@transaction.atomic
def set_chat_details(session: ChatSession, *, by, themes: list[str], result: str) -> ChatSession:
    """Themes and result for the statistics, used for the encounter when the chat ends."""
    if session.assigned_worker_id != by.pk:
        raise PermissionDenied
    session.themes = sorted(set(themes))[:20]
    session.result = result[:40]
    session.save(update_fields=["themes", "result"])
    return session


def _record_encounter(locked: ChatSession, actor: Actor) -> None:
    """Every answered chat counts as an encounter with channel "chat" (the desk's action)."""
    from kohtaamo.encounters.actions import EncounterInput, record_encounter
    from kohtaamo.encounters.models import Encounter, Term

    if locked.encounter_id or not locked.started_at or not locked.assigned_worker_id:
        return
    service = locked.service
    seconds = (locked.ended_at - locked.started_at).total_seconds()
    identified = locked.person_id is not None
    recorded = record_encounter(
        actor,
        EncounterInput(
            organisation_id=service.organisation_id,
            unit_id=service.unit_id,
            team_id=service.team_id,
            place=service.place,
            channel="chat",
            started_at=locked.started_at,
            duration_minutes=max(1, min(32_000, round(seconds / 60))),
            result=locked.result or "settled",
            identity_level=Encounter.IdentityLevel.IDENTIFIED
            if identified
            else Encounter.IdentityLevel.ANONYMOUS,
            person=locked.person if identified else None,
            themes=list(Term.objects.filter(section="themes", key__in=locked.themes or [])),
            client_id=locked.code,
        ),
        by=locked.assigned_worker,
    )
    locked.encounter = recorded.encounter
    locked.save(update_fields=["encounter"])


@transaction.atomic
def end_chat(session: ChatSession, *, ended_by: str, actor: Actor, by=None) -> ChatSession:
    """End a chat (idempotent). A worker may end only their own chat."""
    locked = _locked(session)
    if locked.status not in OPEN:
        _sync(session, locked)
        return session
    if ended_by == ChatSession.EndedBy.WORKER and locked.assigned_worker_id != getattr(
        by, "pk", None
    ):
        raise PermissionDenied
    if locked.status == ChatSession.Status.WAITING:
        notify.announce(*notify.queue_left(locked.service_id))  # left the queue
    locked.status = ChatSession.Status.ENDED
    locked.ended_at = timezone.now()
    locked.ended_by = ended_by
    locked.save(update_fields=["status", "ended_at", "ended_by"])
    _append(locked, sender=ChatMessage.Sender.SYSTEM, body=f"ended_{ended_by}")
    _record_encounter(locked, actor)
    _sync(session, locked)
    return session


@transaction.atomic
def block_chat(session: ChatSession, *, by, reason: str, actor: Actor) -> ChatSession:
    """Close an abusive chat and refuse new chats from the same source for a day."""
    locked = _locked(session)
    if locked.status not in OPEN:
        raise ChatClosed
    if locked.status == ChatSession.Status.ACTIVE and locked.assigned_worker_id != by.pk:
        raise PermissionDenied
    if locked.status == ChatSession.Status.WAITING:
        locked.assigned_worker = by  # blocked from the queue: the blocker is on record
        notify.announce(*notify.queue_left(locked.service_id))
    locked.status = ChatSession.Status.BLOCKED
    locked.ended_at = timezone.now()
    locked.ended_by = ChatSession.EndedBy.WORKER
    locked.blocked_reason = (reason or "")[:200]
    locked.save(
        update_fields=["status", "ended_at", "ended_by", "blocked_reason", "assigned_worker"]
    )
    _append(locked, sender=ChatMessage.Sender.SYSTEM, body="blocked")
    if locked.source_hash:
        ratelimit.note(ratelimit.CHAT_BLOCKED, locked.source_hash)
    _record_encounter(locked, actor)
    _sync(session, locked)
    return session


@transaction.atomic
def request_contact(session: ChatSession, *, identity: StrongIdentity | None = None) -> ChatSession:
    """The person asks social services to contact them and agrees that the chat may be kept
    with the contact. With a strong identification the contact can be linked to them."""
    locked = _locked(session)
    if locked.status == ChatSession.Status.BLOCKED or locked.transcript_deleted_at:
        raise ChatClosed
    now = timezone.now()
    if locked.contact_wanted_at is None:
        locked.contact_wanted_at = now
        locked.consent_at = now
        _append(locked, sender=ChatMessage.Sender.SYSTEM, body="contact_wanted")
    if identity is not None and not locked.identity_encrypted and locked.person_id is None:
        locked.identity_encrypted = crypto.encrypt(identity.to_json())
        locked.identity_hash = identity.hetu_hash
        _append(locked, sender=ChatMessage.Sender.SYSTEM, body="identified")
    locked.save(
        update_fields=["contact_wanted_at", "consent_at", "identity_encrypted", "identity_hash"]
    )
    _sync(session, locked)
    return session


def chat_identity(session: ChatSession) -> StrongIdentity | None:
    if not session.identity_encrypted:
        return None
    return StrongIdentity.from_json(crypto.decrypt(session.identity_encrypted))


def _person_for(identity: StrongIdentity, organisation, actor: Actor):
    from kohtaamo.people.actions import create_person
    from kohtaamo.people.models import Person

    person = Person.objects.filter(organisation=organisation, hetu_hash=identity.hetu_hash).first()
    if person is None:
        person = create_person(
            actor,
            organisation=organisation,
            first_name=identity.given_names[:100],
            last_name=identity.surname[:100],
            hetu=identity.hetu,
        )
    return person


@transaction.atomic
def make_contact_notification(session: ChatSession, *, by, reason: str, actor: Actor):
    """The chat becomes a contact notification (yhteydenotto, § 35) in the desk's queue. A
    strongly identified person is linked to the client registry (found by the keyed hash of the
    identity code, or added), and the chat is kept in their client record."""
    from kohtaamo.casework.actions import create_contact_notification
    from kohtaamo.casework.models import ContactNotification

    locked = _locked(session)
    if locked.assigned_worker_id != by.pk:
        raise PermissionDenied
    if locked.contact_wanted_at is None:
        raise ChatError("the person has not asked for a contact")
    if locked.notification_id:
        _sync(session, locked)
        return locked.notification
    service = locked.service
    identity = chat_identity(locked)
    person = locked.person
    if person is None and identity is not None:
        person = _person_for(identity, service.organisation, actor)
    notification = create_contact_notification(
        actor,
        person=person,
        organisation=service.organisation,
        by=by,
        sender_role=ContactNotification.SenderRole.CLIENT,
        consent=ContactNotification.Consent.OWN_REQUEST,
        reason=reason,
        team=service.team,
        unit=service.unit,
    )
    locked.notification = notification
    _append(locked, sender=ChatMessage.Sender.SYSTEM, body="notification_made")
    if person is not None:
        locked.person = person
        locked.identity_encrypted = ""  # the registry holds it now
        if locked.consent_at:
            locked.keep_transcript = True
            _append(locked, sender=ChatMessage.Sender.SYSTEM, body="kept")
        record_change(
            actor,
            person_code=person.code,
            object_type=OBJECT,
            object_ref=locked.pk,
            action="update",
            changes={
                "person": [None, str(person.code)],
                "kept_in_client_record": [False, locked.keep_transcript],
                "notification": [None, notification.pk],
            },
        )
    locked.save(update_fields=["notification", "person", "identity_encrypted", "keep_transcript"])
    _sync(session, locked)
    return notification


def log_chat_read(actor: Actor, session: ChatSession) -> None:
    """A chat linked to a person is client data: reading it is access-logged."""
    if session.person_id:
        log_access(
            actor,
            person_code=session.person.code,
            object_type=OBJECT,
            object_ref=session.pk,
            action=AccessLogEntry.Action.API_READ
            if actor.channel == "api"
            else AccessLogEntry.Action.VIEW,
        )


# What the API tells of a message (`lean`): the rest of the chat is not read for it.
LEAN_FIELDS = ("id", "seq", "sender", "body", "created_at", "session_id", "session__code")


def worker_updates(
    user, *, after_id: int, limit: int = 500, lean: bool = False
) -> list[ChatMessage]:
    """New messages in the worker's chats (open, or ended in the last hour) after a message id,
    in one query: the console and the API poll this once for all their chats. `lean`: only
    the message and its chat's code (the API's answer)."""
    recent = timezone.now() - datetime.timedelta(hours=1)
    rows = (
        ChatMessage.objects.filter(session__assigned_worker=user, id__gt=after_id)
        .filter(models.Q(session__status__in=OPEN) | models.Q(session__ended_at__gte=recent))
        .select_related("session")
        .order_by("id")
    )
    if lean:
        rows = rows.only(*LEAN_FIELDS)
    return list(rows[:limit])


# Periodic work (tasks.py) ------------------------------------------------------------------


def end_abandoned(now: datetime.datetime | None = None) -> int:
    """Open chats whose person has not been seen for half an hour are ended."""
    now = now or timezone.now()
    ended = 0
    for session in ChatSession.objects.filter(
        status__in=OPEN, client_seen_at__lt=now - ABANDONED_AFTER
    ).select_related("service")[:500]:
        end_chat(session, ended_by=ChatSession.EndedBy.SYSTEM, actor=Actor.system("chat"))
        ended += 1
    return ended


def purge_transcripts(now: datetime.datetime | None = None, *, batch: int = 2000) -> int:
    """Delete the messages of chats that ended more than KOHTAAMO_CHAT_RETENTION_DAYS ago,
    unless the chat was moved to a client record with the person's consent."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.CHAT_RETENTION_DAYS)
    purged = 0
    while True:
        ids = list(
            ChatSession.objects.filter(
                ended_at__lt=cutoff, keep_transcript=False, transcript_deleted_at__isnull=True
            ).values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return purged
        with transaction.atomic():
            ChatMessage.objects.filter(session_id__in=ids).delete()
            ChatSession.objects.filter(pk__in=ids).update(
                transcript_deleted_at=now,
                identity_encrypted="",
                identity_hash="",
                source_hash="",
            )
        purged += len(ids)
