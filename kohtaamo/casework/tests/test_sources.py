"""Indicator sources for the evaluation dashboards, and the reads the client channel uses."""

import datetime

import pytest
from django.utils import timezone

from kohtaamo.casework import actions
from kohtaamo.casework import evaluation_sources as sources
from kohtaamo.casework.queries import plans_for_person, upcoming_meetings_for_person
from kohtaamo.casework.tests.conftest import act


@pytest.fixture
def scope(county):
    from kohtaamo.evaluation.registry import Scope

    today = timezone.localdate()
    return Scope(
        (county.pk,), today - datetime.timedelta(days=30), today + datetime.timedelta(days=1)
    )


def test_sources_are_discovered_by_the_evaluation_app():
    from kohtaamo.evaluation.registry import autodiscover, get_source

    autodiscover()

    for key in ("casework.clients", "casework.ended_clients", "instruments.score_change_sum",
                "quality.ratings_n", "groupwork.clients"):  # fmt: skip
        assert get_source(key) is not None, key


def test_clients_with_flags(scope, matter, plan, alice, team_a):
    actions.add_goal(act(alice), plan, text="Haluan töihin.", life_area="work")
    actions.agree_plan(act(alice), plan, agreed_on=timezone.localdate(), agreed_how="meeting")

    assert sources.clients(scope) == {None: 1}
    assert sources.clients(scope, "unit", named_worker=True) == {team_a.unit_id: 1}
    assert sources.clients(scope, with_joint_plan=True) == {None: 1}
    assert sources.clients(scope, plan_and_decision=True) == {}
    assert sources.clients(scope, segment_recorded=True) == {}
    assert sources.clients(scope.narrowed(channel="chat")) == {}


def test_caseload_per_worker_sources(scope, make_matter):
    make_matter(3)

    assert sources.open_clients(scope) == {None: 3}
    assert sources.responsible_workers(scope) == {None: 1}


def test_ended_clients_and_continuation(scope, matter, measured, alice):
    actions.end_matter(
        act(alice), matter, by=alice, reason="goals_reached", summary="Valmis",
        continuation_kind="study",
    )  # fmt: skip

    assert sources.ended_clients(scope) == {None: 1}
    assert sources.ended_clients(scope, continuation=True) == {None: 1}
    assert sources.ended_clients(scope, work_or_study=True) == {None: 1}
    assert sources.ended_clients(scope, assessed_start_end=True) == {None: 1}
    assert list(sources.ended_client_months(scope)) == [None]


def test_score_change_sources(scope, measured):
    assert sources.score_change_sum(scope, instrument="eurohis8") == {None: 2.0}
    assert sources.score_change_n(scope, "organisation", instrument="eurohis8") == {
        measured.matter.organisation_id: 1
    }


def test_assessments_goals_follow_ups_and_first_contacts(scope, matter, plan, alice, county):
    draft = actions.create_assessment(act(alice), matter, by=alice)
    goal = actions.add_goal(act(alice), plan, text="Tavoite")
    actions.review_goal(act(alice), goal, status="reached")
    actions.create_task(
        act(alice), by=alice, organisation=county, title="Soita", kind="follow_up",
        due_on=timezone.localdate(), matter=matter,
    )  # fmt: skip
    notification = actions.create_contact_notification(
        act(alice), person=matter.person, organisation=county, by=alice, sender_role="kela",
        consent="given", reason="Tarve", matter=matter,
    )  # fmt: skip
    actions.take_contact_notification(act(alice), notification, by=alice)

    assert sources.assessments(scope) == {None: 1} and draft.edition == 1
    assert sources.assessments(scope, reuses_earlier=True) == {}
    assert sources.goals(scope, reached=True) == {None: 1}
    assert sources.follow_ups(scope) == {None: 1}
    assert sources.follow_ups(scope, done_on_time=True) == {}
    assert sources.first_contacts(scope) == {None: 1}
    assert sources.first_contact_days(scope) == {None: 0}


def test_plans_and_upcoming_meetings_for_the_client_channel(matter, plan, alice, person):
    actions.add_goal(act(alice), plan, text="Haluan oman asunnon.")
    soon = timezone.now() + datetime.timedelta(days=2)
    actions.record_meeting(
        act(alice), matter, by=alice, kind="individual", at=soon, place="Olohuone"
    )
    actions.record_meeting(
        act(alice), matter, by=alice, kind="phone", status="held",
        at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip

    plans = plans_for_person(person)
    upcoming = upcoming_meetings_for_person(person)

    assert [p.pk for p in plans] == [plan.pk]
    assert [g.text for g in plans[0].goals.all()] == ["Haluan oman asunnon."]
    assert len(upcoming) == 1 and upcoming[0].place == "Olohuone"
    assert upcoming[0].object_type == "casework.support_meeting"


def test_every_indicator_on_our_sources_computes(scope, measured, plan, alice, matter):
    """The evaluation app's indicators that name our sources get values (or honest "no data")."""
    import json

    from kohtaamo.evaluation import indicators
    from kohtaamo.evaluation.registry import autodiscover

    autodiscover()
    actions.add_goal(act(alice), plan, text="Tavoite")
    data = json.loads(indicators.DATA_FILE.read_text(encoding="utf-8"))
    ours = ("casework.", "groupwork.", "instruments.", "quality.")
    keys = [
        i["key"]
        for i in data["indicators"]
        if i["numerator"]["source"].startswith(ours)
        or (i.get("denominator") or {}).get("source", "").startswith(ours)
    ]
    assert len(keys) >= 15
    for key in keys:
        ind = indicators.get(key)
        assert ind.measurable, key
        indicators.value(ind, scope, "total")
        indicators.values(ind, scope, "unit")
    value = indicators.value(indicators.get("eurohis8_mean_change"), scope.narrowed(), "total")
    assert value is not None
