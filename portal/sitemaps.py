"""sitemap.xml: every public page of the site, and nothing a visitor would be refused.

Addresses are built from ``SITE_URL`` (portal.links), not from the Site row's domain, so that the
sitemap, the feeds and the e-mails all point at the same public address.
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.contrib.sitemaps import Sitemap
from django.contrib.sites.models import Site
from django.urls import reverse

from cooperation.models import WorkingGroup
from events.models import Event
from partners.selectors import organisation_list_public

from . import selectors
from .links import site_url
from .models import Page


class PortalSitemap(Sitemap):
    limit = 5000

    def get_urls(self, page=1, site=None, protocol=None):
        address = urlparse(site_url())
        return self._urls(page, address.scheme, address.netloc)


class StaticViewSitemap(PortalSitemap):
    """The public lists and start pages that exist whatever the content."""

    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "home",
            "news_list",
            "events:event_list",
            "events:report_list",
            "partners:organisation_list",
            "partners:owes_by_subregion",
            "advisory:advisory_home",
            "cooperation:group_list",
        ]

    def location(self, item):
        return reverse(item)


class PageSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.filter(site=Site.objects.get_current()).order_by("slug")

    def location(self, page):
        return reverse("page", kwargs={"slug": page.slug})

    def lastmod(self, page):
        return page.updated_at


class NewsSitemap(PortalSitemap):
    changefreq = "weekly"

    def items(self):
        return selectors.news_published().order_by("-published_at")

    def location(self, item):
        return reverse("news_detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.published_at


class EventSitemap(PortalSitemap):
    changefreq = "daily"

    def items(self):
        # Cancelled events keep their page (for those who registered), but are not advertised.
        return Event.objects.filter(
            state__in=(Event.State.PUBLISHED, Event.State.FINISHED)
        ).order_by("-starts_at", "pk")

    def lastmod(self, event):
        return event.updated_at


class OrganisationSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        return organisation_list_public().order_by("pk")

    def location(self, organisation):
        return reverse("partners:organisation_detail", kwargs={"pk": organisation.pk})


class WorkingGroupSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        return WorkingGroup.objects.filter(is_public=True).order_by("pk")


SITEMAPS = {
    "strony": StaticViewSitemap,
    "informacje": PageSitemap,
    "aktualnosci": NewsSitemap,
    "wydarzenia": EventSitemap,
    "partnerzy": OrganisationSitemap,
    "wspolpraca": WorkingGroupSitemap,
}
