"""Planning a shift, the shift page and checking in from it without JavaScript."""

import datetime

from django.utils import timezone

from kohtaamo.outreach.models import CheckIn, PlaceVisit, Shift, ShiftEvent
from kohtaamo.outreach.tests.conftest import make_shift
from kohtaamo.testing.helpers import assert_constant_queries


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _shift_post(team, workers, on_call, place, start):
    return {
        "team": team.pk,
        "title": "Aamukierros",
        "planned_start": _local(start),
        "planned_end": _local(start + datetime.timedelta(hours=3)),
        "workers": [w.pk for w in workers],
        "on_call": on_call.pk,
        "on_call_phone": "040 000 0001",
        "visits-TOTAL_FORMS": "2",
        "visits-INITIAL_FORMS": "0",
        "visits-0-place": str(place.code),
        "visits-0-planned_from": _local(start),
        "visits-0-planned_until": _local(start + datetime.timedelta(hours=1)),
        "visits-1-place": "",
        "visits-1-planned_from": "",
        "visits-1-planned_until": "",
    }


def test_planning_a_shift_for_a_pair(as_user, alice, anna, manager, team_a, place):
    start = timezone.now() + datetime.timedelta(days=1)

    response = as_user(alice).post(
        "/outreach/shifts/new/", _shift_post(team_a, [alice, anna], manager, place, start)
    )

    shift = Shift.objects.get()
    assert response.status_code == 302 and response["Location"] == shift.get_absolute_url()
    assert set(shift.workers.values_list("username", flat=True)) == {"alice", "anna"}
    assert shift.on_call == manager and shift.status == "planned"
    assert PlaceVisit.objects.get(shift=shift).place == place
    assert ShiftEvent.objects.get(shift=shift).kind == "planned"


def test_a_shift_of_one_is_refused_and_keeps_what_was_typed(as_user, alice, manager, team_a, place):
    start = timezone.now() + datetime.timedelta(days=1)
    data = _shift_post(team_a, [alice], manager, place, start)

    response = as_user(alice).post("/outreach/shifts/new/", data)

    body = response.content.decode()
    assert response.status_code == 200 and Shift.objects.count() == 0
    assert "An outreach shift needs at least two workers." in body
    assert 'value="Aamukierros"' in body and 'value="040 000 0001"' in body
    assert "error-summary" in body


def test_a_half_filled_stop_names_the_problem(as_user, alice, anna, manager, team_a, place):
    data = _shift_post(
        team_a, [alice, anna], manager, place, timezone.now() + datetime.timedelta(days=1)
    )
    data["visits-0-planned_until"] = ""

    response = as_user(alice).post("/outreach/shifts/new/", data)

    assert Shift.objects.count() == 0
    assert "Give the place and both times, or leave the row empty." in response.content.decode()


def test_read_only_members_cannot_plan(as_user, bob):
    assert as_user(bob).get("/outreach/shifts/new/").status_code == 403


def test_the_shift_page_shows_the_pair_and_the_check_in_form(as_user, alice, active_shift):
    body = as_user(alice).get(active_shift.get_absolute_url()).content.decode()

    assert "Iltakierros" in body and 'data-offline-queue="checkin"' in body
    assert 'data-testid="help-now"' in body and 'href="tel:112"' in body
    assert body.count("No check-in yet") == 2
    assert 'rel="manifest"' in body


def test_the_on_call_person_sees_the_shift_without_the_forms(as_user, manager, active_shift):
    body = as_user(manager).get(active_shift.get_absolute_url()).content.decode()

    assert "Iltakierros" in body and 'data-offline-queue="checkin"' not in body


def test_checking_in_without_javascript(as_user, alice, active_shift, place):
    client = as_user(alice)
    page = client.get(active_shift.get_absolute_url()).content.decode()
    client_id = page.split('name="client_id" value="')[1].split('"')[0]

    response = client.post(
        f"/outreach/shift/{active_shift.code}/check-in/",
        {"client_id": client_id, "place": str(place.code), "next_minutes": "45"},
    )
    again = client.post(
        f"/outreach/shift/{active_shift.code}/check-in/",
        {"client_id": client_id, "place": str(place.code), "next_minutes": "45"},
    )

    row = CheckIn.objects.get()
    assert response.status_code == 302 and again.status_code == 302
    assert (row.place, row.via, row.device_time) == (place, "form", None)
    assert row.next_by - row.seen_at == datetime.timedelta(minutes=45)
    shown = client.get(active_shift.get_absolute_url()).content.decode()
    assert "Checked in. Next check-in by" in shown
    assert "Järvelän asema" in shown


def test_a_bad_check_in_names_the_field(as_user, alice, active_shift):
    response = as_user(alice).post(
        f"/outreach/shift/{active_shift.code}/check-in/",
        {"client_id": "2b9d8f10-0000-4000-8000-000000000000", "next_minutes": "7"},
    )

    assert response.status_code == 400 and CheckIn.objects.count() == 0
    assert 'href="#id_next_minutes' in response.content.decode()


def test_location_without_consent_is_dropped(as_user, alice, active_shift):
    as_user(alice).post(
        f"/outreach/shift/{active_shift.code}/check-in/",
        {
            "client_id": "2b9d8f10-0000-4000-8000-000000000001",
            "next_minutes": "30",
            "latitude": "61.5",
            "longitude": "23.7",
        },
    )

    assert CheckIn.objects.get().latitude is None


def test_starting_and_cancelling(as_user, alice, shift, team_a, anna, manager):
    client = as_user(alice)

    client.post(f"/outreach/shift/{shift.code}/start/")
    other = make_shift(
        team_a, [alice, anna], manager, start=timezone.now() + datetime.timedelta(days=2)
    )
    client.post(f"/outreach/shift/{other.code}/cancel/")
    refused = client.post(f"/outreach/shift/{shift.code}/cancel/")

    shift.refresh_from_db()
    other.refresh_from_db()
    assert (shift.status, other.status) == ("active", "cancelled")
    assert refused.status_code == 302 and shift.status == "active"


def test_state_changes_need_post(as_user, alice, active_shift):
    client = as_user(alice)

    for path in ("start", "check-in", "help", "safe", "cancel"):
        assert client.get(f"/outreach/shift/{active_shift.code}/{path}/").status_code == 405


def test_the_shift_log_lists_what_happened(as_user, bob, alice, active_shift):
    from kohtaamo.outreach import actions

    actions.check_in(active_shift, by=alice, next_minutes=30)

    body = as_user(bob).get(f"/outreach/shift/{active_shift.code}/log/").content.decode()

    assert "Shift planned" in body and "Shift started" in body and "Checked in" in body


def test_home_lists_my_shifts_without_n_plus_one(as_user, alice, anna, manager, team_a):
    client = as_user(alice)

    def make(n):
        for _ in range(n):
            make_shift(
                team_a, [alice, anna], manager, start=timezone.now() + datetime.timedelta(hours=2)
            )

    assert_constant_queries(make, lambda: client.get("/outreach/"))
    assert client.get("/outreach/").content.decode().count('data-testid="my-shift"') == 3


def test_a_stop_can_belong_to_a_running_field_experiment(
    as_user, alice, anna, manager, team_a, place, county
):
    from kohtaamo.evaluation.models import Experiment

    today = timezone.localdate()
    experiment = Experiment.objects.create(
        organisation=county,
        owner=alice,
        name="Kela-kokeilu",
        place=place,
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=30),
    )
    client = as_user(alice)
    data = _shift_post(
        team_a, [alice, anna], manager, place, timezone.now() + datetime.timedelta(days=1)
    )
    data["visits-0-experiment"] = str(experiment.code)

    form = client.get("/outreach/shifts/new/").content.decode()
    client.post("/outreach/shifts/new/", data)

    assert "Kela-kokeilu" in form
    assert PlaceVisit.objects.get().experiment_ref == experiment.code
