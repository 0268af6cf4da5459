"""The client plan (*asiakassuunnitelma*, § 39): goals in the client's own words, steps (who does
what by when), progress notes, review dates and the client's agreement.

The plan's text fields and goals are edited with optimistic locking: `version` grows with every
saved change, and a save based on an older version is refused with what changed, never silently
overwriting someone else's edit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kohtaamo.casework.models.matter import ClientMatter


class Variant(models.TextChoices):
    """The four PAKU case-management variants (paku.md §2); default steps in data/variants.json."""

    PREVENTIVE = "preventive", _("Preventive and early support")
    INTENSIVE = "intensive", _("Multi-professional intensive case management")
    NGO = "ngo", _("NGO-based case management")
    DIGITAL = "digital", _("Digital case management")


class ClientPlan(models.Model):
    Variant = Variant
    LOCKED_FIELDS = ("situation", "client_view", "review_on")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("plan status", "Being made")
        AGREED = "agreed", pgettext_lazy("plan status", "Agreed")
        ENDED = "ended", pgettext_lazy("plan status", "Ended")

    class AgreedHow(models.TextChoices):
        MEETING = "meeting", _("In a meeting")
        PHONE = "phone", _("By phone")
        WRITING = "writing", _("In writing")
        ELECTRONIC = "electronic", _("Electronically")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    matter = models.ForeignKey(ClientMatter, on_delete=models.PROTECT, related_name="plans")
    assessment = models.ForeignKey(
        "casework.ServiceNeedAssessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("based on the assessment"),
    )
    variant = models.CharField(_("case-management variant"), max_length=20, choices=Variant.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    situation = models.TextField(
        _("the situation in brief"),
        blank=True,
        help_text=_("In plain language: the client reads this in their own copy."),
    )
    client_view = models.TextField(
        _("what the client wants"),
        blank=True,
        help_text=_("In the client's own words."),
    )
    review_on = models.DateField(_("next review"), null=True, blank=True)
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    agreed_on = models.DateField(_("agreed with the client on"), null=True, blank=True)
    agreed_how = models.CharField(
        _("how the client agreed"), max_length=20, choices=AgreedHow.choices, blank=True
    )
    client_comment = models.TextField(_("the client's comment on the plan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("client plan")
        verbose_name_plural = _("client plans")
        indexes = [
            models.Index(fields=["matter", "status"], name="casework_plan_matter"),
            models.Index(fields=["status", "review_on"], name="casework_plan_review"),
        ]

    def __str__(self):
        return f"{self.get_variant_display()} {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("casework:plan", args=[self.code])

    @property
    def is_agreed(self) -> bool:
        return self.agreed_on is not None

    def audit_snapshot(self) -> dict:
        return {
            "variant": self.variant,
            "status": self.status,
            "situation": self.situation,
            "client_view": self.client_view,
            "review_on": self.review_on,
            "reviewed_on": self.reviewed_on,
            "agreed_on": self.agreed_on,
            "agreed_how": self.agreed_how,
            "client_comment": self.client_comment,
        }


class PlanGoal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("goal status", "In progress")
        REACHED = "reached", pgettext_lazy("goal status", "Reached")
        PARTLY = "partly", pgettext_lazy("goal status", "Partly reached")
        NOT_REACHED = "not_reached", pgettext_lazy("goal status", "Not reached")
        DROPPED = "dropped", pgettext_lazy("goal status", "Given up")

    REVIEWED = (Status.REACHED, Status.PARTLY, Status.NOT_REACHED)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ClientPlan, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(
        _("goal in the client's own words"),
        help_text=_("Write it as the client says it: 'I want to…'."),
    )
    life_area = models.CharField(_("life area"), max_length=30, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.text[:60]

    def audit_snapshot(self) -> dict:
        return {"text": self.text, "life_area": self.life_area, "status": self.status}


class PlanStep(models.Model):
    """Who does what by when. A step assigned to a partner worker is all they see of the plan."""

    class Responsibility(models.TextChoices):
        CLIENT = "client", _("The client does it")
        TOGETHER = "together", _("We do it together")
        WORKER = "worker", _("A worker does it")
        ON_BEHALF = "on_behalf", _("A worker does it on the client's behalf, as agreed")
        OTHER = "other", _("Someone else (a close person, another service)")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ClientPlan, on_delete=models.CASCADE, related_name="steps")
    goal = models.ForeignKey(
        PlanGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="steps",
        verbose_name=_("for the goal"),
    )
    order = models.PositiveSmallIntegerField(default=0)
    what = models.TextField(_("what is done"))
    responsibility = models.CharField(
        _("who is responsible"),
        max_length=20,
        choices=Responsibility.choices,
        default=Responsibility.TOGETHER,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_steps",
        verbose_name=_("worker"),
    )
    who_text = models.CharField(
        _("who (if not a worker here)"),
        max_length=200,
        blank=True,
        help_text=_("For example: the client, the client's sister, the debt adviser."),
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_variant = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        indexes = [models.Index(fields=["assignee", "done_at"], name="casework_step_assignee")]

    def __str__(self):
        return self.what[:60]

    def get_absolute_url(self):
        return reverse("casework:step", args=[self.code])

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def overdue(self) -> bool:
        return bool(self.due_on and not self.done_at and self.due_on < timezone.localdate())

    def audit_snapshot(self) -> dict:
        return {
            "what": self.what,
            "responsibility": self.responsibility,
            "assignee": self.assignee_id,
            "who_text": self.who_text,
            "due_on": self.due_on,
            "done_at": self.done_at,
            "goal": self.goal_id,
        }


class ProgressNote(models.Model):
    plan = models.ForeignKey(ClientPlan, on_delete=models.CASCADE, related_name="notes")
    goal = models.ForeignKey(
        PlanGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
        verbose_name=_("about the goal"),
    )
    text = models.TextField(_("progress note"))
    is_review = models.BooleanField(_("this was a plan review"), default=False)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self):
        return f"{self.at:%Y-%m-%d}"
