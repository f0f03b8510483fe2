"""Settings for a developer's machine and `make run`."""

import os
from pathlib import Path

import environ

_ROOT = Path(__file__).resolve().parent.parent.parent
environ.Env.read_env(_ROOT / ".env", overwrite=False)


def _embedded_postgres_url() -> str:
    # The PostgreSQL that `make run` starts (scripts/embedded-postgres.py) listens on a Unix socket
    # only: in its data directory, or where postmaster.pid says when that path was too long.
    data = _ROOT / "var" / "postgres"
    socket_dir = data
    try:
        lines = (data / "postmaster.pid").read_text().splitlines()
        if len(lines) > 4 and lines[4].strip():
            socket_dir = Path(lines[4].strip())
    except OSError:
        pass
    return f"postgres://postgres@/portal?host={socket_dir}"


# Without DATABASE_URL, the embedded server of `make run`, so that manage.py commands typed
# beside a running `make run` reach the same database.
os.environ.setdefault("DATABASE_URL", _embedded_postgres_url())

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = env.bool("DEBUG", default=True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Security keys on the development server, which speaks plain http: browsers allow WebAuthn on
# http://localhost (not on 127.0.0.1, an address cannot be a relying party), and fido2 checks
# the origin's scheme unless told otherwise.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
