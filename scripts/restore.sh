#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into DATABASE_URL (and MEDIA_ROOT).
#   scripts/restore.sh DIR/portal-YYYYmmdd-HHMMSS.dump
# The database must exist (it may be empty); objects in it are replaced (--clean --if-exists).
# The media archive next to the dump, if any, is unpacked into MEDIA_ROOT (default var/media).
set -euo pipefail
dump="${1:?usage: scripts/restore.sh BACKUP.dump}"
db_url="${DATABASE_URL:?set DATABASE_URL to the database to restore into}"
media="${MEDIA_ROOT:-var/media}"
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$db_url" "$dump"
archive="${dump%.dump}.media.tar.gz"
if [ -f "$archive" ]; then
  mkdir -p "$media"
  tar -xzf "$archive" -C "$media"
fi
echo "Restored $dump into the database${archive:+ and media}."
