"""Who may use the directory's staff pages. Directory data is public information: every staff
member sees it; administrators (role capability `configures`) edit entries and mark them verified."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.directory.models import Service


def is_staff_member(user) -> bool:
    return bool(user.is_authenticated and (user.active_memberships() or user.is_superuser))


def can_configure(user) -> bool:
    return bool(user.is_authenticated and (user.has_capability("configures") or user.is_superuser))


def require_staff(user) -> None:
    if not is_staff_member(user):
        raise PermissionDenied


def get_service(hsds_id, *, edit: bool = False, user=None) -> Service:
    """A service by its HSDS id; editing needs the `configures` capability."""
    service = (
        Service.objects.filter(hsds_id=hsds_id)
        .select_related("organisation")
        .prefetch_related("languages")
        .first()
    )
    if service is None:
        raise Http404
    if edit and not can_configure(user):
        raise PermissionDenied
    return service
