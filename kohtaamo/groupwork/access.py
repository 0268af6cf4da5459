"""Gates for group work. A group's members are identified clients, so a group is seen by members
whose role has client access in the group's organisation, and by its leaders with an account
(who record attendance). Changes need client access `write`; a leader may record attendance.
Everyone else gets 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from kohtaamo.groupwork.models import Group, GroupMeeting


def _org_ids(user, *, write: bool) -> set[int]:
    if not user.is_authenticated:
        return set()
    return user.organisation_ids(client_access=("write",) if write else ("read", "write"))


def groups_visible_to(user):
    if not user.is_authenticated:
        return Group.objects.none()
    return Group.objects.filter(
        Q(organisation_id__in=_org_ids(user, write=False)) | Q(leaders__user=user)
    ).distinct()


def can_manage(user, group: Group) -> bool:
    return group.organisation_id in _org_ids(user, write=True)


def is_leader(user, group: Group) -> bool:
    return group.leaders.filter(user=user).exists()


def can_create(user) -> bool:
    return bool(_org_ids(user, write=True))


def get_group_for_user(user, code, *, write: bool = False) -> Group:
    group = groups_visible_to(user).filter(code=code).select_related("unit", "team").first()
    if group is None:
        raise Http404
    if write and not can_manage(user, group):
        raise PermissionDenied
    return group


def get_group_meeting_for_user(user, code, *, attendance: bool = False) -> GroupMeeting:
    """A meeting through its group; recording attendance needs write access or being a leader."""
    meeting = (
        GroupMeeting.objects.filter(code=code, group__in=groups_visible_to(user))
        .select_related("group")
        .first()
    )
    if meeting is None:
        raise Http404
    if attendance and not (can_manage(user, meeting.group) or is_leader(user, meeting.group)):
        raise PermissionDenied
    return meeting
