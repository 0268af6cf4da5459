"""The installable field app: service worker, manifest, token; the home page, my day, navigation."""

import json

from django.templatetags.static import static


def test_the_service_worker_is_served_with_its_scope_and_config(client, db):
    response = client.get("/outreach/sw.js")

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    config = json.loads(body.split("self.KOHTAAMO_OUTREACH = ")[1].split(";\n")[0])
    assert static("js/outreach-field.js") in config["shell"]
    assert "/accounts/logout/" in config["logout"]
    assert 'addEventListener("fetch"' in body


def test_the_manifest(client, db):
    response = client.get("/outreach/manifest.webmanifest")

    data = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert data["start_url"] == "/outreach/" and data["display"] == "standalone"


def test_the_token_needs_a_login(client, as_user, alice):
    assert client.get("/outreach/token/").status_code == 302
    assert len(as_user(alice).get("/outreach/token/").json()["csrf"]) >= 32


def test_outreach_pages_carry_the_field_app(as_user, alice, active_shift):
    body = as_user(alice).get(f"/outreach/shift/{active_shift.code}/contact/").content.decode()

    assert "data-outreach-app" in body and f'data-user="{alice.code}"' in body
    assert 'data-sync-url="/api/v1/outreach/sync"' in body
    assert static("js/outreach-field.js") in body and static("css/outreach.css") in body


def test_my_day_shows_todays_shift_and_open_alerts(as_user, alice, manager, active_shift):
    from kohtaamo.outreach import actions

    actions.ask_for_help(active_shift, by=alice)

    mine = as_user(alice).get("/my-day/").content.decode()
    on_call = as_user(manager).get("/my-day/").content.decode()

    assert "Iltakierros" in mine and active_shift.get_absolute_url() in mine
    assert 'data-testid="myday-alerts"' in on_call and "1 open safety alert" in on_call


def test_the_navigation_shows_outreach_to_its_users(as_user, alice, charlie, outreach_place):
    assert 'href="/outreach/"' in as_user(alice).get("/my-day/").content.decode()
    assert 'href="/outreach/"' not in as_user(charlie).get("/my-day/").content.decode()


def test_outreach_home_needs_membership(as_user, administrator):
    assert as_user(administrator).get("/outreach/").status_code == 403
