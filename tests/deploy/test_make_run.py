"""`make run` as the README tells a newcomer to type it: in a fresh clone of this repository's
HEAD, with none of the suite's settings in the environment (no DATABASE_URL, no REDIS_URL), so
the command installs its own virtualenv and runs on the embedded PostgreSQL under var/postgres.

Over plain HTTP, as a browser would: a person signs up and confirms the address with the link
of the e-mail written to the clone's var/mail/; the demo partner registers for the demo study
visit and its confirmation e-mail arrives there too; the search "kozmin" finds Koźmin. Ctrl-C
stops runserver and the embedded server with it; a second `make run` over the same data serves
again and the account made in the first one signs in.

Slow (a virtualenv installed from requirements.lock, migrations and the demo data): marked
``slow`` so that a quick run can leave it out with ``-m "not slow"``; `make test` runs it."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from tests.processes import PROJECT_ROOT, Browser, csrf, free_port, sign_in, sign_up

# django_db: the suite's session fixtures read the test database (tests/conftest.py), which is
# set up only for a run that has a test asking for it; this one needs no database of the suite.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# The first `make run` creates the virtualenv: pip's cache makes it minutes, not more, on the
# shared 2-core machine that runs CI.
START_SECONDS = 1200
STOP_SECONDS = 60
EMAIL = "nowa.osoba@example.org"
PASSWORD = "Bezpieczne-Haslo-2026"
PARTNER = ("partner@demo.rops.local", "demo-partner-2026")  # README: the demo accounts
STUDY_VISIT = "wizyta-studyjna-wielkopolska"

# Nothing of the suite's own configuration reaches the clone: a newcomer's shell has none of it.
_SUITE_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "EMAIL_URL",
    "EMAIL_FILE_PATH",
    "SITE_URL",
    "DEBUG",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_TASK_DEFAULT_QUEUE",
    "CELERY_BEAT_INTERVALS",
    "PORTAL_THROWAWAY_PG",
    "PORTAL_THROWAWAY_REDIS",
    "VIRTUAL_ENV",
    "PYTEST_ADDOPTS",
}


def _newcomer_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _SUITE_VARIABLES}
    # The suite runs from a virtualenv; the clone must build its own, as on a new machine.
    env["PATH"] = os.pathsep.join(
        part for part in env.get("PATH", "").split(os.pathsep) if ".venv" not in part
    )
    return env


class MakeRun:
    """`make run PORT=…` in the clone, in a session of its own so that Ctrl-C reaches its group."""

    def __init__(self, clone: Path, port: int, log: Path):
        self.clone, self.port, self.log = clone, port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                ["make", "run", f"PORT={self.port}"],
                cwd=self.clone,
                env=_newcomer_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_served(self) -> str:
        browser = Browser(f"http://127.0.0.1:{self.port}")
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"make run exited ({self.process.returncode}):\n{self.tail()}")
            try:
                status, _, page = browser.get("/")
            except OSError:
                time.sleep(1)
                continue
            assert status == 200, page[:2000]
            return page
        raise AssertionError(f"make run did not serve / in {START_SECONDS} s:\n{self.tail()}")

    def interrupt(self) -> int:
        """Ctrl-C in the terminal: SIGINT to the whole foreground process group."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=STOP_SECONDS)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


def _mail_to(maildir: Path, to: str, subject_part: str = "") -> list:
    """The messages Django's file backend wrote to var/mail/ for ``to`` (several per file)."""
    found = []
    parser = BytesParser(policy=policy.default)
    separator = re.compile(rb"^-{79}$", re.MULTILINE)
    for path in sorted(maildir.glob("*.log")) if maildir.exists() else []:
        for raw in separator.split(path.read_bytes()):
            if not raw.strip():
                continue
            message = parser.parsebytes(raw.strip() + b"\n")
            if message["To"] == to and subject_part in (message["Subject"] or ""):
                found.append(message)
    return found


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _wait_for_mail(maildir: Path, to: str, subject_part: str = ""):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = _mail_to(maildir, to, subject_part)
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no e-mail to {to} ({subject_part!r}) in {maildir}")


def _postmaster_running(clone: Path) -> bool:
    return (clone / "var" / "postgres" / "postmaster.pid").exists()


def _attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def _register_for_the_study_visit(browser: Browser) -> str:
    """Fill the registration form as a person would: what is preselected stays, the first offered
    answer of every other required choice, a birth year, every required consent ticked."""
    url = f"/wydarzenia/{STUDY_VISIT}/zapisy/"
    status, _, page = browser.get(url)
    assert status == 200, page[:2000]
    forms = re.findall(r"<form[^>]*>(.*?)</form>", page, re.S)
    html = next((form for form in forms if 'name="organisation"' in form), None)
    assert html, page[:3000]
    data: dict[str, str] = {}
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        tags = re.findall(r"<option[^>]*>", options)
        chosen = [tag for tag in tags if " selected" in tag and _attribute(tag, "value")]
        offered = [tag for tag in tags if _attribute(tag, "value")]
        if chosen or offered:
            data[name] = _attribute((chosen or offered)[0], "value")
    for tag in re.findall(r"<input[^>]*>", html):
        name, kind, value = (
            _attribute(tag, "name"),
            _attribute(tag, "type"),
            _attribute(tag, "value"),
        )
        if not name:
            continue
        if kind == "hidden":
            data[name] = value or ""
        elif kind == "radio" and (" checked" in tag or (" required" in tag and name not in data)):
            data[name] = value or ""
        elif kind == "checkbox" and " required" in tag:
            data[name] = value or "on"
        elif kind == "text" and " required" in tag:
            data[name] = "1985" if _attribute(tag, "inputmode") == "numeric" else "Tak"
    status, url_after, page = browser.post(url, data)
    assert status == 200 and url_after.endswith("/wydarzenia/moje-zgloszenia/"), page[:3000]
    return page


@pytest.fixture
def clone_folder():
    """A folder for the clone outside pytest's own temporary root: under root, make run's
    PostgreSQL runs as another user that must reach the clone's .venv, and every pytest session
    that starts (a second one in another terminal) makes /tmp/pytest-of-<user> private again."""
    folder = Path(tempfile.mkdtemp(prefix="portal-make-run-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_make_run_in_a_fresh_clone_serves_the_readme_journey_twice(clone_folder):
    tmp_path = clone_folder
    clone = tmp_path / "portal"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(PROJECT_ROOT), str(clone)], check=True
    )
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "checkout", "--quiet", head], cwd=clone, check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    maildir = clone / "var" / "mail"
    run = MakeRun(clone, port, tmp_path / "make-run.log")
    try:
        run.start()
        run.wait_until_served()
        assert _postmaster_running(clone), run.tail()

        # Sign-up; the verification link comes from the e-mail file in var/mail/.
        newcomer = Browser(base)
        sign_up(newcomer, EMAIL, PASSWORD)
        verification = _wait_for_mail(maildir, EMAIL)
        link = re.search(rf"{re.escape(base)}/konto/confirm-email/\S+", _text(verification))
        assert link, _text(verification)
        status, _, page = newcomer.get(link.group(0))
        assert status == 200, page[:2000]
        status, url, page = newcomer.post(link.group(0), {"csrfmiddlewaretoken": csrf(page)})
        assert status == 200 and "confirm-email" not in url, page[:2000]

        # The demo partner registers for the demo study visit; the confirmation is in var/mail/.
        partner = Browser(base)
        sign_in(partner, *PARTNER)
        page = _register_for_the_study_visit(partner)
        assert "Wizyta studyjna" in page
        confirmation = _wait_for_mail(maildir, PARTNER[0], "Wizyta studyjna")
        assert STUDY_VISIT in _text(confirmation)

        # Accent-insensitive search: "kozmin" finds Koźmin.
        status, _, page = Browser(base).get("/szukaj/?q=kozmin")
        assert status == 200, page[:2000]
        assert "Koźmin" in page and "Wizyta studyjna" in page, page[:3000]

        # Ctrl-C stops the portal and the embedded PostgreSQL with it.
        run.interrupt()
        assert not _postmaster_running(clone), run.tail()

        # A second `make run` over the same data: served again, the account is still there.
        run.start()
        run.wait_until_served()
        again = Browser(base)
        sign_in(again, EMAIL, PASSWORD)
        run.interrupt()
        assert not _postmaster_running(clone), run.tail()
    finally:
        run.kill()
        if _postmaster_running(clone) and (clone / ".venv" / "bin" / "python").exists():
            subprocess.run(
                [".venv/bin/python", "scripts/embedded-postgres.py", "stop", "var/postgres"],
                cwd=clone,
                timeout=60,
            )
