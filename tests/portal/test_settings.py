"""Production settings refuse to start when they would be unsafe."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 50


def _start(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production", **env})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_debug():
    result = _start(SECRET_KEY=GOOD_SECRET, DEBUG="true", DATABASE_URL="postgres://x@127.0.0.1/x")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.parametrize("secret", ["", "dev-insecure-secret-key-change-me", "short"])
def test_production_refuses_missing_or_default_secret(secret):
    result = _start(SECRET_KEY=secret, DATABASE_URL="postgres://x@127.0.0.1/x")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_when_configured():
    result = _start(SECRET_KEY=GOOD_SECRET, DATABASE_URL="postgres://x@127.0.0.1/x")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
