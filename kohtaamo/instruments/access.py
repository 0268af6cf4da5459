"""The gate for instrument results. Results are health data: a result with a person is seen
exactly as the person is (people's gate); one made during an anonymous or pseudonymous contact,
as that contact is (the desk's gate). Everyone else gets 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from kohtaamo.instruments.models import InstrumentResult
from kohtaamo.people.access import people_visible_to


def results_visible_to(user, *, write: bool = False):
    if not user.is_authenticated:
        return InstrumentResult.objects.none()
    levels = ("write",) if write else ("read", "write")
    org_ids = user.organisation_ids(client_access=levels)
    return InstrumentResult.objects.filter(
        Q(person__in=people_visible_to(user, write=write))
        | Q(person__isnull=True, organisation_id__in=org_ids)
    )


def get_result_for_user(user, code, *, write: bool = False) -> InstrumentResult:
    result = (
        results_visible_to(user)
        .filter(code=code)
        .select_related("instrument", "person", "encounter")
        .first()
    )
    if result is None:
        raise Http404
    if write and result.organisation_id not in user.organisation_ids(client_access=("write",)):
        raise PermissionDenied
    return result
