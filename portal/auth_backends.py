"""Authentication backend: Django's model backend with a cheaper permission lookup."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class PermissionBackend(ModelBackend):
    """Read a person's permissions in at most one query per request.

    Roles (groups with permissions, ``portal.roles``) are given to staff accounts only, so an
    account that is neither staff nor superuser holds no permission and costs no query; for
    staff, the permissions of their groups and their own are read together (Django's backend
    reads them in two queries). Checks still ask ``has_perm``: ``is_staff`` alone grants nothing.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if not (user_obj.is_staff or user_obj.is_superuser):
                permissions = set()
            else:
                rows = Permission.objects.all()
                if not user_obj.is_superuser:
                    rows = rows.filter(Q(user=user_obj) | Q(group__user=user_obj))
                permissions = {
                    f"{app_label}.{codename}"
                    for app_label, codename in rows.values_list(
                        "content_type__app_label", "codename"
                    )
                    .order_by()
                    .distinct()
                }
            user_obj._perm_cache = permissions
        return user_obj._perm_cache
