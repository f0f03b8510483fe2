from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from . import selectors


def home(request):
    news = selectors.news_list_published(request=request)[:3]
    upcoming_events = []
    try:
        from events.selectors import event_list_upcoming_public
    except ImportError:
        event_list_upcoming_public = None
    if event_list_upcoming_public is not None:
        upcoming_events = event_list_upcoming_public()[:4]
    return render(request, "portal/home.html", {"news": news, "upcoming_events": upcoming_events})


def news_list(request):
    page = Paginator(selectors.news_list_published(request=request), 10).get_page(request.GET.get("strona"))
    return render(request, "portal/news_list.html", {"page_obj": page})


def news_detail(request, slug: str):
    item = get_object_or_404(selectors.news_list_published(request=request), slug=slug)
    return render(request, "portal/news_detail.html", {"item": item})


def page_detail(request, slug: str):
    page = selectors.page_get(request=request, slug=slug)
    if page is None:
        raise Http404
    return render(request, "portal/page_detail.html", {"page": page})


def region_image(request, field: str):
    """Serve the region's public logos; every other upload stays private."""
    region = selectors.region_get_current(request=request)
    if region is None or field not in {"logo", "cofinancing_logo"}:
        raise Http404
    image = getattr(region, field)
    if not image:
        raise Http404
    return FileResponse(image.open("rb"))
