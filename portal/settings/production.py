"""Production settings: no defaults for secrets, refuse to start when misconfigured."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
# Django's own deploy check (security.W009) asks for 50+ characters with 5+ distinct ones.
if (
    not SECRET_KEY
    or SECRET_KEY.startswith(("dev-insecure", "django-insecure"))
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production.")
# Without Redis each gunicorn worker would count sign-in attempts in its own memory (3 workers:
# 3x the attempts) and tasks would run inside requests.
if not env("REDIS_URL", default=""):
    raise ImproperlyConfigured(
        "REDIS_URL must point at Redis in production (Celery, cache and sign-in rate limits)."
    )
if not env("EMAIL_URL", default=""):
    raise ImproperlyConfigured(
        "EMAIL_URL must point at the mail server in production (e.g. smtp+tls://…)."
    )

# HTTPS only. Behind a reverse proxy that terminates TLS, Django sees plain HTTP; it may trust
# the proxy's X-Forwarded-Proto header only when that proxy always sets it (TRUSTED_PROXY_SSL_HEADER),
# otherwise any client could claim "https" with a header of its own.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
if env.bool("TRUSTED_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# allauth's links (e-mail confirmation, password reset) use the scheme of the site as deployed:
# https behind TLS, http only for a plain-HTTP stack such as docker-compose.yml on localhost.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL",
    default="http" if env("SITE_URL", default="").startswith("http://") else "https",
)
