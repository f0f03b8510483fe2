"""News with media in Chromium: the demo news list, a news page with its image,
tags, attachment and event link, a tag page and the event page listing its news; axe and 1280/360 px."""

import pytest
from django.core.files.base import ContentFile

from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo
from portal.models import NewsAttachment, NewsItem
from tests.events.factories import pdf_bytes

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = ""
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    item = NewsItem.objects.get(slug=portal_demo.DEMO_STUDY_VISIT_NEWS)
    attachment = NewsAttachment(news=item, title="Program wizyty", file_type="PDF")
    content = pdf_bytes("Program")
    attachment.file_size = len(content)
    attachment.file.save("program.pdf", ContentFile(content), save=True)
    return item


def _image_loaded(page, selector):
    import time

    page.locator(selector).first.scroll_into_view_if_needed()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0"):
            return True
        page.wait_for_timeout(100)
    return False


@pytest.mark.parametrize("width", [1280, 360])
def test_news_pages_with_media(page, demo_data, width):
    item = demo_data
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/aktualnosci/")
    assert _image_loaded(page, ".news-card-image")
    assert page.locator(".news-card-image").first.get_attribute("alt")
    assert_accessible(page, f"news-list-{width}")

    page.goto(item.get_absolute_url())
    assert _image_loaded(page, ".news-image img")
    assert page.locator(".news-image img").get_attribute("alt") == item.image_alt
    assert page.get_by_text("Wydarzenie:").is_visible()
    assert page.get_by_role("link", name="Program wizyty").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, f"news-detail-{width}")

    page.get_by_role("link", name="#Wizyty studyjne").click()
    page.wait_for_url("**/aktualnosci/tag/wizyty-studyjne/")
    assert page.locator(".news-card").count() == 1
    assert_accessible(page, f"news-tag-{width}")

    page.goto(item.event.get_absolute_url())
    section = page.locator(".event-news")
    assert section.get_by_role("link", name=item.title).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
