"""Reads of the portal app."""

from django.contrib.sites.shortcuts import get_current_site
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import NewsItem, Page, Region


def region_get_current(*, request: HttpRequest | None = None) -> Region | None:
    """Return the region that runs the current site, or None before it is configured."""
    site = get_current_site(request)
    return Region.objects.filter(site_id=site.pk).first()


def news_list_published(*, request: HttpRequest) -> QuerySet[NewsItem]:
    site = get_current_site(request)
    return NewsItem.objects.filter(site_id=site.pk, is_published=True)


def page_get(*, request: HttpRequest, slug: str) -> Page | None:
    site = get_current_site(request)
    return Page.objects.filter(site_id=site.pk, slug=slug).first()
