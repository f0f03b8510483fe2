"""Private uploads: served only through views that have checked who is asking, and removed
from storage when their row replaces or loses them."""

import logging
import mimetypes
import os
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models, router, transaction
from django.db.models import signals
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)


def private_file_response(
    field_file, *, download_name: str | None = None, inline: bool = False
) -> HttpResponse:
    """Stream a stored file; call only after the view has authorised the user.

    With ``PRIVATE_FILES_X_ACCEL_PREFIX`` set (behind nginx) and files on the local file system,
    the response is empty and tells nginx to send the file itself from its internal location.
    """
    if not field_file:
        raise Http404
    name = download_name or os.path.basename(field_file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    prefix = settings.PRIVATE_FILES_X_ACCEL_PREFIX
    if prefix and isinstance(field_file.storage, FileSystemStorage):
        if not field_file.storage.exists(field_file.name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field_file.name.lstrip("/"))
        response["Content-Disposition"] = content_disposition_header(not inline, name)
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(
            handle, as_attachment=not inline, filename=name, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Even if a browser rendered the file itself, it could run nothing and reach nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- stored files follow their rows --------------------------------------------------------
#
# A file replaced in the admin (or by a service) or belonging to a deleted row is removed from
# storage once the transaction commits: before the commit a rollback could still need it, and
# a file another row still points to is kept.


def _file_fields(model) -> list:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _delete_on_commit(model, field, name: str, *, exclude_pk=None) -> None:
    if not name:
        return

    def delete():
        still_used = model._default_manager.filter(**{field.attname: name})
        if exclude_pk is not None:
            still_used = still_used.exclude(pk=exclude_pk)
        if still_used.exists():
            return
        try:
            field.storage.delete(name)
        except OSError as error:
            logger.warning("Could not delete replaced file %s: %s", name, error)

    transaction.on_commit(delete, using=router.db_for_write(model))


def _remember_stored_names(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        return
    fields = _file_fields(sender)
    previous = (
        sender._default_manager.filter(pk=instance.pk)
        .values(*[field.attname for field in fields])
        .first()
    )
    instance._stored_file_names = previous or {}


def _delete_replaced(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_stored_file_names", None)
    if raw or not previous:
        return
    instance._stored_file_names = None
    for field in _file_fields(sender):
        old_name = previous.get(field.attname) or ""
        new_name = getattr(instance, field.attname).name or ""
        if old_name and old_name != new_name:
            _delete_on_commit(sender, field, old_name, exclude_pk=instance.pk)


def _delete_with_row(sender, instance, **kwargs):
    for field in _file_fields(sender):
        _delete_on_commit(sender, field, getattr(instance, field.attname).name or "")


def connect_file_cleanup() -> None:
    """Connect the clean-up to every model with a file field (called once at start-up)."""
    for model in apps.get_models():
        if not _file_fields(model) or getattr(model, "instance_type", None) is not None:
            continue  # simple_history's copies must never delete the live row's file
        uid = f"portal.files:{model._meta.label}"
        signals.pre_save.connect(
            _remember_stored_names, sender=model, dispatch_uid=f"{uid}:pre", weak=False
        )
        signals.post_save.connect(
            _delete_replaced, sender=model, dispatch_uid=f"{uid}:post", weak=False
        )
        signals.post_delete.connect(
            _delete_with_row, sender=model, dispatch_uid=f"{uid}:delete", weak=False
        )
