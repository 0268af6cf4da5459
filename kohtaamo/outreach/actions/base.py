"""What every outreach action shares: the refusal, the shift log, the margin and timing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from kohtaamo.encounters.models import Place
from kohtaamo.outreach.models import (
    OutreachPlace,
    Shift,
    ShiftEvent,
)

PLACE_KINDS = {  # outreach kind -> the desk place kind it is stored as
    OutreachPlace.Kind.SHOPPING_CENTRE: Place.Kind.SHOPPING_CENTRE,
    OutreachPlace.Kind.KELA_OFFICE: Place.Kind.KELA_OFFICE,
    OutreachPlace.Kind.PARISH: Place.Kind.PARISH,
    OutreachPlace.Kind.STATION: Place.Kind.STREET,
    OutreachPlace.Kind.ENCAMPMENT: Place.Kind.STREET,
    OutreachPlace.Kind.STREET: Place.Kind.STREET,
    OutreachPlace.Kind.ONLINE_FORUM: Place.Kind.ONLINE,
    OutreachPlace.Kind.OTHER: Place.Kind.OTHER,
}
FIELD_CHANNEL = "field"
ONLINE_CHANNEL = "chat"


class Refused(Exception):
    """An operation the state of the shift does not allow; the message is for the user."""

    def __init__(self, message, field: str = ""):
        super().__init__(str(message))
        self.message = message
        self.field = field


def log_event(shift: Shift, kind: str, *, user=None, alert=None, at=None, **data) -> ShiftEvent:
    return ShiftEvent.objects.create(
        shift=shift, kind=kind, user=user, alert=alert, at=at or timezone.now(), data=data
    )


def margin() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.CHECKIN_MARGIN_MINUTES)


@dataclass
class Timing:
    """When something queued on a phone happened, as far as the server can tell."""

    received_at: datetime.datetime
    device_time: datetime.datetime | None = None
    seen_at: datetime.datetime | None = None
    offset_s: int | None = None
    corrected: bool = False

    @classmethod
    def now(cls) -> Timing:
        now = timezone.now()
        return cls(received_at=now, seen_at=now)

    @property
    def at(self) -> datetime.datetime:
        return self.seen_at or self.received_at
