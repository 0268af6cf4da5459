"""Recording and withdrawing consents, and carrying a contact code over to a person.

Each function writes the change history itself (person_code set, so the client's own log shows it).
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.audit.actions import Actor, record_change
from kohtaamo.people.consent import Consent, ContactCode
from kohtaamo.people.models import Person

CONSENT = "people.consent"
CONTACT_CODE = "people.contact_code"


@transaction.atomic
def record_consent(
    actor: Actor,
    person: Person,
    *,
    scope: str,
    purpose: str,
    recorded_by,
    given_at: datetime.datetime | None = None,
    given_by: str = Consent.GivenBy.CLIENT,
    method: str = Consent.Method.ORAL,
    valid_until: datetime.date | None = None,
    recipient: str = "",
    source_ref: uuid.UUID | None = None,
) -> Consent:
    consent = Consent.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        scope=scope,
        purpose=purpose,
        recipient=recipient,
        given_by=given_by,
        method=method,
        given_at=given_at or timezone.now(),
        valid_until=valid_until,
        recorded_by=recorded_by,
        source_ref=source_ref,
    )
    record_change(
        actor,
        person_code=person.code,
        object_type=CONSENT,
        object_ref=consent.pk,
        action="create",
        changes={k: [None, v] for k, v in consent.audit_snapshot().items() if v},
    )
    return consent


@transaction.atomic
def withdraw_consent(actor: Actor, consent: Consent, *, by) -> Consent:
    """Withdrawal keeps the row (what was agreed, and until when, stays on record)."""
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    record_change(
        actor,
        person_code=consent.person.code,
        object_type=CONSENT,
        object_ref=consent.pk,
        action="update",
        changes={"withdrawn_at": [None, consent.withdrawn_at]},
    )
    return consent


@transaction.atomic
def link_contact_code(actor: Actor, person: Person, code_hash: str, *, by) -> ContactCode:
    """Carry a pseudonymous contact code (its hash) over to the person; a code has one owner."""
    existing = ContactCode.objects.filter(
        code_hash=code_hash, person__organisation_id=person.organisation_id
    ).first()
    if existing is not None:
        if existing.person_id != person.pk:
            raise ValidationError(
                _("This contact code has already been carried over to another person."),
                code="code_taken",
            )
        return existing
    link = ContactCode.objects.create(person=person, code_hash=code_hash, linked_by=by)
    record_change(
        actor,
        person_code=person.code,
        object_type=CONTACT_CODE,
        object_ref=link.pk,
        action="create",
        changes={"contact_code": [None, "(hash)"]},
    )
    return link
