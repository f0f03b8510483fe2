#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into DATABASE_URL (and MEDIA_ROOT).
#   scripts/restore.sh DIR/portal-YYYYmmdd-HHMMSS.dump
# The database must exist (it may be empty); objects in it are replaced (--clean --if-exists).
# The media archive next to the dump, if any, is unpacked into MEDIA_ROOT (default var/media).
# STACK=1: restore into the running compose stack (the postgres container and the media volume).
set -euo pipefail
dump="${1:?usage: scripts/restore.sh BACKUP.dump}"
archive="${dump%.dump}.media.tar.gz"
if [ "${STACK:-}" = "1" ]; then
  stack="$(dirname "$0")/stack.sh"
  # shellcheck disable=SC2016 # expanded in the container, from its own environment
  "$stack" exec postgres sh -c \
    'pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"' \
    <"$dump"
  if [ -f "$archive" ]; then
    "$stack" exec web tar -xzf - -C /srv/media <"$archive"
  fi
  echo "Restored $dump into the stack's database${archive:+ and media volume}."
  exit 0
fi
db_url="${DATABASE_URL:?set DATABASE_URL to the database to restore into}"
media="${MEDIA_ROOT:-var/media}"
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$db_url" "$dump"
if [ -f "$archive" ]; then
  mkdir -p "$media"
  tar -xzf "$archive" -C "$media"
fi
echo "Restored $dump into the database${archive:+ and media}."
