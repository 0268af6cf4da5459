"""Append-only, tamper-evident audit tables: the access log and the change history.

Each entry carries a sequence number and an HMAC over its own fields and the previous entry's
hash, so `manage.py verify_audit` finds an altered, removed or inserted row. Updates are refused by
the model, the queryset, the admin and (on both databases) a trigger; deletes also by a trigger on
PostgreSQL. Entries hold references and codes, never free text about the client.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")


class ChainHead(models.Model):
    """The last sequence number and hash of one chain; locked while an entry is appended."""

    name = models.CharField(max_length=30, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"{self.name}: {self.last_seq}"


class ChainedEntry(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    user_id_ref = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    roles = models.CharField(max_length=200, blank=True)
    organisation_ref = models.BigIntegerField(null=True, blank=True)
    # Found through the (person_code, at) index of each chain: a second index of its own would
    # only make every append slower.
    person_code = models.UUIDField(null=True, blank=True)
    object_type = models.CharField(max_length=60)
    object_ref = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    CHAIN = ""
    HASHED_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")


class AccessLogEntry(ChainedEntry):
    """One read, search hit, print, export or disclosure of an identified person's data."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        SEARCH_HIT = "search_hit", _("Shown in search results")
        REVEAL = "reveal", _("Identity code revealed")
        PRINT = "print", _("Printed")
        EXPORT = "export", _("Exported")
        API_READ = "api_read", _("Read through the API")
        DISCLOSE = "disclose", _("Disclosed")

    class Purpose(models.TextChoices):
        CLIENT_WORK = "client_work", _("Client work")
        REGISTRY_SEARCH = "registry_search", _("Client registry search")
        CLIENT_REQUEST = "client_request", _("The client's own request")
        REFERRAL = "referral", _("Referral with consent")
        SUPERVISION = "supervision", _("Supervision of use")

    action = models.CharField(max_length=20, choices=Action.choices)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    channel = models.CharField(max_length=10, default="ui")
    source = models.CharField(max_length=64, blank=True)  # client address (or "system")
    recipient = models.CharField(max_length=200, blank=True)  # for disclosures
    outcome = models.CharField(max_length=20, default="ok")

    CHAIN = "access"
    HASHED_FIELDS = (
        "seq", "at", "user_id_ref", "username", "roles", "organisation_ref", "person_code",
        "object_type", "object_ref", "action", "purpose", "channel", "source", "recipient", "outcome",
    )  # fmt: skip

    class Meta:
        ordering = ["seq"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["person_code", "at"], name="audit_access_person_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"


class ChangeEntry(ChainedEntry):
    """What changed in client data, from what to what, by whom."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    action = models.CharField(max_length=10, choices=Action.choices)
    changes = models.JSONField(default=dict)

    CHAIN = "change"
    HASHED_FIELDS = (
        "seq", "at", "user_id_ref", "username", "roles", "organisation_ref", "person_code",
        "object_type", "object_ref", "action", "changes",
    )  # fmt: skip

    class Meta:
        ordering = ["seq"]
        verbose_name = _("change history entry")
        verbose_name_plural = _("change history")
        indexes = [models.Index(fields=["person_code", "at"], name="audit_change_person_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"
