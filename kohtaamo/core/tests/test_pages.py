import logging
import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.utils import OperationalError

from kohtaamo.accounts.models import User
from kohtaamo.core.logging import ScrubPersonalData
from kohtaamo.people.models import Person

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_livez_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch("kohtaamo.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in ROOT.glob("kohtaamo/**/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\sstyle=", text)
            or "<style" in text
        ):
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path.relative_to(ROOT)} (event handler attribute)")

    assert offenders == []


@pytest.mark.finnish
def test_base_template_landmarks(as_user, alice):
    body = as_user(alice).get("/my-day/").content.decode()

    assert '<html lang="fi">' in body
    assert 'href="#main"' in body and '<main id="main"' in body
    assert body.count("<h1") == 1
    assert "<nav" in body and "<header" in body and "<footer" in body


def test_language_switch_changes_the_page_language(client, db):
    client.post("/i18n/setlang/", {"language": "sv", "next": "/accounts/login/"})

    assert '<html lang="sv">' in client.get("/accounts/login/").content.decode()


@pytest.mark.finnish
def test_browser_language_does_not_override_finnish(client, db):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()

    assert '<html lang="fi">' in body


def test_unknown_person_is_a_plain_404_without_details(as_user, alice):
    response = as_user(alice).get("/people/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Traceback" not in body


def test_log_records_lose_identity_codes():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "bad value %s", ("131052-308T",), None
    )

    ScrubPersonalData().filter(record)

    assert record.getMessage() == "bad value [hetu]"


def test_seed_demo_refuses_without_debug(settings, db):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_seed_demo_makes_a_user_per_role_and_synthetic_people(settings, db):
    settings.DEBUG = False

    call_command("seed_demo", "--force", "--people", "12")
    call_command("seed_demo", "--force", "--once")

    roles = set(User.objects.values_list("memberships__role__key", flat=True))
    assert roles >= {
        "social_worker",
        "social_counsellor",
        "other_professional",
        "partner_worker",
        "manager",
        "evaluator",
        "administrator",
        "readonly",
    }
    people = list(Person.objects.all())
    assert len(people) >= 12  # the registry's 12, plus any that other apps' demo data adds
    assert all(900 <= int(p.hetu[7:10]) <= 999 for p in people if p.hetu)


def test_scheduler_enqueues_due_jobs_once(db, settings):
    from kohtaamo.core.management.commands.run_scheduler import enqueue_due, load_task_modules

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    load_task_modules()

    first = enqueue_due()
    second = enqueue_due()

    assert "kohtaamo.core.tasks.purge_expired_sessions" in first
    assert second == []
