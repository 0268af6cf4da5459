"""Encryption at rest and keyed look-up hashes for identifiers.

Identity codes (hetu) are stored encrypted with Fernet (AES-128-CBC + HMAC) under
KOHTAAMO_FIELD_KEYS, and found again through an HMAC-SHA256 under KOHTAAMO_HASH_KEY, so the
database never holds a searchable plain identifier. Contact codes of pseudonymous visitors are only
ever stored as such a hash.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC of a normalised value; `purpose` separates the hash spaces (hetu, contact code...)."""
    key = hmac.new(settings.HASH_KEY.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
