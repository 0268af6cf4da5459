"""Groups: leaders with and without accounts, members within service periods, capacity, meetings
and attendance (members only, never more than the members), change per group, and access."""

import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.casework import actions as casework
from kohtaamo.casework.queries import timeline, upcoming_meetings_for_person
from kohtaamo.groupwork import actions
from kohtaamo.groupwork.actions import GroupError
from kohtaamo.groupwork.models import Attendance, Group, GroupMember
from kohtaamo.instruments.models import Instrument
from kohtaamo.testing.helpers import assert_constant_queries

LOW = {f"q{i}": 2 for i in range(1, 9)}
HIGH = {f"q{i}": 5 for i in range(1, 9)}


def test_make_a_group_through_the_page(as_user, alice, team_a):
    response = as_user(alice).post(
        "/groups/new/",
        {"name": "Liikuntaryhmä", "kind": "activity", "starts_on": "2026-01-10",
         "ends_on": "2026-04-10", "capacity": "8", "team": team_a.pk},
    )  # fmt: skip

    group = Group.objects.get()
    assert response.status_code == 302 and group.unit == team_a.unit and group.capacity == 8


def test_a_group_form_names_the_bad_date(as_user, alice):
    response = as_user(alice).post(
        "/groups/new/",
        {"name": "Ryhmä", "kind": "peer", "starts_on": "2026-04-10", "ends_on": "2026-01-10"},
    )

    assert response.status_code == 200 and 'href="#id_ends_on"' in response.content.decode()
    assert not Group.objects.exists()


def test_members_are_linked_to_their_period_and_capacity_holds(
    group, members, alice, client_in_period
):
    assert all(m.period is not None for m in members)
    person, _m, _p = client_in_period()
    actions.add_member(Actor.for_user(alice), group, person=person, by=alice)

    extra, _m, _p = client_in_period()
    with pytest.raises(GroupError) as full:
        actions.add_member(Actor.for_user(alice), group, person=extra, by=alice)

    assert "full" in full.value.message
    assert ChangeEntry.objects.filter(
        object_type="groupwork.member", person_code=person.code
    ).exists()


def test_attendance_for_members_only_and_never_more_than_members(meeting, members, alice):
    with pytest.raises(GroupError) as too_many:
        actions.record_attendance(
            Actor.for_user(alice), meeting, by=alice,
            present=[m.code for m in members] + [members[0].code],
        )  # fmt: skip
    with pytest.raises(GroupError):
        actions.record_attendance(
            Actor.for_user(alice),
            meeting,
            by=alice,
            present=["00000000-0000-0000-0000-000000000000"],
        )
    rows = actions.record_attendance(
        Actor.for_user(alice), meeting, by=alice, present=[members[0].code]
    )

    meeting.refresh_from_db()
    assert "members" in too_many.value.message
    assert len(rows) == 3 and sum(r.present for r in rows) == 1
    assert meeting.status == "held" and Attendance.objects.count() == 3


def test_attendance_page_and_api(as_user, alice, meeting, members):
    client = as_user(alice)
    page = client.post(f"/groups/meetings/{meeting.code}/", {"present": [str(members[1].code)]})
    api_too_many = client.post(
        f"/api/v1/groups/meetings/{meeting.code}/attendance",
        {"present": [str(m.code) for m in members] * 2},
        content_type="application/json",
    )
    api_ok = client.post(
        f"/api/v1/groups/meetings/{meeting.code}/attendance",
        {"present": [str(m.code) for m in members]},
        content_type="application/json",
    )

    assert page.status_code == 302
    assert api_too_many.status_code == 422 and set(api_too_many.json()) == {"error", "detail"}
    assert api_ok.status_code == 200 and api_ok.json() == {"present": 3, "members": 3}


def test_a_leader_with_an_account_records_attendance_a_reader_cannot(
    as_user, bob, meeting, members, group
):
    actions.add_leader(Actor.for_user(bob), group, role="expert_by_experience", user=bob)
    assert (
        as_user(bob)
        .post(f"/groups/meetings/{meeting.code}/", {"present": [str(members[0].code)]})
        .status_code
        == 302
    )


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 200), ("charlie", 404),
                                             ("manager", 404)])  # fmt: skip
def test_group_page_access(request, as_user, group, who, status):
    assert as_user(request.getfixturevalue(who)).get(f"/groups/{group.code}/").status_code == status


def test_group_page_logs_members_and_queries_do_not_grow(as_user, alice, group, client_in_period):
    def add(n):
        for _ in range(n):
            person, _m, _p = client_in_period()
            actions.add_member(Actor.for_user(alice), group, person=person, by=alice)

    client = as_user(alice)
    assert_constant_queries(add, lambda: client.get(f"/groups/{group.code}/"))
    assert AccessLogEntry.objects.filter(object_type="groupwork.member").exists()


def test_change_per_group_from_paired_measurements(as_user, alice, group, members):
    eurohis = Instrument.objects.current().get(key="eurohis8")
    for member in members[:2]:
        casework.record_measurement(
            Actor.for_user(alice),
            member.period,
            by=alice,
            instrument=eurohis,
            answers=LOW,
            phase="start",
        )
        casework.record_measurement(
            Actor.for_user(alice),
            member.period,
            by=alice,
            instrument=eurohis,
            answers=HIGH,
            phase="end",
        )
    casework.record_measurement(
        Actor.for_user(alice),
        members[2].period,
        by=alice,
        instrument=eurohis,
        answers=LOW,
        phase="start",
    )

    response = as_user(alice).get(f"/groups/{group.code}/change/")

    assert response.context["mean_change"] == 3.0 and response.context["paired"] == 2
    assert "<svg" in response.content.decode()


def test_group_meetings_show_in_the_clients_upcoming_and_timeline(group, members, alice, meeting):
    actions.plan_meeting(
        Actor.for_user(alice), group, by=alice, at=timezone.now() + datetime.timedelta(days=7),
        place="Olohuone",
    )  # fmt: skip
    actions.record_attendance(Actor.for_user(alice), meeting, by=alice, present=[members[0].code])
    person = members[0].person

    upcoming = upcoming_meetings_for_person(person)
    events = timeline(person)

    assert [u.object_type for u in upcoming] == ["groupwork.meeting"]
    assert upcoming[0].title == "Arjen taidot"
    assert any(e.kind == "group" and e.obj.present for e in events)


def test_groupwork_clients_source(group, members, alice, meeting, county):
    from kohtaamo.evaluation.registry import Scope
    from kohtaamo.groupwork.evaluation_sources import clients

    member = members[0]
    casework.record_meeting(
        Actor.for_user(alice), member.matter, by=alice, kind="individual", status="held",
        at=timezone.now() - datetime.timedelta(hours=2), with_expert_by_experience=False,
    )  # fmt: skip
    actions.record_attendance(Actor.for_user(alice), meeting, by=alice, present=[member.code])
    today = timezone.localdate()
    scope = Scope(
        (county.pk,), today - datetime.timedelta(days=7), today + datetime.timedelta(days=1)
    )

    assert clients(scope) == {None: 3}
    assert clients(scope, individual_and_group=True) == {None: 1}
    assert clients(scope, peer_support=True) == {None: 1}  # the group has a peer instructor


def test_a_member_who_left_is_not_listed(as_user, alice, group, members):
    response = as_user(alice).post(f"/groups/{group.code}/members/{members[0].code}/remove/")

    assert response.status_code == 302
    assert GroupMember.objects.filter(group=group, left_on__isnull=True).count() == 2
