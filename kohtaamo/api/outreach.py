"""API endpoints for the outreach domain. Endpoints call the same access gates and actions as the views.

- `POST /outreach/sync`: the phone's queue of check-ins and field contacts (idempotent per item);
- `GET /outreach/shifts`: the caller's shifts of today (worker or on call);
- `GET /outreach/shifts/{code}`: one shift with each worker's last check-in;
- `POST /outreach/shifts/{code}/help`: "need help now";
- `POST /outreach/alerts/{code}/acknowledge`: acknowledge a safety alert.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from django.db.models import Q
from django.utils import timezone
from ninja import Field, Router, Schema

from kohtaamo.api.common import ERRORS, actor
from kohtaamo.outreach import access, actions, queries
from kohtaamo.outreach.models import Shift
from kohtaamo.outreach.sync import sync_batch

router = Router(tags=["outreach"])
MAX_ITEMS = 500


class SyncItemIn(Schema):
    client_id: UUID = Field(description="Made on the phone; repeating it never duplicates.")
    kind: str = Field(description='"checkin" or "contact"', max_length=20)
    device_time: datetime.datetime | None = Field(
        None, description="When it was made, by the phone's clock."
    )
    payload: dict = Field(default_factory=dict)


class SyncIn(Schema):
    sent_at: datetime.datetime | None = Field(
        None, description="The phone's clock when sending, to detect a wrong clock."
    )
    items: list[SyncItemIn] = Field(..., max_length=MAX_ITEMS)

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "sent_at": "2026-05-04T14:52:00+03:00",
                    "items": [
                        {
                            "client_id": "6f1c3c1e-6a57-4a83-9a52-2c1d2d2b8a10",
                            "kind": "checkin",
                            "device_time": "2026-05-04T14:05:00+03:00",
                            "payload": {
                                "shift": "0b8f6a44-1d2e-4d1a-8f3e-7c9b5e2a6d11",
                                "place": "2a7e9d3c-5b14-4f8e-9c0a-1e6d8b3f4a22",
                                "next_minutes": 45,
                                "location_consent": False,
                            },
                        },
                        {
                            "client_id": "9d2b7e4a-3c18-4b6f-8e2d-5a1c7f9b0e33",
                            "kind": "contact",
                            "device_time": "2026-05-04T14:20:00+03:00",
                            "payload": {
                                "shift": "0b8f6a44-1d2e-4d1a-8f3e-7c9b5e2a6d11",
                                "identity_level": "anonymous",
                                "themes": ["housing"],
                                "support": ["listening"],
                                "result": "settled",
                            },
                        },
                    ],
                }
            ]
        }
    }


class ItemErrorOut(Schema):
    field: str
    message: str


class SyncItemOut(Schema):
    client_id: str
    status: str = Field(description='"created", "duplicate" or "invalid"')
    errors: list[ItemErrorOut] = []
    code: str | None = Field(None, description="The saved check-in or contact.")
    contact_code: str | None = Field(None, description="A new contact code, shown once.")
    clock_corrected: bool = False


class SyncOut(Schema):
    received_at: datetime.datetime
    clock_offset_seconds: int | None
    clock_corrected: bool
    counts: dict[str, int]
    items: list[SyncItemOut]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "received_at": "2026-05-04T14:52:01+03:00",
                    "clock_offset_seconds": None,
                    "clock_corrected": False,
                    "counts": {"created": 1, "duplicate": 1, "invalid": 0},
                    "items": [
                        {
                            "client_id": "6f1c3c1e-6a57-4a83-9a52-2c1d2d2b8a10",
                            "status": "created",
                            "errors": [],
                            "code": "3c9e…",
                            "contact_code": None,
                            "clock_corrected": False,
                        }
                    ],
                }
            ]
        }
    }


class WorkerOut(Schema):
    username: str
    name: str
    status: str = Field(description="ok, due, overdue, safe or waiting")
    last_check_in: datetime.datetime | None
    last_received: datetime.datetime | None
    last_place: str | None
    next_by: datetime.datetime | None


class ShiftOut(Schema):
    code: str
    title: str
    team: str
    status: str
    planned_start: datetime.datetime
    planned_end: datetime.datetime
    on_call: str
    workers: list[WorkerOut]
    open_alerts: int

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "code": "0b8f6a44-1d2e-4d1a-8f3e-7c9b5e2a6d11",
                    "title": "Evening round",
                    "team": "Kenttätiimi",
                    "status": "active",
                    "planned_start": "2026-05-04T13:00:00+03:00",
                    "planned_end": "2026-05-04T17:00:00+03:00",
                    "on_call": "Essi Esihenkilö",
                    "workers": [
                        {
                            "username": "etsiva",
                            "name": "Eeva Etsivä",
                            "status": "ok",
                            "last_check_in": "2026-05-04T14:05:00+03:00",
                            "last_received": "2026-05-04T14:52:01+03:00",
                            "last_place": "Järvelän asema",
                            "next_by": "2026-05-04T14:50:00+03:00",
                        }
                    ],
                    "open_alerts": 0,
                }
            ]
        }
    }


class AlertOut(Schema):
    code: str
    kind: str
    raised_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    escalations: int

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "code": "5e2d…",
                    "kind": "help",
                    "raised_at": "2026-05-04T14:31:00+03:00",
                    "acknowledged_at": None,
                    "escalations": 1,
                }
            ]
        }
    }


def _name(user) -> str:
    return user.get_full_name() or user.username


def _shift_out(row: queries.BoardShift, now) -> dict:
    shift = row.shift
    return {
        "code": str(shift.code),
        "title": shift.title,
        "team": shift.team.name,
        "status": shift.status,
        "planned_start": shift.planned_start,
        "planned_end": shift.planned_end,
        "on_call": _name(shift.on_call),
        "workers": [
            {
                "username": s.user.username,
                "name": _name(s.user),
                "status": queries.worker_status(s, now),
                "last_check_in": s.last.seen_at if s.last else None,
                "last_received": s.last.received_at if s.last else None,
                "last_place": s.last.place.name if s.last and s.last.place else None,
                "next_by": s.due_at,
            }
            for s in row.workers
        ],
        "open_alerts": len(row.open_alerts),
    }


def _alert_out(alert) -> dict:
    return {
        "code": str(alert.code),
        "kind": alert.kind,
        "raised_at": alert.raised_at,
        "acknowledged_at": alert.acknowledged_at,
        "escalations": alert.escalations,
    }


@router.post(
    "/outreach/sync",
    response={200: SyncOut, **ERRORS},
    url_name="outreach_sync",
    summary="Sync the phone's queue of check-ins and field contacts",
    description=(
        "Each item is saved on its own and answered `created`, `duplicate` (its `client_id` was "
        "seen before) or `invalid` (with errors). Sending the same batch again is safe. A phone "
        "clock more than 2 minutes off (by `sent_at`) is corrected and flagged."
    ),
)
def sync(request, payload: SyncIn):
    result = sync_batch(
        actor(request),
        request.user,
        items=[item.dict() for item in payload.items],
        sent_at=payload.sent_at,
    )
    return {
        "received_at": result.received_at,
        "clock_offset_seconds": result.offset_s,
        "clock_corrected": result.clock_corrected,
        "counts": result.counts(),
        "items": [
            {
                "client_id": r.client_id,
                "status": r.status,
                "errors": r.errors,
                "code": r.code,
                "contact_code": r.new_contact_code or None,
                "clock_corrected": r.clock_corrected,
            }
            for r in result.items
        ],
    }


@router.get(
    "/outreach/shifts",
    response={200: list[ShiftOut], **ERRORS},
    summary="The caller's shifts of today (as a worker or the on-call person)",
)
def my_shifts(request):
    user = request.user
    now = timezone.now()
    shifts = list(
        access.shifts_visible_to(user)
        .filter(Q(crew__user=user) | Q(on_call=user))
        .filter(
            planned_start__lte=now + queries.BOARD_AHEAD,
            planned_end__gte=now - queries.BOARD_RECENT,
        )
        .exclude(status=Shift.Status.CANCELLED)
        .select_related("team", "on_call")
        .prefetch_related("crew__user")
        .order_by("planned_start")
    )
    return [_shift_out(row, now) for row in queries.board(shifts)]


@router.get(
    "/outreach/shifts/{code}",
    response={200: ShiftOut, **ERRORS},
    summary="One shift with each worker's last check-in",
)
def shift_detail(request, code: UUID):
    shift = access.get_shift_for_user(request.user, code)
    return _shift_out(queries.board([shift])[0], timezone.now())


@router.post(
    "/outreach/shifts/{code}/help",
    response={200: AlertOut, **ERRORS},
    summary="Need help now: alert the on-call person at once",
)
def help_now(request, code: UUID):
    shift = access.get_shift_for_user(request.user, code, write=True)
    return _alert_out(actions.ask_for_help(shift, by=request.user))


@router.post(
    "/outreach/alerts/{code}/acknowledge",
    response={200: AlertOut, **ERRORS},
    summary="Acknowledge a safety alert (stops the repeated notifications)",
)
def acknowledge(request, code: UUID):
    alert = access.get_alert_for_user(request.user, code, write=True)
    return _alert_out(actions.acknowledge_alert(alert, by=request.user))
