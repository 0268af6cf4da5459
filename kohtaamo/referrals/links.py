"""The partner's confirmation link: signed (TimestampSigner), expiring and single-use.

The token carries the referral code and a random nonce; only the nonce's SHA-256 is stored, so a
leaked database does not give working links, and issuing a new link voids the old one. The link
needs no account and shows the minimum: the service, the date and the referral's short code.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone

SALT = "kohtaamo.referrals.confirm"


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def make_token(referral_code, nonce: str) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"r": str(referral_code), "n": nonce}, compress=True
    )


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def max_age_seconds() -> int:
    return settings.REFERRAL_LINK_DAYS * 24 * 3600


@dataclass
class LinkCheck:
    referral: object | None
    problem: str = ""  # "", "invalid", "expired", "used"


def check_token(token: str) -> LinkCheck:
    from kohtaamo.referrals.models import Referral

    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age_seconds())
    except signing.SignatureExpired:
        return LinkCheck(None, "expired")
    except (signing.BadSignature, ValueError, TypeError):
        return LinkCheck(None, "invalid")
    if not isinstance(payload, dict) or "r" not in payload or "n" not in payload:
        return LinkCheck(None, "invalid")
    referral = (
        Referral.objects.filter(code=payload["r"])
        .select_related("service__organisation", "person")
        .first()
        if _is_uuid(payload["r"])
        else None
    )
    if referral is None or not referral.link_nonce_hash:
        return LinkCheck(
            None, "used" if referral is not None and referral.link_used_at else "invalid"
        )
    if not secrets.compare_digest(referral.link_nonce_hash, nonce_hash(str(payload["n"]))):
        return LinkCheck(None, "used" if referral.link_used_at else "invalid")
    if referral.link_expires_at and referral.link_expires_at < timezone.now():
        return LinkCheck(None, "expired")
    return LinkCheck(referral)


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
