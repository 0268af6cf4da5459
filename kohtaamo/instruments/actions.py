"""Scoring, storing and reading instrument results, with their audit entries."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kohtaamo.audit.actions import Actor, log_access, log_access_many, record_change
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.instruments.access import get_result_for_user
from kohtaamo.instruments.models import Instrument, InstrumentResult
from kohtaamo.instruments.scoring import Result, score

OBJECT = "instruments.result"


def score_answers(instrument: Instrument, answers: dict, *, sex: str | None = None) -> Result:
    """Score without storing (raises scoring.AnswerError naming every bad item)."""
    return score(instrument.definition, answers, sex=sex or None)


@transaction.atomic
def record_result(
    actor: Actor,
    instrument: Instrument,
    answers: dict,
    *,
    by,
    sex: str | None = None,
    person=None,
    encounter=None,
    at=None,
) -> InstrumentResult:
    outcome = score_answers(instrument, answers, sex=sex)
    organisation_id = person.organisation_id if person is not None else encounter.organisation_id
    result = InstrumentResult.objects.create(
        instrument=instrument,
        version=instrument.version,
        answers=outcome.answers,
        result=outcome.to_dict(),
        sex=outcome.sex or "",
        organisation_id=organisation_id,
        person=person,
        encounter=encounter,
        recorded_by=by,
        at=at or timezone.now(),
    )
    record_change(
        actor,
        person_code=person.code if person is not None else None,
        object_type=OBJECT,
        object_ref=result.pk,
        action="create",
        changes={
            "instrument": [None, instrument.key],
            "version": [None, instrument.version],
            "scores": [None, outcome.scores],
        },
    )
    return result


def _action(actor: Actor) -> str:
    return AccessLogEntry.Action.API_READ if actor.channel == "api" else AccessLogEntry.Action.VIEW


@transaction.atomic
def open_result(actor: Actor, user, code) -> InstrumentResult:
    result = get_result_for_user(user, code)
    if result.person_id:
        log_access(
            actor,
            person_code=result.person.code,
            object_type=OBJECT,
            object_ref=result.pk,
            action=_action(actor),
        )
    return result


@transaction.atomic(savepoint=False)  # reads only: no savepoint of its own
def person_results(actor: Actor, person, *, instrument_key: str | None = None, limit: int = 50):
    """A person's results (oldest first, for a trend); each one read is access-logged.
    The caller has passed the person's gate."""
    qs = InstrumentResult.objects.filter(person=person).select_related("instrument")
    if instrument_key:
        qs = qs.filter(instrument__key=instrument_key)
    rows = list(qs.order_by("-at")[:limit])[::-1]
    log_access_many(
        actor,
        [(person.code, OBJECT, r.pk) for r in rows],
        action=_action(actor),
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )
    return rows
