"""Graduated identity (/desk/<code>/identify/): find or create the person, consent, carry earlier
contacts over, open the client matter with its § 36 deadline, and the contact notification."""

import datetime
import html

import time_machine
from django.utils import timezone

from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.casework.models import ClientMatter, ContactNotification
from kohtaamo.encounters.models import Encounter
from kohtaamo.people import contact_code
from kohtaamo.people.consent import Consent, ContactCode
from kohtaamo.people.hetu import make_hetu
from kohtaamo.people.models import Person

NEW_PERSON = {
    "person_choice": "new",
    "first_name": "Veera",
    "last_name": "Vierailija",
    "consent_recording": "on",
    "consent_purpose": "Neuvonta ja palvelutarpeen arviointi",
    "consent_given_by": "client",
    "consent_method": "oral",
    "notification_consent": "given",
    "open_matter": "on",
    "reason": "Toimeentulo ja asuminen",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_pseudonymous_visitor_becomes_a_client(as_user, alice, team_a, make_encounter):
    first = make_encounter(identity_level="pseudonymous", new_contact_code=True)
    code = first.new_contact_code
    older = make_encounter(identity_level="pseudonymous", contact_code=code).encounter
    encounter = make_encounter(identity_level="pseudonymous", contact_code=code).encounter
    client = as_user(alice)

    page = client.get(f"/desk/{encounter.code}/identify/")
    response = client.post(
        f"/desk/{encounter.code}/identify/",
        {**NEW_PERSON, "carry_over": [str(first.encounter.code)], "team": team_a.pk},
    )

    person = Person.objects.get(last_name="Vierailija")
    assert page.status_code == 200 and str(older.code) in text(page)
    assert response.status_code == 302 and response["Location"] == f"/desk/{encounter.code}/"
    encounter.refresh_from_db()
    first.encounter.refresh_from_db()
    older.refresh_from_db()
    assert encounter.person == person and encounter.identity_level == "identified"
    assert first.encounter.person == person  # carried over, as ticked
    assert older.person is None and older.identity_level == "pseudonymous"  # not ticked
    assert encounter.result == "client_matter"
    assert ContactCode.objects.get(person=person).code_hash == contact_code.hash_code(code)
    consent = Consent.objects.get(person=person)
    assert consent.scope == "recording" and consent.recorded_by == alice
    assert consent.source_ref == encounter.code and consent.is_active
    matter = ClientMatter.objects.get(person=person)
    assert matter.team == team_a and matter.source == "encounter" and matter.status == "open"
    assert matter.assessment_start_by is None and matter.assessment_started_at is None
    notification = ContactNotification.objects.get(person=person)
    assert notification.status == "waiting" and notification.team == team_a
    assert notification.matter == matter and notification.consent == "given"
    types = set(
        ChangeEntry.objects.filter(person_code=person.code).values_list("object_type", flat=True)
    )
    assert types == {
        "people.person", "people.contact_code", "people.consent", "encounters.encounter",
        "casework.matter", "casework.contact_notification",
    }  # fmt: skip


@time_machine.travel(datetime.datetime(2026, 4, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_special_groups_get_the_seventh_working_day_deadline(as_user, alice, make_encounter):
    encounter = make_encounter().encounter
    client = as_user(alice)

    client.post(f"/desk/{encounter.code}/identify/", {**NEW_PERSON, "special_group": "on"})
    detail = client.get(f"/desk/{encounter.code}/")

    matter = ClientMatter.objects.get()
    # Wed 1.4.2026 pending; Good Friday 3.4 and Easter Monday 6.4 are holidays:
    # Thu 2, Tue 7, Wed 8, Thu 9, Fri 10, Mon 13, Tue 14 → the 7th working day is 14.4.2026.
    assert matter.assessment_start_by == datetime.date(2026, 4, 14)
    assert 'data-testid="deadline"' in text(detail)
    assert "must start at the latest on 14.4.2026" in text(detail)


def test_an_official_may_start_the_assessment_at_once(as_user, official, make_encounter):
    encounter = make_encounter(by=official).encounter
    client = as_user(official)

    page = client.get(f"/desk/{encounter.code}/identify/")
    client.post(f"/desk/{encounter.code}/identify/", {**NEW_PERSON, "start_assessment": "on"})

    assert 'name="start_assessment"' in text(page)
    matter = ClientMatter.objects.get()
    assert matter.assessment_started_at is not None and matter.assessment_started_by == official
    notification = ContactNotification.objects.get()
    assert notification.status == "taken" and notification.taken_by == official


def test_a_counsellor_cannot_start_the_assessment(as_user, alice, make_encounter):
    encounter = make_encounter().encounter
    client = as_user(alice)

    page = client.get(f"/desk/{encounter.code}/identify/")
    client.post(f"/desk/{encounter.code}/identify/", {**NEW_PERSON, "start_assessment": "on"})

    assert 'name="start_assessment"' not in text(page)
    assert ClientMatter.objects.get().assessment_started_at is None
    assert ContactNotification.objects.get().status == "waiting"


def test_an_existing_person_is_found_by_search_and_chosen(as_user, alice, person, make_encounter):
    encounter = make_encounter().encounter
    client = as_user(alice)

    page = client.post(f"/desk/{encounter.code}/identify/", {"intent": "search", "q": "Meik"})
    client.post(
        f"/desk/{encounter.code}/identify/",
        {**NEW_PERSON, "person_choice": str(person.code), "open_matter": "", "reason": ""},
    )

    assert f'value="{person.code}"' in text(page)
    assert AccessLogEntry.objects.filter(person_code=person.code, action="search_hit").exists()
    encounter.refresh_from_db()
    assert encounter.person == person and Person.objects.count() == 1
    assert not ClientMatter.objects.exists()  # not taken up: identified with consent only
    assert Consent.objects.get().person == person


def test_the_code_owner_is_offered_when_the_code_was_carried_over(
    as_user, alice, person, make_encounter
):
    first = make_encounter(identity_level="pseudonymous", new_contact_code=True)
    ContactCode.objects.create(person=person, code_hash=first.encounter.contact_code_hash)
    later = make_encounter(
        identity_level="pseudonymous", contact_code=first.new_contact_code
    ).encounter

    page = as_user(alice).get(f"/desk/{later.code}/identify/")

    assert f'value="{person.code}"' in text(page)


def test_consent_is_required_and_errors_keep_the_input(as_user, alice, make_encounter):
    encounter = make_encounter().encounter
    data = {**NEW_PERSON, "consent_recording": "", "hetu": "131052-308U"}

    response = as_user(alice).post(f"/desk/{encounter.code}/identify/", data)

    body = text(response)
    assert "Recording the person as a client needs their consent." in body
    assert "The check character (the last character) of the identity code is wrong." in body
    assert 'value="Vierailija"' in body
    assert not Person.objects.exists() and not ClientMatter.objects.exists()
    encounter.refresh_from_db()
    assert encounter.identity_level == "anonymous"


def test_a_duplicate_identity_code_points_to_the_search(as_user, alice, person, make_encounter):
    encounter = make_encounter().encounter

    response = as_user(alice).post(
        f"/desk/{encounter.code}/identify/", {**NEW_PERSON, "hetu": person.hetu}
    )

    assert "already in the registry" in text(response)
    assert Person.objects.count() == 1


def test_sharing_consent_needs_a_recipient_and_is_recorded(as_user, alice, make_encounter):
    encounter = make_encounter().encounter
    client = as_user(alice)

    missing = client.post(
        f"/desk/{encounter.code}/identify/", {**NEW_PERSON, "consent_sharing": "on"}
    )
    client.post(
        f"/desk/{encounter.code}/identify/",
        {**NEW_PERSON, "consent_sharing": "on", "sharing_recipient": "Kela"},
    )

    assert "Name who may receive the data." in text(missing)
    assert sorted(Consent.objects.values_list("scope", "recipient")) == [
        ("recording", ""),
        ("sharing", "Kela"),
    ]


def test_an_identified_contact_is_not_identified_twice(as_user, alice, person, make_encounter):
    encounter = make_encounter(identity_level="identified", person=person).encounter

    response = as_user(alice).get(f"/desk/{encounter.code}/identify/")

    assert response.status_code == 302 and response["Location"] == f"/desk/{encounter.code}/"


def test_reading_an_identified_contact_is_logged(as_user, bob, person, make_encounter):
    encounter = make_encounter(identity_level="identified", person=person).encounter

    as_user(bob).get(f"/desk/{encounter.code}/")

    entry = AccessLogEntry.objects.get(person_code=person.code, object_type="encounters.encounter")
    assert entry.username == "bob" and entry.action == "view"


def test_a_new_hetu_is_stored_encrypted(as_user, alice, make_encounter):
    encounter = make_encounter().encounter
    hetu = make_hetu(datetime.date(1990, 1, 10), 951)

    as_user(alice).post(f"/desk/{encounter.code}/identify/", {**NEW_PERSON, "hetu": hetu})

    person = Person.objects.get()
    assert person.hetu == hetu and hetu not in person.hetu_encrypted
    assert person.birth_date == datetime.date(1990, 1, 10)
    assert Encounter.objects.get().person == person
    assert timezone.now()
