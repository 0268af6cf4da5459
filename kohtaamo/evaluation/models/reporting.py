"""Social reporting comments and the record of research extracts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, Unit


class SocialReportComment(models.Model):
    """A worker's commentary on a section of the social report for an area and period: the
    structural-social-work reading of the figures. Never about a person."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    section = models.CharField(_("report section"), max_length=60)
    area = models.CharField(
        _("area"),
        max_length=100,
        blank=True,
        help_text=_("A municipality or place; empty for all."),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    text = models.TextField(_("commentary"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "created_at"]
        verbose_name = _("social report comment")
        verbose_name_plural = _("social report comments")

    def __str__(self):
        return f"{self.section} {self.period_start:%Y-%m}"


class ResearchExtract(models.Model):
    """Who took a pseudonymised research extract, of what, when. The pseudonym key is random per
    extract and never stored, so extracts cannot be linked to each other or back to people."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation_ids = models.JSONField(default=list)
    period_start = models.DateField()
    period_end = models.DateField()
    purpose = models.CharField(_("purpose"), max_length=300)
    encounter_rows = models.PositiveIntegerField(default=0)
    referral_rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("research extract")
        verbose_name_plural = _("research extracts")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d} {self.period_start}–{self.period_end}"
