"""The service need assessment (*palvelutarpeen arvio*, Social Welfare Act § 36).

Structure (standards.md 3.4; Sosmeta field codes are unverified, so the sections are named plainly):
start and completion dates with their deadlines, the reason, the life areas the need concerns, the
client's own view in the client's words, close ones' views (with consent), the worker's assessment,
the conclusion, and the need for special support (§ 46). Only an official signs it. A signed
assessment is never changed: a correction is a new edition that points to the one it corrects,
and signing it supersedes the old one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kohtaamo.casework.models.matter import ClientMatter


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("document status", "Draft")
    SIGNED = "signed", pgettext_lazy("document status", "Signed")
    SUPERSEDED = "superseded", pgettext_lazy("document status", "Corrected by a newer edition")


class ServiceNeedAssessment(models.Model):
    Status = DocumentStatus
    # Sections that may be copied from an earlier assessment (with the client's consent).
    REUSABLE_SECTIONS = (
        "reason",
        "need_areas",
        "client_view",
        "close_ones_view",
        "worker_assessment",
        "conclusion",
    )
    EDITABLE = (
        "started_on",
        "complete_by",
        "reason",
        "need_areas",
        "client_view",
        "close_ones_view",
        "worker_assessment",
        "conclusion",
        "special_support",
        "special_support_reason",
    )

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    matter = models.ForeignKey(ClientMatter, on_delete=models.PROTECT, related_name="assessments")
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
    version = models.PositiveIntegerField(default=1)  # optimistic locking of the draft
    started_on = models.DateField(_("assessment started on"), default=timezone.localdate)
    start_by = models.DateField(_("to start at the latest on"), null=True, blank=True)
    complete_by = models.DateField(
        _("to be completed by"),
        null=True,
        blank=True,
        help_text=_(
            "Without undue delay. For a child in need of special support within three months "
            "(§ 36)."
        ),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reason = models.TextField(_("reason for the assessment"), blank=True)
    need_areas = models.JSONField(_("life areas of the need"), default=list, blank=True)
    client_view = models.TextField(
        _("the client's own view"),
        blank=True,
        help_text=_("In the client's own words: what the situation is and what they wish for."),
    )
    close_ones_view = models.TextField(
        _("views of close ones and other professionals"),
        blank=True,
        help_text=_("Only with the client's consent."),
    )
    worker_assessment = models.TextField(_("the worker's assessment"), blank=True)
    conclusion = models.TextField(
        _("conclusion"),
        blank=True,
        help_text=_("The need for services and support, and what is proposed."),
    )
    special_support = models.BooleanField(
        _("the client needs special support (§ 46)"),
        default=False,
        help_text=_("The responsible worker must then be a social worker (§ 42)."),
    )
    special_support_reason = models.TextField(_("why special support is needed"), blank=True)
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
        ordering = ["-started_on", "-edition"]
        verbose_name = _("service need assessment")
        verbose_name_plural = _("service need assessments")
        indexes = [
            models.Index(fields=["matter", "status"], name="casework_assess_matter"),
            models.Index(fields=["status", "complete_by"], name="casework_assess_due"),
        ]

    def __str__(self):
        return f"{self.started_on:%Y-%m-%d} ({self.edition})"

    def get_absolute_url(self):
        return reverse("casework:assessment", args=[self.code])

    @property
    def is_signed(self) -> bool:
        return self.status != DocumentStatus.DRAFT

    @property
    def overdue(self) -> bool:
        return bool(
            self.status == DocumentStatus.DRAFT
            and self.complete_by
            and timezone.localdate() > self.complete_by
        )

    def audit_snapshot(self) -> dict:
        return {name: getattr(self, name) for name in self.EDITABLE} | {
            "status": self.status,
            "edition": self.edition,
            "signed_at": self.signed_at,
            "completed_on": self.completed_on,
        }


class AssessmentReuse(models.Model):
    """Sections of an earlier assessment copied into a new draft, with the client's consent."""

    assessment = models.ForeignKey(
        ServiceNeedAssessment, on_delete=models.CASCADE, related_name="reuses"
    )
    source = models.ForeignKey(
        ServiceNeedAssessment, on_delete=models.PROTECT, related_name="reused_in"
    )
    sections = models.JSONField(default=list)
    consent = models.ForeignKey("people.Consent", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reuse of an earlier assessment")
        verbose_name_plural = _("reuses of earlier assessments")

    def __str__(self):
        return f"{self.source_id} → {self.assessment_id}"
