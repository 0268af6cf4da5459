"""Group work of social rehabilitation: groups with leaders (peer instructors and experts by
experience among them, with or without an account), members, meetings and attendance.

A member is an identified client (a `people.Person`), usually within a social rehabilitation
service period of their client matter (`casework.ServicePeriod`), so the group's change can be read
from the members' paired start and end measurements.
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


class Group(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_REHABILITATION = "social_rehabilitation", _("Social rehabilitation group")
        PEER = "peer", _("Peer support group")
        ACTIVITY = "activity", _("Activity group")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("group status", "Planned")
        RUNNING = "running", pgettext_lazy("group status", "Running")
        ENDED = "ended", pgettext_lazy("group status", "Ended")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=Kind.choices, default=Kind.SOCIAL_REHABILITATION
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("Groups are time-limited."))
    capacity = models.PositiveSmallIntegerField(_("at most members"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        indexes = [models.Index(fields=["organisation", "status"], name="groupwork_group_org")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groupwork:detail", args=[self.code])

    def audit_snapshot(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "capacity": self.capacity,
            "status": self.status,
        }


class GroupLeader(models.Model):
    class Role(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional")
        PEER_INSTRUCTOR = "peer_instructor", _("Peer instructor (vertaisohjaaja)")
        EXPERT_BY_EXPERIENCE = (
            "expert_by_experience",
            _("Expert by experience (kokemusasiantuntija)"),
        )
        VOLUNTEER = "volunteer", _("Volunteer")

    PEER_ROLES = (Role.PEER_INSTRUCTOR, Role.EXPERT_BY_EXPERIENCE)

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="leaders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_groups",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For a leader without an account.")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["role", "name"]
        verbose_name = _("group leader")
        verbose_name_plural = _("group leaders")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.username
        return self.name


class GroupMember(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="group_memberships"
    )
    matter = models.ForeignKey(
        "casework.ClientMatter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_memberships",
    )
    period = models.ForeignKey(
        "casework.ServicePeriod",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_memberships",
        verbose_name=_("service period"),
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=models.Q(left_on__isnull=True),
                name="groupwork_member_once",
            )
        ]

    def __str__(self):
        return f"{self.group_id}: {self.person_id}"


class GroupMeeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
        HELD = "held", pgettext_lazy("meeting status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    at = models.DateTimeField(_("when"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    place = models.CharField(_("where"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at"]
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        indexes = [models.Index(fields=["group", "at"], name="groupwork_meeting_at")]

    def __str__(self):
        return f"{self.group_id} {self.at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("groupwork:meeting", args=[self.code])


class Attendance(models.Model):
    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(GroupMember, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="groupwork_attend_once")
        ]

    def __str__(self):
        return f"{self.meeting_id}/{self.member_id}: {self.present}"
