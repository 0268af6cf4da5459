"""Answers to the PAKU client-centred quality criteria questionnaires (paku.md §3): 4 themes,
13 criteria, statements rated 1–5 (no "cannot say"), by clients (plain language), professionals and
management. The questionnaires are data (`data/quality_criteria.json`).

Answers are not client documents: a client's answers are anonymous (no person, no matter), kept
only with the organisation and unit, and reported as aggregates with small-number protection.
A client answers through a one-time link (`QualityInvitation`; only its hash is stored).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, Unit


class Rater(models.TextChoices):
    CLIENT = "client", _("Client")
    PROFESSIONAL = "professional", _("Professional")
    MANAGEMENT = "management", _("Management")


class QualityInvitation(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire link")
        verbose_name_plural = _("questionnaire links")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d}"


class QualityResponse(models.Model):
    Rater = Rater

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rater = models.CharField(_("answered as"), max_length=15, choices=Rater.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)
    # Staff answers know their author (a professional answers once per period, say); a client's
    # answers never do.
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    about_close_one = models.BooleanField(_("answered about a close one's case"), default=False)
    questionnaire_version = models.CharField(max_length=20)

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("quality questionnaire answer")
        verbose_name_plural = _("quality questionnaire answers")

    def __str__(self):
        return f"{self.get_rater_display()} {self.answered_at:%Y-%m-%d}"


class QualityRating(models.Model):
    """One statement rated 1–5; organisation, unit, rater, theme and time are copied from the
    response so that aggregates need no join."""

    response = models.ForeignKey(QualityResponse, on_delete=models.CASCADE, related_name="ratings")
    organisation_id_copy = models.IntegerField(db_index=False)
    unit_id_copy = models.IntegerField(null=True)
    rater = models.CharField(max_length=15, choices=Rater.choices)
    theme = models.SlugField(max_length=20)
    criterion = models.PositiveSmallIntegerField()
    statement = models.SlugField(max_length=20)
    rating = models.PositiveSmallIntegerField()
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("quality rating")
        verbose_name_plural = _("quality ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="casework_rating_1_5"
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation_id_copy", "at", "rater"], name="casework_rating_org_at"
            )
        ]

    def __str__(self):
        return f"{self.statement}: {self.rating}"
