"""The low-threshold desk: places, the taxonomy, encounters (contacts) and failure demand.

An encounter is a counselling contact. It may be anonymous (no identifier at all), pseudonymous
(a contact code the person keeps, stored only as a keyed hash) or identified (a person in the
client registry). Receiving guidance does not make anyone a client (Social Welfare Act § 6);
taking the matter up does, and that opens a `casework.ClientMatter`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, Team, Unit
from kohtaamo.core.i18n import translated


class Term(models.Model):
    """One entry of the configurable taxonomy (themes, support, results, ...), in fi/sv/en.

    Loaded from `data/taxonomy.json` after migrate without overwriting edits; an administrator
    can add entries or deactivate them in the admin. Keys are stable and stored on encounters.
    """

    class Section(models.TextChoices):
        THEMES = "themes", _("Theme")
        SUPPORT = "support", _("Support given")
        RESULTS = "results", _("Result")
        FAILURE_REASONS = "failure_reasons", _("Failure demand reason")
        CHANNELS = "channels", _("Channel")
        ARRIVAL = "arrival", _("How the person came")
        AGE_BANDS = "age_bands", _("Age group")
        GENDERS = "genders", _("Gender")

    section = models.CharField(max_length=20, choices=Section.choices)
    key = models.SlugField(max_length=40)
    label_fi = models.CharField(_("label (Finnish)"), max_length=120)
    label_sv = models.CharField(_("label (Swedish)"), max_length=120, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    help_fi = models.CharField(_("help (Finnish)"), max_length=300, blank=True)
    help_sv = models.CharField(_("help (Swedish)"), max_length=300, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=300, blank=True)
    order = models.PositiveIntegerField(default=1000)
    active = models.BooleanField(default=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["section", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="encounters_term_unique_key")
        ]
        verbose_name = _("taxonomy entry")
        verbose_name_plural = _("taxonomy")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return translated(self, "label")

    @property
    def help(self) -> str:
        return translated(self, "help")


class Place(models.Model):
    """Where the desk meets people: an office desk, an open meeting place, a Kela office, online.
    General on purpose: outreach reuses it for its regular places."""

    class Kind(models.TextChoices):
        DESK = "desk", _("Walk-in desk")
        MEETING_PLACE = "meeting_place", _("Open meeting place")
        HEALTH_STATION = "health_station", _("Health station")
        KELA_OFFICE = "kela_office", _("Kela office")
        PARISH = "parish", _("Parish")
        LIBRARY = "library", _("Library")
        SHOPPING_CENTRE = "shopping_centre", _("Shopping centre")
        STREET = "street", _("Street or public space")
        ONLINE = "online", _("Online or phone")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="places")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DESK)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    default_channel = models.CharField(
        _("default channel"),
        max_length=40,
        blank=True,
        help_text=_("Key of the channel preselected here, e.g. desk, phone or chat."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class CurrentPlace(models.Model):
    """The place a worker is at now: the default for quick entry."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="current_place"
    )
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("current place")
        verbose_name_plural = _("current places")

    def __str__(self):
        return f"{self.user}: {self.place}"


class Favourite(models.Model):
    """A named quick-entry selection a worker saved (place, channel, themes, support, ...)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_favourites"
    )
    name = models.CharField(_("name"), max_length=60)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="encounters_favourite_unique")
        ]
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")

    def __str__(self):
        return self.name


class EncounterQuerySet(models.QuerySet):
    def in_organisations(self, organisation_ids):
        return self.filter(organisation_id__in=organisation_ids)

    def with_lists(self):
        """What list pages show, in a constant number of queries."""
        return self.select_related("place").prefetch_related("themes", "support", "workers")

    def failure_demand(self):
        return self.filter(is_repeat=True, about_handled_matter=True)


class Encounter(models.Model):
    class IdentityLevel(models.TextChoices):
        ANONYMOUS = "anonymous", _("Anonymous")
        PSEUDONYMOUS = "pseudonymous", _("With a contact code")
        IDENTIFIED = "identified", _("Identified")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="encounters"
    )
    channel = models.CharField(_("channel"), max_length=40)
    started_at = models.DateTimeField(_("started at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="EncounterWorker", related_name="encounters"
    )
    arrival = models.CharField(_("how the person came"), max_length=40, default="self")
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guided by partner"),
    )
    identity_level = models.CharField(_("identity"), max_length=20, choices=IdentityLevel.choices)
    age_band = models.CharField(_("age group"), max_length=40, blank=True)
    gender = models.CharField(_("gender"), max_length=40, blank=True)
    municipality = models.CharField(_("home municipality"), max_length=100, blank=True)
    contact_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounters",
    )
    themes = models.ManyToManyField(Term, related_name="theme_encounters", blank=True)
    support = models.ManyToManyField(Term, related_name="support_encounters", blank=True)
    result = models.CharField(_("result"), max_length=40)
    guided_to = models.CharField(
        _("guided to"),
        max_length=200,
        blank=True,
        help_text=_("The service the person was guided to."),
    )
    is_repeat = models.BooleanField(_("repeat contact"), default=False)
    about_handled_matter = models.BooleanField(
        _("about a matter already handled"), null=True, blank=True
    )
    failure_reason = models.CharField(_("why the person is back"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    feedback_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    experiment_ref = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EncounterQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")
        indexes = [
            # Covering on PostgreSQL (INCLUDE is ignored elsewhere): the counts read only the
            # index, which keeps a month of a million-contact desk under 100 ms.
            models.Index(
                fields=["organisation", "started_at"],
                include=["id", "place", "is_repeat", "about_handled_matter", "failure_reason"],
                name="encounters_org_started_cov",
            ),
            models.Index(fields=["place", "started_at"], name="encounters_place_started"),
            models.Index(fields=["team", "started_at"], name="encounters_team_started"),
            models.Index(fields=["person", "started_at"], name="encounters_person_started"),
            models.Index(
                fields=["organisation", "contact_code_hash"],
                name="encounters_org_code",
                condition=~models.Q(contact_code_hash=""),
            ),
            models.Index(fields=["created_by", "created_at"], name="encounters_creator_created"),
            # The evaluation aggregates pick up edited rows by updated_at every minute.
            models.Index(fields=["updated_at"], name="encounters_updated"),
            # A feedback card's code finds its contact.
            models.Index(
                fields=["feedback_code_hash"],
                name="encounters_feedback_code",
                condition=~models.Q(feedback_code_hash=""),
            ),
        ]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.channel}"

    def get_absolute_url(self):
        return reverse("encounters:detail", args=[self.code])

    @property
    def is_failure_demand(self) -> bool:
        return bool(self.is_repeat and self.about_handled_matter)

    def audit_snapshot(self) -> dict:
        """Field values for the change history (never the note text itself, only its length)."""
        return {
            "identity_level": self.identity_level,
            "place": self.place_id,
            "channel": self.channel,
            "started_at": self.started_at,
            "duration_minutes": self.duration_minutes,
            "arrival": self.arrival,
            "partner": self.partner_id,
            "age_band": self.age_band,
            "gender": self.gender,
            "municipality": self.municipality,
            "person": str(self.person.code) if self.person_id else None,
            "contact_code": "(hash)" if self.contact_code_hash else "",
            "result": self.result,
            "guided_to": self.guided_to,
            "is_repeat": self.is_repeat,
            "about_handled_matter": self.about_handled_matter,
            "failure_reason": self.failure_reason,
            "note_length": len(self.note),
        }


class EncounterWorker(models.Model):
    """A worker of an encounter; position 0 is the one who recorded it, 1 the pair worker.
    `started_at` is copied here so "my contacts today" is one index range."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["encounter", "user"], name="encounters_worker_unique")
        ]
        indexes = [models.Index(fields=["user", "started_at"], name="encounters_worker_day")]
        verbose_name = _("encounter worker")
        verbose_name_plural = _("encounter workers")

    def __str__(self):
        return f"{self.encounter_id}: {self.user_id}"


class IdempotencyKey(models.Model):
    """An API request's Idempotency-Key: a retry returns the first response, creating nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="encounters_idempotency_unique")
        ]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self):
        return self.key
