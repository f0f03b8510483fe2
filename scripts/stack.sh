#!/usr/bin/env bash
# The production stack (docker-compose.yml) on this machine. docs/operations.md explains each step.
#
#   scripts/stack.sh up          everything below, then `docker-compose up -d`, until healthy
#   scripts/stack.sh down        `docker-compose down` (volumes kept), then stop our engine
#   scripts/stack.sh upgrade     rebuild the portal image, migrate, replace web without dropping
#                                a request (a second web container first), then worker and beat
#   scripts/stack.sh compose ARGS...   docker-compose with this stack's engine and stack.env
#   scripts/stack.sh exec SERVICE CMD...   run CMD in the service's running container (docker
#                                exec -i; after an upgrade web's container is no longer web_1,
#                                where `docker-compose exec web` would look for it)
#   eval "$(scripts/stack.sh env)"     the same in your shell: DOCKER_HOST, COMPOSE_FILE and an
#                                      alias docker-compose='docker-compose --env-file stack.env'
#
# The stack's settings and secrets live in stack.env, not .env: the portal's own settings read
# .env (for `make run`), and the stack's SITE_URL or SECRET_KEY must not leak into them.
#
# The steps `up` runs, each usable alone:
#   deps         install docker.io, docker-compose and mmdebstrap when missing (root + apt-get)
#   daemon       use the Docker engine that answers (DOCKER_HOST, /var/run/docker.sock), or start
#                one of our own (data in /var/lib/portal-stack, socket /run/portal-stack)
#   stop-daemon  stop the engine `daemon` started, never another one
#   wheels       wheels of requirements.lock into var/stack-cache/wheels (the image build has no
#                access to PyPI; they are reused while requirements.lock is unchanged)
#   images       pull the pinned images; where that fails, build a Debian bookworm base with
#                mmdebstrap (the tarball is kept in var/stack-cache) and use
#                docker-compose.debian.yml on top of docker-compose.yml
#   dotenv       write stack.env from deploy/env.example with random secrets, unless it exists
#
# Variables: STACK_ENV_FILE (default stack.env) is the environment file docker-compose reads;
# COMPOSE_PROJECT_NAME, HTTP_PORT, MAIL_UI_PORT as docker-compose.yml documents.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

say() { echo "stack: $*" >&2; }

CACHE="$ROOT/var/stack-cache"
ENV_FILE="${STACK_ENV_FILE:-$ROOT/stack.env}"
RUN_DIR=/run/portal-stack
DATA_ROOT=/var/lib/portal-stack
OWN_SOCKET="unix://$RUN_DIR/docker.sock"
BASE_TARBALL="$CACHE/debian-bookworm.tar"
BASE_IMAGE="portal-base/debian:bookworm"
PINNED_IMAGES=(python:3.11.14-slim-bookworm postgres:15.10-bookworm redis:7.4.2-bookworm
  axllent/mailpit:v1.21.8 nginx:1.27.4-alpine)

# ---------------------------------------------------------------------------------------------
deps() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}"
    exit 1
  fi
}

# ---------------------------------------------------------------------------------------------
answers() { DOCKER_HOST="$1" timeout 20 docker info >/dev/null 2>&1; }

# Prints the DOCKER_HOST to use, starting an engine of our own when none answers.
daemon() {
  if [ -n "${DOCKER_HOST:-}" ] && answers "$DOCKER_HOST"; then
    echo "$DOCKER_HOST"
    return
  fi
  for host in unix:///var/run/docker.sock "$OWN_SOCKET"; do
    if [ -S "${host#unix://}" ] && answers "$host"; then
      echo "$host"
      return
    fi
  done
  if [ "$(id -u)" != "0" ]; then
    say "no Docker engine answers, and starting one needs root"
    exit 1
  fi
  mkdir -p "$RUN_DIR" "$DATA_ROOT"
  # overlay2 where the kernel and the file system allow it, otherwise vfs (slow, always works).
  for driver in overlay2 vfs; do
    say "starting a Docker engine of our own ($driver, data in $DATA_ROOT, socket $OWN_SOCKET)"
    rm -f "$RUN_DIR/docker.sock"
    setsid dockerd --data-root "$DATA_ROOT/docker" --exec-root "$RUN_DIR/exec" \
      --pidfile "$RUN_DIR/dockerd.pid" --host "$OWN_SOCKET" --storage-driver "$driver" \
      >"$RUN_DIR/dockerd.log" 2>&1 </dev/null &
    local pid=$!
    for _ in $(seq 1 60); do
      if answers "$OWN_SOCKET"; then
        echo "$pid" >"$RUN_DIR/started-by-stack"
        echo "$OWN_SOCKET"
        return
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    say "the engine did not start with $driver: $(tail -n 3 "$RUN_DIR/dockerd.log")"
  done
  exit 1
}

stop_daemon() {
  [ -f "$RUN_DIR/started-by-stack" ] || return 0
  local pid
  pid="$(cat "$RUN_DIR/started-by-stack")"
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping the Docker engine we started (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -f "$RUN_DIR/started-by-stack"
}

# ---------------------------------------------------------------------------------------------
# Wheels for every pin of requirements.lock, for CPython 3.11 on Linux x86-64 (both base images).
# Pins with a Python-version marker are fetched whatever this interpreter's patch version says:
# Debian's python3 is 3.11.2 and needs async-timeout, which 3.11.3 and later do not.
wheels() {
  local dir="$CACHE/wheels" stamp
  stamp="$(sha256sum requirements.lock | cut -d' ' -f1)"
  if [ -f "$dir/.requirements.sha256" ] && [ "$(cat "$dir/.requirements.sha256")" = "$stamp" ]; then
    return 0
  fi
  say "building the wheels of requirements.lock into $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  local python="${PYTHON:-python3}"
  [ -x "$ROOT/.venv/bin/python" ] && python="$ROOT/.venv/bin/python"
  # A pip constraint file of this machine must not narrow the lock file's exact pins.
  PIP_CONSTRAINT="" "$python" -m pip wheel --quiet --require-hashes --wheel-dir "$dir" \
    -r requirements.lock 2> >(grep -v "is ignored: it is neither" >&2)
  "$python" - "$dir/.version-markers.txt" <<'PY'
import re, sys
entries = re.split(r"\n(?=\S)", open("requirements.lock").read())
wanted = [re.sub(r"\s*;[^\\]*python_(full_)?version[^\\]*", " ", e, count=1)
          for e in entries if re.match(r"[A-Za-z0-9]", e) and "python_" in e.split("\\")[0]]
open(sys.argv[1], "w").write("\n".join(wanted) + "\n")
PY
  if [ -s "$dir/.version-markers.txt" ] && grep -q '==' "$dir/.version-markers.txt"; then
    PIP_CONSTRAINT="" "$python" -m pip download --quiet --no-deps --require-hashes \
      --only-binary=:all: --dest "$dir" -r "$dir/.version-markers.txt" \
      2> >(grep -v "is ignored: it is neither" >&2)
  fi
  echo "$stamp" >"$dir/.requirements.sha256"
}

# ---------------------------------------------------------------------------------------------
setting() { grep -E "^$1=" "$ENV_FILE" 2>/dev/null | tail -n 1 | cut -d= -f2-; }

set_setting() {
  [ -z "$(tail -c 1 "$ENV_FILE")" ] || echo >>"$ENV_FILE"
  if grep -qE "^$1=" "$ENV_FILE"; then
    sed -i -E "s|^$1=.*|$1=$2|" "$ENV_FILE"
  else
    echo "$1=$2" >>"$ENV_FILE"
  fi
}

drop_setting() { [ -f "$ENV_FILE" ] && sed -i -E "/^$1=/d" "$ENV_FILE" || true; }

dotenv() {
  [ -f "$ENV_FILE" ] && return 0
  say "writing $ENV_FILE from deploy/env.example with random secrets"
  local secret password
  secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(60))')"
  password="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
  sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret|" -e "s|^POSTGRES_PASSWORD=.*|POSTGRES_PASSWORD=$password|" \
    deploy/env.example >"$ENV_FILE"
  chmod 0600 "$ENV_FILE"
}

# Pinned images where they can be pulled; otherwise Debian-built ones (docker-compose.debian.yml).
images() {
  local pulled=1
  for image in "${PINNED_IMAGES[@]}"; do
    if ! docker image inspect "$image" >/dev/null 2>&1 && ! timeout 300 docker pull -q "$image" >/dev/null 2>&1; then
      pulled=0
      break
    fi
  done
  if [ "$pulled" = 1 ]; then
    say "using the pinned images"
    drop_setting COMPOSE_FILE
    return
  fi
  say "the pinned images cannot be pulled: building the stack's images from Debian's packages"
  if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    if [ ! -s "$BASE_TARBALL" ]; then
      say "building a Debian bookworm base with mmdebstrap (about a minute)"
      mkdir -p "$CACHE"
      mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$BASE_TARBALL.part" \
        "deb http://deb.debian.org/debian bookworm main" \
        "deb http://deb.debian.org/debian bookworm-updates main" \
        "deb http://deb.debian.org/debian-security bookworm-security main"
      mv "$BASE_TARBALL.part" "$BASE_TARBALL"
    fi
    docker import "$BASE_TARBALL" "$BASE_IMAGE" >/dev/null
  fi
  set_setting COMPOSE_FILE docker-compose.yml:docker-compose.debian.yml
}

# ---------------------------------------------------------------------------------------------
compose() { docker-compose --project-directory "$ROOT" --env-file "$ENV_FILE" "$@"; }

# Waits until every running service that has a healthcheck reports healthy.
wait_healthy() {
  local deadline=$((SECONDS + ${1:-300})) ids unhealthy
  while :; do
    ids="$(compose ps -q)"
    unhealthy=""
    for id in $ids; do
      status="$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id")"
      case "$status" in
        *" running healthy" | *" exited "*) ;;
        *" running ") ;;
        *) unhealthy="$unhealthy ${status%% *}" ;;
      esac
    done
    [ -z "$unhealthy" ] && [ -n "$ids" ] && return 0
    if [ $SECONDS -ge $deadline ]; then
      say "not healthy:$unhealthy"
      compose ps >&2
      return 1
    fi
    sleep 3
  done
}

prepare() {
  deps
  DOCKER_HOST="$(daemon)"
  export DOCKER_HOST
  wheels
  dotenv
  images
}

up() {
  prepare
  say "building the images"
  compose build --quiet --parallel
  compose up -d --remove-orphans
  wait_healthy 600
  local http_port mail_port
  http_port="${HTTP_PORT:-$(setting HTTP_PORT || true)}"
  mail_port="${MAIL_UI_PORT:-$(setting MAIL_UI_PORT || true)}"
  say "up: the portal on http://127.0.0.1:${http_port:-8080}/, e-mails on http://127.0.0.1:${mail_port:-8025}/"
}

# Zero-downtime replacement of the web service: a second container on the new image joins the
# first (nginx sends requests to every address of "web" and retries a closed one), and once it
# is healthy the old one stops gracefully (gunicorn finishes the requests it has).
upgrade() {
  prepare
  local old new
  old="$(compose ps -q web)"
  say "building the new image"
  compose build --quiet migrate
  say "migrating"
  compose run --rm migrate
  compose up -d --no-deps --no-recreate --scale web="$(($(echo "$old" | wc -w) + 1))" web
  new=""
  for id in $(compose ps -q web); do
    case " $old " in *" $id "*) ;; *) new="$id" ;; esac
  done
  local deadline=$((SECONDS + 300))
  until [ "$(docker inspect -f '{{.State.Health.Status}}' "$new")" = "healthy" ]; do
    if [ $SECONDS -ge $deadline ]; then
      say "the new web container did not become healthy"
      docker logs --tail 50 "$new" >&2
      exit 1
    fi
    sleep 2
  done
  for id in $old; do
    say "stopping the old web container ${id:0:12}"
    docker stop --time 30 "$id" >/dev/null
    docker rm "$id" >/dev/null
  done
  compose up -d --no-deps worker documents-worker beat
  wait_healthy 300
  say "upgraded"
}

down() {
  if DOCKER_HOST="$(daemon)"; then
    export DOCKER_HOST
    compose down --remove-orphans "$@"
  fi
  stop_daemon
}

command="${1:-up}"
shift || true
case "$command" in
  deps) deps ;;
  daemon) echo "export DOCKER_HOST=$(daemon)" ;;
  stop-daemon) stop_daemon ;;
  wheels) wheels ;;
  images) DOCKER_HOST="$(daemon)" && export DOCKER_HOST && dotenv && images ;;
  dotenv) dotenv ;;
  prepare) prepare ;;
  env)
    echo "export DOCKER_HOST=$(daemon)"
    compose_file="$(setting COMPOSE_FILE || true)"
    [ -n "$compose_file" ] && echo "export COMPOSE_FILE=$compose_file"
    echo "alias docker-compose='docker-compose --project-directory $ROOT --env-file $ENV_FILE'"
    ;;
  compose)
    DOCKER_HOST="$(daemon)"
    export DOCKER_HOST
    compose "$@"
    ;;
  exec)
    DOCKER_HOST="$(daemon)"
    export DOCKER_HOST
    service="${1:?usage: scripts/stack.sh exec SERVICE COMMAND...}"
    shift
    container="$(compose ps -q "$service" | head -n 1)"
    [ -n "$container" ] || { say "$service is not running"; exit 1; }
    docker exec -i "$container" "$@"
    ;;
  up) up ;;
  upgrade) upgrade ;;
  down) down "$@" ;;
  wait-healthy) DOCKER_HOST="$(daemon)" && export DOCKER_HOST && wait_healthy "${1:-300}" ;;
  *)
    sed -n '2,25p' "$0" >&2
    exit 2
    ;;
esac
