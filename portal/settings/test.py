"""Settings for the test suite: real PostgreSQL and Redis, e-mails kept in memory."""

import os
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
# Threads of the concurrency tests open connections of their own: close them at the end of
# each request/thread so that the test database can be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A test decides itself whether a task goes to the real worker; by default tasks run in-process
# so that a plain request test sees its e-mail in mail.outbox.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Uploaded files of a run go to a temporary folder of its own, never into the work tree. It is
# put in the environment so that the processes the suite starts (the Celery worker, gunicorn)
# read and write the same folder; tests/conftest.py removes it at the end of the run.
if not os.environ.get("PORTAL_TEST_MEDIA_ROOT"):
    import tempfile

    os.environ["PORTAL_TEST_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="portal-test-media-")
MEDIA_ROOT = Path(os.environ["PORTAL_TEST_MEDIA_ROOT"])
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Real Redis, but a key prefix of its own for each run, so that state such as allauth's rate
# limits never leaks from one run (or one parallel suite) into another.
import uuid  # noqa: E402

CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:8]}"  # noqa: F405

# allauth silently skips a verification e-mail when a rate limit is hit; the suite signs up and
# logs in many accounts from 127.0.0.1 within seconds, so limits would make e-mail assertions
# depend on timing. Production keeps allauth's default limits.
ACCOUNT_RATE_LIMITS = False

# Tests run in transactions that are rolled back: replace the visitors' page versions at every
# change too (tests/portal/test_fragments.py checks the commit-time path with this off).
FRAGMENTS_REPLACE_BEFORE_COMMIT = True
