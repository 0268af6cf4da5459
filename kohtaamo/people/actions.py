"""Operations on people. Each one writes its own audit entry."""

from __future__ import annotations

from django.db import transaction

from kohtaamo.audit.actions import Actor, diff, log_access, log_access_many, record_change
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.people.access import get_person_for_user, people_visible_to
from kohtaamo.people.models import Person

OBJECT = "people.person"


@transaction.atomic
def create_person(actor: Actor, *, organisation, hetu: str = "", **fields) -> Person:
    person = Person(organisation=organisation, **fields)
    if hetu:
        person.set_hetu(hetu)
    person.save()
    record_change(
        actor,
        person_code=person.code,
        object_type=OBJECT,
        object_ref=person.pk,
        action="create",
        changes={k: [None, v] for k, v in person.audit_snapshot().items() if v},
    )
    return person


@transaction.atomic
def update_person(actor: Actor, person: Person, *, hetu: str | None = None, **fields) -> Person:
    # From the database: a bound ModelForm has already changed the instance in memory.
    before = Person.objects.get(pk=person.pk).audit_snapshot()
    for name, value in fields.items():
        setattr(person, name, value)
    if hetu is not None and Person.hash_hetu(hetu) != person.hetu_hash:
        person.set_hetu(hetu)
    person.save()
    changes = diff(before, person.audit_snapshot())
    if changes:
        record_change(
            actor,
            person_code=person.code,
            object_type=OBJECT,
            object_ref=person.pk,
            action="update",
            changes=changes,
        )
    return person


def open_person(actor: Actor, user, code, *, write: bool = False, what: str = OBJECT) -> Person:
    """Fetch a person through the gate and write the access-log entry (in the caller's
    transaction if there is one, e.g. a page's `batched_access_log()`). The gate answers 404 or
    403 before anything is written, so a refusal leaves the caller's transaction usable."""
    person = get_person_for_user(user, code, write=write)
    log_access(
        actor,
        person_code=person.code,
        object_type=what,
        object_ref=person.pk,
        action=AccessLogEntry.Action.API_READ
        if actor.channel == "api"
        else AccessLogEntry.Action.VIEW,
    )
    return person


@transaction.atomic(savepoint=False)  # reads only: no savepoint of its own
def search_people(actor: Actor, user, query: str, *, limit: int = 25) -> list[Person]:
    """Registry search; every person shown in the results is written to the access log."""
    hits = list(people_visible_to(user).search(query).select_related("organisation")[:limit])
    duplicates = Person.objects.probable_duplicate_ids(hits)
    for p in hits:
        p.probable_duplicate = p.pk in duplicates
    log_access_many(
        actor,
        [(p.code, OBJECT, p.pk) for p in hits],
        action=AccessLogEntry.Action.SEARCH_HIT,
        purpose=AccessLogEntry.Purpose.REGISTRY_SEARCH,
    )
    return hits


@transaction.atomic
def reveal_hetu(actor: Actor, person: Person) -> str:
    log_access(
        actor,
        person_code=person.code,
        object_type=OBJECT,
        object_ref=person.pk,
        action=AccessLogEntry.Action.REVEAL,
    )
    return person.hetu


def access_report(person: Person, *, start, end):
    """The client's log report: who used the data, when, in which role and on what basis."""
    return AccessLogEntry.objects.filter(
        person_code=person.code, at__gte=start, at__lt=end
    ).order_by("at")
