#!/usr/bin/env bash
# Regenerate the two lock files from pyproject.toml, every pin with its hashes:
#   requirements.lock      runtime dependencies only (what the production image installs)
#   requirements-dev.lock  the test and development tools (extra "dev"), resolved against the
#                          runtime lock so both agree; it starts with "-r requirements.lock"
# The resolver (uv, pinned below) runs from a temporary virtualenv: it is needed neither to run
# nor to test the portal. Existing pins are kept unless pyproject.toml no longer allows them.
#   make lock                                   # after editing pyproject.toml
#   make lock LOCK_ARGS=--upgrade               # newest versions pyproject.toml allows
#   make lock LOCK_ARGS="--upgrade-package django"
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
PYTHON="${PYTHON:-python3}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet "uv==$UV_VERSION"
compile=("$tmp/venv/bin/uv" pip compile pyproject.toml --quiet --universal --python-version 3.11
  --generate-hashes --custom-compile-command "make lock")

"${compile[@]}" "$@" -o requirements.lock

# The dev lock lists only what the runtime lock does not: every runtime package is left out.
no_emit=()
for name in $(grep -oE '^[A-Za-z0-9][A-Za-z0-9._-]*' requirements.lock); do
  no_emit+=(--no-emit-package "$name")
done
"${compile[@]}" --extra dev --constraint requirements.lock "${no_emit[@]}" "$@" -o requirements-dev.lock
if ! grep -qx -- '-r requirements.lock' requirements-dev.lock; then
  { echo '# Test and development tools on top of the runtime pins (docs/operations.md, "Dependencies").'
    echo '-r requirements.lock'; cat requirements-dev.lock; } >"$tmp/dev.lock"
  mv "$tmp/dev.lock" requirements-dev.lock
fi
echo "requirements.lock: $(grep -cE '^[A-Za-z0-9]' requirements.lock) pins;" \
  "requirements-dev.lock: $(grep -cE '^[A-Za-z0-9]' requirements-dev.lock) more." >&2
