"""The gates: owner (alice, write), read-only teammate (bob), outsider (charlie), manager (no client
access), partner worker (only the plan steps assigned to them), and a team member from elsewhere."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.casework import access, actions
from kohtaamo.casework.models import MatterMember
from kohtaamo.casework.tests.conftest import act

GATES = [
    ("matter", access.get_matter_for_user),
    ("plan", access.get_plan_for_user),
    ("signed_assessment", access.get_assessment_for_user),
    ("decision", access.get_decision_for_user),
    ("period", access.get_period_for_user),
]


@pytest.mark.parametrize(("who", "view", "write"), [
    ("alice", True, True), ("official", True, True), ("bob", True, False),
    ("charlie", False, False), ("manager", False, False), ("partner_worker", False, False),
])  # fmt: skip
@pytest.mark.parametrize(("fixture", "gate"), GATES)
def test_document_gates(request, who, view, write, fixture, gate):
    obj = request.getfixturevalue(fixture)
    user = request.getfixturevalue(who)

    if not view:
        with pytest.raises(Http404):
            gate(user, obj.code)
        return
    assert gate(user, obj.code) == obj
    if write:
        assert gate(user, obj.code, write=True) == obj
    else:
        with pytest.raises(PermissionDenied):
            gate(user, obj.code, write=True)


def test_only_an_official_passes_the_official_gate_and_the_refusal_says_why(
    decision, alice, official
):
    with pytest.raises(PermissionDenied) as refused:
        access.get_decision_for_user(alice, decision.code, official=True)

    assert "official" in str(refused.value.args[0])
    assert access.get_decision_for_user(official, decision.code, official=True) == decision


def test_a_partner_member_sees_only_the_steps_assigned_to_them(plan, matter, alice, partner_worker):
    actions.add_member(act(alice), matter, partner_worker, role=MatterMember.Role.PARTNER, by=alice)
    mine = actions.add_step(act(alice), plan, what="Käsittele hakemus", assignee=partner_worker)
    other = plan.steps.exclude(pk=mine.pk).first()

    assert access.get_step_for_user(partner_worker, mine.code, write=True) == mine
    with pytest.raises(Http404):
        access.get_step_for_user(partner_worker, other.code)
    for gate, obj in ((access.get_matter_for_user, matter), (access.get_plan_for_user, plan)):
        with pytest.raises(Http404):
            gate(partner_worker, obj.code)
    assert list(access.partner_steps_for(partner_worker)) == [mine]


def test_a_partner_who_left_the_team_sees_nothing(plan, matter, alice, partner_worker):
    member = actions.add_member(
        act(alice), matter, partner_worker, role=MatterMember.Role.PARTNER, by=alice
    )
    step = actions.add_step(act(alice), plan, what="Käsittele hakemus", assignee=partner_worker)
    actions.end_member(act(alice), member)

    with pytest.raises(Http404):
        access.get_step_for_user(partner_worker, step.code)


def test_a_team_member_from_another_organisation_sees_and_records(matter, alice, charlie):
    actions.add_member(act(alice), matter, charlie, role=MatterMember.Role.TEAM, by=alice)

    assert access.get_matter_for_user(charlie, matter.code, write=True) == matter
    assert not access.is_official_in(charlie, matter.organisation_id)


def test_anonymous_users_see_nothing(matter, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not access.matters_visible_to(AnonymousUser()).exists()
    with pytest.raises(Http404):
        access.get_matter_for_user(AnonymousUser(), matter.code)


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 200), ("charlie", 404)])
def test_matter_page_access(request, as_user, matter, who, status):
    response = as_user(request.getfixturevalue(who)).get(f"/casework/matters/{matter.code}/")

    assert response.status_code == status
