import pytest
from django.db import connection
from django.urls import reverse

from portal import demo

pytestmark = pytest.mark.django_db


def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_home_page_shows_region_and_demo_news(client):
    demo.load()
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert "Regionalny Ośrodek Polityki Społecznej w Gdańsku" in html
    assert "Ruszają zapisy na wizytę studyjną w Wielkopolsce" in html
    assert "Przejdź do treści" in html
    assert "współfinansowanego przez Unię Europejską" in html


@pytest.mark.parametrize("slug", ["deklaracja-dostepnosci", "rodo"])
def test_footer_pages_exist_and_are_linked(client, slug):
    demo.load()
    url = reverse("page", args=[slug])
    assert url in client.get("/").content.decode()
    assert client.get(url).status_code == 200


def test_footer_links_the_contact_page_with_the_kontakt_page_text(client):
    demo.load()
    assert reverse("contact") in client.get("/").content.decode()
    response = client.get(reverse("contact"))
    assert response.status_code == 200
    assert response.context["intro"].slug == "kontakt"


def test_unknown_page_is_404_not_500(client):
    assert client.get("/strony/nie-ma-takiej/").status_code == 404


def test_page_body_is_sanitised(client):
    demo.load()
    from portal.models import Page

    Page.objects.filter(slug="kontakt").update(
        body="<p>ok</p><script>alert(1)</script><img src=x onerror=alert(1)>"
    )
    html = client.get("/strony/kontakt/").content.decode()
    assert "<p>ok</p>" in html
    assert "<script>alert(1)" not in html
    assert "onerror" not in html


def test_admin_loads_for_staff_with_the_same_account(client):
    demo.load()
    response = client.post(
        reverse("account_login"),
        {"login": demo.DEMO_STAFF_EMAIL, "password": demo.DEMO_STAFF_PASSWORD},
    )
    assert response.status_code == 302
    # The demo staff account has an authenticator app (portal.demo.DEMO_STAFF_TOTP_SECRET).
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": demo.demo_totp_code()})
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/portal/region/").status_code == 200


def test_admin_refuses_anonymous(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_polish_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="pl">' in response.content.decode()


def test_chosen_language_sticks_across_pages(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/konto/login/", HTTP_ACCEPT_LANGUAGE="pl")
    assert '<html lang="en">' in response.content.decode()


def test_not_found_page_is_polish_and_uses_the_layout(client):
    response = client.get("/nie-ma-takiej-strony/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Nie znaleziono strony" in html
    assert "Przejdź do treści" in html


def test_server_error_page_is_polish_and_standalone():
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Przepraszamy, wystąpił błąd" in response.content.decode()


def test_import_preview_texts_that_the_package_leaves_untranslated_are_polish():
    from django.utils import translation

    with translation.override("pl"):
        assert (
            translation.gettext("Some rows failed to validate")
            == "Niektóre wiersze zawierają błędy"
        )
        assert translation.gettext("Row") == "Wiersz"


@pytest.mark.parametrize(
    "count, expected",
    [
        (1, "Znaleziono 1 wydarzenie."),
        (3, "Znaleziono 3 wydarzenia."),
        (5, "Znaleziono 5 wydarzeń."),
        (22, "Znaleziono 22 wydarzenia."),
    ],
)
def test_polish_plurals_have_three_forms(count, expected):
    from django.utils import translation

    with translation.override("pl"):
        text = translation.ngettext(
            "Znaleziono %(counter)s wydarzenie.", "Znaleziono %(counter)s wydarzeń.", count
        )
    assert text % {"counter": count} == expected
