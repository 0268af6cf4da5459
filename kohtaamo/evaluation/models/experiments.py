"""Field experiments evaluated in three stages (seed 003): start, mid-point and end.

"A social worker at the Kela office on Tuesdays 10–12": the experiment has a place, weekdays and
a time window, dates, and the staff time it takes (sessions × workers × hours per session). Its
activity is the encounters recorded against it (`Encounter.experiment_ref` = its code) or at its
place within its time windows.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, Unit

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ExperimentQuerySet(models.QuerySet):
    def in_organisations(self, organisation_ids):
        return self.filter(organisation_id__in=organisation_ids)


class Experiment(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluation_experiments",
        verbose_name=_("responsible person"),
    )
    name = models.CharField(_("name"), max_length=200)
    place = models.ForeignKey(
        "encounters.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
        help_text=_("Contacts at this place in the time window count for the experiment."),
    )
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    time_from = models.TimeField(_("from"), null=True, blank=True)
    time_to = models.TimeField(_("until"), null=True, blank=True)
    starts_on = models.DateField(_("first day"))
    mid_review_on = models.DateField(_("mid-point review"), null=True, blank=True)
    ends_on = models.DateField(_("last day"))
    sessions = models.PositiveIntegerField(
        _("sessions"), default=0, help_text=_("How many times the activity was held.")
    )
    workers_per_session = models.PositiveSmallIntegerField(_("workers per session"), default=1)
    hours_per_session = models.DecimalField(
        _("hours per session"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExperimentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluation:experiment-detail", args=[self.code])

    @property
    def staff_hours(self) -> Decimal:
        return Decimal(self.sessions) * self.workers_per_session * self.hours_per_session

    @property
    def mid_due_on(self) -> datetime.date:
        if self.mid_review_on:
            return self.mid_review_on
        return self.starts_on + (self.ends_on - self.starts_on) / 2

    def due_on(self, stage: str) -> datetime.date:
        return {
            ExperimentStage.Stage.START: self.starts_on,
            ExperimentStage.Stage.MID: self.mid_due_on,
            ExperimentStage.Stage.END: self.ends_on,
        }[stage]

    @property
    def weekday_labels(self) -> list[str]:
        names = dict(WEEKDAYS)
        return [str(names[d]) for d in sorted(self.weekdays) if d in names]

    def status(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if today < self.starts_on:
            return "planned"
        if today > self.ends_on:
            return "ended"
        return "running"


class ExperimentStage(models.Model):
    """One of the three evaluation forms. Saved half-done as a draft (`completed_at` empty) and
    finished later; finishing checks the required answers."""

    class Stage(models.TextChoices):
        START = "start", _("Start")
        MID = "mid", _("Mid-point")
        END = "end", _("End")

    class Reached(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    # start
    target_group = models.TextField(_("target group"), blank=True)
    problem = models.TextField(_("what do we want to solve?"), blank=True)
    description = models.TextField(_("description of the activity"), blank=True)
    resources = models.TextField(_("what is needed to carry it out?"), blank=True)
    expectations_positive = models.TextField(_("positive expectations"), blank=True)
    expectations_negative = models.TextField(_("negative expectations"), blank=True)
    evaluation_plan = models.TextField(
        _("how will the activity be evaluated in practice?"), blank=True
    )
    # mid-point and end
    target_reached = models.CharField(
        _("was the planned target group reached?"),
        max_length=10,
        choices=Reached.choices,
        blank=True,
    )
    reached_instead = models.TextField(_("if not, who or what was reached?"), blank=True)
    overall_assessment = models.TextField(_("overall assessment of the activity"), blank=True)
    other_needs = models.TextField(_("was something else needed? what?"), blank=True)
    successes = models.TextField(_("successes"), blank=True)
    failures = models.TextField(_("failures"), blank=True)
    changes_needed = models.TextField(_("what must change, and how?"), blank=True)
    # end only
    future = models.TextField(_("the future of the activity"), blank=True)
    lessons = models.TextField(_("what was learned?"), blank=True)

    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    START_FIELDS = (
        "target_group",
        "problem",
        "description",
        "resources",
        "expectations_positive",
        "expectations_negative",
        "evaluation_plan",
    )
    REVIEW_FIELDS = (
        "target_reached",
        "reached_instead",
        "overall_assessment",
        "other_needs",
        "successes",
        "failures",
        "changes_needed",
    )
    END_FIELDS = REVIEW_FIELDS + ("future", "lessons")
    REQUIRED = {
        "start": ("target_group", "problem", "description", "evaluation_plan"),
        "mid": ("target_reached", "overall_assessment", "changes_needed"),
        "end": ("target_reached", "overall_assessment", "future", "lessons"),
    }

    class Meta:
        ordering = ["experiment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "stage"], name="evaluation_stage_unique")
        ]
        verbose_name = _("experiment evaluation stage")
        verbose_name_plural = _("experiment evaluation stages")

    def __str__(self):
        return f"{self.experiment} – {self.get_stage_display()}"

    @classmethod
    def fields_for(cls, stage: str) -> tuple[str, ...]:
        return {"start": cls.START_FIELDS, "mid": cls.REVIEW_FIELDS, "end": cls.END_FIELDS}[stage]

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    @property
    def answered(self) -> int:
        return sum(1 for f in self.fields_for(self.stage) if getattr(self, f))

    @property
    def missing_required(self) -> list[str]:
        return [f for f in self.REQUIRED[self.stage] if not getattr(self, f)]
