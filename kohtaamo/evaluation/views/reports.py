"""The social report for leaders, workers' commentary on it, and the research extract."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.core.htmx import is_htmx
from kohtaamo.evaluation import access, actions, exports, social_report
from kohtaamo.evaluation.filters import FilterForm, build, next_month
from kohtaamo.evaluation.forms import CommentForm, ResearchExtractForm
from kohtaamo.evaluation.registry import report_sections


def _report(request, *, comment_form=None):
    org_ids = access.social_report_organisation_ids(request.user)
    if not org_ids:
        raise PermissionDenied
    form = FilterForm(request.GET or None, organisation_ids=org_ids)
    filters = build(form)
    can_comment = bool(
        access.comment_organisation_ids(request.user) & set(filters.organisation_ids)
    )
    context = {
        "form": form,
        "filters": filters,
        "sections": social_report.report(filters),
        "comment_form": comment_form
        or (CommentForm(sections=report_sections()) if can_comment else None),
        "dashboard": "social-report",
    }
    template = "evaluation/social_report.html"
    return render(request, f"{template}#dashboard" if is_htmx(request) else template, context)


@login_required
def social_report_view(request):
    return _report(request)


@require_POST
@login_required
def social_report_comment(request):
    org_ids = access.comment_organisation_ids(request.user)
    if not org_ids:
        raise PermissionDenied
    filters = build(FilterForm(request.GET or None, organisation_ids=org_ids))
    form = CommentForm(request.POST, sections=report_sections())
    if form.is_valid():
        membership = next(
            m for m in request.user.active_memberships() if m.organisation_id in org_ids
        )
        try:
            actions.add_report_comment(
                Actor.from_request(request),
                by=request.user,
                organisation=membership.organisation,
                unit=membership.unit,
                section=form.cleaned_data["section"],
                area=form.cleaned_data["area"],
                period_start=filters.start,
                period_end=filters.last_day,
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            messages.success(request, _("Your commentary was added to the report."))
            query = request.GET.urlencode()
            return redirect(reverse("evaluation:social-report") + (f"?{query}" if query else ""))
    return _report(request, comment_form=form)


@login_required
def research_extract(request):
    org_ids = access.research_organisation_ids(request.user)
    if not org_ids:
        raise PermissionDenied
    form = ResearchExtractForm(request.POST or None, organisation_ids=org_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extract, file = exports.research_extract(
            by=request.user,
            organisation_ids=[data["organisation"].pk],
            start=data["start"],
            end=next_month(data["end"]),
            purpose=data["purpose"],
        )
        return exports.research_response(extract, file)
    return render(request, "evaluation/research_extract.html", {"form": form})
