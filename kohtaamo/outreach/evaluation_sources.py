"""What outreach gives the evaluation app (discovered by `kohtaamo.evaluation.registry`; nothing
here imports evaluation).

Indicator sources `source(scope, group_by, **params) -> {group: number}`:

- `outreach.field_contacts`: field contacts (encounters linked to a shift);
- `outreach.shifts`: shifts worked (started; cancelled and planned-only ones do not count);
- `outreach.observations`: structured observations (weak signals); `kind=` narrows to one kind.

Social report section `observations`: observations by kind and month; evaluation protects the
table with its small-number rule before showing or exporting it.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.outreach.models import FieldContact, Observation, Shift
from kohtaamo.outreach.queries import observation_table


def _bounds(scope) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(scope.start, datetime.time.min, tz),
        datetime.datetime.combine(scope.end, datetime.time.min, tz),
    )


def _grouped(qs, group_by: str, *, time: str, org: str, unit: str, place: str, area: str, channel):
    tz = timezone.get_current_timezone()
    if group_by == "total":
        n = qs.count()
        return {None: n} if n else {}
    if group_by == "month":
        rows = qs.annotate(g=TruncMonth(time, tzinfo=tz)).values("g").annotate(n=Count("id"))
        out = {}
        for r in rows:
            month = r["g"].date() if isinstance(r["g"], datetime.datetime) else r["g"]
            out[month.strftime("%Y-%m")] = r["n"]
        return out
    column = {
        "organisation": org,
        "unit": unit,
        "place": place,
        "area": area,
        "channel": channel,
    }.get(group_by)
    if column is None:
        return {}
    rows = qs.annotate(g=F(column)).values("g").annotate(n=Count("id"))
    return {r["g"]: r["n"] for r in rows if r["n"]}


def field_contacts(scope, group_by: str = "total", **params) -> dict:
    lo, hi = _bounds(scope)
    qs = FieldContact.objects.filter(
        encounter__organisation_id__in=scope.organisation_ids,
        encounter__started_at__gte=lo,
        encounter__started_at__lt=hi,
    )
    if scope.unit_ids is not None:
        qs = qs.filter(encounter__unit_id__in=scope.unit_ids)
    if scope.channel:
        qs = qs.filter(encounter__channel=scope.channel)
    if scope.place_ids is not None:
        qs = qs.filter(encounter__place_id__in=scope.place_ids)
    return _grouped(
        qs,
        group_by,
        time="encounter__started_at",
        org="encounter__organisation_id",
        unit="encounter__unit_id",
        place="encounter__place_id",
        area="encounter__place__municipality",
        channel="encounter__channel",
    )


def shifts(scope, group_by: str = "total", **params) -> dict:
    lo, hi = _bounds(scope)
    qs = Shift.objects.filter(
        organisation_id__in=scope.organisation_ids,
        started_at__gte=lo,
        started_at__lt=hi,
        status__in=[Shift.Status.ACTIVE, Shift.Status.ENDED],
    )
    if scope.unit_ids is not None:
        qs = qs.filter(team__unit_id__in=scope.unit_ids)
    if group_by in ("place", "area", "channel"):
        return {}  # a shift visits many places; per-place figures come from the contacts
    return _grouped(
        qs,
        group_by,
        time="started_at",
        org="organisation_id",
        unit="team__unit_id",
        place="pk",
        area="pk",
        channel="pk",
    )


def observations(scope, group_by: str = "total", **params) -> dict:
    lo, hi = _bounds(scope)
    qs = Observation.objects.filter(
        organisation_id__in=scope.organisation_ids, observed_at__gte=lo, observed_at__lt=hi
    )
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if scope.unit_ids is not None:
        qs = qs.filter(team__unit_id__in=scope.unit_ids)
    if scope.place_ids is not None:
        qs = qs.filter(place_id__in=scope.place_ids)
    if group_by == "channel":
        return {}
    return _grouped(
        qs,
        group_by,
        time="observed_at",
        org="organisation_id",
        unit="team__unit_id",
        place="place_id",
        area="place__municipality",
        channel="kind",
    )


def build_observations(scope) -> dict | None:
    return observation_table(
        scope.organisation_ids, scope.start, scope.end, place_ids=scope.place_ids
    )


INDICATOR_SOURCES = {
    "outreach.field_contacts": field_contacts,
    "outreach.shifts": shifts,
    "outreach.observations": observations,
}

SOCIAL_REPORT_SECTIONS = [
    {
        "key": "outreach_observations",
        "order": 40,
        "title": _("Observations from the field (weak signals)"),
        "help": _(
            "Structured observations by outreach workers: new encampments, changes in drug use, "
            "people sleeping rough, gaps in services. Counts of observations, not of people."
        ),
        "build": build_observations,
    }
]
