"""Operational figures of outreach for the team and its leaders: contacts per place, per shift
and per staff hour, repeat contacts at the same place and confirmed hand-offs."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.encounters.charts import bar_chart
from kohtaamo.outreach import access, queries
from kohtaamo.outreach.forms import FigureFilterForm


@login_required
def figures(request):
    org_ids = access.figures_org_ids(request.user)
    if not org_ids:
        raise PermissionDenied
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=29), today
    form = FigureFilterForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    result = queries.figures(org_ids, start, end)
    per_day: dict[datetime.date, int] = {}
    for row in result.by_shift:
        day = timezone.localtime(row["shift"].planned_start).date()
        per_day[day] = per_day.get(day, 0) + row["contacts"]
    chart = bar_chart(
        [(d.strftime("%d.%m."), n, 0) for d, n in sorted(per_day.items())],
        title=_("Field contacts per day"),
    )
    return render(
        request,
        "outreach/figures.html",
        {"form": form, "start": start, "end": end, "figures": result, "chart": chart},
    )
