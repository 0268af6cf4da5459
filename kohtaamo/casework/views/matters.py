"""Client matters: open, the matter page, its team and network, the caseload, the timeline, and the
desk's notification queue and assessment start."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.accounts.models import Team, User
from kohtaamo.audit.actions import Actor, batched_access_log
from kohtaamo.casework import actions
from kohtaamo.casework.access import (
    can_record,
    can_write_matter,
    get_matter_for_user,
    get_network_member_for_user,
    get_notification_for_user,
    is_official_in,
)
from kohtaamo.casework.actions import CaseworkError
from kohtaamo.casework.actions.team import caseload_counts
from kohtaamo.casework.forms import (
    MatterEditForm,
    MatterOpenForm,
    MemberForm,
    NetworkForm,
    ResponsibleForm,
)
from kohtaamo.casework.models import ClientMatter, MatterMember
from kohtaamo.casework.views.common import back, form_error, uuid_or_404
from kohtaamo.core.htmx import is_htmx
from kohtaamo.people.actions import open_person


@require_POST
@login_required
def notification_take(request, code):
    notification = get_notification_for_user(request.user, code, write=True)
    actions.take_contact_notification(Actor.from_request(request), notification, by=request.user)
    messages.success(request, _("You took the contact notification."))
    return back(request, notification.person or "core:my-day")


@require_POST
@login_required
def matter_start_assessment(request, code):
    matter = get_matter_for_user(request.user, code, official=True)
    actions.start_assessment(Actor.from_request(request), matter, by=request.user)
    messages.success(request, _("The service need assessment was marked as started."))
    return back(request, matter.person)


def _workers(organisation_id):
    """Users who record client work in the organisation (for the responsible worker)."""
    return (
        User.objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__is_active=True,
            memberships__role__client_access="write",
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


@login_required
def caseload(request):
    user = request.user
    actor = Actor.from_request(request)
    org_ids = user.organisation_ids()
    if not org_ids:
        if not user.has_capability("sees_aggregates"):
            raise PermissionDenied
        counts = caseload_counts(
            {m.organisation_id for m in user.active_memberships() if m.role.sees_aggregates}
        )
        return render(request, "casework/caseload.html", {"counts": counts, "aggregate_only": True})
    worker = user
    if request.GET.get("worker"):
        worker = get_object_or_404(_workers_visible(user), code=uuid_or_404(request.GET["worker"]))
    data = actions.caseload_for(actor, user, worker)
    team_ids = [m.team_id for m in user.active_memberships() if m.team_id]
    context = {
        **data,
        "worker": worker,
        "is_me": worker.pk == user.pk,
        "counts": caseload_counts(org_ids, team_ids=team_ids) if team_ids else [],
    }
    template = "casework/caseload.html#rows" if is_htmx(request) else "casework/caseload.html"
    return render(request, template, context)


def _workers_visible(user):
    return User.objects.filter(
        memberships__organisation_id__in=user.organisation_ids(), memberships__is_active=True
    ).distinct()


@login_required
def matter_new(request):
    if not can_record(request.user):
        raise PermissionDenied
    actor = Actor.from_request(request)
    source = request.POST if request.method == "POST" else request.GET
    person = open_person(
        actor, request.user, uuid_or_404(source.get("person")), write=True, what="casework.new"
    )
    referral = None
    if source.get("referral"):
        from kohtaamo.referrals.access import get_referral_for_user

        referral = get_referral_for_user(request.user, uuid_or_404(source["referral"]))
        if referral.person_id != person.pk:
            raise Http404
    teams = Team.objects.filter(unit__organisation_id=person.organisation_id)
    initial = {
        "source": ClientMatter.Source.REFERRAL if referral else ClientMatter.Source.ENCOUNTER
    }
    membership_team = next((m.team for m in request.user.active_memberships() if m.team_id), None)
    if membership_team is not None:
        initial["team"] = membership_team.pk
    form = MatterOpenForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matter = actions.open_client_matter(
            actor,
            person,
            by=request.user,
            source=data["source"],
            source_ref=referral.code if referral else None,
            special_group=data["special_group"],
            team=data["team"],
            responsible_worker=request.user if data["become_responsible"] else None,
        )
        messages.success(request, _("The client matter was opened."))
        return redirect(matter)
    return render(
        request, "casework/matter_new.html", {"form": form, "person": person, "referral": referral}
    )


@login_required
def matter_detail(request, code):
    actor = Actor.from_request(request)
    matter = actions.open_matter(actor, request.user, code)
    overview = actions.matter_overview(actor, matter)
    can_write = can_write_matter(request.user, matter)
    context = {
        "matter": matter,
        "person": matter.person,
        "can_write": can_write,
        "is_official": is_official_in(request.user, matter.organisation_id),
        "responsible_form": ResponsibleForm(
            workers=_workers(matter.organisation_id),
            initial={"user": matter.responsible_worker_id},
        )
        if can_write and matter.is_open
        else None,
        **overview,
    }
    return render(request, "casework/matter_detail.html", context)


@login_required
def matter_edit(request, code):
    matter = get_matter_for_user(request.user, code, write=True)
    teams = Team.objects.filter(unit__organisation_id=matter.organisation_id)
    form = MatterEditForm(
        request.POST or None,
        teams=teams,
        initial={"team": matter.team_id, "segment": matter.segment},
    )
    if request.method == "POST" and form.is_valid():
        team = form.cleaned_data["team"]
        try:
            actions.update_matter(
                Actor.from_request(request),
                matter,
                team=team,
                unit=team.unit if team else matter.unit,
                segment=form.cleaned_data["segment"],
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(matter)
    return render(request, "casework/matter_edit.html", {"form": form, "matter": matter})


@require_POST
@login_required
def matter_responsible(request, code):
    matter = get_matter_for_user(request.user, code, write=True)
    form = ResponsibleForm(request.POST, workers=_workers(matter.organisation_id))
    if not form.is_valid():
        messages.error(request, _("Choose the responsible worker."))
        return redirect(matter)
    try:
        actions.set_responsible_worker(
            Actor.from_request(request), matter, form.cleaned_data["user"], by=request.user
        )
    except CaseworkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The responsible worker was named."))
    return redirect(matter)


def _member_candidates(matter):
    """Workers of the matter's organisation, and partner workers (who handle referrals)."""
    in_org = Q(
        memberships__organisation_id=matter.organisation_id,
        memberships__role__client_access__in=("read", "write"),
    )
    partner = Q(memberships__role__handles_referrals=True)
    return (
        User.objects.filter(memberships__is_active=True)
        .filter(in_org | partner)
        .distinct()
        .order_by("last_name", "first_name")
    )


@login_required
def member_add(request, code):
    matter = get_matter_for_user(request.user, code, write=True)
    form = MemberForm(request.POST or None, users=_member_candidates(matter))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_member(
                Actor.from_request(request),
                matter,
                data["user"],
                role=data["role"],
                title=data["title"],
                by=request.user,
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The worker was added to the team."))
            return redirect(matter)
    return render(request, "casework/member_form.html", {"form": form, "matter": matter})


@require_POST
@login_required
def member_end(request, code, pk):
    matter = get_matter_for_user(request.user, code, write=True)
    member = get_object_or_404(MatterMember, pk=pk, matter=matter, ended_at__isnull=True)
    try:
        actions.end_member(Actor.from_request(request), member)
    except CaseworkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The worker left the team."))
    return redirect(matter)


@login_required
def network_add(request, code):
    matter = get_matter_for_user(request.user, code, write=True)
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_network_member(
                Actor.from_request(request),
                matter,
                by=request.user,
                kind=data["kind"],
                name=data["name"],
                relation=data["relation"],
                contact=data["contact"],
                may_contact=data["may_contact"],
                consent_given=data["consent_given"],
                consent_method=data["consent_method"],
            )
        except CaseworkError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Added to the client's network."))
            return redirect(matter)
    return render(request, "casework/network_form.html", {"form": form, "matter": matter})


@require_POST
@login_required
def network_remove(request, code):
    member = get_network_member_for_user(request.user, code, write=True)
    actions.remove_network_member(Actor.from_request(request), member)
    messages.success(request, _("Removed from the client's network."))
    return redirect(member.matter)


@login_required
def matter_timeline(request, code):
    actor = Actor.from_request(request)
    before = parse_datetime(request.GET.get("before", "")) if request.GET.get("before") else None
    limit = 50
    with batched_access_log():  # the matter and each event shown: one append to the access log
        matter = actions.open_matter(actor, request.user, code)
        events = actions.person_timeline(actor, matter, before=before, limit=limit)
    older = events[-1].at.isoformat() if len(events) == limit else ""
    context = {"matter": matter, "person": matter.person, "events": events, "older": older}
    template = "casework/timeline.html#events" if is_htmx(request) else "casework/timeline.html"
    return render(request, template, context)
