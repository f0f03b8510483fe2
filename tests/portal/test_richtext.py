"""Rich text (portal/richtext.py): the allow-list, sanitising on every save, the editor widget on
the admin forms, and the data migration that cleaned existing texts."""

import importlib

import pytest
from django.apps import apps
from django.contrib.sites.models import Site
from django.urls import reverse

from events.models import Event, Report
from portal.models import NewsItem
from portal.richtext import RichTextWidget, sanitize_html
from tests.events.factories import EventFactory, ReportFactory
from tests.factories import StaffUserFactory


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<p>a<script>alert(1)</script></p>", "script"),
        ("<p>a<script>alert(1)</script></p>", "alert"),
        ('<p onclick="alert(1)">a</p>', "onclick"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<img src="x" onerror="alert(1)">', "<img"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript"),
        ('<a href="data:text/html,&lt;script&gt;">x</a>', "data:"),
        ('<p style="position:fixed;top:0">x</p>', "style"),
        ("<style>body{display:none}</style><p>x</p>", "display"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<svg><a xlink:href="javascript:alert(1)">x</a></svg>', "javascript"),
        ('<form action="/"><input name="a"></form>', "<input"),
        ('<p class="x" id="y">x</p>', "class"),
    ],
)
def test_sanitize_strips_what_could_run_or_restyle(dirty, forbidden):
    assert forbidden not in sanitize_html(dirty).lower()


def test_sanitize_keeps_the_allow_list():
    html = (
        "<h2>Program</h2><h3>Dzień 1</h3><h4>Rano</h4><p><strong>Ważne</strong> i <em>mniej</em>"
        "<br>linia</p><ul><li>a</li></ul><ol><li>b</li></ol><blockquote><p>cytat</p></blockquote>"
        "<table><caption>Plan</caption><thead><tr><th>Godzina</th></tr></thead>"
        "<tbody><tr><td>10:00</td></tr></tbody></table>"
        '<p><a href="https://rops.example.pl/x">www</a> <a href="mailto:a@rops.example.pl">mail</a></p>'
    )
    cleaned = sanitize_html(html)
    for kept in (
        "<h2>",
        "<h3>",
        "<h4>",
        "<strong>",
        "<em>",
        "<br>",
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<caption>",
        "<thead>",
        "<th>",
        "<td>",
        'href="https://rops.example.pl/x"',
        'href="mailto:a@rops.example.pl"',
    ):
        assert kept in cleaned
    assert cleaned.count('rel="noopener noreferrer"') == 2
    assert sanitize_html(cleaned) == cleaned


def test_sanitize_turns_plain_text_into_escaped_paragraphs_once():
    cleaned = sanitize_html("Pierwsza linia\ndruga a < b\n\nDrugi akapit")
    assert cleaned == "<p>Pierwsza linia<br>druga a &lt; b</p>\n\n<p>Drugi akapit</p>"
    assert sanitize_html(cleaned) == cleaned
    assert sanitize_html("<b>x</b><h1>T</h1>") == "<strong>x</strong><h2>T</h2>"
    assert sanitize_html("") == "" and sanitize_html(None) == ""


@pytest.mark.django_db
def test_every_save_sanitises_whoever_writes():
    event = EventFactory(description='<p onmouseover="x()">Opis<script>alert(1)</script></p>')
    report = ReportFactory(body='<h2 style="color:red">Relacja</h2><a href="javascript:x">a</a>')
    news = NewsItem.objects.create(
        site=Site.objects.get_current(), title="T", slug="t", body="<p>ok</p><img src=x>"
    )
    event.refresh_from_db()
    report.refresh_from_db()
    news.refresh_from_db()
    assert event.description == "<p>Opis</p>"
    assert report.body == '<h2>Relacja</h2><a rel="noopener noreferrer">a</a>'
    assert news.body == "<p>ok</p>"


@pytest.mark.django_db
def test_admin_forms_use_the_editor_and_sanitise(client):
    client.force_login(StaffUserFactory())
    event = EventFactory()
    for url, field in (
        (reverse("admin:events_event_change", args=[event.pk]), "description_pl"),
        (reverse("admin:events_event_change", args=[event.pk]), "description_en"),
        (reverse("admin:events_report_add"), "body"),
        (reverse("admin:portal_newsitem_add"), "body_pl"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert isinstance(form.fields[field].widget, RichTextWidget)
        html = response.content.decode()
        assert f'name="{field}"' in html and "data-richtext" in html
        assert "vendor/tiptap/tiptap.bundle.min.js" in html and "js/richtext.js" in html
    response = client.post(
        reverse("admin:portal_newsitem_add"),
        {
            "site": Site.objects.get_current().pk,
            "title_pl": "Nabór",
            "slug": "nabor",
            "lead_pl": "",
            "body_pl": '<h2 onclick="x()">Nabór</h2><script>alert(1)</script><ul><li>punkt</li></ul>',
            "published_at_0": "2026-01-10",
            "published_at_1": "10:00",
            # the news item's attachments inline
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert NewsItem.objects.get(slug="nabor").body == "<h2>Nabór</h2><ul><li>punkt</li></ul>"


@pytest.mark.django_db
def test_event_page_renders_the_sanitised_description(client):
    event = EventFactory(description="<h2>Cel</h2><ul><li>Sieć</li></ul>")
    # A row written around the model (e.g. raw SQL) is still cleaned when shown.
    Event.objects.filter(pk=event.pk).update(
        description="<h2>Cel</h2><ul><li>Sieć</li></ul><script>alert(1)</script>"
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert "<h2>Cel</h2><ul><li>Sieć</li></ul>" in html
    assert "alert(1)" not in html


@pytest.mark.django_db
def test_data_migration_cleans_existing_rows():
    event = EventFactory()
    report = ReportFactory(event=EventFactory(state=Event.State.FINISHED))
    Event.objects.filter(pk=event.pk).update(description="Linia\n\nDrugi a < b & koniec")
    Report.objects.filter(pk=report.pk).update(
        body='<p onclick="x()">Relacja</p><script>1</script>'
    )
    migration = importlib.import_module("events.migrations.0009_rich_text")
    migration.sanitize_existing(apps, None)
    event.refresh_from_db()
    report.refresh_from_db()
    assert event.description == "<p>Linia</p>\n\n<p>Drugi a &lt; b &amp; koniec</p>"
    assert report.body == "<p>Relacja</p>"
