"""Browser tests of the foundation: the first login with two-factor set-up, opening a person, and
axe on the main pages in Finnish and Swedish."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.testing.browser import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.finnish]


def _code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_first_login_sets_up_two_factor_and_opens_a_person(page, alice, person):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "fi"
    assert_no_axe_violations(page, "login (fi)")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "Testi-salasana-2026")
    page.click("main button[type=submit]")

    page.wait_for_selector("[data-secret]")
    assert_no_axe_violations(page, "two-factor set-up (fi)")
    page.fill("#id_token", _code_for(alice))
    page.click("main button[type=submit]")
    page.wait_for_selector(".recovery-codes")
    assert page.locator(".recovery-codes li").count() == 10
    page.click("main a.button")

    page.wait_for_url("**/my-day/")
    assert_no_axe_violations(page, "my day (fi)")
    page.goto("/people/")
    page.fill("#id_q", "Meik")
    page.click("form[role=search] button[type=submit]")
    page.click("text=Meikäläinen Maija")
    page.wait_for_url(f"**/people/{person.code}/")
    assert page.locator("h1").inner_text() == "Maija Meikäläinen"
    assert_no_axe_violations(page, "person (fi)")

    assert AccessLogEntry.objects.filter(person_code=person.code, action="view").count() == 1
    assert AccessLogEntry.objects.filter(person_code=person.code, action="search_hit").count() >= 1


def test_pages_in_swedish_pass_axe(page, browser_login, alice, person):
    browser_login(alice)
    with page.expect_navigation():
        page.select_option("#language-select", "sv")  # the switcher submits itself with JavaScript
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_no_axe_violations(page, "my day (sv)")

    page.goto(f"/people/{person.code}/")
    assert_no_axe_violations(page, "person (sv)")
    page.click("#identity button")
    expect(page.locator("#identity code")).to_have_text(person.hetu)

    assert page.request.get("/accounts/logout/").status == 405  # logging out is a POST form
    page.goto("/my-day/")
    page.click("form.logout button")
    page.wait_for_url("**/accounts/login/")
    assert_no_axe_violations(page, "login (sv)")


def test_small_screen_has_no_horizontal_scroll(browser, live_server, alice, person):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/accounts/login/")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()

    assert width <= 360
