"""The production topology, without Docker: gunicorn with portal.settings.production, a Celery
worker, Celery beat and an SMTP catcher (aiosmtpd) as separate processes on free ports, against
the test PostgreSQL database and the real Redis. A person creates an account through gunicorn and
confirms the address with the link of the verification e-mail that arrives over SMTP (http, as
SITE_URL says: allauth's links follow it); a partner signs in and registers for an event, the
confirmation e-mail arrives over SMTP and its link opens; static files are served;
``check --deploy`` passes. Every process is stopped by its id in ``finally``."""

import os
import re
import secrets
import subprocess
import sys
import time
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.conftest import PROJECT_ROOT, _database_url
from tests.events.factories import ConsentTextFactory, EventFactory, member
from tests.processes import Browser, csrf, free_port, stop, wait_for_message, wait_for_port

pytestmark = pytest.mark.django_db(transaction=True)

DEADLINE_SECONDS = 150  # generous: the machine that runs CI is shared and often loaded
FAIL_LEVEL = "WARNING"


def test_production_topology_end_to_end(tmp_path):
    ConsentTextFactory()
    event = EventFactory(title="Forum produkcyjne")
    user, organisation = member()
    # The test settings hash with MD5, which production does not accept: store a PBKDF2 hash.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode("haslo-testowe-123", hasher.salt())
    user.save(update_fields=["password"])
    test_database = connection.settings_dict["NAME"]

    web_port, smtp_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    queue = f"portal-topology-{uuid.uuid4().hex[:12]}"
    maildir = tmp_path / "maildir"
    env = {
        **{
            k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },  # set by the browser conftest
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": _database_url(test_database),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": base,
        "SITE_URL": base,
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    # Plain HTTP on 127.0.0.1 is allowed for this test only, by explicit settings.
    plain_http = {
        **env,
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "ACCOUNT_DEFAULT_HTTP_PROTOCOL": "http",
    }
    for name in ("DEBUG", "EMAIL_FILE_PATH"):
        env.pop(name, None)
        plain_http.pop(name, None)

    manage = [sys.executable, "manage.py"]
    check = subprocess.run(
        [*manage, "check", "--deploy", "--fail-level", FAIL_LEVEL],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
    )
    assert check.returncode == 0, check.stdout + check.stderr

    logs = tmp_path / "logs"
    logs.mkdir()
    processes: list[subprocess.Popen] = []

    def start(name: str, command: list[str]) -> subprocess.Popen:
        log = open(logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process below
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=plain_http, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        processes.append(process)
        return process

    deadline = time.monotonic() + DEADLINE_SECONDS

    def _wait_for_message(to: str):
        def worker_alive():
            assert worker.poll() is None, (logs / "worker.log").read_text()

        return wait_for_message(maildir, to, deadline, worker_alive)

    try:
        smtp = start(
            "smtp",
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{smtp_port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(maildir),
            ],
        )
        collect = start("collectstatic", [*manage, "collectstatic", "--noinput", "-v0"])
        worker = start(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                queue,
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{queue}@%h",
                "--loglevel",
                "INFO",
            ],
        )
        beat = start(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(tmp_path / "celerybeat-schedule"),
            ],
        )
        assert collect.wait(timeout=max(1, deadline - time.monotonic())) == 0, (
            logs / "collectstatic.log"
        ).read_text()
        web = start(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
            ],
        )
        wait_for_port(smtp_port, smtp, deadline, "aiosmtpd")
        wait_for_port(web_port, web, deadline, "gunicorn")

        browser = Browser(base)
        status, _, page = browser.get("/konto/login/")
        assert status == 200, page
        status, url, page = browser.post(
            "/konto/login/",
            {
                "csrfmiddlewaretoken": csrf(page),
                "login": user.email,
                "password": "haslo-testowe-123",
            },
        )
        assert status == 200 and "/konto/login/" not in url, page[:2000]

        registration_url = f"/wydarzenia/{event.slug}/zapisy/"
        status, _, page = browser.get(registration_url)
        assert status == 200, page[:2000]
        clause = re.search(r'name="clause_version" value="([^"]*)"', page)
        status, url, page = browser.post(
            registration_url,
            {
                "csrfmiddlewaretoken": csrf(page),
                "organisation": organisation.pk,
                "participant": user.pk,
                "clause_version": clause.group(1) if clause else "",
            },
        )
        assert status == 200 and url.endswith("/wydarzenia/moje-zgloszenia/"), page[:2000]
        assert "Forum produkcyjne" in page

        message = _wait_for_message(user.email)
        assert "Forum produkcyjne" in message["Subject"]
        text = message.get_body(preferencelist=("plain",)).get_content()
        links = re.findall(rf"{re.escape(base)}/\S+", text)
        event_link = next(link for link in links if event.slug in link)
        status, _, page = browser.get(event_link)
        assert status == 200 and "Forum produkcyjne" in page

        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        status, _, css = browser.get(stylesheet)
        assert status == 200 and css.strip()

        # A new person signs up; the verification link of the e-mail confirms the address.
        newcomer = Browser(base)
        status, _, page = newcomer.get("/konto/signup/")
        assert status == 200, page[:2000]
        status, url, page = newcomer.post(
            "/konto/signup/",
            {
                "csrfmiddlewaretoken": csrf(page),
                "first_name": "Zofia",
                "last_name": "Produkcyjna",
                "email": "zofia.produkcyjna@example.org",
                "password1": "Bezpieczne-Haslo-2026",
                "password2": "Bezpieczne-Haslo-2026",
            },
        )
        assert status == 200 and "/konto/signup/" not in url, page[:2000]
        verification = _wait_for_message("zofia.produkcyjna@example.org")
        text = verification.get_body(preferencelist=("plain",)).get_content()
        confirm_link = re.search(rf"{re.escape(base)}/konto/confirm-email/\S+", text).group(0)
        status, _, page = newcomer.get(confirm_link)
        assert status == 200, page[:2000]
        status, url, page = newcomer.post(confirm_link, {"csrfmiddlewaretoken": csrf(page)})
        assert status == 200 and "confirm-email" not in url, page[:2000]
        assert EmailAddress.objects.get(email="zofia.produkcyjna@example.org").verified

        assert beat.poll() is None, (logs / "beat.log").read_text()
        assert "beat: Starting" in (logs / "beat.log").read_text()
    finally:
        for process in reversed(processes):
            stop(process)
