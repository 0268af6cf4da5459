"""The JSON API v1 (django-ninja). Authentication and the one error shape live here.

Every error is `{"error": <short code>, "detail": <text or list>}`. Endpoints call the same access
gates and actions as the HTML views, so behaviour cannot drift.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from kohtaamo.accounts.actions import user_for_token

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kht_...` with a personal API token."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
            request.kohtaamo_channel = "api"
        return user


class VerifiedSessionAuth(SessionAuth):
    """The browser's session, but only once the second factor has been verified."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.requires_mfa and not user.is_verified():
            return None
        if user is not None:
            request.kohtaamo_channel = "api"
        return user


api = NinjaAPI(
    title="Kohtaamo API",
    version="1",
    description=(
        "Kohtaamo's JSON API. Authenticate with a personal API token (`Authorization: Bearer ...`) "
        "or a verified browser session. Errors always have the shape "
        '`{"error": "...", "detail": ...}`.'
    ),
    auth=[TokenAuth(), VerifiedSessionAuth()],
    urls_namespace="api",
)


def error(request, status: int, code: str, detail):
    return api.create_response(request, {"error": code, "detail": detail}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    detail = [
        {
            "field": ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "payload")),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return error(request, 422, "validation_error", detail)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error(
        request, 401, "unauthorized", "Authentication required: an API token or a verified session."
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    codes = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        422: "validation_error",
        429: "rate_limited",
    }
    return error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", "No such object, or no access to it.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, 403, "forbidden", "Your role does not allow this.")


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    logger.exception("API error")
    return error(request, 500, "server_error", "Something went wrong; it has been logged.")


from kohtaamo.api import routes  # noqa: E402,F401  (registers the routers)
