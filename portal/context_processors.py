from .selectors import region_get_current


def site_configuration(request):
    """Expose the region running this site to every template (name, contacts, notices)."""
    return {"region": region_get_current(request=request)}
