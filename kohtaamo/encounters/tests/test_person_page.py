"""What the desk adds to the client registry: the person timeline section, search by contact
code, probable duplicates, and the pseudonymous timeline for a code no one has yet."""

import html

from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.people.consent import ContactCode
from kohtaamo.testing.factories import PersonFactory

HX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_person_page_shows_the_timeline_and_logs_each_document(
    as_user, alice, bob, person, make_encounter
):
    from kohtaamo.audit.actions import Actor
    from kohtaamo.people.consent_actions import record_consent

    encounter = make_encounter(identity_level="identified", person=person).encounter
    consent = record_consent(
        Actor.for_user(alice), person, scope="recording", purpose="Neuvonta", recorded_by=alice
    )

    response = as_user(bob).get(f"/people/{person.code}/")

    body = text(response)
    assert 'data-testid="timeline"' in body and "Income and livelihood" in body
    assert "Recording contacts and the initial assessment" in body
    assert 'data-testid="withdraw-consent"' not in body  # bob reads only
    logged = set(
        AccessLogEntry.objects.filter(person_code=person.code, username="bob").values_list(
            "object_type", "object_ref"
        )
    )
    assert ("encounters.encounter", str(encounter.pk)) in logged
    assert ("people.consent", str(consent.pk)) in logged


def test_registry_search_finds_a_person_by_a_carried_over_code(
    as_user, alice, person, make_encounter
):
    first = make_encounter(identity_level="pseudonymous", new_contact_code=True)
    ContactCode.objects.create(person=person, code_hash=first.encounter.contact_code_hash)
    code = first.new_contact_code

    response = as_user(alice).post("/people/", {"q": code.lower().replace("-", " ")}, **HX)

    assert "Meikäläinen" in text(response)
    assert AccessLogEntry.objects.filter(person_code=person.code, action="search_hit").count() == 1


def test_registry_search_points_to_the_contacts_of_an_unlinked_code(as_user, alice, make_encounter):
    first = make_encounter(identity_level="pseudonymous", new_contact_code=True)
    make_encounter(identity_level="pseudonymous", contact_code=first.new_contact_code)

    response = as_user(alice).post("/people/", {"q": first.new_contact_code})
    unknown = as_user(alice).post("/people/", {"q": "SUO-0001"})

    body = text(response)
    assert 'data-testid="code-extra"' in body and "2 contacts were recorded with it" in body
    assert f'value="{first.new_contact_code}"' in body
    assert "No contacts were recorded with this contact code." in text(unknown)


def test_registry_search_flags_probable_duplicates(as_user, alice, county):
    import datetime

    twin_a = PersonFactory(organisation=county, first_name="Aino", last_name="Kaksonen")
    twin_b = PersonFactory(organisation=county, first_name="aino", last_name="Kaksonen")
    other = PersonFactory(organisation=county, first_name="Eero", last_name="Kaksonen")
    for p in (twin_a, twin_b):
        p.birth_date = datetime.date(1980, 2, 2)
        p.save()

    response = as_user(alice).post("/people/", {"q": "Kaksonen"})

    hits = {p.pk: p.probable_duplicate for p in response.context["hits"]}
    assert hits == {twin_a.pk: True, twin_b.pk: True, other.pk: False}
    assert text(response).count("Probable duplicate") == 2


def test_person_page_queries_do_not_grow_and_every_document_is_logged(
    as_user, alice, bob, person, make_encounter
):
    """The person page is built from every app's sections; its query count stays the same
    however many contacts and consents there are, and the one batched append still writes an
    entry for the person and for each document shown (and keeps the chain whole)."""
    from kohtaamo.audit.actions import Actor, verify_all
    from kohtaamo.people.consent_actions import record_consent
    from kohtaamo.testing.helpers import assert_constant_queries

    def add(n):
        for _ in range(n):
            make_encounter(identity_level="identified", person=person)
            record_consent(
                Actor.for_user(alice), person, scope="recording", purpose="Neuvonta",
                recorded_by=alice,
            )  # fmt: skip

    client = as_user(bob)
    assert_constant_queries(add, lambda: client.get(f"/people/{person.code}/"))

    before = AccessLogEntry.objects.filter(person_code=person.code, username="bob").count()
    client.get(f"/people/{person.code}/")
    added = AccessLogEntry.objects.filter(person_code=person.code, username="bob").count() - before
    assert added == 1 + 3 + 3  # the person, three contacts, three consents
    assert verify_all()[1] == []


def test_the_timeline_reads_each_document_through_its_own_gate(
    as_user, bob, person, other_county, make_encounter
):
    """A matter another organisation keeps for the same person is not on the timeline (nor in
    the access log as read), though the person page itself is open to bob."""
    from django.utils import timezone

    from kohtaamo.casework.models import ClientMatter

    def matter(organisation):
        return ClientMatter.objects.create(
            person=person,
            organisation=organisation,
            source="encounter",
            pending_at=timezone.now(),
            created_by=bob,
        )

    ours, theirs = matter(person.organisation), matter(other_county)

    response = as_user(bob).get(f"/people/{person.code}/")

    (timeline,) = [s for s in response.context["person_sections"] if s["key"] == "desk-timeline"]
    shown = [item["obj"] for item in timeline["timeline"]]
    assert ours in shown and theirs not in shown
    read = set(
        AccessLogEntry.objects.filter(object_type="casework.matter").values_list(
            "object_ref", flat=True
        )
    )
    assert read == {str(ours.pk)}
