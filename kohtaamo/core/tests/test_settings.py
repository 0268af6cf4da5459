import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def test_every_setting_is_documented():
    documented = set(
        re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "docs" / "configuration.md").read_text())
    )

    missing = sorted(name for name in settings.ENV_VARS if name not in documented)

    assert settings.ENV_VARS, "the settings module registers the variables it reads"
    assert missing == [], f"not documented in docs/configuration.md: {missing}"


def _start(env: dict) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with only the given variables (no .env)."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='kohtaamo.settings'; django.setup()"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "kohtaamo",  # outside the project folder, so .env is not read
        env={**base, "PYTHONPATH": str(ROOT), "KOHTAAMO_NO_DOTENV": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION_OK = {
    "SECRET_KEY": "a" * 60,
    "KOHTAAMO_FIELD_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtISE=",
    "KOHTAAMO_HASH_KEY": "b" * 40,
    "ALLOWED_HOSTS": "kohtaamo.example.fi",
}


def test_production_starts_with_its_secrets():
    assert _start(PRODUCTION_OK).returncode == 0


@pytest.mark.parametrize("missing", ["SECRET_KEY", "KOHTAAMO_FIELD_KEYS", "KOHTAAMO_HASH_KEY"])
def test_production_refuses_to_start_without_a_secret(missing):
    env = {k: v for k, v in PRODUCTION_OK.items() if k != missing}

    result = _start(env)

    assert result.returncode != 0
    assert missing in result.stderr and "ImproperlyConfigured" in result.stderr


def test_production_refuses_a_default_secret():
    result = _start({**PRODUCTION_OK, "SECRET_KEY": "django-insecure-abc"})

    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("DEBUG", "maybe"), ("EMAIL_PORT", "abc"), ("SESSION_IDLE_TIMEOUT_MINUTES", "0")],
)
def test_a_malformed_setting_names_the_variable(name, value):
    result = _start({**PRODUCTION_OK, name: value})

    assert result.returncode != 0 and name in result.stderr


def test_dev_login_is_refused_in_production():
    result = _start({**PRODUCTION_OK, "KOHTAAMO_DEV_LOGIN": "true"})

    assert result.returncode != 0 and "KOHTAAMO_DEV_LOGIN" in result.stderr


def test_production_defaults_are_secure():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='kohtaamo.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "kohtaamo",
        capture_output=True,
        text=True,
        env={**base, "PYTHONPATH": str(ROOT), "KOHTAAMO_NO_DOTENV": "1", **PRODUCTION_OK},
        timeout=60,
    )

    assert result.stdout.split() == ["False", "True", "True", "31536000", "True"]
