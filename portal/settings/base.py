"""Settings shared by every environment; everything that differs comes from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-secret-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Before the admin, so that its forms show each translated field in both languages.
    "modeltranslation",
    "portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",  # the form renderer below finds Django's widget templates here
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "import_export",
    "simple_history",
    "partners",
    "events",
    "advisory",
    "reporting",
    "cooperation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.RejectNulBytesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.StaffSecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site_configuration",
                "portal.context_processors.account_menu",
            ],
        },
    },
]

# Every field renders through templates/portal/forms/field.html (labels, required marker, errors).
FORM_RENDERER = "portal.form_rendering.SiteFormRenderer"

# PostgreSQL only: search folds accents with unaccent and pg_trgm, the e-mail outbox and the
# reminders claim rows with FOR UPDATE SKIP LOCKED. `make run` starts a PostgreSQL of its own
# under var/postgres when DATABASE_URL is not set (scripts/embedded-postgres.py, settings.local).
NO_DATABASE_MESSAGE = (
    "No database is configured. The portal runs on PostgreSQL: set DATABASE_URL, e.g. "
    "DATABASE_URL=postgres://user:password@127.0.0.1:5432/portal, or start the portal with "
    "`make run`, which starts a PostgreSQL of its own in var/postgres."
)


def database_from_url(url: str) -> dict:
    """Django's DATABASES entry for DATABASE_URL; anything but PostgreSQL is refused."""
    if not url:
        raise ImproperlyConfigured(NO_DATABASE_MESSAGE)
    config = environ.Env.db_url_config(url)
    if config.get("ENGINE") != "django.db.backends.postgresql":
        scheme = url.split(":", 1)[0]
        raise ImproperlyConfigured(
            f"DATABASE_URL starts with {scheme}:, but the portal runs on PostgreSQL only "
            "(SQLite and other databases are not supported). Set DATABASE_URL to a PostgreSQL "
            "database, e.g. postgres://user:password@127.0.0.1:5432/portal, or leave it unset "
            "and start the portal with `make run`, which starts a PostgreSQL of its own in "
            "var/postgres."
        )
    return config


DATABASES = {"default": database_from_url(env("DATABASE_URL", default=""))}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a new PostgreSQL connection per request costs more than the page
# itself. Health checks drop a connection the server closed (e.g. after a restart)
# before it is reused, so the next request succeeds without restarting the portal.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Opt in to Django 6.0 behaviour now: a website typed without a scheme means https.
FORMS_URLFIELD_ASSUME_HTTPS = True

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    # Short timeouts and a per-process fallback: a Redis outage slows nothing and fails no sign-in.
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# portal.fragments replaces a version when the transaction commits; the test suite sets this,
# because its tests run inside transactions that are rolled back, never committed.
FRAGMENTS_REPLACE_BEFORE_COMMIT = False

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # Django's model backend reading permissions in one query, none for non-staff.
    "portal.auth_backends.PermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

SITE_ID = 1
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# First and last name (required) come from our form; allauth's adapter stores them on the user.
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
ACCOUNT_FORMS = {"login": "portal.login_forms.LoginForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# The client's address behind the proxy (portal.client_ip, which allauth uses too): how many
# proxies we run in front of gunicorn, each appending to X-Forwarded-For (nginx in
# docker-compose.yml: 1), or a header the proxy in front overwrites with the client's address.
# 0 and no header: REMOTE_ADDR, right only when clients reach gunicorn directly.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default="") or None

# Rate limits of every sign-in path (allauth counts them in the cache: Redis whenever REDIS_URL
# is set, which production requires). "login_failed": wrong passwords count only per client
# address here (portal.adapters uses its "ip" rates); allauth.mfa counts wrong second-factor
# codes under the same action per address and per account ("key": 5 in 5 minutes, reached
# only with the right password).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Wrong passwords per account (portal.signin): no lock, a delay for the addresses that failed on
# the account, growing with its failures in the window (1, 2, 4 … s after the free ones, capped),
# and an e-mail to the owner at a burst (once per window).
SIGNIN_FREE_FAILURES = env.int("SIGNIN_FREE_FAILURES", default=3)
SIGNIN_DELAY_MAX_SECONDS = env.int("SIGNIN_DELAY_MAX_SECONDS", default=60)
SIGNIN_FAILURE_WINDOW_SECONDS = env.int("SIGNIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
SIGNIN_ALERT_FAILURES = env.int("SIGNIN_ALERT_FAILURES", default=10)

# Second factor (allauth.mfa): an authenticator app (TOTP) or a security key (WebAuthn), with
# recovery codes. Required for every staff account before any staff page opens; the first one
# needs a code e-mailed to the account, and staff cannot remove their last one (portal.mfa).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_ADAPTER = "portal.adapters.MFAAdapter"
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Portal ekonomii społecznej")
# One 30-second step either side, for phones whose clock drifts (RFC 6238 recommends at most one).
MFA_TOTP_TOLERANCE = 1

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("polski")), ("en", _("angielski"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files are private: they are never served from MEDIA_URL, only through views
# that check who is asking.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-public/"
# Behind nginx (docker-compose.yml): after the view has authorised a private file, let nginx send
# it from an internal location with this prefix (X-Accel-Redirect), e.g. "/protected-media/".
PRIVATE_FILES_X_ACCEL_PREFIX = env("PRIVATE_FILES_X_ACCEL_PREFIX", default="")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# E-mail: EMAIL_URL such as smtp://user:pass@host:587 or consolemail:// or filemail://.
vars().update(env.email_url("EMAIL_URL", default="filemail://"))
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Portal ekonomii społecznej <portal@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that stops answering must not hold a worker until the task's time limit: the
# send fails after this many seconds and the outbox retries it later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Celery: with REDIS_URL a real broker and worker; without it tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
# Documents (WeasyPrint, seconds of CPU each) go to a queue of their own, consumed by a worker of
# their own (`celery -A portal worker -Q documents`), so e-mails on the default queue never wait
# behind them (docs/operations.md). Every process, web and workers, must agree on the name.
CELERY_PDF_QUEUE = env("CELERY_PDF_QUEUE", default="documents")
CELERY_PDF_TASKS = (
    "reporting.tasks.report_generate",
    "reporting.tasks.reports_render_stale",
    "advisory.tasks.advisory_card_generate",
    "advisory.tasks.advisory_cards_missing",
    "cooperation.tasks.plan_pdf_generate",
    "cooperation.tasks.plan_pdfs_render_stale",
    "events.tasks.attendance_list_prerender",
)
CELERY_TASK_ROUTES = {task: {"queue": CELERY_PDF_QUEUE} for task in CELERY_PDF_TASKS}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Celery's Django fixup would close the database connections around every task; portal/celery.py
# closes them as Django does around requests instead (CONN_MAX_AGE, health checks).
CELERY_DB_REUSE_MAX = 10**9
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# A request publishes after commit through portal.tasks.enqueue (no retries); these bound how
# long one attempt to reach Redis may take, so an outage costs a request seconds, not minutes.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_RESULT_EXPIRES = 3600
CELERY_BEAT_SCHEDULE = {
    "outbox-send-due": {"task": "portal.tasks.outbox_send_due", "schedule": 60.0},
    "advisory-deadline-digest": {
        "task": "advisory.tasks.advisory_deadline_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "advisory-cards-missing": {"task": "advisory.tasks.advisory_cards_missing", "schedule": 600.0},
    # Asked every minute, scans every EVENTS_REMINDER_SCAN_SECONDS: a tick lost while Redis is
    # away is made up within a minute of its return (events.tasks.reminders_enqueue).
    "events-reminders-enqueue": {"task": "events.tasks.reminders_enqueue", "schedule": 60.0},
    "events-finish-ended": {
        "task": "events.tasks.events_finish_ended",
        "schedule": crontab(minute=5),
    },
    "events-report-photos-waiting": {
        "task": "events.tasks.report_photos_process_waiting",
        "schedule": 300.0,
    },
    "reporting-render-stale": {"task": "reporting.tasks.reports_render_stale", "schedule": 300.0},
    "cooperation-overdue-digest": {
        "task": "cooperation.tasks.overdue_digest_send",
        "schedule": crontab(day_of_week=1, hour=7, minute=30),
    },
    "cooperation-plan-pdfs-stale": {
        "task": "cooperation.tasks.plan_pdfs_render_stale",
        "schedule": 300.0,
    },
    "cooperation-survey-reminders": {
        "task": "cooperation.tasks.survey_reminders_send",
        "schedule": crontab(minute=20),
    },
}
EVENTS_REMINDER_SCAN_SECONDS = env.int("EVENTS_REMINDER_SCAN_SECONDS", default=900)
# Intervals of the periodic entries above can be changed without code, e.g. for a deployment
# that wants e-mails held back by a broker outage out sooner, or for the fault tests:
# CELERY_BEAT_INTERVALS="outbox-send-due=30,events-reminders-enqueue=600" (seconds).
for _name, _seconds in env.dict("CELERY_BEAT_INTERVALS", default={}).items():
    if _name not in CELERY_BEAT_SCHEDULE:
        raise ValueError(f"CELERY_BEAT_INTERVALS: no periodic task named {_name!r}")
    CELERY_BEAT_SCHEDULE[_name]["schedule"] = float(_seconds)

# Background work one account may start (portal/jobs.py): at most BACKGROUND_JOB_LIMIT jobs of
# one kind (a report, a plan PDF, a card, a message to participants) per window; the same
# request while its job is pending gives back that job. Attendance lists are downloaded (and
# rendered when not ready) more often at a check-in desk, so they get more.
BACKGROUND_JOB_LIMIT = env.int("BACKGROUND_JOB_LIMIT", default=10)
BACKGROUND_JOB_WINDOW_SECONDS = env.int("BACKGROUND_JOB_WINDOW_SECONDS", default=600)
BACKGROUND_JOB_LIMITS = {
    "events.event.attendance_list_download": (30, 600),
}

# Exports: besides our own FormulaSafeModelResource (portal/exports.py), let django-import-export
# strip a leading "=" from any resource that does not use it.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Without these django-import-export lets every staff account export and import every model it
# is mixed into: each export and import asks the model's own permission instead
# (<app>.export_<model>, <app>.import_<model>), given to roles in docs/permissions.md.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"

SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis) and written through to the database: a signed-in
# request reads its session without a query, and a session outlives a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4) in every environment, so the tests see what production
# sends: scripts only from our own static files (no inline <script>, no on* attributes), no
# third-party origins at all. Inline style attributes stay allowed (the Django admin uses them).
# data: images are the TOTP QR code of allauth.mfa.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Public contact form (portal.antispam): seconds a person needs at least to fill it in, and how
# many messages one address may send per hour.
CONTACT_FORM_MIN_SECONDS = env.int("CONTACT_FORM_MIN_SECONDS", default=3)
CONTACT_FORM_HOURLY_LIMIT = env.int("CONTACT_FORM_HOURLY_LIMIT", default=5)

# Content in two languages (django-modeltranslation, */translation.py): each translated field has
# a Polish and an English column; an empty English text shows the Polish one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "pl"
MODELTRANSLATION_LANGUAGES = ("pl", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("pl",)
