"""The compose stack of docker-compose.yml, built and started the way docs/operations.md tells a
person to (scripts/stack.sh), for the tests in this folder (`make test-stack`, marker `stack`).

One stack for the whole folder, under a project name, ports and environment file of its own, so
that a person's stack on the same engine is left alone. Its volumes are removed at the end, and
the Docker engine is stopped if this run started it."""

import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.processes import PROJECT_ROOT, free_port

STACK_SCRIPT = PROJECT_ROOT / "scripts" / "stack.sh"
OWN_ENGINE_MARKER = Path("/run/portal-stack/started-by-stack")
PROJECT_NAME = "portalstacktest"


class Stack:
    def __init__(self, env_file: Path, http_port: int, mail_port: int, artifacts: Path):
        self.env_file = env_file
        self.base = f"http://127.0.0.1:{http_port}"
        self.mail_api = f"http://127.0.0.1:{mail_port}/api/v1"
        self.artifacts = artifacts
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")},
            "STACK_ENV_FILE": str(env_file),
            "COMPOSE_PROJECT_NAME": PROJECT_NAME,
        }

    def script(self, *args: str, timeout: float = 900, check: bool = True, **kwargs):
        result = subprocess.run(
            [str(STACK_SCRIPT), *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            **kwargs,
        )
        if check:
            assert result.returncode == 0, (
                f"scripts/stack.sh {' '.join(args)}:\n{result.stdout[-3000:]}\n"
                f"{result.stderr[-5000:]}\n{self.logs()}"
            )
        return result

    def compose(self, *args: str, **kwargs):
        return self.script("compose", *args, **kwargs)

    def make(self, *args: str, timeout: float = 600):
        result = subprocess.run(
            ["make", "--no-print-directory", *args, "STACK=1"],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    def manage(self, *args: str, timeout: float = 600) -> str:
        """`scripts/stack.sh exec web python manage.py ...`: what a person types on the stack."""
        return self.script("exec", "web", "python", "manage.py", *args, timeout=timeout).stdout

    def shell(self, code: str):
        """Run Python in the web container (production settings); its last line is JSON."""
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def logs(self) -> str:
        try:
            result = subprocess.run(
                [str(STACK_SCRIPT), "compose", "logs", "--no-color", "--tail", "60"],
                cwd=PROJECT_ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=120,
            )
        except subprocess.TimeoutExpired:
            return "(no logs: docker-compose logs timed out)"
        self.artifacts.mkdir(parents=True, exist_ok=True)
        (self.artifacts / "stack.log").write_text(result.stdout + result.stderr)
        return result.stdout[-6000:]

    # The mail catcher's API (Mailpit's format).
    def mail(self, path: str, method: str = "GET", body: dict | None = None):
        request = urllib.request.Request(
            self.mail_api + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            data = answer.read()
        return json.loads(data) if data[:1] in (b"{", b"[") else data

    def messages(self) -> list[dict]:
        found, start = [], 0
        while True:
            page = self.mail(f"/messages?start={start}&limit=500")
            found += page["messages"]
            start += page["count"]
            if not page["count"] or start >= page["total"]:
                return found

    def wait_for_message(self, to: str, subject_part: str = "", timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for summary in self.messages():
                if any(a["Address"] == to for a in summary["To"]) and (
                    subject_part in summary["Subject"]
                ):
                    return self.mail(f"/message/{summary['ID']}")
            time.sleep(1)
        raise AssertionError(f"no e-mail to {to} reached the mail catcher\n{self.logs()}")

    def wait_until_answering(self, path: str = "/", timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.base + path, timeout=10) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            assert time.monotonic() < deadline, f"{self.base}{path} does not answer\n{self.logs()}"
            time.sleep(2)


def pytest_collection_modifyitems(config, items):
    """The stack tests build images and run Docker for many minutes: they run only when the
    marker expression names them (`make test-stack`: -m stack), never in `make test` or with
    another -m such as "not slow"."""
    if "stack" in (config.option.markexpr or ""):
        return
    stack_items = [item for item in items if item.get_closest_marker("stack")]
    if stack_items:
        config.hook.pytest_deselected(items=stack_items)
        items[:] = [item for item in items if not item.get_closest_marker("stack")]


@pytest.fixture(scope="session", autouse=True)
def _staff_roles_snapshot():
    """These tests reach the portal over HTTP and docker-compose only: no test database (the
    suite's fixture of this name creates one to remember the staff roles)."""


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stack")
    http_port, mail_port = free_port(), free_port()
    env_file = folder / "stack.env"
    env_file.write_text(
        "\n".join(
            [
                f"SECRET_KEY={secrets.token_urlsafe(60)}",
                f"POSTGRES_PASSWORD={secrets.token_hex(16)}",
                f"SITE_URL=http://127.0.0.1:{http_port}",
                "ALLOWED_HOSTS=127.0.0.1,localhost",
                f"HTTP_PORT={http_port}",
                f"MAIL_UI_PORT={mail_port}",
                "",
            ]
        )
    )
    engine_was_ours = OWN_ENGINE_MARKER.exists()
    stack = Stack(env_file, http_port, mail_port, PROJECT_ROOT / "test-artifacts" / "stack")
    try:
        stack.script("up", timeout=1800)
        yield stack
    finally:
        stack.compose("down", "--volumes", "--remove-orphans", timeout=300, check=False)
        if OWN_ENGINE_MARKER.exists() and not engine_was_ours:
            stack.script("stop-daemon", timeout=120, check=False)
