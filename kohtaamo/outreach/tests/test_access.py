"""The outreach gates: who sees a shift, who records on it, who acknowledges its alerts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.outreach import access, actions


@pytest.mark.parametrize(
    "who, read, write",
    [
        ("alice", "ok", "ok"),  # a worker on the shift
        ("anna", "ok", "ok"),  # the pair worker
        ("bob", "ok", 403),  # read-only teammate
        ("official", "ok", 403),  # a colleague with write access but not on the shift
        ("manager", "ok", 403),  # the on-call person
        ("evaluator", 404, 404),  # pseudonymised only: figures, not the board
        ("administrator", 404, 404),
        ("charlie", 404, 404),  # another organisation
        ("partner_worker", 404, 404),
    ],
)
def test_shift_gate(request, shift, who, read, write):
    user = request.getfixturevalue(who)

    def outcome(write_flag):
        try:
            access.get_shift_for_user(user, shift.code, write=write_flag)
        except Http404:
            return 404
        except PermissionDenied:
            return 403
        return "ok"

    assert (outcome(False), outcome(True)) == (read, write)


@pytest.mark.parametrize(
    "who, expected",
    [
        ("alice", "ok"),
        ("manager", "ok"),  # on call
        ("official", "ok"),  # write member of the organisation
        ("bob", 403),
        ("charlie", 404),
    ],
)
def test_alert_gate_for_acknowledging(request, active_shift, alice, who, expected):
    alert = actions.ask_for_help(active_shift, by=alice)
    user = request.getfixturevalue(who)

    try:
        access.get_alert_for_user(user, alert.code, write=True)
        result = "ok"
    except Http404:
        result = 404
    except PermissionDenied:
        result = 403

    assert result == expected


def test_on_call_person_of_another_organisation_still_sees_the_shift(
    team_a, alice, anna, charlie, place
):
    from kohtaamo.outreach.tests.conftest import make_shift

    shift = make_shift(team_a, [alice, anna], charlie, place=place)

    assert access.get_shift_for_user(charlie, shift.code) == shift
    with pytest.raises(PermissionDenied):
        access.get_shift_for_user(charlie, shift.code, write=True)


@pytest.mark.parametrize("who, expected", [("alice", "ok"), ("bob", "ok"), ("charlie", 404)])
def test_place_gate(request, outreach_place, who, expected):
    user = request.getfixturevalue(who)
    try:
        access.get_place_for_user(user, outreach_place.place.code)
        result = "ok"
    except Http404:
        result = 404

    assert result == expected


def test_place_gate_write_is_for_writers(bob, alice, outreach_place):
    with pytest.raises(PermissionDenied):
        access.get_place_for_user(bob, outreach_place.place.code, write=True)

    assert access.get_place_for_user(alice, outreach_place.place.code, write=True) == outreach_place


def test_views_give_404_to_outsiders_and_403_to_read_only(as_user, bob, charlie, active_shift):
    url = f"/outreach/shift/{active_shift.code}/"

    assert as_user(charlie).get(url).status_code == 404
    assert as_user(charlie).post(url + "check-in/", {"next_minutes": 30}).status_code == 404
    assert as_user(bob).get(url).status_code == 200
    assert as_user(bob).post(url + "check-in/", {"next_minutes": 30}).status_code == 403
    assert as_user(bob).get(url + "contact/").status_code == 403
    assert as_user(bob).post(url + "help/").status_code == 403
