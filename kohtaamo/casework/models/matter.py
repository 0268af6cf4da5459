"""The client matter (asiakkuus), its team and network, and the contact notification
(yhteydenotto, § 35).

A matter becomes pending (*vireille*, § 34) when it is taken up; for the special groups of § 36 the
service need assessment must start at the latest on the 7th working day after that. The matter has
a named responsible worker (omatyöntekijä, § 42) and a team (`MatterMember`): other professionals,
and partner workers who see only the plan steps assigned to them. The client's network
(`NetworkMember`) is recorded with the client's consent.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kohtaamo.accounts.models import Organisation, Team, Unit
from kohtaamo.casework import workdays


class ClientMatterQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ClientMatter.Status.OPEN)

    def awaiting_assessment(self):
        return self.open().filter(assessment_started_at__isnull=True)

    def inactive_since(self, moment):
        return self.open().filter(last_activity_at__lt=moment)


class ClientMatter(models.Model):
    class Source(models.TextChoices):
        ENCOUNTER = "encounter", _("Low-threshold contact")
        REFERRAL = "referral", _("Referral")
        CHAT = "chat", _("Chat")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("client matter status", "Open")
        CLOSED = "closed", pgettext_lazy("client matter status", "Closed")

    class Segment(models.TextChoices):
        SELF_RELIANT = "self_reliant", _("Self-reliant (omatoimiasiakkuus)")
        COOPERATION = "cooperation", _("Cooperation (yhteistyöasiakkuus)")
        COMMUNITY = "community", _("Community (yhteisöasiakkuus)")
        NETWORK = "network", _("Network (verkostoasiakkuus)")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="client_matters"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_matters",
        verbose_name=_("responsible worker"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_ref = models.UUIDField(null=True, blank=True, editable=False)  # e.g. encounter code
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    pending_at = models.DateTimeField(_("pending since"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    special_group = models.BooleanField(
        _("over 75, highest disability allowance, or a child in need of special support"),
        default=False,
        help_text=_(
            "For these people the service need assessment must start at the latest on the "
            "7th working day after the matter became pending (Social Welfare Act § 36)."
        ),
    )
    assessment_start_by = models.DateField(_("assessment to start by"), null=True, blank=True)
    assessment_started_at = models.DateTimeField(_("assessment started at"), null=True, blank=True)
    assessment_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    special_support = models.BooleanField(
        _("client in need of special support (§ 46)"),
        default=False,
        help_text=_("Set from the signed service need assessment."),
    )
    segment = models.CharField(
        _("client segment"),
        max_length=20,
        blank=True,
        choices=Segment.choices,
        help_text=_("Made together with the client, e.g. with Suuntima."),
    )
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClientMatterQuerySet.as_manager()

    class Meta:
        ordering = ["-pending_at"]
        verbose_name = _("client matter")
        verbose_name_plural = _("client matters")
        indexes = [
            models.Index(fields=["team", "status"], name="casework_matter_team_status"),
            models.Index(
                fields=["responsible_worker", "status"], name="casework_matter_worker_status"
            ),
            models.Index(fields=["person", "status"], name="casework_matter_person_status"),
            models.Index(fields=["status", "last_activity_at"], name="casework_matter_activity"),
            models.Index(fields=["organisation", "closed_at"], name="casework_matter_org_closed"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.pending_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("casework:matter", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def days_pending(self) -> int:
        return (timezone.localdate() - timezone.localdate(self.pending_at)).days

    @property
    def working_days_pending(self) -> int:
        return workdays.working_days_between(
            timezone.localdate(self.pending_at), timezone.localdate()
        )

    @property
    def assessment_overdue(self) -> bool:
        return bool(
            self.assessment_start_by
            and self.assessment_started_at is None
            and timezone.localdate() > self.assessment_start_by
        )

    def audit_snapshot(self) -> dict:
        return {
            "status": self.status,
            "source": self.source,
            "pending_at": self.pending_at,
            "special_group": self.special_group,
            "assessment_start_by": self.assessment_start_by,
            "assessment_started_at": self.assessment_started_at,
            "responsible_worker": self.responsible_worker_id,
            "team": self.team_id,
            "special_support": self.special_support,
            "segment": self.segment,
            "closed_at": self.closed_at,
        }


class ContactNotification(models.Model):
    """A contact (yhteydenotto) asking social welfare to assess a person's need (§ 35)."""

    class SenderRole(models.TextChoices):
        CLIENT = "client", _("The person themselves")
        SOCIAL_WELFARE = "social_welfare", _("Social welfare (low-threshold desk)")
        HEALTH_CARE = "health_care", _("Health care")
        POLICE = "police", _("Police")
        KELA = "kela", _("Kela")
        EMPLOYMENT = "employment", _("Employment services")
        ENFORCEMENT = "enforcement", _("Enforcement authority")
        CRIMINAL_SANCTIONS = "criminal_sanctions", _("Criminal Sanctions Agency")
        EDUCATION = "education", _("School or educational institution")
        RELATIVE = "relative", _("Relative or close person")
        OTHER = "other", _("Other")

    class Consent(models.TextChoices):
        GIVEN = "given", _("With the person's consent")
        OWN_REQUEST = "own_request", _("At the person's own request")
        CANNOT_SEE_TO_OWN_CARE = (
            "cannot_care",
            _(
                "Without consent: the person evidently cannot see to their own care, health or safety"
            ),
        )
        CHILD_INTEREST = "child_interest", _("Without consent: a child's interest requires it")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        TAKEN = "taken", _("Taken")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_notifications",
    )
    matter = models.ForeignKey(
        ClientMatter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("team queue")
    )
    sender_role = models.CharField(_("sender"), max_length=30, choices=SenderRole.choices)
    sender_organisation = models.CharField(_("sender's organisation"), max_length=200, blank=True)
    consent = models.CharField(_("consent"), max_length=20, choices=Consent.choices)
    reason = models.TextField(_("reason for the contact"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("contact notification")
        verbose_name_plural = _("contact notifications")
        indexes = [
            models.Index(fields=["team", "status"], name="casework_notif_team_status"),
            models.Index(fields=["unit", "status"], name="casework_notif_unit_status"),
        ]

    def __str__(self):
        return f"{self.get_sender_role_display()} {self.received_at:%Y-%m-%d}"

    def audit_snapshot(self) -> dict:
        return {
            "sender_role": self.sender_role,
            "sender_organisation": self.sender_organisation,
            "consent": self.consent,
            "received_at": self.received_at,
            "status": self.status,
            "team": self.team_id,
            "taken_by": self.taken_by_id,
        }


class MatterMember(models.Model):
    """A worker in the matter's team. A partner member sees only the plan steps assigned to them."""

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("Responsible worker (omatyöntekijä)")
        TEAM = "team", _("Team member")
        PARTNER = "partner", _("Partner worker (sees only their own plan steps)")

    matter = models.ForeignKey(ClientMatter, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="matter_memberships"
    )
    role = models.CharField(_("role in the matter"), max_length=20, choices=Role.choices)
    title = models.CharField(
        _("title or task"),
        max_length=100,
        blank=True,
        help_text=_("For example: nurse, expert by experience, Kela benefits."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "added_at"]
        verbose_name = _("team member of a client matter")
        verbose_name_plural = _("team members of client matters")
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="casework_member_unique_active",
            )
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="casework_member_user")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class NetworkMember(models.Model):
    """A person or service around the client (network map), recorded with the client's consent."""

    class Kind(models.TextChoices):
        CLOSE_PERSON = "close_person", _("Close person or relative")
        PROFESSIONAL = "professional", _("Professional")
        SERVICE = "service", _("Service or organisation")
        PEER = "peer", _("Peer or expert by experience")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    matter = models.ForeignKey(ClientMatter, on_delete=models.CASCADE, related_name="network")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(
        _("role for the client"),
        max_length=200,
        blank=True,
        help_text=_("For example: sister, debt adviser, A-Guild peer group."),
    )
    contact = models.CharField(_("how to reach"), max_length=200, blank=True)
    may_contact = models.BooleanField(
        _("the client agrees that we may contact them"), default=False
    )
    consent = models.ForeignKey(
        "people.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")

    def __str__(self):
        return self.name

    def audit_snapshot(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "relation": self.relation,
            "contact": self.contact,
            "may_contact": self.may_contact,
            "removed_at": self.removed_at,
        }
