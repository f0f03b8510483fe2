"""Helpers for tests that run the portal as separate processes with production settings
(tests/deploy, tests/faults): free ports, production environments, gunicorn / Celery worker /
beat / SMTP catcher command lines, a minimal cookie-keeping HTTP client, and stopping every
process by its id (never by name: other people's processes run on the same machine)."""

import http.cookiejar
import mailbox
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email import policy
from email.parser import BytesParser
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Variables of the test process that must not leak into the portal's processes.
_NOT_INHERITED = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' conftest
    "DEBUG",
    "EMAIL_FILE_PATH",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_TASK_DEFAULT_QUEUE",
    "CELERY_BEAT_INTERVALS",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, deadline: float, name: str) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{name} exited at start (code {process.returncode}); see its log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{name} did not listen on port {port} in time")


def production_env(
    *, database_url: str, redis_url: str, smtp_port: int, base: str, tmp_path: Path, **extra
) -> dict:
    """portal.settings.production with a real SECRET_KEY, over plain HTTP on 127.0.0.1 (allowed
    here by explicit settings only)."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": base,
            "SITE_URL": base,
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "ACCOUNT_DEFAULT_HTTP_PROTOCOL": "http",
        }
    )
    env.update(extra)
    return env


def gunicorn_command(port: int, workers: int = 2) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]


def worker_command(queue: str, name: str, concurrency: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "-Q",
        queue,
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}@%h",
        "--loglevel",
        "INFO",
    ]


def beat_command(schedule: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "beat",
        "--loglevel",
        "INFO",
        "--schedule",
        str(schedule),
    ]


def smtp_command(port: int, maildir: Path) -> list[str]:
    """aiosmtpd storing every message it accepts in a Maildir (one file per message)."""
    return [
        sys.executable,
        "-m",
        "aiosmtpd",
        "-n",
        "-l",
        f"127.0.0.1:{port}",
        "-c",
        "aiosmtpd.handlers.Mailbox",
        str(maildir),
    ]


class Processes:
    """Processes started for one test, each with its log file; stopped by process id."""

    def __init__(self, logs: Path, env: dict):
        self.logs = logs
        self.logs.mkdir(parents=True, exist_ok=True)
        self.env = env
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 - the child keeps it open
        # A session of its own, so that a process and its children (Celery's pool) can be
        # signalled together by process group id.
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        process.name = name
        process.group = True
        self.started.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self, timeout: float = 5) -> None:
        """SIGTERM to every process group at once, SIGKILL to whatever is left after timeout."""
        for process in self.started:
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for process in self.started:
            _signal_group(process, signal.SIGKILL)
            if process.poll() is None:
                process.wait(timeout=5)


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM to the process and its group (our own session), SIGKILL if it lingers."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(timeout=5)
    # Children left behind by a killed parent (e.g. Celery's pool processes).
    _signal_group(process, signal.SIGKILL)


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the process and everything in its group: a crash, with no clean-up at all."""
    _signal_group(process, signal.SIGKILL)
    process.wait(timeout=10)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signal the process group of a process that Processes started in a session of its own
    (its group id is its process id, and stays reserved while any member lives), otherwise the
    process alone while it has not been reaped."""
    try:
        if getattr(process, "group", False):
            os.killpg(process.pid, signum)
        elif process.poll() is None:
            os.kill(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def maildir_messages(maildir: Path) -> list:
    if not maildir.exists():
        return []
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(raw.as_bytes()) for raw in mailbox.Maildir(maildir, create=False)]


def wait_for_message(maildir: Path, to: str, deadline: float, check=None):
    """The first message to ``to`` that the catcher stored; ``check()`` runs while waiting."""
    while time.monotonic() < deadline:
        if check:
            check()
        for message in maildir_messages(maildir):
            if message["To"] == to:
                return message
        time.sleep(0.2)
    raise AssertionError(f"no e-mail to {to} arrived over SMTP in time")


class Browser:
    """Just enough of a browser over urllib: cookies, CSRF token, form posts, redirects."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str):
        return self._open(urllib.request.Request(self._absolute(url)))

    def post(self, url: str, data: dict):
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(
            self._absolute(url), data=body, headers={"Referer": self._absolute(url)}
        )
        return self._open(request)

    def _absolute(self, url: str) -> str:
        return url if url.startswith("http") else self.base + url

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return (
                    response.status,
                    response.geturl(),
                    response.read().decode("utf-8", "replace"),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode("utf-8", "replace")


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def sign_up(browser: Browser, email: str, password: str = "Bezpieczne-Haslo-2026") -> None:
    """Create an account through the sign-up form; assert the site accepted it."""
    status, _, page = browser.get("/konto/signup/")
    assert status == 200, page[:2000]
    status, url, page = browser.post(
        "/konto/signup/",
        {
            "csrfmiddlewaretoken": csrf(page),
            "first_name": "Zofia",
            "last_name": "Testowa",
            "email": email,
            "password1": password,
            "password2": password,
        },
    )
    assert status == 200 and "/konto/signup/" not in url, page[:2000]


def sign_in(browser: Browser, email: str, password: str) -> None:
    status, _, page = browser.get("/konto/login/")
    assert status == 200, page[:2000]
    status, url, page = browser.post(
        "/konto/login/", {"csrfmiddlewaretoken": csrf(page), "login": email, "password": password}
    )
    assert status == 200 and "/konto/login/" not in url, page[:2000]


def register_for_event(browser: Browser, slug: str, organisation_id: int, user_id: int) -> None:
    """A signed-in partner registers for an event through the form; assert it was accepted."""
    registration_url = f"/wydarzenia/{slug}/zapisy/"
    status, _, page = browser.get(registration_url)
    assert status == 200, page[:2000]
    clause = re.search(r'name="clause_version" value="([^"]*)"', page)
    status, url, page = browser.post(
        registration_url,
        {
            "csrfmiddlewaretoken": csrf(page),
            "organisation": organisation_id,
            "participant": user_id,
            "clause_version": clause.group(1) if clause else "",
        },
    )
    assert status == 200 and url.endswith("/wydarzenia/moje-zgloszenia/"), page[:2000]
