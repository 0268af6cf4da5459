"""Operations of group work. Each writes its own audit entries: group and meeting data carry no
personal data (no person code), membership and attendance are the client's (with the person code),
and every member shown is access-logged."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor, diff, log_access_many, record_change
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.casework.models import ClientMatter, ServicePeriod
from kohtaamo.groupwork.models import Attendance, Group, GroupLeader, GroupMeeting, GroupMember

GROUP = "groupwork.group"
MEMBER = "groupwork.member"
MEETING = "groupwork.meeting"
ATTENDANCE = "groupwork.attendance"


class GroupError(ValueError):
    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _change(actor: Actor, object_type: str, obj, action: str, changes: dict, person=None):
    record_change(
        actor,
        person_code=person.code if person is not None else None,
        object_type=object_type,
        object_ref=obj.pk,
        action=action,
        changes=changes,
    )


@transaction.atomic
def create_group(actor: Actor, *, by, organisation, **fields) -> Group:
    if fields["ends_on"] < fields["starts_on"]:
        raise GroupError(_("The group cannot end before it starts."), field="ends_on")
    group = Group.objects.create(organisation=organisation, created_by=by, **fields)
    _change(
        actor, GROUP, group, "create", {k: [None, v] for k, v in group.audit_snapshot().items()}
    )
    return group


@transaction.atomic
def update_group(actor: Actor, group: Group, **fields) -> Group:
    before = group.audit_snapshot()
    for name, value in fields.items():
        setattr(group, name, value)
    if group.ends_on < group.starts_on:
        raise GroupError(_("The group cannot end before it starts."), field="ends_on")
    group.save()
    changes = diff(before, group.audit_snapshot())
    if changes:
        _change(actor, GROUP, group, "update", changes)
    return group


@transaction.atomic
def add_leader(actor: Actor, group: Group, *, role: str, user=None, name: str = "") -> GroupLeader:
    """A leader: a worker with an account, or a peer instructor or expert by experience by name."""
    if user is None and not name.strip():
        raise GroupError(_("Choose a worker or write the leader's name."), field="name")
    leader = GroupLeader.objects.create(group=group, user=user, name=name.strip(), role=role)
    _change(
        actor,
        GROUP,
        group,
        "update",
        {"leader": [None, {"user": user.pk if user else None, "name": leader.name, "role": role}]},
    )
    return leader


def _open_period(person) -> tuple[ClientMatter | None, ServicePeriod | None]:
    period = (
        ServicePeriod.objects.filter(
            matter__person=person, matter__status=ClientMatter.Status.OPEN, ended_on__isnull=True
        )
        .select_related("matter")
        .order_by("-starts_on")
        .first()
    )
    if period is not None:
        return period.matter, period
    matter = ClientMatter.objects.open().filter(person=person).order_by("-pending_at").first()
    return matter, None


@transaction.atomic
def add_member(actor: Actor, group: Group, *, person, by, joined_on=None) -> GroupMember:
    """Add a client; their open social rehabilitation period (if any) is linked, so the group's
    change can be read from the members' start and end measurements."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if person.organisation_id != group.organisation_id:
        raise GroupError(_("Choose a client of this organisation."), field="person")
    active = group.members.filter(left_on__isnull=True)
    if active.filter(person=person).exists():
        raise GroupError(_("This client is already in the group."), field="person")
    if group.capacity and active.count() >= group.capacity:
        raise GroupError(
            _("The group is full (at most %(n)s members).") % {"n": group.capacity},
            field="person",
        )
    matter, period = _open_period(person)
    member = GroupMember.objects.create(
        group=group,
        person=person,
        matter=matter,
        period=period,
        joined_on=joined_on or timezone.localdate(),
        added_by=by,
    )
    _change(
        actor,
        MEMBER,
        member,
        "create",
        {"group": [None, group.pk], "period": [None, period.pk if period else None]},
        person=person,
    )
    if matter is not None:
        ClientMatter.objects.filter(pk=matter.pk).update(last_activity_at=timezone.now())
    return member


@transaction.atomic
def remove_member(actor: Actor, member: GroupMember, *, left_on=None) -> GroupMember:
    if member.left_on is None:
        member.left_on = left_on or timezone.localdate()
        member.save(update_fields=["left_on"])
        _change(
            actor,
            MEMBER,
            member,
            "update",
            {"left_on": [None, member.left_on]},
            person=member.person,
        )
    return member


@transaction.atomic
def plan_meeting(
    actor: Actor,
    group: Group,
    *,
    by,
    at: datetime.datetime,
    duration_minutes: int = 90,
    topic: str = "",
    place: str = "",
) -> GroupMeeting:
    meeting = GroupMeeting.objects.create(
        group=group,
        at=at,
        duration_minutes=duration_minutes,
        topic=topic,
        place=place,
        created_by=by,
    )
    _change(actor, MEETING, meeting, "create", {"at": [None, at], "topic": [None, topic]})
    return meeting


@transaction.atomic
def record_attendance(
    actor: Actor, meeting: GroupMeeting, *, by, present: list
) -> list[Attendance]:
    """Who took part: `present` lists member codes (or GroupMember objects); every active member
    gets a row (present or absent) and the meeting is marked held. Codes that are not members of
    the group, or more attendees than members, are refused and nothing is saved."""
    meeting = GroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.at > timezone.now() + datetime.timedelta(minutes=30):
        raise GroupError(_("Attendance is recorded once the meeting has started."), field="present")
    day = timezone.localdate(meeting.at)
    members = list(
        meeting.group.members.filter(Q(left_on__isnull=True) | Q(left_on__gte=day)).select_related(
            "person"
        )
    )
    by_code = {str(m.code): m for m in members}
    codes = [str(getattr(p, "code", p)) for p in present]
    if len(codes) > len(members):
        raise GroupError(
            _(
                "%(n)s attendees but the group has %(m)s members: attendance is recorded for "
                "members only."
            )
            % {"n": len(codes), "m": len(members)},
            field="present",
        )
    unknown = [c for c in codes if c not in by_code]
    if unknown or len(set(codes)) != len(codes):
        raise GroupError(
            _("Only the group's members can be marked present, each once."), field="present"
        )
    present_set = set(codes)
    existing = {a.member_id: a for a in meeting.attendance.all()}
    rows = []
    for member in members:
        is_present = str(member.code) in present_set
        row = existing.get(member.pk)
        new = row is None
        if new:
            row = Attendance(meeting=meeting, member=member, present=is_present, recorded_by=by)
            row.save()
            changed = True
        else:
            changed = row.present != is_present
            if changed:
                row.present, row.recorded_by = is_present, by
                row.save(update_fields=["present", "recorded_by", "recorded_at"])
        if changed:
            _change(
                actor,
                ATTENDANCE,
                row,
                "create" if new else "update",
                {"meeting": [None, meeting.pk], "present": [None, is_present]},
                person=member.person,
            )
        rows.append(row)
    if meeting.status != GroupMeeting.Status.HELD:
        meeting.status = GroupMeeting.Status.HELD
        meeting.save(update_fields=["status"])
    matter_ids = [m.matter_id for m in members if m.matter_id and str(m.code) in present_set]
    if matter_ids:
        ClientMatter.objects.filter(pk__in=matter_ids).update(last_activity_at=timezone.now())
    return rows


def log_members(actor: Actor, members) -> None:
    log_access_many(
        actor,
        [(m.person.code, MEMBER, m.pk) for m in members],
        action=AccessLogEntry.Action.API_READ
        if actor.channel == "api"
        else AccessLogEntry.Action.VIEW,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )


@transaction.atomic
def open_group(actor: Actor, group: Group) -> dict:
    """The group page's data; each member shown is access-logged."""
    members = list(
        group.members.filter(left_on__isnull=True)
        .select_related("person", "period")
        .order_by("person__last_name", "person__first_name")
    )
    log_members(actor, members)
    return {
        "members": members,
        "leaders": list(group.leaders.select_related("user")),
        "meetings": list(group.meetings.order_by("at")),
    }


@transaction.atomic
def group_change(actor: Actor, group: Group, *, instrument_key: str, score_key: str | None = None):
    """Change per member and for the group, from paired start and end measurements of the
    members' service periods; members shown are access-logged."""
    from kohtaamo.casework.queries import paired_changes

    members = list(group.members.filter(period__isnull=False).select_related("person", "period"))
    log_members(actor, members)
    changes = paired_changes(
        [m.period for m in members], instrument_key=instrument_key, score_key=score_key
    )
    by_period = {c.period.pk: c for c in changes}
    rows = [(m, by_period.get(m.period_id)) for m in members]
    paired = [c.change for _m, c in rows if c is not None and c.change is not None]
    return {
        "rows": rows,
        "paired": len(paired),
        "mean_change": round(sum(paired) / len(paired), 2) if paired else None,
    }
