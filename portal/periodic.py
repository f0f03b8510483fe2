"""Periodic jobs that catch up: beat asks every minute, the job runs at its own interval."""

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from .models import PeriodicRun

T = TypeVar("T")


def run_when_due(*, name: str, every: timedelta, job: Callable[[], T], now=None) -> T | None:
    """Run ``job`` if it has not run for ``every`` (or never) and record the time; else None.

    The row lock makes two beats (or two workers) take turns: the second finds the job done.
    """
    now = now or timezone.now()
    with transaction.atomic():
        PeriodicRun.objects.get_or_create(name=name)
        run = PeriodicRun.objects.select_for_update().get(name=name)
        if run.last_run_at is not None and now - run.last_run_at < every:
            return None
        result = job()
        run.last_run_at = now
        run.save(update_fields=["last_run_at"])
    return result
