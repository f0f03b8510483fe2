"""Static checks of the deployment files, run by `make test` (no Docker engine needed).

docker-compose.yml is validated against the Compose Specification's JSON schema
(tests/deploy/compose-spec.json, copied from github.com/compose-spec/compose-spec,
schema/compose-spec.json, Apache-2.0) and against the rules of this stack. hadolint is not
available here, so the Dockerfile rules we care about are asserted directly.

PyYAML and jsonschema are not in the project's virtualenv; when missing there, the system
python3 is used for them if it has them, otherwise the schema check is skipped (and says so).
"""

import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = Path(__file__).resolve().parent / "compose-spec.json"
ONE_SHOT = {"migrate"}

# Static checks need no database, but the suite's session fixtures do (tests/conftest.py).
pytestmark = pytest.mark.django_db


def _system_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["python3", "-c", code, *args], capture_output=True, text=True, timeout=60
    )


def _compose() -> dict:
    try:
        import yaml
    except ImportError:
        result = _system_python(
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            str(COMPOSE),
        )
        if result.returncode:
            pytest.skip(
                "PyYAML is installed neither in .venv nor in the system python3: "
                + result.stderr[-200:]
            )
        return json.loads(result.stdout)
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_file_matches_the_compose_specification():
    compose = _compose()
    try:
        import jsonschema
    except ImportError:
        code = (
            "import json, sys, jsonschema; "
            "jsonschema.validate(json.load(open(sys.argv[1])), json.loads(sys.argv[2]))"
        )
        result = _system_python(code, str(SCHEMA), json.dumps(compose))
        if "No module named" in result.stderr:
            pytest.skip("jsonschema is installed neither in .venv nor in the system python3")
        assert result.returncode == 0, result.stderr[-3000:]
    else:
        jsonschema.validate(compose, json.loads(SCHEMA.read_text()))


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
        == services["beat"]["image"]
        == services["migrate"]["image"]
        == image
    )


def test_portal_services_wait_for_migrations_and_healthy_backends():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    # gunicorn is reachable only through nginx, which is why the proxy's SSL header is trusted.
    assert "ports" not in services["web"]
    assert services["web"]["environment"]["TRUSTED_PROXY_SSL_HEADER"] == "true"
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


def test_dockerfile_rules():
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    base = next(line for line in lines if line.startswith("FROM "))
    assert re.fullmatch(r"FROM python:\d+\.\d+\.\d+-slim-\w+", base), (
        base
    )  # pinned to a patch release
    users = [line for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("USER root", "USER 0"), "the image must not run as root"
    assert not any(line.startswith("ADD ") for line in lines), (
        "COPY, never ADD (no remote URLs, no archives)"
    )
    copy_requirements = lines.index("COPY requirements.lock ./")
    install = next(i for i, line in enumerate(lines) if "pip install" in line)
    copy_all = lines.index("COPY . .")
    assert copy_requirements < install < copy_all, (
        "dependencies must be installed before the code is copied"
    )
    assert "requirements-dev.lock" not in "\n".join(lines), (
        "the image installs runtime dependencies only"
    )
    assert any(line.startswith("ENTRYPOINT") and "entrypoint.sh" in line for line in lines)


def test_requirements_are_split_and_pinned():
    runtime = (ROOT / "requirements.lock").read_text().splitlines()
    dev = (ROOT / "requirements-dev.lock").read_text().splitlines()
    pins = [line for line in runtime + dev if line and not line.startswith(("#", "-r "))]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[\w.]+", line) for line in pins), pins
    runtime_names = {line.split("==")[0].lower() for line in runtime if "==" in line}
    assert {"django", "gunicorn", "celery", "psycopg"} <= runtime_names
    assert not {"pytest", "playwright", "ruff", "hypothesis", "factory_boy"} & runtime_names
    assert "-r requirements.lock" in dev


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
