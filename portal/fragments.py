"""Rendered parts of the busiest public pages, kept in the cache for visitors who are not signed in.

The event page, the calendar and the partner catalogue spent most of their time
rendering templates whose output changes only when their data changes (an event, a registration,
an organisation). For a visitor who is not signed in the rendered part is the same for everyone,
so it is rendered once and kept, under a key that carries:

- a version per namespace ("events", "partners"), replaced when a transaction that wrote to a
  table of a model watched by that namespace commits (``watch``). The writes are seen in the SQL
  the database connection sends, not in model signals, so ``QuerySet.update``, ``bulk_create``,
  ``bulk_update``, fast deletes, many-to-many changes and raw SQL replace the version exactly as
  ``save()`` does;
- the language and whatever the page depends on (the slug, the query string);
- a timeout: the passing of time (registration closing, an event starting) is seen at the
  latest when it runs out.

Signed-in people always get a fresh render: what they see depends on who they are (their
registrations, their permissions, forms with their CSRF token).
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created
from django.template import Context
from django.template.loader import render_to_string
from django.utils.translation import get_language
from simple_history.models import HistoricalChanges

logger = logging.getLogger(__name__)

VERSION_KEY = "fragments:version:{}"
# Table name -> the namespaces whose pages show its rows.
_namespaces_of_table: dict[str, set[str]] = {}
# The statements that change rows, and the table they change (Django quotes table names; raw SQL
# written by hand may not).
_WRITE = re.compile(
    r'^\s*(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+(?:ONLY\s+)?"?([A-Za-z0-9_]+)"?', re.IGNORECASE
)


def watch(namespace: str, models: Iterable[type]) -> None:
    """Replace ``namespace``'s version whenever a row of one of ``models`` (or of the tables of
    their many-to-many relations) is written. Their history records are left out: they are
    written with the row they record."""
    for model in models:
        if issubclass(model, HistoricalChanges):
            continue
        tables = {model._meta.db_table}
        tables |= {
            field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many
        }
        for table in tables:
            _namespaces_of_table.setdefault(table, set()).add(namespace)


class _ReplaceAtCommit:
    def __init__(self, namespace: str):
        self.namespace = namespace

    def __call__(self) -> None:
        cache.set(VERSION_KEY.format(self.namespace), uuid.uuid4().hex, None)


def version_replace(namespace: str, *, using: str = "default") -> None:
    """Drop every fragment of ``namespace`` when the current transaction commits (at once outside
    a transaction), once per transaction: a registration writes several watched rows.

    A page read and kept under the old version while the transaction runs is never served
    again: readers take the new version from the moment the data is visible to them.
    """
    connection = transaction.get_connection(using)
    if settings.FRAGMENTS_REPLACE_BEFORE_COMMIT:
        # The test suite's transactions never commit (see portal/settings/test.py).
        cache.set(VERSION_KEY.format(namespace), uuid.uuid4().hex, None)
    if connection.in_atomic_block and any(
        getattr(callback, "namespace", None) == namespace
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_ReplaceAtCommit(namespace), using=using)


def namespaces_written_by(sql: str) -> set[str]:
    """The namespaces whose pages show rows that ``sql`` changes (none for a read)."""
    if sql[:6].upper() not in ("UPDATE", "INSERT", "DELETE") and not sql[:1].isspace():
        return set()
    match = _WRITE.match(sql)
    if match is None:
        return set()
    return _namespaces_of_table.get(match.group(1), set())


class _WatchWrites:
    """A database execute wrapper (Django's ``execute_wrappers``) that replaces the versions of
    the namespaces a statement wrote to, once it has run without an error."""

    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        for namespace in namespaces_written_by(sql):
            version_replace(namespace, using=self.alias)
        return result


def _watch_connection(sender, connection, **kwargs) -> None:
    # Called on every (re)connection of a thread's database wrapper: install the wrapper once.
    if not any(isinstance(wrapper, _WatchWrites) for wrapper in connection.execute_wrappers):
        # First in the list: `connection.execute_wrapper()` blocks pop the last one on exit.
        connection.execute_wrappers.insert(0, _WatchWrites(connection.alias))


connection_created.connect(_watch_connection, dispatch_uid="portal.fragments.watch_connection")


def _versions(namespaces: tuple[str, ...]) -> str:
    keys = [VERSION_KEY.format(namespace) for namespace in namespaces]
    found = cache.get_many(keys)
    for key in keys:
        if found.get(key) is None:
            # A version never seen before (first use, or Redis lost it): never an older one,
            # whose fragments may still be in the cache.
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key) or uuid.uuid4().hex
    return ".".join(found[key] for key in keys)


def cached_for_visitors(
    request,
    *,
    namespaces: tuple[str, ...],
    parts: tuple,
    build: Callable[[], tuple[dict, int]],
) -> dict:
    """Return the page parts ``build()`` renders (a dict of strings), kept for visitors.

    ``build`` returns the parts and how many seconds they may be kept. Exceptions it raises
    (e.g. Http404) pass through and nothing is kept.
    """
    if request.user.is_authenticated:
        return build()[0]
    digest = hashlib.sha256(repr((get_language(), *parts)).encode()).hexdigest()[:40]
    key = f"fragments:{'+'.join(namespaces)}:{_versions(namespaces)}:{digest}"
    value = cache.get(key)
    if value is None:
        value, timeout = build()
        if any("csrfmiddlewaretoken" in str(part) for part in value.values()):
            # A form with the visitor's own CSRF token must never be shown to anyone else.
            logger.warning("Not caching %s: it contains a CSRF token", parts)
        elif timeout > 0:
            cache.set(key, value, timeout)
    return value


def seconds_until_next(moments: Iterable, *, now, longest: int) -> int:
    """Seconds until the earliest of ``moments`` after ``now`` (when the page changes by itself),
    at most ``longest``."""
    ahead = [(moment - now).total_seconds() for moment in moments if moment and moment > now]
    return int(max(min([longest, *ahead]), 0))


class PagePosition:
    """What the layout's title needs of a page of results ("strona 2 z 5") kept with a fragment:
    the page number and the number of pages, without the results."""

    def __init__(self, number: int, num_pages: int):
        self.number = number
        self.num_pages = num_pages

    @property
    def paginator(self) -> PagePosition:
        return self

    @classmethod
    def of(cls, page) -> dict:
        return {"number": page.number, "num_pages": page.paginator.num_pages}


def error_summary(context: dict) -> str:
    """The layout's error summary for the failed forms in a fragment's context, rendered with it
    (the layout itself no longer sees those forms when the fragment comes from the cache)."""
    from portal.form_rendering import failed_forms_in

    failed = failed_forms_in(Context(context))
    if not failed:
        return ""
    return render_to_string("portal/_error_summary.html", {"failed_forms": failed})
