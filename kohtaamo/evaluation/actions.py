"""Operations of the evaluation domain. None of them touches client data; each writes a
change-history entry (without a person) so that decisions about models, adaptations and
experiments stay accountable."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.audit.actions import Actor, diff, record_change
from kohtaamo.evaluation.models import (
    Adaptation,
    Adoption,
    Experiment,
    ExperimentStage,
    LogicModelVersion,
    SocialReportComment,
)
from kohtaamo.evaluation.models.programme import SECTIONS


class AdaptationRefused(ValidationError):
    """An adaptation that would change a fixed part of the program theory."""


def _history(actor: Actor, obj, action: str, changes: dict) -> None:
    record_change(
        actor,
        person_code=None,
        object_type=f"evaluation.{obj._meta.model_name}",
        object_ref=obj.pk,
        action=action,
        changes=changes,
    )


@transaction.atomic
def adopt_model(
    actor: Actor,
    version: LogicModelVersion,
    *,
    by,
    organisation,
    started_on: datetime.date,
    unit=None,
    variant: str = "",
    notes: str = "",
) -> Adoption:
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError(_("The unit belongs to another organisation."), code="unit")
    variants = {v["key"] for v in version.content.get("variants", [])}
    if variant and variant not in variants:
        raise ValidationError(_("This model has no such variant."), code="variant")
    clash = Adoption.objects.active().filter(
        organisation=organisation, unit=unit, version__model=version.model
    )
    if clash.exists():
        raise ValidationError(
            _("This model is already in use here. End the earlier adoption first."),
            code="duplicate",
        )
    adoption = Adoption.objects.create(
        version=version,
        organisation=organisation,
        unit=unit,
        variant=variant,
        started_on=started_on,
        notes=notes,
        created_by=by,
    )
    _history(
        actor,
        adoption,
        "create",
        {
            "model": [None, version.model.key],
            "version": [None, version.version],
            "unit": [None, unit.pk if unit else None],
            "started_on": [None, started_on],
        },
    )
    return adoption


@transaction.atomic
def end_adoption(actor: Actor, adoption: Adoption, *, ended_on: datetime.date) -> Adoption:
    if ended_on < adoption.started_on:
        raise ValidationError(_("The end date is before the start date."), code="dates")
    before = adoption.ended_on
    adoption.ended_on = ended_on
    adoption.save(update_fields=["ended_on"])
    _history(actor, adoption, "update", {"ended_on": [before, ended_on]})
    return adoption


def check_adaptation(version: LogicModelVersion, section: str, target_key: str) -> None:
    """Refuse, with the reason, an adaptation of a part the model keeps fixed."""
    if section not in SECTIONS:
        raise AdaptationRefused(_("Unknown part of the model."), code="section")
    if section not in version.adaptable_sections:
        raise AdaptationRefused(
            _(
                "Core elements, mechanisms and outcomes are fixed by the program theory and cannot "
                "be adapted. Local adaptations may change only the context and the resources, and "
                "each must be described and justified."
            ),
            code="fixed",
        )
    if target_key != "new" and target_key not in version.element_keys(section):
        raise AdaptationRefused(
            _("Choose an element of this part of the model, or “new” for an addition."),
            code="target",
        )


@transaction.atomic
def record_adaptation(
    actor: Actor,
    adoption: Adoption,
    *,
    by,
    section: str,
    target_key: str,
    description: str,
    justification: str,
) -> Adaptation:
    check_adaptation(adoption.version, section, target_key)
    if not (description or "").strip():
        raise ValidationError(_("Describe what is done differently."), code="description")
    if not (justification or "").strip():
        raise ValidationError(_("Every adaptation needs a justification."), code="justification")
    adaptation = Adaptation.objects.create(
        adoption=adoption,
        section=section,
        target_key=target_key,
        description=description.strip(),
        justification=justification.strip(),
        recorded_by=by,
    )
    _history(
        actor,
        adaptation,
        "create",
        {"adoption": [None, adoption.pk], "section": [None, section], "target": [None, target_key]},
    )
    return adaptation


EXPERIMENT_FIELDS = (
    "name",
    "unit",
    "place",
    "weekdays",
    "time_from",
    "time_to",
    "starts_on",
    "mid_review_on",
    "ends_on",
    "sessions",
    "workers_per_session",
    "hours_per_session",
)


def _experiment_snapshot(experiment: Experiment) -> dict:
    return {
        f: (getattr(experiment, f"{f}_id") if f in ("unit", "place") else getattr(experiment, f))
        for f in EXPERIMENT_FIELDS
    }


@transaction.atomic
def create_experiment(actor: Actor, *, by, organisation, **fields) -> Experiment:
    experiment = Experiment(organisation=organisation, owner=by, **fields)
    experiment.full_clean(exclude=["owner", "organisation"])
    experiment.save()
    ExperimentStage.objects.bulk_create(
        [ExperimentStage(experiment=experiment, stage=s) for s in ExperimentStage.Stage.values]
    )
    _history(
        actor,
        experiment,
        "create",
        {
            k: [None, v]
            for k, v in _experiment_snapshot(experiment).items()
            if v not in (None, "", [])
        },
    )
    return experiment


@transaction.atomic
def update_experiment(actor: Actor, experiment: Experiment, **fields) -> Experiment:
    before = _experiment_snapshot(experiment)
    for name, value in fields.items():
        setattr(experiment, name, value)
    experiment.full_clean(exclude=["owner", "organisation"])
    experiment.save()
    changes = diff(before, _experiment_snapshot(experiment))
    if changes:
        _history(actor, experiment, "update", changes)
    return experiment


def stage_for(experiment: Experiment, stage: str) -> ExperimentStage:
    row, _ = ExperimentStage.objects.get_or_create(experiment=experiment, stage=stage)
    return row


@transaction.atomic
def save_stage(
    actor: Actor, experiment: Experiment, stage: str, *, by, data: dict, finish: bool = False
) -> ExperimentStage:
    """Save a stage form as a draft, or finish it. Finishing needs the required answers; a
    draft keeps whatever was typed, however incomplete."""
    row = stage_for(experiment, stage)
    allowed = ExperimentStage.fields_for(stage)
    before = {f: getattr(row, f) for f in allowed}
    for name in allowed:
        if name in data:
            setattr(row, name, (data[name] or "").strip())
    row.updated_by = by
    if finish:
        missing = row.missing_required
        if missing:
            labels = ", ".join(
                str(ExperimentStage._meta.get_field(f).verbose_name) for f in missing
            )
            raise ValidationError(
                _("To finish the form, answer: %(fields)s.") % {"fields": labels},
                code="incomplete",
                params={"missing": missing},
            )
        if row.completed_at is None:
            row.completed_at = timezone.now()
            row.completed_by = by
    row.save()
    changes = {f: ["…", "…"] for f, v in before.items() if v != getattr(row, f)}
    if finish:
        changes["completed"] = [None, True]
    if changes:
        _history(actor, row, "update", changes)
    return row


@transaction.atomic
def reopen_stage(actor: Actor, row: ExperimentStage) -> ExperimentStage:
    row.completed_at = None
    row.completed_by = None
    row.save(update_fields=["completed_at", "completed_by", "updated_at"])
    _history(actor, row, "update", {"completed": [True, False]})
    return row


@transaction.atomic
def add_report_comment(
    actor: Actor,
    *,
    by,
    organisation,
    section: str,
    period_start: datetime.date,
    period_end: datetime.date,
    text: str,
    unit=None,
    area: str = "",
) -> SocialReportComment:
    from kohtaamo.encounters.notecheck import has_hetu

    if has_hetu(text):
        raise ValidationError(
            _("Remove the identity code: the social report is about areas, never about a person."),
            code="hetu",
        )
    comment = SocialReportComment.objects.create(
        organisation=organisation,
        unit=unit,
        section=section,
        area=area,
        period_start=period_start,
        period_end=period_end,
        text=text.strip(),
        author=by,
    )
    _history(actor, comment, "create", {"section": [None, section], "length": [None, len(text)]})
    return comment
