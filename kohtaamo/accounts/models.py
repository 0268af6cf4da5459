"""Organisations, units, teams, roles (as data), users and their memberships."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kohtaamo.core.i18n import translated


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", _("Wellbeing services county")
        KELA = "kela", _("Kela")
        EMPLOYMENT = "employment", _("Employment services")
        NGO = "ngo", _("NGO")
        PARISH = "parish", _("Parish")
        MUNICIPALITY = "municipality", _("Municipality")
        OTHER = "other", _("Other partner")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    bilingual = models.BooleanField(
        _("bilingual"),
        default=False,
        help_text=_("Swedish texts are required in bilingual counties."),
    )

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def is_partner(self) -> bool:
        return self.kind != self.Kind.COUNTY


class Unit(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    slug = models.SlugField()
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name_fi"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unit_unique_slug")
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class Team(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="teams")
    slug = models.SlugField()
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name_fi"]
        constraints = [models.UniqueConstraint(fields=["unit", "slug"], name="team_unique_slug")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class Role(models.Model):
    """A role is data: its capabilities are read by the access gates, never its key."""

    class ClientAccess(models.TextChoices):
        NONE = "none", _("No client data")
        READ = "read", _("Read client data")
        WRITE = "write", _("Read and record client data")

    key = models.SlugField(unique=True)
    name_fi = models.CharField(max_length=100)
    name_sv = models.CharField(max_length=100, blank=True)
    name_en = models.CharField(max_length=100, blank=True)
    client_access = models.CharField(
        max_length=10, choices=ClientAccess.choices, default=ClientAccess.NONE
    )
    is_official = models.BooleanField(
        default=False,
        help_text=_("An official may start a service need assessment and sign decisions."),
    )
    is_social_welfare_professional = models.BooleanField(default=False)
    sees_aggregates = models.BooleanField(default=False)
    pseudonymised_only = models.BooleanField(default=False)
    configures = models.BooleanField(default=False)
    handles_referrals = models.BooleanField(
        default=False, help_text=_("Sees referrals sent to the organisation.")
    )
    requires_mfa = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class User(AbstractUser):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(
        max_length=5, default="fi", choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")]
    )
    # Incremented by "log out of all sessions"; a session made under an older value is ended.
    session_generation = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def active_memberships(self):
        """Active memberships with their role and organisation, cached on the instance."""
        if not hasattr(self, "_memberships_cache"):
            self._memberships_cache = list(
                self.memberships.filter(is_active=True).select_related(
                    "role", "organisation", "unit", "team"
                )
            )
        return self._memberships_cache

    @property
    def primary_membership(self):
        memberships = self.active_memberships()
        return memberships[0] if memberships else None

    def organisation_ids(self, *, client_access: tuple[str, ...] = ("read", "write")) -> set[int]:
        return {
            m.organisation_id
            for m in self.active_memberships()
            if m.role.client_access in client_access
        }

    def has_capability(self, name: str) -> bool:
        return any(getattr(m.role, name) for m in self.active_memberships())

    @property
    def requires_mfa(self) -> bool:
        return self.is_superuser or any(m.role.requires_mfa for m in self.active_memberships())

    @property
    def role_keys(self) -> list[str]:
        return [m.role.key for m in self.active_memberships()]


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    role = models.ForeignKey(Role, on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} – {self.role} – {self.organisation}"


class LoginFailure(models.Model):
    """A failed login, kept for throttling and lockout; the username is stored only as a hash."""

    username_hash = models.CharField(max_length=64, db_index=True)
    ip_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
