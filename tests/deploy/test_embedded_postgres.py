"""The PostgreSQL of `make run` (scripts/embedded-postgres.py): started over the same data again
after its server was killed and its postmaster.pid names a live process that is not PostgreSQL,
and stopped by `stop`."""

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from tests.processes import PROJECT_ROOT

# django_db: the suite's session fixtures read the test database (tests/conftest.py).
pytestmark = pytest.mark.django_db

SCRIPT = [sys.executable, str(PROJECT_ROOT / "scripts" / "embedded-postgres.py")]


def _script(*args: str) -> str:
    result = subprocess.run(
        [*SCRIPT, *args], capture_output=True, text=True, timeout=180, cwd=PROJECT_ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


@pytest.fixture
def data(tmp_path):
    data = tmp_path / "var" / "postgres"
    yield data
    if (data / "postmaster.pid").exists():
        _script("stop", str(data))


def test_a_killed_server_and_a_pid_file_naming_another_process_do_not_block_the_next_start(data):
    url = _script("start", str(data))
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT upper('zażółć'), current_database()").fetchone()
    assert row == ("ZAŻÓŁĆ", "portal")

    pid_file = data / "postmaster.pid"
    postmaster = int(pid_file.read_text().splitlines()[0])
    os.kill(postmaster, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and os.path.exists(f"/proc/{postmaster}"):
        time.sleep(0.1)
    # The PID in the file now belongs to another live process (this test's own), as after a reboot.
    lines = pid_file.read_text().splitlines()
    lines[0] = str(os.getpid())
    pid_file.write_text("\n".join(lines) + "\n")

    assert _script("start", str(data)) == url
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)

    _script("stop", str(data))
    assert not pid_file.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=3)
