"""RSS 2.0 and Atom feeds of the news and of upcoming events.

Every address in a feed is absolute and built from ``SITE_URL`` (portal.links), like the links in
e-mails: a feed reader fetches the feed from wherever, but must be sent to the public site.

RSS ``<description>`` and Atom ``<summary type="html">`` hold HTML: a reader renders what it
finds there. Leads and summaries are plain text, so they are escaped as HTML before the feed
generator escapes them again for XML; otherwise a lead typed as ``<b>`` or ``<script>`` would
reach the reader as live markup.
"""

from __future__ import annotations

from html import unescape

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from events.selectors import event_list_upcoming_public

from . import selectors
from .links import absolute_url

FEED_LENGTH = 30
EXCERPT_LENGTH = 500


def _text_as_html(text: str) -> str:
    return escape(text)


def _html_excerpt(html: str) -> str:
    """The first characters of rich text as plain text, then as HTML showing that text."""
    return _text_as_html(unescape(strip_tags(html))[:EXCERPT_LENGTH])


def _portal_title(request) -> str:
    region = selectors.region_get_current(request=request)
    return region.portal_title if region else _("Portal ekonomii społecznej")


class NewsRssFeed(Feed):
    def get_object(self, request, *args, **kwargs):
        # Feed methods receive the object, not the request: the request is what they need.
        return request

    def title(self, request) -> str:
        return _("%(portal)s – aktualności") % {"portal": _portal_title(request)}

    def description(self, request) -> str:
        return _("Najnowsze aktualności portalu.")

    def link(self) -> str:
        return absolute_url(reverse("news_list"))

    def feed_url(self) -> str:
        return absolute_url(reverse("news_feed_rss"))

    def items(self, request):
        return selectors.news_list_published(request=request)[:FEED_LENGTH]

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        return _text_as_html(item.lead) if item.lead else _html_excerpt(item.body)

    def item_link(self, item) -> str:
        return absolute_url(reverse("news_detail", kwargs={"slug": item.slug}))

    def item_guid(self, item) -> str:
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # Atom requires <updated> on every entry; a news item is dated by its publication.
        return item.published_at


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, request) -> str:
        return self.description(request)

    def feed_url(self) -> str:
        return absolute_url(reverse("news_feed_atom"))


class UpcomingEventsRssFeed(Feed):
    def get_object(self, request, *args, **kwargs):
        return request

    def title(self, request) -> str:
        return _("%(portal)s – nadchodzące wydarzenia") % {"portal": _portal_title(request)}

    def description(self, request) -> str:
        return _("Spotkania, szkolenia, warsztaty i wizyty studyjne, na które można się zapisać.")

    def link(self) -> str:
        return absolute_url(reverse("events:event_list"))

    def feed_url(self) -> str:
        return absolute_url(reverse("events_feed_rss"))

    def items(self, request):
        return event_list_upcoming_public()[:FEED_LENGTH]

    def item_title(self, event) -> str:
        starts = timezone.localtime(event.starts_at)
        return f"{event.title} ({starts:%d.%m.%Y})"

    def item_description(self, event) -> str:
        return _text_as_html(event.summary) if event.summary else _html_excerpt(event.description)

    def item_link(self, event) -> str:
        return absolute_url(event.get_absolute_url())

    def item_guid(self, event) -> str:
        return self.item_link(event)

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at


class UpcomingEventsAtomFeed(UpcomingEventsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, request) -> str:
        return self.description(request)

    def feed_url(self) -> str:
        return absolute_url(reverse("events_feed_atom"))
