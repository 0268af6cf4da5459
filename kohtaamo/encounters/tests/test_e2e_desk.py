"""Browser tests of the desk: an anonymous contact in the documented taps (docs/desk.md), a
pseudonymous visitor and the repeat visit linked by the code, an identified contact from the person
page, and a pseudonymous visitor turned into a client with consent and a visible deadline.
Elements are found by name, id or data-testid, never by wording."""

import pytest
from playwright.sync_api import expect

from kohtaamo.casework.models import ClientMatter, ContactNotification
from kohtaamo.encounters.models import CurrentPlace, Encounter
from kohtaamo.people.consent import Consent
from kohtaamo.testing.browser import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def tap(page, name, value):
    page.click(f"input[name={name}][value={value}]")


def test_anonymous_contact_in_four_taps_on_a_phone(page, browser_login, alice, place):
    CurrentPlace.objects.create(user=alice, place=place)
    browser_login(alice)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/desk/new/")
    assert_no_axe_violations(page, "quick entry")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.evaluate("window.__stayed = true")  # survives only if the page is not reloaded

    # The documented sequence: theme, theme, support, save.
    tap(page, "themes", "income")
    tap(page, "themes", "debt")
    tap(page, "support", "counselling")
    page.click("[data-testid=save]")

    expect(page.locator("[data-testid=saved]")).to_be_visible()
    assert page.evaluate("window.__stayed === true")  # HTMX swapped the form, no reload
    encounter = Encounter.objects.get()
    assert encounter.identity_level == "anonymous" and encounter.place == place
    assert sorted(t.key for t in encounter.themes.all()) == ["debt", "income"]
    assert [t.key for t in encounter.support.all()] == ["counselling"]
    assert encounter.channel == "desk" and encounter.result == "settled"
    assert not page.locator("input[name=themes][value=income]").is_checked()  # a fresh form
    assert_no_axe_violations(page, "quick entry after saving")

    page.goto("/desk/today/")
    assert_no_axe_violations(page, "today")
    page.goto("/desk/counts/")
    assert_no_axe_violations(page, "counts")


def test_pseudonymous_visit_and_the_repeat_linked_by_the_code(page, browser_login, alice, place):
    CurrentPlace.objects.create(user=alice, place=place)
    browser_login(alice)
    page.goto("/desk/new/")
    tap(page, "identity_level", "pseudonymous")
    page.check("#id_new_contact_code")
    tap(page, "themes", "housing")
    tap(page, "support", "listening")
    page.click("[data-testid=save]")
    code = page.locator("[data-testid=new-code]").inner_text()
    page.click("[data-testid=card-link]")
    expect(page.locator("[data-testid=card-code]")).to_have_text(code)
    assert_no_axe_violations(page, "contact code card")

    page.goto("/desk/new/")
    tap(page, "identity_level", "pseudonymous")
    page.fill("#id_contact_code", code.lower())
    expect(page.locator("#repeat-info[data-earlier='1']")).to_be_attached()
    expect(page.locator("details.repeat")).to_have_attribute("open", "")
    tap(page, "about_handled_matter", "yes")
    tap(page, "failure_reason", "partner_turned_away")
    tap(page, "themes", "housing")
    tap(page, "support", "service_guidance")
    page.fill("#id_guided_to", "Asumisneuvonta")
    page.click("[data-testid=save]")

    expect(page.locator("[data-testid=saved]")).to_be_visible()
    first, repeat = Encounter.objects.order_by("id")
    assert first.contact_code_hash == repeat.contact_code_hash != ""
    assert (
        repeat.is_repeat
        and repeat.is_failure_demand
        and repeat.failure_reason == "partner_turned_away"
    )
    assert repeat.guided_to == "Asumisneuvonta"


def test_identified_contact_from_the_person_page(page, browser_login, alice, place, person):
    CurrentPlace.objects.create(user=alice, place=place)
    browser_login(alice)
    page.goto(f"/people/{person.code}/")
    page.click("[data-testid=timeline] a.button")
    expect(page.locator("[data-testid=chosen-person]")).to_be_visible()
    tap(page, "themes", "benefits_forms")
    tap(page, "support", "application_help")
    page.click("[data-testid=save]")

    expect(page.locator("[data-testid=saved]")).to_be_visible()
    encounter = Encounter.objects.get()
    assert encounter.person == person and encounter.identity_level == "identified"
    page.goto(f"/people/{person.code}/")
    expect(page.locator("[data-testid=timeline] .timeline__item--encounter")).to_have_count(1)
    assert_no_axe_violations(page, "person page with the timeline")


def test_pseudonymous_visitor_becomes_a_client_with_consent_and_deadline(
    page, browser_login, alice, team_a, make_encounter
):
    first = make_encounter(identity_level="pseudonymous", new_contact_code=True)
    encounter = make_encounter(
        identity_level="pseudonymous", contact_code=first.new_contact_code
    ).encounter
    browser_login(alice)
    page.goto(f"/desk/{encounter.code}/")
    page.click("[data-testid=identify]")
    assert_no_axe_violations(page, "identify")

    page.check("input[name=person_choice][value=new]")
    page.fill("#id_first_name", "Veera")
    page.fill("#id_last_name", "Vierailija")
    page.check(f"input[name=carry_over][value='{first.encounter.code}']")
    page.check("#id_consent_recording")
    page.check("#id_special_group")
    page.select_option("#id_team", str(team_a.pk))
    page.fill("#id_reason", "Toimeentulo ja asuminen")
    page.click("[data-testid=identify-save]")

    expect(page.locator("[data-testid=deadline]")).to_be_visible()
    assert_no_axe_violations(page, "contact with its client matter")
    matter = ClientMatter.objects.get()
    assert matter.assessment_start_by is not None
    assert (
        matter.assessment_start_by.strftime("%-d.%-m.%Y")
        in page.locator("[data-testid=deadline]").inner_text()
    )
    assert ContactNotification.objects.get().status == "waiting"
    assert Consent.objects.get().person.last_name == "Vierailija"
    assert Encounter.objects.filter(person__last_name="Vierailija").count() == 2
