"""How much background work one account may start: documents, exports, messages.

Every request that starts work for the worker (a report, an action plan PDF, an advisory card,
an attendance list rendered on demand, a message to an event's participants) asks ``job_admit``
inside the transaction that stores its job and writes its audit entry:

- the same request by the same person while its job is still pending gives back that job: no
  second row, no second task;
- otherwise the account may start at most ``BACKGROUND_JOB_LIMIT`` jobs of that kind within
  ``BACKGROUND_JOB_WINDOW_SECONDS``; one more raises ``JobLimitReached`` with a Polish message and
  nothing is stored or queued.

The count is of the account's own audit entries of that kind (every job request is audited), so
it lives in PostgreSQL with the jobs: it holds across web processes, survives a Redis outage and
is never left behind by a rolled-back request. The account's row is locked until the caller's
transaction ends, so parallel requests of one account are admitted one after another and none
of them misses the pending job or the count of the one before.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _


class JobLimitReached(Exception):
    """The account has started as many jobs of this kind as the window allows."""

    def __init__(self, *, limit: int, minutes: int):
        self.limit, self.minutes = limit, minutes
        self.message = _(
            "Zlecono już %(limit)d takich zadań w ciągu ostatnich %(minutes)d minut. Prosimy "
            "poczekać, aż zostaną przygotowane, i spróbować ponownie za kilka minut."
        ) % {"limit": limit, "minutes": minutes}
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def job_limit(action: str) -> tuple[int, int]:
    """(jobs, seconds) an account may start of the kind audited as ``action``."""
    limits = getattr(settings, "BACKGROUND_JOB_LIMITS", {})
    default = (settings.BACKGROUND_JOB_LIMIT, settings.BACKGROUND_JOB_WINDOW_SECONDS)
    return tuple(limits.get(action, default))


def job_admit(*, actor, action: str, pending: QuerySet | None = None):
    """Return the pending job of the same request, or None once a new one is allowed.

    Call it inside the transaction that then creates the job and records ``action`` in the audit
    trail for ``actor``. ``pending`` selects the actor's job of the same request that has not
    finished yet (None: the kind has no such job to give back). Raises ``JobLimitReached``.
    A job started by the system (``actor`` None) is neither limited nor deduplicated here.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("job_admit must run inside the transaction that stores the job.")
    # Serialise one account's requests: the next one sees this one's job and audit entry.
    list(get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
    if pending is not None:
        existing = pending.first()
        if existing is not None:
            return existing
    from .models import AuditLogEntry

    limit, seconds = job_limit(action)
    since = timezone.now() - timedelta(seconds=seconds)
    started = AuditLogEntry.objects.filter(
        actor=actor, action=action, created_at__gte=since
    ).count()
    if started >= limit:
        raise JobLimitReached(limit=limit, minutes=max(1, seconds // 60))
    return None
