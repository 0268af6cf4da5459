"""The gates of outreach. No view or API reads a shift, alert, place or observation another way.

Shifts and places belong to an organisation. Members whose role has client access `read` or
`write` there see them, and so does the shift's on-call person and anyone whose role sees
aggregates (a manager often is the on-call person). Recording (check-ins, contacts, help, the end
of the shift) is for the shift's own workers with `write` access; planning shifts and editing places
is for `write` members. Acknowledging an alert is for the workers, the on-call person, `write`
members and managers; a read-only member sees the board but gets 403. Everyone else gets 404.

Field contacts are desk encounters and are read through the desk's gate
(`kohtaamo.encounters.access`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from kohtaamo.encounters.models import Place
from kohtaamo.outreach.models import Observation, OutreachPlace, SafetyAlert, Shift


def read_org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return user.organisation_ids(client_access=("read", "write"))


def write_org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return user.organisation_ids(client_access=("write",))


def manager_org_ids(user) -> set[int]:
    """Leaders who see aggregates and named staff (not the pseudonymised-only evaluators)."""
    if not user.is_authenticated:
        return set()
    return {
        m.organisation_id
        for m in user.active_memberships()
        if m.role.sees_aggregates and not m.role.pseudonymised_only
    }


def board_org_ids(user) -> set[int]:
    """Organisations whose shifts the user sees on the safety board."""
    return read_org_ids(user) | manager_org_ids(user)


def acknowledge_org_ids(user) -> set[int]:
    return write_org_ids(user) | manager_org_ids(user)


def can_plan(user) -> bool:
    return bool(write_org_ids(user))


def require_outreach(user, *, write: bool = False) -> set[int]:
    """The organisations whose outreach the user may use; 403 when none."""
    org_ids = write_org_ids(user) if write else board_org_ids(user)
    if not org_ids:
        raise PermissionDenied
    return org_ids


def shifts_visible_to(user):
    if not user.is_authenticated:
        return Shift.objects.none()
    return Shift.objects.filter(
        Q(organisation_id__in=board_org_ids(user)) | Q(on_call=user)
    ).distinct()


def is_worker(shift: Shift, user) -> bool:
    return any(w.user_id == user.pk for w in shift.crew.all())


def get_shift_for_user(user, code, *, write: bool = False) -> Shift:
    """`write`: the user records on this shift (a worker on it with write access)."""
    shift = (
        shifts_visible_to(user)
        .filter(code=code)
        .select_related("team", "team__unit", "on_call", "organisation")
        .prefetch_related("crew__user")
        .first()
    )
    if shift is None:
        raise Http404
    if write and not (is_worker(shift, user) and shift.organisation_id in write_org_ids(user)):
        raise PermissionDenied
    return shift


def can_acknowledge(shift: Shift, user) -> bool:
    return (
        shift.on_call_id == user.pk
        or is_worker(shift, user)
        or shift.organisation_id in acknowledge_org_ids(user)
    )


def get_alert_for_user(user, code, *, write: bool = False) -> SafetyAlert:
    """`write`: the user may acknowledge the alert."""
    alert = (
        SafetyAlert.objects.filter(code=code, shift__in=shifts_visible_to(user))
        .select_related("shift", "worker")
        .first()
    )
    if alert is None:
        raise Http404
    if write and not can_acknowledge(alert.shift, user):
        raise PermissionDenied
    return alert


def places_visible_to(user):
    return OutreachPlace.objects.filter(
        place__organisation_id__in=board_org_ids(user)
    ).select_related("place")


def get_place_for_user(user, code, *, write: bool = False) -> OutreachPlace:
    """An outreach place by its desk place's code."""
    place = places_visible_to(user).filter(place__code=code).first()
    if place is None:
        raise Http404
    if write and place.place.organisation_id not in write_org_ids(user):
        raise PermissionDenied
    return place


def desk_places_for(user, organisation_id: int):
    """Places a shift of this organisation may visit (outreach places and desk places)."""
    if organisation_id not in board_org_ids(user):
        return Place.objects.none()
    return Place.objects.filter(organisation_id=organisation_id, active=True)


def observations_visible_to(user):
    """The field team and its leaders (observations carry no personal data)."""
    return Observation.objects.in_organisations(board_org_ids(user))


def get_observation_for_user(user, code) -> Observation:
    observation = observations_visible_to(user).filter(code=code).first()
    if observation is None:
        raise Http404
    return observation


def figures_org_ids(user) -> set[int]:
    """Counts without personal data: members with client access and those who see aggregates."""
    if not user.is_authenticated:
        return set()
    return read_org_ids(user) | {
        m.organisation_id for m in user.active_memberships() if m.role.sees_aggregates
    }
