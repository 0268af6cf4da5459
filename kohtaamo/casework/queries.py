"""Reusable reads of case management. These functions only read: the caller has passed the gate and
writes the access-log entries for what it shows (the actions and the views here do; other apps,
such as the client channel, log with their own purpose).

- `plans_for_person(person)`: the person's current plans with goals and steps (client channel);
- `upcoming_meetings_for_person(person)`: planned support meetings (client channel; group work adds
  its meetings through `timeline`/own-data registries of its own);
- `timeline(person, ...)`: a person's case-management events, newest first, one query per source;
- `paired_changes(...)`: start and end measurements paired per service period and instrument.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from kohtaamo.casework.models import (
    ClientMatter,
    ClientPlan,
    Decision,
    DocumentStatus,
    Measurement,
    PlanGoal,
    PlanStep,
    ProgressNote,
    ServiceNeedAssessment,
    ServicePeriod,
    SupportMeeting,
)


def plans_for_person(person) -> list[ClientPlan]:
    """Current (not ended) plans of the person's open matters, with their goals and steps, each
    with `matter.responsible_worker`. Two queries for any number of plans."""
    return list(
        ClientPlan.objects.filter(matter__person=person, matter__status=ClientMatter.Status.OPEN)
        .exclude(status=ClientPlan.Status.ENDED)
        .select_related("matter__responsible_worker", "matter__organisation")
        .prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.order_by("order", "id")),
            Prefetch("steps", queryset=PlanStep.objects.select_related("assignee")),
        )
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class Upcoming:
    """A planned meeting of the person, whatever kind: `object_type` and `obj` say which."""

    at: datetime.datetime
    title: str
    place: str
    with_whom: str
    object_type: str
    obj: object


_UPCOMING: dict[str, Callable] = {}


def upcoming_source(key: str):
    """Register `f(person, now, limit) -> [Upcoming]` (group work adds its group meetings)."""

    def decorator(function):
        _UPCOMING[key] = function
        return function

    return decorator


@upcoming_source("support-meetings")
def _support_meetings(person, now, limit):
    rows = (
        SupportMeeting.objects.filter(
            matter__person=person, status=SupportMeeting.Status.PLANNED, at__gte=now
        )
        .select_related("worker")
        .order_by("at")[:limit]
    )
    return [
        Upcoming(
            m.at,
            str(m.get_kind_display()),
            m.place,
            m.worker.get_full_name() if m.worker_id else "",
            "casework.support_meeting",
            m,
        )
        for m in rows
    ]


def upcoming_meetings_for_person(person, *, limit: int = 20) -> list[Upcoming]:
    """Planned meetings from now on (individual support meetings and, through the registry, group
    meetings), soonest first. Each item has `object_type` and `obj.pk` for the access log."""
    now = timezone.now()
    rows: list[Upcoming] = []
    for function in _UPCOMING.values():
        rows += function(person, now, limit)
    rows.sort(key=lambda u: u.at)
    return rows[:limit]


# The person's timeline --------------------------------------------------------------------------
#
# Two steps keep the page cheap whatever the history: every source gives the (time, kind, pk) of
# its newest `limit` events (one small query each), the newest `limit` of all are kept, and only
# those are loaded, one query per kind shown.


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str
    obj: object
    object_type: str


_SOURCES: dict[str, Callable] = {}
_LOADERS: dict[str, Callable] = {}


def timeline_source(key: str):
    """Register `f(person, before, limit) -> [(at, kind, pk, object_type)]` or, better, an
    `event_keys(...)` query (run together with the other sources' in one query)."""

    def decorator(function):
        _SOURCES[key] = function
        return function

    return decorator


def timeline_loader(*kinds: str):
    """Register `f(pks) -> {pk: obj}` that loads the events of these kinds."""

    def decorator(function):
        for kind in kinds:
            _LOADERS[kind] = function
        return function

    return decorator


@dataclass(frozen=True)
class EventKeys:
    """A source's newest events as a query not yet run: `timeline` runs all of these in one
    UNION ALL where the database allows a LIMIT per part (PostgreSQL), one by one elsewhere."""

    qs: object
    kind: str
    object_type: str

    def rows(self):
        return [(at, self.kind, pk, self.object_type) for pk, at, _kind in self.qs]


def event_keys(qs, field: str, kind: str, object_type: str, before, limit) -> EventKeys:
    """What a timeline source returns for "the newest `limit` rows of `qs` by `field`"."""
    from django.db.models import CharField, Value

    if before:
        qs = qs.filter(**{f"{field}__lt": before})
    qs = (
        qs.annotate(_kind=Value(kind, output_field=CharField()))
        .order_by(f"-{field}")
        .values_list("pk", field, "_kind")[:limit]
    )
    return EventKeys(qs, kind, object_type)


_keys = event_keys


def _run_keys(results: list) -> list:
    """Flatten the sources' answers: lists as they are, `EventKeys` in one query if possible."""
    from django.db import connection

    keys, pending = [], []
    for result in results:
        (pending if isinstance(result, EventKeys) else keys).append(result)
    if len(pending) > 1 and connection.features.supports_slicing_ordering_in_compound:
        object_types = {p.kind: p.object_type for p in pending}
        union = pending[0].qs.union(*(p.qs for p in pending[1:]), all=True)
        keys.append([(at, kind, pk, object_types[kind]) for pk, at, kind in union])
    else:
        keys += [p.rows() for p in pending]
    return [key for part in keys for key in part]


@timeline_source("meetings")
def _meetings(person, before, limit):
    qs = SupportMeeting.objects.filter(matter__person=person)
    return _keys(qs, "at", "meeting", "casework.support_meeting", before, limit)


@timeline_source("notes")
def _notes(person, before, limit):
    qs = ProgressNote.objects.filter(plan__matter__person=person)
    return _keys(qs, "at", "note", "casework.progress_note", before, limit)


@timeline_source("steps")
def _steps(person, before, limit):
    qs = PlanStep.objects.filter(plan__matter__person=person, done_at__isnull=False)
    return _keys(qs, "done_at", "step", "casework.step", before, limit)


@timeline_source("assessments")
def _assessments(person, before, limit):
    qs = ServiceNeedAssessment.objects.filter(matter__person=person, signed_at__isnull=False)
    return _keys(qs, "signed_at", "assessment", "casework.assessment", before, limit)


@timeline_source("decisions")
def _decisions(person, before, limit):
    qs = Decision.objects.filter(matter__person=person, signed_at__isnull=False)
    return _keys(qs, "signed_at", "decision", "casework.decision", before, limit)


@timeline_source("plans")
def _plans(person, before, limit):
    qs = ClientPlan.objects.filter(matter__person=person)
    return _keys(qs, "created_at", "plan", "casework.plan", before, limit)


@timeline_source("measurements")
def _measurements(person, before, limit):
    qs = Measurement.objects.filter(period__matter__person=person)
    return _keys(qs, "at", "measurement", "casework.measurement", before, limit)


@timeline_source("matters")
def _matters(person, before, limit):
    rows = ClientMatter.objects.filter(person=person).values_list("pk", "pending_at", "closed_at")
    keys = []
    for pk, pending, closed in rows.order_by("-pending_at")[:limit]:
        if not before or pending < before:
            keys.append((pending, "matter", pk, "casework.matter"))
        if closed and (not before or closed < before):
            keys.append((closed, "ending", pk, "casework.matter"))
    return keys


@timeline_source("periods")
def _periods(person, before, limit):
    keys = []
    for pk, day in (
        ServicePeriod.objects.filter(matter__person=person)
        .order_by("-starts_on")
        .values_list("pk", "starts_on")[:limit]
    ):
        at = _day_start(day)
        if not before or at < before:
            keys.append((at, "period", pk, "casework.service_period"))
    return keys


@timeline_source("encounters")
def _encounters(person, before, limit):
    from kohtaamo.encounters.models import Encounter

    qs = Encounter.objects.filter(person=person)
    return _keys(qs, "started_at", "encounter", "encounters.encounter", before, limit)


def _by_pk(qs, pks):
    return {o.pk: o for o in qs.filter(pk__in=pks)}


@timeline_loader("meeting")
def _load_meetings(pks):
    return _by_pk(SupportMeeting.objects.select_related("worker"), pks)


@timeline_loader("note")
def _load_notes(pks):
    return _by_pk(ProgressNote.objects.all(), pks)


@timeline_loader("step")
def _load_steps(pks):
    return _by_pk(PlanStep.objects.all(), pks)


@timeline_loader("assessment")
def _load_assessments(pks):
    return _by_pk(ServiceNeedAssessment.objects.all(), pks)


@timeline_loader("decision")
def _load_decisions(pks):
    return _by_pk(Decision.objects.all(), pks)


@timeline_loader("plan")
def _load_plans(pks):
    return _by_pk(ClientPlan.objects.all(), pks)


@timeline_loader("measurement")
def _load_measurements(pks):
    return _by_pk(Measurement.objects.all(), pks)


@timeline_loader("matter", "ending")
def _load_matters(pks):
    return _by_pk(ClientMatter.objects.all(), pks)


@timeline_loader("period")
def _load_periods(pks):
    return _by_pk(ServicePeriod.objects.all(), pks)


@timeline_loader("encounter")
def _load_encounters(pks):
    from kohtaamo.encounters.models import Encounter

    return _by_pk(Encounter.objects.select_related("place"), pks)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def timeline(person, *, before: datetime.datetime | None = None, limit: int = 50) -> list[Event]:
    """The newest `limit` events before `before` (a keyset cursor), from every source."""
    keys = _run_keys([function(person, before, limit) for function in _SOURCES.values()])
    keys.sort(key=lambda k: (k[0], k[1], k[2]), reverse=True)
    keys = keys[:limit]
    wanted: dict[Callable, set] = {}
    for _at, kind, pk, _type in keys:
        wanted.setdefault(_LOADERS[kind], set()).add(pk)
    loaded = {loader: loader(pks) for loader, pks in wanted.items()}
    events = []
    for at, kind, pk, object_type in keys:
        obj = loaded[_LOADERS[kind]].get(pk)
        if obj is not None:
            events.append(Event(at, kind, obj, object_type))
    return events


# Measurements ----------------------------------------------------------------------------------


@dataclass
class Change:
    period: ServicePeriod
    instrument_key: str
    start: float | None
    end: float | None
    start_at: datetime.datetime | None = None
    end_at: datetime.datetime | None = None

    @property
    def change(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return round(self.end - self.start, 2)


def score_of(result, score_key: str | None = None):
    scores = result.result.get("scores", {}) if result else {}
    if score_key and score_key in scores:
        return scores[score_key]
    return scores.get("mean", scores.get("total", next(iter(scores.values()), None)))


def paired_changes(periods, *, instrument_key: str, score_key: str | None = None) -> list[Change]:
    """One row per period: its start and end scores with the instrument (None when missing)."""
    periods = list(periods)
    rows = {p.pk: Change(p, instrument_key, None, None) for p in periods}
    for m in Measurement.objects.filter(
        period__in=periods, instrument_key=instrument_key
    ).select_related("result"):
        row = rows[m.period_id]
        if m.phase == Measurement.Phase.START:
            row.start, row.start_at = score_of(m.result, score_key), m.at
        else:
            row.end, row.end_at = score_of(m.result, score_key), m.at
    return list(rows.values())


def signed(qs):
    return qs.filter(status=DocumentStatus.SIGNED)
