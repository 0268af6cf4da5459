"""The gates for referrals and service paths.

- A referral belongs to the organisation that made it: `client_access` read sees it, write also
  changes it; everyone else gets 404 (existence is not revealed).
- Service paths are cooperation agreements of a county: every member of it sees them;
  administrators (`configures`) edit them.
- Figures are for roles that see aggregates (managers, evaluators) and administrators; they hold
  counts only, never identifiers.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.referrals.models import Referral, ServicePath


def referral_org_ids(user, *, write: bool = False) -> set[int]:
    if not user.is_authenticated:
        return set()
    return user.organisation_ids(client_access=("write",) if write else ("read", "write"))


def can_refer(user) -> bool:
    return bool(referral_org_ids(user, write=True))


def referrals_visible_to(user, *, write: bool = False):
    return Referral.objects.in_organisations(referral_org_ids(user, write=write))


def get_referral_for_user(user, code, *, write: bool = False) -> Referral:
    referral = (
        referrals_visible_to(user)
        .filter(code=code)
        .select_related(
            "service__organisation", "person", "path_step__path", "encounter", "created_by"
        )
        .first()
    )
    if referral is None:
        raise Http404
    if write and referral.organisation_id not in referral_org_ids(user, write=True):
        raise PermissionDenied
    return referral


def member_org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.organisation_id for m in user.active_memberships()}


def can_edit_paths(user, organisation_id: int | None = None) -> bool:
    if not user.is_authenticated:
        return False
    return any(
        m.role.configures and (organisation_id is None or m.organisation_id == organisation_id)
        for m in user.active_memberships()
    )


def paths_visible_to(user):
    return ServicePath.objects.filter(organisation_id__in=member_org_ids(user))


def get_path_for_user(user, code, *, edit: bool = False) -> ServicePath:
    path = paths_visible_to(user).filter(code=code).first()
    if path is None:
        raise Http404
    if edit and not can_edit_paths(user, path.organisation_id):
        raise PermissionDenied
    return path


def figures_org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {
        m.organisation_id
        for m in user.active_memberships()
        if m.role.sees_aggregates or m.role.configures
    }


def require_figures(user) -> set[int]:
    ids = figures_org_ids(user)
    if not ids:
        raise PermissionDenied
    return ids
