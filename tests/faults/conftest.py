"""Throwaway PostgreSQL and Redis servers for the fault tests, on free ports of their own.

The fault tests stop, kill and restart servers: they never touch the shared PostgreSQL and
Redis that DATABASE_URL / REDIS_URL name. One PostgreSQL cluster (initdb + pg_ctl in a
temporary directory, trust authentication, as the postgres OS user when run as root) serves
every fault test; the schema is migrated once into a template database, and each test gets a
fresh copy of it. Each test gets a redis-server of its own.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from tests.processes import (
    PROJECT_ROOT,
    Processes,
    beat_command,
    free_port,
    gunicorn_command,
    maildir_messages,
    production_env,
    wait_for_port,
    worker_command,
)

TEMPLATE = "portal_faults_template"


def _postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        pytest.skip(f"{name} is not installed: the fault tests need a PostgreSQL of their own")
    return str(candidates[-1])


class ThrowawayPostgres:
    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="portal-faults-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self._run(
            _postgres_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            [*self.as_postgres, *command], capture_output=True, text=True, timeout=120
        )
        if result.returncode:
            log = self.directory / "server.log"
            raise RuntimeError(
                result.stdout + result.stderr + (log.read_text() if log.exists() else "")
            )

    def _pg_ctl(self, *args: str) -> None:
        self._run(
            _postgres_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "server.log"),
            "-w",
            "-t",
            "60",
            *args,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg_ctl("-o", options, "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def restart(self) -> None:
        """A fast restart: every open connection is terminated."""
        self.stop()
        self.start()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", **kwargs):
        return psycopg.connect(self.url(database).replace("postgres://", "postgresql://"), **kwargs)

    def create_database(self, name: str, template: str | None = None) -> str:
        with self.connect(autocommit=True) as connection:
            clause = f" TEMPLATE {template}" if template else ""
            connection.execute(f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def remove(self) -> None:
        try:
            self.stop()
        except RuntimeError:
            pass
        shutil.rmtree(self.directory, ignore_errors=True)


class ThrowawayRedis:
    """A redis-server on a free port; stop() and start() keep the port (an outage, then back)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # a crash, not a clean shutdown
            self.process.wait(timeout=10)


@pytest.fixture(scope="package")
def fault_services(tmp_path_factory):
    """One PostgreSQL cluster for the fault tests, with the schema migrated into a template, and
    the static files collected once (production's manifest storage needs them), side by side."""
    static_root = tmp_path_factory.mktemp("faults-static")
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT_ROOT,
        env={
            **inherited,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": "collectstatic-only-" + "x" * 40 + "abcdefghij",
            "DATABASE_URL": "postgres://collectstatic-only@127.0.0.1:1/unused",
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "EMAIL_URL": "consolemail://",
            "STATIC_ROOT": str(static_root),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = ThrowawayPostgres()
    try:
        url = server.create_database(TEMPLATE)
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v0"],
            cwd=PROJECT_ROOT,
            env={
                **inherited,
                "DJANGO_SETTINGS_MODULE": "portal.settings.test",
                "DATABASE_URL": url,
                "REDIS_URL": "",  # not the shared Redis, not even for a migration
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        output, _ = collect.communicate(timeout=300)
        assert collect.returncode == 0, output
        yield server, static_root
    finally:
        if collect.poll() is None:
            collect.kill()
            collect.wait()
        server.remove()


class Stack:
    """The portal's processes for one fault test (production settings, plain HTTP on 127.0.0.1)
    over its own database copy and its own Redis; every process is stopped by its id."""

    def __init__(
        self,
        tmp_path: Path,
        postgres: ThrowawayPostgres,
        database: str,
        redis,
        static_root: Path,
        **settings,
    ):
        self.postgres = postgres
        self.database = database
        self.redis = redis
        self.web_port, self.smtp_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.maildir = tmp_path / "maildir"
        self.control = tmp_path / "smtp-control"
        self.control.mkdir(exist_ok=True)
        self.env = production_env(
            database_url=postgres.url(database),
            redis_url=redis.url,
            smtp_port=self.smtp_port,
            base=self.base,
            tmp_path=tmp_path,
            STATIC_ROOT=str(static_root),
            **settings,
        )
        self.processes = Processes(tmp_path / "logs", self.env)

    def start_smtp(self):
        process = self.processes.start(
            "smtp",
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.smtp_port}",
                "-c",
                "tests.faults.smtp_catcher.StallingMailbox",
                str(self.maildir),
                str(self.control),
            ],
        )
        wait_for_port(self.smtp_port, process, time.monotonic() + 60, "aiosmtpd")
        return process

    def start_web(self, workers: int = 1):
        return self.processes.start("gunicorn", gunicorn_command(self.web_port, workers))

    def wait_for_web(self, process, deadline: float) -> None:
        wait_for_port(self.web_port, process, deadline, "gunicorn")

    def start_worker(self, name: str, concurrency: int = 1):
        return self.processes.start(name, worker_command("celery", name, concurrency))

    def start_beat(self, name: str):
        return self.processes.start(name, beat_command(self.processes.logs / f"{name}-schedule"))

    def wait_for_log(self, name: str, text: str, deadline: float) -> None:
        while text not in self.processes.log(name):
            assert time.monotonic() < deadline, f"{name}: no {text!r} in time:\n" + self.logs()
            time.sleep(0.1)

    def messages(self, domain: str = "") -> list:
        return [m for m in maildir_messages(self.maildir) if str(m["To"]).endswith(domain)]

    def logs(self) -> str:
        return "\n".join(
            f"--- {process.name}\n{self.processes.log(process.name)[-2500:]}"
            for process in self.processes.started
        )

    def seed(self, command: str, *args) -> dict:
        """Run tests/faults/seed.py with the portal's settings (it answers one JSON line)."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.faults.seed", command, *map(str, args)],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    def query(self, sql: str, *params):
        with self.postgres.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture
def fault_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = ThrowawayRedis()
    yield server
    server.stop()


@pytest.fixture
def stack_factory(fault_services, fault_redis, tmp_path, request):
    """make_stack(**settings) -> a Stack on a fresh copy of the migrated database."""
    postgres, static_root = fault_services
    stacks = []

    def make_stack(**settings) -> Stack:
        name = f"faults_{request.node.name.lower()[:40]}_{len(stacks)}"
        postgres.create_database(name, template=TEMPLATE)
        stack = Stack(tmp_path, postgres, name, fault_redis, static_root, **settings)
        stacks.append(stack)
        return stack

    yield make_stack
    for stack in stacks:
        stack.processes.stop_all()
