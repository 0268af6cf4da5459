"""Outreach field work: regular places, pair shifts with safety check-ins, field contacts and
observations (weak signals).

- An `OutreachPlace` extends the desk's `encounters.Place` with what regular presence needs: its
  kind, a weekly schedule (`PresenceSlot`), contact people and publicity notes.
- A `Shift` is planned for a team with two or more workers (`ShiftWorker`), planned place visits
  (`PlaceVisit`) and an on-call person. During the shift every worker checks in (`CheckIn`) at each
  place and says when the next check-in will come; an overdue check-in or "need help now" raises a
  `SafetyAlert`, which goes to the on-call person until someone acknowledges it. Each worker ends
  the shift by confirming that they are safe. Everything that happens is in `ShiftEvent`.
- A field contact is an `encounters.Encounter` (channel "field") made by the desk's own action;
  `FieldContact` links it to the shift and place visit.
- An `Observation` is a structured weak signal (a new encampment, people sleeping rough...) with
  place and time and no personal data; the social report aggregates them.

Check-ins and contacts may be queued on a phone without a connection and synced later: each has a
client-generated `client_id`, so a repeated or interrupted sync never duplicates anything.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, Team

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class OutreachPlace(models.Model):
    """A regular outreach place: the desk's place plus schedule, contacts and publicity."""

    class Kind(models.TextChoices):
        SHOPPING_CENTRE = "shopping_centre", _("Shopping centre")
        KELA_OFFICE = "kela_office", _("Kela office")
        PARISH = "parish", _("Parish")
        STATION = "station", _("Station")
        ENCAMPMENT = "encampment", _("Encampment")
        STREET = "street", _("Street or park")
        ONLINE_FORUM = "online_forum", _("Online forum")
        OTHER = "other", _("Other")

    place = models.OneToOneField(
        "encounters.Place", on_delete=models.CASCADE, related_name="outreach"
    )
    kind = models.CharField(_("kind of place"), max_length=20, choices=Kind.choices)
    contact_people = models.TextField(
        _("contact people"),
        blank=True,
        help_text=_("Staff or partners at the place and how to reach them. Never clients."),
    )
    publicity_notes = models.TextField(
        _("publicity"),
        blank=True,
        help_text=_("How the regular presence is made known: posters, web pages, partners."),
    )
    safety_notes = models.TextField(
        _("work safety"),
        blank=True,
        help_text=_("What a pair should know before going there."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["place__name_fi"]
        verbose_name = _("outreach place")
        verbose_name_plural = _("outreach places")

    def __str__(self):
        return self.place.name

    def get_absolute_url(self):
        return reverse("outreach:place", args=[self.place.code])

    @property
    def is_online(self) -> bool:
        return self.kind == self.Kind.ONLINE_FORUM


class PresenceSlot(models.Model):
    """Regular presence: the same place at the same time every week."""

    outreach_place = models.ForeignKey(
        OutreachPlace, on_delete=models.CASCADE, related_name="slots"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    time_from = models.TimeField(_("from"))
    time_until = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "time_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(time_until__gt=models.F("time_from")),
                name="outreach_slot_ends_after_start",
            )
        ]
        verbose_name = _("regular presence")
        verbose_name_plural = _("regular presence")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.time_from:%H:%M}–{self.time_until:%H:%M}"


class ShiftQuerySet(models.QuerySet):
    def in_organisations(self, organisation_ids):
        return self.filter(organisation_id__in=organisation_ids)

    def running(self):
        return self.filter(status=Shift.Status.ACTIVE)

    def for_board(self):
        return self.select_related("team", "on_call").prefetch_related("crew__user")


class Shift(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("On the move")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="outreach_shifts", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ShiftWorker", related_name="outreach_shifts"
    )
    on_call = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="outreach_on_call",
        verbose_name=_("on-call person"),
    )
    on_call_phone = models.CharField(
        _("on-call phone"),
        max_length=30,
        blank=True,
        help_text=_("For text-message alerts and for calling from the field."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gt=models.F("planned_start")),
                name="outreach_shift_ends_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "planned_start"], name="outreach_shift_org_start"),
            models.Index(fields=["status", "team"], name="outreach_shift_status_team"),
        ]
        verbose_name = _("outreach shift")
        verbose_name_plural = _("outreach shifts")

    def __str__(self):
        return f"{self.planned_start:%Y-%m-%d %H:%M} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("outreach:shift", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.ACTIVE)

    @property
    def staff_hours(self) -> float:
        """Hours worked by the whole crew (actual times when known, planned otherwise)."""
        start = self.started_at or self.planned_start
        end = self.ended_at or (timezone.now() if self.status == self.Status.ACTIVE else None)
        end = end or self.planned_end
        hours = max((end - start).total_seconds(), 0) / 3600
        return hours * len(self.crew.all())


class ShiftWorker(models.Model):
    """One worker of a shift; `safe_at` is their own "I am safe, my shift is over"."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="crew")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    safe_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], name="outreach_worker_unique")
        ]
        verbose_name = _("shift worker")
        verbose_name_plural = _("shift workers")

    def __str__(self):
        return f"{self.shift_id}: {self.user_id}"


class PlaceVisit(models.Model):
    """A planned stop of a shift: a place and a time window. May belong to a three-stage field
    experiment of the evaluation app (`experiment_ref` is the experiment's code; a reference, not
    a foreign key, because nothing depends on evaluation)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="visits")
    place = models.ForeignKey(
        "encounters.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    planned_from = models.DateTimeField(_("from"))
    planned_until = models.DateTimeField(_("until"))
    experiment_ref = models.UUIDField(_("experiment"), null=True, blank=True)

    class Meta:
        ordering = ["planned_from", "id"]
        verbose_name = _("place visit")
        verbose_name_plural = _("place visits")

    def __str__(self):
        return f"{self.place} {self.planned_from:%H:%M}–{self.planned_until:%H:%M}"

    @property
    def hours(self) -> float:
        return max((self.planned_until - self.planned_from).total_seconds(), 0) / 3600


class CheckIn(models.Model):
    """ "We are here; next check-in by 14:30." `received_at` is when the server got it; `seen_at`
    is when it was made (the phone's time, corrected for a wrong clock, when it was queued offline;
    otherwise the time of receipt). A location is kept only with the worker's consent for this
    one check-in."""

    class Via(models.TextChoices):
        FORM = "form", _("Form")
        SYNC = "sync", _("Sent from the phone's queue")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="check_ins")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(
        "encounters.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visit = models.ForeignKey(
        PlaceVisit, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_ins"
    )
    received_at = models.DateTimeField()
    device_time = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField()
    next_by = models.DateTimeField(_("next check-in by"), null=True, blank=True)
    location_consent = models.BooleanField(default=False)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.FORM)
    clock_offset_s = models.IntegerField(null=True, blank=True)
    clock_corrected = models.BooleanField(default=False)
    client_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-seen_at", "-id"]
        indexes = [
            models.Index(fields=["shift", "worker", "seen_at"], name="outreach_checkin_latest")
        ]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return f"{self.seen_at:%H:%M} {self.worker_id}"

    @property
    def delay_seconds(self) -> int:
        """How long the check-in waited on the phone before the server got it."""
        return max(int((self.received_at - self.seen_at).total_seconds()), 0)

    @property
    def was_queued(self) -> bool:
        return self.via == self.Via.SYNC and self.delay_seconds >= 60

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class SafetyAlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(acknowledged_at__isnull=True)


class SafetyAlert(models.Model):
    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("Check-in overdue")
        HELP = "help", _("Needs help now")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="alerts")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_notified_at = models.DateTimeField(null=True, blank=True)
    escalations = models.PositiveIntegerField(
        default=0, help_text=_("How many times the on-call person has been notified.")
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SafetyAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "worker", "due_at"],
                condition=models.Q(kind="overdue"),
                name="outreach_alert_one_per_due_time",
            )
        ]
        indexes = [
            models.Index(
                fields=["acknowledged_at", "last_notified_at"], name="outreach_alert_pending"
            )
        ]
        verbose_name = _("safety alert")
        verbose_name_plural = _("safety alerts")

    def __str__(self):
        return f"{self.get_kind_display()} {self.raised_at:%H:%M}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class ShiftEvent(models.Model):
    """The shift's log: everything that happened, by whom, when. No personal data of clients."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Shift planned")
        STARTED = "started", _("Shift started")
        CHECKED_IN = "checked_in", _("Checked in")
        ALERT = "alert", _("Alert raised")
        NOTIFIED = "notified", _("On-call person notified")
        NOTIFY_FAILED = "notify_failed", _("Notification failed")
        ACKNOWLEDGED = "acknowledged", _("Alert acknowledged")
        HELP = "help", _("Help asked")
        SAFE = "safe", _("Worker safe at the end")
        ENDED = "ended", _("Shift ended")
        CANCELLED = "cancelled", _("Shift cancelled")
        CONTACT = "contact", _("Field contact recorded")
        OBSERVATION = "observation", _("Observation recorded")
        SYNC_REFUSED = "sync_refused", _("Queued item refused")
        CLOCK = "clock", _("Phone clock corrected")

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alert = models.ForeignKey(
        SafetyAlert, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["shift", "at"], name="outreach_event_shift_at")]
        verbose_name = _("shift event")
        verbose_name_plural = _("shift events")

    def __str__(self):
        return f"{self.at:%H:%M:%S} {self.kind}"


class SentNotification(models.Model):
    """Every notification sent about an alert, by every backend. The test sink only writes
    here; the e-mail and SMS backends also deliver. Messages hold no personal data."""

    alert = models.ForeignKey(
        SafetyAlert, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    backend = models.CharField(max_length=20)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    address = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    ok = models.BooleanField(default=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")

    def __str__(self):
        return f"{self.sent_at:%H:%M:%S} {self.backend} {self.subject}"


class FieldContact(models.Model):
    """Links a field contact (an `encounters.Encounter`, channel "field") to its shift."""

    encounter = models.OneToOneField(
        "encounters.Encounter", on_delete=models.CASCADE, related_name="field_contact"
    )
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="contacts")
    visit = models.ForeignKey(
        PlaceVisit, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    recorded_offline = models.BooleanField(default=False)
    device_time = models.DateTimeField(null=True, blank=True)
    clock_corrected = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("field contact")
        verbose_name_plural = _("field contacts")

    def __str__(self):
        return f"{self.shift_id}: {self.encounter_id}"


class ObservationQuerySet(models.QuerySet):
    def in_organisations(self, organisation_ids):
        return self.filter(organisation_id__in=organisation_ids)


class Observation(models.Model):
    """A structured weak signal from the field. Never about a person: it says what, where, when
    and roughly how many."""

    class Kind(models.TextChoices):
        NEW_ENCAMPMENT = "new_encampment", _("A new encampment")
        DRUG_USE_CHANGE = "drug_use_change", _("A change in drug use")
        SLEEPING_ROUGH = "sleeping_rough", _("People sleeping rough")
        SERVICE_GAP = "service_gap", _("A gap in services")
        OTHER = "other", _("Something else")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.SET_NULL, null=True, blank=True, related_name="observations"
    )
    place = models.ForeignKey(
        "encounters.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    kind = models.CharField(_("what was seen"), max_length=20, choices=Kind.choices)
    observed_at = models.DateTimeField(_("when"))
    count_estimate = models.PositiveIntegerField(_("about how many people"), null=True, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What you saw and why it matters. No names or other details of people."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_at", "-id"]
        indexes = [models.Index(fields=["organisation", "observed_at"], name="outreach_obs_org_at")]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self):
        return f"{self.observed_at:%Y-%m-%d} {self.get_kind_display()}"
