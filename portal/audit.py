"""The audit trail: every service that changes or discloses data records who did it.

Usage inside a service (in its transaction)::

    audit_record(actor=actor, action="events.event.cancel", target=event,
                 summary="Anulowano wydarzenie", changes={"state": [old, new]})

``actor`` may be None only for work done by the system itself (a beat task); the entry then
says so. Actions are dotted ``<app>.<model>.<verb>`` codes, so the admin can filter by app or verb.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import AuditLogEntry

SYSTEM_ACTOR_LABEL = "system"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    changes: dict | None = None,
) -> AuditLogEntry:
    """Store one audit entry; call it from inside the service's transaction."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLogEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.email if is_user else SYSTEM_ACTOR_LABEL)[:255],
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_repr=str(target)[:300] if target is not None else "",
        summary=str(summary),
        changes=_jsonable(changes or {}),
    )


def field_changes(before: models.Model, after: models.Model, fields: list[str]) -> dict[str, list]:
    """``{"field": [old, new]}`` for the listed fields whose value differs."""
    changed = {}
    for name in fields:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            changed[name] = [_jsonable(old), _jsonable(new)]
    return changed


def object_delete(*, obj: models.Model, actor) -> None:
    """Delete an object after recording who deleted it (one entry for the object, not its parts)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"{obj._meta.app_label}.{obj._meta.model_name}.delete",
            target=obj,
            summary=_("Usunięto: %(object)s") % {"object": obj},
        )
        # simple_history's record of the deletion names the same person.
        obj._history_user = actor
        obj.delete()
