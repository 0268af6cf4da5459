"""Shared pieces of the case-management actions: audit helpers and the matter's activity clock."""

from __future__ import annotations

from django.utils import timezone

from kohtaamo.audit.actions import Actor, diff, log_access, log_access_many, record_change
from kohtaamo.audit.models import AccessLogEntry

MATTER = "casework.matter"
MEMBER = "casework.member"
NETWORK = "casework.network"
ASSESSMENT = "casework.assessment"
PLAN = "casework.plan"
GOAL = "casework.goal"
STEP = "casework.step"
NOTE = "casework.progress_note"
DECISION = "casework.decision"
PERIOD = "casework.service_period"
MEETING = "casework.support_meeting"
MEASUREMENT = "casework.measurement"
ENDING = "casework.ending"
TASK = "casework.task"


class CaseworkError(ValueError):
    """An operation that cannot be done as asked; the message is for the person (and names the
    field in `field` when it is about one)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def read_action(actor: Actor) -> str:
    return AccessLogEntry.Action.API_READ if actor.channel == "api" else AccessLogEntry.Action.VIEW


def log_read(actor: Actor, matter, object_type: str, obj_ref, *, action: str | None = None):
    log_access(
        actor,
        person_code=matter.person.code,
        object_type=object_type,
        object_ref=obj_ref,
        action=action or read_action(actor),
    )


def log_reads(actor: Actor, items: list[tuple], *, action: str | None = None) -> None:
    """items: (person_code, object_type, object_ref)."""
    if items:
        log_access_many(
            actor,
            items,
            action=action or read_action(actor),
            purpose=AccessLogEntry.Purpose.CLIENT_WORK,
        )


def created(actor: Actor, matter, object_type: str, obj) -> None:
    record_change(
        actor,
        person_code=matter.person.code,
        object_type=object_type,
        object_ref=obj.pk,
        action="create",
        changes={k: [None, v] for k, v in obj.audit_snapshot().items() if v not in (None, "", [])},
    )


def changed(actor: Actor, matter, object_type: str, obj, before: dict) -> dict:
    changes = diff(before, obj.audit_snapshot())
    if changes:
        record_change(
            actor,
            person_code=matter.person.code,
            object_type=object_type,
            object_ref=obj.pk,
            action="update",
            changes=changes,
        )
    return changes


def touch(matter) -> None:
    """Something happened in the matter: the inactivity reminder starts counting again."""
    from kohtaamo.casework.models import ClientMatter

    now = timezone.now()
    ClientMatter.objects.filter(pk=matter.pk).update(last_activity_at=now)
    matter.last_activity_at = now


def require_open(matter) -> None:
    from django.utils.translation import gettext as _

    if not matter.is_open:
        raise CaseworkError(_("The client matter has ended: nothing more can be recorded in it."))


class StaleEdit(Exception):
    """A save based on an older version of the document: someone else saved in between.
    `differences` lists (field, the value now saved, the value this save would write) for the
    fields that differ, so the person can see what changed and decide; nothing was written."""

    def __init__(self, current, differences: list[tuple[str, object, object]]):
        super().__init__("stale edit")
        self.current = current
        self.differences = differences


def lock_version(model, obj, version: int | None, submitted: dict):
    """The row, locked, if `version` is still current; otherwise StaleEdit."""
    current = model.objects.select_for_update().get(pk=obj.pk)
    if version is not None and current.version != int(version):
        differences = [
            (name, getattr(current, name), value)
            for name, value in submitted.items()
            if getattr(current, name) != value
        ]
        raise StaleEdit(current, differences)
    return current


def add_months(day, months: int):
    import calendar
    import datetime

    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def signer_title(user, organisation_id: int) -> str:
    for m in user.active_memberships():
        if m.organisation_id == organisation_id and m.role.is_official:
            return (m.title or m.role.name)[:150]
    return ""
