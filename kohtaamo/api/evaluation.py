"""API endpoints for the evaluation domain. Endpoints call the same access gates and actions as
the views, and figures go through the same small-number rule (a hidden value is `null` with
status "suppressed").

- `GET /evaluation/logic-models`, `GET /evaluation/logic-models/{key}`: program theory as data;
- `GET /evaluation/indicators`: definitions; `GET /evaluation/indicator-values`: values for a
  period, by unit or month (managers and evaluators);
- `GET/POST /evaluation/experiments`, `GET /evaluation/experiments/{code}`,
  `PUT /evaluation/experiments/{code}/stages/{stage}`: experiments and their three forms;
- `POST /evaluation/adoptions/{code}/adaptations`: a local adaptation (a fixed part is 422).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from kohtaamo.api.common import ERRORS, actor
from kohtaamo.evaluation import access, actions, indicators
from kohtaamo.evaluation.experiment_activity import activity
from kohtaamo.evaluation.filters import default_period, next_month
from kohtaamo.evaluation.models import ExperimentStage, LogicModelVersion
from kohtaamo.evaluation.registry import Scope

router = Router(tags=["evaluation"])


class LogicModelOut(Schema):
    key: str
    version: str
    family: str
    name: str
    adaptable: list[str]
    fixed: list[str]


class LogicModelDetailOut(LogicModelOut):
    content: dict


def _model_out(version: LogicModelVersion) -> dict:
    return {
        "key": version.model.key,
        "version": version.version,
        "family": version.model.family,
        "name": version.name,
        "adaptable": version.adaptable_sections,
        "fixed": version.fixed_sections,
    }


def _require_staff(request):
    if not request.user.active_memberships():
        raise HttpError(403, "Your role does not allow this.")


@router.get(
    "/evaluation/logic-models",
    response={200: list[LogicModelOut], **ERRORS},
    summary="Logic models (current versions)",
)
def logic_models(request):
    _require_staff(request)
    versions = LogicModelVersion.objects.filter(is_current=True).select_related("model")
    return [_model_out(v) for v in versions]


@router.get(
    "/evaluation/logic-models/{key}",
    response={200: LogicModelDetailOut, **ERRORS},
    summary="One logic model with its content (context, resources, core elements, ...)",
)
def logic_model(request, key: str, version: str | None = None):
    _require_staff(request)
    qs = LogicModelVersion.objects.filter(model__key=key).select_related("model")
    row = qs.filter(version=version).first() if version else qs.filter(is_current=True).first()
    if row is None:
        raise HttpError(404, "No such logic model or version.")
    return {**_model_out(row), "content": row.content}


class IndicatorOut(Schema):
    key: str
    name: str
    formula: str
    unit: str
    direction: str
    numerator: str
    denominator: str | None
    measurable: bool = Field(..., description="False while a source it needs is not recorded.")
    core_elements: list[str]
    outcomes: list[str]


@router.get(
    "/evaluation/indicators",
    response={200: list[IndicatorOut], **ERRORS},
    summary="Indicator definitions with their formulas",
)
def indicator_list(request):
    _require_staff(request)
    return [
        {
            "key": ind.key,
            "name": ind.label,
            "formula": ind.formula_text,
            "unit": ind.unit,
            "direction": ind.direction,
            "numerator": ind.numerator.source,
            "denominator": ind.denominator.source if ind.denominator else None,
            "measurable": ind.measurable,
            "core_elements": list(ind.core_elements),
            "outcomes": list(ind.outcomes),
        }
        for ind in indicators.definitions().values()
    ]


class ValuesQuery(Schema):
    start: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", examples=["2026-01"])
    end: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", examples=["2026-12"])
    indicator: list[str] = Field(default_factory=list, examples=[["failure_demand_share"]])
    group_by: Literal["total", "unit", "month", "organisation", "channel"] = "total"
    unit: int | None = None
    channel: str | None = None


class ValueOut(Schema):
    indicator: str
    group: str | int | None
    status: Literal["ok", "no_data", "not_measurable", "suppressed"]
    value: float | None
    display: str


def _month(text: str | None, field: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise HttpError(422, f"{field}: write the month as YYYY-MM with a month 01–12.") from None


@router.get(
    "/evaluation/indicator-values",
    response={200: list[ValueOut], **ERRORS},
    summary="Indicator values for a period (aggregates only, small numbers hidden)",
)
def indicator_values(request, query: Query[ValuesQuery]):
    org_ids = access.aggregate_organisation_ids(request.user)
    if not org_ids:
        raise HttpError(403, "Only roles that see aggregates can read indicator values.")
    start, end = default_period()
    first, last = _month(query.start, "start"), _month(query.end, "end")
    if first:
        start = first
    if last:
        end = next_month(last)
    if start >= end:
        raise HttpError(422, "end: the last month is before the first month.")
    if (end - start).days > 366 * 3:
        raise HttpError(422, "end: choose at most 36 months at a time.")
    keys = query.indicator or list(indicators.definitions())
    unknown = [k for k in keys if indicators.get(k) is None]
    if unknown:
        raise HttpError(422, f"indicator: unknown {', '.join(unknown)}")
    scope = Scope(
        tuple(sorted(org_ids)),
        start,
        end,
        unit_ids=(query.unit,) if query.unit else None,
        channel=query.channel or None,
    )
    out = []
    for key in keys:
        ind = indicators.get(key)
        if not ind.measurable:
            out.append(_value_out(indicators.Value(ind, indicators.NOT_MEASURABLE), None))
            continue
        values = indicators.values(ind, scope, query.group_by)
        if not values:
            out.append(_value_out(indicators.Value(ind, indicators.NO_DATA), None))
        for group, value in sorted(values.items(), key=lambda kv: str(kv[0])):
            out.append(_value_out(value, group))
    return out


def _value_out(value, group) -> dict:
    return {
        "indicator": value.indicator.key,
        "group": group,
        "status": value.status,
        "value": value.value if value.shown else None,
        "display": value.display,
    }


class StageOut(Schema):
    stage: str
    done: bool
    answered: int
    due_on: datetime.date


class ExperimentOut(Schema):
    code: UUID
    name: str
    place: str | None
    weekdays: list[int]
    time_from: datetime.time | None
    time_to: datetime.time | None
    starts_on: datetime.date
    ends_on: datetime.date
    staff_hours: float
    stages: list[StageOut]


class ExperimentDetailOut(ExperimentOut):
    contacts: int
    per_staff_hour: float | None
    referrals: int | None


def _experiment_out(experiment) -> dict:
    stages = {s.stage: s for s in experiment.stages.all()}
    return {
        "code": experiment.code,
        "name": experiment.name,
        "place": str(experiment.place.code) if experiment.place_id else None,
        "weekdays": experiment.weekdays,
        "time_from": experiment.time_from,
        "time_to": experiment.time_to,
        "starts_on": experiment.starts_on,
        "ends_on": experiment.ends_on,
        "staff_hours": float(experiment.staff_hours),
        "stages": [
            {
                "stage": key,
                "done": bool(stages.get(key) and stages[key].is_done),
                "answered": stages[key].answered if key in stages else 0,
                "due_on": experiment.due_on(key),
            }
            for key in ExperimentStage.Stage.values
        ],
    }


@router.get(
    "/evaluation/experiments",
    response={200: list[ExperimentOut], **ERRORS},
    summary="Experiments visible to the caller",
)
def experiment_list(request):
    if not access.experiment_organisation_ids(request.user):
        raise HttpError(403, "Your role does not allow this.")
    qs = (
        access.experiments_visible_to(request.user)
        .select_related("place")
        .prefetch_related("stages")
    )
    return [_experiment_out(e) for e in qs]


class ExperimentIn(Schema):
    name: str = Field(
        ..., min_length=1, max_length=200, examples=["Sosiaalityöntekijä Kelassa tiistaisin 10–12"]
    )
    place: UUID | None = Field(None, description="The place's code.", examples=[None])
    weekdays: list[int] = Field(default_factory=list, examples=[[1]])
    time_from: datetime.time | None = Field(None, examples=["10:00"])
    time_to: datetime.time | None = Field(None, examples=["12:00"])
    starts_on: datetime.date = Field(..., examples=["2026-02-03"])
    ends_on: datetime.date = Field(..., examples=["2026-05-26"])
    sessions: int = Field(0, ge=0, le=10000, examples=[12])
    workers_per_session: int = Field(1, ge=1, le=20, examples=[1])
    hours_per_session: Decimal = Field(Decimal("0"), ge=0, le=24, examples=["2"])


@router.post(
    "/evaluation/experiments",
    response={201: ExperimentDetailOut, **ERRORS},
    summary="Create an experiment",
)
def experiment_create(request, payload: ExperimentIn):
    from kohtaamo.encounters.models import Place

    org_ids = access.experiment_write_organisation_ids(request.user)
    membership = next(
        (m for m in request.user.active_memberships() if m.organisation_id in org_ids), None
    )
    if membership is None:
        raise HttpError(403, "Your role does not allow this.")
    if any(d not in range(7) for d in payload.weekdays):
        raise HttpError(422, "weekdays: use 0 (Monday) to 6 (Sunday).")
    if payload.ends_on < payload.starts_on:
        raise HttpError(422, "ends_on: the last day is before the first day.")
    if bool(payload.time_from) != bool(payload.time_to) or (
        payload.time_from and payload.time_to <= payload.time_from
    ):
        raise HttpError(422, "time_to: give both times, the end after the start.")
    place = None
    if payload.place:
        place = Place.objects.filter(
            code=payload.place, organisation=membership.organisation
        ).first()
        if place is None:
            raise HttpError(422, "place: no such place in your organisation.")
    data = payload.dict()
    data["place"] = place
    try:
        experiment = actions.create_experiment(
            actor(request),
            by=request.user,
            organisation=membership.organisation,
            unit=membership.unit,
            **data,
        )
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None
    return 201, _detail_out(experiment)


def _detail_out(experiment) -> dict:
    result = activity(experiment)
    return {
        **_experiment_out(experiment),
        "contacts": result.contacts,
        "per_staff_hour": result.per_staff_hour,
        "referrals": result.referrals,
    }


def _gate(request, code, *, write=False):
    try:
        return access.get_experiment_for_user(request.user, code, write=write)
    except PermissionDenied:
        raise HttpError(403, "You can read this experiment but not change it.") from None


@router.get(
    "/evaluation/experiments/{code}",
    response={200: ExperimentDetailOut, **ERRORS},
    summary="One experiment with its reach (contacts, per staff hour)",
)
def experiment_detail(request, code: UUID):
    return _detail_out(_gate(request, code))


class StageIn(Schema):
    answers: dict[str, str] = Field(
        default_factory=dict,
        description="Answers by field name; a draft may leave any out.",
        examples=[{"target_group": "Kelassa asioivat, joilla voi olla sosiaalityön tarve"}],
    )
    finish: bool = Field(False, description="Finish the form (needs the required answers).")


class StageDetailOut(Schema):
    stage: str
    done: bool
    answers: dict[str, str]
    missing: list[str]


@router.put(
    "/evaluation/experiments/{code}/stages/{stage}",
    response={200: StageDetailOut, **ERRORS},
    summary="Save a stage form as a draft or finish it",
)
def experiment_stage(request, code: UUID, stage: Literal["start", "mid", "end"], payload: StageIn):
    from kohtaamo.encounters.notecheck import has_hetu

    experiment = _gate(request, code, write=True)
    allowed = set(ExperimentStage.fields_for(stage))
    unknown = sorted(set(payload.answers) - allowed)
    if unknown:
        raise HttpError(422, f"answers: unknown fields {', '.join(unknown)}")
    if any(has_hetu(v) for v in payload.answers.values()):
        raise HttpError(
            422, "answers: remove the identity code; evaluation texts never identify a person."
        )
    reached = payload.answers.get("target_reached")
    if reached and reached not in ExperimentStage.Reached.values:
        raise HttpError(422, "answers.target_reached: yes, partly or no.")
    row = actions.save_stage(
        actor(request), experiment, stage, by=request.user, data=payload.answers
    )
    if payload.finish:
        try:
            row = actions.save_stage(
                actor(request),
                experiment,
                stage,
                by=request.user,
                data=payload.answers,
                finish=True,
            )
        except ValidationError as exc:
            raise HttpError(422, exc.messages[0]) from None
    return {
        "stage": stage,
        "done": row.is_done,
        "answers": {f: getattr(row, f) for f in ExperimentStage.fields_for(stage)},
        "missing": row.missing_required,
    }


class AdaptationIn(Schema):
    section: Literal["context", "resources", "core_elements", "mechanisms", "outcomes"]
    target: str = Field(
        ..., description="An element key of the section, or 'new'.", examples=["new"]
    )
    description: str = Field(..., min_length=1, examples=["Päivystys kirjaston tiloissa"])
    justification: str = Field(..., min_length=1, examples=["Alueella ei ole sosiaalitoimistoa"])


class AdaptationOut(Schema):
    section: str
    target: str
    target_label: str
    description: str
    justification: str


@router.post(
    "/evaluation/adoptions/{code}/adaptations",
    response={201: AdaptationOut, **ERRORS},
    summary="Record a local adaptation (only context and resources may be adapted)",
)
def adaptation_create(request, code: UUID, payload: AdaptationIn):
    try:
        adoption = access.get_adoption_for_user(request.user, code, write=True)
    except PermissionDenied:
        raise HttpError(403, "Only managers of the county record adaptations.") from None
    try:
        adaptation = actions.record_adaptation(
            actor(request),
            adoption,
            by=request.user,
            section=payload.section,
            target_key=payload.target,
            description=payload.description,
            justification=payload.justification,
        )
    except ValidationError as exc:
        raise HttpError(422, exc.messages[0]) from None
    return 201, {
        "section": adaptation.section,
        "target": adaptation.target_key,
        "target_label": adaptation.target_label,
        "description": adaptation.description,
        "justification": adaptation.justification,
    }
