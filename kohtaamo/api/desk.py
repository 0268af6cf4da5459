"""API endpoints for the desk domain. Endpoints call the same access gates and actions as the views.

- `POST /encounters` records a contact; an `Idempotency-Key` header makes retries safe (the same key
  and body return the first response and create nothing; the same key with another body is 409).
- `GET /encounters` lists contacts with keyset pagination (`next` link).
- `GET /instruments` and `POST /instruments/{key}/score` (scores without storing).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Literal
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import field_validator

from kohtaamo.accounts.models import Organisation, User
from kohtaamo.api.common import ERRORS, actor
from kohtaamo.encounters import notecheck, paging
from kohtaamo.encounters.access import (
    desk_org_ids,
    encounters_visible_to,
    get_place_for_user,
    require_desk,
)
from kohtaamo.encounters.actions import (
    EncounterInput,
    code_in_use,
    log_listed,
    record_encounter,
)
from kohtaamo.encounters.models import Encounter, IdempotencyKey
from kohtaamo.encounters.taxonomy import terms
from kohtaamo.instruments.models import Instrument
from kohtaamo.instruments.scoring import AnswerError
from kohtaamo.instruments.scoring import score as score_answers
from kohtaamo.people import contact_code
from kohtaamo.people.actions import open_person

router = Router(tags=["desk"])

FUTURE_SKEW = datetime.timedelta(minutes=5)
MAX_LIMIT = 200


def _invalid(field: str, message: str):
    return ValidationError([{"loc": ["body", "payload", *field.split(".")], "msg": message}])


class EncounterIn(Schema):
    client_id: UUID | None = Field(
        None,
        description="A UUID made by the client; sending it again returns the first contact.",
        examples=["5b0f3f57-7d3a-4a8e-9d55-0b7f6a1f1c11"],
    )
    place: UUID | None = Field(None, description="The place's code.", examples=[None])
    channel: str = Field(..., description="A channel key from the taxonomy.", examples=["desk"])
    started_at: datetime.datetime | None = Field(
        None,
        description="Defaults to now; not in the future.",
        examples=["2026-03-02T10:15:00+02:00"],
    )
    duration_minutes: int = Field(..., ge=1, le=24 * 60, examples=[10])
    identity_level: Literal["anonymous", "pseudonymous", "identified"] = Field(
        "anonymous", examples=["anonymous"]
    )
    contact_code: str = Field("", description="An existing contact code.", examples=[""])
    new_contact_code: bool = Field(
        False, description="Make a new contact code; it is returned once.", examples=[False]
    )
    person: UUID | None = Field(
        None, description="The person's code (identified).", examples=[None]
    )
    themes: list[str] = Field(..., min_length=1, examples=[["income", "debt"]])
    support: list[str] = Field(..., min_length=1, examples=[["counselling"]])
    result: str = Field(..., examples=["settled"])
    arrival: str = Field("self", examples=["self"])
    partner: UUID | None = Field(None, description="The guiding partner organisation's code.")
    pair_worker: UUID | None = Field(None, description="The other worker's user code.")
    age_band: str = Field("", examples=["25_34"])
    gender: str = Field("", examples=["not_told"])
    municipality: str = Field("", max_length=100, examples=["Järvelä"])
    guided_to: str = Field("", max_length=200, examples=[""])
    is_repeat: bool = Field(False, examples=[False])
    about_handled_matter: bool | None = Field(None, examples=[None])
    failure_reason: str = Field("", examples=[""])
    note: str = Field("", max_length=5000, examples=[""])
    note_confirmed: bool = Field(
        False, description="The worker checked that the note does not identify the person."
    )

    @field_validator("started_at")
    @classmethod
    def not_in_future(cls, value):
        if value is not None:
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            if value > timezone.now() + FUTURE_SKEW:
                raise ValueError("the start time is in the future")
        return value


class EncounterOut(Schema):
    code: UUID = Field(..., examples=["0c5e2b8e-1d57-4d5b-8e0f-3f7c2a9b6d10"])
    client_id: UUID | None = Field(None, examples=["5b0f3f57-7d3a-4a8e-9d55-0b7f6a1f1c11"])
    started_at: datetime.datetime = Field(..., examples=["2026-03-02T10:15:00+02:00"])
    duration_minutes: int = Field(..., examples=[10])
    place: UUID | None = Field(None, examples=[None])
    channel: str = Field(..., examples=["desk"])
    identity_level: str = Field(..., examples=["anonymous"])
    person: UUID | None = Field(None, examples=[None])
    themes: list[str] = Field(..., examples=[["income", "debt"]])
    support: list[str] = Field(..., examples=[["counselling"]])
    result: str = Field(..., examples=["settled"])
    is_repeat: bool = Field(..., examples=[False])
    about_handled_matter: bool | None = Field(None, examples=[None])
    failure_reason: str = Field("", examples=[""])
    earlier_contacts: int | None = Field(None, examples=[0])
    new_contact_code: str = Field(
        "", description="Only in the response that made the code.", examples=[""]
    )


class EncounterPage(Schema):
    items: list[EncounterOut]
    next: str | None = Field(
        None, examples=["/api/v1/encounters?cursor=MjAyNi0wMy0wMlQxMDoxNTowMCswMjowMHw0Mg"]
    )


class InstrumentOptionOut(Schema):
    value: int = Field(..., examples=[0])
    label: dict = Field(..., examples=[{"fi": "En koskaan", "sv": "Aldrig", "en": "Never"}])


class InstrumentItemOut(Schema):
    key: str = Field(..., examples=["q1"])
    text: dict = Field(
        ..., examples=[{"fi": "Kuinka usein juot...", "sv": "...", "en": "How often..."}]
    )
    options: list[InstrumentOptionOut]


class InstrumentOut(Schema):
    key: str = Field(..., examples=["audit_c"])
    version: str = Field(..., examples=["1"])
    name: dict = Field(..., examples=[{"fi": "AUDIT-C", "sv": "AUDIT-C", "en": "AUDIT-C"}])
    description: dict = Field(..., examples=[{"en": "Screening, not diagnosis."}])
    items: list[InstrumentItemOut]


class ScoreIn(Schema):
    answers: dict[str, int | None] = Field(..., examples=[{"q1": 2, "q2": 1, "q3": 2}])
    sex: Literal["male", "female", "unknown"] | None = Field(None, examples=["female"])


class ScoreOut(Schema):
    instrument: str = Field(..., examples=["audit_c"])
    version: str = Field(..., examples=["1"])
    scores: dict = Field(..., examples=[{"total": 5}])
    band: dict = Field(..., examples=[{}])
    cutoffs: dict = Field(..., examples=[{"fi_kaypahoito_2015": {"positive": True}}])
    flags: list = Field(..., examples=[[]])
    missing: list = Field(..., examples=[[]])
    complete: bool = Field(..., examples=[True])
    screening_not_diagnosis: bool = Field(True, examples=[True])


def _out(
    e: Encounter,
    *,
    earlier: int | None = None,
    new_code: str = "",
    themes: list[str] | None = None,
    support: list[str] | None = None,
) -> dict:
    return {
        "code": e.code,
        "client_id": e.client_id,
        "started_at": e.started_at,
        "duration_minutes": e.duration_minutes,
        "place": e.place.code if e.place_id else None,
        "channel": e.channel,
        "identity_level": e.identity_level,
        "person": e.person.code if e.person_id else None,
        "themes": themes if themes is not None else sorted(t.key for t in e.themes.all()),
        "support": support if support is not None else sorted(t.key for t in e.support.all()),
        "result": e.result,
        "is_repeat": e.is_repeat,
        "about_handled_matter": e.about_handled_matter,
        "failure_reason": e.failure_reason,
        "earlier_contacts": earlier,
        "new_contact_code": new_code,
    }


def _check_key(section_terms: dict, section: str, field: str, value: str, *, blank_ok=False):
    if blank_ok and not value:
        return
    if value not in {t.key for t in section_terms[section]}:
        raise _invalid(field, f"unknown {field} {value!r}")


def _to_input(request, payload: EncounterIn) -> EncounterInput:
    user = request.user
    write_orgs = require_desk(user, write=True)
    all_terms = terms()
    by_key = {s: {t.key: t for t in rows} for s, rows in all_terms.items()}
    for field, section in (("themes", "themes"), ("support", "support")):
        unknown = [k for k in getattr(payload, field) if k not in by_key[section]]
        if unknown:
            raise _invalid(field, f"unknown {field} key(s): {', '.join(unknown)}")
    _check_key(all_terms, "channels", "channel", payload.channel)
    _check_key(all_terms, "results", "result", payload.result)
    _check_key(all_terms, "arrival", "arrival", payload.arrival)
    _check_key(all_terms, "age_bands", "age_band", payload.age_band, blank_ok=True)
    _check_key(all_terms, "genders", "gender", payload.gender, blank_ok=True)
    _check_key(
        all_terms, "failure_reasons", "failure_reason", payload.failure_reason, blank_ok=True
    )
    if notecheck.has_hetu(payload.note):
        raise _invalid("note", "remove the identity code from the note")
    if (
        payload.identity_level != "identified"
        and notecheck.warnings(payload.note)
        and not payload.note_confirmed
    ):
        raise _invalid(
            "note",
            "the note may identify the person ("
            + ", ".join(notecheck.warnings(payload.note))
            + "); remove it or set note_confirmed",
        )
    place = get_place_for_user(user, payload.place) if payload.place else None
    if place is not None and place.organisation_id not in write_orgs:
        raise HttpError(403, "You cannot record contacts at this place.")
    person = None
    if payload.identity_level == "identified":
        if payload.person is None:
            raise _invalid("person", "an identified contact needs the person's code")
        person = open_person(actor(request), user, payload.person, write=True)
    membership = next(
        (m for m in user.active_memberships() if m.organisation_id in write_orgs), None
    )
    organisation_id = (
        place.organisation_id
        if place
        else person.organisation_id
        if person
        else membership.organisation_id
    )
    if payload.identity_level == "pseudonymous":
        if not payload.new_contact_code:
            code = contact_code.normalise(payload.contact_code)
            if not code:
                raise _invalid(
                    "contact_code", "a contact code is a word and four digits, e.g. KALA-4821"
                )
            if not code_in_use(organisation_id, contact_code.hash_code(code)):
                raise _invalid("contact_code", "no contacts with this code were found")
    partner_id = None
    if payload.arrival == "partner_guided":
        if payload.partner is None:
            raise _invalid("partner", "name the partner who guided the person")
        partner = Organisation.objects.filter(code=payload.partner).first()
        if partner is None:
            raise _invalid("partner", "unknown partner organisation")
        partner_id = partner.pk
    pair = None
    if payload.pair_worker:
        pair = User.objects.filter(
            code=payload.pair_worker,
            memberships__organisation_id=organisation_id,
            memberships__is_active=True,
        ).first()
        if pair is None:
            raise _invalid("pair_worker", "unknown worker in this organisation")
    if payload.about_handled_matter and not payload.failure_reason:
        raise _invalid("failure_reason", "say why the person is back")
    same_org = next(
        (m for m in user.active_memberships() if m.organisation_id == organisation_id), None
    )
    return EncounterInput(
        organisation_id=organisation_id,
        unit_id=(place.unit_id if place else None) or (same_org.unit_id if same_org else None),
        team_id=(place.team_id if place else None) or (same_org.team_id if same_org else None),
        place=place,
        channel=payload.channel,
        started_at=payload.started_at or timezone.now(),
        duration_minutes=payload.duration_minutes,
        result=payload.result,
        identity_level=payload.identity_level,
        themes=[by_key["themes"][k] for k in payload.themes],
        support=[by_key["support"][k] for k in payload.support],
        pair_worker=pair,
        arrival=payload.arrival,
        partner_id=partner_id,
        age_band=payload.age_band,
        gender=payload.gender,
        municipality=payload.municipality,
        contact_code=payload.contact_code,
        new_contact_code=payload.new_contact_code,
        person=person,
        guided_to=payload.guided_to,
        is_repeat=payload.is_repeat,
        about_handled_matter=payload.about_handled_matter,
        failure_reason=payload.failure_reason,
        note=payload.note,
        client_id=payload.client_id,
    )


def _stored(user, key: str) -> IdempotencyKey | None:
    """The stored answer to an Idempotency-Key: one look-up in the unique (user, key) index."""
    rows = IdempotencyKey.objects.filter(user=user, key=key).only(
        "request_hash", "status_code", "response"
    )[:1]  # no ORDER BY: the pair is unique
    return next(iter(rows), None)


def _body_hash(payload: EncounterIn) -> str:
    body = json.dumps(payload.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


@router.post(
    "/encounters",
    response={200: EncounterOut, 201: EncounterOut, **ERRORS},
    summary="Record a contact (idempotent with an Idempotency-Key header or client_id)",
    openapi_extra={
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "example": "7d4c1c36-2b1f-4d93-9a7e-2b7c9f0e5a61",
                "description": "Retries with the same key and body return the first response.",
            }
        ],
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {
                        "client_id": "5b0f3f57-7d3a-4a8e-9d55-0b7f6a1f1c11",
                        "channel": "desk",
                        "duration_minutes": 10,
                        "identity_level": "anonymous",
                        "themes": ["income", "debt"],
                        "support": ["counselling"],
                        "result": "settled",
                    }
                }
            }
        },
    },
)
def create_encounter(request, payload: EncounterIn):
    key = request.headers.get("Idempotency-Key", "").strip()[:200]
    body_hash = _body_hash(payload) if key else ""
    if key:
        stored = _stored(request.user, key)
        if stored is not None:
            if stored.request_hash != body_hash:
                raise HttpError(409, "This Idempotency-Key was used with a different request.")
            return stored.status_code, stored.response
    data = _to_input(request, payload)
    try:
        with transaction.atomic():
            recorded = record_encounter(actor(request), data, by=request.user)
            status = 201 if recorded.created else 200
            body = _out(
                recorded.encounter,
                earlier=recorded.earlier if recorded.created else None,
                new_code=recorded.new_contact_code,
                themes=recorded.theme_keys,
                support=recorded.support_keys,
            )
            if key:
                IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    request_hash=body_hash,
                    status_code=status,
                    response=json.loads(EncounterOut(**body).model_dump_json()),
                )
    except IntegrityError:
        stored = _stored(request.user, key) if key else None
        if stored is None:
            raise
        if stored.request_hash != body_hash:
            raise HttpError(
                409, "This Idempotency-Key was used with a different request."
            ) from None
        return stored.status_code, stored.response
    return status, body


class ListParams(Schema):
    since: datetime.datetime | None = Field(
        None,
        description="Contacts that started at or after this time.",
        examples=["2026-03-01T00:00:00+02:00"],
    )
    place: UUID | None = Field(None, description="Only this place (its code).")
    cursor: str = Field("", description="The `next` cursor of the previous page.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, examples=[50])


@router.get(
    "/encounters",
    response={200: EncounterPage, **ERRORS},
    summary="List contacts, oldest first from `since`, with a `next` link",
)
def list_encounters(request, params: Query[ListParams]):
    if not desk_org_ids(request.user):
        raise HttpError(403, "Your role does not allow this.")
    if params.cursor and paging.decode(params.cursor) is None:
        raise _invalid("cursor", "not a cursor from this API")
    qs = encounters_visible_to(request.user)
    if params.since:
        since = (
            params.since if timezone.is_aware(params.since) else timezone.make_aware(params.since)
        )
        qs = qs.filter(started_at__gte=since)
    if params.place:
        qs = qs.filter(place=get_place_for_user(request.user, params.place))
    rows, cursor = paging.page(
        qs.with_lists().select_related("person"),
        params.cursor,
        limit=params.limit,
        newest_first=False,
    )
    log_listed(actor(request), rows, action="api_read")
    next_url = None
    if cursor:
        query = request.GET.copy()
        query["cursor"] = cursor
        next_url = f"{request.path}?{query.urlencode()}"
    return {"items": [_out(e) for e in rows], "next": next_url}


@router.get(
    "/instruments",
    response={200: list[InstrumentOut], **ERRORS},
    summary="The assessment instruments in use, with their items and options",
)
def list_instruments(request):
    if not request.user.organisation_ids():
        raise HttpError(403, "Your role does not allow this.")
    return [
        {
            "key": i.key,
            "version": i.version,
            "name": i.definition.get("name", {}),
            "description": i.definition.get("description", {}),
            "items": [
                {
                    "key": item["key"],
                    "text": item["text"],
                    "options": [
                        {"value": o["value"], "label": o["label"]} for o in item["options"]
                    ],
                }
                for item in i.definition["items"]
            ],
        }
        for i in Instrument.objects.current()
    ]


@router.post(
    "/instruments/{key}/score",
    response={200: ScoreOut, **ERRORS},
    summary="Score answers without storing them (screening, not diagnosis)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {"answers": {"q1": 2, "q2": 1, "q3": 2}, "sex": "female"}
                }
            }
        }
    },
)
def score_instrument(request, key: str, payload: ScoreIn):
    if not request.user.organisation_ids():
        raise HttpError(403, "Your role does not allow this.")
    instrument = Instrument.objects.current().filter(key=key).first()
    if instrument is None:
        raise HttpError(404, f"No instrument {key!r}.")
    try:
        result = score_answers(
            instrument.definition,
            payload.answers,
            sex=None if payload.sex in (None, "unknown") else payload.sex,
        )
    except AnswerError as error:
        raise ValidationError(
            [
                {"loc": ["body", "payload", "answers", item], "msg": message}
                for item, message in error.errors.items()
            ]
        ) from None
    data = result.to_dict()
    return {
        "instrument": data["instrument"],
        "version": data["version"],
        "scores": data["scores"],
        "band": data["band"],
        "cutoffs": data["cutoffs"],
        "flags": data["flags"],
        "missing": data["missing"],
        "complete": data["complete"],
        "screening_not_diagnosis": True,
    }
