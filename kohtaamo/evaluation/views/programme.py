"""Program theory: logic models (read by every staff member), adoptions by a county or unit and
their local adaptations (recorded by managers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.evaluation import access, actions, indicators
from kohtaamo.evaluation.forms import SECTION_LABELS, AdaptationForm, AdoptionForm, EndAdoptionForm
from kohtaamo.evaluation.models import Adoption, LogicModelVersion
from kohtaamo.evaluation.models.programme import SECTIONS


def _require_staff(user):
    if not user.active_memberships():
        raise PermissionDenied


@login_required
def model_list(request):
    _require_staff(request.user)
    versions = LogicModelVersion.objects.filter(is_current=True).select_related("model")
    return render(request, "evaluation/model_list.html", {"versions": versions})


@login_required
def model_detail(request, key, version):
    _require_staff(request.user)
    row = (
        LogicModelVersion.objects.filter(model__key=key, version=version)
        .select_related("model")
        .first()
    )
    if row is None:
        raise Http404
    sections = [
        {
            "key": s,
            "label": SECTION_LABELS[s],
            "fixed": s not in row.adaptable_sections,
            "elements": row.elements(s),
        }
        for s in SECTIONS
    ]
    linked = []
    for group in ("core_elements", "outcomes"):
        for element in row.elements(group):
            keys = row.indicator_keys(group, element["key"])
            linked.append(
                {
                    "element": element,
                    "group": SECTION_LABELS[group],
                    "indicators": [indicators.get(k) for k in keys if indicators.get(k)],
                }
            )
    others = row.model.versions.exclude(pk=row.pk)
    return render(
        request,
        "evaluation/model_detail.html",
        {"version": row, "sections": sections, "linked": linked, "others": others},
    )


@login_required
def adoption_list(request):
    org_ids = access.programme_organisation_ids(request.user)
    if not org_ids:
        raise PermissionDenied
    adoptions = (
        Adoption.objects.in_organisations(org_ids)
        .select_related("version__model", "organisation", "unit")
        .prefetch_related("adaptations")
    )
    return render(
        request,
        "evaluation/adoption_list.html",
        {"adoptions": adoptions, "can_add": bool(access.managed_organisation_ids(request.user))},
    )


@login_required
def adoption_add(request):
    org_ids = access.managed_organisation_ids(request.user)
    if not org_ids:
        raise PermissionDenied
    form = AdoptionForm(request.POST or None, organisation_ids=org_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            adoption = actions.adopt_model(
                Actor.from_request(request),
                data["version"],
                by=request.user,
                organisation=data["organisation"],
                unit=data["unit"],
                started_on=data["started_on"],
                variant=data["variant"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The model was adopted."))
            return redirect(adoption)
    return render(request, "evaluation/adoption_form.html", {"form": form})


def _detail(request, adoption, *, form=None, end_form=None, status=200):
    can_edit = adoption.organisation_id in access.managed_organisation_ids(request.user)
    adaptations = adoption.adaptations.select_related("recorded_by")
    return render(
        request,
        "evaluation/adoption_detail.html",
        {
            "adoption": adoption,
            "adaptations": adaptations,
            "can_edit": can_edit,
            "form": form or (AdaptationForm(version=adoption.version) if can_edit else None),
            "end_form": end_form or (EndAdoptionForm() if can_edit else None),
            "section_labels": SECTION_LABELS,
        },
        status=status,
    )


@login_required
def adoption_detail(request, code):
    adoption = access.get_adoption_for_user(request.user, code)
    return _detail(request, adoption)


@require_POST
@login_required
def adaptation_add(request, code):
    adoption = access.get_adoption_for_user(request.user, code, write=True)
    form = AdaptationForm(request.POST, version=adoption.version)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_adaptation(
                Actor.from_request(request),
                adoption,
                by=request.user,
                section=data["section"],
                target_key=data["target_key"],
                description=data["description"],
                justification=data["justification"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The adaptation was recorded."))
            return redirect(adoption)
    return _detail(request, adoption, form=form)


@require_POST
@login_required
def adoption_end(request, code):
    adoption = access.get_adoption_for_user(request.user, code, write=True)
    form = EndAdoptionForm(request.POST)
    if form.is_valid():
        try:
            actions.end_adoption(
                Actor.from_request(request), adoption, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as exc:
            form.add_error("ended_on", exc)
        else:
            messages.success(request, _("The adoption was ended."))
            return redirect(adoption)
    return _detail(request, adoption, end_form=form)
