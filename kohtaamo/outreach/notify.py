"""Notifications to the on-call person, behind one interface.

`notifier()` returns the backend chosen by `settings.ALERT_NOTIFIER` (`KOHTAAMO_ALERT_NOTIFIER`):

- `email`: Django's mail to the on-call person's address;
- `sms`: an HTTP text-message gateway (`KOHTAAMO_SMS_GATEWAY_URL`, a JSON POST with a bearer
  token); a skeleton to adapt to the county's gateway, never called in tests;
- `sink`: records the message only (tests and demo).

Every backend records what it sent in `SentNotification`. A message never carries personal data:
only "there is an alert in Kohtaamo, open the safety board" and the board's address. Who is in
trouble and where is on the board, behind the login.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kohtaamo.outreach.models import SafetyAlert, SentNotification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    alert: SafetyAlert | None
    recipient: object  # a User
    phone: str
    subject: str
    body: str


class Notifier:
    """Send one message; return True when it went out. Subclasses set `name`."""

    name = "base"

    def send(self, message: Message) -> bool:  # pragma: no cover - the interface
        raise NotImplementedError

    def record(self, message: Message, *, address: str, ok: bool) -> SentNotification:
        return SentNotification.objects.create(
            alert=message.alert,
            backend=self.name,
            recipient=message.recipient,
            address=address[:200],
            subject=message.subject[:200],
            body=message.body,
            ok=ok,
        )


class SinkNotifier(Notifier):
    """Keeps the message in the database and sends nothing."""

    name = "sink"

    def send(self, message: Message) -> bool:
        self.record(message, address=getattr(message.recipient, "username", ""), ok=True)
        return True


class EmailNotifier(Notifier):
    name = "email"

    def send(self, message: Message) -> bool:
        address = getattr(message.recipient, "email", "") or ""
        if not address:
            self.record(message, address="", ok=False)
            return False
        try:
            send_mail(message.subject, message.body, None, [address], fail_silently=False)
            ok = True
        except Exception:
            logger.exception("alert e-mail failed")
            ok = False
        self.record(message, address=address, ok=ok)
        return ok


class SmsGatewayNotifier(Notifier):
    """POST {"to": phone, "text": body} as JSON to the gateway with a bearer token."""

    name = "sms"
    timeout = 5

    def send(self, message: Message) -> bool:
        url = settings.SMS_GATEWAY_URL
        if not url or not message.phone:
            self.record(message, address=message.phone, ok=False)
            return False
        request = urllib.request.Request(  # noqa: S310 (the URL comes from the operator's settings)
            url,
            data=json.dumps({"to": message.phone, "text": message.body}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                ok = 200 <= response.status < 300
        except Exception:
            logger.exception("alert text message failed")
            ok = False
        self.record(message, address=message.phone, ok=ok)
        return ok


BACKENDS: dict[str, type[Notifier]] = {
    "sink": SinkNotifier,
    "email": EmailNotifier,
    "sms": SmsGatewayNotifier,
}


def notifier(name: str | None = None) -> Notifier:
    return BACKENDS[name or settings.ALERT_NOTIFIER]()


def alert_message(alert: SafetyAlert) -> Message:
    """The same short text for every alert and backend, in the recipient's language."""
    recipient = alert.shift.on_call
    with translation.override(getattr(recipient, "language", None) or settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse("outreach:board")
        subject = _("Kohtaamo: a safety alert")
        body = _("There is a safety alert in Kohtaamo. Open the safety board: %(link)s") % {
            "link": link
        }
    return Message(alert, recipient, alert.shift.on_call_phone, str(subject), str(body))
