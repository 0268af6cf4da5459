"""Report queries of the desk: counts per place and period, value vs failure demand.

Failure demand (häiriökysyntä) is a repeat contact about a matter already handled: the earlier
help failed or was missing. Everything else is value demand: first contacts, and repeat contacts
about something new. Counts are operational figures for staff (no small-number suppression: that is
the evaluation app's business).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from kohtaamo.encounters.models import Encounter, Term

FAILURE = Q(is_repeat=True, about_handled_matter=True)


@dataclass(frozen=True)
class Row:
    period: datetime.date
    place_id: int | None
    total: int
    failure: int

    @property
    def value(self) -> int:
        return self.total - self.failure

    @property
    def failure_share(self) -> float:
        return self.failure / self.total if self.total else 0.0


def _range(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz),
    )


def _base(organisation_ids, start: datetime.date, end: datetime.date, place_id=None):
    lo, hi = _range(start, end)
    qs = Encounter.objects.filter(
        organisation_id__in=organisation_ids, started_at__gte=lo, started_at__lt=hi
    )
    if place_id:
        qs = qs.filter(place_id=place_id)
    return qs


def counts(
    organisation_ids,
    start: datetime.date,
    end: datetime.date,
    *,
    by: str = "day",
    place_id: int | None = None,
) -> list[Row]:
    """Contacts and failure demand per place and day (`by="day"`) or month (`by="month"`)."""
    trunc = TruncDate if by == "day" else TruncMonth
    tz = timezone.get_current_timezone()
    rows = (
        _base(organisation_ids, start, end, place_id)
        .annotate(period=trunc("started_at", tzinfo=tz))
        .values("period", "place_id")
        .annotate(total=Count("id"), failure=Count("id", filter=FAILURE))
        .order_by("period", "place_id")
    )
    result = []
    for r in rows:
        period = r["period"]
        if isinstance(period, datetime.datetime):
            period = (
                timezone.localtime(period, tz).date()
                if timezone.is_aware(period)
                else period.date()
            )
        result.append(Row(period, r["place_id"], r["total"], r["failure"]))
    return result


def demand_by_place(
    organisation_ids, start: datetime.date, end: datetime.date, *, place_id: int | None = None
) -> dict[int | None, Row]:
    """Value and failure demand per place over the whole period."""
    rows = (
        _base(organisation_ids, start, end, place_id)
        .values("place_id")
        .annotate(total=Count("id"), failure=Count("id", filter=FAILURE))
    )
    return {r["place_id"]: Row(start, r["place_id"], r["total"], r["failure"]) for r in rows}


def failure_reasons(
    organisation_ids, start: datetime.date, end: datetime.date, *, place_id: int | None = None
) -> dict[str, int]:
    rows = (
        _base(organisation_ids, start, end, place_id)
        .filter(FAILURE)
        .values("failure_reason")
        .annotate(n=Count("id"))
    )
    return {r["failure_reason"] or "": r["n"] for r in rows}


def theme_counts(
    organisation_ids, start: datetime.date, end: datetime.date, *, place_id: int | None = None
) -> dict[str, int]:
    """How many contacts named each theme (a contact with two themes counts in both).

    Reads the link table for the ids of the period (an index-only range on PostgreSQL), which is
    several times faster than joining the contacts to it."""
    link = Encounter.themes.through
    ids = _base(organisation_ids, start, end, place_id).values("id")
    rows = link.objects.filter(encounter_id__in=ids).values("term_id").annotate(n=Count("id"))
    keys = dict(Term.objects.values_list("id", "key"))
    return {keys[r["term_id"]]: r["n"] for r in rows}


def totals_by_period(rows: list[Row]) -> list[Row]:
    """Sum the per-place rows into one row per period (for the chart)."""
    merged: dict[datetime.date, list[int]] = {}
    for r in rows:
        t = merged.setdefault(r.period, [0, 0])
        t[0] += r.total
        t[1] += r.failure
    return [Row(p, None, t, f) for p, (t, f) in sorted(merged.items())]
