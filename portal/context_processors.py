from .selectors import region_get_current


def site_configuration(request):
    """Expose the region running this site to every template (name, contacts, notices)."""
    return {"region": region_get_current(request=request)}


def account_menu(request):
    """Tell the layout which personal pages to offer the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from advisory.selectors import user_is_case_worker, user_is_jst_member

    return {
        "menu_is_jst_member": user_is_jst_member(user=user),
        "menu_is_expert": user_is_case_worker(user=user),
    }
