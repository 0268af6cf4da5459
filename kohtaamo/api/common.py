from __future__ import annotations

from kohtaamo.api.schemas import ErrorOut
from kohtaamo.audit.actions import Actor

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def actor(request) -> Actor:
    return Actor.from_request(request, channel="api")
