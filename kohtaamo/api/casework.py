"""API endpoints for case management and group work. They call the same gates and actions as the
views, so the rules cannot drift: an official signs, a stale plan version is a 409 with the
differences, an end measurement without a start is a 409 that says why, and attendance is refused
for more attendees than members (422). Every read of client data is access-logged."""

from __future__ import annotations

import datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from kohtaamo.accounts.models import User
from kohtaamo.api.api import error
from kohtaamo.api.common import ERRORS, actor
from kohtaamo.casework import actions
from kohtaamo.casework.access import (
    get_assessment_for_user,
    get_decision_for_user,
    get_matter_for_user,
    get_period_for_user,
    get_plan_for_user,
    get_step_for_user,
    get_task_for_user,
)
from kohtaamo.casework.actions import CaseworkError, StaleEdit
from kohtaamo.casework.actions.common import PLAN, log_read
from kohtaamo.casework.actions.quality import submit_answers
from kohtaamo.casework.models import ClientPlan, PlanStep, Rater
from kohtaamo.groupwork import actions as group_actions
from kohtaamo.groupwork.access import get_group_meeting_for_user
from kohtaamo.instruments.models import Instrument
from kohtaamo.instruments.scoring import AnswerError

router = Router(tags=["casework"])


def _refuse(exc: PermissionDenied):
    raise HttpError(
        403, str(exc.args[0]) if exc.args and exc.args[0] else "Your role does not allow this."
    )


def _bad(exc: CaseworkError, status: int = 422):
    raise HttpError(status, str(exc.message))


# Caseload and matters ---------------------------------------------------------------------------


class CaseloadRow(Schema):
    code: UUID = Field(..., examples=["7d7b3d2e-0a55-4b43-9f7e-2f1c0c1d9a01"])
    person: UUID = Field(..., examples=["3f0b8e8c-4e1c-4a4c-9d7e-6a3b2c1d0e9f"])
    name: str = Field(..., examples=["Meikäläinen Maija"])
    pending_at: datetime.datetime = Field(..., examples=["2026-03-02T09:00:00+02:00"])
    next_review: datetime.date | None = Field(None, examples=["2026-06-01"])
    next_meeting: datetime.datetime | None = Field(None, examples=[None])
    open_tasks: int = Field(0, examples=[1])


class CaseloadOut(Schema):
    count: int = Field(..., examples=[12])
    cap: int = Field(..., examples=[40])
    over_cap: bool = Field(..., examples=[False])
    rows: list[CaseloadRow]


@router.get(
    "/casework/caseload",
    response={200: CaseloadOut, **ERRORS},
    summary="My caseload: open client matters where I am the responsible worker (access-logged)",
)
def caseload(request):
    if not request.user.organisation_ids():
        raise HttpError(403, "Your role does not allow this.")
    data = actions.caseload_for(actor(request), request.user, request.user)
    return {
        "count": data["count"],
        "cap": data["cap"],
        "over_cap": data["over_cap"],
        "rows": [
            {
                "code": m.code,
                "person": m.person.code,
                "name": f"{m.person.last_name} {m.person.first_name}",
                "pending_at": m.pending_at,
                "next_review": m.next_review,
                "next_meeting": m.next_meeting,
                "open_tasks": m.open_tasks or 0,
            }
            for m in data["rows"]
        ],
    }


class MatterOut(Schema):
    code: UUID = Field(..., examples=["7d7b3d2e-0a55-4b43-9f7e-2f1c0c1d9a01"])
    person: UUID = Field(..., examples=["3f0b8e8c-4e1c-4a4c-9d7e-6a3b2c1d0e9f"])
    status: str = Field(..., examples=["open"])
    pending_at: datetime.datetime = Field(..., examples=["2026-03-02T09:00:00+02:00"])
    assessment_start_by: datetime.date | None = Field(None, examples=["2026-03-11"])
    responsible_worker: str = Field("", examples=["Olli Ohjaaja"])
    special_support: bool = Field(False, examples=[False])
    team: list[dict] = Field(
        ..., examples=[[{"name": "Olli Ohjaaja", "role": "responsible", "title": ""}]]
    )


@router.get(
    "/casework/matters/{code}",
    response={200: MatterOut, **ERRORS},
    summary="One client matter with its team (access-logged)",
)
def matter_detail(request, code: UUID):
    matter = actions.open_matter(actor(request), request.user, code)
    members = matter.members.filter(ended_at__isnull=True).select_related("user")
    return {
        "code": matter.code,
        "person": matter.person.code,
        "status": matter.status,
        "pending_at": matter.pending_at,
        "assessment_start_by": matter.assessment_start_by,
        "responsible_worker": matter.responsible_worker.get_full_name()
        if matter.responsible_worker
        else "",
        "special_support": matter.special_support,
        "team": [
            {"name": m.user.get_full_name() or m.user.username, "role": m.role, "title": m.title}
            for m in members
        ],
    }


class MemberIn(Schema):
    user: UUID = Field(
        ...,
        description="The worker's user code.",
        examples=["0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"],
    )
    role: Literal["responsible", "team", "partner"] = Field(..., examples=["partner"])
    title: str = Field("", max_length=100, examples=["Kela benefits"])


class OkOut(Schema):
    ok: bool = Field(True, examples=[True])
    code: UUID | None = Field(None, examples=[None])


@router.post(
    "/casework/matters/{code}/members",
    response={201: OkOut, **ERRORS},
    summary="Add a worker to the matter's team (a partner sees only their own plan steps)",
)
def member_add(request, code: UUID, payload: MemberIn):
    matter = get_matter_for_user(request.user, code, write=True)
    user = User.objects.filter(code=payload.user, is_active=True).first()
    if user is None:
        raise HttpError(422, "No such worker.")
    try:
        actions.add_member(
            actor(request), matter, user, role=payload.role, title=payload.title, by=request.user
        )
    except CaseworkError as exc:
        _bad(exc)
    return 201, {"ok": True, "code": None}


# Plans ----------------------------------------------------------------------------------------


class GoalOut(Schema):
    code: UUID = Field(..., examples=["5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"])
    text: str = Field(..., examples=["Haluan oman asunnon."])
    life_area: str = Field("", examples=["housing"])
    status: str = Field(..., examples=["open"])


class StepOut(Schema):
    code: UUID = Field(..., examples=["6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0"])
    what: str = Field(..., examples=["Haetaan asumistukea yhdessä."])
    responsibility: str = Field(..., examples=["together"])
    due_on: datetime.date | None = Field(None, examples=["2026-04-01"])
    done: bool = Field(False, examples=[False])


class PlanOut(Schema):
    code: UUID = Field(..., examples=["4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a"])
    matter: UUID = Field(..., examples=["7d7b3d2e-0a55-4b43-9f7e-2f1c0c1d9a01"])
    variant: str = Field(..., examples=["intensive"])
    status: str = Field(..., examples=["draft"])
    version: int = Field(..., description="Send it back when saving.", examples=[3])
    situation: str = Field("", examples=[""])
    client_view: str = Field("", examples=["Haluan päästä töihin."])
    review_on: datetime.date | None = Field(None, examples=["2026-06-01"])
    agreed_on: datetime.date | None = Field(None, examples=[None])
    goals: list[GoalOut]
    steps: list[StepOut]


def _plan_out(plan: ClientPlan) -> dict:
    return {
        "code": plan.code,
        "matter": plan.matter.code,
        "variant": plan.variant,
        "status": plan.status,
        "version": plan.version,
        "situation": plan.situation,
        "client_view": plan.client_view,
        "review_on": plan.review_on,
        "agreed_on": plan.agreed_on,
        "goals": [
            {"code": g.code, "text": g.text, "life_area": g.life_area, "status": g.status}
            for g in plan.goals.all()
        ],
        "steps": [
            {
                "code": s.code,
                "what": s.what,
                "responsibility": s.responsibility,
                "due_on": s.due_on,
                "done": s.done_at is not None,
            }
            for s in plan.steps.all()
        ],
    }


@router.get(
    "/casework/plans/{code}",
    response={200: PlanOut, **ERRORS},
    summary="A client plan (access-logged)",
)
def plan_detail(request, code: UUID):
    plan = actions.open_plan(actor(request), request.user, code)
    return _plan_out(plan)


class PlanPatch(Schema):
    version: int = Field(
        ..., description="The version you read; a stale one gives 409.", examples=[3]
    )
    situation: str | None = Field(None, max_length=10000, examples=[None])
    client_view: str | None = Field(None, max_length=10000, examples=["Haluan päästä töihin."])
    review_on: datetime.date | None = Field(None, examples=["2026-06-01"])


@router.patch(
    "/casework/plans/{code}",
    response={200: PlanOut, **ERRORS},
    summary="Save the plan's texts with optimistic locking (409 with the differences if stale)",
)
def plan_patch(request, code: UUID, payload: PlanPatch):
    plan = get_plan_for_user(request.user, code, write=True)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    try:
        with transaction.atomic():
            plan = actions.update_plan(actor(request), plan, version=version, **fields)
            log_read(actor(request), plan.matter, PLAN, plan.pk)
    except StaleEdit as exc:
        return error(
            request,
            409,
            "conflict",
            {
                "message": "Someone else saved the plan after you read it; nothing was written.",
                "version": exc.current.version,
                "differences": [
                    {"field": name, "saved": str(saved), "yours": str(yours)}
                    for name, saved, yours in exc.differences
                ],
            },
        )
    except CaseworkError as exc:
        _bad(exc)
    return _plan_out(plan)


class GoalIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000, examples=["Haluan oman asunnon."])
    life_area: str = Field("", max_length=30, examples=["housing"])
    version: int | None = Field(None, examples=[3])


@router.post("/casework/plans/{code}/goals", response={201: OkOut, **ERRORS}, summary="Add a goal")
def goal_add(request, code: UUID, payload: GoalIn):
    plan = get_plan_for_user(request.user, code, write=True)
    try:
        goal = actions.add_goal(
            actor(request),
            plan,
            text=payload.text,
            life_area=payload.life_area,
            version=payload.version,
        )
    except StaleEdit as exc:
        return error(
            request,
            409,
            "conflict",
            {"message": "The plan has changed.", "version": exc.current.version},
        )
    except CaseworkError as exc:
        _bad(exc)
    return 201, {"ok": True, "code": goal.code}


class StepIn(Schema):
    what: str = Field(..., min_length=1, max_length=2000, examples=["Haetaan asumistukea yhdessä."])
    responsibility: Literal["client", "together", "worker", "on_behalf", "other"] = Field(
        "together", examples=["together"]
    )
    assignee: UUID | None = Field(None, description="A team member's user code.", examples=[None])
    who_text: str = Field("", max_length=200, examples=[""])
    due_on: datetime.date | None = Field(None, examples=["2026-04-01"])


@router.post("/casework/plans/{code}/steps", response={201: OkOut, **ERRORS}, summary="Add a step")
def step_add(request, code: UUID, payload: StepIn):
    plan = get_plan_for_user(request.user, code, write=True)
    assignee = None
    if payload.assignee:
        assignee = User.objects.filter(code=payload.assignee).first()
        if assignee is None:
            raise HttpError(422, "No such worker.")
    try:
        step = actions.add_step(
            actor(request),
            plan,
            what=payload.what,
            responsibility=payload.responsibility,
            assignee=assignee,
            who_text=payload.who_text,
            due_on=payload.due_on,
        )
    except CaseworkError as exc:
        _bad(exc)
    return 201, {"ok": True, "code": step.code}


class DoneIn(Schema):
    done: bool = Field(True, examples=[True])


@router.post(
    "/casework/steps/{code}/done",
    response={200: OkOut, **ERRORS},
    summary="Mark a plan step done (a partner may mark their own steps)",
)
def step_done(request, code: UUID, payload: DoneIn):
    step: PlanStep = get_step_for_user(request.user, code, write=True)
    try:
        actions.mark_step_done(actor(request), step, by=request.user, done=payload.done)
    except CaseworkError as exc:
        _bad(exc)
    return {"ok": True, "code": step.code}


# Signing --------------------------------------------------------------------------------------


@router.post(
    "/casework/assessments/{code}/sign",
    response={200: OkOut, **ERRORS},
    summary="Complete and sign a service need assessment (officials only)",
)
def assessment_sign(request, code: UUID):
    try:
        assessment = get_assessment_for_user(request.user, code, official=True)
        actions.sign_assessment(actor(request), assessment, by=request.user)
    except PermissionDenied as exc:
        _refuse(exc)
    except CaseworkError as exc:
        _bad(exc)
    return {"ok": True, "code": assessment.code}


@router.post(
    "/casework/decisions/{code}/sign",
    response={200: OkOut, **ERRORS},
    summary="Sign a decision (officials only; a signed decision is never edited)",
)
def decision_sign(request, code: UUID):
    try:
        decision = get_decision_for_user(request.user, code, official=True)
        actions.sign_decision(actor(request), decision, by=request.user)
    except PermissionDenied as exc:
        _refuse(exc)
    except CaseworkError as exc:
        _bad(exc)
    return {"ok": True, "code": decision.code}


# Measurements and attendance ---------------------------------------------------------------------


class MeasurementIn(Schema):
    instrument: str = Field(..., examples=["eurohis8"])
    phase: Literal["start", "end"] = Field(..., examples=["start"])
    answers: dict[str, int | None] = Field(
        ..., examples=[{"q1": 3, "q2": 3, "q3": 4, "q4": 3, "q5": 2, "q6": 4, "q7": 2, "q8": 3}]
    )
    sex: Literal["female", "male", ""] = Field("", examples=[""])


class MeasurementOut(Schema):
    ok: bool = Field(True, examples=[True])
    scores: dict = Field(..., examples=[{"total": 24, "mean": 3.0}])


@router.post(
    "/casework/periods/{code}/measurements",
    response={201: MeasurementOut, **ERRORS},
    summary="Record a start or end measurement (an end needs a start: 409)",
)
def measurement_add(request, code: UUID, payload: MeasurementIn):
    period = get_period_for_user(request.user, code, write=True)
    instrument = Instrument.objects.current().filter(key=payload.instrument).first()
    if instrument is None:
        raise HttpError(422, "Unknown instrument.")
    try:
        measurement = actions.record_measurement(
            actor(request),
            period,
            by=request.user,
            instrument=instrument,
            answers=payload.answers,
            phase=payload.phase,
            sex=payload.sex or None,
        )
    except AnswerError as exc:
        return error(
            request,
            422,
            "validation_error",
            [{"field": f"answers.{k}", "message": v} for k, v in exc.codes.items()],
        )
    except CaseworkError as exc:
        _bad(exc, 409)
    return 201, {"ok": True, "scores": measurement.result.result.get("scores", {})}


class AttendanceIn(Schema):
    present: list[UUID] = Field(
        ...,
        description="Member codes of those present.",
        examples=[["1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"]],
    )


class AttendanceOut(Schema):
    present: int = Field(..., examples=[6])
    members: int = Field(..., examples=[8])


@router.post(
    "/groups/meetings/{code}/attendance",
    response={200: AttendanceOut, **ERRORS},
    tags=["groupwork"],
    summary="Record a group meeting's attendance (members only; never more than the members)",
)
def attendance(request, code: UUID, payload: AttendanceIn):
    meeting = get_group_meeting_for_user(request.user, code, attendance=True)
    try:
        rows = group_actions.record_attendance(
            actor(request), meeting, by=request.user, present=[str(c) for c in payload.present]
        )
    except group_actions.GroupError as exc:
        raise HttpError(422, exc.message) from None
    return {"present": sum(1 for r in rows if r.present), "members": len(rows)}


# Tasks and quality ---------------------------------------------------------------------------


class TaskOut(Schema):
    code: UUID = Field(..., examples=["8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e"])
    kind: str = Field(..., examples=["plan_review"])
    text: str = Field(..., examples=["Review the client plan with the client"])
    due_on: datetime.date = Field(..., examples=["2026-06-01"])
    matter: UUID | None = Field(None, examples=["7d7b3d2e-0a55-4b43-9f7e-2f1c0c1d9a01"])


@router.get(
    "/casework/tasks",
    response={200: list[TaskOut], **ERRORS},
    summary="My and my teams' open tasks",
)
def task_list(request):
    tasks = actions.tasks_for(actor(request), request.user, limit=200)
    return [
        {
            "code": t.code,
            "kind": t.kind,
            "text": t.label,
            "due_on": t.due_on,
            "matter": t.matter.code if t.matter_id else None,
        }
        for t in tasks
    ]


@router.post(
    "/casework/tasks/{code}/done", response={200: OkOut, **ERRORS}, summary="Mark a task done"
)
def task_done(request, code: UUID):
    task = get_task_for_user(request.user, code)
    actions.complete_task(actor(request), task, by=request.user)
    return {"ok": True, "code": task.code}


class QualityIn(Schema):
    rater: Literal["professional", "management"] = Field(..., examples=["professional"])
    ratings: dict[str, int] = Field(..., examples=[{"p1_1": 4, "p1_2": 5}])


@router.post(
    "/quality/answers",
    response={201: OkOut, **ERRORS},
    tags=["casework"],
    summary="Answer the PAKU quality criteria questionnaire as a professional or management",
)
def quality_answer(request, payload: QualityIn):
    membership = request.user.primary_membership
    if membership is None:
        raise HttpError(403, "Your role does not allow this.")
    if payload.rater == Rater.MANAGEMENT and not request.user.has_capability("sees_aggregates"):
        raise HttpError(403, "Only management answers the management questionnaire.")
    try:
        response = submit_answers(
            rater=payload.rater,
            organisation=membership.organisation,
            unit=membership.unit,
            ratings=payload.ratings,
            by=request.user,
        )
    except CaseworkError as exc:
        raise HttpError(422, exc.message) from None
    return 201, {"ok": True, "code": response.code}
