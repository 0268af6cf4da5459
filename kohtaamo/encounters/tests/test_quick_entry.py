"""Quick entry (/desk/new/): HTMX and plain POST, defaults, repeat contacts and failure demand,
note checks, favourites, same as last, undo, and the one-time contact code."""

import datetime
import html
import re
import uuid

import pytest
import time_machine
from django.utils import timezone

from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.encounters.models import CurrentPlace, Encounter, EncounterWorker, Favourite
from kohtaamo.encounters.tests.conftest import ANON_POST
from kohtaamo.people import contact_code
from kohtaamo.people.hetu import make_hetu

HX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def checked(body: str, name: str, value: str) -> bool:
    """Whether the input name=value is rendered checked."""
    tag = re.search(rf'<input[^>]*name="{name}" value="{re.escape(value)}"[^>]*>', body)
    assert tag, f"no input {name}={value}"
    return " checked" in tag.group(0)


def test_full_page_and_fragment(as_user, alice, place):
    client = as_user(alice)

    page = client.get("/desk/new/")
    fragment = client.get("/desk/new/", **HX)

    assert b"<html" in page.content and b'id="quick-entry"' in page.content
    assert b"<html" not in fragment.content and b'id="quick-entry"' in fragment.content


def test_plain_post_records_an_anonymous_contact_with_history(as_user, alice, place):
    client = as_user(alice)

    response = client.post("/desk/new/", {**ANON_POST, "place": place.pk})

    encounter = Encounter.objects.get()
    assert response.status_code == 302 and f"saved={encounter.code}" in response["Location"]
    assert encounter.identity_level == "anonymous" and encounter.person is None
    assert sorted(t.key for t in encounter.themes.all()) == ["debt", "income"]
    assert [t.key for t in encounter.support.all()] == ["counselling"]
    assert list(encounter.workers.all()) == [alice] and encounter.team_id == place.team_id
    entry = ChangeEntry.objects.get(object_type="encounters.encounter")
    assert entry.action == "create" and entry.person_code is None
    assert entry.changes["themes"] == [None, ["debt", "income"]]
    page = client.get(response["Location"])
    assert b'data-testid="saved"' in page.content and b"Undo" in page.content


def test_htmx_post_returns_a_fresh_form_and_a_confirmation(as_user, alice, place):
    client = as_user(alice)

    response = client.post("/desk/new/", {**ANON_POST, "place": place.pk}, **HX)

    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert 'data-testid="saved"' in body and 'data-testid="undo"' in body
    assert not checked(body, "themes", "income") and not checked(body, "themes", "debt")
    assert Encounter.objects.count() == 1


def test_defaults_come_from_the_current_place_and_its_channel(as_user, alice, place, other_place):
    other_place.default_channel = "phone"
    other_place.save()
    CurrentPlace.objects.create(user=alice, place=other_place)

    body = as_user(alice).get("/desk/new/").content.decode()

    assert f'<option value="{other_place.pk}" selected>' in body
    assert checked(body, "channel", "phone") and not checked(body, "channel", "desk")
    assert "Kirjasto" in body  # the summary of the collapsed "when and where"


def test_saving_at_a_place_makes_it_the_current_place(as_user, alice, other_place):
    as_user(alice).post("/desk/new/", {**ANON_POST, "place": other_place.pk})

    assert CurrentPlace.objects.get(user=alice).place == other_place


def test_missing_themes_name_the_field_and_keep_what_was_typed(as_user, alice, place):
    data = {**ANON_POST, "place": place.pk, "themes": [], "municipality": "Koivula"}

    response = as_user(alice).post("/desk/new/", data)

    body = text(response)
    assert response.status_code == 200 and Encounter.objects.count() == 0
    assert 'href="#id_themes"' in body  # the error summary links to the field
    assert 'value="Koivula"' in body
    assert checked(body, "support", "counselling")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("started_at", "2999-01-01T10:00", "The start time is in the future."),
        ("duration_minutes", "54000", "less than or equal to 1440"),
        ("duration_minutes", "0", "greater than or equal to 1"),
    ],
)
def test_impossible_times_are_refused(as_user, alice, place, field, value, message):
    response = as_user(alice).post("/desk/new/", {**ANON_POST, "place": place.pk, field: value})

    assert message in text(response)
    assert Encounter.objects.count() == 0


def test_a_start_within_the_clock_skew_is_accepted(as_user, alice, place):
    soon = timezone.localtime() + datetime.timedelta(minutes=3)

    as_user(alice).post(
        "/desk/new/",
        {**ANON_POST, "place": place.pk, "started_at": soon.strftime("%Y-%m-%dT%H:%M")},
    )

    assert Encounter.objects.count() == 1


def test_a_hetu_in_the_note_is_refused_outright(as_user, alice, place):
    note = f"asiakas {make_hetu(datetime.date(1980, 5, 1), 950)} kävi"

    response = as_user(alice).post(
        "/desk/new/", {**ANON_POST, "place": place.pk, "note": note, "note_confirmed": "on"}
    )

    assert "Remove the identity code from the note" in text(response)
    assert note in text(response)  # kept for the worker to edit
    assert Encounter.objects.count() == 0


def test_a_name_in_an_anonymous_note_needs_confirmation(as_user, alice, place):
    data = {**ANON_POST, "place": place.pk, "note": "Kävi Matti Virtanen kysymässä tukea"}
    client = as_user(alice)

    first = client.post("/desk/new/", data)
    second = client.post("/desk/new/", {**data, "note_confirmed": "on"})

    assert "may identify the person" in text(first)
    assert "it seems to contain a name" in text(first)
    assert 'name="note_confirmed"' in text(first)
    assert second.status_code == 302 and Encounter.objects.count() == 1


def test_a_partner_guided_contact_needs_the_partner(as_user, alice, place):
    response = as_user(alice).post(
        "/desk/new/", {**ANON_POST, "place": place.pk, "arrival": "partner_guided"}
    )

    assert "Choose the partner who guided the person." in text(response)
    assert Encounter.objects.count() == 0


def test_a_new_contact_code_is_shown_once_and_stored_only_as_a_hash(as_user, alice, place):
    client = as_user(alice)
    data = {
        **ANON_POST,
        "place": place.pk,
        "identity_level": "pseudonymous",
        "new_contact_code": "on",
    }

    response = client.post("/desk/new/", data, **HX)

    body = text(response)
    encounter = Encounter.objects.get()
    shown = body.split('data-testid="new-code">')[1].split("<")[0]
    assert contact_code.normalise(shown) == shown
    assert encounter.contact_code_hash == contact_code.hash_code(shown)
    assert shown not in str(ChangeEntry.objects.values_list("changes", flat=True)[0])
    card = client.get(f"/desk/{encounter.code}/card/")
    assert shown in card.content.decode() and b"<svg" in card.content
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        later = as_user(alice).get(f"/desk/{encounter.code}/card/")
    assert shown not in later.content.decode() and b'data-testid="code-gone"' in later.content


def test_a_pseudonymous_code_needs_a_code_or_a_new_one(as_user, alice, place):
    response = as_user(alice).post(
        "/desk/new/", {**ANON_POST, "place": place.pk, "identity_level": "pseudonymous"}
    )

    assert "Type the person's contact code, or give them a new one." in text(response)


def test_an_unknown_code_is_refused_and_a_malformed_one_explained(as_user, alice, place):
    client = as_user(alice)
    base = {**ANON_POST, "place": place.pk, "identity_level": "pseudonymous"}

    unknown = client.post("/desk/new/", {**base, "contact_code": "KALA-0000"})
    malformed = client.post("/desk/new/", {**base, "contact_code": "12-KALA"})

    assert "No contacts with this code were found" in text(unknown)
    assert "a word and four digits" in text(malformed)


def test_a_repeat_visit_with_a_code_asks_about_failure_demand(
    as_user, alice, place, make_encounter
):
    make_encounter(identity_level="pseudonymous", contact_code="KALA-4821")
    client = as_user(alice)
    base = {
        **ANON_POST,
        "place": place.pk,
        "identity_level": "pseudonymous",
        "contact_code": "kala 4821",
    }

    asked = client.post("/desk/new/", base)
    no_reason = client.post("/desk/new/", {**base, "about_handled_matter": "yes"})
    saved = client.post(
        "/desk/new/",
        {**base, "about_handled_matter": "yes", "failure_reason": "partner_turned_away"},
    )

    assert "is this about a matter already handled?" in text(asked)
    assert '<details class="more repeat" open>' in text(asked)
    assert "Choose why the person is back." in text(no_reason)
    assert saved.status_code == 302
    repeat = Encounter.objects.order_by("-id").first()
    assert repeat.is_repeat and repeat.about_handled_matter and repeat.is_failure_demand
    assert repeat.failure_reason == "partner_turned_away"
    assert repeat.contact_code_hash == contact_code.hash_code("KALA-4821")


def test_a_repeat_about_something_new_is_value_demand(as_user, alice, place, make_encounter):
    make_encounter(identity_level="pseudonymous", contact_code="KALA-4821")

    as_user(alice).post(
        "/desk/new/",
        {
            **ANON_POST,
            "place": place.pk,
            "identity_level": "pseudonymous",
            "contact_code": "KALA-4821",
            "about_handled_matter": "no",
            "failure_reason": "waiting_too_long",
        },
    )

    repeat = Encounter.objects.order_by("-id").first()
    assert repeat.is_repeat and repeat.about_handled_matter is False
    assert repeat.failure_reason == "" and not repeat.is_failure_demand


def test_repeat_check_fragment_counts_earlier_contacts(as_user, alice, make_encounter):
    make_encounter(identity_level="pseudonymous", contact_code="KALA-4821")
    make_encounter(identity_level="pseudonymous", contact_code="KALA-4821")
    client = as_user(alice)

    known = client.post("/desk/new/repeat-check/", {"contact_code": "kala-4821"}, **HX)
    unknown = client.post("/desk/new/repeat-check/", {"contact_code": "SUO-1111"}, **HX)

    assert b'data-earlier="2"' in known.content and b"2 earlier contacts" in known.content
    assert b"No earlier contacts with this code." in unknown.content


def test_an_identified_contact_from_the_person_page_logs_the_read(as_user, alice, place, person):
    client = as_user(alice)

    page = client.get(f"/desk/new/?person={person.code}")
    saved = client.post(
        "/desk/new/",
        {**ANON_POST, "place": place.pk, "identity_level": "identified", "person": person.code},
    )

    assert b'data-testid="chosen-person"' in page.content and "Meikäläinen" in text(page)
    assert saved.status_code == 302
    encounter = Encounter.objects.get()
    assert encounter.person == person and encounter.identity_level == "identified"
    assert (
        AccessLogEntry.objects.filter(
            person_code=person.code, object_type="encounters.quick_entry"
        ).count()
        == 2
    )
    assert ChangeEntry.objects.get(object_type="encounters.encounter").person_code == person.code


def test_identified_without_a_person_goes_on_to_identification(as_user, alice, place):
    client = as_user(alice)
    data = {**ANON_POST, "place": place.pk, "identity_level": "identified"}

    plain = client.post("/desk/new/", data)
    htmx = client.post("/desk/new/", {**data, "client_id": str(uuid.uuid4())}, **HX)

    first = Encounter.objects.order_by("id").first()
    assert plain.status_code == 302 and plain["Location"] == f"/desk/{first.code}/identify/"
    assert htmx.status_code == 204 and htmx["HX-Redirect"].endswith("/identify/")


def test_a_double_submit_with_the_same_client_id_records_once(as_user, alice, place):
    data = {**ANON_POST, "place": place.pk, "client_id": str(uuid.uuid4())}
    client = as_user(alice)

    client.post("/desk/new/", data)
    client.post("/desk/new/", data)

    assert Encounter.objects.count() == 1


def test_same_as_last_prefills_the_selection_but_not_who(as_user, alice, place, make_encounter):
    from kohtaamo.encounters.tests.conftest import term

    make_encounter(
        themes=[term("themes", "housing")],
        support=[term("support", "application_help")],
        duration_minutes=25,
        identity_level="pseudonymous",
        contact_code="SUO-1234",
    )

    body = as_user(alice).get("/desk/new/?from=last", **HX).content.decode()

    assert checked(body, "themes", "housing") and not checked(body, "themes", "income")
    assert checked(body, "support", "application_help")
    assert 'name="duration_minutes" value="25"' in body
    assert checked(body, "identity_level", "anonymous")


def test_a_favourite_is_saved_and_applied_with_one_click(as_user, alice, place):
    client = as_user(alice)
    data = {
        **ANON_POST,
        "place": place.pk,
        "themes": ["food"],
        "favourite_name": "Ruoka-apu",
        "save_favourite": "1",
    }

    saved = client.post("/desk/new/", data)
    favourite = Favourite.objects.get(user=alice)
    applied = client.get(f"/desk/new/?favourite={favourite.pk}").content.decode()

    assert Encounter.objects.count() == 0  # saving a favourite records no contact
    assert favourite.name == "Ruoka-apu" and favourite.data["themes"] == ["food"]
    assert "Ruoka-apu" in text(saved)
    assert checked(applied, "themes", "food") and not checked(applied, "themes", "income")


def test_undo_within_five_minutes_deletes_with_history(as_user, alice, place):
    client = as_user(alice)
    client.post("/desk/new/", {**ANON_POST, "place": place.pk})
    encounter = Encounter.objects.get()

    response = client.post(f"/desk/{encounter.code}/undo/", **HX)

    assert response.status_code == 200 and b'data-testid="undone"' in response.content
    assert Encounter.objects.count() == 0
    deleted = ChangeEntry.objects.get(object_type="encounters.encounter", action="delete")
    assert deleted.object_ref == str(encounter.pk) and deleted.changes["themes"][0] == [
        "debt",
        "income",
    ]


def test_undo_is_refused_later_or_for_someone_else(as_user, alice, official, place):
    client = as_user(alice)
    client.post("/desk/new/", {**ANON_POST, "place": place.pk})
    encounter = Encounter.objects.get()

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        late = as_user(alice).post(f"/desk/{encounter.code}/undo/")
    other = as_user(official).post(f"/desk/{encounter.code}/undo/")

    assert late.status_code == 403 and other.status_code == 403
    assert Encounter.objects.count() == 1


def test_pair_work_records_both_workers_in_order(as_user, alice, official, place):
    as_user(alice).post("/desk/new/", {**ANON_POST, "place": place.pk, "pair_worker": official.pk})

    encounter = Encounter.objects.get()
    rows = EncounterWorker.objects.filter(encounter=encounter).order_by("position")
    assert [(w.user.username, w.started_at) for w in rows] == [
        ("alice", encounter.started_at),
        ("olivia", encounter.started_at),
    ]
