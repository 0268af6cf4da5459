"""The service directory: organisations, their services and the ways to use them.

Our own model; HSDS 3.0 and PTV are import/export views of it (`hsds.py`, `ptv.py`). Every object
keeps its HSDS `id` (a UUID) in `hsds_id`, so import → export → import changes nothing. Texts have
fi/sv/en columns read with `kohtaamo.core.i18n.translated`. Themes are the encounter theme keys as
plain strings, so the directory does not depend on the encounters app.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kohtaamo.core.i18n import translated

LANGS = ("fi", "sv", "en")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def texts(label, *, long: bool = False, max_length: int = 300) -> tuple:
    """The fi, sv and en columns of one text: `name_fi, name_sv, name_en = texts(_("name"))`."""
    if long:
        return tuple(
            models.TextField(format_lazy("{} ({})", label, lang), blank=True) for lang in LANGS
        )
    return tuple(
        models.CharField(format_lazy("{} ({})", label, lang), max_length=max_length, blank=True)
        for lang in LANGS
    )


class Provenance(models.Model):
    """Where an entry came from and when someone last checked it is still true."""

    source = models.CharField(_("source"), max_length=100, blank=True)
    source_id = models.CharField(_("identifier at the source"), max_length=100, blank=True)
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    verified_by = models.CharField(_("verified by"), max_length=150, blank=True)
    # Ids of sub-objects we do not store as rows (service area, cost option, attributes...), so an
    # HSDS export repeats the ids it was given: {"cost_option": "<uuid>", ...}.
    hsds_ids = models.JSONField(default=dict, blank=True, editable=False)
    # Hash of the last imported HSDS record per language: an identical record is "unchanged".
    import_hashes = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def stale_after(self) -> datetime.timedelta:
        return datetime.timedelta(days=settings.DIRECTORY_STALE_DAYS)

    @property
    def is_stale(self) -> bool:
        if self.last_verified_at is None:
            return True
        return timezone.now() - self.last_verified_at > self.stale_after

    def sub_id(self, key: str) -> str:
        """The HSDS id of a derived sub-object: the one imported, else a stable uuid5."""
        known = self.hsds_ids.get(key)
        return known or str(uuid.uuid5(self.hsds_id, key))


class Organisation(Provenance):
    """A service provider in the directory (county, Kela, NGO, parish...). Separate from
    `accounts.Organisation` (who uses Kohtaamo) but optionally linked to it, e.g. the Kela partner."""

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    linked_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organisations",
        verbose_name=_("Kohtaamo organisation"),
        help_text=_("The partner organisation in Kohtaamo, if its staff use Kohtaamo."),
    )
    name_fi, name_sv, name_en = texts(_("name"), max_length=200)
    description_fi, description_sv, description_en = texts(_("description"), long=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("directory organisation")
        verbose_name_plural = _("directory organisations")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def description(self) -> str:
        return translated(self, "description")


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Service.Status.ACTIVE)

    def stale(self):
        limit = timezone.now() - datetime.timedelta(days=settings.DIRECTORY_STALE_DAYS)
        return self.filter(
            models.Q(last_verified_at__isnull=True) | models.Q(last_verified_at__lt=limit)
        )

    def for_listing(self):
        return self.select_related("organisation").prefetch_related("languages")


class Service(Provenance):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    class Coverage(models.TextChoices):
        LOCAL = "local", _("One municipality")
        COUNTY = "county", _("The whole county")
        NATIONWIDE = "nationwide", _("Nationwide")

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("organisation"),
    )
    slug = models.SlugField(max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    url = models.URLField(_("web address"), blank=True, max_length=500)
    email = models.EmailField(_("email"), blank=True)
    name_fi, name_sv, name_en = texts(_("name"), max_length=200)
    description_fi, description_sv, description_en = texts(_("description"), long=True)
    keywords_fi, keywords_sv, keywords_en = texts(_("keywords"), long=True)
    eligibility_fi, eligibility_sv, eligibility_en = texts(_("who can use it"), long=True)
    fees_fi, fees_sv, fees_en = texts(_("fees"), long=True)
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    anonymous_allowed = models.BooleanField(_("anonymous use allowed"), default=False)
    no_appointment = models.BooleanField(_("no appointment needed"), default=False)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    coverage = models.CharField(
        _("area"), max_length=20, choices=Coverage.choices, default=Coverage.LOCAL
    )
    themes = models.JSONField(
        _("themes"),
        default=list,
        blank=True,
        help_text=_("Encounter theme keys, e.g. housing, debt."),
    )
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    # Words indexed with the lowest weight, kept by `search_index.reindex`: compound parts of long
    # words ("velkaneuvonta" → "velka neuvonta"), the organisation, municipality and channel names.
    search_extra_fi = models.TextField(blank=True, editable=False)
    search_extra_sv = models.TextField(blank=True, editable=False)
    search_extra_en = models.TextField(blank=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [
            models.Index(fields=["last_verified_at"], name="directory_service_verified"),
            # Imported services often have no slug: an index of the set slugs only keeps the
            # planner on the index for `slug IN (...)` (theme links) even when most are blank.
            models.Index(
                fields=["slug"], name="directory_service_slug_set", condition=~models.Q(slug="")
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:service", args=[self.hsds_id])

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def description(self) -> str:
        return translated(self, "description")

    @property
    def eligibility(self) -> str:
        return translated(self, "eligibility")

    @property
    def fees(self) -> str:
        return translated(self, "fees")

    def keyword_list(self, lang: str) -> list[str]:
        return [k.strip() for k in getattr(self, f"keywords_{lang}", "").split("\n") if k.strip()]

    def audit_snapshot(self) -> dict:
        fields = [
            "status", "url", "email", "free_of_charge", "anonymous_allowed", "no_appointment",
            "municipality", "coverage", "themes", "last_verified_at", "verified_by",
        ]  # fmt: skip
        for base in ("name", "description", "keywords", "eligibility", "fees"):
            fields += [f"{base}_{lang}" for lang in ("fi", "sv", "en")]
        return {name: getattr(self, name) for name in fields}


class ServiceLanguage(models.Model):
    """A language the service is given in (ISO 639-1)."""

    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language code"), max_length=8)

    class Meta:
        ordering = ["service", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="directory_language_unique")
        ]
        verbose_name = _("service language")
        verbose_name_plural = _("service languages")

    def __str__(self):
        return self.code


class Location(models.Model):
    """A place (physical) or an address on the web (virtual) where services are given."""

    class Type(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations", null=True, blank=True
    )
    location_type = models.CharField(max_length=10, choices=Type.choices, default=Type.PHYSICAL)
    url = models.URLField(_("web address"), blank=True, max_length=500)
    name_fi, name_sv, name_en = texts(_("name"), max_length=200)
    description_fi, description_sv, description_en = texts(_("directions"), long=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=50, blank=True)
    # One address per location (HSDS allows several; we keep the first).
    address_hsds_id = models.UUIDField(null=True, blank=True, editable=False)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FI")

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.name or self.url or self.street

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def description(self) -> str:
        return translated(self, "description")

    @property
    def address_text(self) -> str:
        city = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.street, city) if p)


class ServiceAtLocation(models.Model):
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description_fi, description_sv, description_en = texts(_("description"), long=True)

    class Meta:
        ordering = ["service", "id"]
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")

    def __str__(self):
        return f"{self.service} @ {self.location}"


class Contact(models.Model):
    """A named contact person or desk (of an organisation, service or location)."""

    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_hsds_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name or self.department or self.email


class Phone(models.Model):
    class Type(models.TextChoices):
        VOICE = "voice", _("Voice")
        TEXT = "text", _("Text message")
        CELL = "cell", _("Mobile")
        FAX = "fax", _("Fax")
        VIDEO = "video", _("Video")
        TEXTPHONE = "textphone", _("Textphone")
        PAGER = "pager", _("Pager")

    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=40)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.VOICE)
    description_fi, description_sv, description_en = texts(_("description"), max_length=300)

    class Meta:
        ordering = ["id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self):
        return self.number

    @property
    def description(self) -> str:
        return translated(self, "description")


class Channel(models.Model):
    """A way to use a service, in PTV's five types. Details live in the HSDS-shaped rows:
    a ServiceLocation channel points to a physical location (through a service-at-location),
    WebPage and EChannel to a virtual location with a URL, Phone to a phone; a PrintableForm
    is an HSDS required document with a URL."""

    class Kind(models.TextChoices):
        SERVICE_LOCATION = "ServiceLocation", _("Service location")
        PHONE = "Phone", _("Phone")
        WEB_PAGE = "WebPage", _("Web page")
        E_CHANNEL = "EChannel", _("E-service")
        PRINTABLE_FORM = "PrintableForm", _("Printable form")

    # The HSDS id of what this channel is: the service-at-location, the phone or the document.
    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    service_at_location = models.OneToOneField(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="channel"
    )
    phone = models.OneToOneField(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="channel"
    )
    url = models.URLField(_("web address"), blank=True, max_length=500)
    name_fi, name_sv, name_en = texts(_("name"), max_length=200)
    source_id = models.CharField(_("identifier at the source"), max_length=100, blank=True)

    class Meta:
        ordering = ["service", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "hsds_id"], name="directory_channel_unique")
        ]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def location(self) -> Location | None:
        sal = self.service_at_location
        return sal.location if sal else None

    @property
    def label(self) -> str:
        location = self.location
        return self.name or (location.name if location else "") or self.url


class Schedule(models.Model):
    """Weekly opening hours (HSDS schedule, iCal style): on `byday` from `opens_at` to
    `closes_at`, local time (Europe/Helsinki)."""

    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    freq = models.CharField(max_length=10, default="WEEKLY")
    byday = models.CharField(_("days"), max_length=40, help_text="MO,TU,WE,TH,FR")
    opens_at = models.TimeField(_("opens"), null=True, blank=True)
    closes_at = models.TimeField(_("closes"), null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description_fi, description_sv, description_en = texts(_("description"), max_length=300)

    class Meta:
        ordering = ["id"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.byday} {self.opens_at}-{self.closes_at}"

    @property
    def days(self) -> list[int]:
        return [WEEKDAYS.index(d) for d in self.byday.split(",") if d in WEEKDAYS]

    @property
    def description(self) -> str:
        return translated(self, "description")

    def is_open_at(self, moment: datetime.datetime) -> bool:
        local = timezone.localtime(moment)
        if self.valid_from and local.date() < self.valid_from:
            return False
        if self.valid_to and local.date() > self.valid_to:
            return False
        if local.weekday() not in self.days or not self.opens_at or not self.closes_at:
            return False
        return self.opens_at <= local.time() < self.closes_at


class Term(models.Model):
    """The search vocabulary: every word of the indexed texts with its stem and document count.
    Used to split compounds and to correct misspellings (trigram similarity)."""

    lang = models.CharField(max_length=2)
    word = models.CharField(max_length=80)
    stem = models.CharField(max_length=80)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lang", "word"], name="directory_term_unique")
        ]
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self):
        return f"{self.lang}:{self.word}"
