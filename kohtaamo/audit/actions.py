"""Writing and verifying the audit chains. Every action that reads or changes client data calls
`log_access` or `record_change` inside its own transaction, so no caller can forget it."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kohtaamo.audit.models import AccessLogEntry, ChainedEntry, ChainHead, ChangeEntry


@dataclass(frozen=True)
class Actor:
    """Who did it, from where: taken from the request (or `Actor.system()` for jobs)."""

    user_id: int | None
    username: str
    roles: str
    organisation_id: int | None
    source: str
    channel: str = "ui"

    @classmethod
    def from_request(cls, request, *, channel: str = "ui") -> Actor:
        user = request.user
        return cls.for_user(user, source=request.META.get("REMOTE_ADDR", ""), channel=channel)

    @classmethod
    def for_user(cls, user, *, source: str = "", channel: str = "ui") -> Actor:
        membership = user.primary_membership if user.is_authenticated else None
        return cls(
            user_id=user.pk if user.is_authenticated else None,
            username=user.get_username() if user.is_authenticated else "",
            roles=",".join(user.role_keys) if user.is_authenticated else "",
            organisation_id=membership.organisation_id if membership else None,
            source=source,
            channel=channel,
        )

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(None, name, "", None, "system", "system")

    @classmethod
    def external(cls, label: str, *, source: str = "", channel: str = "link") -> Actor:
        """Someone without an account, e.g. a partner confirming through a signed link."""
        return cls(None, label[:150], "", None, source, channel)


def _canonical(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


@functools.cache
def _chain_key(hash_key: str) -> bytes:
    return hmac.new(hash_key.encode(), b"audit-chain", hashlib.sha256).digest()


def compute_hash(entry: ChainedEntry, prev_hash: str) -> str:
    payload = {name: _canonical(getattr(entry, name)) for name in entry.HASHED_FIELDS}
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    key = _chain_key(settings.HASH_KEY)
    return hmac.new(key, f"{prev_hash}|{body}".encode(), hashlib.sha256).hexdigest()


def _append(model: type[ChainedEntry], entries: list[ChainedEntry]) -> list[ChainedEntry]:
    """Append entries to their chain in order: one lock of the chain head, one bulk insert and one
    head update, however many entries. No savepoint of its own: if the append fails, the
    caller's whole transaction must roll back (nothing is saved without its audit entries)."""
    if not entries:
        return entries
    with transaction.atomic(savepoint=False):
        head = ChainHead.objects.select_for_update().filter(name=model.CHAIN).first()
        if head is None:
            ChainHead.objects.get_or_create(name=model.CHAIN)
            head = ChainHead.objects.select_for_update().get(name=model.CHAIN)
        prev = head.last_hash
        now = timezone.now()
        for offset, entry in enumerate(entries, start=1):
            entry.seq = head.last_seq + offset
            entry.at = entry.at or now
            entry.prev_hash = prev
            entry.hash = prev = compute_hash(entry, prev)
        model.objects.bulk_create(entries)
        head.last_seq += len(entries)
        head.last_hash = prev
        head.save(update_fields=["last_seq", "last_hash"])
    return entries


def _actor_fields(actor: Actor) -> dict:
    return {
        "user_id_ref": actor.user_id,
        "username": actor.username,
        "roles": actor.roles[:200],
        "organisation_ref": actor.organisation_id,
    }


# Entries waiting for the end of a `batched_access_log()` block (None outside one).
_PENDING: ContextVar[list | None] = ContextVar("kohtaamo_pending_access_log", default=None)


@contextmanager
def batched_access_log():
    """Collect the access-log entries written inside the block and append them to the chain in
    one go at its end: one lock of the chain head and one insert instead of one per section. The
    reads and their entries stay in one transaction (an error inside rolls both back, and no
    data is shown). Pages built from many sections (the person page, my day) use it; a nested
    block joins the outer one."""
    if _PENDING.get() is not None:
        yield
        return
    token = _PENDING.set([])
    try:
        with transaction.atomic():
            yield
            entries = _PENDING.get()
            _PENDING.set(None)
            _append(AccessLogEntry, entries)
    finally:
        _PENDING.reset(token)


def log_access(
    actor: Actor,
    *,
    person_code,
    object_type: str,
    object_ref: str = "",
    action: str = AccessLogEntry.Action.VIEW,
    purpose: str = AccessLogEntry.Purpose.CLIENT_WORK,
    recipient: str = "",
    outcome: str = "ok",
) -> AccessLogEntry:
    return log_access_many(
        actor,
        [(person_code, object_type, str(object_ref))],
        action=action,
        purpose=purpose,
        recipient=recipient,
        outcome=outcome,
    )[0]


def log_access_many(
    actor: Actor,
    items: Iterable[tuple],
    *,
    action: str,
    purpose: str,
    recipient: str = "",
    outcome: str = "ok",
) -> list[AccessLogEntry]:
    """One entry per (person_code, object_type, object_ref), e.g. each search hit."""
    entries = [
        AccessLogEntry(
            **_actor_fields(actor),
            person_code=person_code,
            object_type=object_type,
            object_ref=str(object_ref),
            action=action,
            purpose=purpose,
            channel=actor.channel,
            source=actor.source[:64],
            recipient=recipient[:200],
            outcome=outcome,
            at=None,
        )
        for person_code, object_type, object_ref in items
    ]
    pending = _PENDING.get()
    if pending is not None:  # inside batched_access_log(): written at the end of the block
        pending.extend(entries)
        return entries
    return _append(AccessLogEntry, entries)


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


@dataclass(frozen=True)
class ChangeItem:
    """One change for `record_changes`."""

    person_code: object
    object_type: str
    object_ref: object
    action: str
    changes: dict


def record_change(
    actor: Actor,
    *,
    person_code,
    object_type: str,
    object_ref,
    action: str,
    changes: dict,
) -> ChangeEntry:
    return record_changes(
        actor, [ChangeItem(person_code, object_type, object_ref, action, changes)]
    )[0]


def record_changes(actor: Actor, items: Iterable[ChangeItem]) -> list[ChangeEntry]:
    """Several changes by one actor, appended to the chain in order in one batch (one entry each)."""
    fields = _actor_fields(actor)
    entries = [
        ChangeEntry(
            **fields,
            person_code=item.person_code,
            object_type=item.object_type,
            object_ref=str(item.object_ref),
            action=item.action,
            changes=json.loads(json.dumps(item.changes, default=str)),
            at=None,
        )
        for item in items
    ]
    return _append(ChangeEntry, entries)


@dataclass
class ChainProblem:
    chain: str
    seq: int
    problem: str


def verify_chain(model: type[ChainedEntry]) -> tuple[int, list[ChainProblem]]:
    """Walk a chain in order; return the number of entries checked and every problem found."""
    problems: list[ChainProblem] = []
    prev_hash, expected_seq, count = "", 1, 0
    for entry in model.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                ChainProblem(model.CHAIN, expected_seq, "missing entries before this one")
            )
        if entry.prev_hash != prev_hash:
            problems.append(
                ChainProblem(model.CHAIN, entry.seq, "link to the previous entry broken")
            )
        if compute_hash(entry, entry.prev_hash) != entry.hash:
            problems.append(ChainProblem(model.CHAIN, entry.seq, "contents altered"))
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    head = ChainHead.objects.filter(name=model.CHAIN).first()
    if head and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        problems.append(ChainProblem(model.CHAIN, head.last_seq, "entries missing at the end"))
    return count, problems


def verify_all() -> tuple[int, list[ChainProblem]]:
    total, problems = 0, []
    for model in (AccessLogEntry, ChangeEntry):
        count, found = verify_chain(model)
        total += count
        problems += found
    return total, problems
