"""Fixtures shared by the whole suite: a real Celery worker and common factories."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from portal.celery import app as celery_app

from .clients import SignedInClient
from .factories import UserFactory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = PROJECT_ROOT / "test-artifacts"

# Every test session sends its tasks to a queue of its own, so several suites sharing one
# Redis never take each other's tasks.
SESSION_QUEUE = f"portal-test-{uuid.uuid4().hex[:12]}"
celery_app.conf.task_default_queue = SESSION_QUEUE
# Documents go to a queue of their own, as in production (CELERY_PDF_QUEUE), with its own worker.
DOCUMENTS_QUEUE = f"{SESSION_QUEUE}-documents"
celery_app.conf.task_routes = {
    task: {"queue": DOCUMENTS_QUEUE} for task in settings.CELERY_PDF_TASKS
}


# The marker every test of a folder carries, so that `make test-fast` can leave the slow kinds out
# by marker (-m) instead of by a list of paths that goes stale.
FOLDER_MARKERS = {"browser": "browser", "faults": "fault", "deploy": "deploy"}


def pytest_collection_modifyitems(config, items):
    tests_folder = Path(__file__).resolve().parent
    for item in items:
        path = Path(str(item.path)).resolve()
        if path.is_relative_to(tests_folder):
            folder = path.relative_to(tests_folder).parts[0]
            if folder in FOLDER_MARKERS:
                item.add_marker(FOLDER_MARKERS[folder])


def pytest_make_parametrize_id(config, val, argname):
    # Generated file contents (a PDF with its creation time) would make test ids differ between
    # the processes of `make test-fast`, which must all collect the same tests.
    if isinstance(val, bytes) and len(val) > 32:
        return argname
    return None


@pytest.fixture(scope="session", autouse=True)
def _staff_roles_snapshot(django_db_setup, django_db_blocker):
    """Remember the migrated staff roles so that factories can restore them after a flush."""
    from django.contrib.auth.models import Group

    from .factories import ROLE_SNAPSHOT

    with django_db_blocker.unblock():
        for group in Group.objects.prefetch_related("permissions__content_type"):
            ROLE_SNAPSHOT[group.name] = [
                (permission.content_type.app_label, permission.codename)
                for permission in group.permissions.all()
            ]


@pytest.fixture
def client():
    """pytest-django's client, signing in as the real sign-in does (tests.clients)."""
    return SignedInClient()


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder():
    """The run's uploads live in the temporary folder portal/settings/test.py made: remove it."""
    yield
    import shutil

    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_kept_fragments_from_earlier_tests():
    """Each test's database starts empty again, the cache does not: start with new versions, so
    no page kept for visitors by an earlier test is served (see portal.fragments)."""
    from django.core.cache import cache

    from portal.fragments import VERSION_KEY

    cache.delete_many([VERSION_KEY.format(namespace) for namespace in ("events", "partners")])


@pytest.fixture(autouse=True)
def _polish_by_default():
    """Start every test in the site's default language, whatever an earlier request activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """Start real Celery workers (prefork) on the real Redis broker, against the test database:
    one for the default queue (e-mails and the rest) and one for documents, as in production.
    Yields the default queue's worker."""
    with django_db_blocker.unblock():
        test_database = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _database_url(test_database),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": SESSION_QUEUE,
        "CELERY_PDF_QUEUE": DOCUMENTS_QUEUE,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    started = []
    try:
        for queue, concurrency in ((SESSION_QUEUE, 2), (DOCUMENTS_QUEUE, 1)):
            log = open(ARTIFACTS_DIR / f"celery-worker-{queue}.log", "w")  # noqa: SIM115
            process = subprocess.Popen(
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
                    str(concurrency),
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"{queue}@%h",
                    "-I",
                    "tests.worker_hooks",
                ],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            started.append((process, log))
        _wait_for_worker(started[0][0])
        yield started[0][0]
    finally:
        for process, _log in started:
            process.terminate()
        for process, log in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


@pytest.fixture
def celery_worker(celery_worker_process, settings):
    """Send tasks to the real worker (through Redis) instead of running them in-process."""
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield celery_worker_process
    celery_app.conf.task_always_eager = True


def _database_url(name: str) -> str:
    database = settings.DATABASES["default"]
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _wait_for_worker(process: subprocess.Popen, timeout: float = 60.0) -> None:
    from portal.tasks import ping

    deadline = time.monotonic() + timeout
    celery_app.conf.task_always_eager = False
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    "The Celery worker exited at start; see test-artifacts/celery-worker-*.log"
                )
            try:
                if ping.delay("ready").get(timeout=5) == "pong:ready":
                    return
            except Exception:  # noqa: BLE001 - the worker is still starting
                time.sleep(0.5)
        raise RuntimeError("The Celery worker did not answer within a minute.")
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture
def user(db):
    return UserFactory()
