"""Agreed service paths (cooperation structures) and referrals with confirmed hand-offs.

A `ServicePath` runs from a need (encounter theme keys) or a situation through ordered
`PathStep`s, each a directory service with the practice agreed with that partner: contact people,
how to refer, response time, what may pass with consent, agreement status and review date.

A `Referral` sends a person (or, without consent, only anonymous guidance) from an encounter or a
client matter to a directory service. Every status change is a `ReferralEvent`; arrival is
confirmed by the partner through a signed single-use link, by the client at the next contact, or
by the worker after a call. `FollowUpTask`s appear in "my day" when confirmation is overdue.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kohtaamo.accounts.models import Organisation
from kohtaamo.core.i18n import translated


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("agreement status", "Draft")
    IN_FORCE = "in_force", pgettext_lazy("agreement status", "In force")
    EXPIRED = "expired", pgettext_lazy("agreement status", "Expired")


class ReferralMethod(models.TextChoices):
    FORM = "form", _("Referral form")
    PHONE = "phone", _("Phone call")
    SECURE_MESSAGE = "secure_message", _("Secure message")
    IN_PERSON = "in_person", _("In person")
    ACCOMPANIED = "accompanied", _("Accompanied (warm hand-off)")


class ServicePathQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(status=AgreementStatus.IN_FORCE)


class ServicePath(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="service_paths",
        verbose_name=_("county"),
    )
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    situation_fi = models.TextField(_("situation (Finnish)"), blank=True)
    situation_sv = models.TextField(_("situation (Swedish)"), blank=True)
    situation_en = models.TextField(_("situation (English)"), blank=True)
    themes = models.JSONField(
        _("needs (themes)"), default=list, blank=True, help_text=_("Encounter theme keys.")
    )
    status = models.CharField(
        _("agreement status"),
        max_length=10,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
    )
    review_date = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServicePathQuerySet.as_manager()

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("service path")
        verbose_name_plural = _("service paths")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("referrals:path", args=[self.code])

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def situation(self) -> str:
        return translated(self, "situation")

    @property
    def review_due(self) -> bool:
        return bool(self.review_date and self.review_date <= timezone.localdate())

    def audit_snapshot(self) -> dict:
        return {
            "name_fi": self.name_fi, "name_sv": self.name_sv, "name_en": self.name_en,
            "situation_fi": self.situation_fi, "themes": self.themes, "status": self.status,
            "review_date": self.review_date,
        }  # fmt: skip


class PathStep(models.Model):
    class ResponseUnit(models.TextChoices):
        HOURS = "hours", _("hours")
        WORKING_DAYS = "working_days", _("working days")

    path = models.ForeignKey(ServicePath, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        related_name="path_steps",
        verbose_name=_("service"),
    )
    contact_people = models.TextField(
        _("contact people"),
        blank=True,
        help_text=_("Named people and how to reach them, one a line."),
    )
    method = models.CharField(
        _("how to refer"),
        max_length=20,
        choices=ReferralMethod.choices,
        default=ReferralMethod.PHONE,
    )
    response_time = models.PositiveSmallIntegerField(_("agreed response time"), default=3)
    response_unit = models.CharField(
        _("unit"), max_length=15, choices=ResponseUnit.choices, default=ResponseUnit.WORKING_DAYS
    )
    shared_information = models.TextField(
        _("what may pass with consent"),
        blank=True,
        help_text=_("What information may be given to the partner when the person consents."),
    )
    agreement_status = models.CharField(
        _("agreement status"),
        max_length=10,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
    )
    review_date = models.DateField(_("next review"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["path", "order", "id"]
        verbose_name = _("path step")
        verbose_name_plural = _("path steps")

    def __str__(self):
        return f"{self.order}. {self.service}"

    def audit_snapshot(self) -> dict:
        return {
            "order": self.order, "service": self.service_id, "contact_people": self.contact_people,
            "method": self.method, "response_time": self.response_time,
            "response_unit": self.response_unit, "shared_information": self.shared_information,
            "agreement_status": self.agreement_status, "review_date": self.review_date,
        }  # fmt: skip


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Referral.OPEN_STATUSES)

    def in_organisations(self, organisation_ids):
        return self.filter(organisation_id__in=organisation_ids)

    def failed(self):
        """Declined or not reached: the service did not receive the person (failure demand)."""
        return self.filter(status__in=[Referral.Status.DECLINED, Referral.Status.NOT_REACHED])


class Referral(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("referral status", "Draft")
        SENT = "sent", pgettext_lazy("referral status", "Sent")
        RECEIVED = "received", pgettext_lazy("referral status", "Received")
        ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
        DECLINED = "declined", pgettext_lazy("referral status", "Declined")
        ARRIVED = "arrived", pgettext_lazy("referral status", "Client arrived")
        STARTED = "started", pgettext_lazy("referral status", "Service started")
        NOT_REACHED = "not_reached", pgettext_lazy("referral status", "Not reached")
        CLOSED = "closed", pgettext_lazy("referral status", "Closed")

    class Mode(models.TextChoices):
        STANDARD = "standard", _("Referral")
        WARM_HANDOFF = "warm_handoff", _("Warm hand-off: I go with the person")

    class ConfirmedVia(models.TextChoices):
        PARTNER_LINK = "partner_link", _("The partner, through the confirmation link")
        CLIENT = "client", _("The client, at the next contact")
        WORKER = "worker", _("The worker, after a call")
        HANDOFF = "handoff", _("The worker, at the hand-off meeting")

    OPEN_STATUSES = ("sent", "received", "accepted")
    CONFIRMED_STATUSES = ("arrived", "started")
    # Status changes a worker may make from each status.
    TRANSITIONS = {
        "draft": ("sent", "closed"),
        "sent": ("received", "accepted", "declined", "arrived", "started", "not_reached", "closed"),
        "received": ("accepted", "declined", "arrived", "started", "not_reached", "closed"),
        "accepted": ("arrived", "started", "not_reached", "declined", "closed"),
        "arrived": ("started", "closed"),
        "started": ("closed",),
        "declined": ("closed",),
        "not_reached": ("sent", "closed"),
        "closed": (),
    }

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("service"),
    )
    path_step = models.ForeignKey(
        PathStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("agreed path step"),
    )
    encounter = models.ForeignKey(
        "encounters.Encounter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    client_matter = models.ForeignKey(
        "casework.ClientMatter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    consent = models.ForeignKey(
        "people.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    shared_information = models.TextField(
        _("what is shared"), blank=True, help_text=_("Only what the person agreed to share.")
    )
    message = models.TextField(
        _("message to the partner"), blank=True, help_text=_("No identity code. With consent only.")
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.STANDARD)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("confirmation due"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_via = models.CharField(max_length=20, choices=ConfirmedVia.choices, blank=True)
    confirmed_by_name = models.CharField(max_length=150, blank=True)
    # The partner link: a signed token carries a nonce; only its SHA-256 is stored here.
    link_nonce_hash = models.CharField(max_length=64, blank=True, editable=False)
    link_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    link_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    handoff_at = models.DateTimeField(_("hand-off meeting"), null=True, blank=True)
    handoff_notes = models.TextField(_("what was agreed at the meeting"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["organisation", "status"], name="referrals_org_status"),
            models.Index(fields=["status", "due_at"], name="referrals_status_due"),
            # The evaluation aggregates pick up changed referrals by updated_at every minute.
            models.Index(fields=["updated_at"], name="referrals_updated"),
        ]

    def __str__(self):
        return f"{self.short_code} → {self.service}"

    def get_absolute_url(self):
        return reverse("referrals:detail", args=[self.code])

    @property
    def short_code(self) -> str:
        return str(self.code)[:8].upper()

    @property
    def is_anonymous(self) -> bool:
        return self.person_id is None

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_at and self.due_at < timezone.now())

    def allowed_statuses(self) -> list[str]:
        return list(self.TRANSITIONS.get(self.status, ()))

    def audit_snapshot(self) -> dict:
        return {
            "service": str(self.service.hsds_id) if self.service_id else None,
            "person": str(self.person.code) if self.person_id else None,
            "consent": str(self.consent.code) if self.consent_id else None,
            "shared_information": self.shared_information,
            "message_length": len(self.message),
            "mode": self.mode,
            "status": self.status,
            "decline_reason": self.decline_reason,
            "due_at": self.due_at,
            "confirmed_via": self.confirmed_via,
            "confirmed_by_name": self.confirmed_by_name,
            "handoff_at": self.handoff_at,
            "handoff_notes_length": len(self.handoff_notes),
        }


class ReferralEvent(models.Model):
    """One timestamped change of a referral's status, by whom and how."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)  # an external confirmer's typed name
    via = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_status}→{self.to_status}"


class FollowUpTaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)


class FollowUpTask(models.Model):
    """'Check whether the person arrived': made by the periodic job when confirmation is overdue."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="tasks")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referral_tasks"
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(done_at__isnull=True),
                name="referrals_one_open_task",
            )
        ]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")

    def __str__(self):
        return f"{self.referral} ({self.due_at:%Y-%m-%d})"
