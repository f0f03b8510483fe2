#!/bin/sh
# Entrypoint of the portal image: wait until PostgreSQL accepts connections (at most
# DB_WAIT_SECONDS, default 60), then run the given command. `migrate` (the one-shot service
# the others wait for) applies migrations and collects static files into the shared volume.
set -eu

python - <<'PY'
import os, sys, time
import django
django.setup()
from django.db import connection
from django.db.utils import OperationalError

deadline = time.monotonic() + int(os.environ.get("DB_WAIT_SECONDS", "60"))
while True:
    try:
        connection.ensure_connection()
        break
    except OperationalError as error:
        if time.monotonic() > deadline:
            sys.exit(f"The database does not answer: {error}")
        print("Waiting for the database...", flush=True)
        time.sleep(2)
PY

if [ "${1:-}" = "migrate" ]; then
    python manage.py migrate --noinput
    exec python manage.py collectstatic --noinput -v0
fi
exec "$@"
