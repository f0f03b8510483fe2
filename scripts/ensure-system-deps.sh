#!/usr/bin/env bash
# Install the system packages the portal needs (Debian/Ubuntu), or say what is missing.
#   scripts/ensure-system-deps.sh run   -> gettext, WeasyPrint's libraries, fonts
#   scripts/ensure-system-deps.sh test  -> the same plus Chromium for the browser tests
set -euo pipefail
mode="${1:-run}"

missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz.so' || missing+=(libharfbuzz0b)
fc-list 2>/dev/null | grep -qi 'DejaVuSans' || missing+=(fonts-dejavu-core fontconfig)
if [ "$mode" = "test" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
