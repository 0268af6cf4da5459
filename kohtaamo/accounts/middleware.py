"""Session guards: idle timeout, "log out everywhere", and two-factor authentication for staff."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

GENERATION_KEY = "kohtaamo_generation"
ACTIVITY_KEY = "kohtaamo_last_activity"

# Paths reachable while logged in but before the second factor is verified.
MFA_EXEMPT_PREFIXES = (
    "/accounts/login",
    "/accounts/logout",
    "/accounts/mfa",
    "/static/",
    "/i18n/",
    "/healthz",
    "/livez",
    "/api/",  # the API authenticates itself and refuses unverified sessions
    "/favicon",
)
PUBLIC_PREFIXES = ("/static/", "/healthz", "/livez", "/favicon")


class SessionGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(PUBLIC_PREFIXES)
        ):
            now = int(time.time())
            last = request.session.get(ACTIVITY_KEY, now)
            idle_limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            generation = request.session.get(GENERATION_KEY)
            if generation is None:
                request.session[GENERATION_KEY] = user.session_generation
            elif generation != user.session_generation:
                logout(request)
                messages.info(request, _("You were logged out of all sessions."))
                return redirect(settings.LOGIN_URL)
            if now - last > idle_limit:
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect(settings.LOGIN_URL)
            # Polling fragments (live boards) do not count as activity. The time is written at
            # most once a minute, so an ordinary page view does not rewrite the session.
            if request.headers.get("X-Kohtaamo-Poll") != "1" and (
                ACTIVITY_KEY not in request.session or now - last >= 60
            ):
                request.session[ACTIVITY_KEY] = now
        return self.get_response(request)


# The public client pages (no login) stay reachable for a staff member who has not verified yet;
# their staff pages under the same prefix do not.
PUBLIC_CLIENT_PREFIX = "/palvelut/"
STAFF_UNDER_PUBLIC = ("/palvelut/chat/console", "/palvelut/staff")


def _mfa_exempt(path: str) -> bool:
    if path.startswith(PUBLIC_CLIENT_PREFIX):
        return not path.startswith(STAFF_UNDER_PUBLIC)
    return path.startswith(MFA_EXEMPT_PREFIXES)


class RequireMFAMiddleware:
    """A logged-in staff member must verify a second factor before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and user.requires_mfa
            and not _mfa_exempt(request.path)
        ):
            return redirect("accounts:mfa")
        return self.get_response(request)
