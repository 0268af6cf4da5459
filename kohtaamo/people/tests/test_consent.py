"""Consents: recorded with history, active until withdrawn or expired, withdrawn through the
person's gate; contact codes carried over to one person only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import ChangeEntry
from kohtaamo.people import contact_code
from kohtaamo.people.consent import Consent
from kohtaamo.people.consent_actions import link_contact_code, record_consent, withdraw_consent
from kohtaamo.testing.factories import PersonFactory


@pytest.fixture
def consent(alice, person):
    return record_consent(
        Actor.for_user(alice), person, scope="recording", purpose="Neuvonta", recorded_by=alice
    )


def test_recording_a_consent_writes_history(consent, person):
    entry = ChangeEntry.objects.get(object_type="people.consent")

    assert entry.person_code == person.code and entry.action == "create"
    assert entry.changes["scope"] == [None, "recording"]
    assert consent.is_active and Consent.objects.active().get() == consent


def test_a_consent_expires_after_valid_until(alice, person):
    past = record_consent(
        Actor.for_user(alice), person, scope="sharing", purpose="Kela", recorded_by=alice,
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )  # fmt: skip

    assert not past.is_active and not Consent.objects.active().exists()


def test_withdrawing_keeps_the_row_and_is_idempotent(alice, consent):
    withdraw_consent(Actor.for_user(alice), consent, by=alice)
    first = consent.withdrawn_at
    withdraw_consent(Actor.for_user(alice), consent, by=alice)

    consent.refresh_from_db()
    assert consent.withdrawn_at == first and consent.withdrawn_by == alice
    assert not consent.is_active
    assert ChangeEntry.objects.filter(object_type="people.consent", action="update").count() == 1


@pytest.mark.parametrize(("who", "status"), [("alice", 302), ("bob", 403), ("charlie", 404)])
def test_withdraw_view_follows_the_person_gate(request, as_user, consent, who, status):
    response = as_user(request.getfixturevalue(who)).post(
        f"/people/consents/{consent.code}/withdraw/"
    )

    consent.refresh_from_db()
    assert response.status_code == status
    assert (consent.withdrawn_at is not None) == (status == 302)


def test_withdraw_needs_post(as_user, alice, consent):
    assert as_user(alice).get(f"/people/consents/{consent.code}/withdraw/").status_code == 405


def test_a_contact_code_belongs_to_one_person(alice, person, county):
    code_hash = contact_code.hash_code("KALA-4821")
    link_contact_code(Actor.for_user(alice), person, code_hash, by=alice)
    link_contact_code(Actor.for_user(alice), person, code_hash, by=alice)  # again: no change

    with pytest.raises(ValidationError):
        link_contact_code(
            Actor.for_user(alice), PersonFactory(organisation=county), code_hash, by=alice
        )
    assert person.contact_codes.count() == 1


def test_the_same_code_may_belong_to_someone_in_another_county(
    alice, charlie, person, other_county
):
    code_hash = contact_code.hash_code("KALA-4821")
    stranger = PersonFactory(organisation=other_county)

    link_contact_code(Actor.for_user(alice), person, code_hash, by=alice)
    link_contact_code(Actor.for_user(charlie), stranger, code_hash, by=charlie)

    assert person.contact_codes.count() == 1 and stranger.contact_codes.count() == 1


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("KALA-4821", "KALA-4821"), ("kala 4821", "KALA-4821"), ("Kala4821", "KALA-4821"),
     (" kala_4821 ", "KALA-4821"), ("4821-KALA", ""), ("KALA-482", ""), ("", "")],
)  # fmt: skip
def test_contact_codes_normalise(typed, normalised):
    assert contact_code.normalise(typed) == normalised


def test_generated_codes_are_easy_to_say_and_avoid_clashes():
    taken = set()
    codes = [contact_code.generate(lambda h: h in taken) for _ in range(50)]

    for code in codes:
        word, digits = code.split("-")
        assert word in contact_code.WORDS and len(digits) == 4 and digits.isdigit()
        assert not set(word) & set("ÅÄÖQWXZ")
    assert contact_code.hash_code(codes[0]) == contact_code.hash_code(codes[0].lower())
