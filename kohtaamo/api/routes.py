"""API endpoints. The foundation's are here; each domain has its own router module in this
package (desk.py, directory.py, ...), added to the API below."""

from __future__ import annotations

from uuid import UUID

from kohtaamo.api import casework, channel, desk, directory, evaluation, outreach
from kohtaamo.api.api import api
from kohtaamo.api.common import ERRORS, actor
from kohtaamo.api.schemas import MeOut, PersonOut
from kohtaamo.people import actions as people_actions


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


for module, prefix in [
    (desk, ""),
    (directory, ""),
    (casework, ""),
    (outreach, ""),
    (channel, ""),
    (evaluation, ""),
]:
    api.add_router(prefix, module.router)
