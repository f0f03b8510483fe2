# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address used in links in e-mails (portal.links): follows HOST and PORT unless set.
# The coverage below which `make test` fails (README, "Run the tests"); raise it as tests grow.
COVERAGE_FLOOR ?= 92
FAST_MARKERS ?= not browser and not fault and not deploy and not stack and not slow
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

# The production stack (docker-compose.yml) is driven by scripts/stack.sh; see docs/operations.md.
.PHONY: backup restore run test test-fast test-stack stack-up stack-down stack-upgrade worker lint lock bench bench-region install install-run install-test messages services demo clean

## Start the portal with demo data on http://$(HOST):$(PORT). Without DATABASE_URL (environment or
## .env) on a PostgreSQL of its own in var/postgres (scripts/embedded-postgres.py), stopped again
## when runserver ends (Ctrl-C); without REDIS_URL tasks run in-process.
run: export SITE_URL := $(SITE_URL)
run: install-run
	@mkdir -p var
	@set -e; \
	if [ -z "$$DATABASE_URL" ] && ! grep -qs '^DATABASE_URL=' .env; then \
	  trap '$(BIN)/python scripts/embedded-postgres.py stop var/postgres' EXIT; \
	  trap 'exit 130' INT; trap 'exit 143' TERM; \
	  echo "Starting PostgreSQL in var/postgres (stopped when the portal stops)..."; \
	  DATABASE_URL=$$($(BIN)/python scripts/embedded-postgres.py start var/postgres); \
	  export DATABASE_URL; \
	fi; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py load_demo; \
	echo ""; \
	echo "Portal: http://$(HOST):$(PORT)/   links in e-mails: $(SITE_URL)/   e-mails: var/mail/ (one file per message, unless EMAIL_URL is set)"; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Run the whole test suite against real PostgreSQL and Redis (DATABASE_URL / REDIS_URL, default local).
## When they do not answer or refuse the connection, scripts/ensure-services.sh starts throwaway
## servers of its own for this run (and says so); they are stopped afterwards.
## Coverage of the apps is measured on the way; the run fails below COVERAGE_FLOOR per cent.
test: install-test
	@services=$$(scripts/ensure-services.sh) || exit 1; eval "$$services"; \
	status=0; $(BIN)/pytest --cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR) $(PYTEST_ARGS) || status=$$?; \
	scripts/ensure-services.sh --stop; exit $$status

## The edit loop's subset: no browser, no fault, no deploy or stack test, nothing marked slow; on
## both cores (pytest-xdist, a test database per process). The whole suite stays `make test`.
test-fast: install-test
	@services=$$(scripts/ensure-services.sh) || exit 1; eval "$$services"; \
	status=0; $(BIN)/pytest -n 2 -m "$(FAST_MARKERS)" $(PYTEST_ARGS) || status=$$?; \
	scripts/ensure-services.sh --stop; exit $$status

## The production stack built and run with Docker: tests/stack (marker `stack`, left out of
## `make test`). Installs docker.io, docker-compose and mmdebstrap when missing and starts a Docker
## engine of its own when none answers (stopped afterwards). 20-30 minutes on a busy 2-core machine.
test-stack: install-test
	scripts/stack.sh deps
	$(BIN)/pytest -m stack tests/stack $(PYTEST_ARGS)

## The production stack on http://127.0.0.1:8080 (HTTP_PORT), e-mails on :8025: builds the images
## (pinned ones, or Debian-built where Docker Hub cannot be reached) and waits until healthy.
stack-up:
	scripts/stack.sh up

## Stop the stack (the volumes, i.e. the data, stay) and the Docker engine stack-up started.
stack-down:
	scripts/stack.sh down

## After `git pull`: rebuild, migrate, replace web without a failed request, then worker and beat.
stack-upgrade:
	scripts/stack.sh upgrade

## Celery workers (needs REDIS_URL): one with the beat scheduler embedded for e-mails and the
## rest (the default queue), one for documents (CELERY_PDF_QUEUE, "documents"), so an e-mail
## never waits behind PDFs. Ctrl-C stops both.
worker: install-run
	@if [ -z "$$REDIS_URL" ]; then echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) and DATABASE_URL to run a worker." >&2; exit 1; fi
	@set -e; \
	$(BIN)/celery -A portal worker -Q $${CELERY_PDF_QUEUE:-documents} --concurrency 1 -n documents@%h --loglevel INFO & documents=$$!; \
	trap 'kill $$documents 2>/dev/null' EXIT; \
	$(BIN)/celery -A portal worker --beat -n default@%h --loglevel INFO

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Benchmarks against the real PostgreSQL and Redis: the pytest-benchmark micro-benchmarks, then
## the region-scale run (gunicorn + worker with production settings, a load generator;
## writes BENCHMARKS.md and bench/results/latest.json; about 15 minutes). BENCH_ARGS passes options.
bench: install-test
	@services=$$(scripts/ensure-services.sh) || exit 1; eval "$$services"; \
	status=0; $(BIN)/pytest bench --benchmark-only -p no:cacheprovider || status=$$?; \
	$(BIN)/python -m bench.region.run $(BENCH_ARGS) || status=$$?; \
	scripts/ensure-services.sh --stop; exit $$status

## The region-scale benchmark alone (see bench/region/run.py).
bench-region: install-test
	@services=$$(scripts/ensure-services.sh) || exit 1; eval "$$services"; \
	status=0; $(BIN)/python -m bench.region.run $(BENCH_ARGS) || status=$$?; \
	scripts/ensure-services.sh --stop; exit $$status

install-run:
	scripts/ensure-system-deps.sh run
	$(MAKE) --no-print-directory $(VENV)/.installed messages

install-test:
	scripts/ensure-system-deps.sh test
	$(MAKE) --no-print-directory $(VENV)/.installed-dev messages

services:
	scripts/ensure-services.sh

## Back up PostgreSQL (DATABASE_URL) and media (MEDIA_ROOT) into BACKUP_DIR (default backups/);
## STACK=1 backs up the compose stack (its postgres container and media volume).
backup:
	scripts/backup.sh $(BACKUP_DIR)

## Restore one: make restore BACKUP=backups/portal-YYYYmmdd-HHMMSS.dump (see docs/operations.md);
## STACK=1 restores into the running compose stack.
restore:
	@if [ -z "$(BACKUP)" ]; then echo "Usage: make restore BACKUP=backups/portal-....dump" >&2; exit 1; fi
	scripts/restore.sh $(BACKUP)

## Regenerate requirements.lock and requirements-dev.lock (with hashes) from pyproject.toml;
## LOCK_ARGS=--upgrade (or "--upgrade-package django") to move pins. See docs/operations.md.
lock:
	scripts/lock.sh $(LOCK_ARGS)

## Runtime dependencies only (what the production image installs) for `make run`/`make worker`;
## the test tools on top of them (requirements-dev.lock) for `make test`, `make bench`, `make lint`.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

## Compiled translations are built here, not committed.
messages: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --ignore .venv --ignore node_modules --verbosity 0

clean:
	rm -rf $(VENV) staticfiles test-artifacts
