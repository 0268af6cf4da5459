"""Client matters and contact notifications: only an official starts the assessment, the queue
in "my day", taking a notification, and the gates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.casework import actions
from kohtaamo.casework.access import get_matter_for_user, get_notification_for_user


@pytest.fixture
def matter(alice, person, team_a):
    return actions.open_client_matter(
        Actor.for_user(alice), person, by=alice, source="encounter", team=team_a, special_group=True,
        pending_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC),
    )  # fmt: skip


@pytest.fixture
def notification(alice, person, team_a, matter):
    return actions.create_contact_notification(
        Actor.for_user(alice), person=person, organisation=person.organisation, by=alice,
        sender_role="social_welfare", consent="given", reason="Tarvitsee arvion", matter=matter,
        team=team_a,
    )  # fmt: skip


def test_opening_a_matter_sets_the_deadline_and_writes_history(matter, person):
    assert matter.assessment_start_by == datetime.date(2026, 3, 11)
    assert matter.unit == matter.team.unit
    entry = ChangeEntry.objects.get(object_type="casework.matter")
    assert entry.person_code == person.code and entry.changes["special_group"] == [None, True]


def test_only_an_official_starts_the_assessment(matter, alice, official):
    with pytest.raises(PermissionDenied):
        actions.start_assessment(Actor.for_user(alice), matter, by=alice)

    actions.start_assessment(Actor.for_user(official), matter, by=official)

    matter.refresh_from_db()
    assert matter.assessment_started_by == official and matter.assessment_started_at


@pytest.mark.parametrize(
    ("who", "status"), [("official", 302), ("alice", 403), ("bob", 403), ("charlie", 404)]
)
def test_start_assessment_view(request, as_user, matter, who, status):
    response = as_user(request.getfixturevalue(who)).post(
        f"/casework/matters/{matter.code}/start-assessment/"
    )

    matter.refresh_from_db()
    assert response.status_code == status
    assert (matter.assessment_started_at is not None) == (status == 302)


def test_my_day_lists_the_deadline_and_the_queue_with_access_log(
    as_user, bob, notification, person
):
    response = as_user(bob).get("/my-day/")

    names = [s["name"] for s in response.context["sections"]]
    assert "casework-deadlines" in names and "casework-queue" in names
    body = response.content.decode()
    assert 'data-testid="myday-queue"' in body and "Meikäläinen" in body
    assert "start at the latest on 11.3.2026" in body or "overdue" in body
    logged = set(
        AccessLogEntry.objects.filter(person_code=person.code, username="bob").values_list(
            "object_type", flat=True
        )
    )
    assert logged == {"casework.matter", "casework.contact_notification"}


def test_taking_a_notification_makes_the_taker_responsible(as_user, alice, notification, matter):
    response = as_user(alice).post(
        f"/casework/notifications/{notification.code}/take/", {"next": "/my-day/"}
    )

    notification.refresh_from_db()
    matter.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == "/my-day/"
    assert notification.status == "taken" and notification.taken_by == alice
    assert matter.responsible_worker == alice


def test_an_outside_next_is_not_followed(as_user, alice, notification, person):
    response = as_user(alice).post(
        f"/casework/notifications/{notification.code}/take/", {"next": "https://evil.example/"}
    )

    assert response["Location"] == person.get_absolute_url()


@pytest.mark.parametrize(("who", "view", "write"), [
    ("alice", True, True), ("bob", True, False), ("charlie", False, False), ("manager", False, False),
])  # fmt: skip
def test_gates(request, matter, notification, who, view, write):
    from django.http import Http404

    user = request.getfixturevalue(who)
    for gate, obj in ((get_matter_for_user, matter), (get_notification_for_user, notification)):
        if not view:
            with pytest.raises(Http404):
                gate(user, obj.code)
            continue
        assert gate(user, obj.code) == obj
        if write:
            assert gate(user, obj.code, write=True) == obj
        else:
            with pytest.raises(PermissionDenied):
                gate(user, obj.code, write=True)
