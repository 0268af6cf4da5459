"""Browser tests of the client's side: finding a debt-advice service in everyday Finnish, an
anonymous chat with a worker ending in feedback, a request for help reaching the worker's queue,
and an identified client reading who has viewed their data. axe on every public page, and the
finder at 200 % zoom and on a 360 px phone without horizontal scrolling."""

import datetime

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kohtaamo.audit.actions import Actor, log_access
from kohtaamo.channel.models import ContactRequest, FeedbackResponse
from kohtaamo.directory.models import Service
from kohtaamo.people.hetu import make_hetu
from kohtaamo.testing.browser import assert_no_axe_violations
from kohtaamo.testing.factories import PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.finnish]


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def test_finder_finds_debt_advice_in_everyday_finnish(page, browser):
    call_command("seed_demo_directory", stdout=open("/dev/null", "w"))  # noqa: SIM115
    debt = Service.objects.get(slug="talous-ja-velkaneuvonta")

    page.goto("/palvelut/")
    assert page.locator("html").get_attribute("lang") == "fi"
    assert_no_axe_violations(page, "finder (fi)")
    page.fill("#id_q", "ulosotto vie palkan")
    page.press("#id_q", "Enter")
    page.wait_for_selector("[data-testid=service-card]")

    links = page.locator("[data-testid=service-card] h3 a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 5))]
    assert f"/palvelut/palvelu/{debt.hsds_id}/" in hrefs
    assert_no_axe_violations(page, "finder results (fi)")
    page.goto(f"/palvelut/palvelu/{debt.hsds_id}/")
    expect(page.locator("h1")).to_have_text("Talous- ja velkaneuvonta")
    assert_no_axe_violations(page, "service page (fi)")

    page.goto("/palvelut/")
    page.click("[data-testid=situation-money]")
    page.wait_for_selector("[data-testid=service-card]")

    for width, scale in ((640, 2), (360, 1)):  # 200 % zoom of a 1280 px window, and a phone
        context = browser.new_context(
            base_url=page.url.split("/palvelut/")[0],
            viewport={"width": width, "height": 800},
            device_scale_factor=scale,
        )
        small = context.new_page()
        small.goto("/palvelut/?q=velat")
        assert _no_horizontal_scroll(small), f"horizontal scroll at {width} px"
        context.close()


def test_anonymous_chat_with_a_worker_ends_with_feedback(
    page, browser, browser_login, alice, chat_service
):
    worker = browser_login(alice)
    base = worker.url.split("/my-day/")[0]
    client_context = browser.new_context(base_url=base, viewport={"width": 400, "height": 800})
    person = client_context.new_page()
    person.set_default_timeout(10_000)

    person.goto("/palvelut/chat/")
    assert_no_axe_violations(person, "chat list")
    person.click(f"[data-testid=chat-start-{chat_service.slug}]")
    expect(person.locator("[data-testid=chat-status]")).to_contain_text("1")
    person.fill("#id_body", "Hei, ulosotto vie palkan. Mitä teen?")
    person.click("[data-testid=chat-send]")
    expect(person.locator("#chat-log .msg--client")).to_have_count(1)
    assert_no_axe_violations(person, "chat waiting")

    worker.goto("/palvelut/chat/console/")
    worker.click("[data-testid=take-next]")
    expect(worker.locator("[data-testid=chat-panel]")).to_contain_text("ulosotto vie palkan")
    assert_no_axe_violations(worker, "chat console")
    worker.fill("[data-testid=chat-panel] textarea[name=body]", "Hei! Autan mielelläni.")
    worker.click("[data-testid=console-send]")

    expect(person.locator("#chat-log .msg--worker")).to_contain_text("Autan mielelläni")
    person.fill("#id_body", "Kiitos")
    person.press("#id_body", "Control+Enter")
    expect(worker.locator("[data-testid=chat-panel] .msg--client")).to_have_count(2)

    worker.click("[data-testid=console-end]")
    person.wait_for_selector("[data-testid=feedback-send]")  # the page reloads by itself
    assert_no_axe_violations(person, "chat ended with feedback")
    person.focus("#id_heard_0")  # the scale works by keyboard: arrows move, space chooses
    person.keyboard.press("Space")
    person.keyboard.press("Tab")
    person.keyboard.press("Space")
    person.click("[data-testid=feedback-send]")
    expect(person.locator("[data-testid=feedback-thanks]")).to_be_visible()
    client_context.close()

    answer = FeedbackResponse.objects.get()
    assert answer.heard == 3 and answer.helped == 3 and answer.encounter.channel == "chat"


def test_request_for_help_reaches_the_queue_with_its_deadline(
    page, browser, browser_login, alice, help_queue
):
    worker = browser_login(alice)
    base = worker.url.split("/my-day/")[0]
    context = browser.new_context(base_url=base)
    person = context.new_page()

    person.goto("/palvelut/apua/")
    assert_no_axe_violations(person, "ask for help")
    person.click("[data-testid=help-send]")  # empty: errors, nothing lost
    person.wait_for_selector(".error-summary")
    assert_no_axe_violations(person, "ask for help with errors")
    person.check("input[name=topics][value=money]")
    person.fill("#id_message", "Rahat loppuvat kesken.")
    person.fill("#id_phone", "040 555 0123")
    person.check("#id_consent")
    person.click("[data-testid=help-send]")
    reference = person.locator("[data-testid=reference]").inner_text()
    assert_no_axe_violations(person, "request sent")
    context.close()

    request = ContactRequest.objects.get()
    assert request.display_reference == reference
    worker.goto("/palvelut/staff/requests/")
    row = worker.locator("[data-testid=request-queue] tbody tr", has_text=reference)
    expect(row.locator("[data-testid=respond-by]")).to_contain_text(
        f"{request.respond_by.day}.{request.respond_by.month}.{request.respond_by.year}"
    )
    assert_no_axe_violations(worker, "request queue")


def test_identified_client_sees_who_viewed_their_data(page, settings, county, alice, feedback_code):
    settings.DEBUG = True
    settings.DEV_LOGIN = True
    hetu = make_hetu(datetime.date(1982, 4, 2), 955)
    person = PersonFactory(organisation=county, first_name="Tiina", last_name="Testinen", hetu=hetu)
    log_access(
        Actor.for_user(alice),
        person_code=person.code,
        object_type="people.person",
        object_ref=person.pk,
    )

    page.goto("/palvelut/palaute/")  # a feedback card's short code, typed
    assert_no_axe_violations(page, "feedback code")
    page.fill("#id_code", feedback_code.lower())
    page.press("#id_code", "Enter")
    page.wait_for_selector("[data-testid=feedback-send]")
    assert_no_axe_violations(page, "feedback form")
    page.check("#id_again_0")
    page.click("[data-testid=feedback-send]")
    expect(page.locator("[data-testid=feedback-thanks]")).to_be_visible()
    assert_no_axe_violations(page, "feedback thanks")

    page.goto("/palvelut/omat-tiedot/")
    assert_no_axe_violations(page, "own data, not identified")
    page.click("[data-testid=own-identify]")
    assert_no_axe_violations(page, "identification providers")
    page.click("[data-testid=provider-dev]")
    assert_no_axe_violations(page, "development identification")
    page.fill("#id_hetu", hetu)
    page.fill("#id_given_names", "Tiina")
    page.fill("#id_surname", "Testinen")
    page.click("[data-testid=dev-sign-in]")

    log = page.locator("[data-testid=own-log] table")
    expect(log).to_contain_text(alice.get_full_name())
    assert hetu not in page.url and hetu not in page.content()
    assert_no_axe_violations(page, "own data")
