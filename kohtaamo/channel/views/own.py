"""Identification (the seam's providers) and the client's own data page."""

from __future__ import annotations

import csv
import json

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kohtaamo.channel import identity as client_identity
from kohtaamo.channel import ratelimit
from kohtaamo.channel.actions import own_data as actions
from kohtaamo.channel.forms import DevSignInForm


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/palvelut/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}
    ):
        return target
    return default


@never_cache
@require_GET
def identify(request):
    return render(
        request,
        "channel/identify.html",
        {
            "providers": client_identity.available_providers(),
            "next": _next(request, reverse("channel:own-data")),
            "signed_in": client_identity.current_identity(request),
        },
    )


@never_cache
def identify_dev(request):
    """The development provider: only with DEBUG and KOHTAAMO_DEV_LOGIN (404 otherwise)."""
    provider = client_identity.provider("dev")
    if provider is None:
        raise Http404
    form = DevSignInForm(request.POST or None, personas=provider.personas())
    target = _next(request, reverse("channel:own-data"))
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit(ratelimit.DEV_SIGN_IN, ratelimit.source_hash(request)):
            return HttpResponse(status=429)
        token = client_identity.sign_in(form.cleaned_data["identity"])
        response = redirect(target)
        client_identity.set_cookie(response, token)
        return response
    return render(request, "channel/identify_dev.html", {"form": form, "next": target})


@require_POST
def sign_out(request):
    client_identity.sign_out(request)
    response = redirect("channel:finder")
    client_identity.clear_cookie(response)
    return response


@never_cache
@require_GET
def own_data(request):
    identity = client_identity.current_identity(request)
    if identity is None:
        return render(request, "channel/own_data_signin.html", status=200)
    data = actions.open_own_data(actions.client_actor(request), identity)
    return render(request, "channel/own_data.html", {"identity": identity, "data": data})


@never_cache
@require_GET
def own_data_download(request):
    identity = client_identity.current_identity(request)
    if identity is None:
        return redirect("channel:own-data")
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "json"):
        fmt = "csv"
    data = actions.open_own_data(actions.client_actor(request), identity, export=True)
    rows = [
        {
            "time": timezone.localtime(r.at).isoformat(timespec="minutes"),
            "who": r.who,
            "role": r.role,
            "organisation": r.organisation,
            "action": r.action,
            "data": r.what,
            "basis": r.why,
        }
        for r in data.rows
    ]
    if fmt == "json":
        body = {
            "records": [
                {"organisation": p.organisation.name, "name": p.full_name} for p in data.people
            ],
            "period": {"start": str(data.start or ""), "end": str(data.end or "")},
            "access_log": rows,
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="who-viewed-my-data.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Time"),
            _("Who"),
            _("Role"),
            _("Organisation"),
            _("What was done"),
            _("Which information"),
            _("Why"),
        ]
    )
    for row in rows:
        writer.writerow(row.values())
    return response
