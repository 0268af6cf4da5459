"""Consents and carried-over contact codes: both belong to the person.

Imported at the end of `people/models.py`, so Django registers them with the people app.

- `Consent`: the person's consent to record contacts and the initial assessment, or to share data
  with another organisation (Client Act 812/2000, Client Data Act 703/2023; standards.md 3.3).
  Consent is not the legal basis of processing (GDPR 6(1)(e)); it is recorded because social
  welfare law asks for it. A consent is never deleted: it is withdrawn.
- `ContactCode`: a pseudonymous contact code carried over to an identified person, stored only as
  its keyed hash, so the registry search finds the person by the code they kept.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation


class ConsentQuerySet(models.QuerySet):
    def active(self, at: datetime.datetime | None = None):
        at = at or timezone.now()
        return self.filter(withdrawn_at__isnull=True, given_at__lte=at).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=timezone.localdate(at))
        )


class Consent(models.Model):
    class Scope(models.TextChoices):
        RECORDING = "recording", _("Recording contacts and the initial assessment")
        SHARING = "sharing", _("Sharing data with another organisation")

    class GivenBy(models.TextChoices):
        CLIENT = "client", _("The person themselves")
        REPRESENTATIVE = "representative", _("Legal representative or guardian")

    class Method(models.TextChoices):
        ORAL = "oral", _("Orally")
        WRITTEN = "written", _("In writing")
        ELECTRONIC = "electronic", _("Electronically")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consents"
    )
    scope = models.CharField(_("consent to"), max_length=20, choices=Scope.choices)
    recipient = models.CharField(
        _("shared with"),
        max_length=200,
        blank=True,
        help_text=_("For data sharing: the organisation or service that may receive the data."),
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    given_by = models.CharField(
        _("given by"), max_length=20, choices=GivenBy.choices, default=GivenBy.CLIENT
    )
    method = models.CharField(
        _("given"), max_length=20, choices=Method.choices, default=Method.ORAL
    )
    given_at = models.DateTimeField(_("given at"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The encounter (or other document) during which the consent was given, by its code.
    source_ref = models.UUIDField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["person", "scope"], name="people_consent_person_scope")]

    def __str__(self):
        return f"{self.get_scope_display()} {self.given_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        if self.withdrawn_at is not None:
            return False
        return self.valid_until is None or self.valid_until >= timezone.localdate()

    def audit_snapshot(self) -> dict:
        return {
            "scope": self.scope,
            "recipient": self.recipient,
            "purpose": self.purpose,
            "given_by": self.given_by,
            "method": self.method,
            "given_at": self.given_at,
            "valid_until": self.valid_until,
            "withdrawn_at": self.withdrawn_at,
        }


class ContactCode(models.Model):
    """A contact code carried over to a person (only its keyed hash)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="contact_codes"
    )
    # One person per code within an organisation (checked by `link_contact_code`); the same
    # code may belong to someone else in another county, since codes are drawn per county.
    code_hash = models.CharField(max_length=64, db_index=True)
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("carried-over contact code")
        verbose_name_plural = _("carried-over contact codes")

    def __str__(self):
        return f"{self.person_id}: {self.code_hash[:8]}…"
