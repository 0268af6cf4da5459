"""The person gate, tested as a matrix of roles: who sees, who may edit, who gets 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.people.access import get_person_for_user, people_visible_to

# fixture name -> (can view, can edit)
MATRIX = {
    "alice": (True, True),  # social counsellor in the person's county
    "official": (True, True),  # social worker in an official post
    "bob": (True, False),  # read-only teammate
    "charlie": (False, False),  # worker of another organisation
    "manager": (False, False),  # aggregates only, never a client's details
    "evaluator": (False, False),
    "administrator": (False, False),  # configuration, no client data by default
    "partner_worker": (False, False),
}


@pytest.mark.parametrize(("who", "expected"), MATRIX.items())
def test_gate_matrix(request, person, who, expected):
    user = request.getfixturevalue(who)
    can_view, can_edit = expected

    if can_view:
        assert get_person_for_user(user, person.code) == person
    else:
        with pytest.raises(Http404):
            get_person_for_user(user, person.code)
    if can_edit:
        assert get_person_for_user(user, person.code, write=True) == person
    elif can_view:
        with pytest.raises(PermissionDenied):
            get_person_for_user(user, person.code, write=True)


@pytest.mark.parametrize(("who", "expected"), MATRIX.items())
def test_views_follow_the_matrix(request, as_user, person, who, expected):
    client = as_user(request.getfixturevalue(who))
    can_view, can_edit = expected

    detail = client.get(f"/people/{person.code}/")
    edit = client.get(f"/people/{person.code}/edit/")
    api = client.get(f"/api/v1/people/{person.code}")

    assert detail.status_code == (200 if can_view else 404)
    assert edit.status_code == (200 if can_edit else 403 if can_view else 404)
    assert api.status_code == (200 if can_view else 404)
    if not can_view:
        assert "Meikäläinen" not in detail.content.decode()
        assert api.json() == {"error": "not_found", "detail": "No such object, or no access to it."}


def test_inactive_membership_gives_no_access(alice, person):
    alice.memberships.update(is_active=False)
    alice.refresh_from_db()

    with pytest.raises(Http404):
        get_person_for_user(alice, person.code)


def test_visible_queryset_is_scoped_to_the_organisation(alice, charlie, person):
    from kohtaamo.testing.factories import PersonFactory

    theirs = PersonFactory(organisation=charlie.memberships.get().organisation)

    assert list(people_visible_to(alice)) == [person]
    assert list(people_visible_to(charlie)) == [theirs]
