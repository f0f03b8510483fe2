# One image for web, worker, beat and the one-shot migrate service (docker-compose.yml).
# The base image is a build argument: the pinned Python image by default, or, where Docker Hub
# cannot be reached, a Debian bookworm base built from Debian's packages (scripts/stack.sh builds
# it with mmdebstrap). Debian bookworm's python3 is 3.11, the same minor version as the pin.
ARG BASE_IMAGE=python:3.11.14-slim-bookworm
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings.production \
    PATH=/opt/venv/bin:$PATH

# The Python image brings its own python3; a plain Debian base gets Debian's. Either way the
# portal runs from a virtualenv at /opt/venv, so the rest of the build is the same on both.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
       fonts-dejavu-core fontconfig \
    && if ! command -v python3 >/dev/null; then apt-get install -y --no-install-recommends python3 python3-venv; fi \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/venv \
    && useradd --create-home --uid 1000 --user-group portal

WORKDIR /app
# Dependencies first: this layer is rebuilt only when the pins change, not on every code change.
# The wheels are built from requirements.lock before the build (scripts/stack.sh wheels), so the
# build needs no access to PyPI; the hashes of the lock file still check every one of them.
COPY requirements.lock ./
COPY var/stack-cache/wheels/ /tmp/wheels/
RUN pip install --no-cache-dir --no-index --find-links /tmp/wheels --require-hashes -r requirements.lock \
    && rm -rf /tmp/wheels

# .dockerignore keeps .git, .venv, var/ (but the wheels), .env files and test artefacts out.
COPY . .
# Build-time values only: production settings refuse to start without real ones at run time.
# compilemessages and collectstatic never connect to the database.
RUN SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DATABASE_URL=postgres://build-only@build-only:5432/build-only REDIS_URL=redis://build-only:6379/0 \
    EMAIL_URL=consolemail:// \
    sh -c 'python manage.py compilemessages --ignore .venv -v0 && python manage.py collectstatic --noinput -v0' \
    && mkdir -p /app/media /srv/static /srv/media && chown portal /app/media /srv/static /srv/media \
    && chmod 0755 deploy/entrypoint.sh

USER 1000:1000
EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
