"""Social rehabilitation (§ 17): a time-limited service period, individual support meetings, and
start and end measurements with any instrument defined as data (EuroHIS-8 first)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kohtaamo.casework.models.matter import ClientMatter


class ServicePeriod(models.Model):
    class Service(models.TextChoices):
        SOCIAL_REHABILITATION = "social_rehabilitation", _("Social rehabilitation")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    matter = models.ForeignKey(ClientMatter, on_delete=models.PROTECT, related_name="periods")
    decision = models.ForeignKey(
        "casework.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="periods",
        verbose_name=_("decision"),
    )
    service = models.CharField(
        _("service"),
        max_length=30,
        choices=Service.choices,
        default=Service.SOCIAL_REHABILITATION,
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("planned end"), help_text=_("The service is time-limited: agree the end date.")
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("service period")
        verbose_name_plural = _("service periods")
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="casework_period_dates")]

    def __str__(self):
        return f"{self.get_service_display()} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("casework:period", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def audit_snapshot(self) -> dict:
        return {
            "service": self.service,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "ended_on": self.ended_on,
            "decision": self.decision_id,
        }


class SupportMeeting(models.Model):
    """An individual support meeting of a client (planned, then held or cancelled)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual meeting")
        HOME_VISIT = "home_visit", _("Home visit")
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video meeting")
        NETWORK = "network", _("Network meeting")
        ESCORT = "escort", _("Going along to another service")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
        HELD = "held", pgettext_lazy("meeting status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")
        NO_SHOW = "no_show", pgettext_lazy("meeting status", "Client did not come")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    matter = models.ForeignKey(ClientMatter, on_delete=models.PROTECT, related_name="meetings")
    period = models.ForeignKey(
        ServicePeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("service period"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("where"), max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    with_expert_by_experience = models.BooleanField(
        _("an expert by experience or peer took part"), default=False
    )
    notes = models.TextField(_("notes"), blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="support_meetings",
        verbose_name=_("worker"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("support meeting")
        verbose_name_plural = _("support meetings")
        indexes = [
            models.Index(fields=["matter", "at"], name="casework_meeting_matter"),
            models.Index(fields=["worker", "at"], name="casework_meeting_worker"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"

    @property
    def is_upcoming(self) -> bool:
        return self.status == self.Status.PLANNED and self.at >= timezone.now()

    def audit_snapshot(self) -> dict:
        return {
            "kind": self.kind,
            "at": self.at,
            "duration_minutes": self.duration_minutes,
            "place": self.place,
            "status": self.status,
            "with_expert_by_experience": self.with_expert_by_experience,
            "notes": self.notes,
            "worker": self.worker_id,
        }


class Measurement(models.Model):
    """A start or end measurement of a service period: an instrument result with its phase."""

    class Phase(models.TextChoices):
        START = "start", _("At the start")
        END = "end", _("At the end")

    period = models.ForeignKey(ServicePeriod, on_delete=models.PROTECT, related_name="measurements")
    phase = models.CharField(_("phase"), max_length=5, choices=Phase.choices)
    instrument_key = models.SlugField(max_length=40)
    result = models.OneToOneField(
        "instruments.InstrumentResult", on_delete=models.PROTECT, related_name="measurement"
    )
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["period", "instrument_key", "phase"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "instrument_key", "phase"], name="casework_measure_once"
            )
        ]

    def __str__(self):
        return f"{self.instrument_key} {self.phase}"
