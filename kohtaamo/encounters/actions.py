"""Operations of the desk. Each writes its own audit entries (change history for every change;
the access log for every read of an identified person's contacts)."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from kohtaamo.audit.actions import Actor, log_access, log_access_many, record_change
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.core import crypto
from kohtaamo.encounters.access import get_encounter_for_user
from kohtaamo.encounters.models import (
    CurrentPlace,
    Encounter,
    EncounterWorker,
    Favourite,
    Place,
    Term,
)
from kohtaamo.people import contact_code

OBJECT = "encounters.encounter"
UNDO_MINUTES = 5
FEEDBACK_ALPHABET = "ACDEFHJKLMNPRTUVWXY3479"  # no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B)


@dataclass
class Recorded:
    encounter: Encounter
    created: bool = True
    new_contact_code: str = ""  # shown once; only its hash is stored
    earlier: int = 0
    theme_keys: list[str] | None = None  # what was linked (saves reading it back)
    support_keys: list[str] | None = None


@dataclass
class EncounterInput:
    """What the quick-entry form and the API both give to `record_encounter`."""

    organisation_id: int
    channel: str
    started_at: datetime.datetime
    duration_minutes: int
    result: str
    identity_level: str = Encounter.IdentityLevel.ANONYMOUS
    themes: list[Term] = field(default_factory=list)
    support: list[Term] = field(default_factory=list)
    place: Place | None = None
    unit_id: int | None = None
    team_id: int | None = None
    pair_worker: object | None = None
    arrival: str = "self"
    partner_id: int | None = None
    age_band: str = ""
    gender: str = ""
    municipality: str = ""
    contact_code: str = ""
    new_contact_code: bool = False
    person: object | None = None
    guided_to: str = ""
    is_repeat: bool = False
    about_handled_matter: bool | None = None
    failure_reason: str = ""
    note: str = ""
    client_id: object | None = None


def code_in_use(organisation_id: int, code_hash: str) -> bool:
    return Encounter.objects.filter(
        organisation_id=organisation_id, contact_code_hash=code_hash
    ).exists()


def earlier_contacts(organisation_id: int, *, code_hash: str = "", person=None):
    """Earlier encounters of the same pseudonymous code or identified person."""
    qs = Encounter.objects.filter(organisation_id=organisation_id)
    if person is not None:
        return qs.filter(person=person)
    if code_hash:
        return qs.filter(contact_code_hash=code_hash)
    return qs.none()


def _snapshot_changes(encounter: Encounter) -> dict:
    snap = encounter.audit_snapshot()
    snap["themes"] = sorted(t.key for t in encounter.themes.all())
    snap["support"] = sorted(t.key for t in encounter.support.all())
    return {k: [None, v] for k, v in snap.items() if v not in (None, "", [], False, 0)}


@transaction.atomic
def record_encounter(actor: Actor, data: EncounterInput, *, by) -> Recorded:
    """Create an encounter. A repeated `client_id` returns the first one and creates nothing."""
    if data.client_id:
        existing = Encounter.objects.filter(client_id=data.client_id).first()
        if existing is not None:
            if existing.created_by_id != by.pk:
                raise PermissionDenied
            return Recorded(existing, created=False)
    level = data.identity_level
    code_hash, new_code = "", ""
    if level == Encounter.IdentityLevel.PSEUDONYMOUS:
        if data.new_contact_code:
            new_code = contact_code.generate(lambda h: code_in_use(data.organisation_id, h))
            code_hash = contact_code.hash_code(new_code)
        else:
            code_hash = contact_code.hash_code(data.contact_code)
    person = data.person if level == Encounter.IdentityLevel.IDENTIFIED else None
    earlier = 0
    if (code_hash and not new_code) or person is not None:
        earlier = earlier_contacts(data.organisation_id, code_hash=code_hash, person=person).count()
    identified = level == Encounter.IdentityLevel.IDENTIFIED
    encounter = Encounter(
        organisation_id=data.organisation_id,
        unit_id=data.unit_id,
        team_id=data.team_id,
        place=data.place,
        channel=data.channel,
        started_at=data.started_at,
        duration_minutes=data.duration_minutes,
        arrival=data.arrival,
        partner_id=data.partner_id if data.arrival == "partner_guided" else None,
        identity_level=level,
        age_band="" if identified else data.age_band,
        gender="" if identified else data.gender,
        municipality="" if identified else data.municipality,
        contact_code_hash=code_hash,
        person=person,
        result=data.result,
        guided_to=data.guided_to,
        is_repeat=bool(earlier) or data.is_repeat,
        about_handled_matter=data.about_handled_matter,
        failure_reason=data.failure_reason if data.about_handled_matter else "",
        note=data.note,
        client_id=data.client_id,
        created_by=by,
    )
    if data.client_id:
        try:
            with transaction.atomic():
                encounter.save()
        except IntegrityError:
            # Two retries of the same client_id raced; the other one won.
            existing = Encounter.objects.filter(client_id=data.client_id).first()
            if existing is None:
                raise
            return Recorded(existing, created=False)
    else:
        encounter.save()
    workers = [by] + ([data.pair_worker] if data.pair_worker and data.pair_worker != by else [])
    EncounterWorker.objects.bulk_create(
        EncounterWorker(encounter=encounter, user=w, position=i, started_at=encounter.started_at)
        for i, w in enumerate(workers)
    )
    # A new encounter has no links yet: insert them directly (no read-before-write as in .set()).
    for through, chosen in (
        (Encounter.themes.through, data.themes),
        (Encounter.support.through, data.support),
    ):
        through.objects.bulk_create(through(encounter=encounter, term=t) for t in chosen)
    changes = {
        k: [None, v]
        for k, v in encounter.audit_snapshot().items()
        if v not in (None, "", [], False, 0)
    }
    changes["themes"] = [None, sorted(t.key for t in data.themes)]
    changes["support"] = [None, sorted(t.key for t in data.support)]
    record_change(
        actor,
        person_code=person.code if person else None,
        object_type=OBJECT,
        object_ref=encounter.pk,
        action="create",
        changes=changes,
    )
    return Recorded(
        encounter,
        created=True,
        new_contact_code=new_code,
        earlier=earlier,
        theme_keys=sorted(t.key for t in data.themes),
        support_keys=sorted(t.key for t in data.support),
    )


def can_undo(encounter: Encounter, user) -> bool:
    return (
        encounter.created_by_id == user.pk
        and encounter.identity_level != Encounter.IdentityLevel.IDENTIFIED
        and timezone.now() - encounter.created_at <= datetime.timedelta(minutes=UNDO_MINUTES)
    )


@transaction.atomic
def undo_encounter(actor: Actor, encounter: Encounter, *, by) -> None:
    """Delete a just-made anonymous or pseudonymous contact (within five minutes, own only)."""
    if not can_undo(encounter, by):
        raise PermissionDenied
    before = _snapshot_changes(encounter)
    ref = encounter.pk
    encounter.delete()
    record_change(
        actor,
        person_code=None,
        object_type=OBJECT,
        object_ref=ref,
        action="delete",
        changes={k: [v[1], None] for k, v in before.items()},
    )


def _log_read(actor: Actor, encounter: Encounter) -> None:
    if encounter.person_id:
        log_access(
            actor,
            person_code=encounter.person.code,
            object_type=OBJECT,
            object_ref=encounter.pk,
            action=AccessLogEntry.Action.API_READ
            if actor.channel == "api"
            else AccessLogEntry.Action.VIEW,
        )


@transaction.atomic
def open_encounter(actor: Actor, user, code, *, write: bool = False) -> Encounter:
    """Fetch through the gate; an identified contact's read is access-logged."""
    encounter = get_encounter_for_user(user, code, write=write)
    _log_read(actor, encounter)
    return encounter


def log_listed(actor: Actor, encounters, *, action=AccessLogEntry.Action.VIEW) -> None:
    """Access-log the identified contacts shown in a list or written to an export."""
    log_access_many(
        actor,
        [(e.person.code, OBJECT, e.pk) for e in encounters if e.person_id],
        action=action,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )


def set_current_place(user, place: Place | None) -> None:
    if place is None:
        return
    CurrentPlace.objects.update_or_create(user=user, defaults={"place": place})


def current_place(user) -> Place | None:
    row = CurrentPlace.objects.filter(user=user, place__active=True).select_related("place").first()
    return row.place if row else None


@transaction.atomic
def save_favourite(user, *, name: str, data: dict) -> Favourite:
    favourite, _created = Favourite.objects.update_or_create(
        user=user, name=name, defaults={"data": data}
    )
    return favourite


@transaction.atomic
def issue_feedback_code(actor: Actor, encounter: Encounter) -> str:
    """A short code for a feedback card; only its hash is kept on the encounter."""
    code = "".join(secrets.choice(FEEDBACK_ALPHABET) for _ in range(6))
    encounter.feedback_code_hash = crypto.keyed_hash(code, purpose="feedback-code")
    encounter.save(update_fields=["feedback_code_hash", "updated_at"])
    record_change(
        actor,
        person_code=encounter.person.code if encounter.person_id else None,
        object_type=OBJECT,
        object_ref=encounter.pk,
        action="update",
        changes={"feedback_code": [None, "(hash)"]},
    )
    return code
