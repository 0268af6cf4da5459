"""The case-management API: the same gates and actions as the pages, the one error shape, 409 for a
stale plan and for an end measurement without a start, 403 with the reason for a non-official."""

import pytest

from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.casework.models import MatterMember
from kohtaamo.casework.tests.conftest import EUROHIS_HIGH, EUROHIS_LOW

API = "/api/v1"


def test_caseload_and_matter(as_user, alice, matter, person):
    client = as_user(alice)

    caseload = client.get(f"{API}/casework/caseload").json()
    detail = client.get(f"{API}/casework/matters/{matter.code}").json()

    assert caseload["count"] == 1 and caseload["rows"][0]["code"] == str(matter.code)
    assert detail["team"][0]["role"] == "responsible"
    assert AccessLogEntry.objects.filter(action="api_read", person_code=person.code).exists()


def test_outsider_gets_404_in_the_error_shape(as_user, charlie, matter):
    response = as_user(charlie).get(f"{API}/casework/matters/{matter.code}")

    assert response.status_code == 404 and set(response.json()) == {"error", "detail"}


def test_plan_patch_with_a_stale_version_is_a_409_with_the_differences(as_user, alice, plan):
    client = as_user(alice)
    first = client.patch(
        f"{API}/casework/plans/{plan.code}",
        {"version": plan.version, "client_view": "Ensimmäinen"},
        content_type="application/json",
    )
    stale = client.patch(
        f"{API}/casework/plans/{plan.code}",
        {"version": plan.version, "client_view": "Toinen"},
        content_type="application/json",
    )

    assert first.status_code == 200 and first.json()["version"] == plan.version + 1
    body = stale.json()
    assert stale.status_code == 409 and body["error"] == "conflict"
    assert body["detail"]["differences"] == [
        {"field": "client_view", "saved": "Ensimmäinen", "yours": "Toinen"}
    ]
    plan.refresh_from_db()
    assert plan.client_view == "Ensimmäinen"


def test_plan_patch_validation_is_422(as_user, alice, plan):
    response = as_user(alice).patch(
        f"{API}/casework/plans/{plan.code}", {"review_on": "soon"}, content_type="application/json"
    )

    assert response.status_code == 422 and response.json()["error"] == "validation_error"


def test_goals_steps_and_a_partner_marks_their_step(as_user, alice, plan, matter, partner_worker):
    client = as_user(alice)
    member = client.post(
        f"{API}/casework/matters/{matter.code}/members",
        {"user": str(partner_worker.code), "role": "partner", "title": "Kela"},
        content_type="application/json",
    )
    goal = client.post(
        f"{API}/casework/plans/{plan.code}/goals", {"text": "Haluan töihin."},
        content_type="application/json",
    )  # fmt: skip
    step = client.post(
        f"{API}/casework/plans/{plan.code}/steps",
        {
            "what": "Käsittele hakemus",
            "responsibility": "other",
            "assignee": str(partner_worker.code),
        },
        content_type="application/json",
    )
    done = as_user(partner_worker).post(
        f"{API}/casework/steps/{step.json()['code']}/done", {"done": True},
        content_type="application/json",
    )  # fmt: skip

    assert member.status_code == 201 and MatterMember.objects.filter(role="partner").exists()
    assert goal.status_code == 201 and step.status_code == 201 and done.status_code == 200


def test_a_counsellor_gets_403_with_the_reason_when_signing(as_user, alice, official, decision):
    refused = as_user(alice).post(f"{API}/casework/decisions/{decision.code}/sign")
    signed = as_user(official).post(f"{API}/casework/decisions/{decision.code}/sign")

    assert refused.status_code == 403 and "official" in refused.json()["detail"]
    assert signed.status_code == 200


def test_measurements_end_before_start_is_409_and_bad_answers_422(as_user, alice, period):
    client = as_user(alice)
    url = f"{API}/casework/periods/{period.code}/measurements"

    early = client.post(
        url, {"instrument": "eurohis8", "phase": "end", "answers": EUROHIS_HIGH},
        content_type="application/json",
    )  # fmt: skip
    bad = client.post(
        url, {"instrument": "eurohis8", "phase": "start", "answers": {"q1": 9}},
        content_type="application/json",
    )  # fmt: skip
    start = client.post(
        url, {"instrument": "eurohis8", "phase": "start", "answers": EUROHIS_LOW},
        content_type="application/json",
    )  # fmt: skip

    assert early.status_code == 409 and "start measurement" in early.json()["detail"]
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"].startswith("answers.")
    assert start.status_code == 201 and start.json()["scores"]["mean"] == 2.0


def test_tasks_and_quality_answers(as_user, alice, manager):
    assert as_user(alice).get(f"{API}/casework/tasks").json() == []
    ok = as_user(alice).post(
        f"{API}/quality/answers", {"rater": "professional", "ratings": {"p1_1": 5}},
        content_type="application/json",
    )  # fmt: skip
    bad = as_user(alice).post(
        f"{API}/quality/answers", {"rater": "professional", "ratings": {"p1_1": 7}},
        content_type="application/json",
    )  # fmt: skip
    forbidden = as_user(alice).post(
        f"{API}/quality/answers", {"rater": "management", "ratings": {"m1_1": 5}},
        content_type="application/json",
    )  # fmt: skip

    assert ok.status_code == 201 and bad.status_code == 422 and forbidden.status_code == 403


@pytest.mark.parametrize("path", ["/casework/caseload", "/casework/tasks"])
def test_unauthenticated_is_401(client, db, path):
    assert client.get(f"{API}{path}").status_code == 401


def test_every_casework_operation_is_documented_with_examples(client, db):
    doc = client.get(f"{API}/openapi.json").json()

    ours = {p: ops for p, ops in doc["paths"].items() if "/casework/" in p or "/quality/" in p
            or "/groups/" in p}  # fmt: skip
    assert len(ours) >= 12
    for ops in ours.values():
        for op in ops.values():
            assert op.get("summary"), op
