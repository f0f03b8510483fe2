"""News with media: main image with required alt text, attachments, tags,
scheduled publishing (one rule everywhere) and the link to an event."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal import roles
from portal.models import NewsAttachment, NewsItem, NewsTag
from tests.events.factories import EventFactory, image_bytes, pdf_bytes
from tests.factories import RoleUserFactory

pytestmark = pytest.mark.django_db

ALT_MESSAGE = "Proszę opisać zdjęcie (tekst alternatywny) – bez opisu nie opublikujemy go."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = ""
    return tmp_path


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def _news(slug, *, published=True, published_at=None, **fields):
    return NewsItem.objects.create(
        site=Site.objects.get_current(),
        title=fields.pop("title", f"Aktualność {slug}"),
        slug=slug,
        lead=fields.pop("lead", "Krótko o tym, co się wydarzyło."),
        body="<p>Treść</p>",
        is_published=published,
        published_at=published_at or timezone.now() - timedelta(hours=1),
        **fields,
    )


def _with_media(item):
    item.image.save("zdjecie.png", ContentFile(image_bytes(size=(60, 40))), save=False)
    item.image_alt = "Uczestnicy spotkania przy stole"
    item.save()
    attachment = NewsAttachment(news=item, title="Program", file_type="PDF", file_size=10)
    attachment.file.save("program.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return attachment


@pytest.fixture
def editor(client):
    user = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    client.force_login(user)
    return user


def _admin_add(client, **extra):
    data = {
        "site": Site.objects.get_current().pk,
        "title": "Nowa spółdzielnia socjalna",
        "slug": "nowa-spoldzielnia",
        "lead": "Zajawka",
        "body": "<p>Treść</p>",
        "published_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime().strftime("%H:%M:%S"),
        "is_published": "on",
        "image_alt": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    # The same form with django-modeltranslation: the texts people read have a Polish column.
    for name in ("title", "lead", "body", "image_alt"):
        data[f"{name}_pl"] = data[name]
    return client.post(reverse("admin:portal_newsitem_add"), data)


# --- the image and its alt text ----------------------------------------------------------------


def test_image_without_alt_text_is_refused_in_polish_and_nothing_stored(client, editor, media_root):
    response = _admin_add(client, image=SimpleUploadedFile("foto.png", image_bytes()))
    assert response.status_code == 200
    assert ALT_MESSAGE in response.content.decode()
    assert not NewsItem.objects.exists()
    assert stored_files(media_root) == []


def test_non_image_is_refused(client, editor, media_root):
    response = _admin_add(
        client,
        image=SimpleUploadedFile("foto.png", b"<html><script>alert(1)</script></html>"),
        image_alt="Opis",
    )
    assert response.status_code == 200
    assert "nie jest grafiką" in response.content.decode()
    assert not NewsItem.objects.exists()
    assert stored_files(media_root) == []


def test_too_large_image_is_refused(client, editor, media_root, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = _admin_add(
        client,
        image=SimpleUploadedFile("foto.png", image_bytes(size=(400, 300))),
        image_alt="Opis",
    )
    assert response.status_code == 200
    assert "jest za duży" in response.content.decode()
    assert not NewsItem.objects.exists()
    assert stored_files(media_root) == []


def test_image_with_alt_and_attachment_accepted_and_shown(client, editor, media_root):
    response = _admin_add(
        client,
        image=SimpleUploadedFile("foto.jpg", image_bytes(size=(2400, 1600), fmt="JPEG")),
        image_alt="Ludzie w warsztacie stolarskim",
        **{
            "attachments-TOTAL_FORMS": "2",
            "attachments-0-title": "Regulamin",
            "attachments-0-position": "0",
            "attachments-0-file": SimpleUploadedFile("regulamin.pdf", pdf_bytes()),
            "attachments-1-title": "Skrypt",
            "attachments-1-position": "1",
            "attachments-1-file": SimpleUploadedFile("skrypt.pdf", b"<script>x</script>"),
        },
    )
    # One attachment is no document: the whole item is refused with a message by that file.
    assert response.status_code == 200
    assert "niedozwolony typ" in response.content.decode()
    assert not NewsItem.objects.exists()

    response = _admin_add(
        client,
        image=SimpleUploadedFile("foto.jpg", image_bytes(size=(2400, 1600), fmt="JPEG")),
        image_alt="Ludzie w warsztacie stolarskim",
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "Regulamin",
            "attachments-0-position": "0",
            "attachments-0-file": SimpleUploadedFile("regulamin.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = NewsItem.objects.get()
    from PIL import Image

    with Image.open(item.image.path) as stored:
        assert max(stored.size) == 1600  # re-encoded, scaled down
    attachment = item.attachments.get()
    assert attachment.file_type == "PDF" and attachment.file_size > 0
    # The admin links the stored files through the views, never through a media URL.
    change = client.get(reverse("admin:portal_newsitem_change", args=[item.pk])).content.decode()
    assert f'href="{item.get_image_url()}"' in change
    assert f'href="{attachment.get_absolute_url()}"' in change

    client.logout()
    detail = client.get(reverse("news_detail", args=[item.slug])).content.decode()
    image_url = reverse("news_image", args=[item.slug])
    assert f'<img src="{image_url}" alt="Ludzie w warsztacie stolarskim">' in detail
    assert f'property="og:image" content="http://testserver{image_url}"' in detail or (
        'property="og:image"' in detail and image_url in detail
    )
    assert "Regulamin" in detail and "(PDF," in detail
    listing = client.get(reverse("news_list")).content.decode()
    assert image_url in listing and 'alt="Ludzie w warsztacie stolarskim"' in listing
    image = client.get(image_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    "state",
    [
        {"published": False},
        {"published": True, "published_at": timezone.now() + timedelta(days=2)},
    ],
    ids=["unpublished", "scheduled"],
)
def test_files_of_unpublished_or_scheduled_news_are_404(client, state):
    item = _news("ukryta", **state)
    attachment = _with_media(item)
    assert client.get(reverse("news_detail", args=[item.slug])).status_code == 404
    assert client.get(reverse("news_image", args=[item.slug])).status_code == 404
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_staff_who_edit_news_see_a_drafts_files(client):
    item = _news("szkic", published=False)
    attachment = _with_media(item)
    client.force_login(RoleUserFactory(role=roles.REGISTRY_EDITOR))  # no news permission
    assert client.get(reverse("news_image", args=[item.slug])).status_code == 404
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    assert client.get(reverse("news_image", args=[item.slug])).status_code == 200
    assert client.get(attachment.get_absolute_url()).status_code == 200
    assert client.get(reverse("news_detail", args=[item.slug])).status_code == 404


def test_attachment_of_another_item_is_404(client):
    public = _news("jawna")
    hidden = _news("ukryta", published=False)
    attachment = _with_media(hidden)
    url = reverse("news_attachment", args=[public.slug, attachment.pk])
    assert client.get(url).status_code == 404


# --- scheduled publishing: one rule everywhere ----------------------------------------------


def test_scheduled_item_appears_after_its_time(client):
    at = timezone.now() + timedelta(days=1)
    item = _news("zaplanowana", title="Zaplanowana zapowiedź", published_at=at)
    _news("biezaca", title="Bieżąca wiadomość")

    def visible():
        return (
            "Zaplanowana zapowiedź" in client.get(reverse("news_list")).content.decode(),
            client.get(reverse("news_detail", args=[item.slug])).status_code,
        )

    assert visible() == (False, 404)
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        assert visible() == (True, 200)


def test_feeds_sitemap_search_and_home_exclude_scheduled_items(client):
    _news("opublikowana-spoldzielnia", title="Opublikowana spółdzielnia socjalna")
    _news(
        "zaplanowana-spoldzielnia",
        title="Zaplanowana spółdzielnia socjalna",
        published_at=timezone.now() + timedelta(days=1),
    )
    for url in ("/aktualnosci/rss.xml", "/aktualnosci/atom.xml"):
        body = client.get(url).content.decode()
        ET.fromstring(body)
        assert "Opublikowana spółdzielnia" in body and "Zaplanowana" not in body
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "opublikowana-spoldzielnia" in sitemap and "zaplanowana-spoldzielnia" not in sitemap
    results = client.get("/szukaj/", {"q": "spółdzielnia"}).content.decode()
    assert "Opublikowana spółdzielnia" in results and "Zaplanowana" not in results
    home = client.get("/").content.decode()
    assert "Zaplanowana" not in home


# --- tags ----------------------------------------------------------------------------------


def test_tag_page_lists_only_its_items_and_is_paginated(client):
    tag = NewsTag.objects.create(name="Spółdzielnie socjalne", slug="spoldzielnie-socjalne")
    other = NewsTag.objects.create(name="Doradztwo", slug="doradztwo")
    for number in range(12):
        _news(
            f"otagowana-{number}",
            title=f"Otagowana {number}",
            published_at=timezone.now() - timedelta(hours=number + 1),
        ).tags.add(tag)
    _news("inna", title="Inny temat").tags.add(other)
    _news("zaplanowana", published_at=timezone.now() + timedelta(days=1)).tags.add(tag)

    response = client.get(reverse("news_tag", args=[tag.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "#Spółdzielnie socjalne" in body
    assert body.count('href="/aktualnosci/otagowana-') == 10
    assert "Inny temat" not in body and "zaplanowana" not in body
    assert "Strona 1 z 2" in body
    second = client.get(reverse("news_tag", args=[tag.slug]), {"strona": 2}).content.decode()
    assert second.count('href="/aktualnosci/otagowana-') == 2
    # Tags are shown on the items and lead to their page.
    listing = client.get(reverse("news_list")).content.decode()
    assert f'href="{reverse("news_tag", args=[tag.slug])}"' in listing
    assert client.get(reverse("news_tag", args=["nie-ma"])).status_code == 404


# --- the event link ------------------------------------------------------------------------


def test_event_link_shown_on_the_news_and_the_event_page(client):
    event = EventFactory(title="Wizyta studyjna w Koźminie")
    item = _news("o-wizycie", title="Ruszają zapisy na wizytę", event=event)
    _news("szkic-o-wizycie", title="Szkic o wizycie", event=event, published=False)

    news_page = client.get(reverse("news_detail", args=[item.slug])).content.decode()
    assert "Wydarzenie:" in news_page
    assert reverse("events:event_detail", args=[event.slug]) in news_page

    event_page = client.get(reverse("events:event_detail", args=[event.slug])).content.decode()
    assert "Aktualności o tym wydarzeniu" in event_page
    assert "Ruszają zapisy na wizytę" in event_page and "Szkic o wizycie" not in event_page
