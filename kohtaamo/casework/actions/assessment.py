"""The service need assessment (§ 36): draft, sign (officials only), correct, and reuse sections of
an earlier assessment with the client's consent."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor, record_change
from kohtaamo.casework.access import NOT_OFFICIAL, get_assessment_for_user, is_official_in
from kohtaamo.casework.actions.common import (
    ASSESSMENT,
    MATTER,
    CaseworkError,
    add_months,
    changed,
    created,
    lock_version,
    log_read,
    require_open,
    signer_title,
    touch,
)
from kohtaamo.casework.actions.matters import start_assessment
from kohtaamo.casework.models import (
    AssessmentReuse,
    ClientMatter,
    DocumentStatus,
    ServiceNeedAssessment,
    Task,
)
from kohtaamo.people.consent import Consent
from kohtaamo.people.consent_actions import record_consent

# A planning target when nothing stricter applies: PAKU reads § 36/§ 45 as "a decision within three
# months, not quite absolute" (paku.md §1); for children in need of special support it is the law.
DEFAULT_COMPLETION_MONTHS = 3


@transaction.atomic
def open_assessment(actor: Actor, user, code, *, write: bool = False) -> ServiceNeedAssessment:
    assessment = get_assessment_for_user(user, code, write=write)
    log_read(actor, assessment.matter, ASSESSMENT, assessment.pk)
    return assessment


@transaction.atomic
def create_assessment(actor: Actor, matter: ClientMatter, *, by, **fields) -> ServiceNeedAssessment:
    """A new draft. When an official makes it, the § 36 assessment is also marked started."""
    require_open(matter)
    started_on = fields.pop("started_on", None) or timezone.localdate()
    assessment = ServiceNeedAssessment(
        matter=matter,
        started_on=started_on,
        start_by=matter.assessment_start_by,
        complete_by=fields.pop("complete_by", None)
        or add_months(started_on, DEFAULT_COMPLETION_MONTHS),
        created_by=by,
        **fields,
    )
    assessment.save()
    created(actor, matter, ASSESSMENT, assessment)
    if matter.assessment_started_at is None and is_official_in(by, matter.organisation_id):
        start_assessment(actor, matter, by=by)
    touch(matter)
    return assessment


def _require_draft(assessment: ServiceNeedAssessment) -> None:
    if assessment.status != DocumentStatus.DRAFT:
        raise CaseworkError(
            _("A signed assessment is never changed. Make a correction: it becomes a new edition.")
        )


@transaction.atomic
def update_assessment(
    actor: Actor, assessment: ServiceNeedAssessment, *, version: int | None = None, **fields
) -> ServiceNeedAssessment:
    _require_draft(assessment)
    require_open(assessment.matter)
    current = lock_version(ServiceNeedAssessment, assessment, version, fields)
    _require_draft(current)
    before = current.audit_snapshot()
    for name, value in fields.items():
        if name not in ServiceNeedAssessment.EDITABLE:
            raise ValueError(f"{name} is not editable")
        setattr(current, name, value)
    current.version += 1
    current.save()
    changed(actor, current.matter, ASSESSMENT, current, before)
    touch(current.matter)
    return current


@transaction.atomic
def sign_assessment(
    actor: Actor, assessment: ServiceNeedAssessment, *, by
) -> ServiceNeedAssessment:
    """Complete and sign: only an official of the matter's organisation. The client's view and the
    conclusion must be written first."""
    matter = assessment.matter
    if not is_official_in(by, matter.organisation_id):
        raise PermissionDenied(NOT_OFFICIAL)
    assessment = ServiceNeedAssessment.objects.select_for_update().get(pk=assessment.pk)
    _require_draft(assessment)
    missing = [
        name
        for name in ("client_view", "worker_assessment", "conclusion")
        if not getattr(assessment, name).strip()
    ]
    if missing:
        raise CaseworkError(
            _(
                "Write the client's own view, the worker's assessment and the conclusion before signing."
            ),
            field=missing[0],
        )
    if assessment.special_support and not assessment.special_support_reason.strip():
        raise CaseworkError(
            _("Say why the client needs special support."), field="special_support_reason"
        )
    before = assessment.audit_snapshot()
    now = timezone.now()
    assessment.status = DocumentStatus.SIGNED
    assessment.signed_at = now
    assessment.signed_by = by
    assessment.signer_title = signer_title(by, matter.organisation_id)
    assessment.completed_on = timezone.localdate(now)
    assessment.save()
    changed(actor, matter, ASSESSMENT, assessment, before)
    if assessment.corrects_id:
        old = ServiceNeedAssessment.objects.select_for_update().get(pk=assessment.corrects_id)
        old_before = old.audit_snapshot()
        old.status = DocumentStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        changed(actor, matter, ASSESSMENT, old, old_before)
    if matter.special_support != assessment.special_support:
        record_change(
            actor,
            person_code=matter.person.code,
            object_type=MATTER,
            object_ref=matter.pk,
            action="update",
            changes={"special_support": [matter.special_support, assessment.special_support]},
        )
        matter.special_support = assessment.special_support
        matter.save(update_fields=["special_support"])
    if matter.assessment_started_at is None:
        start_assessment(actor, matter, by=by)
    Task.objects.filter(matter=matter, kind=Task.Kind.ASSESSMENT, done_at__isnull=True).update(
        done_at=now, done_by=by
    )
    touch(matter)
    return assessment


@transaction.atomic
def start_correction(
    actor: Actor, assessment: ServiceNeedAssessment, *, by
) -> ServiceNeedAssessment:
    """A new edition (a draft) that corrects a signed assessment; the signed one stays as it is."""
    assessment = (
        ServiceNeedAssessment.objects.select_for_update()
        .select_related("matter__person")
        .get(pk=assessment.pk)
    )
    if assessment.status != DocumentStatus.SIGNED:
        raise CaseworkError(_("Only the signed, current edition can be corrected."))
    require_open(assessment.matter)
    existing = assessment.corrections.filter(status=DocumentStatus.DRAFT).first()
    if existing is not None:
        return existing
    copy = ServiceNeedAssessment.objects.create(
        matter=assessment.matter,
        edition=assessment.edition + 1,
        corrects=assessment,
        started_on=assessment.started_on,
        start_by=assessment.start_by,
        complete_by=assessment.complete_by,
        created_by=by,
        **{
            name: getattr(assessment, name)
            for name in ServiceNeedAssessment.EDITABLE
            if name not in ("started_on", "complete_by")
        },
    )
    created(actor, assessment.matter, ASSESSMENT, copy)
    return copy


@transaction.atomic
def reuse_assessment(
    actor: Actor,
    target: ServiceNeedAssessment,
    source: ServiceNeedAssessment,
    *,
    by,
    sections: list[str],
    consent_method: str = Consent.Method.ORAL,
) -> AssessmentReuse:
    """Copy chosen sections of an earlier, signed assessment of the same person into a draft, so
    the client need not tell the story again. The client's consent is recorded with the reuse."""
    _require_draft(target)
    if source.matter.person_id != target.matter.person_id or source.pk == target.pk:
        raise CaseworkError(_("Choose an earlier assessment of the same client."), field="source")
    if source.status == DocumentStatus.DRAFT:
        raise CaseworkError(_("Only a signed assessment can be reused."), field="source")
    chosen = [s for s in ServiceNeedAssessment.REUSABLE_SECTIONS if s in sections]
    if not chosen:
        raise CaseworkError(_("Choose at least one section to copy."), field="sections")
    consent = record_consent(
        actor,
        target.matter.person,
        scope=Consent.Scope.RECORDING,
        purpose=_("Reuse of the service need assessment of %(day)s")
        % {"day": source.started_on.strftime("%d.%m.%Y")},
        recorded_by=by,
        method=consent_method,
    )
    before = target.audit_snapshot()
    for name in chosen:
        value = getattr(source, name)
        if name == "need_areas":
            target.need_areas = sorted(set(target.need_areas) | set(value))
        elif value.strip():
            current = getattr(target, name).strip()
            setattr(target, name, f"{current}\n\n{value}".strip() if current else value)
    target.version += 1
    target.save()
    changed(actor, target.matter, ASSESSMENT, target, before)
    reuse = AssessmentReuse.objects.create(
        assessment=target, source=source, sections=chosen, consent=consent, recorded_by=by
    )
    record_change(
        actor,
        person_code=target.matter.person.code,
        object_type="casework.assessment_reuse",
        object_ref=reuse.pk,
        action="create",
        changes={"source": [None, source.pk], "sections": [None, chosen]},
    )
    return reuse
