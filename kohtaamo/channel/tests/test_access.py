import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.audit.actions import Actor
from kohtaamo.channel import access
from kohtaamo.channel.actions.requests import RequestInput, create_contact_request
from kohtaamo.testing.factories import TeamFactory, member

pytestmark = pytest.mark.django_db

# who: (sees the chat, may act in its service, owns it)
MATRIX = {
    "alice": (True, True, True),
    "official": (True, True, False),
    "bob": (True, False, False),
    "charlie": (False, False, False),
    "manager": (False, False, False),
    "evaluator": (False, False, False),
    "administrator": (False, False, False),
    "partner_worker": (False, False, False),
}


@pytest.mark.parametrize("who", MATRIX)
def test_chat_gate_matrix(request, active_chat, who):
    session, _ = active_chat
    user = request.getfixturevalue(who)
    sees, acts, owns = MATRIX[who]

    def outcome(**kwargs):
        try:
            access.get_chat_for_worker(user, session.code, **kwargs)
        except Http404:
            return 404
        except PermissionDenied:
            return 403
        return 200

    assert outcome() == (200 if sees else 404)
    assert outcome(write=True) == (200 if acts else 403 if sees else 404)
    assert outcome(own=True) == (200 if owns else 403 if sees else 404)


def test_team_restricts_the_service(county, chat_service, alice):
    other_team = TeamFactory(unit=chat_service.unit, slug="other")
    colleague = member(county, "social_counsellor", team=other_team, username="olga")
    unit_wide = member(county, "social_counsellor", username="uma")

    assert list(access.chat_services_for(alice)) == [chat_service]
    assert not access.chat_services_for(colleague).exists()
    assert not access.chat_services_for(unit_wide).exists()  # no unit on the membership


def test_unit_level_member_answers_every_team_of_the_unit(county, chat_service):
    from kohtaamo.accounts.models import Membership, Role
    from kohtaamo.testing.factories import UserFactory

    lead = UserFactory(username="lead")
    Membership.objects.create(
        user=lead,
        organisation=county,
        unit=chat_service.unit,
        role=Role.objects.get(key="social_worker"),
    )

    assert list(access.chat_services_for(lead)) == [chat_service]
    assert lead in access.colleagues_for(chat_service)


def test_colleagues_are_the_services_writers(chat_service, alice, bob, official, charlie):
    colleagues = set(access.colleagues_for(chat_service, exclude=alice))

    assert colleagues == {official}


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [("alice", 200, 200), ("bob", 200, 403), ("charlie", 404, 404), ("manager", 404, 404)],
)
def test_request_gate_matrix(request, help_queue, who, read, write):
    contact = create_contact_request(
        RequestInput(topics=["food"], phone="040 555 0100"), queue=help_queue, actor=Actor.system()
    )
    user = request.getfixturevalue(who)

    def outcome(**kwargs):
        try:
            access.get_request_for_user(user, contact.code, **kwargs)
        except Http404:
            return 404
        except PermissionDenied:
            return 403
        return 200

    assert outcome() == read
    assert outcome(write=True) == write
