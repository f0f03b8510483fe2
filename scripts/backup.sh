#!/usr/bin/env bash
# Back up the portal: PostgreSQL (pg_dump custom format) and the private media files (tar).
#   scripts/backup.sh [DIR]         -> DIR/portal-YYYYmmdd-HHMMSS.dump and .media.tar.gz
# DATABASE_URL names the database (postgres://user:password@host:port/name); MEDIA_ROOT the
# media directory (default var/media). DIR defaults to BACKUP_DIR or ./backups.
set -euo pipefail
dir="${1:-${BACKUP_DIR:-backups}}"
db_url="${DATABASE_URL:?set DATABASE_URL to the database to back up}"
media="${MEDIA_ROOT:-var/media}"
stamp="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$dir"
pg_dump --format=custom --no-owner --no-privileges --dbname="$db_url" --file="$dir/portal-$stamp.dump"
if [ -d "$media" ]; then
  tar -czf "$dir/portal-$stamp.media.tar.gz" -C "$media" .
fi
echo "$dir/portal-$stamp.dump"
