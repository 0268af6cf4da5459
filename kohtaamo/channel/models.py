"""The client's side: anonymous chat, requests for help, anonymous feedback, client sign-in.

Nothing here stores who an anonymous person is. A chat is found by a random key kept in the
person's browser (only its keyed hash is stored); a request for help keeps the contact details
the person chose to give, encrypted at rest; a feedback answer is linked to a contact
(encounter), never to a person. A strongly identified client's sign-in is a row of its own,
separate from staff sessions.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kohtaamo.accounts.models import Organisation, Team, Unit
from kohtaamo.core import crypto
from kohtaamo.core.i18n import pick, translated

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ChatService(models.Model):
    """One chat that a unit or team answers, with its opening hours and ready phrases."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("answering team"),
        help_text=_("Empty: everyone with client access in the organisation may answer."),
    )
    place = models.ForeignKey(
        "encounters.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The place the chat contacts are counted under in the statistics."),
    )
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    welcome_fi = models.TextField(_("welcome text (Finnish)"), blank=True)
    welcome_sv = models.TextField(_("welcome text (Swedish)"), blank=True)
    welcome_en = models.TextField(_("welcome text (English)"), blank=True)
    ready_phrases = models.JSONField(
        _("ready phrases"),
        default=list,
        blank=True,
        help_text=_('A list of {"fi": ..., "sv": ..., "en": ...} texts the workers can send.'),
    )
    max_waiting = models.PositiveSmallIntegerField(
        _("longest queue"),
        default=50,
        help_text=_("When this many people wait, new chats are asked to try again later."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("chat service")
        verbose_name_plural = _("chat services")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def welcome(self) -> str:
        return translated(self, "welcome")

    def phrases(self, lang: str | None = None) -> list[str]:
        return [text for text in (pick(p, lang) for p in self.ready_phrases or []) if text]

    def hours_on(self, weekday: int) -> list[ChatOpeningHours]:
        """Uses prefetched `hours` when there are some."""
        return sorted((h for h in self.hours.all() if h.weekday == weekday), key=lambda h: h.opens)

    def is_open_at(self, moment: datetime.datetime | None = None) -> bool:
        local = timezone.localtime(moment or timezone.now())
        now = local.time()
        return self.active and any(
            h.opens <= now < h.closes for h in self.hours_on(local.weekday())
        )


class ChatOpeningHours(models.Model):
    service = models.ForeignKey(ChatService, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["service", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="channel_hours_order"
            )
        ]
        verbose_name = _("chat opening hours")
        verbose_name_plural = _("chat opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ChatSession(models.Model):
    """One anonymous chat. The person's browser holds a random key; we keep only its hash."""

    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("chat status", "Waiting")
        ACTIVE = "active", pgettext_lazy("chat status", "Active")
        ENDED = "ended", pgettext_lazy("chat status", "Ended")
        BLOCKED = "blocked", pgettext_lazy("chat status", "Blocked")

    class EndedBy(models.TextChoices):
        CLIENT = "client", _("The person")
        WORKER = "worker", _("The worker")
        SYSTEM = "system", _("Automatically")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_key_hash = models.CharField(max_length=64, unique=True, editable=False)
    service = models.ForeignKey(ChatService, on_delete=models.PROTECT, related_name="sessions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    language = models.CharField(max_length=5, default="fi")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=10, choices=EndedBy.choices, blank=True)
    client_seen_at = models.DateTimeField(default=timezone.now)
    last_seq = models.PositiveIntegerField(default=0)
    # Who wrote the latest message (client or worker): the person's page polls faster while
    # they wait for an answer.
    last_sender = models.CharField(max_length=10, blank=True)
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("worker"),
    )
    # A keyed hash of the network address, kept only to refuse a blocked source for a day.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    blocked_reason = models.CharField(_("reason for blocking"), max_length=200, blank=True)
    # Set by the worker during the chat, used for the encounter when the chat ends.
    themes = models.JSONField(default=list, blank=True)
    result = models.CharField(max_length=40, blank=True)
    encounter = models.OneToOneField(
        "encounters.Encounter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The person asked for a contact (yhteydenotto) and agreed that the chat may be kept.
    contact_wanted_at = models.DateTimeField(null=True, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    # A strong identification the person chose to give (Fernet-encrypted JSON), until it has
    # been linked to a person in the client registry.
    identity_encrypted = models.TextField(blank=True, editable=False)
    identity_hash = models.CharField(max_length=64, blank=True, editable=False)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chat_sessions",
    )
    notification = models.ForeignKey(
        "casework.ContactNotification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    keep_transcript = models.BooleanField(default=False)
    transcript_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        indexes = [
            models.Index(fields=["service", "status", "created_at"], name="channel_chat_queue"),
            models.Index(fields=["assigned_worker", "status"], name="channel_chat_worker"),
            models.Index(fields=["status", "ended_at"], name="channel_chat_ended"),
        ]

    def __str__(self):
        return f"{self.reference} {self.get_status_display()}"

    @property
    def reference(self) -> str:
        """A short handle for the workers ("#4F2A"), not a secret and not an identity."""
        return "#" + self.code.hex[:4].upper()

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.ACTIVE)

    @property
    def has_identity(self) -> bool:
        return bool(self.identity_encrypted) or self.person_id is not None


class ChatMessage(models.Model):
    class Sender(models.TextChoices):
        CLIENT = "client", _("The person")
        WORKER = "worker", _("Worker")
        SYSTEM = "system", _("Kohtaamo")

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For system messages the body is an event key (see phrases.SYSTEM_MESSAGES), so each reader
    # sees it in their own language.
    body = models.TextField()
    client_msg_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="channel_message_seq"),
            models.UniqueConstraint(
                fields=["session", "client_msg_id"],
                condition=~models.Q(client_msg_id=""),
                name="channel_message_client_id",
            ),
        ]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")

    def __str__(self):
        return f"{self.session_id}:{self.seq} {self.sender}"

    @property
    def text(self) -> str:
        """What the reader sees: a system event in their own language, else the body."""
        if self.sender == self.Sender.SYSTEM:
            from kohtaamo.channel.phrases import SYSTEM_MESSAGES

            return str(SYSTEM_MESSAGES.get(self.body, ""))
        return self.body


class HelpQueue(models.Model):
    """Where requests for help from the web go: a unit's (or team's) queue."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    municipalities = models.JSONField(
        _("municipalities"), default=list, blank=True, help_text=_("Home municipalities served.")
    )
    notify_email = models.EmailField(
        _("notification address"),
        blank=True,
        help_text=_("Gets a message with no personal data when a new request arrives."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("help request queue")
        verbose_name_plural = _("help request queues")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class ContactRequestQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=ContactRequest.Status.WAITING)

    def for_queue_page(self):
        return self.select_related("queue", "taken_by", "person").order_by(
            "respond_by", "received_at"
        )


class ContactRequest(models.Model):
    """A request for help sent from the web (yhteydenottopyyntö). The contact details are
    encrypted; every view of them is written to the access log."""

    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("request status", "Waiting")
        TAKEN = "taken", pgettext_lazy("request status", "Taken")
        DONE = "done", pgettext_lazy("request status", "Done")

    class Method(models.TextChoices):
        CALL = "call", _("Call me")
        TEXT = "text", _("Send me a text message")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=8, unique=True, editable=False)
    queue = models.ForeignKey(HelpQueue, on_delete=models.PROTECT, related_name="requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    topics = models.JSONField(default=list, blank=True)
    message_encrypted = models.TextField(blank=True, editable=False)
    name_encrypted = models.TextField(blank=True, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    avoid_times_encrypted = models.TextField(blank=True, editable=False)
    contact_method = models.CharField(max_length=10, choices=Method.choices)
    contact_times = models.JSONField(default=list, blank=True)
    may_say_social_services = models.BooleanField(default=False)
    special_group = models.BooleanField(default=False)
    language = models.CharField(max_length=5, default="fi")
    consent_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateField()
    statutory_deadline = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_requests",
    )

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        ordering = ["respond_by", "received_at"]
        verbose_name = _("request for help")
        verbose_name_plural = _("requests for help")
        indexes = [
            models.Index(fields=["organisation", "status", "respond_by"], name="channel_req_queue"),
            models.Index(fields=["team", "status"], name="channel_req_team_status"),
        ]

    def __str__(self):
        return self.display_reference

    @property
    def display_reference(self) -> str:
        return f"{self.reference[:3]}-{self.reference[3:]}"

    @property
    def message(self) -> str:
        return crypto.decrypt(self.message_encrypted)

    @property
    def name(self) -> str:
        return crypto.decrypt(self.name_encrypted)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_encrypted)

    @property
    def avoid_times(self) -> str:
        return crypto.decrypt(self.avoid_times_encrypted)

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.WAITING and timezone.localdate() > self.respond_by

    def audit_snapshot(self) -> dict:
        """For the change history: what kind of request, never the contact details."""
        return {
            "reference": self.reference,
            "topics": self.topics,
            "contact_method": self.contact_method,
            "contact_times": self.contact_times,
            "special_group": self.special_group,
            "respond_by": self.respond_by,
            "status": self.status,
            "team": self.team_id,
            "taken_by": self.taken_by_id,
        }


class FeedbackResponse(models.Model):
    """Three plain-language answers and an optional comment, linked to a contact (never to a
    person). One answer per feedback code: the code's hash is unique."""

    class Answer(models.IntegerChoices):
        NO = 1, pgettext_lazy("feedback answer", "No")
        PARTLY = 2, pgettext_lazy("feedback answer", "Partly")
        YES = 3, pgettext_lazy("feedback answer", "Yes")

    class Source(models.TextChoices):
        CARD = "card", _("Feedback card (QR or short code)")
        CHAT = "chat", _("At the end of a chat")

    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    encounter = models.ForeignKey(
        "encounters.Encounter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    heard = models.PositiveSmallIntegerField(choices=Answer.choices, null=True, blank=True)
    helped = models.PositiveSmallIntegerField(choices=Answer.choices, null=True, blank=True)
    again = models.PositiveSmallIntegerField(choices=Answer.choices, null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")

    def __str__(self):
        return f"{self.get_source_display()} {self.answered_at:%Y-%m-%d}"


class ThrottleEvent(models.Model):
    """One counted event (a chat started, a wrong feedback code...) from a source, by keyed
    hash. Kept for a day, for rate limits that work across server processes."""

    kind = models.CharField(max_length=20)
    key_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "key_hash", "at"], name="channel_throttle")]
        verbose_name = _("rate-limit event")
        verbose_name_plural = _("rate-limit events")

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class ClientSession(models.Model):
    """A strongly identified client's sign-in on the public side. Separate from staff sessions:
    its own cookie, its own table, a 15-minute idle limit. The cookie holds a random token;
    only its hash is stored, and the identity code only encrypted and as a keyed hash."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hetu_hash = models.CharField(max_length=64, db_index=True, editable=False)
    identity_encrypted = models.TextField(editable=False)
    method = models.CharField(max_length=40)
    assurance = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("client sign-in")
        verbose_name_plural = _("client sign-ins")

    def __str__(self):
        return f"{self.method} {self.created_at:%Y-%m-%d %H:%M}"
