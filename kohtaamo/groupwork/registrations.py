"""What group work adds to shared pages and to case management's registries: navigation, the
person's timeline (attendance) and the client's upcoming meetings. Registered from
GroupworkConfig.ready()."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.casework.queries import (
    Upcoming,
    event_keys,
    timeline_loader,
    timeline_source,
    upcoming_source,
)
from kohtaamo.core.registry import nav_item
from kohtaamo.groupwork.models import Attendance, GroupMeeting

nav_item(
    "groups",
    label=_("Groups"),
    url_name="groupwork:list",
    order=57,
    visible=lambda user: bool(user.organisation_ids()) or user.led_groups.exists(),
)


@timeline_source("group")
def group_attendance(person, before, limit):
    qs = Attendance.objects.filter(member__person=person)
    return event_keys(qs, "meeting__at", "group", "groupwork.attendance", before, limit)


@timeline_loader("group")
def load_attendance(pks):
    return {a.pk: a for a in Attendance.objects.filter(pk__in=pks).select_related("meeting__group")}


@upcoming_source("group-meetings")
def upcoming_group_meetings(person, now, limit):
    rows = (
        GroupMeeting.objects.filter(
            group__members__person=person,
            group__members__left_on__isnull=True,
            status=GroupMeeting.Status.PLANNED,
            at__gte=now or timezone.now(),
        )
        .select_related("group")
        .order_by("at")[:limit]
    )
    return [Upcoming(m.at, m.group.name, m.place, m.topic, "groupwork.meeting", m) for m in rows]
