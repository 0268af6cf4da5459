"""Tasks and reminders, and the planned ending of a client matter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions
from kohtaamo.casework.access import can_record, get_matter_for_user, get_task_for_user
from kohtaamo.casework.actions import CaseworkError
from kohtaamo.casework.forms import EndingForm, ServiceSearchForm, TaskForm
from kohtaamo.casework.views.common import back, form_error, uuid_or_404
from kohtaamo.core.htmx import is_htmx


@login_required
def task_list(request):
    if not request.user.active_memberships():
        raise PermissionDenied
    tasks = actions.tasks_for(Actor.from_request(request), request.user, limit=200)
    template = "casework/tasks.html#rows" if is_htmx(request) else "casework/tasks.html"
    return render(request, template, {"tasks": tasks})


@login_required
def task_new(request):
    if not can_record(request.user):
        raise PermissionDenied
    matter = None
    source = request.POST if request.method == "POST" else request.GET
    if source.get("matter"):
        matter = get_matter_for_user(request.user, uuid_or_404(source["matter"]), write=True)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        team = None
        if data["for_team"]:
            team = (matter.team if matter else None) or next(
                (m.team for m in request.user.active_memberships() if m.team_id), None
            )
        organisation = (
            matter.organisation if matter else request.user.primary_membership.organisation
        )
        try:
            actions.create_task(
                Actor.from_request(request),
                by=request.user,
                organisation=organisation,
                title=data["title"],
                kind=data["kind"],
                due_on=data["due_on"],
                matter=matter,
                assignee=None if team else request.user,
                team=team,
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The task was added."))
            return redirect(matter or "casework:tasks")
    return render(request, "casework/task_form.html", {"form": form, "matter": matter})


@require_POST
@login_required
def task_done(request, code):
    task = get_task_for_user(request.user, code)
    actions.complete_task(Actor.from_request(request), task, by=request.user)
    if is_htmx(request):
        return render(request, "casework/tasks.html#done", {"task": task})
    messages.success(request, _("The task was marked done."))
    return back(request, "casework:tasks")


def _next_services(query: str):
    if not query.strip():
        return []
    from django.utils.translation import get_language

    from kohtaamo.directory.search import search_services

    lang = (get_language() or "fi")[:2]
    return [hit.service for hit in search_services(query, lang=lang, limit=12)]


@login_required
def matter_end(request, code):
    actor = Actor.from_request(request)
    matter = get_matter_for_user(request.user, code, write=True)
    if not matter.is_open:
        messages.error(request, _("The client matter has already ended."))
        return redirect(matter)
    source = request.POST if request.method == "POST" else request.GET
    search = ServiceSearchForm({"q": source.get("q", "")})
    search.is_valid()
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    services = _next_services(query)
    if request.method == "POST" and request.POST.get("service"):
        from kohtaamo.directory.access import get_service

        chosen = get_service(uuid_or_404(request.POST["service"]))
        if chosen.pk not in {s.pk for s in services}:
            services = [chosen, *services]
    form = EndingForm(request.POST or None, services=services)
    if request.method == "POST" and "end" in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            result = actions.end_matter(
                actor,
                matter,
                by=request.user,
                reason=data["reason"],
                summary=data["summary"],
                continuation_kind=data["continuation_kind"],
                continuation=data["continuation"],
                service=data["service_obj"],
                referral_consent=data["referral_consent"],
                consent_method=data["consent_method"],
                shared_information=data["shared_information"],
                request_feedback=data["request_feedback"],
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            if result.referral_token:
                from kohtaamo.referrals.views import LINK_SESSION_KEY

                request.session[LINK_SESSION_KEY] = {
                    str(result.referral.code): result.referral_token
                }
            if result.feedback_code:
                request.session["casework.feedback_code"] = result.feedback_code
            messages.success(request, _("The client matter was ended."))
            return redirect("casework:matter-ended", code=matter.code)
    return render(
        request,
        "casework/matter_end.html",
        {"form": form, "matter": matter, "search": search, "query": query, "services": services},
    )


@login_required
def matter_ended(request, code):
    """After the ending: the continuation referral and the feedback code (shown once)."""
    actor = Actor.from_request(request)
    matter = actions.open_matter(actor, request.user, code)
    ending = getattr(matter, "ending", None)
    if ending is None:
        return redirect(matter)
    feedback_code = request.session.pop("casework.feedback_code", None)
    return render(
        request,
        "casework/matter_ended.html",
        {"matter": matter, "ending": ending, "feedback_code": feedback_code},
    )
