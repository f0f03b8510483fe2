"""Deletions in the admin, each recorded in the audit trail with the person who deleted."""

from django.db import transaction

from . import audit


class AuditedDeletionAdmin:
    """Put first among a ModelAdmin's bases: a deletion from the change page and every object of
    the bulk "delete selected" action get an audit entry with their author.

    A ModelAdmin that deletes through its own service overrides ``delete_model`` in its body;
    the bulk action then goes through that service too, one object at a time.
    """

    def delete_model(self, request, obj):
        audit.object_delete(obj=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
