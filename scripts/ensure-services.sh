#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer at DATABASE_URL / REDIS_URL (default: this machine).
# Starts the locally installed servers when they are installed but not running.
set -euo pipefail

db_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
db_host=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).hostname or '127.0.0.1')" "$db_url")
db_port=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).port or 5432)" "$db_url")
redis_host=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).hostname or '127.0.0.1')" "$redis_url")
redis_port=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).port or 6379)" "$redis_url")

postgres_up() { pg_isready -q -h "$db_host" -p "$db_port" 2>/dev/null || (exec 3<>"/dev/tcp/$db_host/$db_port") 2>/dev/null; }
redis_up() { [ "$(redis-cli -h "$redis_host" -p "$redis_port" ping 2>/dev/null)" = "PONG" ]; }

if ! postgres_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "Starting the local PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do postgres_up && break; sleep 1; done
  postgres_up || { echo "PostgreSQL does not answer at $db_host:$db_port (install postgresql or set DATABASE_URL)." >&2; exit 1; }
fi

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Starting the local Redis..."
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
      --dir /tmp --logfile /tmp/portal-redis.log || true
  fi
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis does not answer at $redis_host:$redis_port (install redis-server or set REDIS_URL)." >&2; exit 1; }
fi
echo "PostgreSQL ($db_host:$db_port) and Redis ($redis_host:$redis_port) are up."
