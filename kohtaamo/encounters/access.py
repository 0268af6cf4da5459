"""The gates for the desk. No view or API reads an encounter any other way.

Encounters are records of the organisation that made them: members whose role has client access
`read` or `write` there see them; `write` records, identifies and undoes. Everyone else (another
organisation, managers, evaluators, administrators) gets 404. Counts without personal data are
also open to roles that see aggregates (`sees_aggregates`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.encounters.models import Encounter, Place


def desk_org_ids(user, *, write: bool = False) -> set[int]:
    if not user.is_authenticated:
        return set()
    return user.organisation_ids(client_access=("write",) if write else ("read", "write"))


def counts_org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return desk_org_ids(user) | {
        m.organisation_id for m in user.active_memberships() if m.role.sees_aggregates
    }


def can_record(user) -> bool:
    return bool(desk_org_ids(user, write=True))


def require_desk(user, *, write: bool = False) -> set[int]:
    """The organisations whose desk the user may use; 403 when none."""
    org_ids = desk_org_ids(user, write=write)
    if not org_ids:
        raise PermissionDenied
    return org_ids


def encounters_visible_to(user, *, write: bool = False):
    return Encounter.objects.in_organisations(desk_org_ids(user, write=write))


def places_for(user):
    return Place.objects.filter(organisation_id__in=desk_org_ids(user), active=True)


def get_encounter_for_user(user, code, *, write: bool = False) -> Encounter:
    encounter = (
        encounters_visible_to(user)
        .filter(code=code)
        .select_related("place", "person", "partner", "organisation")
        .first()
    )
    if encounter is None:
        raise Http404
    if write and encounter.organisation_id not in desk_org_ids(user, write=True):
        raise PermissionDenied
    return encounter


def get_place_for_user(user, code) -> Place:
    place = places_for(user).filter(code=code).first()
    if place is None:
        raise Http404
    return place
