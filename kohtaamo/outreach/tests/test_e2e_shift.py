"""A pair's shift in the browser: check-ins from a 360 px phone, a missed check-in that raises an
alert the on-call manager acknowledges on the live board, three field contacts recorded without a
connection and synced when it returns (an interrupted sync and the same batch sent twice lose and
duplicate nothing), and logout clearing the phone's store. axe runs on the new pages."""

from __future__ import annotations

import datetime
import time
from unittest import mock

import pytest
from django.utils import timezone

from kohtaamo.encounters.models import Encounter
from kohtaamo.outreach import actions
from kohtaamo.outreach.models import CheckIn, FieldContact, SafetyAlert, SentNotification
from kohtaamo.testing.browser import assert_no_axe_violations
from kohtaamo.testing.helpers import current_code, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Testi-salasana-2026"


def login(page, user):
    device = totp_device(user)
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.fill("#id_token", current_code(device))
    page.click("main button[type=submit]")
    page.wait_for_url("**/my-day/")


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture
def contexts(browser, live_server):
    made = []

    def make(**kwargs):
        context = browser.new_context(base_url=live_server.url, service_workers="allow", **kwargs)
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return context, page

    yield make
    for context in made:
        context.close()


def test_a_pair_shift_with_an_alert_and_offline_contacts(
    contexts, alice, anna, manager, active_shift, place
):
    phone_context, phone = contexts(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    _desk_context, desk = contexts(viewport={"width": 1280, "height": 900})
    shift_url = f"/outreach/shift/{active_shift.code}/"

    # Check in from the phone (through the queue and the sync API).
    login(phone, alice)
    phone.goto(shift_url)
    assert_no_axe_violations(phone, "shift page (phone)")
    phone.click("[data-testid=check-in-form] label:has(input[name=next_minutes][value='30'])")
    phone.click("[data-testid=check-in]")
    wait_for(lambda: CheckIn.objects.filter(worker=alice).exists())
    actions.check_in(active_shift, by=anna, next_minutes=120)

    # The on-call manager watches the board; alice's next check-in is missed.
    login(desk, manager)
    desk.goto("/outreach/board/")
    desk.wait_for_selector("[data-worker=alice] [data-status=ok]")
    assert_no_axe_violations(desk, "safety board")
    CheckIn.objects.filter(worker=alice).update(
        next_by=timezone.now() - datetime.timedelta(minutes=11)
    )
    seen = time.monotonic()
    desk.wait_for_selector(
        "[data-testid=alert][data-kind=overdue] [data-testid=acknowledge]", timeout=6000
    )
    assert time.monotonic() - seen < 5
    assert desk.locator("[data-worker=alice] [data-status=overdue]").count() == 1
    wait_for(lambda: SentNotification.objects.filter(recipient=manager).exists())
    desk.click("[data-testid=acknowledge]")
    desk.wait_for_selector("[data-testid=open-alerts][data-count='0']")
    assert SafetyAlert.objects.get().acknowledged_by == manager

    # Three anonymous contacts without a connection.
    phone.goto(f"{shift_url}contact/")
    phone.wait_for_function("() => document.documentElement.dataset.outreachOffline === 'ready'")
    assert_no_axe_violations(phone, "capture page (phone)")
    phone_context.set_offline(True)
    for n, theme in enumerate(("housing", "substance_use", "loneliness"), start=1):
        started = time.monotonic()
        phone.click(f"label:has(> input[name=themes][value={theme}])")
        phone.click("label:has(> input[name=support][value=listening])")
        phone.click("[data-testid=save-contact]")
        phone.wait_for_function(f"() => document.documentElement.dataset.outreachPending === '{n}'")
        assert phone.locator("[data-testid=contact-saved]").count() == 1
        assert (
            time.monotonic() - started < 20
        )  # three taps on this page; docs/outreach.md counts them
    phone.wait_for_function("() => document.documentElement.dataset.outreachPending === '3'")
    assert FieldContact.objects.count() == 0
    queued = phone.evaluate("KohtaamoOutreach.pending()")
    assert len(queued) == 3 and all("name" not in str(i["payload"]) for i in queued)

    # Offline, the shift page still opens (from the service worker).
    response = phone.goto(shift_url)
    assert response is not None and response.from_service_worker
    phone.wait_for_selector("[data-testid=check-in-form]")

    # The connection returns, but the first answer is lost on the way back: the server saves
    # the items and the phone never hears so (here: a failure after the items were committed).
    from kohtaamo.outreach import sync as sync_module

    interrupted = []

    def save_then_fail(*args, **kwargs):
        result = sync_module.sync_batch(*args, **kwargs)
        interrupted.append(result.counts())
        raise ConnectionAbortedError("the answer was lost")

    with mock.patch("kohtaamo.api.outreach.sync_batch", side_effect=save_then_fail):
        phone_context.set_offline(False)
        wait_for(lambda: interrupted)
    assert interrupted == [{"created": 3, "duplicate": 0, "invalid": 0}]
    assert phone.evaluate("KohtaamoOutreach.pending().then(items => items.length)") == 3
    phone.evaluate("KohtaamoOutreach.sync()")
    phone.wait_for_function("() => document.documentElement.dataset.outreachPending === '0'")
    assert FieldContact.objects.count() == 3

    # A forced retry of the same batch: every item is a duplicate.
    statuses = phone.evaluate(
        "items => KohtaamoOutreach.post(items).then(r => r.json()).then(d => d.items.map(i => i.status))",
        queued,
    )
    assert statuses == ["duplicate"] * 3
    assert (
        FieldContact.objects.count() == 3 and Encounter.objects.filter(channel="field").count() == 3
    )
    assert set(FieldContact.objects.values_list("recorded_offline", flat=True)) == {True}

    # The shift ends: everything has been sent, so the phone forgets the shift.
    actions.confirm_safe(active_shift, by=anna)
    phone.goto(shift_url)
    phone.click("[data-testid=confirm-safe]")
    phone.wait_for_selector("[data-testid=shift-ended]")
    kept = phone.evaluate(
        """async () => {
            const out = [];
            for (const k of await caches.keys()) {
                for (const r of await (await caches.open(k)).keys()) { out.push(new URL(r.url).pathname); }
            }
            return out;
        }"""
    )
    assert [p for p in kept if p.startswith("/outreach/shift/")] == []
    assert phone.evaluate("KohtaamoOutreach.pending().then(items => items.length)") == 0

    # Logging out (from any page) clears what the phone kept.
    phone.goto("/my-day/")
    phone.click("form.logout button")
    phone.wait_for_url("**/accounts/login/")
    left = phone.evaluate(
        """async () => ({
            dbs: (await indexedDB.databases()).map(d => d.name),
            caches: (await caches.keys()).filter(k => k.startsWith('kohtaamo-outreach')),
        })"""
    )
    assert "kohtaamo-outreach" not in left["dbs"] and left["caches"] == []


def test_axe_on_the_other_new_pages(contexts, manager, alice, active_shift, outreach_place):
    _context, page = contexts(viewport={"width": 360, "height": 740})
    login(page, alice)

    for path in (
        "/outreach/",
        "/outreach/shifts/new/",
        "/outreach/places/",
        f"/outreach/places/{outreach_place.place.code}/",
        "/outreach/places/new/",
        f"/outreach/shift/{active_shift.code}/observation/",
        "/outreach/observations/",
        "/outreach/figures/",
    ):
        page.goto(path)
        assert_no_axe_violations(page, path)


def test_an_unchanged_board_keeps_its_content_and_moves_its_clock(contexts, manager, active_shift):
    _context, desk = contexts(viewport={"width": 1280, "height": 900})
    login(desk, manager)
    desk.goto("/outreach/board/")
    board = desk.locator("#board")
    board.evaluate("el => { el.dataset.marker = 'first render'; }")  # gone if the board is redrawn
    before = desk.inner_text("[data-board-clock-time]")

    with desk.expect_response(lambda r: "/outreach/board/?v=" in r.url and r.status == 204):
        pass
    desk.wait_for_function(
        "before => document.querySelector('[data-board-clock-time]').textContent !== before",
        arg=before,
    )

    assert desk.get_attribute("#board", "data-marker") == "first render"
    assert desk.inner_text("[data-board-clock-time]") > before  # HH:MM:SS of the same day
