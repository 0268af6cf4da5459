"""Decisions (§ 45): prepared by any worker of the matter, signed only by an official; appeal
instructions are frozen into the decision when it is signed. A signed decision is never edited:
a correction is a new edition referencing the old one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor
from kohtaamo.casework import content
from kohtaamo.casework.access import NOT_OFFICIAL, get_decision_for_user, is_official_in
from kohtaamo.casework.actions.common import (
    DECISION,
    CaseworkError,
    changed,
    created,
    log_read,
    require_open,
    signer_title,
    touch,
)
from kohtaamo.casework.models import ClientMatter, ClientPlan, Decision, DocumentStatus, Task


@transaction.atomic
def open_decision(actor: Actor, user, code, *, write: bool = False) -> Decision:
    decision = get_decision_for_user(user, code, write=write)
    log_read(actor, decision.matter, DECISION, decision.pk)
    return decision


def _check_plan(matter: ClientMatter, plan: ClientPlan | None) -> None:
    if plan is not None and plan.matter_id != matter.pk:
        raise CaseworkError(_("Choose a plan of this client matter."), field="plan")


@transaction.atomic
def create_decision(actor: Actor, matter: ClientMatter, *, by, **fields) -> Decision:
    require_open(matter)
    _check_plan(matter, fields.get("plan"))
    decision = Decision.objects.create(matter=matter, created_by=by, **fields)
    created(actor, matter, DECISION, decision)
    touch(matter)
    return decision


def _require_draft(decision: Decision) -> None:
    if decision.status != DocumentStatus.DRAFT:
        raise CaseworkError(
            _("A signed decision is never changed. Make a correction: it becomes a new edition.")
        )


@transaction.atomic
def update_decision(actor: Actor, decision: Decision, **fields) -> Decision:
    decision = (
        Decision.objects.select_for_update().select_related("matter__person").get(pk=decision.pk)
    )
    _require_draft(decision)
    require_open(decision.matter)
    _check_plan(decision.matter, fields.get("plan", decision.plan))
    before = decision.audit_snapshot()
    for name, value in fields.items():
        if name not in (*Decision.EDITABLE, "plan"):
            raise ValueError(f"{name} is not editable")
        setattr(decision, name, value)
    decision.save()
    changed(actor, decision.matter, DECISION, decision, before)
    touch(decision.matter)
    return decision


@transaction.atomic
def sign_decision(actor: Actor, decision: Decision, *, by) -> Decision:
    """Sign: only an official of the matter's organisation (a clear refusal for anyone else).
    A granted service must be agreed in the client plan; social rehabilitation is time-limited."""
    matter = decision.matter
    if not is_official_in(by, matter.organisation_id):
        raise PermissionDenied(NOT_OFFICIAL)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _require_draft(decision)
    if decision.outcome != Decision.Outcome.REFUSED and decision.plan_id is None:
        raise CaseworkError(
            _("Link the decision to the client plan in which the service was agreed."),
            field="plan",
        )
    if decision.service == Decision.Service.SOCIAL_REHABILITATION and (
        decision.outcome != Decision.Outcome.REFUSED
        and not (decision.valid_from and decision.valid_until)
    ):
        raise CaseworkError(
            _("Social rehabilitation is time-limited: give the start and end dates."),
            field="valid_until",
        )
    before = decision.audit_snapshot()
    lang = matter.person.language if matter.person.language in ("fi", "sv", "en") else "fi"
    decision.appeal_instructions = content.appeal_instructions(lang)
    decision.appeal_language = lang
    decision.status = DocumentStatus.SIGNED
    decision.signed_at = timezone.now()
    decision.signed_by = by
    decision.signer_title = signer_title(by, matter.organisation_id)
    decision.save()
    changed(actor, matter, DECISION, decision, before)
    if decision.corrects_id:
        old = Decision.objects.select_for_update().get(pk=decision.corrects_id)
        old_before = old.audit_snapshot()
        old.status = DocumentStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        changed(actor, matter, DECISION, old, old_before)
    Task.objects.filter(matter=matter, kind=Task.Kind.DECISION, done_at__isnull=True).update(
        done_at=decision.signed_at, done_by=by
    )
    touch(matter)
    return decision


@transaction.atomic
def start_decision_correction(actor: Actor, decision: Decision, *, by) -> Decision:
    decision = (
        Decision.objects.select_for_update().select_related("matter__person").get(pk=decision.pk)
    )
    if decision.status != DocumentStatus.SIGNED:
        raise CaseworkError(_("Only the signed, current edition can be corrected."))
    require_open(decision.matter)
    existing = decision.corrections.filter(status=DocumentStatus.DRAFT).first()
    if existing is not None:
        return existing
    copy = Decision.objects.create(
        matter=decision.matter,
        plan=decision.plan,
        edition=decision.edition + 1,
        corrects=decision,
        created_by=by,
        **{name: getattr(decision, name) for name in Decision.EDITABLE},
    )
    created(actor, decision.matter, DECISION, copy)
    return copy
