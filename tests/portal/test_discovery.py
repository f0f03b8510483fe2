"""Feeds, sitemap, robots.txt and the meta tags search engines and link previews read."""

import html
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.sites.models import Site
from django.utils import timezone

from events.models import Event
from portal.models import NewsItem, Page
from tests.cooperation.factories import WorkingGroupFactory
from tests.events.factories import EventFactory
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SITE = "https://es.rops.example.pl"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE + "/"


def _news(slug, *, published=True, **fields):
    return NewsItem.objects.create(
        site=Site.objects.get_current(),
        title=fields.pop("title", f"Aktualność {slug}"),
        slug=slug,
        lead=fields.pop("lead", "Krótko o tym, co się wydarzyło."),
        body="<p>Treść</p>",
        is_published=published,
        **fields,
    )


def _xml(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)


def test_news_rss_lists_published_news_with_absolute_links(client):
    _news("spoldzielnia-socjalna-w-kozminie", title="Spółdzielnia socjalna w Koźminie")
    _news("szkic", published=False)

    response = client.get("/aktualnosci/rss.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = _xml(response).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Spółdzielnia socjalna w Koźminie"]
    assert items[0].findtext("link") == f"{SITE}/aktualnosci/spoldzielnia-socjalna-w-kozminie/"
    assert items[0].findtext("description") == "Krótko o tym, co się wydarzyło."
    assert items[0].findtext("pubDate")
    assert channel.findtext("link") == f"{SITE}/aktualnosci/"


def test_news_atom_is_valid_atom(client):
    _news("pierwsza")
    root = _xml(client.get("/aktualnosci/atom.xml"))
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = root.findall("a:entry", ATOM_NS)
    assert len(entries) == 1
    assert entries[0].find("a:link", ATOM_NS).get("href") == f"{SITE}/aktualnosci/pierwsza/"
    assert entries[0].findtext("a:updated", namespaces=ATOM_NS)


def test_events_feed_lists_only_upcoming_published_events(client):
    upcoming = EventFactory(title="Wizyta studyjna w Koźminie", slug="wizyta-kozmin")
    EventFactory(title="Szkic", state=Event.State.DRAFT)
    EventFactory(
        title="Minione",
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=9),
        registration_opens_at=timezone.now() - timedelta(days=30),
        registration_closes_at=timezone.now() - timedelta(days=12),
        state=Event.State.FINISHED,
    )

    items = _xml(client.get("/wydarzenia/rss.xml")).find("channel").findall("item")
    assert len(items) == 1
    assert items[0].findtext("title").startswith("Wizyta studyjna w Koźminie (")
    assert items[0].findtext("link") == f"{SITE}{upcoming.get_absolute_url()}"

    entries = _xml(client.get("/wydarzenia/atom.xml")).findall("a:entry", ATOM_NS)
    assert len(entries) == 1


def test_sitemap_lists_every_public_page_and_nothing_private(client):
    _news("widoczna")
    _news("ukryta", published=False)
    Page.objects.create(
        site=Site.objects.get_current(), slug="kontakt", title="Kontakt", body="<p>x</p>"
    )
    public_event = EventFactory(slug="otwarte-spotkanie")
    EventFactory(slug="szkic-spotkania", state=Event.State.DRAFT)
    public_org = OrganisationFactory(is_verified=True, is_public=True)
    hidden_org = OrganisationFactory(is_verified=False, is_public=True)
    public_group = WorkingGroupFactory(is_public=True)
    private_group = WorkingGroupFactory(is_public=False)

    root = _xml(client.get("/sitemap.xml"))
    locations = {loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)}

    expected = {
        f"{SITE}/",
        f"{SITE}/aktualnosci/",
        f"{SITE}/aktualnosci/widoczna/",
        f"{SITE}/strony/kontakt/",
        f"{SITE}/wydarzenia/",
        f"{SITE}{public_event.get_absolute_url()}",
        f"{SITE}/partnerzy/",
        f"{SITE}/partnerzy/{public_org.pk}/",
        f"{SITE}{public_group.get_absolute_url()}",
    }
    assert expected <= locations
    forbidden = {
        f"{SITE}/aktualnosci/ukryta/",
        f"{SITE}/wydarzenia/szkic-spotkania/",
        f"{SITE}/partnerzy/{hidden_org.pk}/",
        f"{SITE}{private_group.get_absolute_url()}",
    }
    assert not (forbidden & locations)
    assert not any("/admin/" in loc or "/konto/" in loc for loc in locations)


def test_every_sitemap_address_answers_an_anonymous_visitor(client):
    _news("widoczna")
    EventFactory(slug="otwarte-spotkanie")
    OrganisationFactory(is_verified=True, is_public=True)
    WorkingGroupFactory(is_public=True)
    Page.objects.create(
        site=Site.objects.get_current(), slug="rodo", title="RODO", body="<p>Klauzula</p>"
    )

    root = _xml(client.get("/sitemap.xml"))
    for loc in root.findall("s:url/s:loc", SITEMAP_NS):
        path = loc.text.removeprefix(SITE)
        assert client.get(path).status_code == 200, path


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_accounts(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in body
    assert "Disallow: /admin/" in body
    assert "Disallow: /konto/" in body


def test_pages_carry_description_canonical_and_open_graph(client):
    _news("nowy-numer", title="Nowy numer biuletynu", lead="Biuletyn o ekonomii społecznej.")

    html = client.get("/aktualnosci/nowy-numer/?utm_source=x").content.decode()
    assert '<meta name="description" content="Biuletyn o ekonomii społecznej.">' in html
    assert f'<link rel="canonical" href="{SITE}/aktualnosci/nowy-numer/">' in html
    assert '<meta property="og:title" content="Nowy numer biuletynu">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="{SITE}/aktualnosci/nowy-numer/">' in html
    assert 'type="application/rss+xml" href="/aktualnosci/rss.xml"' in html


def test_canonical_of_a_list_keeps_only_the_page_number(client):
    for number in range(12):
        _news(f"wiadomosc-{number}")
    html = client.get("/aktualnosci/?strona=2&sort=x").content.decode()
    assert f'<link rel="canonical" href="{SITE}/aktualnosci/?strona=2">' in html


HOSTILE_LEAD = 'Uwaga: <script>alert(1)</script> <b>pogrubione</b> & "cytat"'


def _has_tag(html: str) -> bool:
    return re.search(r"<\s*[a-zA-Z/!]", html) is not None


def test_rss_description_shows_a_lead_with_markup_as_text(client):
    _news("z-kodem", lead=HOSTILE_LEAD)
    item = _xml(client.get("/aktualnosci/rss.xml")).find("channel").find("item")
    # The element's text is the HTML a reader renders: it shows the lead, character for character.
    description = item.findtext("description")
    assert not _has_tag(description)
    assert html.unescape(description) == HOSTILE_LEAD


def test_atom_summary_shows_a_lead_with_markup_as_text(client):
    _news("z-kodem", lead=HOSTILE_LEAD)
    summary = _xml(client.get("/aktualnosci/atom.xml")).find("a:entry/a:summary", ATOM_NS)
    assert summary.get("type") == "html"
    assert not _has_tag(summary.text)
    assert html.unescape(summary.text) == HOSTILE_LEAD


def test_news_without_a_lead_shows_its_text_not_its_markup(client):
    NewsItem.objects.create(
        site=Site.objects.get_current(),
        title="Bez zajawki",
        slug="bez-zajawki",
        body="<p>Kod &lt;script&gt; w <strong>treści</strong></p>",
        is_published=True,
    )
    item = _xml(client.get("/aktualnosci/rss.xml")).find("channel").find("item")
    description = item.findtext("description")
    assert not _has_tag(description)
    assert html.unescape(description) == "Kod <script> w treści"


def test_event_feeds_show_a_summary_with_markup_as_text(client):
    EventFactory(summary=HOSTILE_LEAD)
    item = _xml(client.get("/wydarzenia/rss.xml")).find("channel").find("item")
    assert html.unescape(item.findtext("description")) == HOSTILE_LEAD
    summary = _xml(client.get("/wydarzenia/atom.xml")).find("a:entry/a:summary", ATOM_NS)
    assert not _has_tag(summary.text)
    assert html.unescape(summary.text) == HOSTILE_LEAD
