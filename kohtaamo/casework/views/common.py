"""Small helpers shared by the case-management views."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kohtaamo.casework.actions import CaseworkError


def back(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(default)


def refused(request, exc, *, back_url: str = ""):
    """A clear refusal (403) that says why, instead of the generic "not allowed" page."""
    reason = str(exc.args[0]) if getattr(exc, "args", None) else ""
    referer = request.META.get("HTTP_REFERER", "")
    if not back_url and url_has_allowed_host_and_scheme(referer, {request.get_host()}):
        back_url = referer
    return render(
        request,
        "casework/refused.html",
        {"reason": reason or _("Your role does not allow this."), "back_url": back_url or "/"},
        status=403,
    )


def form_error(form, exc: CaseworkError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def stale_rows(form, exc) -> list[dict]:
    """What the conflict box shows: each differing field with the saved and the typed value."""
    rows = []
    for name, saved, yours in exc.differences:
        field = form.fields.get(name)
        rows.append(
            {
                "label": field.label if field else name,
                "saved": saved if saved not in (None, "") else "–",
                "yours": yours if yours not in (None, "") else "–",
            }
        )
    return rows


def official_only(view):
    """Render the refusal with its reason when a gate or an action refuses a non-official (a
    PermissionDenied with a message); a bare PermissionDenied stays the generic 403."""
    from functools import wraps

    from django.core.exceptions import PermissionDenied

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            if exc.args and exc.args[0]:
                return refused(request, exc)
            raise

    return wrapped
