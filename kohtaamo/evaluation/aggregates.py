"""Pre-aggregation of encounters and referrals into daily figures, and reading them back.

- `compute_encounter_days(org_ids, start, end)` counts raw encounters per day × organisation × unit ×
  place × channel with a handful of GROUP BY queries (no per-row subqueries, so it scales).
- `refresh()` (a job every minute, `tasks.py`) re-aggregates the days that changed: new rows (by
  id), edited rows (by `updated_at`, with a margin for long transactions) and days marked dirty;
  `rebuild()` recomputes everything (after `generate_scale_data`, and nightly for recent days, so
  a deleted or moved encounter is reflected within a day).
- `encounter_measures(scope, group_by)` and `term_counts(...)` read the aggregates and add rows
  newer than the last refresh live (by id), so new contacts count at once and edits within a
  minute.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from kohtaamo.evaluation.bulk import insert_rows
from kohtaamo.evaluation.models import (
    AggregateState,
    DirtyDay,
    EncounterDay,
    EncounterTermDay,
)
from kohtaamo.evaluation.models.aggregates import ENCOUNTER_MEASURES
from kohtaamo.evaluation.registry import Scope

DIMS = ("day", "organisation_id", "unit_id", "place_id", "channel")  # as stored
SUPPORT_MEASURES = {
    "initial_assessment": "initial_assessment",
    "listening": "listening",
    "counselling": "counselling",
    "service_guidance": "service_guidance",
    "accompanied_handoff": "accompanied",
}
DIGITAL_CHANNELS = ("chat", "video")
FIELD_CHANNELS = ("field", "home_visit")
UNMET_REASON = "no_suitable_service"
REFRESH_MARGIN = datetime.timedelta(minutes=5)


def _models():
    from kohtaamo.encounters.models import Encounter, EncounterWorker

    return Encounter, EncounterWorker


def _bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tz),
        datetime.datetime.combine(end, datetime.time.min, tz),
    )


def professional_user_ids(org_ids: Iterable[int]) -> set[int]:
    from kohtaamo.accounts.models import Membership

    return set(
        Membership.objects.filter(
            organisation_id__in=list(org_ids),
            is_active=True,
            role__is_social_welfare_professional=True,
        ).values_list("user_id", flat=True)
    )


def _dim_values(prefix: str = ""):
    tz = timezone.get_current_timezone()
    return {
        "d_day": TruncDate(f"{prefix}started_at", tzinfo=tz),
        "d_org": F(f"{prefix}organisation_id"),
        "d_unit": F(f"{prefix}unit_id"),
        "d_place": F(f"{prefix}place_id"),
        "d_channel": F(f"{prefix}channel"),
    }


def _key(row: dict) -> tuple:
    return (row["d_day"], row["d_org"], row["d_unit"], row["d_place"], row["d_channel"])


def id_filter(ids: tuple | None, prefix: str = "") -> dict:
    """`ids` = (after, up_to): rows with after < id <= up_to (either end may be None)."""
    if not ids:
        return {}
    after, up_to = ids
    result = {}
    if after is not None:
        result[f"{prefix}id__gt"] = after
    if up_to is not None:
        result[f"{prefix}id__lte"] = up_to
    return result


def compute_encounter_days(
    org_ids, start: datetime.date, end: datetime.date, *, ids: tuple | None = None
) -> dict:
    """{(day, org, unit, place, channel): {measure: value}} for encounters in [start, end)
    (and, with `ids`, only those in an id window)."""
    Encounter, EncounterWorker = _models()
    lo, hi = _bounds(start, end)
    org_ids = list(org_ids)
    base = Encounter.objects.filter(
        organisation_id__in=org_ids, started_at__gte=lo, started_at__lt=hi, **id_filter(ids)
    ).order_by()
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(ENCOUNTER_MEASURES, 0))
    for row in base.values(**_dim_values()).annotate(
        n=Count("id"),
        unreferred=Count("id", filter=~Q(arrival="partner_guided")),
        anonymous=Count("id", filter=Q(identity_level="anonymous")),
        pseudonymous=Count("id", filter=Q(identity_level="pseudonymous")),
        identified=Count("id", filter=Q(identity_level="identified")),
        guided_onward=Count("id", filter=Q(result="guided_onward")),
        settled=Count("id", filter=Q(result="settled")),
        client_matter=Count("id", filter=Q(result="client_matter")),
        repeat=Count("id", filter=Q(is_repeat=True)),
        failure_demand=Count("id", filter=Q(is_repeat=True, about_handled_matter=True)),
        digital=Count("id", filter=Q(channel__in=DIGITAL_CHANNELS)),
        field=Count("id", filter=Q(channel__in=FIELD_CHANNELS)),
        minutes=Sum("duration_minutes"),
    ):
        target = rows[_key(row)]
        for name in ENCOUNTER_MEASURES:
            if name in row:
                target[name] = row[name] or 0

    within = {
        "encounter__organisation_id__in": org_ids,
        "encounter__started_at__gte": lo,
        "encounter__started_at__lt": hi,
        **id_filter(ids, "encounter__"),
    }
    themes = Encounter.themes.through.objects.filter(**within).order_by()
    for row in themes.values(**_dim_values("encounter__")).annotate(
        n=Count("encounter_id", distinct=True)
    ):
        rows[_key(row)]["with_themes"] = row["n"]
    support = Encounter.support.through.objects.filter(
        term__key__in=list(SUPPORT_MEASURES), **within
    ).order_by()
    for row in support.values(**_dim_values("encounter__"), term_key=F("term__key")).annotate(
        n=Count("encounter_id")
    ):
        rows[_key(row)][SUPPORT_MEASURES[row["term_key"]]] += row["n"]
    professionals = professional_user_ids(org_ids)
    if professionals:
        workers = EncounterWorker.objects.filter(user_id__in=professionals, **within).order_by()
        for row in workers.values(**_dim_values("encounter__")).annotate(
            n=Count("encounter_id", distinct=True)
        ):
            rows[_key(row)]["professional"] = row["n"]
    return {k: v for k, v in rows.items() if v["n"]}


def compute_term_days(
    org_ids, start: datetime.date, end: datetime.date, *, ids: tuple | None = None
) -> dict:
    """{(day, org, unit, place, channel, section, key): n}: themes, failure-demand reasons
    and the themes of contacts where no suitable service existed."""
    Encounter, _ = _models()
    lo, hi = _bounds(start, end)
    org_ids = list(org_ids)
    within = {
        "encounter__organisation_id__in": org_ids,
        "encounter__started_at__gte": lo,
        "encounter__started_at__lt": hi,
        **id_filter(ids, "encounter__"),
    }
    result: dict[tuple, int] = {}
    themes = Encounter.themes.through.objects.filter(**within).order_by()
    for row in themes.values(**_dim_values("encounter__"), term_key=F("term__key")).annotate(
        n=Count("encounter_id")
    ):
        result[(*_key(row), "themes", row["term_key"])] = row["n"]
    unmet = themes.filter(encounter__failure_reason=UNMET_REASON)
    for row in unmet.values(**_dim_values("encounter__"), term_key=F("term__key")).annotate(
        n=Count("encounter_id")
    ):
        result[(*_key(row), "unmet_themes", row["term_key"])] = row["n"]
    reasons = (
        Encounter.objects.filter(
            organisation_id__in=org_ids, started_at__gte=lo, started_at__lt=hi, **id_filter(ids)
        )
        .exclude(failure_reason="")
        .order_by()
    )
    for row in reasons.values(**_dim_values(), term_key=F("failure_reason")).annotate(
        n=Count("id")
    ):
        result[(*_key(row), "failure_reasons", row["term_key"])] = row["n"]
    return result


# Writing ------------------------------------------------------------------------------------


@transaction.atomic
def write_days(
    org_id: int,
    days: list[datetime.date],
    *,
    max_id: int | None = None,
    max_referral_id: int | None = None,
) -> int:
    """Recompute the given days of one organisation (contiguous runs are one query each), from
    rows up to `max_id`: newer rows are read live until the next refresh, never twice."""
    if not days:
        return 0
    written = 0
    for start, end in _runs(sorted(set(days))):
        EncounterDay.objects.filter(organisation_id=org_id, day__gte=start, day__lt=end).delete()
        EncounterTermDay.objects.filter(
            organisation_id=org_id, day__gte=start, day__lt=end
        ).delete()
        rows = compute_encounter_days([org_id], start, end, ids=(None, max_id))
        insert_rows(
            EncounterDay, [{**dict(zip(DIMS, key, strict=True)), **m} for key, m in rows.items()]
        )
        terms = compute_term_days([org_id], start, end, ids=(None, max_id))
        insert_rows(
            EncounterTermDay,
            [
                {**dict(zip(DIMS, key[:5], strict=True)), "section": key[5], "key": key[6], "n": n}
                for key, n in terms.items()
            ],
        )
        written += len(rows)
    from kohtaamo.evaluation import referral_aggregates

    if referral_aggregates.available():
        referral_aggregates.write_days(org_id, days, max_id=max_referral_id)
    roll_up(org_id, {d.replace(day=1) for d in days})
    return written


def _rollups():
    from kohtaamo.evaluation.models import (
        EncounterMonth,
        EncounterTermMonth,
        ReferralDay,
        ReferralMonth,
    )
    from kohtaamo.evaluation.models.aggregates import REFERRAL_MEASURES

    stored = ("organisation_id", "unit_id", "place_id", "channel")
    return [
        (EncounterDay, EncounterMonth, stored, ENCOUNTER_MEASURES),
        (EncounterTermDay, EncounterTermMonth, (*stored, "section", "key"), ("n",)),
        (
            ReferralDay,
            ReferralMonth,
            ("organisation_id", "unit_id", "partner_ref", "channel"),
            REFERRAL_MEASURES,
        ),
    ]


def roll_up(org_id: int, months) -> None:
    """Sum the daily rows of each given month into its monthly rows."""
    for day_model, month_model, dims, measures in _rollups():
        for month in sorted(months):
            following = (month + datetime.timedelta(days=32)).replace(day=1)
            month_model.objects.filter(organisation_id=org_id, month=month).delete()
            rows = (
                day_model.objects.filter(organisation_id=org_id, day__gte=month, day__lt=following)
                .order_by()
                .values(*dims)
                .annotate(**{f"s_{m}": Sum(m) for m in measures})
            )
            insert_rows(
                month_model,
                [
                    {
                        **{d: r[d] for d in dims},
                        **{m: r[f"s_{m}"] for m in measures},
                        "month": month,
                    }
                    for r in rows
                ],
            )


def _runs(days: list[datetime.date]):
    """Contiguous [start, end) runs of sorted days."""
    start = prev = days[0]
    for day in days[1:]:
        if day != prev + datetime.timedelta(days=1):
            yield start, prev + datetime.timedelta(days=1)
            start = day
        prev = day
    yield start, prev + datetime.timedelta(days=1)


def _local_day(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def refresh(now: datetime.datetime | None = None) -> int:
    """Re-aggregate the days that changed since the last refresh; return how many days."""
    Encounter, _ = _models()
    now = now or timezone.now()
    state, _ = AggregateState.objects.get_or_create(name="encounters")
    if state.refreshed_at is None:
        return rebuild()
    # The newest ids first: rows added while this runs are read live, and counted once.
    newest, newest_referral = newest_ids()
    changed: dict[int, set[datetime.date]] = defaultdict(set)
    fresh = Encounter.objects.filter(
        Q(id__gt=state.last_id) | Q(updated_at__gte=state.refreshed_at - REFRESH_MARGIN),
        id__lte=newest,
    ).order_by()
    for org_id, started in fresh.values_list("organisation_id", "started_at").iterator():
        changed[org_id].add(_local_day(started))
    changed_referrals = _changed_referral_days(state)
    for org_id, days in changed_referrals.items():
        changed[org_id] |= days
    for dirty in DirtyDay.objects.all():
        changed[dirty.organisation_id].add(dirty.day)
    count = 0
    for org_id, days in changed.items():
        write_days(org_id, sorted(days), max_id=newest, max_referral_id=newest_referral)
        count += len(days)
    DirtyDay.objects.all().delete()
    save_state(newest, newest_referral, now)
    return count


def newest_ids() -> tuple[int, int]:
    from django.db.models import Max

    from kohtaamo.evaluation import referral_aggregates

    Encounter, _ = _models()
    newest = Encounter.objects.aggregate(m=Max("id"))["m"] or 0
    referral = 0
    if referral_aggregates.available():
        referral = referral_aggregates._referral_model().objects.aggregate(m=Max("id"))["m"] or 0
    return newest, referral


def save_state(encounters: int, referrals: int, now, *, complete_until=None) -> None:
    """Rows up to these ids are in the aggregates; newer ones are read live."""
    for name, last_id in (("encounters", encounters), ("referrals", referrals)):
        state, _ = AggregateState.objects.get_or_create(name=name)
        state.last_id = last_id
        state.refreshed_at = now
        if complete_until:
            state.complete_until = complete_until
        state.save()


def live_after(name: str) -> int | None:
    """The last aggregated id of encounters or referrals, or None if nothing is newer."""
    state = AggregateState.objects.filter(name=name).first()
    last = state.last_id if state else 0
    if name == "encounters":
        Encounter, _ = _models()
        model = Encounter
    else:
        from kohtaamo.evaluation import referral_aggregates

        model = referral_aggregates._referral_model()
    return last if model.objects.filter(id__gt=last).exists() else None


def _changed_referral_days(state) -> dict[int, set[datetime.date]]:
    from kohtaamo.evaluation import referral_aggregates

    if not referral_aggregates.available():
        return {}
    return referral_aggregates.changed_days(state.refreshed_at - REFRESH_MARGIN)


def rebuild(
    *,
    since: datetime.date | None = None,
    progress=None,
    now: datetime.datetime | None = None,
    chunk_months: int = 6,
    workers: int = 1,
) -> int:
    """Recompute every day (or every day from `since`), in chunks of months per organisation
    (each chunk is a handful of GROUP BY queries over its whole range). With `workers` > 1
    (PostgreSQL), chunks run on that many threads, each with its own connection."""
    from kohtaamo.evaluation import referral_aggregates

    Encounter, _ = _models()
    now = now or timezone.now()
    first = Encounter.objects.order_by("started_at").values_list("started_at", flat=True).first()
    last_id, last_referral = newest_ids()
    today = timezone.localdate()
    start = since or (_local_day(first) if first else today)
    ref_first = referral_aggregates.first_day() if referral_aggregates.available() else None
    if ref_first and not since:
        start = min(start, ref_first)
    start = start.replace(day=1)
    chunks, cursor = [], start
    while cursor <= today:
        following = cursor
        for _ in range(chunk_months):
            following = (following + datetime.timedelta(days=32)).replace(day=1)
        chunks.append((cursor, following))
        cursor = following
    org_ids = set(Encounter.objects.order_by().values_list("organisation_id", flat=True).distinct())
    # Organisations whose figures exist but whose contacts were all deleted are recomputed too.
    org_ids |= set(
        EncounterDay.objects.order_by().values_list("organisation_id", flat=True).distinct()
    )
    org_ids = sorted(org_ids)
    if referral_aggregates.available():
        org_ids = sorted(set(org_ids) | set(referral_aggregates.organisation_ids()))

    def run(chunk) -> int:
        lo, hi = chunk
        days = [lo + datetime.timedelta(days=d) for d in range((hi - lo).days)]
        return sum(
            write_days(org_id, days, max_id=last_id, max_referral_id=last_referral)
            for org_id in org_ids
        )

    total = 0
    if workers > 1 and not connection.in_atomic_block:
        from concurrent.futures import ThreadPoolExecutor

        from django.db import connections

        def threaded(chunk) -> int:
            try:
                return run(chunk)
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for index, (chunk, written) in enumerate(
                zip(chunks, pool.map(threaded, chunks), strict=True), start=1
            ):
                total += written
                if progress:
                    progress(index, len(chunks), chunk[0])
    else:
        for index, chunk in enumerate(chunks, start=1):
            total += run(chunk)
            if progress:
                progress(index, len(chunks), chunk[0])
    save_state(last_id, last_referral, now, complete_until=today)
    DirtyDay.objects.all().delete()
    analyse()
    return total


def analyse() -> None:
    """Fresh statistics on PostgreSQL, so that reads use hash aggregation."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model, month_model, _dims, _measures in _rollups():
            cursor.execute(f'ANALYZE "{model._meta.db_table}", "{month_model._meta.db_table}"')


# Reading ------------------------------------------------------------------------------------
#
# Every read first fetches the scope's figures at the finest grain the dashboards use
# (organisation, unit, place, channel, month) in one query per table, from the monthly rows
# for whole months, the daily rows for the rest before today and the source tables for today,
# then folds them into the grouping asked for. The base rows are cached on the scope, so one
# page makes one query per table whatever it shows. Term rows are read per term section (only
# the sections a page shows; `read_terms` reads several in one query).

BASE = ("organisation", "unit", "place", "channel", "month")


def _filtered(qs, scope: Scope, *, places: bool = True):
    qs = qs.filter(organisation_id__in=scope.organisation_ids)
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id__in=scope.unit_ids)
    if scope.channel:
        qs = qs.filter(channel=scope.channel)
    if places and scope.place_ids is not None:
        qs = qs.filter(place_id__in=scope.place_ids)
    return qs


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def periods(scope: Scope, today: datetime.date | None = None) -> dict:
    """Which part of the scope comes from where: whole months [m0, m1) before this month from
    monthly rows, the rest (this month, partial months) from daily rows. Rows newer than the
    last refresh are added live by id (see `live_after`)."""
    today = today or timezone.localdate()
    s0, s1 = scope.start, min(scope.end, today + datetime.timedelta(days=1))
    if s0 >= s1:
        return {"months": None, "days": []}
    m0 = s0 if s0.day == 1 else _next_month(s0)
    m1 = min(s1 if s1.day == 1 else s1.replace(day=1), today.replace(day=1))
    if m0 >= m1:
        return {"months": None, "days": [(s0, s1)]}
    days = [r for r in ((s0, m0), (m1, s1)) if r[0] < r[1]]
    return {"months": (m0, m1), "days": days}


def _stored(day_model, month_model, scope: Scope, dims: tuple, measures: tuple, *, where=None):
    """Base rows as tuples (*dims, month, *measures) from the monthly and daily tables, summed
    over the dimensions not named (e.g. channel for themes); `where` narrows the rows (e.g. to
    one term section)."""
    where = where or {}
    part = periods(scope)
    sums = {f"s_{m}": Sum(m) for m in measures}
    places = "place_id" in dims
    rows: list[tuple] = []
    if part["months"]:
        m0, m1 = part["months"]
        qs = _filtered(
            month_model.objects.filter(month__gte=m0, month__lt=m1, **where), scope, places=places
        )
        rows += list(
            qs.order_by().values(*dims, "month").annotate(**sums).values_list(*dims, "month", *sums)
        )
    for d0, d1 in part["days"]:
        qs = _filtered(
            day_model.objects.filter(day__gte=d0, day__lt=d1, **where), scope, places=places
        )
        rows += list(
            qs.order_by()
            .values(*dims, m=TruncMonth("day"))
            .annotate(**sums)
            .values_list(*dims, "m", *sums)
        )
    return rows


def _live(scope: Scope, name: str) -> int | None:
    key = ("live_after", name)
    if key not in scope.cache:
        scope.cache[key] = live_after(name)
    return scope.cache[key]


def _place_areas(place_ids) -> dict:
    from kohtaamo.encounters.models import Place

    ids = {p for p in place_ids if p is not None}
    return dict(Place.objects.filter(id__in=ids).values_list("id", "municipality")) if ids else {}


def _fold(base: dict, group_by: str, *, key_index: int | None = None) -> dict:
    """Sum base rows {(org, unit, place, channel, "YYYY-MM"[, key]): measures} into a grouping."""
    parts = [] if group_by == "total" else group_by.split(",")
    positions = {"organisation": 0, "unit": 1, "place": 2, "channel": 3, "month": 4}
    for part in parts:
        if part not in positions and part != "area":
            raise ValueError(f"unknown grouping {part!r}")
    areas = _place_areas(k[2] for k in base) if "area" in parts else {}
    result: dict = {}
    for dims, measures in base.items():
        values = [areas.get(dims[2]) if p == "area" else dims[positions[p]] for p in parts]
        group = None if not values else values[0] if len(values) == 1 else tuple(values)
        if key_index is not None:
            group = (group, dims[key_index])
        if isinstance(measures, dict):
            target = result.get(group)
            if target is None:
                result[group] = dict(measures)
            else:
                for m, v in measures.items():
                    target[m] += v
        else:
            result[group] = result.get(group, 0) + measures
    return result


@lru_cache(maxsize=4096)
def _month_key(value) -> str:
    """ "YYYY-MM" for a date; memoised, as every base row of a page formats one of a few
    months."""
    return f"{value:%Y-%m}"


def _encounter_base(scope: Scope) -> dict:
    if "encounter_base" in scope.cache:
        return scope.cache["encounter_base"]
    from kohtaamo.evaluation.models import EncounterMonth

    dims = ("organisation_id", "unit_id", "place_id", "channel")
    rows = _stored(EncounterDay, EncounterMonth, scope, dims, ENCOUNTER_MEASURES)
    base: dict = {}
    for org, unit, place, channel, month, *values in rows:
        measures = {m: v or 0 for m, v in zip(ENCOUNTER_MEASURES, values, strict=True)}
        _add(base, (org, unit, place, channel, _month_key(month)), measures)
    after = _live(scope, "encounters")
    if after is not None:
        for (day, org, unit, place, channel), measures in compute_encounter_days(
            scope.organisation_ids, scope.start, scope.end, ids=(after, None)
        ).items():
            if _in_scope((day, org, unit, place, channel), scope):
                _add(base, (org, unit, place, channel, _month_key(day)), dict(measures))
    base = {k: v for k, v in base.items() if v["n"]}
    scope.cache["encounter_base"] = base
    return base


def _add(base: dict, key, measures: dict) -> None:
    target = base.get(key)
    if target is None:
        base[key] = measures
    else:
        for m, v in measures.items():
            target[m] += v


def _in_scope(dims: tuple, scope: Scope) -> bool:
    _, org, unit, place, channel = dims[:5]
    return (
        org in scope.organisation_ids
        and (scope.unit_ids is None or unit in scope.unit_ids)
        and (not scope.channel or channel == scope.channel)
        and (scope.place_ids is None or place in scope.place_ids)
    )


def encounter_measures(scope: Scope, group_by: str = "total") -> dict:
    """{group: {measure: value}} summed over the scope; groups without encounters are absent."""
    cache_key = ("encounter_measures", group_by)
    if cache_key not in scope.cache:
        scope.cache[cache_key] = _fold(_encounter_base(scope), group_by)
    return scope.cache[cache_key]


def read_terms(scope: Scope, sections) -> None:
    """Read the term rows of these sections into the scope's cache in one query per table
    (a page that shows several sections names them first; one section is read on its own)."""
    missing = sorted({s for s in sections if ("term_base", s) not in scope.cache})
    if not missing:
        return
    from kohtaamo.evaluation.models import EncounterTermMonth

    # Channel is a filter here, never a grouping: summing over it keeps the rows few.
    dims = ("organisation_id", "unit_id", "place_id", "section", "key")
    where = {"section": missing[0]} if len(missing) == 1 else {"section__in": missing}
    rows = _stored(EncounterTermDay, EncounterTermMonth, scope, dims, ("n",), where=where)
    bases: dict = {section: {} for section in missing}
    for org, unit, place, section, term, month, n in rows:
        base = bases[section]
        key = (org, unit, place, None, _month_key(month), term)
        base[key] = base.get(key, 0) + (n or 0)
    after = _live(scope, "encounters")
    if after is not None:
        live = scope.cache.get("term_live")
        if live is None:
            live = scope.cache["term_live"] = compute_term_days(
                scope.organisation_ids, scope.start, scope.end, ids=(after, None)
            )
        for (day, org, unit, place, channel, section, term), n in live.items():
            base = bases.get(section)
            if base is not None and _in_scope((day, org, unit, place, channel), scope):
                key = (org, unit, place, None, _month_key(day), term)
                base[key] = base.get(key, 0) + n
    for section, base in bases.items():
        scope.cache[("term_base", section)] = base


def _term_base(scope: Scope, section: str) -> dict:
    """{(org, unit, place, None, "YYYY-MM", key): n} for one term section: a page reads only
    the sections it shows, which keeps the rows few."""
    read_terms(scope, (section,))
    return scope.cache[("term_base", section)]


def term_counts(scope: Scope, section: str, group_by: str = "total") -> dict:
    """{(group, key): n} for a term section ("themes", "failure_reasons", "unmet_themes")."""
    cache_key = ("term_counts", section, group_by)
    if cache_key not in scope.cache:
        scope.cache[cache_key] = _fold(_term_base(scope, section), group_by, key_index=5)
    return scope.cache[cache_key]
