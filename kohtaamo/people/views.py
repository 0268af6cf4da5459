from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor, batched_access_log, log_access
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.core.htmx import is_htmx
from kohtaamo.core.registry import person_sections_for
from kohtaamo.people import actions
from kohtaamo.people.access import can_write_people
from kohtaamo.people.forms import AccessReportForm, PersonForm, PersonSearchForm
from kohtaamo.people.search import search_extras_for


def _require_registry_access(user):
    if not user.organisation_ids():
        raise PermissionDenied


@login_required
def person_list(request):
    """The registry search. It is a POST, so that a name or an identity code never stands in a
    URL (browser history, proxy and server logs, the language switcher's return link); a GET
    shows the empty form, and a `?q=` from an old bookmark is ignored."""
    _require_registry_access(request.user)
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    hits, extras = None, []
    if form.is_valid() and form.cleaned_data["q"]:
        hits = actions.search_people(
            Actor.from_request(request), request.user, form.cleaned_data["q"]
        )
        extras = search_extras_for(request, form.cleaned_data["q"], hits)
    template = "people/list.html#results" if is_htmx(request) else "people/list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "hits": hits,
            "search_extras": extras,
            "can_add": can_write_people(request.user),
        },
    )


@login_required
def person_add(request):
    if not can_write_people(request.user):
        raise PermissionDenied
    org_ids = request.user.organisation_ids(client_access=("write",))
    form = PersonForm(request.POST or None, organisation_ids=org_ids)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = list(form.probable_duplicates()) if "confirm" not in request.POST else []
        if not duplicates:
            data = dict(form.cleaned_data)
            membership = next(
                m for m in request.user.active_memberships() if m.role.client_access == "write"
            )
            person = actions.create_person(
                Actor.from_request(request), organisation=membership.organisation, **data
            )
            messages.success(request, _("The person was added to the registry."))
            return redirect(person)
    return render(
        request, "people/form.html", {"form": form, "duplicates": duplicates, "person": None}
    )


@login_required
def person_detail(request, code):
    # The page and each section log what they show; one append to the access-log chain for all.
    with batched_access_log():
        person = actions.open_person(Actor.from_request(request), request.user, code)
        sections = person_sections_for(request, person)
    can_edit = person.organisation_id in request.user.organisation_ids(client_access=("write",))
    return render(
        request,
        "people/detail.html",
        {"person": person, "can_edit": can_edit, "person_sections": sections},
    )


@login_required
def person_edit(request, code):
    person = actions.open_person(Actor.from_request(request), request.user, code, write=True)
    form = PersonForm(
        request.POST or None, instance=person, organisation_ids=[person.organisation_id]
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        hetu = data.pop("hetu") or None
        actions.update_person(Actor.from_request(request), person, hetu=hetu, **data)
        messages.success(request, _("The changes were saved."))
        return redirect(person)
    return render(request, "people/form.html", {"form": form, "person": person, "duplicates": []})


@require_POST
@login_required
def person_reveal_hetu(request, code):
    actor = Actor.from_request(request)
    person = actions.open_person(actor, request.user, code)
    hetu = actions.reveal_hetu(actor, person)
    context = {"person": person, "revealed": hetu}
    if is_htmx(request):
        return render(request, "people/detail.html#identity", context)
    context["can_edit"] = False
    return render(request, "people/detail.html", context)


@login_required
def person_access_report(request, code):
    """'Who has viewed my data': per person and period, printable HTML or CSV."""
    actor = Actor.from_request(request)
    person = actions.open_person(actor, request.user, code, write=True, what="people.access_report")
    today = timezone.localdate()
    form = AccessReportForm(
        request.GET or None,
        initial={"start": today - datetime.timedelta(days=730), "end": today},
    )
    start, end = today - datetime.timedelta(days=730), today
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    tz = timezone.get_current_timezone()
    entries = actions.access_report(
        person,
        start=datetime.datetime.combine(start, datetime.time.min, tz),
        end=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz),
    )
    if request.GET.get("format") == "csv":
        log_access(
            actor,
            person_code=person.code,
            object_type="people.access_report",
            object_ref=person.pk,
            action=AccessLogEntry.Action.EXPORT,
            purpose=AccessLogEntry.Purpose.CLIENT_REQUEST,
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Time"),
                _("User"),
                _("Role"),
                _("Organisation"),
                _("Action"),
                _("Data"),
                _("Basis"),
                _("Channel"),
            ]
        )
        for e in entries:
            writer.writerow(
                [
                    timezone.localtime(e.at).isoformat(timespec="minutes"),
                    e.username,
                    e.roles,
                    e.organisation_ref or "",
                    e.get_action_display(),
                    e.object_type,
                    e.get_purpose_display(),
                    e.channel,
                ]
            )
        return response
    return render(
        request,
        "people/access_report.html",
        {"person": person, "form": form, "entries": entries, "start": start, "end": end},
    )
