"""Production settings refuse to start when they would be unsafe, and send the security headers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "7f3c9a1e5b2d8f4a6c0e9b7d1f3a5c8e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a"
CONFIGURED = {
    "SECRET_KEY": GOOD_SECRET,
    "DATABASE_URL": "postgres://x@127.0.0.1/x",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "EMAIL_URL": "smtp://mail.example.pl:587",
}
PRODUCTION_ENV_KEYS = {
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "TRUSTED_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
}


def _run(args, **env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for this process only.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV_KEYS and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production", **env})
    return subprocess.run(args, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def _start(**env):
    return _run([sys.executable, "-c", "import django; django.setup(); print('started')"], **env)


def test_production_refuses_debug():
    result = _start(**{**CONFIGURED, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.parametrize("secret", ["", "dev-insecure-secret-key-change-me", "short", "x" * 60])
def test_production_refuses_missing_or_default_secret(secret):
    result = _start(**{**CONFIGURED, "SECRET_KEY": secret})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "missing, message",
    [
        ("REDIS_URL", "REDIS_URL must point at Redis"),
        ("EMAIL_URL", "EMAIL_URL must point at the mail server"),
    ],
)
def test_production_refuses_to_start_without_redis_or_mail_server(missing, message):
    env = {key: value for key, value in CONFIGURED.items() if key != missing}
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("module", ["portal.settings.production", "portal.settings.local"])
def test_sqlite_is_refused_with_a_sentence_that_says_what_to_use(module):
    result = _start(
        **{**CONFIGURED, "DATABASE_URL": "sqlite:////tmp/portal.sqlite3"},
        DJANGO_SETTINGS_MODULE=module,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL starts with sqlite:" in result.stderr
    assert "the portal runs on PostgreSQL only" in result.stderr
    assert "`make run`" in result.stderr


def test_production_without_a_database_says_how_to_configure_one():
    env = {key: value for key, value in CONFIGURED.items() if key != "DATABASE_URL"}
    result = _start(**env)
    assert result.returncode != 0
    assert "No database is configured. The portal runs on PostgreSQL" in result.stderr
    assert "DATABASE_URL=postgres://" in result.stderr


def test_local_settings_without_database_url_use_the_postgresql_of_make_run():
    result = _run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['OPTIONS']['host'])",
        ],
        DJANGO_SETTINGS_MODULE="portal.settings.local",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "portal",
        str(ROOT / "var" / "postgres"),
    ]


def test_production_starts_when_configured():
    result = _start(**CONFIGURED)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_rate_limits_are_counted_in_redis():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "from allauth.account import app_settings; "
        "print(settings.CACHES['default']['BACKEND']); print(app_settings.RATE_LIMITS['login_failed'])"
    )
    result = _run([sys.executable, "-c", script], **CONFIGURED)
    assert result.returncode == 0, result.stderr
    backend, login_failed = result.stdout.strip().splitlines()[-2:]
    assert "Redis" in backend  # Django's RedisCache or portal.cache's subclass of it
    assert "/key" in login_failed  # per account, not only per address


def test_check_deploy_reports_no_issues_with_production_settings():
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **CONFIGURED,
        ALLOWED_HOSTS="portal.example.pl",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- headers, through the test client with the production settings ------------------------------

HEADERS_SCRIPT = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
from django.test.utils import setup_test_environment
setup_test_environment()
# The only change to the production settings: static file names without the manifest that
# collectstatic writes at image build time (not part of a test run).
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client(HTTP_HOST="portal.example.pl")
out = {}
plain = client.get("/konto/login/")
out["plain_status"] = plain.status_code
out["plain_location"] = plain.get("Location", "")
forwarded = client.get("/konto/login/", HTTP_X_FORWARDED_PROTO="https")
out["forwarded_status"] = forwarded.status_code
secure = client.get("/konto/login/", secure=True)
out["secure_status"] = secure.status_code
out["csp"] = secure.get("Content-Security-Policy", "")
out["hsts"] = secure.get("Strict-Transport-Security", "")
out["nosniff"] = secure.get("X-Content-Type-Options", "")
out["frame"] = secure.get("X-Frame-Options", "")
out["csrf_cookie_secure"] = bool(secure.cookies["csrftoken"]["secure"])
out["html_has_inline_script"] = "<script>" in secure.content.decode() or " onclick=" in secure.content.decode()
print("RESULT" + json.dumps(out))
"""


@pytest.fixture
def production_client_run(django_db_setup, django_db_blocker):
    """Run HEADERS_SCRIPT with the production settings against the (migrated) test database."""
    from django.db import connection

    from tests.conftest import _database_url

    with django_db_blocker.unblock():
        database_url = _database_url(connection.settings_dict["NAME"])

    def run(**env):
        result = _run(
            [sys.executable, "-c", HEADERS_SCRIPT],
            **{
                **CONFIGURED,
                "DATABASE_URL": database_url,
                "ALLOWED_HOSTS": "portal.example.pl",
                **env,
            },
        )
        assert result.returncode == 0, result.stderr[-3000:]
        line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
        return json.loads(line[len("RESULT") :])

    return run


def test_production_sends_csp_hsts_and_redirects_to_https(production_client_run):
    out = production_client_run()
    assert out["plain_status"] == 301
    assert out["plain_location"] == "https://portal.example.pl/konto/login/"
    # Without TRUSTED_PROXY_SSL_HEADER a client's own X-Forwarded-Proto header proves nothing.
    assert out["forwarded_status"] == 301
    assert out["secure_status"] == 200
    directives = dict(part.strip().split(" ", 1) for part in out["csp"].split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in out["csp"]
    assert out["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert out["nosniff"] == "nosniff" and out["frame"] == "DENY"
    assert out["csrf_cookie_secure"] is True
    assert out["html_has_inline_script"] is False


def test_behind_a_trusted_proxy_the_forwarded_https_is_believed(production_client_run):
    out = production_client_run(TRUSTED_PROXY_SSL_HEADER="true")
    assert out["plain_status"] == 301
    assert out["forwarded_status"] == 200
