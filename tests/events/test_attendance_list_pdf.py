"""The attendance list PDF as staff print it and as assistive technology reads it."""

import io
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

import portal.pdf
from events import documents, services
from events.models import Registration
from tests.factories import FundingProjectFactory, RegionFactory, StaffUserFactory, UserFactory
from tests.pdfs import assert_accessible_pdf, pdf_structure, pdf_text

from .factories import AttendanceFactory, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def attendance_pdf(event, region=None) -> bytes:
    registrations = (
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("participant", "organisation")
        .order_by("participant__last_name")
    )
    return documents.attendance_list_pdf(
        event=event, registrations=registrations, region=region, days=services.event_days(event)
    )


def person(last_name: str):
    return UserFactory(first_name="Maria", last_name=last_name)


def test_present_absent_and_not_marked_print_as_three_different_words():
    event = EventFactory(title="Spotkanie sieci OWES")
    present = RegistrationFactory(event=event, participant=person("Alfa"))
    absent = RegistrationFactory(event=event, participant=person("Beta"))
    RegistrationFactory(event=event, participant=person("Gamma"))
    AttendanceFactory(registration=present, is_present=True)
    AttendanceFactory(registration=absent, is_present=False)

    text = pdf_text(attendance_pdf(event))

    assert "1. Maria Alfa" in text and "2. Maria Beta" in text and "3. Maria Gamma" in text
    marks = dict(
        re.findall(r"Maria (Alfa|Beta|Gamma) .*?(nieobecność|obecność|nie oznaczono)", text)
    )
    assert marks == {"Alfa": "obecność", "Beta": "nieobecność", "Gamma": "nie oznaczono"}
    assert "Według rejestracji obecności: obecność 1, nieobecność 1, nie oznaczono 1." in text
    assert "nie potwierdzono" not in text and "obecny(-a)" not in text


def test_three_day_study_visit_has_one_list_per_day_each_with_its_date_and_marks():
    start = timezone.now().replace(hour=8) + timedelta(days=3)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(days=2, hours=8))
    registration = RegistrationFactory(event=event, participant=person("Wizyta"))
    other = RegistrationFactory(event=event, participant=person("Zwiedzająca"))
    days = services.event_days(event)
    AttendanceFactory(registration=registration, day=days[0], is_present=True)
    AttendanceFactory(registration=registration, day=days[1], is_present=False)
    AttendanceFactory(registration=other, day=days[1], is_present=True)

    text = pdf_text(attendance_pdf(event))

    for number, day in enumerate(days, 1):
        heading = f"Dzień {number} z 3: {day.day} "
        assert heading in text, heading
    first, second, third = (text.index(f"Dzień {n} z 3") for n in (1, 2, 3))
    marks = r"Maria (Wizyta|Zwiedzająca) .*?(nieobecność|obecność|nie oznaczono)"
    assert re.findall(marks, text[first:second]) == [
        ("Wizyta", "obecność"),
        ("Zwiedzająca", "nie oznaczono"),
    ]
    assert re.findall(marks, text[second:third]) == [
        ("Wizyta", "nieobecność"),
        ("Zwiedzająca", "obecność"),
    ]
    # The third day has not been marked yet: a clean list to sign, without a presence column.
    assert "Maria Wizyta" in text[third:] and "Obecność w systemie" not in text[third:]
    assert text.count("Lista obecności") == 3 and text.count("Podpis") >= 3


def test_each_list_has_the_funding_notice_logos_and_page_numbers(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory(
        cofinancing_logo_alt="Fundusze Europejskie, Rzeczpospolita Polska, Unia Europejska"
    )
    for field in ("logo", "cofinancing_logo"):
        image = Image.new("RGB", (120, 30), "navy")
        data = io.BytesIO()
        image.save(data, format="PNG")
        getattr(region, field).save(f"{field}.png", ContentFile(data.getvalue()), save=False)
    region.save()
    project = FundingProjectFactory(
        region=region, cofinancing_notice="Projekt współfinansowany z EFS+ (lista)."
    )
    start = timezone.now() + timedelta(days=3)
    event = EventFactory(
        funding_project=project, starts_at=start, ends_at=start + timedelta(days=1)
    )
    RegistrationFactory(event=event)
    requested = []
    real_fetcher = portal.pdf.safe_url_fetcher

    def recording_fetcher(url, *args, **kwargs):
        requested.append(url)
        return real_fetcher(url, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(portal.pdf, "safe_url_fetcher", recording_fetcher)
        content = attendance_pdf(event, region=region)

    text = pdf_text(content)
    assert (
        text.count("Projekt współfinansowany z EFS+ (lista).") == 2
    )  # one list per day, each with the notice
    assert project.title in text
    assert "Strona 1 z 2" in text and "Strona 2 z 2" in text
    # The logos strip: exactly the region's two images, fetched by name and tagged with their text.
    fetched = {
        unquote(url.removeprefix("media:///")) for url in requested if not url.startswith("static:")
    }
    assert fetched == {region.logo.name, region.cofinancing_logo.name}
    figures = pdf_structure(content).root.find_all("Figure")
    alts = {str(figure.attributes.get("/Alt")) for figure in figures}
    assert alts == {region.centre_name, region.cofinancing_logo_alt}


def test_pdf_fetcher_gives_only_the_images_a_renderer_named(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory()
    region.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    allowed = {region.logo.name: region.logo}
    assert (
        portal.pdf.safe_url_fetcher(f"media:///{region.logo.name}", images=allowed)["mime_type"]
        == "image/png"
    )
    for url in (
        f"media:///{region.logo.name}",
        "media:///../../etc/passwd",
        "media:///region/other.png",
    ):
        with pytest.raises(portal.pdf.BlockedResourceError):
            portal.pdf.safe_url_fetcher(url, images={} if url.endswith("logo.png") else allowed)


def test_attendance_list_is_a_tagged_table_read_headings_first(client):
    event = EventFactory(title="Forum ekonomii społecznej")
    registrations = [RegistrationFactory(event=event) for _ in range(3)]
    AttendanceFactory(registration=registrations[0])
    client.force_login(StaffUserFactory())
    response = client.get(reverse("events:attendance_list_pdf", args=[event.slug]))
    assert response.status_code == 200

    tagged = assert_accessible_pdf(
        response.content, title_contains="Lista obecności – Forum ekonomii społecznej"
    )
    assert {"Table", "THead", "TBody", "TR", "TH", "TD"} <= tagged.types()
    table = tagged.root.find_all("Table")[0]
    header_row, *rows = table.find_all("TR")
    assert [cell.type for cell in header_row.children] == ["TH", "TH", "TH", "TH"]
    assert len(rows) == 3
    assert all(row.children[0].type == "TH" and row.children[-1].type == "TD" for row in rows)
    text = pdf_text(response.content)
    assert (
        text.index("imię i nazwisko")
        < text.index("Organizacja")
        < text.index("Podpis")
        < text.index("1. ")
    )


def test_list_printed_before_anyone_is_marked_has_no_presence_column():
    event = EventFactory()
    RegistrationFactory(event=event)
    text = pdf_text(attendance_pdf(event))
    assert "Podpis" in text and "nie oznaczono" not in text and "Obecność w systemie" not in text
