"""Browser test of the closed loop: a worker refers a client with consent, the partner confirms
arrival through the link without logging in, the referral shows "arrived"; another referral left
unconfirmed raises a follow-up task in "my day" when it falls due. axe on the new pages."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from kohtaamo.audit.actions import Actor
from kohtaamo.directory.actions import import_directory
from kohtaamo.directory.models import Service
from kohtaamo.directory.tests.conftest import tiny_spec
from kohtaamo.referrals import actions
from kohtaamo.referrals.models import Referral
from kohtaamo.testing.browser import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_refer_confirm_by_link_and_follow_up(page, browser, browser_login, alice, person, county):
    import_directory(tiny_spec(), actor=Actor.system("test"), source="test")
    service = Service.objects.get(slug="velkaneuvonta-testi")
    browser_login(alice)

    page.goto(f"/people/{person.code}/")
    page.click("[data-testid=find-service]")
    page.fill("#id_q", "velkaneuvontaa")
    page.press("#id_q", "Enter")
    page.wait_for_selector("[data-testid=service-card]")
    assert_no_axe_violations(page, "directory search")
    page.click(f"[data-service='{service.hsds_id}'] h3 a")
    assert_no_axe_violations(page, "service page")
    page.click("[data-testid=refer]")
    page.check("#id_consent_given")
    page.fill("#id_shared_information", "Nimi ja puhelinnumero")
    assert_no_axe_violations(page, "referral form")
    page.click("[data-testid=send-referral]")
    link = page.locator("[data-testid=confirm-link]").inner_text().strip()
    assert_no_axe_violations(page, "referral page")

    partner = browser.new_context(base_url=page.url.split("/referrals/")[0]).new_page()
    partner.goto(link.replace(page.url.split("/referrals/")[0], ""))
    assert person.last_name not in partner.content()
    assert_no_axe_violations(partner, "partner confirmation page")
    partner.check("#id_outcome_0")
    partner.fill("#id_name", "Kalle Kumppani")
    partner.click("[data-testid=confirm-submit]")
    expect(partner.locator("[data-testid=confirm-done]")).to_be_visible()
    partner.context.close()

    page.reload()
    expect(page.locator("[data-testid=referral-status]")).to_have_attribute(
        "data-status", "arrived"
    )

    waiting, _ = actions.create_referral(
        Actor.for_user(alice),
        user=alice,
        organisation=county,
        service=service,
        person=person,
        consent_given=True,
    )
    with time_machine.travel(waiting.due_at + datetime.timedelta(hours=1), tick=False):
        assert actions.create_overdue_tasks() == 1
    page.goto("/my-day/")
    expect(page.locator("[data-testid=follow-up-task]")).to_contain_text(waiting.short_code)
    assert Referral.objects.get(pk=waiting.pk).tasks.count() == 1
