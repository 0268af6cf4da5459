"""The desk's gate as a matrix: who sees a contact, who may record and identify, who gets 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.encounters.access import counts_org_ids, get_encounter_for_user

MATRIX = {
    "alice": (True, True),
    "official": (True, True),
    "bob": (True, False),
    "charlie": (False, False),
    "manager": (False, False),
    "evaluator": (False, False),
    "administrator": (False, False),
    "partner_worker": (False, False),
}


@pytest.mark.parametrize(("who", "expected"), MATRIX.items())
def test_gate_matrix(request, make_encounter, who, expected):
    encounter = make_encounter().encounter
    user = request.getfixturevalue(who)
    can_view, can_write = expected

    if can_view:
        assert get_encounter_for_user(user, encounter.code) == encounter
    else:
        with pytest.raises(Http404):
            get_encounter_for_user(user, encounter.code)
    if can_write:
        assert get_encounter_for_user(user, encounter.code, write=True) == encounter
    elif can_view:
        with pytest.raises(PermissionDenied):
            get_encounter_for_user(user, encounter.code, write=True)


@pytest.mark.parametrize(("who", "expected"), MATRIX.items())
def test_views_follow_the_matrix(request, as_user, make_encounter, who, expected):
    encounter = make_encounter().encounter
    client = as_user(request.getfixturevalue(who))
    can_view, can_write = expected

    detail = client.get(f"/desk/{encounter.code}/")
    identify = client.get(f"/desk/{encounter.code}/identify/")
    new = client.get("/desk/new/")

    assert detail.status_code == (200 if can_view else 404)
    assert identify.status_code == (200 if can_write else 403 if can_view else 404)
    # charlie records contacts too, in his own organisation
    assert new.status_code == (200 if who in ("alice", "official", "charlie") else 403)


def test_counts_are_open_to_staff_and_to_roles_that_see_aggregates(
    alice, bob, manager, evaluator, charlie, county
):
    assert counts_org_ids(alice) == {county.pk}
    assert counts_org_ids(bob) == {county.pk}
    assert counts_org_ids(manager) == {county.pk}
    assert counts_org_ids(evaluator) == {county.pk}
    assert county.pk not in counts_org_ids(charlie)


def test_outsiders_cannot_undo_or_identify_by_post(as_user, charlie, make_encounter):
    encounter = make_encounter().encounter
    client = as_user(charlie)

    assert client.post(f"/desk/{encounter.code}/undo/").status_code == 404
    assert client.post(f"/desk/{encounter.code}/identify/", {}).status_code == 404
    assert client.post(f"/desk/{encounter.code}/feedback-card/").status_code == 404
