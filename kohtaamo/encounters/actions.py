"""Operations of the desk. Each writes its own audit entries (change history for every change;
the access log for every read of an identified person's contacts)."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from kohtaamo.audit.actions import (
    Actor,
    ChangeItem,
    log_access,
    log_access_many,
    record_change,
    record_changes,
)
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
    experiment_ref: object | None = None  # an experiment's stop (outreach)


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


def record_encounter(actor: Actor, data: EncounterInput, *, by) -> Recorded:
    """Create an encounter. A repeated `client_id` returns the first one and creates nothing.
    The same code as `record_encounters` (a batch of one), which is atomic."""
    if data.client_id:
        existing = Encounter.objects.filter(client_id=data.client_id).first()
        if existing is not None:
            if existing.created_by_id != by.pk:
                raise PermissionDenied
            return Recorded(existing, created=False)
        try:
            return record_encounters(actor, [data], by=by)[0]
        except IntegrityError:
            # Two retries of the same client_id raced; the other one won.
            existing = Encounter.objects.filter(client_id=data.client_id).first()
            if existing is None:
                raise
            return Recorded(existing, created=False)
    return record_encounters(actor, [data], by=by)[0]


def _identities(inputs: list[EncounterInput]) -> list[tuple[str, str, object]]:
    """(code hash, new code, person) of each input. New codes are drawn for the whole batch and
    checked against the database in one query (and against each other)."""
    out = []
    for data in inputs:
        code_hash, new_code = "", ""
        if data.identity_level == Encounter.IdentityLevel.PSEUDONYMOUS:
            if data.new_contact_code:
                new_code = contact_code.generate()
                code_hash = contact_code.hash_code(new_code)
            else:
                code_hash = contact_code.hash_code(data.contact_code)
        person = data.person if data.identity_level == Encounter.IdentityLevel.IDENTIFIED else None
        out.append([code_hash, new_code, person])
    fresh = [i for i, (_h, new, _p) in enumerate(out) if new]
    for _ in range(50):
        if not fresh:
            break
        taken = set(
            Encounter.objects.filter(
                organisation_id__in={inputs[i].organisation_id for i in fresh},
                contact_code_hash__in=[out[i][0] for i in fresh],
            ).values_list("organisation_id", "contact_code_hash")
        )
        seen, clashes = set(), []
        for i in fresh:
            key = (inputs[i].organisation_id, out[i][0])
            if key in taken or key in seen:
                clashes.append(i)
            seen.add(key)
        for i in clashes:  # draw again (64e4 codes: practically never)
            out[i][1] = contact_code.generate()
            out[i][0] = contact_code.hash_code(out[i][1])
        fresh = clashes
    else:  # pragma: no cover
        raise RuntimeError("could not find a free contact code")
    return [tuple(row) for row in out]


def _earlier_counts(inputs: list[EncounterInput], identities) -> list[int]:
    """How many earlier contacts each input's code or person has: one query per kind for the
    batch, plus the ones earlier in the same batch."""
    codes = {
        (data.organisation_id, code_hash)
        for data, (code_hash, new_code, _p) in zip(inputs, identities, strict=True)
        if code_hash and not new_code
    }
    persons = {
        (data.organisation_id, person.pk)
        for data, (_h, _n, person) in zip(inputs, identities, strict=True)
        if person is not None
    }
    counts: dict[tuple, int] = {}
    if codes:
        rows = (
            Encounter.objects.filter(
                organisation_id__in={o for o, _ in codes},
                contact_code_hash__in={h for _, h in codes},
            )
            .values_list("organisation_id", "contact_code_hash")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts.update({("code", o, h): n for o, h, n in rows if (o, h) in codes})
    if persons:
        rows = (
            Encounter.objects.filter(
                organisation_id__in={o for o, _ in persons},
                person_id__in={p for _, p in persons},
            )
            .values_list("organisation_id", "person_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts.update({("person", o, p): n for o, p, n in rows if (o, p) in persons})
    out = []
    for data, (code_hash, new_code, person) in zip(inputs, identities, strict=True):
        if person is not None:
            key = ("person", data.organisation_id, person.pk)
        elif code_hash:
            key = ("code", data.organisation_id, code_hash)
        else:
            out.append(0)
            continue
        # A new code has no earlier contacts, but the batch's later ones with it count it.
        out.append(0 if new_code else counts.get(key, 0))
        counts[key] = counts.get(key, 0) + 1
    return out


def _build(data: EncounterInput, *, by, code_hash: str, person, earlier: int) -> Encounter:
    identified = data.identity_level == Encounter.IdentityLevel.IDENTIFIED
    return Encounter(
        organisation_id=data.organisation_id,
        unit_id=data.unit_id,
        team_id=data.team_id,
        place=data.place,
        channel=data.channel,
        started_at=data.started_at,
        duration_minutes=data.duration_minutes,
        arrival=data.arrival,
        partner_id=data.partner_id if data.arrival == "partner_guided" else None,
        identity_level=data.identity_level,
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
        experiment_ref=data.experiment_ref,
        created_by=by,
    )


def _create_changes(encounter: Encounter, data: EncounterInput) -> dict:
    changes = {
        k: [None, v]
        for k, v in encounter.audit_snapshot().items()
        if v not in (None, "", [], False, 0)
    }
    changes["themes"] = [None, sorted(t.key for t in data.themes)]
    changes["support"] = [None, sorted(t.key for t in data.support)]
    if data.experiment_ref:
        changes["experiment_ref"] = [None, str(data.experiment_ref)]
    return changes


def record_encounters(actor: Actor, inputs: list[EncounterInput], *, by) -> list[Recorded]:
    """Create encounters in a constant number of queries, whatever their number: the rows, their
    workers, themes and support and their change-history entries (one append to the chain) are
    each one bulk insert. The caller has looked up the `client_id`s; one that is taken after all
    (a race) raises `IntegrityError` with nothing of the batch saved."""
    if not inputs:
        return []
    client_ids = any(data.client_id for data in inputs)
    # A savepoint only where a taken client_id must leave the caller's transaction usable.
    with transaction.atomic(savepoint=client_ids):
        identities = _identities(inputs)
        earlier = _earlier_counts(inputs, identities)
        encounters = [
            _build(data, by=by, code_hash=code_hash, person=person, earlier=n)
            for data, (code_hash, _new, person), n in zip(inputs, identities, earlier, strict=True)
        ]
        Encounter.objects.bulk_create(encounters)
        workers, themes, support = [], [], []
        for data, encounter in zip(inputs, encounters, strict=True):
            crew = [by] + (
                [data.pair_worker] if data.pair_worker and data.pair_worker != by else []
            )
            workers += [
                EncounterWorker(
                    encounter=encounter, user=w, position=i, started_at=encounter.started_at
                )
                for i, w in enumerate(crew)
            ]
            # New encounters have no links yet: insert them directly (no read as in .set()).
            themes += [Encounter.themes.through(encounter=encounter, term=t) for t in data.themes]
            support += [
                Encounter.support.through(encounter=encounter, term=t) for t in data.support
            ]
        EncounterWorker.objects.bulk_create(workers)
        Encounter.themes.through.objects.bulk_create(themes)
        Encounter.support.through.objects.bulk_create(support)
        record_changes(
            actor,
            [
                ChangeItem(
                    person_code=person.code if person else None,
                    object_type=OBJECT,
                    object_ref=encounter.pk,
                    action="create",
                    changes=_create_changes(encounter, data),
                )
                for data, encounter, (_h, _n, person) in zip(
                    inputs, encounters, identities, strict=True
                )
            ],
        )
    return [
        Recorded(
            encounter,
            created=True,
            new_contact_code=new_code,
            earlier=n,
            theme_keys=sorted(t.key for t in data.themes),
            support_keys=sorted(t.key for t in data.support),
        )
        for data, encounter, (_h, new_code, _p), n in zip(
            inputs, encounters, identities, earlier, strict=True
        )
    ]


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
