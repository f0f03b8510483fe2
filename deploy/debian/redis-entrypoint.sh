#!/bin/sh
# redis-server with the stack's options (docker-compose.yml's command), listening on every
# interface of the container like the official image does.
set -eu
if [ "${1:-}" = "redis-server" ]; then
    shift
    exec redis-server --bind "* -::*" --protected-mode no --dir /data "$@"
fi
exec "$@"
