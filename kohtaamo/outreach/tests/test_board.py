"""The live safety board: full page and polled fragment, alerts raised on the poll itself,
honest "last seen", acknowledging, and polling that does not keep the session alive."""

import datetime
import json

import time_machine
from django.utils import timezone

from kohtaamo.accounts.middleware import ACTIVITY_KEY
from kohtaamo.outreach import actions
from kohtaamo.outreach.models import SafetyAlert, SentNotification
from kohtaamo.outreach.sync import timing_for
from kohtaamo.outreach.tests.conftest import make_shift
from kohtaamo.testing.helpers import assert_constant_queries

POLL = {"HTTP_HX_REQUEST": "true", "HTTP_X_KOHTAAMO_POLL": "1"}


def test_full_page_and_fragment(as_user, alice, active_shift):
    client = as_user(alice)

    page = client.get("/outreach/board/").content.decode()
    fragment = client.get("/outreach/board/", **POLL).content.decode()

    assert "<html" in page and 'hx-trigger="every 3s"' in page and "X-Kohtaamo-Poll" in page
    assert "<html" not in fragment and 'id="board"' in fragment
    assert "Iltakierros" in fragment and fragment.count('data-testid="board-worker"') == 2


def test_an_unchanged_board_answers_204(as_user, alice, active_shift):
    client = as_user(alice)
    # A whole minute after the shift began, so that "minutes ago" reads the same in both polls.
    start = (timezone.now() + datetime.timedelta(minutes=1)).replace(second=10, microsecond=0)
    with time_machine.travel(start, tick=False):
        first = client.get("/outreach/board/", **POLL).content.decode()
    version = first.split("/outreach/board/?v=")[1].split('"')[0]

    # Seven seconds later the board's clock differs, and nothing else does.
    with time_machine.travel(start + datetime.timedelta(seconds=7), tick=False):
        same = client.get(f"/outreach/board/?v={version}", **POLL)
        actions.check_in(active_shift, by=alice, next_minutes=30)
        changed = client.get(f"/outreach/board/?v={version}", **POLL)

    assert same.status_code == 204 and same.content == b""
    checked = timezone.localtime(start + datetime.timedelta(seconds=7)).strftime("%H:%M:%S")
    assert json.loads(same["HX-Trigger"]) == {"kohtaamo:board-checked": {"at": checked}}
    assert changed.status_code == 200 and "Järvelän asema" not in first
    assert f"<time data-board-clock-time>{checked}</time>" in changed.content.decode()


def test_the_poll_raises_an_overdue_alert_at_once(
    as_user, manager, active_shift, alice, anna, django_capture_on_commit_callbacks
):
    actions.check_in(active_shift, by=anna, next_minutes=120)
    actions.check_in(active_shift, by=alice, next_minutes=15)
    client = as_user(manager)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=26), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            body = client.get("/outreach/board/", **POLL).content.decode()

    assert SafetyAlert.objects.get().worker == alice
    assert 'data-count="1"' in body and 'data-status="overdue"' in body
    assert 'data-testid="acknowledge"' in body
    assert SentNotification.objects.count() == 1


def test_acknowledging_from_the_board(as_user, manager, active_shift, alice):
    alert = actions.ask_for_help(active_shift, by=alice)
    client = as_user(manager)

    fragment = client.post(f"/outreach/alerts/{alert.code}/acknowledge/", HTTP_HX_REQUEST="true")
    page = client.post(f"/outreach/alerts/{alert.code}/acknowledge/")

    alert.refresh_from_db()
    assert alert.acknowledged_by == manager
    assert (
        "<html" not in fragment.content.decode() and "acknowledged by" in fragment.content.decode()
    )
    assert page.status_code == 302


def test_read_only_teammates_see_the_board_but_cannot_acknowledge(
    as_user, bob, alice, active_shift
):
    alert = actions.ask_for_help(active_shift, by=alice)
    client = as_user(bob)

    body = client.get("/outreach/board/").content.decode()
    response = client.post(f"/outreach/alerts/{alert.code}/acknowledge/")

    assert "Needs help now" in body and 'data-testid="acknowledge"' not in body
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_outsiders_do_not_see_the_shift_or_its_alerts(as_user, charlie, alice, active_shift):
    alert = actions.ask_for_help(active_shift, by=alice)
    client = as_user(charlie)

    body = client.get("/outreach/board/").content.decode()

    assert "Iltakierros" not in body
    assert client.post(f"/outreach/alerts/{alert.code}/acknowledge/").status_code == 404


def test_last_seen_is_honest_about_a_queued_check_in(as_user, alice, active_shift):
    now = timezone.now()
    actions.check_in(
        active_shift,
        by=alice,
        next_minutes=60,
        client_id="6f1c3c1e-6a57-4a83-9a52-2c1d2d2b8a10",
        timing=timing_for(now - datetime.timedelta(minutes=20), now, None),
        via="sync",
    )

    body = as_user(alice).get("/outreach/board/", **POLL).content.decode()

    made = timezone.localtime(now - datetime.timedelta(minutes=20)).strftime("%H:%M")
    received = timezone.localtime(now).strftime("%H:%M")
    assert f"<strong>{made}</strong>" in body
    assert f"made without a connection; reached the server at {received}" in body


def test_polling_does_not_keep_the_session_alive(as_user, alice, active_shift):
    client = as_user(alice)
    client.get("/outreach/board/")
    start = client.session[ACTIVITY_KEY]

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        client.get("/outreach/board/", **POLL)
        polled = client.session[ACTIVITY_KEY]
        client.get("/outreach/board/")
        viewed = client.session[ACTIVITY_KEY]

    assert polled == start and viewed > start


def test_a_shift_with_an_open_alert_stays_on_the_board_after_it_ended(
    as_user, manager, alice, anna, active_shift
):
    actions.ask_for_help(active_shift, by=alice)
    actions.confirm_safe(active_shift, by=alice)
    actions.confirm_safe(active_shift, by=anna)

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=6)):
        body = as_user(manager).get("/outreach/board/", **POLL).content.decode()

    assert "Iltakierros" in body and 'data-count="1"' in body


def test_the_board_makes_no_n_plus_one(as_user, official, alice, anna, manager, team_a, place):
    client = as_user(official)

    def make(n):
        for _ in range(n):
            shift = make_shift(team_a, [alice, anna], manager, place=place)
            actions.start_shift(shift, by=alice)
            actions.check_in(shift, by=alice, place=place, next_minutes=30)
            actions.ask_for_help(shift, by=anna)

    assert_constant_queries(make, lambda: client.get("/outreach/board/", **POLL))
    assert (
        client.get("/outreach/board/", **POLL).content.decode().count('data-testid="board-shift"')
        == 3
    )
