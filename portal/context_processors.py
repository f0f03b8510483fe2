from django.utils.functional import SimpleLazyObject

from .selectors import region_get_current


def site_configuration(request):
    """Expose the region running this site to every template (name, contacts, notices)."""
    return {"region": region_get_current(request=request)}


def account_menu(request):
    """Tell the layout which personal pages to offer the signed-in user.

    The values are callables evaluated (once, in one query) only when the layout renders the
    menu: JSON and redirect responses cost nothing.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from advisory.selectors import account_menu_flags

    flags = SimpleLazyObject(lambda: account_menu_flags(user=user))
    return {
        "menu_is_jst_member": lambda: flags[0],
        "menu_is_expert": lambda: flags[1],
    }
