"""Service need assessments and decisions: drafts, signing by an official, corrections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions, content
from kohtaamo.casework.access import (
    can_write_matter,
    get_assessment_for_user,
    get_decision_for_user,
    get_matter_for_user,
    is_official_in,
)
from kohtaamo.casework.actions import CaseworkError, StaleEdit
from kohtaamo.casework.forms import AssessmentForm, DecisionForm, ReuseForm
from kohtaamo.casework.models import (
    ClientPlan,
    Decision,
    DocumentStatus,
    ServiceNeedAssessment,
)
from kohtaamo.casework.views.common import form_error, official_only, stale_rows

# Assessments ------------------------------------------------------------------------------------


def _assessment_initial(assessment: ServiceNeedAssessment) -> dict:
    return {name: getattr(assessment, name) for name in ServiceNeedAssessment.EDITABLE} | {
        "version": assessment.version
    }


@login_required
def assessment_new(request, code):
    matter = get_matter_for_user(request.user, code, write=True)
    form = AssessmentForm(request.POST or None, initial={"started_on": None})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = actions.create_assessment(
                Actor.from_request(request), matter, by=request.user, **form.fields_for_action()
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The assessment draft was saved."))
            return redirect(assessment)
    if request.method == "GET":
        from django.utils import timezone

        form = AssessmentForm(initial={"started_on": timezone.localdate()})
    return render(request, "casework/assessment_new.html", {"form": form, "matter": matter})


@login_required
def assessment_detail(request, code):
    actor = Actor.from_request(request)
    assessment = actions.open_assessment(actor, request.user, code)
    matter = assessment.matter
    can_write = can_write_matter(request.user, matter) and matter.is_open
    editable = can_write and assessment.status == DocumentStatus.DRAFT
    form, conflict = None, None
    if editable:
        form = AssessmentForm(request.POST or None, initial=_assessment_initial(assessment))
        if request.method == "POST" and form.is_valid():
            try:
                actions.update_assessment(
                    actor,
                    assessment,
                    version=form.cleaned_data["version"],
                    **form.fields_for_action(),
                )
            except StaleEdit as exc:
                conflict = stale_rows(form, exc)
                data = request.POST.copy()
                data["version"] = exc.current.version
                form = AssessmentForm(data, initial=_assessment_initial(exc.current))
                form.is_valid()
            except CaseworkError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect(assessment)
    elif request.method == "POST":
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    context = {
        "assessment": assessment,
        "matter": matter,
        "form": form,
        "conflict": conflict,
        "can_write": can_write,
        "is_official": is_official_in(request.user, matter.organisation_id),
        "need_area_labels": [content.life_area_label(k) for k in assessment.need_areas],
        "reuses": assessment.reuses.select_related("source"),
        "corrections": assessment.corrections.all(),
    }
    return render(
        request, "casework/assessment_detail.html", context, status=409 if conflict else 200
    )


@require_POST
@login_required
@official_only
def assessment_sign(request, code):
    assessment = get_assessment_for_user(request.user, code, official=True)
    try:
        actions.sign_assessment(Actor.from_request(request), assessment, by=request.user)
    except CaseworkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The assessment was signed."))
    return redirect(assessment)


@require_POST
@login_required
def assessment_correct(request, code):
    assessment = get_assessment_for_user(request.user, code, write=True)
    try:
        correction = actions.start_correction(
            Actor.from_request(request), assessment, by=request.user
        )
    except CaseworkError as exc:
        messages.error(request, exc.message)
        return redirect(assessment)
    messages.success(request, _("A correction was started as a new edition."))
    return redirect(correction)


@login_required
def assessment_reuse(request, code):
    actor = Actor.from_request(request)
    assessment = get_assessment_for_user(request.user, code, write=True)
    sources = (
        ServiceNeedAssessment.objects.filter(
            matter__person_id=assessment.matter.person_id,
            matter__organisation_id=assessment.matter.organisation_id,
            status=DocumentStatus.SIGNED,
        )
        .exclude(pk=assessment.pk)
        .select_related("signed_by")
    )
    form = ReuseForm(request.POST or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.reuse_assessment(
                actor,
                assessment,
                data["source"],
                by=request.user,
                sections=data["sections"],
                consent_method=data["consent_method"],
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The chosen sections were copied into the draft."))
            return redirect(assessment)
    from kohtaamo.casework.actions.common import log_reads

    shown = list(sources)
    log_reads(actor, [(assessment.matter.person.code, "casework.assessment", a.pk) for a in shown])
    return render(
        request,
        "casework/assessment_reuse.html",
        {"form": form, "assessment": assessment, "matter": assessment.matter, "sources": shown},
    )


# Decisions --------------------------------------------------------------------------------------


def _plans(matter):
    return ClientPlan.objects.filter(matter=matter).exclude(status=ClientPlan.Status.ENDED)


@login_required
def decision_new(request, code):
    matter = get_matter_for_user(request.user, code, write=True)
    plans = _plans(matter)
    current = plans.first()
    form = DecisionForm(
        request.POST or None,
        plans=plans,
        initial={
            "plan": current.pk if current else None,
            "service": Decision.Service.SOCIAL_REHABILITATION,
            "legal_basis": _("Social Welfare Act 1301/2014 § 17"),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = actions.create_decision(
                Actor.from_request(request), matter, by=request.user, **form.cleaned_data
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The decision draft was saved."))
            return redirect(decision)
    return render(request, "casework/decision_form.html", {"form": form, "matter": matter})


@login_required
def decision_detail(request, code):
    decision = actions.open_decision(Actor.from_request(request), request.user, code)
    matter = decision.matter
    lang = matter.person.language if matter.person.language in ("fi", "sv", "en") else "fi"
    context = {
        "decision": decision,
        "matter": matter,
        "can_write": can_write_matter(request.user, matter) and matter.is_open,
        "is_official": is_official_in(request.user, matter.organisation_id),
        "appeal_preview": decision.appeal_instructions or content.appeal_instructions(lang),
        "corrections": decision.corrections.all(),
    }
    return render(request, "casework/decision_detail.html", context)


@login_required
def decision_edit(request, code):
    decision = get_decision_for_user(request.user, code, write=True)
    if decision.status != DocumentStatus.DRAFT:
        messages.error(
            request,
            _("A signed decision is never changed. Make a correction: it becomes a new edition."),
        )
        return redirect(decision)
    initial = {name: getattr(decision, name) for name in Decision.EDITABLE} | {
        "plan": decision.plan_id
    }
    form = DecisionForm(request.POST or None, plans=_plans(decision.matter), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_decision(Actor.from_request(request), decision, **form.cleaned_data)
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(decision)
    return render(
        request,
        "casework/decision_form.html",
        {"form": form, "matter": decision.matter, "decision": decision},
    )


@require_POST
@login_required
@official_only
def decision_sign(request, code):
    decision = get_decision_for_user(request.user, code, official=True)
    try:
        actions.sign_decision(Actor.from_request(request), decision, by=request.user)
    except CaseworkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision was signed."))
    return redirect(decision)


@require_POST
@login_required
def decision_correct(request, code):
    decision = get_decision_for_user(request.user, code, write=True)
    try:
        correction = actions.start_decision_correction(
            Actor.from_request(request), decision, by=request.user
        )
    except CaseworkError as exc:
        messages.error(request, exc.message)
        return redirect(decision)
    messages.success(request, _("A correction was started as a new edition."))
    return redirect(correction)
