from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.accounts.models import Team, User
from kohtaamo.audit.actions import Actor
from kohtaamo.casework import charts
from kohtaamo.casework.models import ClientMatter, ServicePeriod
from kohtaamo.groupwork import actions
from kohtaamo.groupwork.access import (
    can_create,
    can_manage,
    get_group_for_user,
    get_group_meeting_for_user,
    groups_visible_to,
    is_leader,
)
from kohtaamo.groupwork.actions import GroupError
from kohtaamo.groupwork.forms import AttendanceForm, GroupForm, LeaderForm, MeetingForm, MemberForm
from kohtaamo.groupwork.models import GroupMember
from kohtaamo.instruments.models import Instrument
from kohtaamo.people.models import Person


def _error(form, exc: GroupError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def group_list(request):
    groups = list(
        groups_visible_to(request.user).select_related("unit").order_by("-starts_on")[:200]
    )
    if not groups and not can_create(request.user):
        raise PermissionDenied
    return render(
        request, "groupwork/list.html", {"groups": groups, "can_create": can_create(request.user)}
    )


def _write_org(user):
    return next(
        m.organisation for m in user.active_memberships() if m.role.client_access == "write"
    )


@login_required
def group_new(request):
    if not can_create(request.user):
        raise PermissionDenied
    organisation = _write_org(request.user)
    teams = Team.objects.filter(unit__organisation=organisation)
    form = GroupForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.get("team")
        try:
            group = actions.create_group(
                Actor.from_request(request),
                by=request.user,
                organisation=organisation,
                unit=team.unit if team else None,
                **data,
            )
        except GroupError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("The group was made."))
            return redirect(group)
    return render(request, "groupwork/form.html", {"form": form, "title": _("New group")})


@login_required
def group_detail(request, code):
    group = get_group_for_user(request.user, code)
    data = actions.open_group(Actor.from_request(request), group)
    return render(
        request,
        "groupwork/detail.html",
        {
            "group": group,
            **data,
            "can_manage": can_manage(request.user, group),
            "is_leader": is_leader(request.user, group),
            "peer_led": any(leader.role in leader.PEER_ROLES for leader in data["leaders"]),
        },
    )


@login_required
def leader_add(request, code):
    group = get_group_for_user(request.user, code, write=True)
    users = User.objects.filter(
        memberships__organisation_id=group.organisation_id, memberships__is_active=True
    ).distinct()
    form = LeaderForm(request.POST or None, users=users)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_leader(Actor.from_request(request), group, **form.cleaned_data)
        except GroupError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("The leader was added."))
            return redirect(group)
    return render(
        request, "groupwork/form.html", {"form": form, "title": _("Add a leader"), "group": group}
    )


def _candidates(group):
    """Clients of the organisation in an open social rehabilitation period, or with an open
    matter, who are not in the group yet."""
    in_group = group.members.filter(left_on__isnull=True).values("person_id")
    in_period = ServicePeriod.objects.filter(
        ended_on__isnull=True, matter__status=ClientMatter.Status.OPEN
    ).values("matter__person_id")
    return (
        Person.objects.filter(organisation_id=group.organisation_id, pk__in=in_period)
        .exclude(pk__in=in_group)
        .order_by("last_name", "first_name")[:300]
    )


@login_required
def member_add(request, code):
    actor = Actor.from_request(request)
    group = get_group_for_user(request.user, code, write=True)
    people = list(_candidates(group))
    from kohtaamo.audit.actions import log_access_many
    from kohtaamo.audit.models import AccessLogEntry

    log_access_many(
        actor,
        [(p.code, "people.person", p.pk) for p in people],
        action=AccessLogEntry.Action.SEARCH_HIT,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )
    form = MemberForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_member(actor, group, person=form.cleaned_data["person"], by=request.user)
        except GroupError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("The client was added to the group."))
            return redirect(group)
    return render(
        request,
        "groupwork/form.html",
        {
            "form": form,
            "title": _("Add a member"),
            "group": group,
            "empty": not people,
        },
    )


@require_POST
@login_required
def member_remove(request, code, member):
    group = get_group_for_user(request.user, code, write=True)
    row = get_object_or_404(GroupMember, code=member, group=group)
    actions.remove_member(Actor.from_request(request), row)
    messages.success(request, _("The member left the group."))
    return redirect(group)


@login_required
def meeting_new(request, code):
    group = get_group_for_user(request.user, code, write=True)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = actions.plan_meeting(
            Actor.from_request(request), group, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The meeting was planned."))
        return redirect(meeting)
    return render(
        request, "groupwork/form.html", {"form": form, "title": _("Plan a meeting"), "group": group}
    )


@login_required
def meeting_detail(request, code):
    actor = Actor.from_request(request)
    meeting = get_group_meeting_for_user(request.user, code)
    group = meeting.group
    members = list(group.members.filter(left_on__isnull=True).select_related("person"))
    actions.log_members(actor, members)
    can_record = can_manage(request.user, group) or is_leader(request.user, group)
    present = [str(a.member.code) for a in meeting.attendance.select_related("member") if a.present]
    form = AttendanceForm(request.POST or None, members=members, initial={"present": present})
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.record_attendance(
                    actor, meeting, by=request.user, present=form.cleaned_data["present"]
                )
            except GroupError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("Attendance was saved."))
                return redirect(meeting)
    return render(
        request,
        "groupwork/meeting.html",
        {
            "meeting": meeting,
            "group": group,
            "form": form,
            "can_record": can_record,
            "present_count": len(present),
            "members": members,
        },
    )


@login_required
def group_change(request, code):
    actor = Actor.from_request(request)
    group = get_group_for_user(request.user, code)
    instruments = list(Instrument.objects.current())
    key = request.GET.get("instrument") or "eurohis8"
    instrument = next(
        (i for i in instruments if i.key == key), instruments[0] if instruments else None
    )
    key = instrument.key if instrument else key
    score_key = "mean" if key == "eurohis8" else None
    data = actions.group_change(actor, group, instrument_key=key, score_key=score_key)
    low, high = (1, 5)
    if instrument is not None and score_key is None:
        from kohtaamo.instruments.trend import score_range

        low, high = score_range(instrument.definition, "total")
    chart = charts.change_chart(
        [
            (
                f"{m.person.last_name} {m.person.first_name[:1]}.",
                c.start if c else None,
                c.end if c else None,
            )
            for m, c in data["rows"]
        ],
        low=low,
        high=high,
    )
    return render(
        request,
        "groupwork/change.html",
        {
            "group": group,
            **data,
            "chart": chart,
            "instrument": instrument,
            "instruments": instruments,
        },
    )
