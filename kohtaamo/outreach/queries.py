"""Read-side queries of outreach: the safety board, the figures page and the social report.

Figures are operational counts for staff (like the desk's counts). The social report's
observation section goes to leaders and is protected by the evaluation app's small-number rule
(it is registered in `evaluation_sources.py`; evaluation applies the protection).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kohtaamo.encounters.models import Encounter, Place
from kohtaamo.outreach.actions import WorkerState, margin, worker_states
from kohtaamo.outreach.models import FieldContact, Observation, SafetyAlert, Shift

BOARD_RECENT = datetime.timedelta(hours=3)
BOARD_AHEAD = datetime.timedelta(hours=12)


def _range(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end] as local days, end inclusive."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz),
    )


# The safety board ----------------------------------------------------------------------------


@dataclass
class BoardShift:
    shift: Shift
    workers: list[WorkerState]
    alerts: list[SafetyAlert]

    @property
    def open_alerts(self) -> list[SafetyAlert]:
        return [a for a in self.alerts if a.is_open]


def board_shifts(user, org_ids: set[int], *, now: datetime.datetime | None = None) -> list[Shift]:
    """Shifts on the user's board: running ones, those starting within 12 hours, those ended in
    the last three hours and any with an open alert. A worker in teams sees their teams' shifts
    (and any they are on or on call for); a member without a team sees the organisation's."""
    now = now or timezone.now()
    teams = {m.team_id for m in user.active_memberships() if m.team_id}
    mine = Q(on_call=user) | Q(crew__user=user)
    scope = (Q(team_id__in=teams) | mine) if teams else (Q(organisation_id__in=org_ids) | mine)
    when = (
        Q(status=Shift.Status.ACTIVE)
        | Q(
            status=Shift.Status.PLANNED,
            planned_start__lte=now + BOARD_AHEAD,
            planned_end__gte=now - BOARD_RECENT,
        )
        | Q(status=Shift.Status.ENDED, ended_at__gte=now - BOARD_RECENT)
        | Q(alerts__acknowledged_at__isnull=True, alerts__isnull=False)
    )
    ids = (
        Shift.objects.filter(Q(organisation_id__in=org_ids) | Q(on_call=user))
        .filter(scope)
        .filter(when)
        .values("pk")
        .distinct()
    )
    return list(
        Shift.objects.filter(pk__in=ids)
        .select_related("team", "on_call")
        .prefetch_related("crew__user")
        .order_by("status", "planned_start")
    )


def board(shifts: list[Shift]) -> list[BoardShift]:
    """Everything the board shows, in a constant number of queries."""
    if not shifts:
        return []
    states = worker_states(shifts)
    alerts = defaultdict(list)
    recent = timezone.now() - BOARD_RECENT
    for alert in (
        SafetyAlert.objects.filter(shift__in=shifts)
        .filter(Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=recent))
        .select_related("worker", "acknowledged_by")
        .order_by("-raised_at")
    ):
        alerts[alert.shift_id].append(alert)
    order = {Shift.Status.ACTIVE: 0, Shift.Status.PLANNED: 1}
    rows = [BoardShift(s, states[s.pk], alerts[s.pk]) for s in shifts]
    rows.sort(
        key=lambda r: (not r.open_alerts, order.get(r.shift.status, 2), r.shift.planned_start)
    )
    return rows


def worker_status(state: WorkerState, now: datetime.datetime) -> str:
    """ok / due (past the time, within the margin) / overdue / safe / waiting."""
    if state.worker.safe_at:
        return "safe"
    if state.due_at is None:
        return "waiting"
    late = state.overdue_by(now)
    if late is None:
        return "ok"
    return "overdue" if late >= margin() else "due"


def current_visit(shift: Shift, now: datetime.datetime | None = None):
    """The planned stop going on now, or else the next one."""
    now = now or timezone.now()
    visits = list(shift.visits.select_related("place"))
    for visit in visits:
        if visit.planned_from <= now <= visit.planned_until:
            return visit
    upcoming = [v for v in visits if v.planned_from > now]
    return upcoming[0] if upcoming else None


# Figures -------------------------------------------------------------------------------------


@dataclass
class Figures:
    by_place: list[dict]
    by_shift: list[dict]
    total_contacts: int
    total_hours: float
    repeats: int
    handoffs_confirmed: int
    handoffs_made: int

    @property
    def per_hour(self) -> float | None:
        return self.total_contacts / self.total_hours if self.total_hours else None


def _shifts_in(org_ids, lo, hi):
    return (
        Shift.objects.in_organisations(org_ids)
        .filter(planned_start__gte=lo, planned_start__lt=hi)
        .exclude(status=Shift.Status.CANCELLED)
    )


def figures(org_ids: set[int], start: datetime.date, end: datetime.date) -> Figures:
    lo, hi = _range(start, end)
    contacts = FieldContact.objects.filter(
        shift__organisation_id__in=org_ids,
        encounter__started_at__gte=lo,
        encounter__started_at__lt=hi,
    )
    shifts = list(
        _shifts_in(org_ids, lo, hi)
        .select_related("team")
        .prefetch_related("crew")
        .annotate(n_contacts=Count("contacts", distinct=True))
        .order_by("planned_start")
    )
    by_shift = [
        {
            "shift": s,
            "contacts": s.n_contacts,
            "hours": round(s.staff_hours, 1),
            "per_hour": round(s.n_contacts / s.staff_hours, 2) if s.staff_hours else None,
        }
        for s in shifts
    ]
    total_hours = round(sum(s.staff_hours for s in shifts), 1)
    place_counts = {
        r["encounter__place_id"]: r["n"]
        for r in contacts.values("encounter__place_id").annotate(n=Count("id"))
    }
    repeat_counts: dict[int | None, int] = defaultdict(int)
    for r in (
        contacts.exclude(encounter__contact_code_hash="")
        .values("encounter__place_id", "encounter__contact_code_hash")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    ):
        repeat_counts[r["encounter__place_id"]] += r["n"] - 1
    places = {p.pk: p for p in Place.objects.filter(pk__in=[k for k in place_counts if k])}
    made, confirmed = handoffs(contacts)
    by_place = sorted(
        (
            {
                "place": places.get(pk),
                "contacts": n,
                "repeats": repeat_counts.get(pk, 0),
                "handoffs": confirmed.get(pk, 0),
            }
            for pk, n in place_counts.items()
        ),
        key=lambda r: (-r["contacts"], r["place"].name if r["place"] else ""),
    )
    return Figures(
        by_place=by_place,
        by_shift=by_shift,
        total_contacts=sum(place_counts.values()),
        total_hours=total_hours,
        repeats=sum(repeat_counts.values()),
        handoffs_confirmed=sum(confirmed.values()),
        handoffs_made=sum(made.values()),
    )


def handoffs(contacts) -> tuple[dict, dict]:
    """Referrals made from these field contacts, and those whose hand-off was confirmed, per
    place. Uses the referrals app when it is installed; without it, an accompanied hand-off
    recorded as support counts as both made and confirmed."""
    try:
        referral = apps.get_model("referrals", "Referral")
    except LookupError:
        referral = None
    made: dict[int | None, int] = defaultdict(int)
    confirmed: dict[int | None, int] = defaultdict(int)
    if referral is not None and any(f.name == "encounter" for f in referral._meta.fields):
        rows = (
            referral.objects.filter(encounter__in=contacts.values("encounter_id"))
            .values("encounter__place_id")
            .annotate(n=Count("id"), ok=Count("id", filter=Q(confirmed_at__isnull=False)))
        )
        for r in rows:
            made[r["encounter__place_id"]] += r["n"]
            confirmed[r["encounter__place_id"]] += r["ok"]
    accompanied = (
        contacts.filter(encounter__support__key="accompanied_handoff")
        .values("encounter__place_id")
        .annotate(n=Count("id", distinct=True))
    )
    for r in accompanied:
        if r["encounter__place_id"] not in made:
            made[r["encounter__place_id"]] += r["n"]
            confirmed[r["encounter__place_id"]] += r["n"]
    return made, confirmed


# Observations for the social report ----------------------------------------------------------


def observation_table(
    org_ids, start: datetime.date, end_exclusive: datetime.date, *, place_ids=None
) -> dict | None:
    """Observations by kind (rows) and month (columns), as the evaluation app's social report
    section expects: {"row_label", "rows", "columns", "values"}. None when there are none."""
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tz)
    hi = datetime.datetime.combine(end_exclusive, datetime.time.min, tz)
    qs = Observation.objects.in_organisations(org_ids).filter(
        observed_at__gte=lo, observed_at__lt=hi
    )
    if place_ids:
        qs = qs.filter(place_id__in=place_ids)
    counts = {}
    for r in (
        qs.annotate(month=TruncMonth("observed_at", tzinfo=tz))
        .values("kind", "month")
        .annotate(n=Count("id"))
    ):
        month = r["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        counts[(r["kind"], month.strftime("%Y-%m"))] = r["n"]
    if not counts:
        return None
    months = sorted({m for _, m in counts})
    kinds = Observation.Kind.choices
    return {
        "row_label": str(Observation._meta.get_field("kind").verbose_name),
        "rows": [(k, str(label)) for k, label in kinds],
        "columns": [(m, m) for m in months],
        "values": [[counts.get((k, m), 0) for m in months] for k, _label in kinds],
    }


def observation_counts(org_ids, start: datetime.date, end: datetime.date) -> list[dict]:
    """Observations per kind and place for the team's own list (end inclusive)."""
    lo, hi = _range(start, end)
    rows = (
        Observation.objects.in_organisations(org_ids)
        .filter(observed_at__gte=lo, observed_at__lt=hi)
        .values("kind", "place_id")
        .annotate(n=Count("id"))
        .order_by("kind", "place_id")
    )
    return list(rows)


def field_contact_encounters(org_ids):
    """Encounters recorded in the field (for indicator sources)."""
    return Encounter.objects.filter(organisation_id__in=org_ids, field_contact__isnull=False)
