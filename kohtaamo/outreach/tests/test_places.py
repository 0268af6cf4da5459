"""Regular outreach places with their weekly presence."""

import datetime

from kohtaamo.audit.models import ChangeEntry
from kohtaamo.encounters.models import Place
from kohtaamo.outreach.models import OutreachPlace
from kohtaamo.outreach.tests.conftest import make_place
from kohtaamo.testing.helpers import assert_constant_queries


def _data(**extra):
    data = {
        "name_fi": "Kauppakeskus Järvi",
        "name_sv": "Köpcentret Järvi",
        "name_en": "",
        "kind": "shopping_centre",
        "municipality": "Järvelä",
        "address": "Torikatu 1",
        "contact_people": "Kauppakeskuksen turvallisuuspäällikkö, 040 000 0002",
        "publicity_notes": "Julisteet ala-aulassa",
        "safety_notes": "",
        "slots-TOTAL_FORMS": "2",
        "slots-INITIAL_FORMS": "0",
        "slots-0-weekday": "1",
        "slots-0-time_from": "10:00",
        "slots-0-time_until": "12:00",
        "slots-1-weekday": "",
        "slots-1-time_from": "",
        "slots-1-time_until": "",
    }
    data.update(extra)
    return data


def test_a_new_place_with_its_regular_presence(as_user, alice, county):
    response = as_user(alice).post("/outreach/places/new/", _data())

    outreach = OutreachPlace.objects.get()
    place = outreach.place
    assert response.status_code == 302 and response["Location"] == outreach.get_absolute_url()
    assert (place.name_fi, place.organisation, place.kind, place.default_channel) == (
        "Kauppakeskus Järvi",
        county,
        Place.Kind.SHOPPING_CENTRE,
        "field",
    )
    assert [(s.weekday, s.time_from, s.time_until) for s in outreach.slots.all()] == [
        (1, datetime.time(10), datetime.time(12))
    ]
    assert ChangeEntry.objects.filter(object_type="outreach.place", action="create").count() == 1


def test_a_half_filled_time_keeps_the_input(as_user, alice):
    response = as_user(alice).post("/outreach/places/new/", _data(**{"slots-1-weekday": "3"}))

    body = response.content.decode()
    assert response.status_code == 400 and OutreachPlace.objects.count() == 0
    assert "Give the weekday and both times, or leave the row empty." in body
    assert 'value="Kauppakeskus Järvi"' in body


def test_editing_replaces_the_schedule_and_records_the_change(as_user, alice, outreach_place):
    data = _data(name_fi="Järvelän rautatieasema", kind="station", **{"slots-0-weekday": "4"})

    as_user(alice).post(f"/outreach/places/{outreach_place.place.code}/edit/", data)

    outreach_place.refresh_from_db()
    outreach_place.place.refresh_from_db()
    assert outreach_place.place.name_fi == "Järvelän rautatieasema"
    assert [s.weekday for s in outreach_place.slots.all()] == [4]
    change = ChangeEntry.objects.filter(object_type="outreach.place", action="update").get()
    assert change.changes["name_fi"] == ["Järvelän asema", "Järvelän rautatieasema"]


def test_place_access(as_user, bob, charlie, outreach_place):
    code = outreach_place.place.code

    assert as_user(bob).get(f"/outreach/places/{code}/").status_code == 200
    assert as_user(bob).get(f"/outreach/places/{code}/edit/").status_code == 403
    assert as_user(bob).get("/outreach/places/new/").status_code == 403
    assert as_user(charlie).get(f"/outreach/places/{code}/").status_code == 404


def test_the_place_page(as_user, alice, outreach_place):
    body = as_user(alice).get(outreach_place.get_absolute_url()).content.decode()

    assert "Järvelän asema" in body and "Tuesday 10:00–12:00" in body


def test_the_list_makes_no_n_plus_one(as_user, alice, county):
    client = as_user(alice)
    made = []

    def make(n):
        for _ in range(n):
            made.append(make_place(county, name=f"Paikka {len(made)}"))

    assert_constant_queries(make, lambda: client.get("/outreach/places/"))
    assert client.get("/outreach/places/").content.decode().count("Tuesday 10:00") == 3
