"""Rate limits for the public side, counted in the database so that they hold across server
processes. A source is the network address, stored only as a keyed hash and only for a day.

A limit never blocks anyone else: it counts one source (or one chat) at a time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from kohtaamo.channel.models import ChatMessage, ThrottleEvent
from kohtaamo.core import crypto

KEEP = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    kind: str
    count: int
    window: datetime.timedelta


CHAT_START = Limit("chat-start", 5, datetime.timedelta(minutes=10))
CHAT_BLOCKED = Limit("chat-blocked", 1, datetime.timedelta(hours=24))
HELP_REQUEST = Limit("help-request", 5, datetime.timedelta(hours=1))
FEEDBACK_MISS = Limit("feedback-miss", 10, datetime.timedelta(minutes=10))
DEV_SIGN_IN = Limit("dev-sign-in", 30, datetime.timedelta(minutes=10))
# Messages the person may send in one chat: a burst of 8 in 20 seconds.
CHAT_MESSAGES = (8, datetime.timedelta(seconds=20))


def source_hash(request) -> str:
    return crypto.keyed_hash(request.META.get("REMOTE_ADDR", ""), purpose="channel-source")


def _recent(limit: Limit, key_hash: str, now) -> int:
    return ThrottleEvent.objects.filter(
        kind=limit.kind, key_hash=key_hash, at__gte=now - limit.window
    ).count()


def exceeded(limit: Limit, key_hash: str) -> bool:
    return _recent(limit, key_hash, timezone.now()) >= limit.count


def hit(limit: Limit, key_hash: str) -> bool:
    """Count one event; False when the source was already at its limit (nothing is counted
    then, so a throttled source is free again once its window has passed)."""
    now = timezone.now()
    if _recent(limit, key_hash, now) >= limit.count:
        return False
    ThrottleEvent.objects.create(kind=limit.kind, key_hash=key_hash, at=now)
    return True


def note(limit: Limit, key_hash: str) -> None:
    ThrottleEvent.objects.create(kind=limit.kind, key_hash=key_hash)


def messages_allowed(session) -> bool:
    count, window = CHAT_MESSAGES
    if session.last_seq < count:  # fewer messages in the whole chat than the limit
        return True
    recent = ChatMessage.objects.filter(
        session=session,
        sender=ChatMessage.Sender.CLIENT,
        created_at__gte=timezone.now() - window,
    ).count()
    return recent < count


def purge(now: datetime.datetime | None = None) -> int:
    deleted, _ = ThrottleEvent.objects.filter(at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
