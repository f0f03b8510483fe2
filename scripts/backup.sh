#!/usr/bin/env bash
# Back up the portal: PostgreSQL (pg_dump custom format) and the private media files (tar).
#   scripts/backup.sh [DIR]         -> DIR/portal-YYYYmmdd-HHMMSS.dump and .media.tar.gz
# DATABASE_URL names the database (postgres://user:password@host:port/name); MEDIA_ROOT the
# media directory (default var/media). DIR defaults to BACKUP_DIR or ./backups.
# STACK=1: back up the compose stack instead (docker-compose.yml, through scripts/stack.sh exec):
# pg_dump runs in the postgres container, the media volume is read in the web container.
set -euo pipefail
dir="${1:-${BACKUP_DIR:-backups}}"
stamp="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$dir"
if [ "${STACK:-}" = "1" ]; then
  stack="$(dirname "$0")/stack.sh"
  # shellcheck disable=SC2016 # expanded in the container, from its own environment
  "$stack" exec postgres sh -c \
    'pg_dump --format=custom --no-owner --no-privileges --username="$POSTGRES_USER" "$POSTGRES_DB"' \
    >"$dir/portal-$stamp.dump"
  "$stack" exec web tar -czf - -C /srv/media . >"$dir/portal-$stamp.media.tar.gz"
  echo "$dir/portal-$stamp.dump"
  exit 0
fi
db_url="${DATABASE_URL:?set DATABASE_URL to the database to back up}"
media="${MEDIA_ROOT:-var/media}"
pg_dump --format=custom --no-owner --no-privileges --dbname="$db_url" --file="$dir/portal-$stamp.dump"
if [ -d "$media" ]; then
  tar -czf "$dir/portal-$stamp.media.tar.gz" -C "$media" .
fi
echo "$dir/portal-$stamp.dump"
