"""Decisions (*päätös*, § 45) made by an official, linked to the client plan, with appeal
instructions (*oikaisuvaatimusohje*) taken from `data/appeal_instructions.json` and frozen into the
decision when it is signed. A signed decision is never edited: a correction is a new edition that
references the old one, and signing the correction supersedes the old edition."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kohtaamo.casework.models.assessment import DocumentStatus
from kohtaamo.casework.models.matter import ClientMatter


class Decision(models.Model):
    Status = DocumentStatus
    EDITABLE = (
        "service",
        "subject",
        "outcome",
        "decision_text",
        "reasoning",
        "legal_basis",
        "valid_from",
        "valid_until",
    )

    class Service(models.TextChoices):
        SOCIAL_REHABILITATION = "social_rehabilitation", _("Social rehabilitation (§ 17)")
        SOCIAL_WORK = "social_work", _("Social work (§ 15)")
        SOCIAL_GUIDANCE = "social_guidance", _("Social guidance (§ 16)")
        HOUSING_SUPPORT = "housing_support", _("Housing services (§ 21)")
        SUBSTANCE_WORK = "substance_work", _("Substance abuse work (§ 24)")
        OTHER = "other", _("Other service")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        PARTLY = "partly", _("Partly granted")
        REFUSED = "refused", _("Refused")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    matter = models.ForeignKey(ClientMatter, on_delete=models.PROTECT, related_name="decisions")
    plan = models.ForeignKey(
        "casework.ClientPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("client plan"),
    )
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    service = models.CharField(_("service"), max_length=30, choices=Service.choices)
    subject = models.CharField(_("subject"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    decision_text = models.TextField(_("decision"))
    reasoning = models.TextField(_("grounds"))
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Social rehabilitation is time-limited: give the end date."),
    )
    appeal_instructions = models.TextField(_("appeal instructions"), blank=True)
    appeal_language = models.CharField(max_length=5, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_title = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["matter", "status"], name="casework_decision_matter")]

    def __str__(self):
        return f"{self.subject} ({self.edition})"

    def get_absolute_url(self):
        return reverse("casework:decision", args=[self.code])

    @property
    def is_signed(self) -> bool:
        return self.status != DocumentStatus.DRAFT

    def audit_snapshot(self) -> dict:
        return {name: getattr(self, name) for name in self.EDITABLE} | {
            "status": self.status,
            "edition": self.edition,
            "plan": self.plan_id,
            "signed_at": self.signed_at,
        }
