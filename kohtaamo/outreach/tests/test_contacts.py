"""The phone capture page for field contacts (without JavaScript), and the feedback card."""

import uuid

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.encounters.models import Encounter
from kohtaamo.outreach import actions
from kohtaamo.outreach.models import FieldContact, PlaceVisit


def _post(client, shift, **data):
    data.setdefault("client_id", str(uuid.uuid4()))
    data.setdefault("result", "settled")
    data.setdefault("identity_level", "anonymous")
    data.setdefault("duration_minutes", "5")
    return client.post(f"/outreach/shift/{shift.code}/contact/", data)


def test_the_capture_page_preselects_the_current_stop(as_user, alice, active_shift):
    visit = active_shift.visits.get()

    body = as_user(alice).get(f"/outreach/shift/{active_shift.code}/contact/").content.decode()

    assert 'data-offline-queue="contact"' in body
    assert f'value="{visit.code}" selected' in body
    assert 'value="settled"' in body and "checked" in body
    assert 'value="identified"' not in body


def test_an_anonymous_field_contact(as_user, alice, active_shift, place):
    visit = active_shift.visits.get()

    response = _post(
        as_user(alice),
        active_shift,
        themes=["housing", "substance_use"],
        support=["listening"],
        visit=str(visit.code),
    )

    encounter = Encounter.objects.get()
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="contact-saved"' in body
    assert (encounter.channel, encounter.place, encounter.identity_level) == (
        "field",
        place,
        "anonymous",
    )
    assert encounter.team == active_shift.team and encounter.arrival == "outreach"
    link = FieldContact.objects.get()
    assert (link.shift, link.visit, link.recorded_offline) == (active_shift, visit, False)
    assert (
        ChangeEntry.objects.filter(
            object_type="encounters.encounter", object_ref=str(encounter.pk)
        ).count()
        == 1
    )
    assert AccessLogEntry.objects.count() == 0  # nobody identified: nothing personal was read
    assert f"/referrals/new/?encounter={encounter.code}" in body
    assert f"/desk/{encounter.code}/identify/" in body


def test_missing_themes_keep_what_was_chosen(as_user, alice, active_shift):
    response = _post(
        as_user(alice), active_shift, support=["counselling"], guided_to="Velkaneuvonta"
    )

    body = response.content.decode()
    assert response.status_code == 400 and Encounter.objects.count() == 0
    assert 'href="#id_themes' in body
    chip = body.split('value="counselling"')[1].split(">")[0]
    assert "checked" in chip
    assert 'value="Velkaneuvonta"' in body


def test_a_pseudonymous_contact_needs_a_code(as_user, alice, active_shift):
    response = _post(
        as_user(alice), active_shift, themes=["housing"], identity_level="pseudonymous"
    )

    assert response.status_code == 400
    assert "Give the person&#x27;s contact code, or make a new one." in response.content.decode()


def test_a_new_contact_code_is_shown_once(as_user, alice, active_shift):
    response = _post(
        as_user(alice),
        active_shift,
        themes=["housing"],
        identity_level="pseudonymous",
        new_contact_code="on",
    )

    body = response.content.decode()
    encounter = Encounter.objects.get()
    assert encounter.contact_code_hash and 'data-testid="new-code">' in body
    code = body.split('data-testid="new-code">')[1].split("<")[0]
    assert len(code) >= 6 and code not in encounter.contact_code_hash


def test_the_same_client_id_twice_records_one_contact(as_user, alice, active_shift):
    client = as_user(alice)
    cid = str(uuid.uuid4())

    _post(client, active_shift, themes=["housing"], client_id=cid)
    _post(client, active_shift, themes=["housing"], client_id=cid)

    assert Encounter.objects.count() == 1 and FieldContact.objects.count() == 1


def test_a_contact_at_an_experiment_stop_counts_for_the_experiment(alice, active_shift, place):
    experiment = uuid.uuid4()
    visit = PlaceVisit.objects.create(
        shift=active_shift,
        place=place,
        planned_from=active_shift.planned_start,
        planned_until=active_shift.planned_end,
        experiment_ref=experiment,
    )

    recorded = actions.record_field_contact(
        Actor.for_user(alice), active_shift, actions.ContactInput(visit=visit), by=alice
    )

    recorded.encounter.refresh_from_db()
    assert recorded.encounter.experiment_ref == experiment and recorded.encounter.place == place


def test_the_feedback_card(as_user, alice, active_shift):
    client = as_user(alice)
    _post(client, active_shift, themes=["housing"])
    encounter = Encounter.objects.get()

    response = client.post(f"/outreach/shift/{active_shift.code}/contact/{encounter.code}/card/")

    body = response.content.decode()
    code = body.split('data-testid="feedback-code">')[1].split("<")[0]
    encounter.refresh_from_db()
    assert response.status_code == 200 and "<svg" in body
    assert (
        len(code) == 6 and encounter.feedback_code_hash and code not in encounter.feedback_code_hash
    )


def test_a_feedback_card_only_for_this_shifts_contacts(
    as_user, alice, anna, manager, team_a, active_shift
):
    from kohtaamo.outreach.tests.conftest import make_shift

    client = as_user(alice)
    _post(client, active_shift, themes=["housing"])
    encounter = Encounter.objects.get()
    other = actions.start_shift(make_shift(team_a, [alice, anna], manager), by=alice)

    response = client.post(f"/outreach/shift/{other.code}/contact/{encounter.code}/card/")

    assert response.status_code == 404


def test_capture_access(as_user, bob, charlie, active_shift):
    assert as_user(bob).get(f"/outreach/shift/{active_shift.code}/contact/").status_code == 403
    assert as_user(charlie).get(f"/outreach/shift/{active_shift.code}/contact/").status_code == 404
    assert _post(as_user(charlie), active_shift, themes=["housing"]).status_code == 404
    assert Encounter.objects.count() == 0
