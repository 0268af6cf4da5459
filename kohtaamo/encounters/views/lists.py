"""Lists, today's contacts, counts and exports. No names are shown in lists: identified contacts
say "identified" and link to their page, which is access-logged."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor
from kohtaamo.core.htmx import is_htmx
from kohtaamo.encounters import exports, paging, queries
from kohtaamo.encounters.access import counts_org_ids, encounters_visible_to, require_desk
from kohtaamo.encounters.charts import bar_chart
from kohtaamo.encounters.forms import ListFilterForm
from kohtaamo.encounters.models import Place
from kohtaamo.encounters.taxonomy import terms

PAGE_SIZE = 50


def _day_range(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz),
    )


def _labels() -> dict[str, dict[str, str]]:
    return {section: {t.key: t.label for t in rows} for section, rows in terms().items()}


def _filtered(request, org_ids):
    form = ListFilterForm(request.GET or None, organisation_ids=org_ids)
    qs = encounters_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("place"):
            qs = qs.filter(place=data["place"])
        if data.get("start"):
            qs = qs.filter(started_at__gte=_day_range(data["start"], data["start"])[0])
        if data.get("end"):
            qs = qs.filter(started_at__lt=_day_range(data["end"], data["end"])[1])
    return form, qs


@login_required
def encounter_list(request):
    org_ids = require_desk(request.user)
    form, qs = _filtered(request, org_ids)
    rows, next_cursor = paging.page(qs.with_lists(), request.GET.get("cursor", ""), limit=PAGE_SIZE)
    params = request.GET.copy()
    params.pop("cursor", None)
    context = {
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "params": params.urlencode(),
        "labels": _labels(),
    }
    template = "encounters/list.html#rows" if is_htmx(request) else "encounters/list.html"
    return render(request, template, context)


@login_required
def today(request):
    """The team's contacts today (or the organisation's, for a worker without a team)."""
    org_ids = require_desk(request.user)
    start, end = _day_range(timezone.localdate(), timezone.localdate())
    team_ids = [m.team_id for m in request.user.active_memberships() if m.team_id]
    qs = encounters_visible_to(request.user).filter(started_at__gte=start, started_at__lt=end)
    qs = qs.filter(team_id__in=team_ids) if team_ids else qs.filter(organisation_id__in=org_ids)
    rows, next_cursor = paging.page(qs.with_lists(), request.GET.get("cursor", ""), limit=PAGE_SIZE)
    context = {
        "rows": rows,
        "next_cursor": next_cursor,
        "params": "",
        "labels": _labels(),
        "today": timezone.localdate(),
        "total": qs.count(),
    }
    template = "encounters/today.html#rows" if is_htmx(request) else "encounters/today.html"
    return render(request, template, context)


@login_required
def counts(request):
    org_ids = counts_org_ids(request.user)
    if not org_ids:
        raise PermissionDenied
    today_ = timezone.localdate()
    form = ListFilterForm(
        request.GET or None,
        organisation_ids=org_ids,
        initial={"start": today_ - datetime.timedelta(days=29), "end": today_},
    )
    start, end, place = today_ - datetime.timedelta(days=29), today_, None
    if request.GET and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
        place = form.cleaned_data.get("place")
    place_id = place.pk if place else None
    daily = queries.counts(org_ids, start, end, by="day", place_id=place_id)
    monthly = queries.counts(org_ids, start, end, by="month", place_id=place_id)
    per_day = queries.totals_by_period(daily)
    by_place = queries.demand_by_place(org_ids, start, end, place_id=place_id)
    places = {p.pk: p for p in Place.objects.filter(organisation_id__in=org_ids)}
    labels = _labels()
    context = {
        "form": form,
        "start": start,
        "end": end,
        "daily": daily,
        "per_day": per_day,
        "monthly": monthly,
        "by_place": sorted(
            by_place.values(), key=lambda r: places[r.place_id].name if r.place_id else ""
        ),
        "places": places,
        "themes": sorted(
            queries.theme_counts(org_ids, start, end, place_id=place_id).items(),
            key=lambda kv: -kv[1],
        ),
        "reasons": sorted(
            queries.failure_reasons(org_ids, start, end, place_id=place_id).items(),
            key=lambda kv: -kv[1],
        ),
        "labels": labels,
        "chart": bar_chart(
            [(r.period, r.value, r.failure) for r in per_day],
            title=_("Contacts per day: value demand and failure demand"),
        ),
    }
    return render(request, "encounters/counts.html", context)


@login_required
def export(request):
    org_ids = require_desk(request.user)
    form, qs = _filtered(request, org_ids)
    fmt = request.GET.get("format", "")
    if fmt not in ("csv", "xlsx") or not form.is_valid():
        return render(request, "encounters/export.html", {"form": form})
    unit_ids = {
        m.unit_id
        for m in request.user.active_memberships()
        if m.role.client_access in ("read", "write")
    }
    if None not in unit_ids:  # every membership is in a unit: only the unit's contacts
        qs = qs.filter(unit_id__in=unit_ids)
    qs = qs.with_lists().select_related("person", "partner").order_by("started_at", "id")
    exports.log_export(Actor.from_request(request), qs)
    labels = _labels()
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(qs, labels), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="contacts.csv"'
        return response
    response = HttpResponse(
        exports.xlsx_bytes(qs, labels),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="contacts.xlsx"'
    return response
