"""Social rehabilitation: time-limited periods, support meetings, start and end measurements with an
instrument defined as data (an end without a start is refused and explained), and the change per
client as a table and a chart."""

import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.casework import actions
from kohtaamo.casework.actions import CaseworkError, MeasurementError
from kohtaamo.casework.models import Measurement, SupportMeeting
from kohtaamo.casework.queries import paired_changes
from kohtaamo.casework.tests.conftest import EUROHIS_HIGH, EUROHIS_LOW, act
from kohtaamo.instruments.models import InstrumentResult
from kohtaamo.testing.helpers import assert_constant_queries


def test_a_period_is_time_limited(matter, alice):
    today = timezone.localdate()

    with pytest.raises(CaseworkError) as refused:
        actions.start_period(act(alice), matter, by=alice, starts_on=today, ends_on=today)

    assert refused.value.field == "ends_on"


def test_a_period_can_link_only_a_signed_granting_decision(matter, alice, decision, official):
    today = timezone.localdate()
    with pytest.raises(CaseworkError):
        actions.start_period(
            act(alice), matter, by=alice, starts_on=today,
            ends_on=today + datetime.timedelta(days=90), decision=decision,
        )  # fmt: skip
    actions.sign_decision(act(official), decision, by=official)
    decision.refresh_from_db()

    period = actions.start_period(
        act(alice), matter, by=alice, starts_on=today,
        ends_on=today + datetime.timedelta(days=90), decision=decision,
    )  # fmt: skip

    assert period.decision == decision


def test_an_end_measurement_needs_a_start(period, alice, eurohis):
    with pytest.raises(MeasurementError) as refused:
        actions.record_measurement(
            act(alice), period, by=alice, instrument=eurohis, answers=EUROHIS_HIGH, phase="end"
        )

    assert "start measurement" in refused.value.message
    assert not InstrumentResult.objects.exists()  # nothing half-saved


def test_each_phase_once_and_the_change_from_the_pair(measured, alice, eurohis):
    with pytest.raises(MeasurementError):
        actions.record_measurement(
            act(alice), measured, by=alice, instrument=eurohis, answers=EUROHIS_LOW, phase="start"
        )

    change = paired_changes([measured], instrument_key="eurohis8", score_key="mean")[0]
    assert (change.start, change.end, change.change) == (2.0, 4.0, 2.0)
    assert Measurement.objects.filter(period=measured).count() == 2


def test_measurement_page_explains_a_refused_end(as_user, alice, period):
    answers = {k: str(v) for k, v in EUROHIS_HIGH.items()}

    response = as_user(alice).post(
        f"/casework/periods/{period.code}/measure/",
        {"instrument": "eurohis8", "phase": "end", **answers},
    )

    body = response.content.decode()
    assert response.status_code == 200 and "start measurement" in body
    assert 'value="4" checked' in body or "checked" in body  # the answers stay
    assert not Measurement.objects.exists()


def test_measurement_page_records_start_then_end(as_user, alice, period):
    client = as_user(alice)
    for phase, answers in (("start", EUROHIS_LOW), ("end", EUROHIS_HIGH)):
        response = client.post(
            f"/casework/periods/{period.code}/measure/",
            {"instrument": "eurohis8", "phase": phase, **{k: str(v) for k, v in answers.items()}},
        )
        assert response.status_code == 302

    page = client.get(f"/casework/periods/{period.code}/")
    assert 'data-testid="change-eurohis8"' in page.content.decode()
    assert "+2.0" in page.content.decode()


def test_any_instrument_defined_as_data_can_measure(period, alice):
    from kohtaamo.instruments.models import Instrument

    audit_c = Instrument.objects.current().get(key="audit_c")
    answers = {i["key"]: 0 for i in audit_c.definition["items"]}

    actions.record_measurement(
        act(alice), period, by=alice, instrument=audit_c, answers=answers, phase="start"
    )

    assert period.measurements.get().instrument_key == "audit_c"


def test_meetings_and_a_held_meeting_cannot_be_in_the_future(matter, alice):
    future = timezone.now() + datetime.timedelta(days=3)
    planned = actions.record_meeting(act(alice), matter, by=alice, kind="home_visit", at=future)

    with pytest.raises(CaseworkError):
        actions.update_meeting(act(alice), planned, status=SupportMeeting.Status.HELD)
    assert SupportMeeting.objects.get().status == "planned"


def test_meeting_form_keeps_input(as_user, alice, matter):
    response = as_user(alice).post(
        f"/casework/matters/{matter.code}/meetings/new/",
        {"kind": "individual", "at": "not a date", "duration_minutes": "45", "status": "planned",
         "place": "Olohuone"},
    )  # fmt: skip

    body = response.content.decode()
    assert response.status_code == 200 and 'href="#id_at"' in body and 'value="Olohuone"' in body


def test_change_per_client_table_chart_and_log(as_user, alice, measured, person):
    response = as_user(alice).get("/casework/rehabilitation/?instrument=eurohis8")

    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="client-changes"' in body
    assert "<svg" in body and "chart__pair--better" in body
    assert response.context["mean_change"] == 2.0
    assert AccessLogEntry.objects.filter(
        object_type="casework.service_period", person_code=person.code
    ).exists()


def test_change_per_client_queries_do_not_grow(as_user, alice, make_matter, eurohis):
    today = timezone.localdate()

    def add(n):
        for matter in make_matter(n):
            period = actions.start_period(
                act(alice), matter, by=alice, starts_on=today,
                ends_on=today + datetime.timedelta(days=30),
            )  # fmt: skip
            actions.record_measurement(
                act(alice), period, by=alice, instrument=eurohis, answers=EUROHIS_LOW, phase="start"
            )

    client = as_user(alice)
    assert_constant_queries(add, lambda: client.get("/casework/rehabilitation/"))


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 200), ("charlie", 404)])
def test_period_page_access(request, as_user, period, who, status):
    response = as_user(request.getfixturevalue(who)).get(f"/casework/periods/{period.code}/")

    assert response.status_code == status
