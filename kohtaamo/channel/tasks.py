"""Periodic jobs of the client channel."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from kohtaamo.core.schedule import every


@every(timedelta(hours=1))
@task()
def purge_chat_transcripts() -> int:
    """Chat messages are deleted KOHTAAMO_CHAT_RETENTION_DAYS (default 30) after the chat ended,
    unless the chat was moved to a client record with the person's consent."""
    from kohtaamo.channel.actions.chat import purge_transcripts

    return purge_transcripts()


@every(timedelta(minutes=5))
@task()
def end_abandoned_chats() -> int:
    """Chats whose person has been gone for half an hour are ended (and counted)."""
    from kohtaamo.channel.actions.chat import end_abandoned

    return end_abandoned()


@every(timedelta(hours=1))
@task()
def purge_channel_sessions() -> int:
    """Expired client sign-ins and day-old rate-limit events are removed."""
    from kohtaamo.channel import identity, ratelimit

    return identity.purge_expired() + ratelimit.purge()
