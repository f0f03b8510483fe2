FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
       fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .
# Build-time values only: production settings refuse to start without real ones at run time.
RUN SECRET_KEY=build-only-not-a-secret-0123456789abcdef DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py compilemessages --ignore .venv \
    && SECRET_KEY=build-only-not-a-secret-0123456789abcdef DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 portal && mkdir -p /app/media && chown portal /app/media

USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
