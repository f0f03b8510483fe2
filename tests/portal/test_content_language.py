"""Language of parts (WCAG 3.1.2): on the English site, content kept in Polish is marked
lang="pl"; on the Polish site nothing needs marking."""

import re

import pytest
from django.conf import settings

from advisory import demo as advisory_demo
from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    advisory_demo.load()


def _marked(html: str, text: str) -> bool:
    """Whether `text` sits inside an element carrying lang="pl" (checked on the element's opening tag
    or on the nearest opening tag before it, which wraps it)."""
    from html.parser import HTMLParser

    class Finder(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.stack: list[str | None] = []
            self.found: list[bool] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("br", "img", "input", "meta", "link", "hr", "source"):
                return
            self.stack.append(dict(attrs).get("lang"))

        def handle_endtag(self, tag):
            if tag in ("br", "img", "input", "meta", "link", "hr", "source"):
                return
            if self.stack:
                self.stack.pop()

        def handle_data(self, data):
            if text in data:
                nearest = next((lang for lang in reversed(self.stack) if lang), None)
                self.found.append(nearest == "pl")

    finder = Finder()
    finder.feed(html.split("<body", 1)[1])  # the <title> is one string: it cannot mark a part
    assert finder.found, f"{text!r} not on the page"
    return all(finder.found)


def test_polish_content_is_marked_on_english_pages(client, demo_data):
    from advisory.models import AdvisoryTopic
    from events.models import Event
    from partners.models import Organisation
    from portal.models import NewsItem, Page, Region

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    event = (
        Event.objects.filter(state="published", funding_project__isnull=False)
        .exclude(description="")
        .first()
    )
    news = NewsItem.objects.order_by("-published_at").first()
    page = Page.objects.get(slug="deklaracja-dostepnosci")
    organisation = (
        Organisation.objects.exclude(description="")
        .filter(is_public=True, is_verified=True)
        .first()
    )
    topic = AdvisoryTopic.objects.filter(is_active=True).first()
    region = Region.objects.first()
    checks = [
        ("/", [news.title]),
        ("/wydarzenia/", [event.title]),
        (
            event.get_absolute_url(),
            [
                event.title,
                # The description is rich text: the first text between tags.
                re.search(r">([^<]{5,})<", event.description).group(1)[:40],
                event.funding_project.cofinancing_notice[:40],
            ],
        ),
        (f"/aktualnosci/{news.slug}/", [news.title]),
        (f"/strony/{page.slug}/", [page.title]),
        ("/partnerzy/", [organisation.name]),
        (
            f"/partnerzy/{organisation.pk}/",
            [organisation.name, organisation.description.splitlines()[0][:40]],
        ),
        ("/doradztwo/", [topic.name]),
    ]
    for path, texts in checks:
        response = client.get(path)
        html = response.content.decode()
        assert re.search(r'<html lang="en"', html), path
        for text in texts:
            assert _marked(html, text), f'{path}: {text!r} is not marked lang="pl"'
        if region.cofinancing_notice:
            assert _marked(html, region.cofinancing_notice[:40]), f"{path}: footer funding notice"


def test_polish_pages_need_no_marking(client, demo_data):
    html = client.get("/wydarzenia/").content.decode()
    assert '<html lang="pl"' in html
    assert 'lang="pl"' not in html.split("<body", 1)[1].replace('lang="pl" class="link-button"', "")
