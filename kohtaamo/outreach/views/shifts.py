"""Outreach home, planning a shift, the shift page and what a worker does on it: start, check in,
ask for help, confirm being safe at the end."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.outreach import access, actions, queries
from kohtaamo.outreach.forms import (
    CheckInForm,
    ShiftForm,
    VisitFormSet,
    experiment_choices,
)
from kohtaamo.outreach.models import Shift, ShiftEvent


@login_required
def home(request):
    org_ids = access.require_outreach(request.user)
    user = request.user
    now = timezone.now()
    mine = list(
        Shift.objects.filter(Q(crew__user=user) | Q(on_call=user))
        .filter(
            status__in=[Shift.Status.PLANNED, Shift.Status.ACTIVE],
            planned_end__gte=now - datetime.timedelta(hours=12),
        )
        .select_related("team")
        .distinct()
        .order_by("planned_start")[:20]
    )
    upcoming = list(
        access.shifts_visible_to(user)
        .filter(organisation_id__in=org_ids, status=Shift.Status.PLANNED, planned_start__gte=now)
        .exclude(pk__in=[s.pk for s in mine])
        .select_related("team")
        .order_by("planned_start")[:20]
    )
    return render(
        request,
        "outreach/home.html",
        {"mine": mine, "upcoming": upcoming, "can_plan": access.can_plan(user)},
    )


def _visit_forms(request, org_id: int, org_ids):
    places = access.desk_places_for(request.user, org_id)
    return VisitFormSet(
        request.POST or None,
        prefix="visits",
        form_kwargs={"places": places, "experiments": experiment_choices(org_ids)},
    )


@login_required
def shift_new(request):
    org_ids = access.require_outreach(request.user, write=True)
    org_id = sorted(org_ids)[0]
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(
        hours=1
    )
    team = next((m.team for m in request.user.active_memberships() if m.team_id), None)
    form = ShiftForm(
        request.POST or None,
        organisation_ids=org_ids,
        initial={
            "planned_start": start,
            "planned_end": start + datetime.timedelta(hours=4),
            "team": team.pk if team else None,
            "workers": [request.user.pk],
        },
    )
    visits = _visit_forms(request, org_id, org_ids)
    if request.method == "POST" and form.is_valid() and visits.is_valid():
        data = form.cleaned_data
        try:
            shift = actions.plan_shift(
                Actor.from_request(request),
                by=request.user,
                team=data["team"],
                title=data["title"],
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                workers=list(data["workers"]),
                on_call=data["on_call"],
                on_call_phone=data["on_call_phone"],
                visits=[f.visit for f in visits if f.visit],
            )
        except actions.Refused as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            messages.success(request, _("The shift is planned."))
            return redirect(shift)
    return render(request, "outreach/shift_form.html", {"form": form, "visits": visits})


def shift_context(request, shift: Shift, **extra) -> dict:
    user = request.user
    now = timezone.now()
    row = queries.board([shift])[0]
    me = next((s for s in row.workers if s.user.pk == user.pk), None)
    worker = me is not None and shift.organisation_id in access.write_org_ids(user)
    visit = queries.current_visit(shift, now)
    return {
        "shift": shift,
        "row": row,
        "now": now,
        "me": me,
        "my_status": queries.worker_status(me, now) if me else None,
        "is_worker": worker,
        "can_record": worker and shift.is_open,
        "visits": list(shift.visits.select_related("place")),
        "check_in_form": CheckInForm(
            shift=shift, initial={"place": visit.place.code} if visit else {}
        )
        if worker and shift.is_open
        else None,
        "statuses": {s.user.pk: queries.worker_status(s, now) for s in row.workers},
        **extra,
    }


def offline_allowed(response, context: dict):
    """Only a worker's page of an open shift may be kept on the phone for offline use; the
    service worker does not store a `no-store` page."""
    me = context.get("me")
    if not (context.get("can_record") and me is not None and me.worker.safe_at is None):
        response["Cache-Control"] = "no-store"
    return response


@login_required
def shift_detail(request, code):
    shift = access.get_shift_for_user(request.user, code)
    context = shift_context(request, shift)
    return offline_allowed(render(request, "outreach/shift.html", context), context)


def _refused(request, shift, exc: actions.Refused):
    messages.error(request, exc.message)
    return redirect(shift)


@require_POST
@login_required
def shift_start(request, code):
    shift = access.get_shift_for_user(request.user, code, write=True)
    try:
        actions.start_shift(shift, by=request.user)
    except actions.Refused as exc:
        return _refused(request, shift, exc)
    messages.success(request, _("The shift has started. Check in at each place."))
    return redirect(shift)


@require_POST
@login_required
def shift_cancel(request, code):
    shift = access.get_shift_for_user(request.user, code, write=True)
    try:
        actions.cancel_shift(shift, by=request.user)
    except actions.Refused as exc:
        return _refused(request, shift, exc)
    messages.success(request, _("The shift was cancelled."))
    return redirect("outreach:home")


@require_POST
@login_required
def check_in(request, code):
    shift = access.get_shift_for_user(request.user, code, write=True)
    form = CheckInForm(request.POST, shift=shift)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row, _created = actions.check_in(
                shift,
                by=request.user,
                next_minutes=data["next_minutes"],
                place=data["place"],
                location=form.location,
                location_consent=data["share_location"],
                client_id=data["client_id"],
            )
        except actions.Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Checked in. Next check-in by %(time)s.")
                % {"time": timezone.localtime(row.next_by).strftime("%H:%M")},
            )
            return redirect(shift)
    return render(
        request,
        "outreach/shift.html",
        shift_context(request, shift, check_in_form=form),
        status=400,
    )


@require_POST
@login_required
def help_now(request, code):
    shift = access.get_shift_for_user(request.user, code, write=True)
    actions.ask_for_help(shift, by=request.user)
    messages.error(
        request,
        _("The on-call person has been alerted. If you are in danger, call 112."),
    )
    return redirect(shift)


@require_POST
@login_required
def confirm_safe(request, code):
    shift = access.get_shift_for_user(request.user, code, write=True)
    try:
        actions.confirm_safe(shift, by=request.user)
    except actions.Refused as exc:
        return _refused(request, shift, exc)
    if shift.status == Shift.Status.ENDED:
        messages.success(request, _("Everyone is safe. The shift has ended."))
    else:
        messages.success(
            request, _("You are marked safe. The shift ends when every worker has confirmed.")
        )
    return redirect(shift)


@login_required
def shift_log(request, code):
    shift = access.get_shift_for_user(request.user, code)
    events = list(
        ShiftEvent.objects.filter(shift=shift).select_related("user", "alert").order_by("at", "id")
    )
    return render(request, "outreach/shift_log.html", {"shift": shift, "events": events})
