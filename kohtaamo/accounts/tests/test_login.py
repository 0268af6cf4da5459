import datetime

import pytest
import time_machine
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kohtaamo.accounts.models import LoginFailure, Role
from kohtaamo.testing.helpers import current_code, totp_device

PASSWORD = "Testi-salasana-2026"


def _login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.finnish
def test_login_page_renders_the_form(client, db):
    body = client.get("/accounts/login/").content.decode()

    assert 'name="username"' in body and 'name="password"' in body
    assert '<html lang="fi">' in body


def test_wrong_password_keeps_the_username_and_says_what_to_fix(client, alice):
    response = _login(client, "alice", "wrong-password")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="alice"' in body
    assert "username or password is wrong" in body
    assert LoginFailure.objects.count() == 1
    assert "alice" not in LoginFailure.objects.get().username_hash


def test_repeated_failures_lock_the_account(client, alice, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _login(client, "alice", "nope-nope-nope")

    locked = _login(client, "alice")

    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_ends_after_the_lockout_period(client, alice, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCKOUT_MINUTES = 15
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        _login(client, "alice", "x")
        _login(client, "alice", "x")
        assert _login(client, "alice").status_code == 429
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 16, tzinfo=datetime.UTC), tick=False):
        assert _login(client, "alice").status_code == 302


def test_first_login_sets_up_totp_and_shows_recovery_codes(client, alice):
    login = _login(client, "alice")
    setup = client.get("/accounts/mfa/")
    device = TOTPDevice.objects.get(user=alice, confirmed=False)

    confirm = client.post("/accounts/mfa/", {"token": current_code(device)})

    assert login.status_code == 302 and login["Location"] == "/accounts/mfa/"
    assert "<svg" in setup.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    codes = StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code in confirm.content.decode() for code in codes)
    assert client.get("/my-day/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client, alice):
    totp_device(alice)
    _login(client, "alice")

    response = client.post("/accounts/mfa/", {"token": "000000"})

    assert "did not match" in response.content.decode()
    assert client.get("/my-day/")["Location"] == "/accounts/mfa/"


def test_a_recovery_code_works_once(client, alice):
    totp_device(alice)
    from django_otp.plugins.otp_static.models import StaticDevice

    static = StaticDevice.objects.create(user=alice, name="recovery")
    static.token_set.create(token="abcd1234")
    _login(client, "alice")

    first = client.post("/accounts/mfa/", {"token": "abcd1234"})
    client.post("/accounts/logout/")
    _login(client, "alice")
    second = client.post("/accounts/mfa/", {"token": "abcd1234"})

    assert first.status_code == 302
    assert second.status_code == 200 and "did not match" in second.content.decode()


def test_pages_need_the_second_factor(client, alice):
    client.force_login(alice)

    assert client.get("/my-day/")["Location"] == "/accounts/mfa/"
    assert client.get("/people/")["Location"] == "/accounts/mfa/"
    assert client.get("/api/v1/me").status_code == 401


def test_every_default_role_requires_mfa(db):
    assert Role.objects.filter(requires_mfa=False).count() == 0
    assert Role.objects.count() >= 8


def test_idle_session_is_logged_out(as_user, alice, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    start = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = as_user(alice)
        assert client.get("/my-day/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get("/my-day/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        response = client.get("/my-day/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_log_out_of_all_sessions_ends_other_sessions(client, alice):
    from django.test import Client

    from kohtaamo.testing.helpers import login_verified

    phone, laptop = login_verified(Client(), alice), login_verified(client, alice)
    assert phone.get("/my-day/").status_code == 200

    laptop.post("/accounts/sessions/end-all/")

    assert phone.get("/my-day/").status_code == 302
    assert laptop.get("/my-day/").status_code == 302


def test_logout_needs_post(as_user, alice):
    client = as_user(alice)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/my-day/").status_code == 302


def test_open_redirect_is_refused(client, alice):
    totp_device(alice)
    client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert client.session["kohtaamo_next"] == "core:my-day"


def test_create_api_token_command_prints_it_once(alice, capsys):
    call_command("create_api_token", "alice", "--name", "integraatio")

    token = capsys.readouterr().out.strip()
    stored = alice.api_tokens.get()
    assert token.startswith("kht_") and stored.name == "integraatio"
    assert token not in stored.token_hash and stored.prefix == token[:10]


def test_public_client_pages_stay_open_but_staff_pages_need_the_second_factor(client, alice):
    client.force_login(alice)

    assert client.get("/palvelut/").status_code == 200
    assert client.get("/palvelut/chat/console/")["Location"] == "/accounts/mfa/"
    assert client.get("/palvelut/staff/requests/")["Location"] == "/accounts/mfa/"
