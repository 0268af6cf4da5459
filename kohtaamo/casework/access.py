"""Gates for case management, one per object type. No view or API reads these objects another way.

A client matter is a client document of the organisation that keeps the person: it is seen by
members whose role has client access `read` or `write` there (as the person gate in
`people/access.py`), and changed only with `write`. The matter's own team (`MatterMember`) also gets
in: a responsible worker or team member sees the whole matter (and records, if their role records
client data anywhere); a *partner* member sees only the plan steps assigned to them and nothing
else. Everyone else gets 404, so existence does not leak; visible but read-only gets 403.
Completing and signing an assessment and signing a decision also need an official's role
(`is_official`) in the matter's organisation.

Every other gate goes through the matter: an assessment, plan, decision, service period, meeting,
network entry or task is visible exactly when its matter is.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kohtaamo.casework.models import (
    ClientMatter,
    ClientPlan,
    ContactNotification,
    Decision,
    MatterMember,
    NetworkMember,
    PlanGoal,
    PlanStep,
    ServiceNeedAssessment,
    ServicePeriod,
    SupportMeeting,
    Task,
)

FULL_ROLES = (MatterMember.Role.RESPONSIBLE, MatterMember.Role.TEAM)
NOT_OFFICIAL = _(
    "Only a social worker in an official post (viranhaltija) may do this. Ask the official of "
    "your team to sign it."
)


def _org_ids(user, *, write: bool) -> set[int]:
    if not user.is_authenticated:
        return set()
    return user.organisation_ids(client_access=("write",) if write else ("read", "write"))


def records_client_data(user) -> bool:
    return bool(user.is_authenticated and user.organisation_ids(client_access=("write",)))


def _member_matter_ids(user, roles=FULL_ROLES):
    return MatterMember.objects.filter(user=user, ended_at__isnull=True, role__in=roles).values(
        "matter_id"
    )


def matter_visibility(user, *, write: bool = False, prefix: str = "") -> Q:
    """The condition behind `matters_visible_to`, to filter matters (or `prefix`ed relations)
    without a nested subquery over the whole table."""
    q = Q(**{f"{prefix}organisation_id__in": _org_ids(user, write=write)})
    if not write or records_client_data(user):
        q |= Q(**{f"{prefix}pk__in": _member_matter_ids(user)})
    return q


def matters_visible_to(user, *, write: bool = False):
    if not user.is_authenticated:
        return ClientMatter.objects.none()
    return ClientMatter.objects.filter(matter_visibility(user, write=write))


def notifications_visible_to(user, *, write: bool = False):
    return ContactNotification.objects.filter(organisation_id__in=_org_ids(user, write=write))


def is_official_in(user, organisation_id: int) -> bool:
    return any(
        m.role.is_official and m.organisation_id == organisation_id
        for m in user.active_memberships()
    )


def can_write_matter(user, matter: ClientMatter) -> bool:
    if matter.organisation_id in _org_ids(user, write=True):
        return True
    return records_client_data(user) and (
        MatterMember.objects.filter(
            matter=matter, user=user, ended_at__isnull=True, role__in=FULL_ROLES
        ).exists()
    )


def _check(user, matter: ClientMatter, *, write: bool, official: bool) -> None:
    if (write or official) and not can_write_matter(user, matter):
        raise PermissionDenied
    if official and not is_official_in(user, matter.organisation_id):
        raise PermissionDenied(NOT_OFFICIAL)


def get_matter_for_user(user, code, *, write: bool = False, official: bool = False):
    matter = (
        matters_visible_to(user)
        .filter(code=code)
        .select_related("person", "responsible_worker", "team", "unit", "organisation")
        .first()
    )
    if matter is None:
        raise Http404
    _check(user, matter, write=write, official=official)
    return matter


def get_notification_for_user(user, code, *, write: bool = False):
    notification = (
        notifications_visible_to(user).filter(code=code).select_related("person", "matter").first()
    )
    if notification is None:
        raise Http404
    if write and notification.organisation_id not in _org_ids(user, write=True):
        raise PermissionDenied
    return notification


def _through_matter(model, user, code, *, write=False, official=False, related=()):
    obj = (
        model.objects.filter(code=code, matter__in=matters_visible_to(user))
        .select_related("matter__person", "matter__organisation", *related)
        .first()
    )
    if obj is None:
        raise Http404
    _check(user, obj.matter, write=write, official=official)
    return obj


def get_assessment_for_user(user, code, *, write: bool = False, official: bool = False):
    return _through_matter(
        ServiceNeedAssessment, user, code, write=write, official=official, related=("signed_by",)
    )


def get_plan_for_user(user, code, *, write: bool = False) -> ClientPlan:
    return _through_matter(ClientPlan, user, code, write=write)


def get_goal_for_user(user, code, *, write: bool = False) -> PlanGoal:
    goal = (
        PlanGoal.objects.filter(code=code, plan__matter__in=matters_visible_to(user))
        .select_related("plan__matter__person")
        .first()
    )
    if goal is None:
        raise Http404
    _check(user, goal.plan.matter, write=write, official=False)
    return goal


def get_decision_for_user(user, code, *, write: bool = False, official: bool = False):
    return _through_matter(
        Decision, user, code, write=write, official=official, related=("plan", "signed_by")
    )


def get_period_for_user(user, code, *, write: bool = False) -> ServicePeriod:
    return _through_matter(ServicePeriod, user, code, write=write, related=("decision",))


def get_meeting_for_user(user, code, *, write: bool = False) -> SupportMeeting:
    return _through_matter(SupportMeeting, user, code, write=write, related=("worker",))


def get_network_member_for_user(user, code, *, write: bool = False) -> NetworkMember:
    return _through_matter(NetworkMember, user, code, write=write)


def partner_steps_for(user):
    """Plan steps a partner member may see: assigned to them, in a matter where they are a
    partner member (or a full member)."""
    if not user.is_authenticated:
        return PlanStep.objects.none()
    roles = (*FULL_ROLES, MatterMember.Role.PARTNER)
    return PlanStep.objects.filter(
        assignee=user, plan__matter_id__in=_member_matter_ids(user, roles)
    )


def get_step_for_user(user, code, *, write: bool = False) -> PlanStep:
    """A step through its plan's matter, or, for its assignee, as a partner member."""
    step = (
        PlanStep.objects.filter(code=code)
        .filter(Q(plan__matter__in=matters_visible_to(user)) | Q(pk__in=partner_steps_for(user)))
        .select_related("plan__matter__person", "goal", "assignee")
        .first()
    )
    if step is None:
        raise Http404
    if write and not (step.assignee_id == user.pk or can_write_matter(user, step.plan.matter)):
        raise PermissionDenied
    return step


def tasks_visible_to(user):
    if not user.is_authenticated:
        return Task.objects.none()
    team_ids = [m.team_id for m in user.active_memberships() if m.team_id]
    return Task.objects.filter(
        Q(assignee=user)
        | Q(team_id__in=team_ids)
        | Q(matter__in=matters_visible_to(user, write=True))
    )


def get_task_for_user(user, code, *, write: bool = False) -> Task:
    task = tasks_visible_to(user).filter(code=code).select_related("matter__person").first()
    if task is None:
        raise Http404
    return task


def can_record(user) -> bool:
    """Opening matters and recording case work needs client access `write` somewhere."""
    return records_client_data(user)


def sees_quality_results(user) -> bool:
    """Aggregated quality results: managers and evaluators (sees_aggregates) and officials."""
    return bool(
        user.is_authenticated
        and (user.has_capability("sees_aggregates") or user.has_capability("is_official"))
    )


def quality_org_ids(user) -> set[int]:
    return {
        m.organisation_id
        for m in user.active_memberships()
        if m.role.sees_aggregates or m.role.is_official
    }
