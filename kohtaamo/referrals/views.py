from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.core.htmx import is_htmx
from kohtaamo.core.i18n import translated
from kohtaamo.directory.access import get_service
from kohtaamo.referrals import actions, charts, queries
from kohtaamo.referrals.access import (
    can_edit_paths,
    can_refer,
    figures_org_ids,
    get_path_for_user,
    get_referral_for_user,
    paths_visible_to,
    referral_org_ids,
    referrals_visible_to,
)
from kohtaamo.referrals.forms import (
    ConfirmForm,
    HandoffForm,
    PathStepFormSet,
    ReferralForm,
    ServicePathForm,
    StatusForm,
)
from kohtaamo.referrals.models import FollowUpTask, Referral, ServicePath

LINK_SESSION_KEY = "referrals.new_link"


def _require_referrals(user) -> None:
    if not referral_org_ids(user):
        raise PermissionDenied


@login_required
def referral_list(request):
    _require_referrals(request.user)
    status = request.GET.get("status", "open")
    qs = referrals_visible_to(request.user).select_related("service__organisation", "person")
    if status == "open":
        qs = qs.open()
    elif status in Referral.Status.values:
        qs = qs.filter(status=status)
    referrals = list(qs.order_by("-created_at")[:100])
    actions.log_listed(Actor.from_request(request), referrals)
    context = {
        "referrals": referrals,
        "status": status,
        "statuses": Referral.Status.choices,
        "now": timezone.now(),
    }
    template = "referrals/list.html#rows" if is_htmx(request) else "referrals/list.html"
    return render(request, template, context)


def _uuid_or_404(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _context_objects(request):
    """The person and encounter a referral is made from (?person=<code>&encounter=<code>);
    `anonymous=1` leaves the person out (anonymous guidance)."""
    from kohtaamo.encounters.access import get_encounter_for_user
    from kohtaamo.people.actions import open_person

    source = request.POST if request.method == "POST" else request.GET
    encounter = person = None
    if source.get("encounter"):
        encounter = get_encounter_for_user(
            request.user, _uuid_or_404(source["encounter"]), write=True
        )
        person = encounter.person
    if source.get("person"):
        person = open_person(
            Actor.from_request(request),
            request.user,
            _uuid_or_404(source["person"]),
            write=True,
            what="referrals.new",
        )
    if source.get("anonymous") == "1":
        person = None
    return person, encounter


@login_required
def referral_new(request):
    if not can_refer(request.user):
        raise PermissionDenied
    service = get_service(_uuid_or_404(request.POST.get("service") or request.GET.get("service")))
    person, encounter = _context_objects(request)
    form = ReferralForm(request.POST or None, service=service, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = next(
            m for m in request.user.active_memberships() if m.role.client_access == "write"
        )
        try:
            referral, token = actions.create_referral(
                Actor.from_request(request),
                user=request.user,
                organisation=encounter.organisation if encounter else membership.organisation,
                service=service,
                person=person,
                encounter=encounter,
                path_step=data.get("path_step"),
                consent_given=data.get("consent_given", False),
                consent_method=data.get("consent_method") or "oral",
                shared_information=data.get("shared_information", ""),
                message=data.get("message", ""),
                mode=data["mode"],
            )
        except actions.ReferralError as exc:
            form.add_error(None, str(exc))
        else:
            request.session[LINK_SESSION_KEY] = {str(referral.code): token}
            messages.success(
                request, _("The referral was sent. Give the partner the confirmation link.")
            )
            return redirect(referral)
    paths = actions.paths_for_themes(
        [t.key for t in encounter.themes.all()] if encounter else [],
        organisation_ids=referral_org_ids(request.user),
    )
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "service": service,
            "person": person,
            "encounter": encounter,
            "paths": paths,
        },
    )


def _detail_context(request, referral, **extra):
    token = (request.session.get(LINK_SESSION_KEY) or {}).get(str(referral.code))
    if token:
        request.session.pop(LINK_SESSION_KEY, None)
    can_write = referral.organisation_id in referral_org_ids(request.user, write=True)
    return {
        "referral": referral,
        "events": referral.events.select_related("actor"),
        "tasks": referral.tasks.open(),
        "can_write": can_write,
        "status_form": StatusForm(referral=referral)
        if can_write and referral.allowed_statuses()
        else None,
        "handoff_form": HandoffForm(initial={"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
        if can_write and referral.status in (*Referral.OPEN_STATUSES, Referral.Status.ARRIVED)
        else None,
        "link": request.build_absolute_uri(reverse("referrals:confirm", args=[token]))
        if token
        else "",
        **extra,
    }


@login_required
def referral_detail(request, code):
    referral = actions.open_referral(Actor.from_request(request), request.user, code)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@require_POST
@login_required
def referral_status(request, code):
    referral = get_referral_for_user(request.user, code, write=True)
    form = StatusForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            actions.change_status(
                Actor.from_request(request),
                referral,
                to=form.cleaned_data["to"],
                user=request.user,
                via=form.cleaned_data["via"],
                reason=form.cleaned_data["reason"],
            )
        except actions.ReferralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The status was changed."))
            return redirect(referral)
    context = _detail_context(request, referral)
    context["status_form"] = form
    return render(request, "referrals/detail.html", context, status=400)


@require_POST
@login_required
def referral_handoff(request, code):
    referral = get_referral_for_user(request.user, code, write=True)
    form = HandoffForm(request.POST)
    if form.is_valid():
        actions.record_handoff(
            Actor.from_request(request),
            referral,
            user=request.user,
            at=form.cleaned_data["at"],
            notes=form.cleaned_data["notes"],
            started=form.cleaned_data["started"],
        )
        messages.success(request, _("The hand-off meeting was recorded."))
        return redirect(referral)
    context = _detail_context(request, referral)
    context["handoff_form"] = form
    return render(request, "referrals/detail.html", context, status=400)


@require_POST
@login_required
def referral_link(request, code):
    referral = get_referral_for_user(request.user, code, write=True)
    try:
        token = actions.renew_link(Actor.from_request(request), referral)
    except actions.ReferralError as exc:
        messages.error(request, str(exc))
    else:
        request.session[LINK_SESSION_KEY] = {str(referral.code): token}
        messages.success(request, _("A new link was made; the old one no longer works."))
    return redirect(referral)


@require_POST
@login_required
def task_done(request, pk):
    task = get_object_or_404(
        FollowUpTask.objects.select_related("referral"), pk=pk, assigned_to=request.user
    )
    actions.complete_task(Actor.from_request(request), task)
    messages.success(request, _("The follow-up was marked done."))
    if request.POST.get("next") == "referral":
        return redirect(task.referral)
    return redirect("core:my-day")


# The partner's page: no account, the minimum of data -------------------------------------------


@never_cache
def confirm(request, token):
    source = request.META.get("REMOTE_ADDR", "")
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        check = actions.links.check_token(token)
        if check.referral is None:
            return render(
                request, "referrals/link_problem.html", {"problem": check.problem}, status=410
            )
        if form.is_valid():
            try:
                result = actions.confirm_by_link(
                    token,
                    outcome=form.cleaned_data["outcome"],
                    name=form.cleaned_data["name"],
                    reason=form.cleaned_data["reason"],
                    source=source,
                )
            except actions.ReferralError as exc:
                form.add_error(None, str(exc))
            else:
                if result.referral is None:
                    return render(
                        request,
                        "referrals/link_problem.html",
                        {"problem": result.problem},
                        status=410,
                    )
                return render(request, "referrals/confirm_done.html", {"referral": result.referral})
        return render(
            request,
            "referrals/confirm.html",
            {"referral": check.referral, "form": form},
            status=400,
        )
    check = actions.show_link(token, source=source)
    if check.referral is None:
        return render(
            request, "referrals/link_problem.html", {"problem": check.problem}, status=410
        )
    return render(
        request, "referrals/confirm.html", {"referral": check.referral, "form": ConfirmForm()}
    )


# Agreed service paths ---------------------------------------------------------------------------


def _theme_choices():
    from kohtaamo.encounters.models import Term

    return [
        (t.key, translated(t, "label")) for t in Term.objects.filter(section="themes", active=True)
    ]


@login_required
def path_list(request):
    paths = paths_visible_to(request.user).prefetch_related("steps__service__organisation")
    if not request.user.active_memberships():
        raise PermissionDenied
    return render(
        request,
        "referrals/paths.html",
        {
            "paths": paths,
            "can_edit": can_edit_paths(request.user),
            "themes": dict(_theme_choices()),
        },
    )


@login_required
def path_detail(request, code):
    path = get_path_for_user(request.user, code)
    steps = path.steps.select_related("service__organisation")
    return render(
        request,
        "referrals/path.html",
        {
            "path": path,
            "steps": steps,
            "can_edit": can_edit_paths(request.user, path.organisation_id),
            "themes": dict(_theme_choices()),
            "can_refer": can_refer(request.user),
        },
    )


def _path_form(request, path):
    form = ServicePathForm(request.POST or None, instance=path, theme_choices=_theme_choices())
    initial = [
        {
            f: getattr(s, f)
            for f in (
                "service",
                "contact_people",
                "method",
                "response_time",
                "response_unit",
                "shared_information",
                "agreement_status",
                "review_date",
            )
        }
        for s in (path.steps.all() if path.pk else [])
    ]
    formset = PathStepFormSet(request.POST or None, initial=initial, prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        steps = [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("service")
        ]
        data = {k: v for k, v in form.cleaned_data.items()}
        saved = actions.save_path(Actor.from_request(request), path, steps=steps, **data)
        messages.success(request, _("The service path was saved."))
        return redirect(saved)
    return render(
        request, "referrals/path_form.html", {"form": form, "formset": formset, "path": path}
    )


@login_required
def path_new(request):
    membership = next((m for m in request.user.active_memberships() if m.role.configures), None)
    if membership is None:
        raise PermissionDenied
    return _path_form(request, ServicePath(organisation=membership.organisation))


@login_required
def path_edit(request, code):
    path = get_path_for_user(request.user, code, edit=True)
    return _path_form(request, path)


# Figures ----------------------------------------------------------------------------------------


@login_required
def figures(request):
    org_ids = figures_org_ids(request.user) | referral_org_ids(request.user)
    if not org_ids:
        raise PermissionDenied
    data = queries.figures(org_ids)
    return render(
        request,
        "referrals/figures.html",
        {
            "data": data,
            "partner_chart": charts.bar_chart(data["partners"]),
            "path_chart": charts.bar_chart(data["paths"]),
        },
    )
