"""The desk API: idempotent POST /encounters, keyset GET /encounters, instruments and scoring,
validation errors in the one error shape, and the OpenAPI examples."""

import datetime
import json
import uuid

import pytest
from django.utils import timezone

from kohtaamo.accounts.actions import create_api_token
from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.encounters.models import Encounter, IdempotencyKey, Place
from kohtaamo.testing.helpers import count_queries

BODY = {
    "channel": "desk",
    "duration_minutes": 10,
    "identity_level": "anonymous",
    "themes": ["income", "debt"],
    "support": ["counselling"],
    "result": "settled",
}


@pytest.fixture
def api(client, alice, county, team_a):
    _token, plain = create_api_token(alice, name="test")
    place = Place.objects.create(
        organisation=county, team=team_a, unit=team_a.unit, name_fi="Piste"
    )

    def call(method, path, body=None, **headers):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
        extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
        if method == "get":
            return client.get(f"/api/v1{path}", **extra)
        return client.post(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", **extra
        )

    call.place = place
    return call


def test_post_records_an_anonymous_contact(api, alice):
    response = api("post", "/encounters", {**BODY, "place": str(api.place.code)})

    body = response.json()
    encounter = Encounter.objects.get()
    assert response.status_code == 201 and body["code"] == str(encounter.code)
    assert body["themes"] == ["debt", "income"] and body["earlier_contacts"] == 0
    assert encounter.place == api.place and encounter.team_id == api.place.team_id
    assert list(encounter.workers.all()) == [alice]


def test_a_retry_with_the_same_idempotency_key_creates_nothing(api):
    first = api("post", "/encounters", BODY, **{"Idempotency-Key": "abc-1"})
    again = api("post", "/encounters", BODY, **{"Idempotency-Key": "abc-1"})
    other_body = api(
        "post", "/encounters", {**BODY, "duration_minutes": 20}, **{"Idempotency-Key": "abc-1"}
    )

    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json()
    assert other_body.status_code == 409 and other_body.json()["error"] == "conflict"
    assert Encounter.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def test_the_same_client_id_returns_the_first_contact(api):
    client_id = str(uuid.uuid4())

    first = api("post", "/encounters", {**BODY, "client_id": client_id})
    again = api("post", "/encounters", {**BODY, "client_id": client_id})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"] and Encounter.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"started_at": "2999-01-01T10:00:00+02:00"}, "started_at"),
        ({"duration_minutes": 900 * 60}, "duration_minutes"),
        ({"themes": ["income", "astrology"]}, "themes"),
        ({"themes": []}, "themes"),
        ({"channel": "pigeon"}, "channel"),
        ({"identity_level": "famous"}, "identity_level"),
        ({"identity_level": "pseudonymous", "contact_code": "KALA-0000"}, "contact_code"),
        ({"identity_level": "pseudonymous", "contact_code": "nope"}, "contact_code"),
        ({"identity_level": "identified"}, "person"),
        ({"arrival": "partner_guided"}, "partner"),
        ({"note": "hetu 131052-308T tässä"}, "note"),
        ({"note": "Matti Virtanen kävi"}, "note"),
        ({"about_handled_matter": True}, "failure_reason"),
    ],
)
def test_bad_input_is_422_naming_the_field(api, change, field):
    response = api("post", "/encounters", {**BODY, **change})

    body = response.json()
    assert response.status_code == 422 and body["error"] == "validation_error"
    assert body["detail"][0]["field"] == field
    assert Encounter.objects.count() == 0


def test_a_pseudonymous_contact_gets_a_code_once_and_repeats_link(api):
    first = api(
        "post", "/encounters", {**BODY, "identity_level": "pseudonymous", "new_contact_code": True}
    ).json()
    code = first["new_contact_code"]
    repeat = api(
        "post",
        "/encounters",
        {**BODY, "identity_level": "pseudonymous", "contact_code": code.lower(),
         "about_handled_matter": True, "failure_reason": "waiting_too_long"},
    ).json()  # fmt: skip

    assert code and repeat["new_contact_code"] == "" and repeat["is_repeat"]
    assert repeat["earlier_contacts"] == 1 and repeat["failure_reason"] == "waiting_too_long"
    listed = api("get", "/encounters").json()["items"]
    assert all(item["new_contact_code"] == "" for item in listed)


def test_an_identified_contact_logs_the_persons_read(api, person):
    response = api(
        "post", "/encounters", {**BODY, "identity_level": "identified", "person": str(person.code)}
    )

    assert response.status_code == 201 and response.json()["person"] == str(person.code)
    assert AccessLogEntry.objects.filter(person_code=person.code, action="api_read").exists()


def test_another_organisations_person_or_place_is_404(api, charlie, team_b):
    from kohtaamo.testing.factories import PersonFactory

    stranger = PersonFactory(organisation=team_b.unit.organisation)
    far = Place.objects.create(organisation=team_b.unit.organisation, name_fi="Kaukana")

    person = api(
        "post",
        "/encounters",
        {**BODY, "identity_level": "identified", "person": str(stranger.code)},
    )
    place = api("post", "/encounters", {**BODY, "place": str(far.code)})

    assert person.status_code == 404 and place.status_code == 404
    assert Encounter.objects.count() == 0


def test_list_pages_with_next_links(api, alice):
    now = timezone.now()
    for i in range(5):
        api(
            "post",
            "/encounters",
            {**BODY, "started_at": (now - datetime.timedelta(hours=5 - i)).isoformat()},
        )

    first = api("get", "/encounters?limit=2").json()
    second = api("get", first["next"].removeprefix("/api/v1")).json()
    third = api("get", second["next"].removeprefix("/api/v1")).json()

    times = [i["started_at"] for i in first["items"] + second["items"] + third["items"]]
    assert len(times) == 5 and times == sorted(times) and third["next"] is None


def test_list_since_and_bad_cursor(api):
    old = (timezone.now() - datetime.timedelta(days=3)).isoformat()
    api("post", "/encounters", {**BODY, "started_at": old})
    api("post", "/encounters", BODY)

    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    recent = api("get", f"/encounters?since={since.replace('+', '%2B')}").json()
    bad = api("get", "/encounters?cursor=zzz")
    too_many = api("get", "/encounters?limit=5000")

    assert len(recent["items"]) == 1
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "cursor"
    assert too_many.status_code == 422


def test_read_only_and_outsiders(as_user, bob, charlie, manager):
    assert (
        as_user(bob).post("/api/v1/encounters", BODY, content_type="application/json").status_code
        == 403
    )
    assert as_user(bob).get("/api/v1/encounters").status_code == 200
    assert as_user(manager).get("/api/v1/encounters").status_code == 403
    assert as_user(charlie).get("/api/v1/encounters").json()["items"] == []


def test_instruments_are_listed_with_items(api):
    body = api("get", "/instruments").json()

    audit_c = next(i for i in body if i["key"] == "audit_c")
    assert [item["key"] for item in audit_c["items"]] == ["q1", "q2", "q3"]
    assert audit_c["items"][0]["options"][0]["value"] == 0


def test_scoring_returns_both_thresholds_without_sex_and_stores_nothing(api):
    response = api("post", "/instruments/audit_c/score", {"answers": {"q1": 2, "q2": 1, "q3": 2}})

    body = response.json()
    cutoff = body["cutoffs"]["fi_kaypahoito_2015"]
    assert response.status_code == 200 and body["scores"] == {"audit_c": 5}
    assert cutoff["positive"] is None
    assert cutoff["by_sex"] == {
        "male": {"threshold": 6, "positive": False},
        "female": {"threshold": 5, "positive": True},
    }
    assert body["screening_not_diagnosis"] is True


def test_scoring_bad_answers_is_422_naming_the_item(api):
    out_of_range = api(
        "post",
        "/instruments/audit/score",
        {"answers": {f"q{i}": 0 for i in range(1, 10)} | {"q10": 3}},
    )
    unknown = api("post", "/instruments/nope/score", {"answers": {}})

    assert out_of_range.status_code == 422
    assert out_of_range.json()["detail"] == [
        {"field": "answers.q10", "message": "value 3 is not among the options [0, 2, 4]"}
    ]
    assert unknown.status_code == 404


def test_every_desk_operation_has_an_example(client, db):
    doc = client.get("/api/v1/openapi.json").json()

    for path, method in [
        ("/api/v1/encounters", "post"), ("/api/v1/encounters", "get"),
        ("/api/v1/instruments", "get"), ("/api/v1/instruments/{key}/score", "post"),
    ]:  # fmt: skip
        operation = doc["paths"][path][method]
        text = json.dumps(operation) + json.dumps(doc["components"])
        assert "example" in text, (path, method)
    post = doc["paths"]["/api/v1/encounters"]["post"]
    assert post["requestBody"]["content"]["application/json"]["example"]["themes"] == [
        "income",
        "debt",
    ]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])


def test_a_post_with_an_idempotency_key_stays_within_its_query_budget(api):
    api("post", "/encounters", BODY, **{"Idempotency-Key": "warm-up"})  # first chain append
    body = {**BODY, "place": str(api.place.code)}
    responses = []

    queries = count_queries(
        lambda: responses.append(api("post", "/encounters", body, **{"Idempotency-Key": "k-2"}))
    )
    replay = count_queries(
        lambda: responses.append(api("post", "/encounters", body, **{"Idempotency-Key": "k-2"}))
    )

    assert [r.status_code for r in responses] == [201, 201]
    # token; key; memberships; taxonomy; place; (savepoint); encounter, workers, themes,
    # support; chain head, history entry, head update; key stored; (release)
    assert queries <= 15
    assert replay <= 2  # token and the stored key
    assert Encounter.objects.count() == 2 == IdempotencyKey.objects.count()
    assert ChangeEntry.objects.filter(object_type="encounters.encounter").count() == 2
