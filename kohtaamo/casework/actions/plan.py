"""The client plan (§ 39): made with the client, default steps from the chosen PAKU variant, goals in
the client's own words, steps, progress notes and reviews, the client's agreement.

The plan's texts and goals are saved with optimistic locking (`StaleEdit`); marking a step done or
adding a note does not conflict with anything and needs no version.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.casework import content
from kohtaamo.casework.access import get_plan_for_user
from kohtaamo.casework.actions.common import (
    GOAL,
    NOTE,
    PLAN,
    STEP,
    CaseworkError,
    StaleEdit,
    changed,
    created,
    lock_version,
    log_read,
    require_open,
    touch,
)
from kohtaamo.casework.models import (
    ClientMatter,
    ClientPlan,
    MatterMember,
    PlanGoal,
    PlanStep,
    ProgressNote,
    ServiceNeedAssessment,
    Task,
)
from kohtaamo.core.i18n import pick

__all__ = ["StaleEdit"]


@transaction.atomic
def open_plan(actor: Actor, user, code, *, write: bool = False, printing: bool = False):
    plan = get_plan_for_user(user, code, write=write)
    log_read(
        actor, plan.matter, PLAN, plan.pk, action=AccessLogEntry.Action.PRINT if printing else None
    )
    return plan


def _language(matter: ClientMatter) -> str:
    lang = matter.person.language
    return lang if lang in ("fi", "sv", "en") else "fi"


@transaction.atomic
def create_plan(
    actor: Actor,
    matter: ClientMatter,
    *,
    by,
    variant: str,
    assessment: ServiceNeedAssessment | None = None,
    situation: str = "",
    client_view: str = "",
    review_on: datetime.date | None = None,
) -> ClientPlan:
    """A new plan; the variant's default steps (data/variants.json) are added in the client's
    language of service, with due dates counted from today. An earlier plan still in force ends."""
    require_open(matter)
    spec = content.variant(variant)
    if spec is None:
        raise CaseworkError(_("Choose a case-management variant."), field="variant")
    if assessment is not None and assessment.matter_id != matter.pk:
        raise CaseworkError(_("Choose an assessment of this client matter."), field="assessment")
    now = timezone.now()
    for old in matter.plans.exclude(status=ClientPlan.Status.ENDED):
        before = old.audit_snapshot()
        old.status = ClientPlan.Status.ENDED
        old.ended_at = now
        old.save(update_fields=["status", "ended_at", "updated_at"])
        changed(actor, matter, PLAN, old, before)
    plan = ClientPlan.objects.create(
        matter=matter,
        assessment=assessment,
        variant=variant,
        situation=situation,
        client_view=client_view,
        review_on=review_on,
        created_by=by,
    )
    created(actor, matter, PLAN, plan)
    today = timezone.localdate()
    lang = _language(matter)
    steps = [
        PlanStep(
            plan=plan,
            order=i,
            what=pick(step["what"], lang),
            responsibility=step.get("responsibility", PlanStep.Responsibility.TOGETHER),
            assignee=matter.responsible_worker
            if step.get("responsibility") in ("worker", "together", "on_behalf")
            else None,
            due_on=today + datetime.timedelta(days=step.get("due_days", 0)),
            from_variant=True,
        )
        for i, step in enumerate(spec["steps"], start=1)
    ]
    PlanStep.objects.bulk_create(steps)
    for step in steps:
        created(actor, matter, STEP, step)
    touch(matter)
    return plan


@transaction.atomic
def update_plan(actor: Actor, plan: ClientPlan, *, version: int | None, **fields) -> ClientPlan:
    """Save the plan's texts and review date; a stale `version` raises StaleEdit."""
    require_open(plan.matter)
    unknown = set(fields) - set(ClientPlan.LOCKED_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    current = lock_version(ClientPlan, plan, version, fields)
    if current.status == ClientPlan.Status.ENDED:
        raise CaseworkError(_("This plan has ended; make a new plan instead."))
    before = current.audit_snapshot()
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    changed(actor, plan.matter, PLAN, current, before)
    touch(plan.matter)
    return current


def _bump(plan: ClientPlan, version: int | None, submitted: dict | None = None) -> ClientPlan:
    current = lock_version(ClientPlan, plan, version, submitted or {})
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    plan.version = current.version
    return current


@transaction.atomic
def add_goal(
    actor: Actor, plan: ClientPlan, *, text: str, life_area: str = "", version: int | None = None
) -> PlanGoal:
    require_open(plan.matter)
    if not text.strip():
        raise CaseworkError(_("Write the goal in the client's own words."), field="text")
    _bump(plan, version)
    order = (plan.goals.aggregate(m=Max("order"))["m"] or 0) + 1
    goal = PlanGoal.objects.create(plan=plan, order=order, text=text.strip(), life_area=life_area)
    created(actor, plan.matter, GOAL, goal)
    touch(plan.matter)
    return goal


@transaction.atomic
def update_goal(
    actor: Actor, goal: PlanGoal, *, version: int | None, text: str, life_area: str = ""
) -> PlanGoal:
    plan = goal.plan
    require_open(plan.matter)
    current_plan = ClientPlan.objects.select_for_update().get(pk=plan.pk)
    current = PlanGoal.objects.get(pk=goal.pk)
    if version is not None and current_plan.version != int(version):
        differences = [
            (name, getattr(current, name), value)
            for name, value in (("text", text), ("life_area", life_area))
            if getattr(current, name) != value
        ]
        raise StaleEdit(current, differences)
    before = current.audit_snapshot()
    current.text, current.life_area = text.strip(), life_area
    current.save()
    current_plan.version += 1
    current_plan.save(update_fields=["version", "updated_at"])
    changed(actor, plan.matter, GOAL, current, before)
    touch(plan.matter)
    return current


@transaction.atomic
def review_goal(actor: Actor, goal: PlanGoal, *, status: str) -> PlanGoal:
    if status not in PlanGoal.Status.values:
        raise CaseworkError(_("Choose how the goal went."), field="status")
    before = goal.audit_snapshot()
    goal.status = status
    goal.reviewed_at = timezone.now() if status != PlanGoal.Status.OPEN else None
    goal.save(update_fields=["status", "reviewed_at"])
    changed(actor, goal.plan.matter, GOAL, goal, before)
    touch(goal.plan.matter)
    return goal


def team_users(matter: ClientMatter) -> list:
    return [
        m.user
        for m in MatterMember.objects.filter(matter=matter, ended_at__isnull=True).select_related(
            "user"
        )
    ]


@transaction.atomic
def add_step(
    actor: Actor,
    plan: ClientPlan,
    *,
    what: str,
    responsibility: str = PlanStep.Responsibility.TOGETHER,
    assignee=None,
    who_text: str = "",
    due_on: datetime.date | None = None,
    goal: PlanGoal | None = None,
) -> PlanStep:
    """Who does what by when. A worker named must be in the matter's team (a partner worker is
    added to the team first, with the partner role)."""
    require_open(plan.matter)
    if plan.status == ClientPlan.Status.ENDED:
        raise CaseworkError(_("This plan has ended; make a new plan instead."))
    if assignee is not None and assignee.pk not in {u.pk for u in team_users(plan.matter)}:
        raise CaseworkError(
            _("Add the worker to the matter's team first (a partner with the partner role)."),
            field="assignee",
        )
    if goal is not None and goal.plan_id != plan.pk:
        raise CaseworkError(_("Choose a goal of this plan."), field="goal")
    order = (plan.steps.aggregate(m=Max("order"))["m"] or 0) + 1
    step = PlanStep.objects.create(
        plan=plan,
        goal=goal,
        order=order,
        what=what.strip(),
        responsibility=responsibility,
        assignee=assignee,
        who_text=who_text,
        due_on=due_on,
    )
    created(actor, plan.matter, STEP, step)
    touch(plan.matter)
    return step


@transaction.atomic
def mark_step_done(actor: Actor, step: PlanStep, *, by, done: bool = True) -> PlanStep:
    require_open(step.plan.matter)
    before = step.audit_snapshot()
    if done and step.done_at is None:
        step.done_at, step.done_by = timezone.now(), by
    elif not done:
        step.done_at, step.done_by = None, None
    step.save(update_fields=["done_at", "done_by"])
    changed(actor, step.plan.matter, STEP, step, before)
    touch(step.plan.matter)
    return step


@transaction.atomic
def add_progress_note(
    actor: Actor,
    plan: ClientPlan,
    *,
    by,
    text: str,
    goal: PlanGoal | None = None,
    is_review: bool = False,
    next_review_on: datetime.date | None = None,
) -> ProgressNote:
    """A progress note; a review also sets the last and next review date and closes the review
    reminders."""
    require_open(plan.matter)
    if not text.strip():
        raise CaseworkError(_("Write what happened."), field="text")
    note = ProgressNote.objects.create(
        plan=plan, goal=goal, text=text.strip(), is_review=is_review, by=by
    )
    from kohtaamo.audit.actions import record_change

    record_change(
        actor,
        person_code=plan.matter.person.code,
        object_type=NOTE,
        object_ref=note.pk,
        action="create",
        changes={"text": [None, note.text], "is_review": [None, is_review]},
    )
    if is_review:
        before = plan.audit_snapshot()
        plan.reviewed_on = timezone.localdate()
        plan.review_on = next_review_on
        plan.save(update_fields=["reviewed_on", "review_on", "updated_at"])
        changed(actor, plan.matter, PLAN, plan, before)
        Task.objects.filter(
            matter=plan.matter, kind=Task.Kind.PLAN_REVIEW, done_at__isnull=True
        ).update(done_at=timezone.now(), done_by=by)
    touch(plan.matter)
    return note


@transaction.atomic
def agree_plan(
    actor: Actor,
    plan: ClientPlan,
    *,
    agreed_on: datetime.date,
    agreed_how: str,
    client_comment: str = "",
) -> ClientPlan:
    """Record the client's agreement: on what day and how; the plan is then agreed."""
    require_open(plan.matter)
    if not plan.goals.exists():
        raise CaseworkError(_("Write at least one goal with the client before agreeing the plan."))
    if agreed_on > timezone.localdate():
        raise CaseworkError(_("The day of agreement cannot be in the future."), field="agreed_on")
    before = plan.audit_snapshot()
    plan.agreed_on, plan.agreed_how, plan.client_comment = agreed_on, agreed_how, client_comment
    plan.status = ClientPlan.Status.AGREED
    plan.version += 1
    plan.save()
    changed(actor, plan.matter, PLAN, plan, before)
    touch(plan.matter)
    return plan
