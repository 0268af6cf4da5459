"""Operations on referrals and service paths. Each writes its own audit entries: reading a
referral of an identified person is access-logged, every change goes to the change history, and
every status change is also a timestamped `ReferralEvent`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor, diff, log_access, log_access_many, record_change
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.casework.workdays import add_working_days
from kohtaamo.people.models import Consent
from kohtaamo.referrals import links
from kohtaamo.referrals.access import get_referral_for_user
from kohtaamo.referrals.models import (
    FollowUpTask,
    PathStep,
    Referral,
    ReferralEvent,
    ServicePath,
)

OBJECT = "referrals.referral"
S = Referral.Status


class ReferralError(ValueError):
    """A referral that cannot be made or changed as asked; the message is for the person."""


def _log_change(actor: Actor, referral: Referral, action: str, changes: dict) -> None:
    record_change(
        actor,
        person_code=referral.person.code if referral.person_id else None,
        object_type=OBJECT,
        object_ref=referral.pk,
        action=action,
        changes=changes,
    )


def due_after(sent_at: datetime.datetime, step: PathStep | None) -> datetime.datetime:
    """When confirmation is due: the agreed response time of the path step, or the default
    (KOHTAAMO_REFERRAL_RESPONSE_DAYS working days)."""
    if step and step.response_unit == PathStep.ResponseUnit.HOURS:
        return sent_at + datetime.timedelta(hours=step.response_time)
    days = step.response_time if step else settings.REFERRAL_RESPONSE_DAYS
    local = timezone.localtime(sent_at)
    day = add_working_days(local.date(), days)
    return datetime.datetime.combine(day, local.time(), local.tzinfo)


@transaction.atomic
def create_referral(
    actor: Actor,
    *,
    user,
    organisation,
    service,
    person=None,
    encounter=None,
    client_matter=None,
    path_step: PathStep | None = None,
    consent_given: bool = False,
    consent_method: str = Consent.Method.ORAL,
    shared_information: str = "",
    message: str = "",
    mode: str = Referral.Mode.STANDARD,
    send: bool = True,
) -> tuple[Referral, str | None]:
    """Make a referral (and send it). With a person, consent to share is required and recorded as
    a `people.Consent`; without consent only anonymous guidance is possible: no person, nothing
    shared. Returns the referral and, when sent, the partner's confirmation token (shown once)."""
    if person is not None and not consent_given:
        raise ReferralError(
            _(
                "Without the person's consent only anonymous guidance is possible: remove the person or record the consent."
            )
        )
    consent = None
    if person is not None:
        consent = Consent.objects.create(
            person=person,
            organisation=organisation,
            scope=Consent.Scope.SHARING,
            recipient=service.organisation.name_fi[:200],
            purpose=f"Referral: {service.name_fi}"[:200],
            method=consent_method,
            given_at=timezone.now(),
            recorded_by=user,
            source_ref=encounter.code if encounter else None,
        )
        record_change(
            actor,
            person_code=person.code,
            object_type="people.consent",
            object_ref=consent.pk,
            action="create",
            changes={k: [None, v] for k, v in consent.audit_snapshot().items() if v},
        )
    else:
        shared_information = message = ""  # anonymous guidance shares nothing
    referral = Referral.objects.create(
        organisation=organisation,
        service=service,
        path_step=path_step,
        encounter=encounter,
        client_matter=client_matter,
        person=person,
        consent=consent,
        shared_information=shared_information,
        message=message,
        mode=mode,
        status=S.DRAFT,
        created_by=user,
    )
    ReferralEvent.objects.create(referral=referral, to_status=S.DRAFT, actor=user, via="worker")
    _log_change(
        actor, referral, "create", {k: [None, v] for k, v in referral.audit_snapshot().items() if v}
    )
    token = send_referral(actor, referral, user=user) if send else None
    return referral, token


@transaction.atomic
def send_referral(actor: Actor, referral: Referral, *, user) -> str:
    if referral.status not in (S.DRAFT, S.NOT_REACHED):
        raise ReferralError(
            _("Only a draft or a referral that did not reach the person can be sent.")
        )
    now = timezone.now()
    before = referral.audit_snapshot()
    previous = referral.status
    referral.status = S.SENT
    referral.sent_at = now
    referral.due_at = due_after(now, referral.path_step)
    token = _new_link(referral)
    referral.save()
    ReferralEvent.objects.create(
        referral=referral, from_status=previous, to_status=S.SENT, actor=user, via="worker"
    )
    _log_change(
        actor,
        referral,
        "update",
        diff(before, referral.audit_snapshot()) | {"link": ["", "issued"]},
    )
    if referral.person_id:
        log_access(
            actor,
            person_code=referral.person.code,
            object_type=OBJECT,
            object_ref=referral.pk,
            action=AccessLogEntry.Action.DISCLOSE,
            purpose=AccessLogEntry.Purpose.REFERRAL,
            recipient=referral.service.organisation.name_fi,
        )
    return token


def _new_link(referral: Referral) -> str:
    nonce = links.new_nonce()
    referral.link_nonce_hash = links.nonce_hash(nonce)
    referral.link_expires_at = timezone.now() + datetime.timedelta(seconds=links.max_age_seconds())
    referral.link_used_at = None
    return links.make_token(referral.code, nonce)


@transaction.atomic
def renew_link(actor: Actor, referral: Referral) -> str:
    """A new confirmation link; the old one stops working."""
    if not referral.is_open:
        raise ReferralError(_("The referral is no longer waiting for confirmation."))
    token = _new_link(referral)
    referral.save(
        update_fields=["link_nonce_hash", "link_expires_at", "link_used_at", "updated_at"]
    )
    _log_change(actor, referral, "update", {"link": ["", "renewed"]})
    return token


@transaction.atomic
def change_status(
    actor: Actor,
    referral: Referral,
    *,
    to: str,
    user=None,
    via: str = "worker",
    reason: str = "",
    confirmer: str = "",
) -> Referral:
    """Move a referral along its loop; arrival and start are confirmations."""
    if to not in referral.allowed_statuses():
        raise ReferralError(_("This change is not possible from the referral's current status."))
    if to == S.DECLINED and not reason.strip():
        raise ReferralError(_("Give the reason the referral was declined."))
    before = referral.audit_snapshot()
    previous = referral.status
    now = timezone.now()
    referral.status = to
    if to == S.DECLINED:
        referral.decline_reason = reason.strip()[:300]
    if to in Referral.CONFIRMED_STATUSES and not referral.confirmed_at:
        referral.confirmed_at = now
        referral.confirmed_via = (
            via if via in Referral.ConfirmedVia.values else Referral.ConfirmedVia.WORKER
        )
        referral.confirmed_by_name = (confirmer or (user.get_full_name() if user else ""))[:150]
    if to == S.SENT:
        referral.sent_at = now
        referral.due_at = due_after(now, referral.path_step)
    if to not in Referral.OPEN_STATUSES:
        referral.link_nonce_hash = ""  # the partner link is spent once the loop moves on
        FollowUpTask.objects.filter(referral=referral, done_at__isnull=True).update(done_at=now)
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        from_status=previous,
        to_status=to,
        actor=user,
        actor_label=confirmer[:150],
        via=via,
        note=reason.strip()[:300],
    )
    _log_change(actor, referral, "update", diff(before, referral.audit_snapshot()))
    return referral


@transaction.atomic
def open_referral(actor: Actor, user, code, *, write: bool = False) -> Referral:
    referral = get_referral_for_user(user, code, write=write)
    if referral.person_id:
        log_access(
            actor,
            person_code=referral.person.code,
            object_type=OBJECT,
            object_ref=referral.pk,
            action=AccessLogEntry.Action.API_READ
            if actor.channel == "api"
            else AccessLogEntry.Action.VIEW,
        )
    return referral


def log_listed(actor: Actor, referrals) -> None:
    log_access_many(
        actor,
        [(r.person.code, OBJECT, r.pk) for r in referrals if r.person_id],
        action=AccessLogEntry.Action.VIEW,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )


# The partner's link ---------------------------------------------------------------------------


PARTNER_OUTCOMES = (S.ARRIVED, S.STARTED, S.DECLINED, S.NOT_REACHED)


def show_link(token: str, *, source: str = "") -> links.LinkCheck:
    """Open a confirmation link; showing the (minimal) referral to an outsider is access-logged."""
    check = links.check_token(token)
    if check.referral is not None and check.referral.person_id:
        log_access(
            Actor.external("confirmation link", source=source),
            person_code=check.referral.person.code,
            object_type=OBJECT,
            object_ref=check.referral.pk,
            action=AccessLogEntry.Action.VIEW,
            purpose=AccessLogEntry.Purpose.REFERRAL,
            recipient=check.referral.service.organisation.name_fi,
        )
    return check


@transaction.atomic
def confirm_by_link(
    token: str, *, outcome: str, name: str, reason: str = "", source: str = ""
) -> links.LinkCheck:
    """The partner's answer; the link is spent. Who confirmed is the name they typed."""
    check = links.check_token(token)
    referral = check.referral
    if referral is None:
        return check
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not referral.link_nonce_hash:  # used meanwhile
        return links.LinkCheck(None, "used")
    if outcome not in PARTNER_OUTCOMES:
        raise ReferralError(_("Choose what happened."))
    if not name.strip():
        raise ReferralError(_("Write your name so the worker knows who confirmed."))
    actor = Actor.external(f"partner: {name.strip()}", source=source)
    referral.link_used_at = timezone.now()
    referral.link_nonce_hash = ""
    referral.save(update_fields=["link_used_at", "link_nonce_hash", "updated_at"])
    change_status(
        actor,
        referral,
        to=outcome,
        via=Referral.ConfirmedVia.PARTNER_LINK,
        reason=reason,
        confirmer=name.strip(),
    )
    if referral.person_id:
        log_access(
            actor,
            person_code=referral.person.code,
            object_type=OBJECT,
            object_ref=referral.pk,
            action=AccessLogEntry.Action.VIEW,
            purpose=AccessLogEntry.Purpose.REFERRAL,
            recipient=f"{referral.service.organisation.name_fi}: {name.strip()}",
        )
    return links.LinkCheck(referral)


# Warm hand-off and follow-up -------------------------------------------------------------------


@transaction.atomic
def record_handoff(
    actor: Actor, referral: Referral, *, user, at: datetime.datetime, notes: str, started: bool
) -> Referral:
    """The worker went with the person and met the new worker: record the meeting; it confirms."""
    before = referral.audit_snapshot()
    referral.mode = Referral.Mode.WARM_HANDOFF
    referral.handoff_at = at
    referral.handoff_notes = notes
    referral.save(update_fields=["mode", "handoff_at", "handoff_notes", "updated_at"])
    _log_change(actor, referral, "update", diff(before, referral.audit_snapshot()))
    target = S.STARTED if started else S.ARRIVED
    if target in referral.allowed_statuses():
        change_status(actor, referral, to=target, user=user, via=Referral.ConfirmedVia.HANDOFF)
    return referral


@transaction.atomic
def complete_task(actor: Actor, task: FollowUpTask) -> FollowUpTask:
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    _log_change(actor, task.referral, "update", {"follow_up_task": ["open", "done"]})
    return task


@transaction.atomic
def create_overdue_tasks(now: datetime.datetime | None = None) -> int:
    """A follow-up task for each open referral whose confirmation is overdue and has none."""
    now = now or timezone.now()
    overdue = Referral.objects.open().filter(due_at__lt=now).select_related("person")
    made = 0
    actor = Actor.system("referral follow-up")
    for referral in overdue:
        if FollowUpTask.objects.filter(referral=referral, done_at__isnull=True).exists():
            continue
        FollowUpTask.objects.create(
            referral=referral,
            assigned_to=referral.created_by,
            due_at=referral.due_at,
            created_at=now,
        )
        _log_change(actor, referral, "update", {"follow_up_task": [None, "created"]})
        made += 1
    return made


# Service paths ---------------------------------------------------------------------------------


@transaction.atomic
def save_path(
    actor: Actor, path: ServicePath, *, steps: list[dict] | None = None, **fields
) -> ServicePath:
    creating = path.pk is None
    before = {} if creating else ServicePath.objects.get(pk=path.pk).audit_snapshot()
    for name, value in fields.items():
        setattr(path, name, value)
    path.save()
    changes = diff(before, path.audit_snapshot())
    if steps is not None:
        old = [s.audit_snapshot() for s in path.steps.all()]
        path.steps.all().delete()
        for order, step in enumerate(steps, start=1):
            PathStep.objects.create(path=path, order=order, **step)
        new = [s.audit_snapshot() for s in path.steps.all()]
        if old != new:
            changes["steps"] = [old, new]
    if changes:
        record_change(
            actor,
            person_code=None,
            object_type="referrals.path",
            object_ref=path.pk,
            action="create" if creating else "update",
            changes=changes,
        )
    return path


def paths_for_themes(theme_keys, *, organisation_ids=None):
    """Agreed service paths in force for any of the needs (theme keys), with their steps."""
    keys = set(theme_keys or [])
    if not keys:
        return []
    qs = ServicePath.objects.in_force().prefetch_related("steps__service__organisation")
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=organisation_ids)
    return [p for p in qs if keys & set(p.themes or [])]
