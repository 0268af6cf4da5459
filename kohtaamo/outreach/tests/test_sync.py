"""The phone's queue: `POST /api/v1/outreach/sync` saves each item once, however often, in
whatever order and however interrupted it is sent."""

import datetime
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from kohtaamo.audit.actions import verify_chain
from kohtaamo.audit.models import ChangeEntry
from kohtaamo.encounters.models import Encounter
from kohtaamo.outreach import sync
from kohtaamo.outreach.models import CheckIn, FieldContact, ShiftEvent
from kohtaamo.outreach.tests.conftest import item
from kohtaamo.testing.helpers import assert_constant_queries, login_verified

URL = "/api/v1/outreach/sync"


def post(client, items, **extra):
    return client.post(URL, json.dumps({"items": items, **extra}), content_type="application/json")


def contact(shift, **payload):
    payload.setdefault("themes", ["housing"])
    payload.setdefault("support", ["listening"])
    return item("contact", shift, **payload)


def test_a_batch_saves_check_ins_and_contacts(as_user, alice, active_shift, place):
    client = as_user(alice)
    batch = [
        item("checkin", active_shift, place=str(place.code), next_minutes=45),
        contact(active_shift, result="guided_onward", guided_to="Kela"),
    ]

    response = post(client, batch)

    body = response.json()
    assert response.status_code == 200
    assert [i["status"] for i in body["items"]] == ["created", "created"]
    assert body["counts"] == {"created": 2, "duplicate": 0, "invalid": 0}
    check = CheckIn.objects.get()
    assert (check.worker, check.place, check.via) == (alice, place, "sync")
    assert check.next_by == check.seen_at + datetime.timedelta(minutes=45)
    encounter = Encounter.objects.get()
    assert (encounter.channel, encounter.arrival, encounter.identity_level) == (
        "field",
        "outreach",
        "anonymous",
    )
    assert [t.key for t in encounter.themes.all()] == ["housing"]
    assert encounter.guided_to == "Kela" and encounter.client_id == uuid.UUID(batch[1]["client_id"])
    assert set(encounter.workers.values_list("username", flat=True)) == {"alice", "anna"}
    assert FieldContact.objects.get().shift == active_shift
    assert (
        ChangeEntry.objects.filter(object_type="encounters.encounter", action="create").count() == 1
    )
    assert ShiftEvent.objects.filter(kind="contact").count() == 1


def test_the_same_batch_twice_creates_nothing_new(as_user, alice, active_shift):
    client = as_user(alice)
    batch = [
        item("checkin", active_shift, next_minutes=30),
        contact(active_shift),
        contact(active_shift),
    ]

    first = post(client, batch).json()
    second = post(client, batch).json()

    assert [i["status"] for i in first["items"]] == ["created"] * 3
    assert [i["status"] for i in second["items"]] == ["duplicate"] * 3
    assert [i["code"] for i in first["items"]] == [i["code"] for i in second["items"]]
    assert (CheckIn.objects.count(), Encounter.objects.count(), FieldContact.objects.count()) == (
        1,
        2,
        2,
    )


def test_an_interrupted_sync_then_the_full_queue_loses_and_duplicates_nothing(
    as_user, alice, active_shift
):
    client = as_user(alice)
    queue = [contact(active_shift) for _ in range(5)]

    post(client, queue[:2])  # the answer never reached the phone
    retry = post(client, list(reversed(queue))).json()  # sent again, out of order

    by_id = {i["client_id"]: i["status"] for i in retry["items"]}
    assert [by_id[q["client_id"]] for q in queue] == ["duplicate"] * 2 + ["created"] * 3
    assert Encounter.objects.count() == 5


def test_items_are_applied_in_the_order_they_were_made(as_user, alice, active_shift):
    now = timezone.now()
    early = item(
        "checkin", active_shift, device_time=now - datetime.timedelta(minutes=20), next_minutes=15
    )
    late = item(
        "checkin", active_shift, device_time=now - datetime.timedelta(minutes=5), next_minutes=60
    )

    post(as_user(alice), [late, early])

    rows = list(CheckIn.objects.order_by("id"))
    assert [str(r.client_id) for r in rows] == [early["client_id"], late["client_id"]]
    latest = CheckIn.objects.order_by("-seen_at").first()
    assert str(latest.client_id) == late["client_id"]


def test_one_bad_item_does_not_stop_the_others(as_user, alice, active_shift):
    batch = [
        contact(active_shift),
        contact(active_shift, themes=["no-such-theme"]),
        contact(active_shift),
    ]

    body = post(as_user(alice), batch).json()

    assert [i["status"] for i in body["items"]] == ["created", "invalid", "created"]
    assert body["items"][1]["errors"][0]["field"] == "themes"
    assert Encounter.objects.count() == 2
    assert ShiftEvent.objects.filter(kind="sync_refused").count() == 1


def test_a_check_in_for_a_shift_the_worker_is_not_on_is_refused(
    as_user, official, charlie, active_shift
):
    batch = [item("checkin", active_shift, next_minutes=30)]

    own_org = post(as_user(official), batch).json()
    other_org = post(as_user(charlie), batch).json()

    for body in (own_org, other_org):
        assert body["items"][0]["status"] == "invalid"
        assert body["items"][0]["errors"][0]["field"] == "shift"
    assert CheckIn.objects.count() == 0


def test_identified_contacts_cannot_be_queued(as_user, alice, active_shift):
    body = post(as_user(alice), [contact(active_shift, identity_level="identified")]).json()

    assert body["items"][0]["status"] == "invalid"
    assert body["items"][0]["errors"][0]["field"] == "identity_level"
    assert Encounter.objects.count() == 0


def test_a_pseudonymous_contact_keeps_only_the_hash_and_a_new_code_is_shown_once(
    as_user, alice, active_shift
):
    client = as_user(alice)
    known = contact(active_shift, identity_level="pseudonymous", contact_code="KALA-4821")
    fresh = contact(active_shift, identity_level="pseudonymous", new_contact_code=True)

    body = post(client, [known, fresh]).json()
    again = post(client, [fresh]).json()

    assert body["items"][0]["contact_code"] is None
    new_code = body["items"][1]["contact_code"]
    assert new_code and again["items"][0]["contact_code"] is None
    hashes = set(Encounter.objects.values_list("contact_code_hash", flat=True))
    assert len(hashes) == 2 and all(len(h) == 64 for h in hashes)
    assert "KALA-4821" not in str(list(Encounter.objects.values()))


def test_a_wrong_phone_clock_is_corrected_and_flagged(as_user, alice, active_shift):
    now = timezone.now()
    skew = datetime.timedelta(minutes=47)  # the phone is 47 minutes behind
    made = now - datetime.timedelta(minutes=10)
    batch = [item("checkin", active_shift, device_time=made - skew, next_minutes=30)]

    body = post(as_user(alice), batch, sent_at=(now - skew).isoformat()).json()

    assert (
        body["clock_corrected"] is True
        and abs(body["clock_offset_seconds"] - skew.total_seconds()) < 5
    )
    row = CheckIn.objects.get()
    assert row.clock_corrected and abs((row.seen_at - made).total_seconds()) < 5
    assert row.device_time == made - skew
    assert ShiftEvent.objects.filter(kind="clock").count() == 1


def test_a_time_in_the_future_is_clamped_to_the_time_of_receipt(as_user, alice, active_shift):
    batch = [
        item(
            "checkin",
            active_shift,
            device_time=timezone.now() + datetime.timedelta(hours=3),
            next_minutes=30,
        )
    ]

    post(as_user(alice), batch)

    row = CheckIn.objects.get()
    assert row.seen_at <= row.received_at and row.clock_corrected


def test_an_offline_check_in_shows_how_late_it_arrived(as_user, alice, active_shift):
    made = timezone.now() - datetime.timedelta(minutes=25)

    post(as_user(alice), [item("checkin", active_shift, device_time=made, next_minutes=60)])

    row = CheckIn.objects.get()
    assert row.was_queued and 24 * 60 <= row.delay_seconds <= 26 * 60


def test_location_is_kept_only_with_consent(as_user, alice, active_shift):
    location = {"lat": 61.5, "lon": 23.76, "accuracy": 12}
    batch = [
        item("checkin", active_shift, next_minutes=30, location=location, location_consent=False),
        item("checkin", active_shift, next_minutes=30, location=location, location_consent=True),
    ]

    post(as_user(alice), batch)

    without, with_consent = CheckIn.objects.order_by("id")
    assert without.latitude is None and not without.location_consent
    assert float(with_consent.latitude) == 61.5 and with_consent.accuracy_m == 12


def test_an_ended_shift_refuses_new_items(as_user, alice, anna, active_shift):
    from kohtaamo.outreach import actions

    actions.confirm_safe(active_shift, by=alice)
    actions.confirm_safe(active_shift, by=anna)

    body = post(as_user(alice), [item("checkin", active_shift, next_minutes=30)]).json()

    assert body["items"][0]["status"] == "invalid"
    assert CheckIn.objects.count() == 0


def test_a_planned_shift_starts_with_its_first_item(as_user, alice, shift):
    post(as_user(alice), [item("checkin", shift, next_minutes=30)])

    shift.refresh_from_db()
    assert shift.status == "active" and shift.started_at is not None


def test_someone_elses_client_id_is_refused(as_user, alice, anna, active_shift):
    first = contact(active_shift)
    post(as_user(alice), [first])

    body = post(as_user(anna), [first]).json()

    assert body["items"][0]["status"] == "invalid"
    assert Encounter.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"items": [{"client_id": "not-a-uuid", "kind": "checkin", "payload": {}}]},
        {"items": "nope"},
        {},
    ],
)
def test_a_malformed_batch_is_422_in_the_error_shape(as_user, alice, body):
    response = as_user(alice).post(URL, json.dumps(body), content_type="application/json")

    assert response.status_code == 422
    assert set(response.json()) == {"error", "detail"}


def test_too_many_items_is_422(as_user, alice, active_shift):
    response = post(as_user(alice), [contact(active_shift) for _ in range(501)])

    assert response.status_code == 422 and Encounter.objects.count() == 0


def test_without_a_session_it_is_401(client, active_shift):
    response = post(client, [item("checkin", active_shift, next_minutes=30)])

    assert response.status_code == 401 and response.json()["error"] == "unauthorized"


def test_the_browser_session_needs_the_csrf_token(alice, active_shift):
    client = login_verified(Client(enforce_csrf_checks=True), alice)

    refused = post(client, [item("checkin", active_shift, next_minutes=30)])
    token = client.get("/outreach/token/").json()["csrf"]
    accepted = client.post(
        URL,
        json.dumps({"items": [item("checkin", active_shift, next_minutes=30)]}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert refused.status_code in (401, 403)
    assert accepted.status_code == 200 and CheckIn.objects.count() == 1


def test_a_client_matter_cannot_be_opened_from_the_queue(as_user, alice, active_shift):
    body = post(as_user(alice), [contact(active_shift, result="client_matter")]).json()

    assert (
        body["items"][0]["status"] == "invalid"
        and body["items"][0]["errors"][0]["field"] == "result"
    )


def test_the_query_count_of_a_sync_does_not_grow_with_its_contacts(as_user, alice, active_shift):
    client = as_user(alice)
    size = [0]
    sent = []

    def more_contacts(n):
        size[0] += n

    def send():
        batch = [
            contact(
                active_shift,
                themes=["housing", "income"],
                **(
                    {"identity_level": "pseudonymous", "contact_code": "KALA-4821"} if i % 4 else {}
                ),
            )
            for i in range(size[0])
        ]
        sent.extend(batch)
        body = post(client, batch).json()
        assert [i["status"] for i in body["items"]] == ["created"] * len(batch)

    # 30, not more: SQLite takes at most 999 parameters per insert (35 encounters).
    assert_constant_queries(more_contacts, send, sizes=(5, 30))

    encounters = Encounter.objects.filter(client_id__in=[i["client_id"] for i in sent])
    assert encounters.count() == len(sent) == FieldContact.objects.count()
    assert ChangeEntry.objects.filter(
        object_type="encounters.encounter", action="create"
    ).count() == len(sent)
    assert ShiftEvent.objects.filter(kind="contact").count() == len(sent)
    assert (
        encounters.filter(is_repeat=True).count()
        == encounters.exclude(contact_code_hash="").count() - 1
    )  # every use of the code but the first is a repeat
    assert verify_chain(ChangeEntry)[1] == []


def test_a_client_id_taken_during_the_sync_is_answered_item_by_item(
    as_user, alice, active_shift, monkeypatch
):
    client = as_user(alice)
    first = contact(active_shift)
    post(client, [first])
    # A concurrent sync saved `first` after this one looked the ids up.
    monkeypatch.setattr(sync, "_known", lambda items, user: {})
    fresh = contact(active_shift)

    body = post(client, [first, fresh]).json()

    assert [i["status"] for i in body["items"]] == ["duplicate", "created"]
    assert Encounter.objects.count() == 2 and FieldContact.objects.count() == 2
    assert (
        ChangeEntry.objects.filter(object_type="encounters.encounter", action="create").count() == 2
    )
