"""The installable field app: its service worker, web app manifest and a fresh CSRF token for the
phone's queue.

The service worker lives in `static/outreach-sw.js` but is served from `/outreach/sw.js` with
`Service-Worker-Allowed: /`, so it can see the logout on any page and clear the phone's store then.
It caches only the outreach pages and static files, and serves them only without a connection.
The list of files to cache is put in front of it here, with the static files' real (hashed) URLs.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

SHELL_STATIC = [
    "css/kohtaamo.css",
    "css/outreach.css",
    "js/behaviours.js",
    "js/outreach-field.js",
    "vendor/htmx-2.0.11.min.js",
    "img/favicon.svg",
]


@cache
def _worker_source() -> str:
    path = finders.find("outreach-sw.js")
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    with staticfiles_storage.open("outreach-sw.js") as handle:  # after collectstatic only
        return handle.read().decode("utf-8")


def service_worker(request):
    shell = [static(p) for p in SHELL_STATIC] + [reverse("outreach:home")]
    source = _worker_source()
    version = hashlib.sha256((source + json.dumps(shell)).encode()).hexdigest()[:12]
    config = {
        "version": version,
        "shell": shell,
        "scopePrefix": reverse("outreach:home"),
        "staticPrefix": static(""),
        "logout": [reverse("accounts:logout"), reverse("accounts:end-all-sessions")],
    }
    body = f"self.KOHTAAMO_OUTREACH = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    data = {
        "name": _("Kohtaamo outreach"),
        "short_name": _("Outreach"),
        "description": _("Shifts, safety check-ins and field contacts, also without a connection."),
        "start_url": reverse("outreach:home"),
        "scope": reverse("outreach:home"),
        "display": "standalone",
        "background_color": "#f7f7f4",
        "theme_color": "#07503a",
        "icons": [
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@never_cache
@login_required
def token(request):
    """A fresh CSRF token for the queue when a cached page's token has gone stale."""
    return JsonResponse({"csrf": get_token(request)})
