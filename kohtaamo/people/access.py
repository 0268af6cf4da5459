"""The one gate for people. No view or API reads a Person any other way.

Visibility comes from the role's capability `client_access` in an active membership of the
organisation that keeps the registry: `read` sees, `write` also records. Everyone else (another
organisation, a manager, an evaluator, an administrator) gets 404, so existence does not leak.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.people.models import Person


def people_visible_to(user, *, write: bool = False):
    if not user.is_authenticated:
        return Person.objects.none()
    levels = ("write",) if write else ("read", "write")
    return Person.objects.in_organisations(user.organisation_ids(client_access=levels))


def can_write_people(user) -> bool:
    return bool(user.is_authenticated and user.organisation_ids(client_access=("write",)))


def get_person_for_user(user, code, *, write: bool = False) -> Person:
    person = people_visible_to(user).filter(code=code).select_related("organisation").first()
    if person is None:
        raise Http404
    if write and person.organisation_id not in user.organisation_ids(client_access=("write",)):
        raise PermissionDenied
    return person


def get_consent_for_user(user, code, *, write: bool = False):
    """A consent is seen through its person: same visibility, same write rule."""
    from kohtaamo.people.consent import Consent

    consent = (
        Consent.objects.filter(code=code, person__in=people_visible_to(user))
        .select_related("person")
        .first()
    )
    if consent is None:
        raise Http404
    if write and consent.organisation_id not in user.organisation_ids(client_access=("write",)):
        raise PermissionDenied
    return consent
