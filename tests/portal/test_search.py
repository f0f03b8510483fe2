"""Site search: accent-insensitive, prefixes and typos, only public content, grouped by kind."""

import io

import pytest
from django.contrib.sites.models import Site
from django.urls import reverse

from events.models import Event
from portal.models import NewsItem, Page
from tests.events.factories import EventFactory, ReportFactory
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = reverse("search")


def _news(title, *, published=True, lead="", body="<p>Treść</p>"):
    slug = f"n-{NewsItem.objects.count()}"
    return NewsItem.objects.create(
        site=Site.objects.get_current(),
        title=title,
        slug=slug,
        lead=lead,
        body=body,
        is_published=published,
    )


@pytest.fixture
def content():
    return {
        "visit": EventFactory(
            title="Wizyta studyjna w Koźminie Wielkopolskim",
            summary="Spółdzielnie socjalne i Centrum Integracji Społecznej.",
        ),
        "draft": EventFactory(title="Koźmin – szkic wizyty", state=Event.State.DRAFT),
        "news": _news(
            "Nowa spółdzielnia socjalna w regionie",
            lead="Pięć osób założyło spółdzielnię socjalną w Koźminie.",
        ),
        "hidden_news": _news("Koźmin – nieopublikowana", published=False),
        "partner": OrganisationFactory(
            name="Spółdzielnia Socjalna Koźminianka", is_public=True, is_verified=True
        ),
        "unverified": OrganisationFactory(
            name="Spółdzielnia Koźmin bez weryfikacji", is_public=True, is_verified=False
        ),
        "page": Page.objects.create(
            site=Site.objects.get_current(),
            slug="o-ekonomii",
            title="Czym jest ekonomia społeczna",
            body="<p>Spółdzielnia socjalna to <strong>przedsiębiorstwo</strong> społeczne.</p>",
        ),
    }


def _titles(response, kind):
    for group in response.context["groups"]:
        if group["kind"].slug == kind:
            return [hit.title for hit in group["hits"]]
    return []


def test_query_without_diacritics_finds_the_accented_words(client, content):
    response = client.get(URL, {"q": "kozmin"})

    assert response.status_code == 200
    assert _titles(response, "wydarzenia") == ["Wizyta studyjna w Koźminie Wielkopolskim"]
    assert _titles(response, "aktualnosci") == ["Nowa spółdzielnia socjalna w regionie"]
    assert _titles(response, "partnerzy") == ["Spółdzielnia Socjalna Koźminianka"]


def test_drafts_unpublished_news_and_unverified_partners_are_never_found(client, content):
    html = client.get(URL, {"q": "kozmin"}).content.decode()
    assert "szkic wizyty" not in html
    assert "nieopublikowana" not in html
    assert "bez weryfikacji" not in html


def test_every_kind_is_searched_including_pages(client, content):
    response = client.get(URL, {"q": "spółdzielnia"})
    kinds = {group["kind"].slug for group in response.context["groups"]}
    assert {"wydarzenia", "aktualnosci", "partnerzy", "strony"} <= kinds


def test_inflected_forms_find_each_other(client, content):
    # "spółdzielnia" finds "spółdzielnię" and "Spółdzielnie"; "koźminie" finds "Koźmin".
    response = client.get(URL, {"q": "spółdzielnia"})
    assert _titles(response, "wydarzenia") == ["Wizyta studyjna w Koźminie Wielkopolskim"]
    response = client.get(URL, {"q": "koźminianka"})
    assert _titles(response, "partnerzy") == ["Spółdzielnia Socjalna Koźminianka"]


def test_a_word_is_matched_by_its_beginning(client, content):
    response = client.get(URL, {"q": "spółdziel"})
    assert "Nowa spółdzielnia socjalna w regionie" in _titles(response, "aktualnosci")


def test_a_typo_in_a_title_still_finds_it(client, content):
    response = client.get(URL, {"q": "Koźminianko"})
    assert _titles(response, "partnerzy") == ["Spółdzielnia Socjalna Koźminianka"]


def test_fragments_highlight_the_words_and_escape_html(client, content):
    _news("Ostrzeżenie", lead='Uwaga: "R&D" <script>alert(1)</script> spółdzielnie')
    html = client.get(URL, {"q": "spółdzielnie"}).content.decode()
    assert "<mark>spółdzielnie</mark>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&quot;R&amp;D&quot;" in html


def test_reports_are_found_and_link_to_their_event(client):
    report = ReportFactory(title="Relacja z wizyty w Koźminie", is_published=True)
    response = client.get(URL, {"q": "kozmin"})
    group = next(g for g in response.context["groups"] if g["kind"].slug == "relacje")
    assert group["hits"][0].url == report.event.get_absolute_url()


def test_one_kind_is_paginated(client):
    for number in range(25):
        _news(f"Spółdzielnia numer {number}")

    first = client.get(URL, {"q": "spółdzielnia", "rodzaj": "aktualnosci"})
    second = client.get(URL, {"q": "spółdzielnia", "rodzaj": "aktualnosci", "strona": 2})

    assert first.context["page_obj"].paginator.count == 25
    assert len(first.context["hits"]) == 20
    assert len(second.context["hits"]) == 5
    assert "strona=2" in first.content.decode()

    preview = client.get(URL, {"q": "spółdzielnia"})
    group = preview.context["groups"][0]
    assert group["total"] == 25 and len(group["hits"]) == 5
    assert "rodzaj=aktualnosci" in group["more_url"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Proszę wpisać, czego szukać"),
        ("   ", "Proszę wpisać, czego szukać"),
        ("?!*", "co najmniej jedno słowo"),
        ("a" * 2000, "najwyżej 200 znaków"),
    ],
)
def test_bad_queries_get_a_polish_message_next_to_the_field(client, query, message):
    response = client.get(URL, {"q": query})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_q_error"' in html
    assert message in html


def test_the_search_box_is_in_the_header_of_every_page(client):
    for path in ["/", "/wydarzenia/", "/partnerzy/", "/kontakt/"]:
        html = client.get(path).content.decode()
        assert 'role="search"' in html and 'action="/szukaj/"' in html, path


def test_on_the_demo_data_kozmin_and_spoldzielnia_find_the_visit_news_and_partners(client):
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())

    kozmin = client.get(URL, {"q": "kozmin"})
    assert any("Wizyta studyjna" in title for title in _titles(kozmin, "wydarzenia"))
    assert "Ruszają zapisy na wizytę studyjną w Wielkopolsce" in _titles(kozmin, "aktualnosci")

    spoldzielnia = client.get(URL, {"q": "spółdzielnia"})
    assert any("Wizyta studyjna" in title for title in _titles(spoldzielnia, "wydarzenia"))
    assert "Spółdzielnia Socjalna „Kaszubski Stół”" in _titles(spoldzielnia, "partnerzy")


def test_highlight_markers_and_tags_typed_in_content_show_as_text(client):
    OrganisationFactory(
        name="Stowarzyszenie Przykładowe",
        description="Opis [[[x]]] oraz <mark>y</mark> – działamy w Koźminie.",
        is_public=True,
        is_verified=True,
    )
    response = client.get(URL, {"q": "koźminie"})
    group = next(g for g in response.context["groups"] if g["kind"].slug == "partnerzy")
    snippet = str(group["hits"][0].snippet)
    assert snippet == (
        "Opis [[[x]]] oraz &lt;mark&gt;y&lt;/mark&gt; – działamy w <mark>Koźminie</mark>."
    )
    html = response.content.decode()
    assert "<mark>x</mark>" not in html and "<mark>y</mark>" not in html


def test_page_snippets_show_the_characters_their_html_stands_for(client):
    Page.objects.create(
        site=Site.objects.get_current(),
        slug="r-i-d",
        title="Badania",
        body="<p>Dział R&amp;D i kod &lt;b&gt; w Koźminie</p>",
    )
    response = client.get(URL, {"q": "koźminie"})
    group = next(g for g in response.context["groups"] if g["kind"].slug == "strony")
    snippet = str(group["hits"][0].snippet)
    assert "R&amp;D" in snippet and "&amp;amp;" not in snippet
    assert "&lt;b&gt;" in snippet and "<b>" not in snippet
    assert "<mark>Koźminie</mark>" in snippet
