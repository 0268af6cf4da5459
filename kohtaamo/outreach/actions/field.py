"""Field contacts (through the desk's `record_encounter`, which writes the change history) and
observations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.audit.actions import Actor, record_change
from kohtaamo.encounters.actions import (
    EncounterInput,
    Recorded,
    record_encounter,
    record_encounters,
)
from kohtaamo.encounters.models import Encounter, Place, Term
from kohtaamo.outreach.actions.base import (
    FIELD_CHANNEL,
    ONLINE_CHANNEL,
    Refused,
    Timing,
    log_event,
)
from kohtaamo.outreach.actions.shifts import ensure_running, lock_shift, resolve_visit
from kohtaamo.outreach.models import (
    FieldContact,
    Observation,
    PlaceVisit,
    Shift,
    ShiftEvent,
)

# Field contacts ------------------------------------------------------------------------------


@dataclass
class ContactInput:
    """A field contact as the capture page and the phone's queue give it."""

    themes: list[Term] = field(default_factory=list)
    support: list[Term] = field(default_factory=list)
    result: str = "settled"
    identity_level: str = Encounter.IdentityLevel.ANONYMOUS
    contact_code: str = ""
    new_contact_code: bool = False
    duration_minutes: int = 5
    guided_to: str = ""
    age_band: str = ""
    gender: str = ""
    place: Place | None = None
    visit: PlaceVisit | None = None
    client_id: object | None = None


@dataclass
class FieldRecorded:
    contact: FieldContact | None
    recorded: Recorded

    @property
    def created(self) -> bool:
        return self.recorded.created

    @property
    def encounter(self) -> Encounter:
        return self.recorded.encounter


@dataclass
class FieldEntry:
    """A checked field contact, ready to save: the desk's input and the shift's details."""

    shift: Shift
    entry: EncounterInput
    visit: PlaceVisit | None
    place: Place | None
    timing: Timing
    offline: bool
    at: datetime.datetime  # when it was checked: the time of its line in the shift's log


def check_field_contact(
    shift: Shift, data: ContactInput, *, by, timing: Timing, offline: bool = False
) -> FieldEntry:
    """Check a field contact against the shift (which the caller has locked) and make the desk's
    input. Raises `Refused`; starts a planned shift only once the contact is known to be valid."""
    if data.identity_level == Encounter.IdentityLevel.IDENTIFIED:
        raise Refused(_("Identify the person after saving, with a connection."), "identity_level")
    if shift.status not in (Shift.Status.PLANNED, Shift.Status.ACTIVE):
        ensure_running(shift, by=by, at=timing.at)  # refuses: the shift has ended
    visit, place = resolve_visit(shift, data.visit, data.place)
    ensure_running(shift, by=by, at=min(timing.at, timezone.now()))
    others = [w.user for w in shift.crew.all() if w.user_id != by.pk]
    entry = EncounterInput(
        organisation_id=shift.organisation_id,
        channel=ONLINE_CHANNEL
        if getattr(place, "kind", "") == Place.Kind.ONLINE
        else FIELD_CHANNEL,
        started_at=timing.at,
        duration_minutes=data.duration_minutes,
        result=data.result,
        identity_level=data.identity_level,
        themes=data.themes,
        support=data.support,
        place=place,
        unit_id=shift.team.unit_id,
        team_id=shift.team_id,
        pair_worker=others[0] if others else None,
        arrival="outreach",
        age_band=data.age_band,
        gender=data.gender,
        contact_code=data.contact_code,
        new_contact_code=data.new_contact_code,
        guided_to=data.guided_to,
        client_id=data.client_id,
        experiment_ref=visit.experiment_ref if visit else None,
    )
    return FieldEntry(shift, entry, visit, place, timing, offline, timezone.now())


def _attach(checked: list[FieldEntry], recorded: list[Recorded], *, by) -> list[FieldRecorded]:
    """Link new encounters to their shifts: the field contacts and the shift-log lines, each one
    bulk insert."""
    contacts = FieldContact.objects.bulk_create(
        FieldContact(
            encounter=r.encounter,
            shift=c.shift,
            visit=c.visit,
            recorded_offline=c.offline,
            device_time=c.timing.device_time,
            clock_corrected=c.timing.corrected,
        )
        for c, r in zip(checked, recorded, strict=True)
    )
    ShiftEvent.objects.bulk_create(
        ShiftEvent(
            shift=c.shift,
            kind=ShiftEvent.Kind.CONTACT,
            user=by,
            at=c.at,
            data={
                "encounter": str(r.encounter.code),
                "place": c.place.pk if c.place else None,
                "offline": c.offline,
            },
        )
        for c, r in zip(checked, recorded, strict=True)
    )
    return [FieldRecorded(f, r) for f, r in zip(contacts, recorded, strict=True)]


@transaction.atomic(savepoint=False)  # the sync wraps each item in a savepoint of its own
def record_field_contact(
    actor: Actor,
    shift: Shift,
    data: ContactInput,
    *,
    by,
    timing: Timing | None = None,
    offline: bool = False,
    batch: bool = False,
) -> FieldRecorded:
    """A field contact: an encounter (channel "field") made by the desk's own action, linked to
    the shift and its place visit. Identified contacts are made on the desk's pages (they need
    the registry); here a contact is anonymous or carries a contact code. `batch`: the caller
    (the sync) has locked the shift and looked up the `client_id` already. The same steps as
    `record_field_contacts`, for one."""
    if data.identity_level == Encounter.IdentityLevel.IDENTIFIED:
        raise Refused(_("Identify the person after saving, with a connection."), "identity_level")
    if data.client_id and not batch:
        existing = Encounter.objects.filter(client_id=data.client_id).first()
        if existing is not None:
            if existing.created_by_id != by.pk:
                raise PermissionDenied
            return FieldRecorded(
                FieldContact.objects.filter(encounter=existing).first(),
                Recorded(existing, created=False),
            )
    if not batch:
        lock_shift(shift)
    checked = check_field_contact(
        shift, data, by=by, timing=timing or Timing.now(), offline=offline
    )
    return save_field_contact(actor, checked, by=by)


def save_field_contact(actor: Actor, checked: FieldEntry, *, by) -> FieldRecorded:
    """Save one checked field contact; a `client_id` seen before returns the first contact
    (`PermissionDenied` if it is someone else's)."""
    recorded = record_encounter(actor, checked.entry, by=by)
    if not recorded.created:
        return FieldRecorded(
            FieldContact.objects.filter(encounter=recorded.encounter).first(), recorded
        )
    return _attach([checked], [recorded], by=by)[0]


@transaction.atomic
def record_field_contacts(actor: Actor, checked: list[FieldEntry], *, by) -> list[FieldRecorded]:
    """Save checked field contacts (`check_field_contact`) whose `client_id`s the caller has
    looked up: a constant number of queries for the batch. A `client_id` taken meanwhile raises
    `IntegrityError` with nothing saved."""
    recorded = record_encounters(actor, [c.entry for c in checked], by=by)
    return _attach(checked, recorded, by=by)


# Observations --------------------------------------------------------------------------------


@transaction.atomic
def record_observation(
    actor: Actor,
    *,
    by,
    organisation_id: int,
    kind: str,
    observed_at: datetime.datetime,
    description: str = "",
    count_estimate: int | None = None,
    place: Place | None = None,
    shift: Shift | None = None,
    team_id: int | None = None,
    client_id=None,
) -> tuple[Observation, bool]:
    from kohtaamo.encounters.notecheck import has_hetu

    if client_id:
        existing = Observation.objects.filter(client_id=client_id).first()
        if existing is not None:
            return existing, False
    if has_hetu(description):
        raise ValidationError(_("Remove the identity code: observations never name a person."))
    if place is not None and place.organisation_id != organisation_id:
        raise Refused(_("Choose one of your organisation's places."), "place")
    observation = Observation.objects.create(
        organisation_id=organisation_id,
        team_id=team_id if team_id else (shift.team_id if shift else None),
        shift=shift,
        place=place,
        kind=kind,
        observed_at=observed_at,
        count_estimate=count_estimate,
        description=description,
        created_by=by,
        client_id=client_id,
    )
    record_change(
        actor,
        person_code=None,
        object_type="outreach.observation",
        object_ref=observation.pk,
        action="create",
        changes={
            "kind": [None, kind],
            "place": [None, place.pk if place else None],
            "count_estimate": [None, count_estimate],
            "description_length": [None, len(description)],
        },
    )
    if shift is not None:
        log_event(shift, ShiftEvent.Kind.OBSERVATION, user=by, observation=kind)
    return observation, True
