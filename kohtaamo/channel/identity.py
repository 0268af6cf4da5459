"""The client-identification seam (docs/client-identification.md).

One interface, `StrongIdentity`, whatever proves who the person is. Providers:

- `DevelopmentProvider`: a page where a developer picks a synthetic test persona (individual
  numbers 900–999). Only with DEBUG and KOHTAAMO_DEV_LOGIN=True; settings.py refuses
  KOHTAAMO_DEV_LOGIN with DEBUG off.
- `SuomiFiProvider`: the Suomi.fi e-Identification (SAML 2.0) placeholder. Not implemented; it
  reports itself unavailable so no page offers it.

A successful identification becomes a `ClientSession` row and a cookie of its own
(`kohtaamo_client`, HttpOnly, path /palvelut/), separate from staff sessions, ended after 15 minutes
without use. The identity code is never put in a URL or a cookie.
"""

from __future__ import annotations

import datetime
import json
import secrets
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.channel.models import ClientSession
from kohtaamo.core import crypto
from kohtaamo.people import hetu as hetu_rules
from kohtaamo.people.hetu import make_hetu

COOKIE = "kohtaamo_client"
COOKIE_PATH = "/palvelut/"
IDLE_MINUTES = 15


@dataclass(frozen=True)
class StrongIdentity:
    hetu: str
    given_names: str
    surname: str
    method: str  # e.g. "dev", "suomifi:bank", "suomifi:mobile"
    assurance: str  # eIDAS level: "substantial" or "high"; "test" for the development provider

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> StrongIdentity:
        return cls(**json.loads(text))

    @property
    def hetu_hash(self) -> str:
        from kohtaamo.people.models import Person

        return Person.hash_hetu(self.hetu)


class IdentityProvider:
    key = ""
    label = ""

    def available(self) -> bool:
        return False


class DevelopmentProvider(IdentityProvider):
    """Synthetic personas for development and tests. Never real people: 900–999 only."""

    key = "dev"
    label = _("Test identification (development only)")

    def available(self) -> bool:
        return bool(settings.DEBUG and settings.DEV_LOGIN)

    @staticmethod
    def personas() -> list[StrongIdentity]:
        return [
            StrongIdentity(make_hetu(born, individual), given, surname, "dev", "test")
            for born, individual, given, surname in PERSONAS
        ]

    @staticmethod
    def identity_for(hetu: str, given_names: str, surname: str) -> StrongIdentity:
        """A typed synthetic code: valid, and with an individual number 900–999."""
        value = hetu_rules.normalise(hetu)
        if hetu_rules.check_hetu(value, allow_temporary=True) != "ok":
            raise ValueError("not a valid identity code")
        if int(value[7:10]) < 900:
            raise ValueError("only temporary codes 900–999 are accepted")
        return StrongIdentity(value, given_names.strip(), surname.strip(), "dev", "test")


class SuomiFiProvider(IdentityProvider):
    """Placeholder for Suomi.fi e-Identification (SAML 2.0): AuthnRequest → Response with the
    attributes urn:oid:1.2.246.21 (hetu), urn:oid:2.5.4.42 (given names) and urn:oid:2.5.4.4
    (surname), and single logout. Not implemented yet; see docs/client-identification.md."""

    key = "suomifi"
    label = _("Suomi.fi identification")

    def available(self) -> bool:
        return False


PERSONAS = [
    (datetime.date(1968, 3, 14), 951, "Tiina", "Testinen"),
    (datetime.date(1979, 11, 2), 962, "Ville", "Koekäyttäjä"),
    (datetime.date(1990, 6, 21), 973, "Aino", "Kokeilu"),
    (datetime.date(1947, 1, 30), 984, "Pentti", "Esimerkki"),
]
PROVIDERS: list[IdentityProvider] = [DevelopmentProvider(), SuomiFiProvider()]


def available_providers() -> list[IdentityProvider]:
    return [p for p in PROVIDERS if p.available()]


def provider(key: str) -> IdentityProvider | None:
    return next((p for p in available_providers() if p.key == key), None)


def _token_hash(token: str) -> str:
    return crypto.keyed_hash(token, purpose="client-session")


@transaction.atomic
def sign_in(identity: StrongIdentity) -> str:
    """Start a client session; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    ClientSession.objects.create(
        token_hash=_token_hash(token),
        hetu_hash=identity.hetu_hash,
        identity_encrypted=crypto.encrypt(identity.to_json()),
        method=identity.method,
        assurance=identity.assurance,
    )
    return token


def set_cookie(response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=IDLE_MINUTES * 60 * 8,  # the idle limit is enforced on the server
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def clear_cookie(response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")


def _expired(row: ClientSession, now: datetime.datetime) -> bool:
    return now - row.last_seen_at > datetime.timedelta(minutes=IDLE_MINUTES)


def current_session(request) -> ClientSession | None:
    """The client's sign-in from the cookie, or None (expired rows are removed). Touching the
    row at most once a minute keeps the session alive while the person is using it."""
    if hasattr(request, "_kohtaamo_client_session"):
        return request._kohtaamo_client_session
    token = request.COOKIES.get(COOKIE, "")
    row = None
    if token and len(token) < 100:
        row = ClientSession.objects.filter(token_hash=_token_hash(token)).first()
        now = timezone.now()
        if row is not None and _expired(row, now):
            row.delete()
            row = None
        elif row is not None and now - row.last_seen_at >= datetime.timedelta(seconds=60):
            ClientSession.objects.filter(pk=row.pk).update(last_seen_at=now)
            row.last_seen_at = now
    request._kohtaamo_client_session = row
    return row


def current_identity(request) -> StrongIdentity | None:
    row = current_session(request)
    return StrongIdentity.from_json(crypto.decrypt(row.identity_encrypted)) if row else None


def sign_out(request) -> None:
    row = current_session(request)
    if row is not None:
        row.delete()
    request._kohtaamo_client_session = None


def purge_expired(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = ClientSession.objects.filter(
        last_seen_at__lt=now - datetime.timedelta(minutes=IDLE_MINUTES)
    ).delete()
    return deleted
