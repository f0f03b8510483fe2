"""Loaded by the suite's Celery workers (tests/conftest.py, ``celery worker -I tests.worker_hooks``).

A transactional test ends with a flush that recreates the content types under new ids, while the
workers live for the whole session: without this a worker would keep the old ids in Django's
ContentType cache and every audit entry it writes after the first flush would fail its foreign key.
"""

from celery.signals import task_prerun


@task_prerun.connect
def _forget_content_types(**kwargs) -> None:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
