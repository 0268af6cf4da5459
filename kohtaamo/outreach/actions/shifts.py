"""Shifts and safety: planning, starting, check-ins, alerts to the on-call person, "I am safe".
Each writes the shift's log (`ShiftEvent`); notifications leave only after the transaction commits."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.audit.actions import Actor
from kohtaamo.encounters.models import Place
from kohtaamo.outreach.actions.base import (
    Refused,
    Timing,
    log_event,
    margin,
)
from kohtaamo.outreach.models import (
    CheckIn,
    PlaceVisit,
    SafetyAlert,
    Shift,
    ShiftEvent,
    ShiftWorker,
)
from kohtaamo.outreach.notify import alert_message, notifier

logger = logging.getLogger(__name__)

# Shifts --------------------------------------------------------------------------------------


@dataclass
class VisitInput:
    place: Place
    planned_from: datetime.datetime
    planned_until: datetime.datetime
    experiment_ref: object | None = None


@transaction.atomic
def plan_shift(
    actor: Actor,
    *,
    by,
    team,
    planned_start: datetime.datetime,
    planned_end: datetime.datetime,
    workers: list,
    on_call,
    on_call_phone: str = "",
    title: str = "",
    visits: list[VisitInput] | None = None,
) -> Shift:
    """A shift for two or more workers; the on-call person is not one of them."""
    unique = list(dict.fromkeys(workers))
    if len(unique) < 2:
        raise Refused(_("An outreach shift needs at least two workers."), "workers")
    if on_call in unique:
        raise Refused(_("The on-call person cannot be on the shift."), "on_call")
    if planned_end <= planned_start:
        raise Refused(_("The shift must end after it starts."), "planned_end")
    shift = Shift.objects.create(
        organisation_id=team.unit.organisation_id,
        team=team,
        title=title,
        planned_start=planned_start,
        planned_end=planned_end,
        on_call=on_call,
        on_call_phone=on_call_phone,
        created_by=by,
    )
    ShiftWorker.objects.bulk_create(
        ShiftWorker(shift=shift, user=u, position=i) for i, u in enumerate(unique)
    )
    PlaceVisit.objects.bulk_create(
        PlaceVisit(
            shift=shift,
            place=v.place,
            planned_from=v.planned_from,
            planned_until=v.planned_until,
            experiment_ref=v.experiment_ref,
        )
        for v in visits or []
    )
    log_event(
        shift,
        ShiftEvent.Kind.PLANNED,
        user=by,
        workers=[u.pk for u in unique],
        on_call=on_call.pk,
        visits=len(visits or []),
    )
    return shift


def lock_shift(shift: Shift) -> Shift:
    """Re-read the shift's status under a row lock so two workers do not race."""
    locked = Shift.objects.select_for_update().get(pk=shift.pk)
    shift.status, shift.started_at, shift.ended_at = (
        locked.status,
        locked.started_at,
        locked.ended_at,
    )
    return shift


@transaction.atomic
def start_shift(shift: Shift, *, by, at: datetime.datetime | None = None) -> Shift:
    lock_shift(shift)
    if shift.status == Shift.Status.ACTIVE:
        return shift
    if shift.status != Shift.Status.PLANNED:
        raise Refused(_("This shift has already ended."))
    shift.status = Shift.Status.ACTIVE
    shift.started_at = at or timezone.now()
    shift.save(update_fields=["status", "started_at", "updated_at"])
    log_event(shift, ShiftEvent.Kind.STARTED, user=by)
    return shift


@transaction.atomic
def cancel_shift(shift: Shift, *, by) -> Shift:
    lock_shift(shift)
    if shift.status != Shift.Status.PLANNED:
        raise Refused(_("Only a shift that has not started can be cancelled."))
    shift.status = Shift.Status.CANCELLED
    shift.save(update_fields=["status", "updated_at"])
    log_event(shift, ShiftEvent.Kind.CANCELLED, user=by)
    return shift


def ensure_running(shift: Shift, *, by, at: datetime.datetime) -> None:
    if shift.status == Shift.Status.PLANNED:
        start_shift(shift, by=by, at=at)
    elif shift.status != Shift.Status.ACTIVE:
        raise Refused(_("This shift has ended; nothing more can be recorded on it."), "shift")


def resolve_visit(shift: Shift, visit: PlaceVisit | None, place: Place | None):
    if visit is not None and visit.shift_id != shift.pk:
        raise Refused(_("That stop is not on this shift."), "visit")
    if visit is not None and place is None:
        place = visit.place
    if place is not None and place.organisation_id != shift.organisation_id:
        raise Refused(_("Choose one of your organisation's places."), "place")
    return visit, place


@transaction.atomic
def check_in(
    shift: Shift,
    *,
    by,
    next_minutes: int,
    place: Place | None = None,
    visit: PlaceVisit | None = None,
    location: tuple[Decimal, Decimal, int | None] | None = None,
    location_consent: bool = False,
    client_id=None,
    timing: Timing | None = None,
    via: str = CheckIn.Via.FORM,
) -> tuple[CheckIn, bool]:
    """ "We are here; next check-in in `next_minutes`." Returns (check-in, created); a repeated
    `client_id` returns the first one. A location is kept only with consent for this check-in."""
    if client_id:
        existing = CheckIn.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.worker_id != by.pk:
                raise PermissionDenied
            return existing, False
    timing = timing or Timing.now()
    lock_shift(shift)
    ensure_running(shift, by=by, at=min(timing.at, timezone.now()))
    visit, place = resolve_visit(shift, visit, place)
    if not 1 <= next_minutes <= 12 * 60:
        raise Refused(_("Say when the next check-in comes (1 minute to 12 hours)."), "next_minutes")
    lat = lon = accuracy = None
    if location_consent and location is not None:
        lat, lon, accuracy = location
    row = CheckIn(
        shift=shift,
        worker=by,
        place=place,
        visit=visit,
        received_at=timing.received_at,
        device_time=timing.device_time,
        seen_at=timing.at,
        next_by=timing.at + datetime.timedelta(minutes=next_minutes),
        location_consent=bool(location_consent and location is not None),
        latitude=lat,
        longitude=lon,
        accuracy_m=accuracy,
        via=via,
        clock_offset_s=timing.offset_s,
        clock_corrected=timing.corrected,
        client_id=client_id,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        existing = CheckIn.objects.filter(client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return existing, False
    log_event(
        shift,
        ShiftEvent.Kind.CHECKED_IN,
        user=by,
        place=place.pk if place else None,
        next_by=row.next_by.isoformat(),
        queued=row.was_queued,
        location=row.has_location,
    )
    if timing.corrected:
        log_event(shift, ShiftEvent.Kind.CLOCK, user=by, offset_s=timing.offset_s)
    return row, True


@transaction.atomic
def confirm_safe(shift: Shift, *, by) -> Shift:
    """The worker's own "I am safe"; the shift ends when every worker has said it."""
    lock_shift(shift)
    if shift.status not in (Shift.Status.ACTIVE, Shift.Status.PLANNED):
        raise Refused(_("This shift has already ended."))
    now = timezone.now()
    updated = ShiftWorker.objects.filter(shift=shift, user=by, safe_at__isnull=True).update(
        safe_at=now
    )
    if updated:
        log_event(shift, ShiftEvent.Kind.SAFE, user=by)
    if not ShiftWorker.objects.filter(shift=shift, safe_at__isnull=True).exists():
        shift.status = Shift.Status.ENDED
        shift.started_at = shift.started_at or now
        shift.ended_at = now
        shift.save(update_fields=["status", "started_at", "ended_at", "updated_at"])
        log_event(shift, ShiftEvent.Kind.ENDED, user=by)
    if hasattr(shift, "_prefetched_objects_cache"):
        shift._prefetched_objects_cache.pop("crew", None)
    return shift


# Safety alerts -------------------------------------------------------------------------------


@dataclass
class WorkerState:
    """One worker of a running shift, as the board and the overdue check see them."""

    worker: ShiftWorker
    last: CheckIn | None
    due_at: datetime.datetime | None

    @property
    def user(self):
        return self.worker.user

    def overdue_by(self, now: datetime.datetime) -> datetime.timedelta | None:
        if self.due_at is None or now <= self.due_at:
            return None
        return now - self.due_at

    def is_alerting(self, now: datetime.datetime) -> bool:
        late = self.overdue_by(now)
        return late is not None and late >= margin()


def worker_states(shifts: list[Shift]) -> dict[int, list[WorkerState]]:
    """Each worker's latest check-in and when the next one is due, for running shifts, in two
    queries (crew must be prefetched). A worker who has not checked in is due at the start; one who
    has not said "I am safe" is due at the planned end at the latest."""
    running = [s for s in shifts if s.status == Shift.Status.ACTIVE]
    latest: dict[tuple[int, int], CheckIn] = {}
    if running:
        rows = (
            CheckIn.objects.filter(shift__in=running)
            .select_related("place")
            .order_by("seen_at", "id")
        )
        for row in rows:
            latest[(row.shift_id, row.worker_id)] = row
    result: dict[int, list[WorkerState]] = {}
    for shift in shifts:
        states = []
        for worker in shift.crew.all():
            last = latest.get((shift.pk, worker.user_id))
            due = None
            if shift.status == Shift.Status.ACTIVE and worker.safe_at is None:
                due = last.next_by if last and last.next_by else shift.started_at
                due = min(due, shift.planned_end) if due else shift.planned_end
            states.append(WorkerState(worker, last, due))
        result[shift.pk] = states
    return result


def raise_overdue_alerts(shifts=None, *, now: datetime.datetime | None = None) -> list[SafetyAlert]:
    """Raise an alert for every worker whose check-in is overdue by the margin (once per due
    time). Run by the periodic job and on every board poll; safe to run concurrently."""
    now = now or timezone.now()
    if shifts is None:
        shifts = list(Shift.objects.running().prefetch_related("crew__user"))
    shifts = [s for s in shifts if s.status == Shift.Status.ACTIVE]
    if not shifts:
        return []
    states = worker_states(shifts)
    candidates = [
        (shift, state) for shift in shifts for state in states[shift.pk] if state.is_alerting(now)
    ]
    if not candidates:
        return []
    existing = set(
        SafetyAlert.objects.filter(
            shift__in=[s for s, _ in candidates], kind=SafetyAlert.Kind.OVERDUE
        ).values_list("shift_id", "worker_id", "due_at")
    )
    raised = []
    for shift, state in candidates:
        if (shift.pk, state.user.pk, state.due_at) in existing:
            continue
        alert = _raise(shift, worker=state.user, kind=SafetyAlert.Kind.OVERDUE, due_at=state.due_at)
        if alert is not None:
            raised.append(alert)
    return raised


def _raise(shift: Shift, *, worker, kind: str, due_at=None, by=None) -> SafetyAlert | None:
    try:
        with transaction.atomic():
            alert = SafetyAlert.objects.create(
                shift=shift, worker=worker, kind=kind, due_at=due_at, raised_by=by
            )
            log_event(
                shift,
                ShiftEvent.Kind.HELP if kind == SafetyAlert.Kind.HELP else ShiftEvent.Kind.ALERT,
                user=by,
                alert=alert,
                worker=worker.pk,
                due_at=due_at.isoformat() if due_at else None,
            )
    except IntegrityError:
        return None  # another board poll or the job raised it a moment ago
    transaction.on_commit(lambda: send_alert(alert.pk))
    return alert


@transaction.atomic
def ask_for_help(shift: Shift, *, by) -> SafetyAlert:
    """ "Need help now": an alert at once; a second press re-sends the open one."""
    open_help = (
        SafetyAlert.objects.open()
        .filter(shift=shift, worker=by, kind=SafetyAlert.Kind.HELP)
        .first()
    )
    if open_help is not None:
        SafetyAlert.objects.filter(pk=open_help.pk).update(last_notified_at=None)
        log_event(shift, ShiftEvent.Kind.HELP, user=by, alert=open_help, again=True)
        transaction.on_commit(lambda: send_alert(open_help.pk))
        return open_help
    return _raise(shift, worker=by, kind=SafetyAlert.Kind.HELP, by=by)


@transaction.atomic
def acknowledge_alert(alert: SafetyAlert, *, by) -> SafetyAlert:
    updated = SafetyAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=by
    )
    alert.refresh_from_db()
    if updated:
        log_event(alert.shift, ShiftEvent.Kind.ACKNOWLEDGED, user=by, alert=alert)
    return alert


def send_alert(alert_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Notify the on-call person of one open alert, unless another process just did."""
    now = now or timezone.now()
    alert = SafetyAlert.objects.select_related("shift__on_call").filter(pk=alert_id).first()
    if alert is None or not alert.is_open:
        return False
    previous = alert.last_notified_at
    claimed = SafetyAlert.objects.filter(
        pk=alert.pk, acknowledged_at__isnull=True, last_notified_at=previous
    ).update(last_notified_at=now, escalations=F("escalations") + 1)
    if not claimed:
        return False
    try:
        ok = notifier().send(alert_message(alert))
    except Exception:
        logger.exception("alert notification failed")
        ok = False
    log_event(
        alert.shift,
        ShiftEvent.Kind.NOTIFIED if ok else ShiftEvent.Kind.NOTIFY_FAILED,
        alert=alert,
        backend=settings.ALERT_NOTIFIER,
        to=alert.shift.on_call_id,
    )
    return ok


def notify_pending(*, now: datetime.datetime | None = None) -> int:
    """Repeat every open alert to the on-call person every `ALERT_REPEAT_MINUTES`."""
    now = now or timezone.now()
    repeat = datetime.timedelta(minutes=settings.ALERT_REPEAT_MINUTES)
    due = SafetyAlert.objects.open().filter(last_notified_at__lte=now - repeat) | (
        SafetyAlert.objects.open().filter(last_notified_at__isnull=True)
    )
    sent = 0
    for alert_id in due.values_list("pk", flat=True):
        sent += send_alert(alert_id, now=now)
    return sent
