"""Instruments as data in the database, the form built from a definition, stored results as
health data (gate + access log), and the trend."""

import datetime
import html
import re

from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.instruments.actions import record_result
from kohtaamo.instruments.loader import load_instruments
from kohtaamo.instruments.models import Instrument, InstrumentResult

AUDIT_C_D = {"q1": "2", "q2": "1", "q3": "2"}  # total 5: positive for women, negative for men


def checked(body: str, name: str, value: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}" value="{value}"[^>]*>', body)
    assert tag, f"no input {name}={value}"
    return " checked" in tag.group(0)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_every_definition_file_is_loaded_after_migrate(db):
    keys = set(Instrument.objects.current().values_list("key", flat=True))

    assert {"audit", "audit_c", "eurohis8"} <= keys
    assert load_instruments() == 0  # loading again changes nothing


def test_a_new_version_is_a_new_row_and_the_old_one_is_kept(db):
    old = Instrument.objects.get(key="audit_c")
    definition = {**old.definition, "version": "2"}
    Instrument.objects.create(key="audit_c", version="2", definition=definition)
    Instrument.objects.filter(key="audit_c").exclude(version="2").update(is_latest=False)

    assert Instrument.objects.current().get(key="audit_c").version == "2"
    assert Instrument.objects.filter(key="audit_c").count() == 2


def test_the_form_has_a_fieldset_with_a_legend_per_item(as_user, alice):
    body = text(as_user(alice).get("/instruments/audit/"))

    assert body.count("<fieldset") == 11  # ten items and the sex for the cut-offs
    assert "<legend>How often do you have a drink containing alcohol?" in body
    assert 'name="q10"' in body and 'value="4"' in body


def test_scoring_without_a_person_stores_nothing_and_shows_both_thresholds(as_user, alice):
    response = as_user(alice).post("/instruments/audit_c/", AUDIT_C_D)

    body = text(response)
    assert InstrumentResult.objects.count() == 0
    assert 'data-testid="screening-note"' in body and "Screening, not diagnosis." in body
    assert "sex not known, so both thresholds" in body
    cutoff = body.split('data-testid="cutoff-fi_kaypahoito_2015"')[1].split("</li>")[0]
    assert "women ≥ 5: <strong>positive</strong>" in " ".join(cutoff.split())
    assert "men ≥ 6: negative" in " ".join(cutoff.split())


def test_a_missing_answer_names_the_item_and_keeps_the_others(as_user, alice):
    response = as_user(alice).post("/instruments/audit_c/", {"q1": "2", "q2": "1"})

    body = text(response)
    assert 'href="#id_q3"' in body and "Answer this question." in body
    assert checked(body, "q1", "2") and checked(body, "q2", "1")


def test_a_value_not_among_the_options_is_refused(as_user, alice):
    response = as_user(alice).post(
        "/instruments/audit/", {f"q{i}": "0" for i in range(1, 10)} | {"q10": "3"}
    )

    assert 'href="#id_q10"' in text(response) and InstrumentResult.objects.count() == 0


def test_saving_for_a_person_logs_and_shows_the_trend(as_user, alice, bob, person):
    instrument = Instrument.objects.current().get(key="audit_c")
    for days, answers in ((60, {"q1": 4, "q2": 3, "q3": 3}), (30, {"q1": 3, "q2": 2, "q3": 2})):
        record_result(
            Actor.for_user(alice), instrument, answers, by=alice, person=person,
            at=timezone.now() - datetime.timedelta(days=days),
        )  # fmt: skip

    response = as_user(alice).post(
        "/instruments/audit_c/", {**AUDIT_C_D, "person": person.code, "sex": "female"}
    )
    result = InstrumentResult.objects.order_by("-at").first()
    page = as_user(bob).get(response["Location"])

    assert response["Location"] == f"/instruments/results/{result.code}/"
    assert result.person == person and result.sex == "female"
    assert result.result["cutoffs"]["fi_kaypahoito_2015"]["positive"] is True
    assert (
        ChangeEntry.objects.filter(
            object_type="instruments.result", person_code=person.code
        ).count()
        == 3
    )
    body = text(page)
    assert "<polyline" in body and 'data-testid="trend-table"' in body
    assert body.count("<tr>") >= 4  # header + three results
    reads = AccessLogEntry.objects.filter(
        person_code=person.code, username="bob", object_type="instruments.result"
    )
    assert reads.count() == 4  # the result itself and the three in the trend


def test_results_follow_the_persons_gate(as_user, alice, charlie, person):
    instrument = Instrument.objects.current().get(key="audit_c")
    result = record_result(
        Actor.for_user(alice), instrument, {"q1": 0, "q2": 0, "q3": 0}, by=alice, person=person
    )

    assert as_user(charlie).get(f"/instruments/results/{result.code}/").status_code == 404
    assert as_user(charlie).get(f"/instruments/audit_c/?person={person.code}").status_code == 404


def test_a_result_during_an_anonymous_contact_is_kept_with_the_contact(
    as_user, alice, county, team_a
):
    from kohtaamo.encounters.actions import EncounterInput, record_encounter
    from kohtaamo.encounters.models import Term

    encounter = record_encounter(
        Actor.for_user(alice),
        EncounterInput(
            organisation_id=county.pk, team_id=team_a.pk, channel="desk",
            started_at=timezone.now(), duration_minutes=10, result="settled", gender="woman",
            themes=[Term.objects.get(section="themes", key="substance_use")],
            support=[Term.objects.get(section="support", key="initial_assessment")],
        ),
        by=alice,
    ).encounter  # fmt: skip
    client = as_user(alice)

    form = client.get(f"/instruments/audit_c/?encounter={encounter.code}")
    client.post(
        "/instruments/audit_c/", {**AUDIT_C_D, "encounter": encounter.code, "sex": "female"}
    )

    assert checked(text(form), "sex", "female")  # from the contact's gender
    result = InstrumentResult.objects.get()
    assert result.encounter == encounter and result.person is None and result.organisation == county


def test_person_page_lists_assessments(as_user, alice, person):
    instrument = Instrument.objects.current().get(key="audit_c")
    record_result(
        Actor.for_user(alice), instrument, {"q1": 1, "q2": 0, "q3": 0}, by=alice, person=person
    )

    from django.test import RequestFactory

    from kohtaamo.instruments.registrations import instrument_results

    request = RequestFactory().get("/")
    request.user = alice
    section = instrument_results(request, person)

    assert section["latest"][0]["result"].instrument.key == "audit_c"
    assert AccessLogEntry.objects.filter(
        person_code=person.code, object_type="instruments.result"
    ).exists()


def test_the_list_links_every_instrument_for_the_person(as_user, alice, person):
    body = text(as_user(alice).get(f"/instruments/?person={person.code}"))

    assert f"/instruments/audit_c/?person={person.code}" in body
    assert f"/instruments/eurohis8/?person={person.code}" in body


def test_instruments_need_client_access(as_user, manager):
    assert as_user(manager).get("/instruments/").status_code == 403
    assert as_user(manager).get("/instruments/audit_c/").status_code == 403


def test_demo_results_make_a_trend(db):
    import io

    from django.core.management import call_command

    from kohtaamo.audit.actions import Actor
    from kohtaamo.core.management.commands.seed_demo import (
        DEMO_PASSWORD,
        ensure_people,
        ensure_structure,
        ensure_users,
    )  # fmt: skip

    county, units, teams, partners = ensure_structure()
    ensure_users(county, units, teams, partners, DEMO_PASSWORD)
    ensure_people(county, 4, Actor.system("test"))

    call_command("seed_demo_instruments", stdout=io.StringIO())
    call_command("seed_demo_instruments", stdout=io.StringIO())

    assert InstrumentResult.objects.count() == 9
