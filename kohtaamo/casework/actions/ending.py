"""The planned ending of a client matter: reason, final summary, continuation path (the next
service, as a referral through the referrals app), and a feedback request (a feedback code from the
desk, on the client's latest contact)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor, record_change
from kohtaamo.casework.actions.common import (
    ENDING,
    MATTER,
    PLAN,
    CaseworkError,
    changed,
    created,
    require_open,
)
from kohtaamo.casework.models import ClientMatter, ClientPlan, MatterEnding, Task
from kohtaamo.people.consent import Consent


@dataclass
class Ended:
    ending: MatterEnding
    referral: object | None = None
    referral_token: str | None = None
    feedback_code: str | None = None


def feedback_encounter(matter: ClientMatter):
    """The contact a feedback card is tied to: the client's latest contact in this organisation
    since the matter opened, or the contact the matter came from."""
    from kohtaamo.encounters.models import Encounter

    latest = (
        Encounter.objects.filter(person=matter.person, organisation_id=matter.organisation_id)
        .order_by("-started_at")
        .first()
    )
    if latest is None and matter.source_ref:
        latest = Encounter.objects.filter(code=matter.source_ref).first()
    return latest


@transaction.atomic
def end_matter(
    actor: Actor,
    matter: ClientMatter,
    *,
    by,
    reason: str,
    summary: str,
    continuation_kind: str,
    continuation: str = "",
    service=None,
    referral_consent: bool = False,
    consent_method: str = Consent.Method.ORAL,
    shared_information: str = "",
    request_feedback: bool = False,
) -> Ended:
    require_open(matter)
    if not summary.strip():
        raise CaseworkError(_("Write the final summary."), field="summary")
    if continuation_kind not in MatterEnding.Continuation.values:
        raise CaseworkError(_("Choose the continuation path."), field="continuation_kind")
    result = Ended(ending=None)  # type: ignore[arg-type]
    if service is not None:
        from kohtaamo.referrals.actions import ReferralError, create_referral

        try:
            result.referral, result.referral_token = create_referral(
                actor,
                user=by,
                organisation=matter.organisation,
                service=service,
                person=matter.person,
                client_matter=matter,
                consent_given=referral_consent,
                consent_method=consent_method,
                shared_information=shared_information,
                message=continuation,
            )
        except ReferralError as exc:
            raise CaseworkError(str(exc), field="referral_consent") from exc
    feedback_ref = None
    if request_feedback:
        encounter = feedback_encounter(matter)
        if encounter is None:
            raise CaseworkError(
                _(
                    "A feedback card is tied to a contact: record the final meeting at the desk first."
                ),
                field="request_feedback",
            )
        from kohtaamo.encounters.actions import issue_feedback_code

        result.feedback_code = issue_feedback_code(actor, encounter)
        feedback_ref = encounter.code
    now = timezone.now()
    ending = MatterEnding.objects.create(
        matter=matter,
        reason=reason,
        summary=summary.strip(),
        continuation_kind=continuation_kind,
        continuation=continuation.strip(),
        referral=result.referral,
        feedback_requested=request_feedback,
        feedback_encounter_ref=feedback_ref,
        ended_at=now,
        ended_by=by,
    )
    created(actor, matter, ENDING, ending)
    for plan in matter.plans.exclude(status=ClientPlan.Status.ENDED):
        before = plan.audit_snapshot()
        plan.status, plan.ended_at = ClientPlan.Status.ENDED, now
        plan.save(update_fields=["status", "ended_at", "updated_at"])
        changed(actor, matter, PLAN, plan, before)
    for period in matter.periods.filter(ended_on__isnull=True):
        from kohtaamo.casework.actions.rehab import end_period

        end_period(actor, period, ended_on=max(timezone.localdate(now), period.starts_on))
    Task.objects.filter(matter=matter, done_at__isnull=True).update(done_at=now, done_by=by)
    before = matter.audit_snapshot()
    matter.status = ClientMatter.Status.CLOSED
    matter.closed_at, matter.closed_by = now, by
    matter.last_activity_at = now
    matter.save(update_fields=["status", "closed_at", "closed_by", "last_activity_at"])
    changed(actor, matter, MATTER, matter, before)
    result.ending = ending
    if result.referral is not None:
        record_change(
            actor,
            person_code=matter.person.code,
            object_type=ENDING,
            object_ref=ending.pk,
            action="update",
            changes={"referral": [None, result.referral.pk]},
        )
    return result
