"""Graduated identity: an anonymous or pseudonymous contact becomes an identified client.

One transaction: find or create the person, carry the chosen earlier contacts with the same code
over, record the consent, open the client matter (§ 34 pending, § 36 deadlines), and create the
§ 35 contact notification. An official may start the service need assessment at once; for anyone
else the notification waits in the team's queue.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kohtaamo.audit.actions import Actor, record_change
from kohtaamo.casework import actions as casework
from kohtaamo.casework.access import is_official_in
from kohtaamo.casework.models import ClientMatter, ContactNotification
from kohtaamo.encounters.actions import OBJECT
from kohtaamo.encounters.models import Encounter
from kohtaamo.people import actions as people_actions
from kohtaamo.people.consent import Consent
from kohtaamo.people.consent_actions import link_contact_code, record_consent


@dataclass
class ConsentInput:
    purpose: str
    given_by: str = Consent.GivenBy.CLIENT
    method: str = Consent.Method.ORAL
    given_at: datetime.datetime | None = None
    valid_until: datetime.date | None = None
    sharing: bool = False
    sharing_recipient: str = ""


@dataclass
class MatterInput:
    special_group: bool = False
    team: object | None = None
    responsible_worker: object | None = None
    reason: str = ""
    sender_role: str = ContactNotification.SenderRole.SOCIAL_WELFARE
    notification_consent: str = ContactNotification.Consent.GIVEN
    start_assessment: bool = False


@dataclass
class Identified:
    person: object
    carried_over: int = 0
    consents: list = field(default_factory=list)
    matter: ClientMatter | None = None
    notification: ContactNotification | None = None


def carry_over_candidates(encounter: Encounter):
    """Earlier contacts with the same contact code that are not yet identified."""
    if not encounter.contact_code_hash:
        return Encounter.objects.none()
    return (
        Encounter.objects.filter(
            organisation_id=encounter.organisation_id,
            contact_code_hash=encounter.contact_code_hash,
            person__isnull=True,
        )
        .exclude(pk=encounter.pk)
        .select_related("place")
        .prefetch_related("themes")
        .order_by("-started_at")
    )


def _identify_one(actor: Actor, encounter: Encounter, person) -> None:
    before = encounter.identity_level
    encounter.person = person
    encounter.identity_level = Encounter.IdentityLevel.IDENTIFIED
    encounter.save(update_fields=["person", "identity_level", "updated_at"])
    record_change(
        actor,
        person_code=person.code,
        object_type=OBJECT,
        object_ref=encounter.pk,
        action="update",
        changes={
            "identity_level": [before, encounter.identity_level],
            "person": [None, str(person.code)],
        },
    )


@transaction.atomic
def identify_encounter(
    actor: Actor,
    encounter: Encounter,
    *,
    by,
    person=None,
    new_person: dict | None = None,
    consent: ConsentInput,
    carry_over: list[Encounter] = (),
    matter: MatterInput | None = None,
) -> Identified:
    if person is None:
        fields = dict(new_person or {})
        person = people_actions.create_person(actor, organisation=encounter.organisation, **fields)
    if encounter.contact_code_hash:
        link_contact_code(actor, person, encounter.contact_code_hash, by=by)
    _identify_one(actor, encounter, person)
    allowed = {e.pk for e in carry_over_candidates(encounter)}
    moved = 0
    for earlier in carry_over:
        if earlier.pk in allowed:
            _identify_one(actor, earlier, person)
            moved += 1
    given_at = consent.given_at or timezone.now()
    consents = [
        record_consent(
            actor,
            person,
            scope=Consent.Scope.RECORDING,
            purpose=consent.purpose,
            given_by=consent.given_by,
            method=consent.method,
            given_at=given_at,
            valid_until=consent.valid_until,
            recorded_by=by,
            source_ref=encounter.code,
        )
    ]
    if consent.sharing:
        consents.append(
            record_consent(
                actor,
                person,
                scope=Consent.Scope.SHARING,
                purpose=consent.purpose,
                recipient=consent.sharing_recipient,
                given_by=consent.given_by,
                method=consent.method,
                given_at=given_at,
                valid_until=consent.valid_until,
                recorded_by=by,
                source_ref=encounter.code,
            )
        )
    result = Identified(person=person, carried_over=moved, consents=consents)
    if matter is not None:
        result.matter = casework.open_client_matter(
            actor,
            person,
            by=by,
            source=ClientMatter.Source.ENCOUNTER,
            source_ref=encounter.code,
            pending_at=timezone.now(),
            special_group=matter.special_group,
            team=matter.team,
            unit=matter.team.unit if matter.team else encounter.unit,
            responsible_worker=matter.responsible_worker,
        )
        result.notification = casework.create_contact_notification(
            actor,
            person=person,
            organisation=encounter.organisation,
            by=by,
            sender_role=matter.sender_role,
            consent=matter.notification_consent,
            reason=matter.reason,
            matter=result.matter,
            team=matter.team,
            unit=matter.team.unit if matter.team else encounter.unit,
        )
        if matter.start_assessment and is_official_in(by, encounter.organisation_id):
            casework.start_assessment(actor, result.matter, by=by)
            casework.take_contact_notification(actor, result.notification, by=by)
            result.notification.refresh_from_db()
        if encounter.result != "client_matter":
            old = encounter.result
            encounter.result = "client_matter"
            encounter.save(update_fields=["result", "updated_at"])
            record_change(
                actor,
                person_code=person.code,
                object_type=OBJECT,
                object_ref=encounter.pk,
                action="update",
                changes={"result": [old, "client_matter"]},
            )
    return result
