"""Account operations: login throttling, API tokens, ending sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kohtaamo.accounts.models import ApiToken, LoginFailure, User
from kohtaamo.core.crypto import keyed_hash

TOKEN_PREFIX = "kht_"


def _key(value: str, purpose: str) -> str:
    return keyed_hash(value.strip().lower(), purpose=purpose)


def login_is_locked(username: str, ip: str) -> bool:
    """Locked when the username, or the address, has too many recent failures."""
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.LOGIN_MAX_FAILURES
    return (
        recent.filter(username_hash=_key(username, "login-user")).count() >= limit
        or recent.filter(ip_hash=_key(ip, "login-ip")).count() >= limit * 4
    )


def record_login_failure(username: str, ip: str) -> None:
    LoginFailure.objects.create(
        username_hash=_key(username, "login-user"), ip_hash=_key(ip, "login-ip")
    )


def clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username_hash=_key(username, "login-user")).delete()


def purge_old_login_failures() -> int:
    cutoff = timezone.now() - timedelta(days=1)
    deleted, _ = LoginFailure.objects.filter(at__lt=cutoff).delete()
    return deleted


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=plain[:10], token_hash=hash_token(plain)
    )
    return token, plain


def revoke_api_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def user_for_token(plain: str) -> User | None:
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(plain), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def end_all_sessions(user: User) -> None:
    """Log the user out everywhere: every session made before now stops working."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
