"""The team's live safety board. The page polls its fragment every 3 seconds (HTMX, with the
`X-Kohtaamo-Poll` header so polling does not keep the session alive). Each poll first runs the
overdue check for the shifts shown, so an alert never waits for the periodic job. When nothing
changed the poll answers 204 and the page is left alone (calm for screen readers)."""

from __future__ import annotations

import hashlib
import json
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.core.htmx import is_htmx
from kohtaamo.outreach import access, actions, queries

PLACEHOLDER = "__board_version__"
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
# The "checked at" clock changes on every poll; it is left out of the version, and an
# unchanged board's 204 carries the time in an HX-Trigger event that behaviours.js shows.
CLOCK = re.compile(r"<p [^>]*data-board-clock>.*?</p>", re.S)


def _context(request) -> dict:
    org_ids = access.require_outreach(request.user)
    now = timezone.now()
    shifts = queries.board_shifts(request.user, org_ids, now=now)
    actions.raise_overdue_alerts(shifts, now=now)
    rows = queries.board(shifts)
    for row in rows:
        row.states = [(s, queries.worker_status(s, now)) for s in row.workers]
        row.can_acknowledge = access.can_acknowledge(row.shift, request.user)
    return {
        "rows": rows,
        "now": now,
        "open_alerts": sum(len(r.open_alerts) for r in rows),
        "margin_minutes": settings.CHECKIN_MARGIN_MINUTES,
    }


def _fragment(request, context) -> tuple[str, str]:
    """The board fragment and its version: a hash of the fragment without what changes on every
    render (the CSRF token's mask, the "checked at" clock)."""
    html = render_to_string(
        "outreach/board.html#board", {**context, "version": PLACEHOLDER}, request
    )
    stable = CLOCK.sub("", CSRF_INPUT.sub("", html))
    version = hashlib.sha256(stable.encode()).hexdigest()[:16]
    return html.replace(PLACEHOLDER, version), version


@login_required
def board(request):
    context = _context(request)
    html, version = _fragment(request, context)
    if is_htmx(request):
        if request.GET.get("v") == version:
            checked = timezone.localtime(context["now"]).strftime("%H:%M:%S")
            response = HttpResponse(status=204)
            response["HX-Trigger"] = json.dumps({"kohtaamo:board-checked": {"at": checked}})
            return response
        return HttpResponse(html)
    # The full page carries the version too, so its first poll is already a 204 when nothing
    # changed.
    return render(request, "outreach/board.html", {**context, "version": version})


@require_POST
@login_required
def acknowledge(request, code):
    alert = access.get_alert_for_user(request.user, code, write=True)
    actions.acknowledge_alert(alert, by=request.user)
    if is_htmx(request):
        return HttpResponse(_fragment(request, _context(request))[0])
    messages.success(request, _("Alert acknowledged."))
    return redirect("outreach:board")
