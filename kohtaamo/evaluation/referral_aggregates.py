"""Referral figures by day: sent, accepted, declined, confirmed arrivals, not reached, and the
partner's response time. A referral counts on the day it was sent, for the sending county and
the unit and channel of the encounter it came from.

- accepted: it reached "accepted" (or went further: arrived, started);
- arrived: arrival confirmed (`confirmed_at` set: by the partner link, the client or the worker);
- responded / response_hours: the partner's first response ("received", "accepted" or
  "declined") and the whole hours from sending to it;
- warm_handoff: sent as a warm hand-off (the worker goes with the person).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from kohtaamo.evaluation.models.aggregates import REFERRAL_MEASURES

RESPONSES = ("received", "accepted", "declined")
ACCEPTED = ("accepted", "arrived", "started")


def _referral_model():
    try:
        return apps.get_model("referrals", "Referral")
    except LookupError:
        return None


def available() -> bool:
    return _referral_model() is not None


def paths_available() -> bool:
    try:
        apps.get_model("referrals", "ServicePath")
    except LookupError:
        return False
    return True


def _bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tz),
        datetime.datetime.combine(end, datetime.time.min, tz),
    )


def first_day() -> datetime.date | None:
    Referral = _referral_model()
    if Referral is None:
        return None
    first = (
        Referral.objects.filter(sent_at__isnull=False)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return timezone.localtime(first).date() if first else None


def organisation_ids() -> list[int]:
    Referral = _referral_model()
    return list(Referral.objects.order_by().values_list("organisation_id", flat=True).distinct())


def changed_days(since: datetime.datetime) -> dict[int, set[datetime.date]]:
    Referral = _referral_model()
    result: dict[int, set[datetime.date]] = defaultdict(set)
    rows = Referral.objects.filter(updated_at__gte=since, sent_at__isnull=False).values_list(
        "organisation_id", "sent_at"
    )
    for org_id, sent in rows.iterator():
        result[org_id].add(timezone.localtime(sent).date())
    return result


def compute_days(org_ids, start: datetime.date, end: datetime.date, *, ids=None) -> dict:
    """{(day, org, unit, partner, channel): {measure: value}} for referrals sent in [start, end)
    (and, with `ids`, only those in an id window)."""
    from kohtaamo.evaluation.aggregates import id_filter

    Referral = _referral_model()
    lo, hi = _bounds(start, end)
    rows = (
        Referral.objects.filter(
            organisation_id__in=list(org_ids), sent_at__gte=lo, sent_at__lt=hi, **id_filter(ids)
        )
        .annotate(
            first_response=Min("events__at", filter=Q(events__to_status__in=RESPONSES)),
            reached_accepted=Count("events", filter=Q(events__to_status__in=ACCEPTED)),
            reached_declined=Count("events", filter=Q(events__to_status="declined")),
            reached_not=Count("events", filter=Q(events__to_status="not_reached")),
        )
        .order_by()
        .values_list(
            "sent_at",
            "organisation_id",
            "encounter__unit_id",
            "service__organisation_id",
            "encounter__channel",
            "status",
            "confirmed_at",
            "mode",
            "first_response",
            "reached_accepted",
            "reached_declined",
            "reached_not",
        )
    )
    result: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(REFERRAL_MEASURES, 0))
    accepted_now = set(ACCEPTED)
    for (
        sent,
        org,
        unit,
        partner,
        channel,
        status,
        confirmed,
        mode,
        first,
        acc,
        dec,
        not_reached,
    ) in rows.iterator(chunk_size=10000):
        m = result[(timezone.localtime(sent).date(), org, unit, partner, channel or "")]
        m["sent"] += 1
        m["accepted"] += bool(acc or status in accepted_now)
        m["declined"] += bool(dec or status == "declined")
        m["not_arrived"] += bool(not_reached or status == "not_reached")
        m["arrived"] += confirmed is not None
        m["warm_handoff"] += mode == "warm_handoff"
        if first is not None and first >= sent:
            m["responded"] += 1
            m["response_hours"] += int((first - sent).total_seconds() // 3600)
    return dict(result)


@transaction.atomic
def write_days(org_id: int, days, *, max_id: int | None = None) -> int:
    from kohtaamo.evaluation.aggregates import _runs
    from kohtaamo.evaluation.bulk import insert_rows
    from kohtaamo.evaluation.models import ReferralDay

    days = sorted(set(days))
    if not days:
        return 0
    written = 0
    for start, end in _runs(days):
        ReferralDay.objects.filter(organisation_id=org_id, day__gte=start, day__lt=end).delete()
        rows = compute_days([org_id], start, end, ids=(None, max_id))
        insert_rows(
            ReferralDay,
            [
                {"day": day, "organisation_id": org, "unit_id": unit, "partner_ref": partner,
                 "channel": channel, **m}
                for (day, org, unit, partner, channel), m in rows.items()
            ],
        )  # fmt: skip
        written += len(rows)
    return written


def measures(scope, group_by: str = "total") -> dict:
    """{group: {measure: value}} for referrals in scope (whole months, days, today live)."""
    from kohtaamo.evaluation.aggregates import _fold, _live, _month_key, _stored
    from kohtaamo.evaluation.models import ReferralDay, ReferralMonth

    cache_key = ("referral_measures", group_by)
    if cache_key in scope.cache:
        return scope.cache[cache_key]
    if "place" in group_by or "area" in group_by:
        scope.cache[cache_key] = {}
        return {}
    if "referral_base" not in scope.cache:
        dims = ("organisation_id", "unit_id", "channel")
        rows = _stored(ReferralDay, ReferralMonth, scope, dims, REFERRAL_MEASURES)
        base: dict = {}
        for org, unit, channel, month, *values in rows:
            measures = {m: v or 0 for m, v in zip(REFERRAL_MEASURES, values, strict=True)}
            _add(base, (org, unit, None, channel, _month_key(month)), measures)
        after = _live(scope, "referrals")
        if after is not None:
            for (day, org, unit, _partner, channel), m in compute_days(
                scope.organisation_ids, scope.start, scope.end, ids=(after, None)
            ).items():
                if scope.unit_ids is not None and unit not in scope.unit_ids:
                    continue
                if scope.channel and channel != scope.channel:
                    continue
                _add(base, (org, unit, None, channel, _month_key(day)), dict(m))
        scope.cache["referral_base"] = {k: v for k, v in base.items() if v["sent"]}
    result = _fold(scope.cache["referral_base"], group_by)
    scope.cache[cache_key] = result
    return result


def _add(base: dict, key, measures: dict) -> None:
    target = base.get(key)
    if target is None:
        base[key] = measures
    else:
        for name, value in measures.items():
            target[name] += value


def referral_count(scope, group_by: str, measure: str = "sent") -> dict:
    """Referral measure per group; "response_days" is response hours / 24."""
    rows = measures(scope, group_by)
    if measure == "response_days":
        return {g: m["response_hours"] / 24 for g, m in rows.items() if m["sent"]}
    if measure not in REFERRAL_MEASURES:
        raise ValueError(f"unknown referral measure {measure!r}")
    return {g: m[measure] for g, m in rows.items() if m["sent"]}


def paths_in_force(scope, group_by: str) -> dict:
    """Agreed service paths in force now (their history is not kept), per county or unit."""
    from kohtaamo.accounts.models import Unit

    ServicePath = apps.get_model("referrals", "ServicePath")
    counts = dict(
        ServicePath.objects.in_force()
        .filter(organisation_id__in=scope.organisation_ids)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    if group_by == "total":
        return {None: sum(counts.values())} if counts else {}
    if group_by == "organisation":
        return counts
    if group_by == "unit":
        units = Unit.objects.filter(organisation_id__in=scope.organisation_ids)
        if scope.unit_ids is not None:
            units = units.filter(id__in=scope.unit_ids)
        return {u: counts[o] for u, o in units.values_list("id", "organisation_id") if o in counts}
    return {}


def referrals_for_encounters(encounter_ids) -> int | None:
    """Referrals made from these encounters (None while referrals are not recorded)."""
    Referral = _referral_model()
    if Referral is None:
        return None
    return Referral.objects.filter(encounter_id__in=encounter_ids, sent_at__isnull=False).count()
