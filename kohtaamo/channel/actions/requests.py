"""Requests for help from the web: created in a unit's queue with a response deadline and a
reference code the person can say on the phone; taken and completed by workers.

No personal data ever goes by email: the queue's address gets only "a new request is waiting".
The contact details are encrypted; each time a worker opens them the access log gets an entry.

Deadline: the Social Welfare Act § 36 says the service need assessment starts *without delay*,
and at the latest on the 7th working day for people over 75, recipients of the highest disability
allowance and children in need of special support (standards.md 3.2). Every request gets that
7th working day as its outer limit; for the listed groups it is the statutory deadline and the
queue marks it so.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor, log_access, log_access_many, record_change
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.casework import workdays
from kohtaamo.channel.access import get_request_for_user, requests_visible_to
from kohtaamo.channel.models import ContactRequest, HelpQueue
from kohtaamo.core import crypto

OBJECT = "channel.contact_request"
RESPONSE_WORKING_DAYS = 7
REFERENCE_ALPHABET = "ACDEFHJKLMNPRTUVWXY3479"  # easy to say: no 0/O, 1/I/L, 2/Z, 5/S, 8/B


@dataclass
class RequestInput:
    topics: list[str] = field(default_factory=list)
    message: str = ""
    name: str = ""
    phone: str = ""
    contact_method: str = ContactRequest.Method.CALL
    contact_times: list[str] = field(default_factory=list)
    avoid_times: str = ""
    may_say_social_services: bool = False
    special_group: bool = False
    municipality: str = ""
    language: str = "fi"


def respond_by_for(received_at: datetime.datetime) -> datetime.date:
    return workdays.add_working_days(timezone.localdate(received_at), RESPONSE_WORKING_DAYS)


def queue_for(municipality: str = "") -> HelpQueue | None:
    """The active queue serving the municipality, else the first active queue."""
    queues = list(HelpQueue.objects.filter(active=True).order_by("id"))
    for queue in queues:
        if municipality and municipality in (queue.municipalities or []):
            return queue
    return queues[0] if queues else None


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def normalise_reference(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch in REFERENCE_ALPHABET)[:6]


def _notify(queue: HelpQueue) -> None:
    if not queue.notify_email:
        return
    url = settings.SITE_URL + reverse("channel:requests")
    send_mail(
        _("A new request for help is waiting in Kohtaamo"),
        _("A new request for help is waiting in Kohtaamo. Open the queue: %(url)s") % {"url": url},
        settings.DEFAULT_FROM_EMAIL,
        [queue.notify_email],
    )


@transaction.atomic
def create_contact_request(
    data: RequestInput, *, queue: HelpQueue, actor: Actor, person=None
) -> ContactRequest:
    now = timezone.now()
    request = ContactRequest(
        queue=queue,
        organisation_id=queue.organisation_id,
        unit_id=queue.unit_id,
        team_id=queue.team_id,
        topics=list(data.topics)[:20],
        message_encrypted=crypto.encrypt(data.message),
        name_encrypted=crypto.encrypt(data.name),
        phone_encrypted=crypto.encrypt(data.phone),
        avoid_times_encrypted=crypto.encrypt(data.avoid_times),
        contact_method=data.contact_method,
        contact_times=list(data.contact_times),
        may_say_social_services=data.may_say_social_services,
        special_group=data.special_group,
        language=data.language if data.language in ("fi", "sv", "en") else "fi",
        consent_at=now,
        received_at=now,
        respond_by=respond_by_for(now),
        statutory_deadline=data.special_group,
        person=person,
    )
    for _attempt in range(10):
        request.reference = _new_reference()
        try:
            with transaction.atomic():
                request.save()
            break
        except IntegrityError:
            if not ContactRequest.objects.filter(reference=request.reference).exists():
                raise
    else:  # pragma: no cover - 23^6 references; ten collisions in a row do not happen
        raise RuntimeError("no free reference code")
    record_change(
        actor,
        person_code=person.code if person else None,
        object_type=OBJECT,
        object_ref=request.pk,
        action="create",
        changes={
            k: [None, v] for k, v in request.audit_snapshot().items() if v not in (None, "", [])
        },
    )
    transaction.on_commit(lambda: _notify(queue))
    return request


def _person_code(request: ContactRequest):
    return request.person.code if request.person_id else None


@transaction.atomic
def open_contact_request(actor: Actor, user, code, *, write: bool = False) -> ContactRequest:
    """Through the gate, with an access-log entry: the page shows the contact details."""
    request = get_request_for_user(user, code, write=write)
    log_access(
        actor,
        person_code=_person_code(request),
        object_type=OBJECT,
        object_ref=request.pk,
        action=AccessLogEntry.Action.API_READ
        if actor.channel == "api"
        else AccessLogEntry.Action.VIEW,
    )
    return request


@transaction.atomic
def take_contact_request(actor: Actor, request: ContactRequest, *, by) -> ContactRequest:
    locked = ContactRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != ContactRequest.Status.WAITING:
        return locked
    locked.status = ContactRequest.Status.TAKEN
    locked.taken_by = by
    locked.taken_at = timezone.now()
    locked.save(update_fields=["status", "taken_by", "taken_at"])
    record_change(
        actor,
        person_code=_person_code(locked),
        object_type=OBJECT,
        object_ref=locked.pk,
        action="update",
        changes={"status": ["waiting", "taken"], "taken_by": [None, by.pk]},
    )
    return locked


@transaction.atomic
def complete_contact_request(actor: Actor, request: ContactRequest, *, by) -> ContactRequest:
    locked = ContactRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == ContactRequest.Status.DONE:
        return locked
    before = locked.status
    locked.status = ContactRequest.Status.DONE
    locked.done_at = timezone.now()
    if locked.taken_by_id is None:
        locked.taken_by, locked.taken_at = by, locked.done_at
    locked.save(update_fields=["status", "done_at", "taken_by", "taken_at"])
    record_change(
        actor,
        person_code=_person_code(locked),
        object_type=OBJECT,
        object_ref=locked.pk,
        action="update",
        changes={"status": [before, "done"]},
    )
    return locked


@transaction.atomic(savepoint=False)  # reads only: no savepoint of its own
def queue_rows(actor: Actor, user, *, status: str = "waiting", limit: int = 100):
    """The queue page and "my day": requests without contact details, soonest deadline
    first. Rows of identified people are access-logged."""
    qs = requests_visible_to(user).for_queue_page()
    if status in ContactRequest.Status.values:
        qs = qs.filter(status=status)
    rows = list(qs[:limit])
    log_access_many(
        actor,
        [(r.person.code, OBJECT, r.pk) for r in rows if r.person_id],
        action=AccessLogEntry.Action.VIEW,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )
    return rows
