"""Shared fixtures. The access trio follows healthchecks: alice (worker in team A), bob (read-only
teammate in team A) and charlie (worker of another organisation, no access to A's clients)."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.utils import translation

from kohtaamo.testing.factories import OrganisationFactory, PersonFactory, TeamFactory, member
from kohtaamo.testing.helpers import current_code, login_verified, totp_device

PASSWORD = "Testi-salasana-2026"


@pytest.fixture(autouse=True)
def _kohtaamo_test_settings(request, settings):
    settings.ALLOW_TEMPORARY_HETU = True  # test data uses temporary codes 900–999 only
    # Tests read English source strings; the product's Finnish default is tested where a test is
    # marked `finnish` (and the catalogues are checked by `make check`).
    if request.node.get_closest_marker("finnish") is None:
        settings.LANGUAGE_CODE = "en"
        translation.activate("en")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # cached navigation and rate limits belong to one test
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def county(db):
    return OrganisationFactory(slug="county-a", name_fi="Testialue A")


@pytest.fixture
def other_county(db):
    return OrganisationFactory(slug="county-b", name_fi="Testialue B")


@pytest.fixture
def team_a(county):
    return TeamFactory(unit__organisation=county, slug="team-a", name_fi="Tiimi A")


@pytest.fixture
def team_b(other_county):
    return TeamFactory(unit__organisation=other_county, slug="team-b", name_fi="Tiimi B")


@pytest.fixture
def alice(county, team_a):
    return member(county, "social_counsellor", team=team_a, username="alice")


@pytest.fixture
def bob(county, team_a):
    return member(county, "readonly", team=team_a, username="bob")


@pytest.fixture
def charlie(other_county, team_b):
    return member(other_county, "social_counsellor", team=team_b, username="charlie")


@pytest.fixture
def official(county, team_a):
    return member(county, "social_worker", team=team_a, username="olivia")


@pytest.fixture
def manager(county):
    return member(county, "manager", username="maria")


@pytest.fixture
def evaluator(county):
    return member(county, "evaluator", username="eric")


@pytest.fixture
def administrator(county):
    return member(county, "administrator", username="adam")


@pytest.fixture
def partner_worker(db):
    kela = OrganisationFactory(slug="kela-test", kind="kela", name_fi="Kela testi")
    return member(kela, "partner_worker", username="paula")


@pytest.fixture
def person(county):
    return PersonFactory(organisation=county, first_name="Maija", last_name="Meikäläinen")


@pytest.fixture
def as_user(client):
    """`as_user(alice)` returns the test client logged in as alice, second factor verified."""

    def login(user):
        client.logout()
        return login_verified(client, user)

    return login


# Browser tests -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    from kohtaamo.testing.browser import launch

    b = launch(_playwright)
    yield b
    b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fi-FI", viewport={"width": 1280, "height": 900}
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture
def browser_login(page):
    """Log in through the real login and two-factor pages."""

    def login(user, password=PASSWORD):
        device = totp_device(user)
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        page.fill("#id_token", current_code(device))
        page.click("main button[type=submit]")
        page.wait_for_url("**/my-day/")
        return page

    return login
