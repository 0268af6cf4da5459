"""Regular outreach places: a desk place with the outreach details (the change history is written)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from kohtaamo.audit.actions import Actor, diff, record_change
from kohtaamo.encounters.models import Place
from kohtaamo.outreach.actions.base import (
    FIELD_CHANNEL,
    ONLINE_CHANNEL,
    PLACE_KINDS,
)
from kohtaamo.outreach.models import (
    OutreachPlace,
    PresenceSlot,
)

# Places --------------------------------------------------------------------------------------


@dataclass
class PlaceInput:
    organisation_id: int
    name_fi: str
    kind: str
    name_sv: str = ""
    name_en: str = ""
    team_id: int | None = None
    unit_id: int | None = None
    municipality: str = ""
    address: str = ""
    contact_people: str = ""
    publicity_notes: str = ""
    safety_notes: str = ""
    slots: list[tuple[int, datetime.time, datetime.time]] = field(default_factory=list)


def _place_snapshot(outreach: OutreachPlace) -> dict:
    place = outreach.place
    return {
        "name_fi": place.name_fi,
        "name_sv": place.name_sv,
        "name_en": place.name_en,
        "kind": outreach.kind,
        "municipality": place.municipality,
        "address": place.address,
        "contact_people_length": len(outreach.contact_people),
        "publicity_notes": outreach.publicity_notes,
        "safety_notes": outreach.safety_notes,
        "slots": [
            f"{s.weekday} {s.time_from:%H:%M}-{s.time_until:%H:%M}" for s in outreach.slots.all()
        ],
    }


@transaction.atomic
def save_outreach_place(
    actor: Actor, data: PlaceInput, *, outreach: OutreachPlace | None = None
) -> OutreachPlace:
    """Create a regular place (a desk place with the outreach details) or update one."""
    before = _place_snapshot(outreach) if outreach else {}
    place = outreach.place if outreach else Place(organisation_id=data.organisation_id)
    place.name_fi, place.name_sv, place.name_en = data.name_fi, data.name_sv, data.name_en
    place.kind = PLACE_KINDS.get(data.kind, Place.Kind.OTHER)
    place.team_id, place.unit_id = data.team_id, data.unit_id
    place.municipality, place.address = data.municipality, data.address
    place.default_channel = (
        ONLINE_CHANNEL if data.kind == OutreachPlace.Kind.ONLINE_FORUM else FIELD_CHANNEL
    )
    place.save()
    outreach = outreach or OutreachPlace(place=place)
    outreach.kind = data.kind
    outreach.contact_people = data.contact_people
    outreach.publicity_notes = data.publicity_notes
    outreach.safety_notes = data.safety_notes
    outreach.save()
    outreach.slots.all().delete()
    PresenceSlot.objects.bulk_create(
        PresenceSlot(outreach_place=outreach, weekday=d, time_from=a, time_until=b)
        for d, a, b in data.slots
    )
    outreach = (
        OutreachPlace.objects.prefetch_related("slots").select_related("place").get(pk=outreach.pk)
    )
    record_change(
        actor,
        person_code=None,
        object_type="outreach.place",
        object_ref=place.pk,
        action="update" if before else "create",
        changes=diff(before, _place_snapshot(outreach)),
    )
    return outreach
