"""Tasks and reminders of a worker or a team, and the planned ending of a client matter."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.accounts.models import Organisation, Team
from kohtaamo.casework.models.matter import ClientMatter

REMINDER_TEXTS = {
    "start": _("The service need assessment must start (§ 36 deadline)"),
    "complete": _("Complete and sign the service need assessment"),
    "review": _("Review the client plan with the client"),
    "decision": _("A decision is waiting for an official's signature"),
    "period-end": _("The service period is ending: end measurement and continuation plan"),
    "inactive": _("No activity in the matter: contact the client, or plan the ending"),
}


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def for_user(self, user):
        team_ids = [m.team_id for m in user.active_memberships() if m.team_id]
        return self.filter(
            models.Q(assignee=user) | models.Q(assignee__isnull=True, team_id__in=team_ids)
        )


class Task(models.Model):
    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Service need assessment")
        PLAN_REVIEW = "plan_review", _("Plan review")
        DECISION = "decision", _("Decision")
        FOLLOW_UP = "follow_up", _("Follow-up (call, message, meeting)")
        INACTIVE = "inactive", _("No activity in the matter")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(
        ClientMatter, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(
        _("task"),
        max_length=200,
        blank=True,
        help_text=_("No names or identity codes: the task is shown in lists."),
    )
    due_on = models.DateField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="casework_tasks",
        verbose_name=_("for"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("for the team")
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Reminders made by the periodic job carry a key, so a reminder is made only once.
    source_key = models.CharField(max_length=100, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~models.Q(source_key=""),
                name="casework_task_source_once",
            )
        ]
        indexes = [
            models.Index(fields=["assignee", "done_at"], name="casework_task_assignee"),
            models.Index(fields=["team", "done_at"], name="casework_task_team"),
            models.Index(fields=["kind", "due_on"], name="casework_task_kind_due"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()

    @property
    def label(self) -> str:
        """A reminder's text comes from its rule, in the reader's language."""
        if self.title:
            return self.title
        rule = self.source_key.split(":", 1)[0]
        return str(REMINDER_TEXTS.get(rule) or self.get_kind_display())

    def audit_snapshot(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "due_on": self.due_on,
            "assignee": self.assignee_id,
            "team": self.team_id,
            "done_at": self.done_at,
        }


class MatterEnding(models.Model):
    """The planned ending: reason, summary, continuation path (a referral), feedback request."""

    class Reason(models.TextChoices):
        GOALS_REACHED = "goals_reached", _("The goals were reached")
        NEXT_SERVICE = "next_service", _("The client moved on to another service")
        CLIENTS_WISH = "clients_wish", _("At the client's wish")
        NO_NEED = "no_need", _("No further need for the service")
        PERIOD_ENDED = "period_ended", _("The time-limited service ended")
        NO_CONTACT = "no_contact", _("No contact with the client")
        MOVED = "moved", _("The client moved away")
        DIED = "died", _("The client died")
        OTHER = "other", _("Other reason")

    class Continuation(models.TextChoices):
        NONE = "none", _("No continuation needed")
        WORK = "work", _("Work")
        STUDY = "study", _("Study")
        WORK_TRIAL = "work_trial", _("Work trial or rehabilitative work")
        EMPLOYMENT_SERVICES = "employment_services", _("Employment services")
        OTHER_SERVICE = "other_service", _("Another social or health service")
        NGO = "ngo", _("NGO or peer activity")
        LOW_THRESHOLD = "low_threshold", _("Low-threshold services when needed")

    WORK_OR_STUDY = ("work", "study", "work_trial", "employment_services")

    matter = models.OneToOneField(ClientMatter, on_delete=models.PROTECT, related_name="ending")
    reason = models.CharField(_("reason for ending"), max_length=20, choices=Reason.choices)
    summary = models.TextField(
        _("final summary"), help_text=_("What was done and reached, written with the client.")
    )
    continuation_kind = models.CharField(
        _("continuation path"), max_length=20, choices=Continuation.choices
    )
    continuation = models.TextField(
        _("continuation plan"),
        blank=True,
        help_text=_("How the client copes from here, and what to do if the need comes back."),
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referral to the next service"),
    )
    feedback_requested = models.BooleanField(_("feedback was asked for"), default=False)
    feedback_encounter_ref = models.UUIDField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ending of a client matter")
        verbose_name_plural = _("endings of client matters")

    def __str__(self):
        return f"{self.get_reason_display()} {self.ended_at:%Y-%m-%d}"

    @property
    def has_continuation(self) -> bool:
        return self.referral_id is not None or self.continuation_kind != self.Continuation.NONE

    def audit_snapshot(self) -> dict:
        return {
            "reason": self.reason,
            "summary": self.summary,
            "continuation_kind": self.continuation_kind,
            "continuation": self.continuation,
            "referral": self.referral_id,
            "feedback_requested": self.feedback_requested,
        }
