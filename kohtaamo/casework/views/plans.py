"""The client plan: make, edit with optimistic locking, goals, steps, notes, agreement, the client's
printable copy, and a partner worker's own steps."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions, content
from kohtaamo.casework.access import (
    can_write_matter,
    get_goal_for_user,
    get_matter_for_user,
    get_plan_for_user,
    get_step_for_user,
    partner_steps_for,
)
from kohtaamo.casework.actions import CaseworkError, StaleEdit
from kohtaamo.casework.actions.common import STEP, log_reads
from kohtaamo.casework.actions.plan import team_users
from kohtaamo.casework.forms import (
    AgreeForm,
    GoalForm,
    GoalReviewForm,
    NoteForm,
    PlanEditForm,
    PlanNewForm,
    StepForm,
)
from kohtaamo.casework.models import ClientPlan, DocumentStatus, PlanGoal
from kohtaamo.casework.views.common import back, form_error, stale_rows
from kohtaamo.core.htmx import is_htmx
from kohtaamo.core.i18n import pick


@login_required
def plan_new(request, code):
    matter = get_matter_for_user(request.user, code, write=True)
    assessments = matter.assessments.filter(status=DocumentStatus.SIGNED)
    latest = assessments.first()
    form = PlanNewForm(
        request.POST or None,
        assessments=assessments,
        initial={
            "assessment": latest.pk if latest else None,
            "review_on": timezone.localdate() + datetime.timedelta(days=90),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.create_plan(
                Actor.from_request(request), matter, by=request.user, **form.cleaned_data
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The plan was made with the variant's usual steps."))
            return redirect(plan)
    return render(
        request,
        "casework/plan_new.html",
        {
            "form": form,
            "matter": matter,
            "variants": [(pick(v["name"]), pick(v["summary"])) for v in content.variants()],
        },
    )


def _plan_context(request, plan, **extra):
    matter = plan.matter
    goals = list(plan.goals.all())
    for goal in goals:
        goal.area_label = content.life_area_label(goal.life_area) if goal.life_area else ""
    steps = list(plan.steps.select_related("assignee", "goal", "done_by"))
    notes = list(plan.notes.select_related("by", "goal")[:50])
    can_write = (
        can_write_matter(request.user, matter)
        and matter.is_open
        and plan.status != ClientPlan.Status.ENDED
    )
    users = team_users(matter)
    return {
        "plan": plan,
        "matter": matter,
        "goals": goals,
        "steps": steps,
        "notes": notes,
        "can_write": can_write,
        "goal_form": GoalForm(initial={"version": plan.version}) if can_write else None,
        "step_form": StepForm(plan=plan, users=_user_qs(users)) if can_write else None,
        "note_form": NoteForm(plan=plan) if can_write else None,
        "agree_form": AgreeForm() if can_write and not plan.is_agreed else None,
        "review_choices": PlanGoal.Status.choices,
        **extra,
    }


def _user_qs(users):
    from kohtaamo.accounts.models import User

    return User.objects.filter(pk__in=[u.pk for u in users]).order_by("last_name", "first_name")


@login_required
def plan_detail(request, code):
    plan = actions.open_plan(Actor.from_request(request), request.user, code)
    context = _plan_context(request, plan)
    template = (
        "casework/plan_detail.html#steps" if is_htmx(request) else "casework/plan_detail.html"
    )
    return render(request, template, context)


@login_required
def plan_edit(request, code):
    plan = get_plan_for_user(request.user, code, write=True)
    initial = {name: getattr(plan, name) for name in ClientPlan.LOCKED_FIELDS} | {
        "version": plan.version
    }
    form = PlanEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_plan(
                Actor.from_request(request),
                plan,
                version=form.cleaned_data["version"],
                **form.fields_for_action(),
            )
        except StaleEdit as exc:
            conflict = stale_rows(form, exc)
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = PlanEditForm(data)
            form.is_valid()
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect(plan)
    return render(
        request,
        "casework/plan_edit.html",
        {"form": form, "plan": plan, "matter": plan.matter, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
def goal_add(request, code):
    plan = get_plan_for_user(request.user, code, write=True)
    form = GoalForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_goal(
                Actor.from_request(request),
                plan,
                text=form.cleaned_data["text"],
                life_area=form.cleaned_data["life_area"],
                version=form.cleaned_data["version"],
            )
        except StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone changed the plan while you were writing. Your goal is kept below: "
                    "check the plan and save again."
                ),
            )
            plan.refresh_from_db()
            data = request.POST.copy()
            data["version"] = plan.version
            form = GoalForm(data)
            form.is_valid()
            form.add_error(None, _("The plan has changed since you opened it."))
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The goal was added."))
            return redirect(plan)
    return render(request, "casework/goal_form.html", {"form": form, "plan": plan})


@login_required
def goal_edit(request, code):
    goal = get_goal_for_user(request.user, code, write=True)
    plan = goal.plan
    form = GoalForm(
        request.POST or None,
        initial={"text": goal.text, "life_area": goal.life_area, "version": plan.version},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_goal(
                Actor.from_request(request),
                goal,
                version=form.cleaned_data["version"],
                text=form.cleaned_data["text"],
                life_area=form.cleaned_data["life_area"],
            )
        except StaleEdit as exc:
            conflict = stale_rows(form, exc)
            plan.refresh_from_db()
            data = request.POST.copy()
            data["version"] = plan.version
            form = GoalForm(data)
            form.is_valid()
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect(plan)
    return render(
        request,
        "casework/goal_form.html",
        {"form": form, "plan": plan, "goal": goal, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@login_required
def goal_review(request, code):
    goal = get_goal_for_user(request.user, code, write=True)
    plan = goal.plan
    form = GoalReviewForm(request.POST)
    if form.is_valid():
        actions.review_goal(Actor.from_request(request), goal, status=form.cleaned_data["status"])
        messages.success(request, _("The goal's progress was saved."))
    else:
        messages.error(request, _("Choose how the goal went."))
    return redirect(plan)


@login_required
def step_add(request, code):
    plan = get_plan_for_user(request.user, code, write=True)
    form = StepForm(request.POST or None, plan=plan, users=_user_qs(team_users(plan.matter)))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_step(Actor.from_request(request), plan, **form.cleaned_data)
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The step was added."))
            return redirect(plan)
    return render(request, "casework/step_form.html", {"form": form, "plan": plan})


@login_required
def step_detail(request, code):
    """A partner worker's view of one step assigned to them: the step and the client's name."""
    actor = Actor.from_request(request)
    step = get_step_for_user(request.user, code)
    log_reads(actor, [(step.plan.matter.person.code, STEP, step.pk)])
    return render(request, "casework/step_detail.html", {"step": step})


@require_POST
@login_required
def step_done(request, code):
    step = get_step_for_user(request.user, code, write=True)
    try:
        actions.mark_step_done(
            Actor.from_request(request), step, by=request.user, done=request.POST.get("done") != "0"
        )
    except CaseworkError as exc:
        messages.error(request, exc.message)
    if is_htmx(request):
        plan = actions.open_plan(Actor.from_request(request), request.user, step.plan.code)
        return render(request, "casework/plan_detail.html#steps", _plan_context(request, plan))
    return back(
        request, step.plan if not _partner_only(request.user, step) else "casework:my-steps"
    )


def _partner_only(user, step) -> bool:
    from kohtaamo.casework.access import matters_visible_to

    return not matters_visible_to(user).filter(pk=step.plan.matter_id).exists()


@login_required
def note_add(request, code):
    plan = get_plan_for_user(request.user, code, write=True)
    form = NoteForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_progress_note(
                Actor.from_request(request),
                plan,
                by=request.user,
                text=data["text"],
                goal=data["goal"],
                is_review=data["is_review"],
                next_review_on=data["next_review_on"],
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The note was saved."))
            return redirect(plan)
    return render(request, "casework/note_form.html", {"form": form, "plan": plan})


@login_required
def plan_agree(request, code):
    plan = get_plan_for_user(request.user, code, write=True)
    form = AgreeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.agree_plan(Actor.from_request(request), plan, **form.cleaned_data)
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The client's agreement was recorded."))
            return redirect(plan)
    return render(request, "casework/agree_form.html", {"form": form, "plan": plan})


@login_required
def plan_print(request, code):
    """The client's own copy in plain language (print CSS); the print is access-logged."""
    plan = actions.open_plan(Actor.from_request(request), request.user, code, printing=True)
    matter = plan.matter
    from django.utils import translation

    lang = matter.person.language if matter.person.language in ("fi", "sv", "en") else None
    if request.GET.get("lang") in ("fi", "sv", "en"):
        lang = request.GET["lang"]
    context = {
        "plan": plan,
        "matter": matter,
        "person": matter.person,
        "goals": list(plan.goals.all()),
        "steps": list(plan.steps.select_related("assignee")),
        "worker": matter.responsible_worker,
        "worker_phone": _work_phone(matter),
        "printed_on": timezone.localdate(),
    }
    if lang:
        with translation.override(lang):
            return render(request, "casework/plan_print.html", context)
    return render(request, "casework/plan_print.html", context)


def _work_phone(matter) -> str:
    worker = matter.responsible_worker
    if worker is None:
        return ""
    return getattr(worker, "phone", "") or ""


@login_required
def my_steps(request):
    """Plan steps assigned to me in matters where I am a team or partner member."""
    actor = Actor.from_request(request)
    steps = list(
        partner_steps_for(request.user)
        .filter(done_at__isnull=True, plan__matter__status="open")
        .select_related("plan__matter__person")
        .order_by("due_on", "pk")[:200]
    )
    if not steps and not request.user.active_memberships():
        raise PermissionDenied
    log_reads(actor, [(s.plan.matter.person.code, STEP, s.pk) for s in steps])
    return render(request, "casework/my_steps.html", {"steps": steps})
