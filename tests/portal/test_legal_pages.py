"""Legal pages a Polish public body must publish: the RODO clause and the accessibility statement."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal import demo
from portal.models import Page, Region, User
from portal.templatetags.portal_tags import clean_html
from tests.factories import totp_code

pytestmark = pytest.mark.django_db

# Identifiers of the official template (warunki techniczne publikacji deklaracji dostępności).
OFFICIAL_IDS = [
    "a11y-wstep",
    "a11y-podmiot",
    "a11y-url",
    "a11y-data-publikacja",
    "a11y-data-aktualizacja",
    "a11y-status",
    "a11y-data-sporzadzenie",
    "a11y-kontakt",
    "a11y-osoba",
    "a11y-email",
    "a11y-telefon",
    "a11y-procedura",
    "a11y-architektura",
    "a11y-aplikacje",
]


# --- the sanitiser ---------------------------------------------------------


def test_sanitiser_keeps_what_the_official_statement_template_needs():
    html = clean_html(
        '<p id="a11y-wstep"><span id="a11y-podmiot">ROPS</span></p>'
        '<ul><li><time id="a11y-data-publikacja" datetime="2025-10-01">1 października 2025</time></li></ul>'
        '<dl><dt>Cel</dt><dd>art. 6 ust. 1 lit. e</dd></dl><h2 id="a11y-kontakt">Kontakt</h2>'
    )
    assert '<p id="a11y-wstep"><span id="a11y-podmiot">ROPS</span></p>' in html
    assert '<time id="a11y-data-publikacja" datetime="2025-10-01">' in html
    assert "<dl><dt>Cel</dt><dd>art. 6 ust. 1 lit. e</dd></dl>" in html
    assert '<h2 id="a11y-kontakt">' in html


@pytest.mark.parametrize(
    "dangerous, forbidden",
    [
        ("<script>alert(1)</script>", "alert"),
        ('<span id="a11y-osoba" onclick="alert(1)">x</span>', "onclick"),
        ('<time onmouseover="alert(1)" datetime="2025-01-01">x</time>', "onmouseover"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ('<span style="background:url(javascript:alert(1))">x</span>', "style"),
        ('<iframe src="https://example.org"></iframe>', "iframe"),
        ('<p id="x&quot; onclick=&quot;alert(1)">x</p>', "onclick"),
    ],
)
def test_sanitiser_still_strips_anything_that_runs_script(dangerous, forbidden):
    assert forbidden not in clean_html(dangerous).lower()


def test_sanitiser_drops_ids_that_are_not_plain_fragment_names():
    assert clean_html('<p id="id_email">x</p>') == "<p>x</p>"
    assert clean_html('<p id="a b">x</p>') == "<p>x</p>"


def test_statement_page_keeps_every_official_id_once(client):
    demo.load()
    html = client.get(reverse("page", args=[Page.ACCESSIBILITY_STATEMENT_SLUG])).content.decode()
    for official_id in OFFICIAL_IDS:
        assert html.count(f'id="{official_id}"') == 1, official_id


# --- publication and update dates set by staff ------------------------------------------------


def test_statement_shows_the_dates_staff_set_not_the_save_time(client):
    demo.load()
    page = Page.objects.get(slug=Page.ACCESSIBILITY_STATEMENT_SLUG)
    page.published_on = date(2024, 5, 6)
    page.content_updated_on = date(2025, 2, 3)
    page.save()
    html = client.get(reverse("page", args=[page.slug])).content.decode()
    assert '<time id="a11y-data-publikacja" datetime="2024-05-06">6 maja 2024</time>' in html
    assert '<time id="a11y-data-aktualizacja" datetime="2025-02-03">3 lutego 2025</time>' in html


def test_loading_the_demo_twice_keeps_the_dates():
    call_command("load_demo", stdout=None)
    first = {page.slug: (page.published_on, page.content_updated_on) for page in Page.objects.all()}
    assert first[Page.ACCESSIBILITY_STATEMENT_SLUG] == (
        demo.DEMO_PUBLISHED_ON,
        demo.DEMO_UPDATED_ON,
    )
    call_command("load_demo", stdout=None)
    second = {
        page.slug: (page.published_on, page.content_updated_on) for page in Page.objects.all()
    }
    assert second == first


def test_loading_the_demo_again_keeps_dates_staff_changed():
    demo.load()
    Page.objects.filter(slug="rodo").update(content_updated_on=date(2026, 6, 1))
    demo.load()
    assert Page.objects.get(slug="rodo").content_updated_on == date(2026, 6, 1)


def test_admin_lets_staff_set_the_dates(client):
    demo.load()
    client.post(
        reverse("account_login"),
        {"login": demo.DEMO_STAFF_EMAIL, "password": demo.DEMO_STAFF_PASSWORD},
    )
    staff = User.objects.get(email=demo.DEMO_STAFF_EMAIL)
    client.post(
        reverse("mfa_authenticate"), {"code": totp_code(staff, secret=demo.DEMO_STAFF_TOTP_SECRET)}
    )
    page = Page.objects.get(slug="kontakt")
    html = client.get(reverse("admin:portal_page_change", args=[page.pk])).content.decode()
    assert 'name="published_on"' in html
    assert 'name="content_updated_on"' in html


# --- what the texts contain -------------------------------------------------


def _text(client, slug: str) -> str:
    html = client.get(reverse("page", args=[slug])).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_rodo_clause_names_controller_dpo_bases_recipients_retention_rights_and_puodo(client):
    demo.load()
    region = Region.objects.get()
    text = _text(client, "rodo")
    assert f"Administratorem danych osobowych jest {region.centre_name}" in text
    assert region.email in text
    assert "inspektorem ochrony danych" in text and demo.DEMO_DPO_EMAIL in text
    assert "art. 6 ust. 1 lit. e RODO" in text  # public task: events, advisory
    assert "art. 6 ust. 1 lit. c RODO" in text  # legal obligation: EU project, archives
    assert "art. 9 ust. 2 lit. a RODO" in text  # explicit consent for health data
    assert "Odbiorcy danych" in text
    assert "Okres przechowywania" in text
    for right in [
        "dostępu",
        "sprostowania",
        "usunięcia",
        "ograniczenia przetwarzania",
        "sprzeciwu",
    ]:
        assert right in text
    assert "Prezesa Urzędu Ochrony Danych Osobowych" in text
    assert "Pani/Pan" not in text  # formal plural register, as everywhere on the site


def test_rodo_clause_follows_the_region(client):
    demo.load()
    Region.objects.update(centre_name="Regionalny Ośrodek Polityki Społecznej w Toruniu")
    Page.objects.all().delete()
    demo.load()
    region = Region.objects.get()
    assert region.centre_name in _text(client, "rodo")


def test_accessibility_statement_has_every_element_of_the_official_template(client):
    demo.load()
    text = _text(client, Page.ACCESSIBILITY_STATEMENT_SLUG)
    for element in [
        "ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej",
        "Data publikacji strony internetowej",
        "Data ostatniej istotnej aktualizacji",
        "częściowo zgodna",
        "Treści niedostępne",
        "Deklarację sporządzono dnia",
        "na podstawie samooceny",
        "skrótów klawiaturowych",
        "Informacje zwrotne i dane kontaktowe",
        "Obsługa wniosków i skarg",
        "7 dni",
        "Rzecznika Praw Obywatelskich",
        "Dostępność architektoniczna",
        "tłumacza polskiego języka migowego",
        "Aplikacje mobilne",
    ]:
        assert element in text, element
