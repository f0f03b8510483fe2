# One image for web, worker, beat and the one-shot migrate service (docker-compose.yml).
# Pinned base image; runtime dependencies only (requirements.lock, not requirements-dev.lock).
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
       fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 --user-group portal

WORKDIR /app
# Dependencies first: this layer is rebuilt only when the pins change, not on every code change.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

# .dockerignore keeps .git, .venv, var/, .env files, test artefacts and local static files out.
COPY . .
# Build-time values only: production settings refuse to start without real ones at run time.
RUN SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://build-only:6379/0 EMAIL_URL=consolemail:// \
    sh -c 'python manage.py compilemessages --ignore .venv -v0 && python manage.py collectstatic --noinput -v0' \
    && mkdir -p /app/media /srv/static /srv/media && chown portal /app/media /srv/static /srv/media \
    && chmod 0755 deploy/entrypoint.sh

USER 1000:1000
EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
