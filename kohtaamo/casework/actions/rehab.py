"""Social rehabilitation: time-limited service periods, individual support meetings and start and
end measurements with any instrument defined as data."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohtaamo.audit.actions import Actor, record_change
from kohtaamo.casework.actions.common import (
    MEASUREMENT,
    MEETING,
    PERIOD,
    CaseworkError,
    changed,
    created,
    require_open,
    touch,
)
from kohtaamo.casework.models import (
    ClientMatter,
    Decision,
    DocumentStatus,
    Measurement,
    ServicePeriod,
    SupportMeeting,
)
from kohtaamo.instruments.actions import record_result
from kohtaamo.instruments.models import Instrument


class MeasurementError(CaseworkError):
    """A measurement that cannot be recorded (an end without a start, a second start...)."""


@transaction.atomic
def start_period(
    actor: Actor,
    matter: ClientMatter,
    *,
    by,
    starts_on: datetime.date,
    ends_on: datetime.date,
    decision: Decision | None = None,
    service: str = ServicePeriod.Service.SOCIAL_REHABILITATION,
) -> ServicePeriod:
    require_open(matter)
    if ends_on <= starts_on:
        raise CaseworkError(_("The planned end must be after the start."), field="ends_on")
    if decision is not None:
        if decision.matter_id != matter.pk or decision.status != DocumentStatus.SIGNED:
            raise CaseworkError(_("Choose a signed decision of this matter."), field="decision")
        if decision.outcome == Decision.Outcome.REFUSED:
            raise CaseworkError(_("The chosen decision refused the service."), field="decision")
    period = ServicePeriod.objects.create(
        matter=matter,
        decision=decision,
        service=service,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    created(actor, matter, PERIOD, period)
    touch(matter)
    return period


@transaction.atomic
def end_period(actor: Actor, period: ServicePeriod, *, ended_on: datetime.date) -> ServicePeriod:
    if ended_on < period.starts_on:
        raise CaseworkError(_("The period cannot end before it started."), field="ended_on")
    before = period.audit_snapshot()
    period.ended_on = ended_on
    period.save(update_fields=["ended_on"])
    changed(actor, period.matter, PERIOD, period, before)
    touch(period.matter)
    return period


@transaction.atomic
def record_meeting(
    actor: Actor,
    matter: ClientMatter,
    *,
    by,
    kind: str,
    at: datetime.datetime,
    duration_minutes: int = 60,
    status: str = SupportMeeting.Status.PLANNED,
    place: str = "",
    notes: str = "",
    with_expert_by_experience: bool = False,
    period: ServicePeriod | None = None,
    worker=None,
) -> SupportMeeting:
    require_open(matter)
    if period is not None and period.matter_id != matter.pk:
        raise CaseworkError(_("Choose a service period of this matter."), field="period")
    if status == SupportMeeting.Status.HELD and at > timezone.now() + datetime.timedelta(minutes=5):
        raise CaseworkError(_("A meeting in the future cannot have been held yet."), field="at")
    meeting = SupportMeeting.objects.create(
        matter=matter,
        period=period,
        kind=kind,
        at=at,
        duration_minutes=duration_minutes,
        status=status,
        place=place,
        notes=notes,
        with_expert_by_experience=with_expert_by_experience,
        worker=worker or by,
        created_by=by,
    )
    created(actor, matter, MEETING, meeting)
    touch(matter)
    return meeting


@transaction.atomic
def update_meeting(actor: Actor, meeting: SupportMeeting, **fields) -> SupportMeeting:
    require_open(meeting.matter)
    before = meeting.audit_snapshot()
    for name, value in fields.items():
        setattr(meeting, name, value)
    if (
        meeting.status == SupportMeeting.Status.HELD
        and meeting.at > timezone.now() + datetime.timedelta(minutes=5)
    ):
        raise CaseworkError(_("A meeting in the future cannot have been held yet."), field="status")
    meeting.save()
    changed(actor, meeting.matter, MEETING, meeting, before)
    touch(meeting.matter)
    return meeting


@transaction.atomic
def record_measurement(
    actor: Actor,
    period: ServicePeriod,
    *,
    by,
    instrument: Instrument,
    answers: dict,
    phase: str,
    sex: str | None = None,
    at: datetime.datetime | None = None,
) -> Measurement:
    """Score and store the answers as the person's instrument result, and tie it to the period as
    its start or end measurement. An end needs a start with the same instrument; each phase is
    measured once per instrument."""
    matter = period.matter
    require_open(matter)
    existing = {
        m.phase for m in period.measurements.filter(instrument_key=instrument.key).only("phase")
    }
    if phase not in Measurement.Phase.values:
        raise MeasurementError(_("Choose the start or the end."), field="phase")
    if phase in existing:
        raise MeasurementError(
            _("This period already has that measurement with this instrument."), field="phase"
        )
    if phase == Measurement.Phase.END and Measurement.Phase.START not in existing:
        raise MeasurementError(
            _(
                "An end measurement needs a start measurement with the same instrument: change is "
                "read from the pair. Record the start measurement first (if it was done on paper, "
                "record it with its own date)."
            ),
            field="phase",
        )
    result = record_result(
        actor, instrument, answers, by=by, sex=sex, person=matter.person, at=at or timezone.now()
    )
    measurement = Measurement.objects.create(
        period=period,
        phase=phase,
        instrument_key=instrument.key,
        result=result,
        at=result.at,
        recorded_by=by,
    )
    record_change(
        actor,
        person_code=matter.person.code,
        object_type=MEASUREMENT,
        object_ref=measurement.pk,
        action="create",
        changes={
            "phase": [None, phase],
            "instrument": [None, instrument.key],
            "result": [None, result.pk],
        },
    )
    touch(matter)
    return measurement
