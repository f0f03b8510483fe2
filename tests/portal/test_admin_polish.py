"""The admin in correct Polish: stock strings must not force inflected model names into cases.

Django's Polish catalogue says "Wybierz organizacja do zmiany", "Dodaj relacja" and
"Dodaj kolejne(go)(-ną)(-ny) Punkt programu", and counts "8 wydarzenia"; our catalogue in
locale/pl (LOCALE_PATHS come before the packages' catalogues) words them so that the model's name
stands in the nominative it already has, and gives every model its three plural forms.
"""

import html
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import model_ngettext
from django.urls import reverse

from advisory.models import AdvisoryRequest, Expert
from events.models import (
    AgendaItem,
    Event,
    EventMessage,
    EventSeries,
    EventSession,
    EventSpeaker,
    Institution,
    Postulate,
    Registration,
    SessionPlace,
    SessionSlot,
)
from partners.models import Organisation
from portal.models import AuditLogEntry, Page, User
from tests.events.factories import PostulateFactory
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

# What Django's own Polish catalogue produces with our models' names.
BAD_PHRASES = [
    "Wybierz organizacja do zmiany",
    "Wybierz ekspert do zmiany",
    "Dodaj relacja",
    "Dodaj organizacja",
    "Dodaj ekspert",
    "kolejne(go)",
    "(-ną)",
    "(-ne)",
    "został(a)",
    "Nie masz",
    "Jesteś",
    "zabierz mnie",
    "postulatów)",
]


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def _assert_no_bad_phrases(content: str) -> None:
    for phrase in BAD_PHRASES:
        assert phrase not in content, phrase


def test_changelist_titles_and_add_buttons(staff_client):
    content = _page(staff_client, reverse("admin:partners_organisation_changelist"))
    assert "Wybierz do zmiany: organizacja" in content
    assert "Dodaj: organizacja" in content
    _assert_no_bad_phrases(content)

    content = _page(staff_client, reverse("admin:advisory_expert_changelist"))
    assert "Wybierz do zmiany: ekspert" in content
    assert "Dodaj: ekspert" in content  # the button staff saw as "DODAJ EKSPERT"
    _assert_no_bad_phrases(content)


def test_add_pages_and_inline_rows(staff_client):
    content = _page(staff_client, reverse("admin:events_report_add"))
    assert "<title>Dodaj: relacja" in content
    _assert_no_bad_phrases(content)

    content = _page(staff_client, reverse("admin:events_event_add"))
    assert "Dodaj: wydarzenie" in content
    # The inline's "add another row" link text travels in a JSON data attribute.
    assert '"addText": "Dodaj kolejny wiersz: Punkt programu"' in content
    assert (
        "Dodaj nową pozycję: organizacja" in content
        or "Dodaj nową pozycję: projekt finansujący" in content
    )
    _assert_no_bad_phrases(content)


def test_deleting_six_postulates_counts_them_in_polish(staff_client):
    postulates = PostulateFactory.create_batch(6)
    url = reverse("admin:events_postulate_changelist")
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [p.pk for p in postulates]}
    confirmation = html.unescape(staff_client.post(url, data).content.decode())
    assert "Czy na pewno usunąć zaznaczone pozycje?" in confirmation
    assert "Postulaty: 6" in confirmation
    _assert_no_bad_phrases(confirmation)
    done = staff_client.post(url, {**data, "post": "yes"}, follow=True)
    content = html.unescape(done.content.decode())
    assert "Usunięto: 6 postulatów." in content
    assert "6 postulaty" not in content
    assert not Postulate.objects.exists()


@pytest.mark.parametrize(
    "model, forms",
    [
        (Event, ("wydarzenie", "wydarzenia", "wydarzeń")),
        (Postulate, ("postulat", "postulaty", "postulatów")),
        (Institution, ("instytucja", "instytucje", "instytucji")),
        (Organisation, ("organizacja", "organizacje", "organizacji")),
        (Expert, ("ekspert", "eksperci", "ekspertów")),
        (Registration, ("zgłoszenie", "zgłoszenia", "zgłoszeń")),
        (AdvisoryRequest, ("wniosek o doradztwo", "wnioski o doradztwo", "wniosków o doradztwo")),
        (AgendaItem, ("punkt programu", "punkty programu", "punktów programu")),
        (EventSession, ("warsztat", "warsztaty", "warsztatów")),
        (EventSeries, ("cykl wydarzeń", "cykle wydarzeń", "cykli wydarzeń")),
        (EventSpeaker, ("prelegent lub gość", "prelegenci i goście", "prelegentów i gości")),
        (
            EventMessage,
            ("wiadomość do uczestników", "wiadomości do uczestników", "wiadomości do uczestników"),
        ),
        (SessionSlot, ("blok warsztatów", "bloki warsztatów", "bloków warsztatów")),
        (
            SessionPlace,
            ("miejsce na warsztacie", "miejsca na warsztatach", "miejsc na warsztatach"),
        ),
        (
            AuditLogEntry,
            ("wpis dziennika zdarzeń", "wpisy dziennika zdarzeń", "wpisów dziennika zdarzeń"),
        ),
        (User, ("użytkownik", "użytkownicy", "użytkowników")),
        (Page, ("strona informacyjna", "strony informacyjne", "stron informacyjnych")),
    ],
)
def test_models_have_all_three_plural_forms(model, forms):
    one, few, many = forms
    assert model_ngettext(model._meta, 1) == one
    assert model_ngettext(model._meta, 3) == few
    assert model_ngettext(model._meta, 8) == many
    assert model_ngettext(model._meta, 22) == few
    assert model_ngettext(model._meta, 12) == many


def test_admin_index_has_no_two_sections_called_strony(staff_client):
    content = _page(staff_client, reverse("admin:index"))
    assert "Portal i treści" in content
    assert "Witryny" in content
    # Each app's table: its caption, then one row per model.
    sections = {}
    for table in re.findall(r"<table>\s*<caption>.*?</table>", content, re.S):
        caption = re.search(r"<caption>.*?>([^<]+)</a>", table, re.S).group(1).strip()
        sections[caption] = re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', table)
    assert "Strony" not in sections  # django.contrib.sites is "Witryny" now
    assert "Strony informacyjne" in sections["Portal i treści"]
    assert sections["Witryny"] == ["Witryny"]
    seen = {}
    for caption, models in sections.items():
        for name in {caption, *models}:
            assert name not in seen, f"{name!r} in {seen.get(name)!r} and {caption!r}"
            seen[name] = caption


def test_import_export_pages_are_polish(staff_client):
    content = _page(staff_client, reverse("admin:partners_organisation_export"))
    assert "Eksport obejmie następujące pola" in content
    assert "This exporter will export" not in content
    content = _page(staff_client, reverse("admin:partners_organisation_import"))
    assert "Import obejmie następujące pola" in content


def test_two_list_selector_script_strings_need_no_inflection(staff_client):
    content = staff_client.get(reverse("admin:jsi18n")).content.decode()
    assert '"Dost\\u0119pne: %s"' in content or '"Dostępne: %s"' in content
    assert "wyfiltrować listę dostępnych %s" not in content


def test_no_admin_list_or_add_page_forces_an_inflection(staff_client):
    """Every registered model's list and add page: no "(-ną)", "został(a)", "kolejne(go)"."""
    from django.contrib import admin

    checked = 0
    for model in admin.site._registry:
        opts = model._meta
        for view in ["changelist", "add"]:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
            response = staff_client.get(url)
            if response.status_code != 200:
                continue
            content = html.unescape(response.content.decode())
            body = content.split('id="content"', 1)[-1]
            _assert_no_bad_phrases(body)
            for phrase in [
                "Dodaj kolejne",
                "Wybierz " + str(opts.verbose_name) + " do",
                "Dodaj " + str(opts.verbose_name) + "<",
            ]:
                assert phrase not in body, (url, phrase)
            assert not re.search(r"\(-\w+\)|\w\(a\)\b|\(go\)", body), (
                url,
                re.search(r".{30}(\(-\w+\)|\w\(a\)\b|\(go\)).{30}", body),
            )
            checked += 1
    assert checked > 40
