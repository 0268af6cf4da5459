"""Opening a client matter, § 35 contact notifications and starting the § 36 assessment.

Every function writes the change history (and, for reads, the access log) itself.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kohtaamo.audit.actions import Actor, log_access_many, record_change
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.casework import workdays
from kohtaamo.casework.access import (
    NOT_OFFICIAL,
    is_official_in,
    matters_visible_to,
    notifications_visible_to,
)
from kohtaamo.casework.models import ClientMatter, ContactNotification, MatterMember

MATTER = "casework.matter"
NOTIFICATION = "casework.contact_notification"

# § 36: started at the latest on the 7th working day after the matter became pending.
SPECIAL_GROUP_START_WORKING_DAYS = 7


def assessment_start_by(pending_at: datetime.datetime, *, special_group: bool):
    if not special_group:
        return None
    return workdays.add_working_days(
        timezone.localdate(pending_at), SPECIAL_GROUP_START_WORKING_DAYS
    )


def _created(actor: Actor, obj, object_type: str, person) -> None:
    record_change(
        actor,
        person_code=person.code if person else None,
        object_type=object_type,
        object_ref=obj.pk,
        action="create",
        changes={k: [None, v] for k, v in obj.audit_snapshot().items() if v not in (None, "")},
    )


@transaction.atomic
def open_client_matter(
    actor: Actor,
    person,
    *,
    by,
    source: str,
    source_ref: uuid.UUID | None = None,
    pending_at: datetime.datetime | None = None,
    special_group: bool = False,
    unit=None,
    team=None,
    responsible_worker=None,
) -> ClientMatter:
    pending_at = pending_at or timezone.now()
    matter = ClientMatter.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        unit=unit or (team.unit if team else None),
        team=team,
        responsible_worker=responsible_worker,
        source=source,
        source_ref=source_ref,
        pending_at=pending_at,
        special_group=special_group,
        assessment_start_by=assessment_start_by(pending_at, special_group=special_group),
        created_by=by,
    )
    _created(actor, matter, MATTER, person)
    if responsible_worker is not None:
        _add_responsible(actor, matter, responsible_worker, by=by)
    return matter


def _add_responsible(actor: Actor, matter: ClientMatter, worker, *, by) -> None:
    """The named responsible worker is also the matter's team member with that role."""
    member = MatterMember.objects.create(
        matter=matter, user=worker, role=MatterMember.Role.RESPONSIBLE, added_by=by
    )
    record_change(
        actor,
        person_code=matter.person.code,
        object_type="casework.member",
        object_ref=member.pk,
        action="create",
        changes={"user": [None, worker.pk], "role": [None, member.role]},
    )


@transaction.atomic
def create_contact_notification(
    actor: Actor,
    *,
    person,
    organisation,
    by,
    sender_role: str,
    consent: str,
    reason: str,
    matter: ClientMatter | None = None,
    team=None,
    unit=None,
    sender_organisation: str = "",
    received_at: datetime.datetime | None = None,
) -> ContactNotification:
    notification = ContactNotification.objects.create(
        person=person,
        matter=matter,
        organisation=organisation,
        unit=unit or (team.unit if team else None),
        team=team,
        sender_role=sender_role,
        sender_organisation=sender_organisation,
        consent=consent,
        reason=reason,
        received_at=received_at or timezone.now(),
        created_by=by,
    )
    _created(actor, notification, NOTIFICATION, person)
    return notification


@transaction.atomic
def take_contact_notification(
    actor: Actor, notification: ContactNotification, *, by
) -> ContactNotification:
    """A worker takes a waiting notification from the queue (and becomes responsible)."""
    notification = ContactNotification.objects.select_for_update().get(pk=notification.pk)
    if notification.status == ContactNotification.Status.TAKEN:
        return notification
    notification.status = ContactNotification.Status.TAKEN
    notification.taken_by = by
    notification.taken_at = timezone.now()
    notification.save(update_fields=["status", "taken_by", "taken_at"])
    record_change(
        actor,
        person_code=notification.person.code if notification.person_id else None,
        object_type=NOTIFICATION,
        object_ref=notification.pk,
        action="update",
        changes={"status": ["waiting", "taken"], "taken_by": [None, by.pk]},
    )
    matter = notification.matter
    if matter is not None and matter.responsible_worker_id is None:
        matter.responsible_worker = by
        matter.save(update_fields=["responsible_worker"])
        record_change(
            actor,
            person_code=matter.person.code,
            object_type=MATTER,
            object_ref=matter.pk,
            action="update",
            changes={"responsible_worker": [None, by.pk]},
        )
        MatterMember.objects.filter(matter=matter, user=by, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        _add_responsible(actor, matter, by, by=by)
    return notification


@transaction.atomic
def start_assessment(actor: Actor, matter: ClientMatter, *, by) -> ClientMatter:
    """Mark the § 36 service need assessment started: only an official may do this."""
    if not is_official_in(by, matter.organisation_id):
        raise PermissionDenied(NOT_OFFICIAL)
    if matter.assessment_started_at is not None:
        return matter
    matter.assessment_started_at = timezone.now()
    matter.assessment_started_by = by
    matter.save(update_fields=["assessment_started_at", "assessment_started_by"])
    record_change(
        actor,
        person_code=matter.person.code,
        object_type=MATTER,
        object_ref=matter.pk,
        action="update",
        changes={"assessment_started_at": [None, matter.assessment_started_at]},
    )
    return matter


def log_listed(actor: Actor, rows, object_type: str) -> None:
    """Access-log each identified person shown in a list (my day, queues)."""
    log_access_many(
        actor,
        [(r.person.code, object_type, r.pk) for r in rows if r.person_id],
        action=AccessLogEntry.Action.VIEW,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )


@transaction.atomic(savepoint=False)  # reads only: no savepoint of its own
def deadlines_for(actor: Actor, user, *, limit: int = 20) -> list[ClientMatter]:
    """Open matters awaiting their § 36 assessment, for me or my teams; access-logged."""
    team_ids = [m.team_id for m in user.active_memberships() if m.team_id]
    rows = list(
        matters_visible_to(user)
        .awaiting_assessment()
        .filter(Q(responsible_worker=user) | Q(team_id__in=team_ids))
        .select_related("person", "responsible_worker")
        .order_by(F("assessment_start_by").asc(nulls_last=True), "pending_at")[:limit]
    )
    log_listed(actor, rows, MATTER)
    return rows


@transaction.atomic(savepoint=False)  # reads only: no savepoint of its own
def queue_for(actor: Actor, user, *, limit: int = 20) -> list[ContactNotification]:
    """Contact notifications waiting in the queues of my teams (or my units, if unassigned)."""
    team_ids = [m.team_id for m in user.active_memberships() if m.team_id]
    unit_ids = [m.unit_id for m in user.active_memberships() if m.unit_id]
    rows = list(
        notifications_visible_to(user)
        .filter(status=ContactNotification.Status.WAITING)
        .filter(Q(team_id__in=team_ids) | Q(team__isnull=True, unit_id__in=unit_ids))
        .select_related("person", "matter")
        .order_by("received_at")[:limit]
    )
    log_listed(actor, rows, NOTIFICATION)
    return rows
