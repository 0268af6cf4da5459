"""Assessment instruments as data, and their results.

`Instrument` rows are loaded from `data/*.json` after migrate (a new file is a new instrument; a
new `version` in a file is a new row, so results keep the definition they were scored with).
Scoring is `kohtaamo.instruments.scoring.score`; the result snapshot is stored with the answers.
Results are health data: they are read through the person's (or the contact's) gate and every read
is access-logged.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation
from kohtaamo.core.i18n import pick


class InstrumentQuerySet(models.QuerySet):
    def current(self):
        """The newest active version of each instrument."""
        return self.filter(active=True, is_latest=True)


class Instrument(models.Model):
    key = models.SlugField(max_length=40)
    version = models.CharField(max_length=20)
    definition = models.JSONField()
    active = models.BooleanField(_("in use"), default=True)
    is_latest = models.BooleanField(default=True, editable=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["key", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="instruments_key_version")
        ]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        return f"{self.name} ({self.version})"

    @property
    def name(self) -> str:
        return pick(self.definition.get("name")) or self.key

    @property
    def description(self) -> str:
        return pick(self.definition.get("description"))


class InstrumentResult(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Woman")
        MALE = "male", _("Man")
        UNKNOWN = "", _("Not known (show both thresholds)")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="results")
    version = models.CharField(max_length=20)
    answers = models.JSONField()
    result = models.JSONField()
    sex = models.CharField(_("sex used for the cut-offs"), max_length=10, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instrument_results",
    )
    encounter = models.ForeignKey(
        "encounters.Encounter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instrument_results",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("answered at"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("instrument result")
        verbose_name_plural = _("instrument results")
        indexes = [
            models.Index(fields=["person", "instrument", "at"], name="instruments_person_at"),
        ]

    def __str__(self):
        return f"{self.instrument.key} {self.at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("instruments:result", args=[self.code])

    @property
    def main_score(self):
        scores = self.result.get("scores", {})
        return scores.get("total", next(iter(scores.values()), None))
