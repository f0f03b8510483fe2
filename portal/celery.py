"""The Celery application: JSON only, late acknowledgement, tasks found in every app."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Database connections in tasks follow the same rule as in web requests: kept for CONN_MAX_AGE
# and checked before reuse (CONN_HEALTH_CHECKS), closed after an error. Celery's own Django
# fixup closes every connection before and after each task unless CELERY_DB_REUSE_MAX is set
# (portal/settings/base.py sets it out of the way): a new PostgreSQL backend per task cost
# ~10 ms of PostgreSQL CPU for each e-mail sent.
@task_prerun.connect
@task_postrun.connect
def _close_old_database_connections(task=None, **kwargs) -> None:
    # A task run eagerly (inside a request or a test) shares its caller's connection.
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
