#!/bin/sh
# On the first start (an empty data volume) create the cluster, the user (a superuser, as in the
# official image: the portal's migrations create the unaccent and pg_trgm extensions) and the
# database; then run PostgreSQL in the foreground, reachable from the stack's network.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
    user="${POSTGRES_USER:-postgres}"
    db="${POSTGRES_DB:-$user}"
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses=''" --wait --silent start
    if [ "$db" != "postgres" ]; then
        createdb --username="$user" "$db"
    fi
    pg_ctl --pgdata="$PGDATA" --mode=fast --wait --silent stop
    echo "PostgreSQL: created the database $db for $user."
fi
exec "$@"
