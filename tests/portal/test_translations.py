"""Content in two languages: English texts where staff wrote them, Polish
otherwise (marked lang="pl"), and the language switch keeps the person on the same page."""

import io

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.urls import reverse

from events.models import Event
from portal.models import Page
from tests.events.factories import AgendaItemFactory, EventFactory
from tests.factories import RoleUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_english_text_is_shown_on_the_english_site_and_polish_on_the_polish_one(client):
    event = EventFactory(title="Spotkanie sieci", summary="Po polsku.")
    event.title_en = "Network meeting"
    event.summary_en = "In English."
    event.save()

    polish = client.get(event.get_absolute_url()).content.decode()
    assert "<h1>Spotkanie sieci</h1>" in polish and "Po polsku." in polish

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(event.get_absolute_url()).content.decode()
    assert "<h1>Network meeting</h1>" in english
    assert "In English." in english
    assert "Spotkanie sieci" not in english.split("<main", 1)[1]


def test_without_an_english_text_the_polish_one_is_shown_marked_as_polish(english):
    event = EventFactory(title="Tylko po polsku")
    AgendaItemFactory(event=event, title="Powitanie uczestników")

    html = english.get(event.get_absolute_url()).content.decode()
    assert '<h1 lang="pl">Tylko po polsku</h1>' in html
    assert "Powitanie uczestników" in html


def test_the_language_switch_keeps_the_person_on_the_same_page(client):
    event = EventFactory(title="Spotkanie sieci")
    event.title_en = "Network meeting"
    event.save()
    path = event.get_absolute_url() + "?x=1"

    response = client.post(reverse("set_language"), {"language": "en", "next": path})

    assert response.status_code == 302
    assert response["Location"] == path
    assert "<h1>Network meeting</h1>" in client.get(path).content.decode()


def test_staff_fill_both_languages_in_the_admin(client):
    client.force_login(RoleUserFactory(role="Administrator ROPS"))
    page = Page.objects.create(
        site=Site.objects.get_current(), slug="o-nas", title="O nas", body="<p>Tekst</p>"
    )
    url = reverse("admin:portal_page_change", args=[page.pk])
    html = client.get(url).content.decode()
    assert 'name="title_pl"' in html and 'name="title_en"' in html

    response = client.post(
        url,
        {
            "site": page.site_id,
            "slug": "o-nas",
            "title_pl": "O nas",
            "title_en": "About us",
            "body_pl": "<p>Tekst</p>",
            "body_en": "<p>Text <script>x()</script></p>",
        },
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title_en == "About us"
    english_page = client.get(reverse("page", args=["o-nas"]), HTTP_COOKIE="django_language=en")
    html = english_page.content.decode()
    assert "<h1>About us</h1>" in html
    # The English text is sanitised when shown, like the Polish one.
    assert "<script>x()</script>" not in html and "Text" in html


def test_the_english_demo_shows_the_event_pages_and_notices_in_english(english):
    call_command("load_demo", stdout=io.StringIO())
    visit = Event.objects.filter(slug__startswith="wizyta-studyjna-wielkopolska").first()

    event_html = english.get(visit.get_absolute_url()).content.decode()
    assert "Study visit: social services and social cooperatives in Greater Poland" in event_html
    assert "co-financed by the European Union" in event_html

    page_html = english.get(reverse("page", args=["rodo"])).content.decode()
    assert "<h1>Personal data protection (GDPR)</h1>" in page_html

    home = english.get("/").content.decode()
    assert "Social economy in Pomerania" in home
    assert "Registration opens for the study visit to Greater Poland" in home
