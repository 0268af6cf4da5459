"""API endpoints of the foundation; domain apps add their routers from here."""

from __future__ import annotations

from uuid import UUID

from kohtaamo.api.api import api
from kohtaamo.api.schemas import ErrorOut, MeOut, PersonOut
from kohtaamo.audit.actions import Actor
from kohtaamo.people import actions as people_actions

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def actor(request) -> Actor:
    return Actor.from_request(request, channel="api")


@api.get("/me", response={200: MeOut, **ERRORS}, tags=["accounts"], summary="The calling user")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "roles": user.role_keys,
        "organisations": sorted({m.organisation.name for m in user.active_memberships()}),
    }


@api.get(
    "/people/{code}",
    response={200: PersonOut, **ERRORS},
    tags=["people"],
    summary="One identified person (writes an access-log entry)",
)
def person_detail(request, code: UUID):
    person = people_actions.open_person(actor(request), request.user, code)
    return {
        "code": str(person.code),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "hetu_masked": person.hetu_masked,
        "phone": person.phone,
        "email": person.email,
        "municipality": person.municipality,
    }
