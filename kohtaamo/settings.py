"""Kohtaamo settings: one module, read from environment variables.

Every variable read here goes through one of the `env_*` helpers, which record its name so that a
test can check that docs/configuration.md documents it. Production is the default: DEBUG is off and
a missing or default secret stops start-up with a message that names the variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kohtaamo.core.envfile import read_env

BASE_DIR = Path(__file__).resolve().parent.parent
if not os.environ.get("KOHTAAMO_NO_DOTENV"):
    read_env(BASE_DIR / ".env")

ENV_VARS: set[str] = {"KOHTAAMO_NO_DOTENV"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    ENV_VARS.add(name)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name, "true" if default else "false").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false, not {value!r} (docs/configuration.md)"
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = env_str(name, str(default)).strip()
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r} (docs/configuration.md)"
        ) from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum} (docs/configuration.md)")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_secret(name: str, *, required: bool) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (for container secrets)."""
    ENV_VARS.add(f"{name}_FILE")
    path = os.environ.get(f"{name}_FILE")
    value = Path(path).read_text(encoding="utf-8").strip() if path else env_str(name)
    if required and (not value or value.startswith("django-insecure") or value == "change-me"):
        raise ImproperlyConfigured(
            f"{name} is missing or a default value; set it (or {name}_FILE) as described in "
            "docs/configuration.md"
        )
    return value


DEBUG = env_bool("DEBUG", False)
PRODUCTION = not DEBUG

SECRET_KEY = env_secret("SECRET_KEY", required=PRODUCTION) or "dev-only-" + "x" * 40
# Keys for personal identity codes: Fernet keys (first one encrypts; all decrypt, for rotation)
# and the HMAC key for look-up hashes of identity codes and contact codes.
FIELD_ENCRYPTION_KEYS = env_list("KOHTAAMO_FIELD_KEYS") or (
    [] if PRODUCTION else ["ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtISE="]
)
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("KOHTAAMO_FIELD_KEYS is missing (docs/configuration.md)")
HASH_KEY = env_secret("KOHTAAMO_HASH_KEY", required=PRODUCTION) or "dev-only-hash-key"
ALLOW_TEMPORARY_HETU = env_bool("KOHTAAMO_ALLOW_TEMPORARY_HETU", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "kohtaamo.core",
    "kohtaamo.accounts",
    "kohtaamo.audit",
    "kohtaamo.people",
    "kohtaamo.instruments",
    "kohtaamo.encounters",
    "kohtaamo.directory",
    "kohtaamo.referrals",
    "kohtaamo.casework",
    "kohtaamo.groupwork",
    "kohtaamo.outreach",
    "kohtaamo.channel",
    "kohtaamo.evaluation",
    "kohtaamo.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kohtaamo.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kohtaamo.accounts.middleware.SessionGuardMiddleware",
    "kohtaamo.accounts.middleware.RequireMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kohtaamo.urls"
WSGI_APPLICATION = "kohtaamo.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:my-day"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kohtaamo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kohtaamo.core.context_processors.kohtaamo",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in memory
# A pool of PostgreSQL connections per server process (psycopg_pool), for threaded servers: a
# thread holds a connection only while it uses it, not while a chat request waits for news
# (docs/operations.md). 0 = one persistent connection per thread (DATABASE_CONN_MAX_AGE).
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 0)
if DATABASE_POOL_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them open
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DATABASE_POOL_SIZE),
        "max_size": DATABASE_POOL_SIZE,
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: a working day at most; idle timeout and "log out everywhere" in SessionGuardMiddleware.
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
OTP_TOTP_ISSUER = "Kohtaamo"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kohtaamo" / "locale"]
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "Europe/Helsinki")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kohtaamo.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "kohtaamo" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security headers. In production everything is on; behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER via SECURE_PROXY_SSL.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = False
if env_bool("SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", required=False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kohtaamo@localhost")

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "kohtaamo.core.logging.ScrubPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"], "formatter": "plain"}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Domain settings
CASELOAD_CAP = env_int("KOHTAAMO_CASELOAD_CAP", 40, minimum=1)
INACTIVE_MATTER_DAYS = env_int("KOHTAAMO_INACTIVE_MATTER_DAYS", 60, minimum=1)
SMALL_NUMBER_K = env_int("KOHTAAMO_SMALL_NUMBER_K", 5, minimum=1)
CHAT_RETENTION_DAYS = env_int("KOHTAAMO_CHAT_RETENTION_DAYS", 30, minimum=1)
# § 36 working days: county-specific non-working days (ISO dates) and the unverified Saturday rule.
EXTRA_HOLIDAYS = env_list("KOHTAAMO_EXTRA_HOLIDAYS")
SATURDAY_IS_WORKING_DAY = env_bool("KOHTAAMO_SATURDAY_IS_WORKING_DAY", False)
# Service directory and referrals
HSDS_SCHEMA_DIR = Path(
    env_str("KOHTAAMO_HSDS_SCHEMA_DIR", str(BASE_DIR.parent / "shared" / "hsds"))
)  # falls back to the copy vendored in kohtaamo/directory/hsds_schema/ when missing
DIRECTORY_STALE_DAYS = env_int("KOHTAAMO_DIRECTORY_STALE_DAYS", 365, minimum=1)
REFERRAL_LINK_DAYS = env_int("KOHTAAMO_REFERRAL_LINK_DAYS", 14, minimum=1)
REFERRAL_RESPONSE_DAYS = env_int("KOHTAAMO_REFERRAL_RESPONSE_DAYS", 5, minimum=1)
# Outreach safety: alert when a check-in is this late; repeat to the on-call person until acknowledged.
CHECKIN_MARGIN_MINUTES = env_int("KOHTAAMO_CHECKIN_MARGIN_MINUTES", 10)
ALERT_REPEAT_MINUTES = env_int("KOHTAAMO_ALERT_REPEAT_MINUTES", 5, minimum=1)
ALERT_NOTIFIER = env_str("KOHTAAMO_ALERT_NOTIFIER", "sink" if DEBUG else "email")
if ALERT_NOTIFIER not in ("email", "sms", "sink"):
    raise ImproperlyConfigured("KOHTAAMO_ALERT_NOTIFIER must be email, sms or sink")
SMS_GATEWAY_URL = env_str("KOHTAAMO_SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_secret("KOHTAAMO_SMS_GATEWAY_TOKEN", required=False)
DEV_LOGIN = env_bool("KOHTAAMO_DEV_LOGIN", False)
if DEV_LOGIN and PRODUCTION:
    raise ImproperlyConfigured(
        "KOHTAAMO_DEV_LOGIN is a development identification provider and cannot run with DEBUG off"
    )

ADMIN_SITE_HEADER = _("Kohtaamo administration")
FORM_RENDERER = "kohtaamo.core.forms.FormRenderer"
