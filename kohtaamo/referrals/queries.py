"""Reporting reads for referrals: counts only, never identifiers.

- `figures(...)`: per partner (directory organisation) and per agreed path: referrals sent,
  confirmed arrivals (arrived or started) and their rate, median and mean hours from sending to
  confirmation, and bounces (declined or not reached) and their rate.
- `failure_demand(...)`: declined and bounced referrals by service and reason, for the
  evaluation app's failure-demand indicators.
Groups smaller than KOHTAAMO_SMALL_NUMBER_K are flagged `small` so a page can hide them.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, F

from kohtaamo.referrals.models import Referral


def _rows(organisation_ids, start: datetime.datetime | None, end: datetime.datetime | None):
    qs = Referral.objects.filter(organisation_id__in=organisation_ids, sent_at__isnull=False)
    if start:
        qs = qs.filter(sent_at__gte=start)
    if end:
        qs = qs.filter(sent_at__lt=end)
    return qs.values_list(
        "status",
        "sent_at",
        "confirmed_at",
        "service__organisation__name_fi",
        "path_step__path__name_fi",
    )


def _summarise(items) -> dict:
    sent = len(items)
    confirmed_hours = [
        (confirmed - sent_at).total_seconds() / 3600
        for _status, sent_at, confirmed, *_ in items
        if confirmed
    ]
    arrived = sum(
        1
        for status, _s, confirmed, *_ in items
        if status in Referral.CONFIRMED_STATUSES or (status == "closed" and confirmed)
    )
    bounced = sum(1 for status, *_ in items if status in ("declined", "not_reached"))
    return {
        "sent": sent,
        "arrived": arrived,
        "arrival_rate": round(arrived / sent, 3) if sent else None,
        "median_hours": round(statistics.median(confirmed_hours), 1) if confirmed_hours else None,
        "mean_hours": round(statistics.fmean(confirmed_hours), 1) if confirmed_hours else None,
        "bounced": bounced,
        "bounce_rate": round(bounced / sent, 3) if sent else None,
        "small": sent < settings.SMALL_NUMBER_K,
    }


def figures(organisation_ids, *, start=None, end=None) -> dict:
    rows = list(_rows(organisation_ids, start, end))
    by_partner, by_path = defaultdict(list), defaultdict(list)
    for row in rows:
        by_partner[row[3]].append(row)
        by_path[row[4] or ""].append(row)
    return {
        "total": _summarise(rows),
        "partners": [{"name": k, **_summarise(v)} for k, v in sorted(by_partner.items())],
        "paths": [{"name": k, **_summarise(v)} for k, v in sorted(by_path.items()) if k],
    }


def failure_demand(organisation_ids, *, start=None, end=None) -> list[dict]:
    """Declined and not-reached referrals by partner, service and reason (counts only)."""
    qs = Referral.objects.failed().filter(organisation_id__in=organisation_ids)
    if start:
        qs = qs.filter(sent_at__gte=start)
    if end:
        qs = qs.filter(sent_at__lt=end)
    return list(
        qs.values(
            "status",
            "decline_reason",
            partner=F("service__organisation__name_fi"),
            service_name=F("service__name_fi"),
        )
        .annotate(count=Count("id"))
        .order_by("-count", "partner", "service_name")
    )
