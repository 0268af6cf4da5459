"""API endpoints for the directory domain. Directory data is public information, so these are
open without authentication (the public service finder uses the same search), lightly
rate-limited per client address.

- `GET /services/search?q=...&lang=fi&limit=10` → `{"results": [{"id", "name", "organization",
  "score"}]}`, best first. Filters: municipality, language, open_now, free_of_charge,
  anonymous_allowed, no_appointment. An empty or odd query gives an empty list, never an error.
- `GET /services/{id}` → the service as an HSDS 3.0 service object.
"""

from __future__ import annotations

import time
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from kohtaamo.api.common import ERRORS
from kohtaamo.directory import hsds
from kohtaamo.directory.models import Service
from kohtaamo.directory.search import Filters, search_services
from kohtaamo.directory.text import MAX_QUERY_CHARS

router = Router(tags=["directory"])

RATE_PER_MINUTE = 120


def _rate_limit(request) -> None:
    if not getattr(settings, "DIRECTORY_API_RATE_LIMIT", True):
        return
    key = f"dir-api:{request.META.get('REMOTE_ADDR', '')}:{int(time.time() // 60)}"
    count = cache.get_or_set(key, 0, timeout=70)
    if count >= RATE_PER_MINUTE:
        raise HttpError(429, "Too many searches from this address; wait a minute.")
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=70)


class SearchParams(Schema):
    q: str = Field(
        "",
        description="What the person needs, in everyday words (cut at 200 characters).",
        examples=["vuokrat rästissä"],
    )
    lang: Literal["fi", "sv", "en"] = Field(
        "fi", description="Language of the query and the texts.", examples=["fi"]
    )
    limit: int = Field(10, ge=1, le=50, examples=[10])
    municipality: str = Field("", max_length=100, examples=[""])
    language: Literal["", "fi", "sv", "en"] = Field(
        "", description="Only services given in this language.", examples=[""]
    )
    open_now: bool = Field(False, examples=[False])
    free_of_charge: bool = Field(False, examples=[False])
    anonymous_allowed: bool = Field(False, examples=[False])
    no_appointment: bool = Field(False, examples=[False])


class ServiceHit(Schema):
    id: str = Field(
        ...,
        description="The HSDS service id (a UUID).",
        examples=["8d0d6a9e-0f1c-5a43-9b51-6c2f0d9a4c10"],
    )
    name: str = Field(..., examples=["Asumisneuvonta"])
    organization: str = Field(..., examples=["Järvelän Vuokratalot Oy"])
    score: float = Field(..., description="Relative to the best hit (1.0).", examples=[1.0])


class SearchOut(Schema):
    results: list[ServiceHit]


@router.get(
    "/services/search",
    auth=None,
    response={200: SearchOut, **ERRORS, 429: ERRORS[400]},
    summary="Search services with everyday words (public)",
)
def search(request, params: Query[SearchParams]):
    _rate_limit(request)
    hits = search_services(
        params.q[: MAX_QUERY_CHARS * 2],
        lang=params.lang,
        limit=params.limit,
        filters=Filters(
            municipality=params.municipality,
            language=params.language,
            open_now=params.open_now,
            free_of_charge=params.free_of_charge,
            anonymous_allowed=params.anonymous_allowed,
            no_appointment=params.no_appointment,
        ),
    )
    return {
        "results": [
            {
                "id": str(hit.service.hsds_id),
                "name": hit.service.name
                if params.lang == "fi"
                else getattr(hit.service, f"name_{params.lang}") or hit.service.name_fi,
                "organization": getattr(hit.service.organisation, f"name_{params.lang}")
                or hit.service.organisation.name_fi,
                "score": hit.score,
            }
            for hit in hits
        ]
    }


@router.get(
    "/services/{service_id}",
    auth=None,
    response={200: dict, **ERRORS, 429: ERRORS[400]},
    summary="One service as an HSDS 3.0 service object (public)",
    openapi_extra={
        "responses": {
            "200": {
                "content": {
                    "application/json": {
                        "example": {
                            "id": "8d0d6a9e-0f1c-5a43-9b51-6c2f0d9a4c10",
                            "name": "Asumisneuvonta",
                            "status": "active",
                        }
                    }
                }
            }
        }
    },
)
def service_detail(request, service_id: UUID, lang: Literal["fi", "sv", "en"] = "fi"):
    _rate_limit(request)
    service = (
        Service.objects.filter(hsds_id=service_id)
        .select_related("organisation")
        .prefetch_related("languages", "contacts", "schedules", "channels__schedules")
        .first()
    )
    if service is None:
        raise Http404
    return hsds.export_service(service, lang)
