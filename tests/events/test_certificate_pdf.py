"""The certificate of participation: formal wording that needs no grammatical gender, tagged PDF/UA."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import documents, services
from events.models import Event
from tests.factories import RegionFactory, UserFactory
from tests.pdfs import assert_accessible_pdf, pdf_text

from .factories import AttendanceFactory, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def certificate_for(participant, **event_fields):
    event = EventFactory(
        state=Event.State.FINISHED, starts_at=timezone.now() - timedelta(days=3), **event_fields
    )
    registration = RegistrationFactory(event=event, participant=participant)
    AttendanceFactory(registration=registration)
    certificate = services.certificate_issue(registration=registration, actor=None)
    return certificate, services.certificate_render(certificate=certificate, region=RegionFactory())


@pytest.mark.parametrize(
    "first_name, last_name", [("Anna", "Kowalska"), ("Jan", "Nowak"), ("Alex", "Wiśniewski")]
)
def test_certificate_wording_is_the_same_whoever_took_part(first_name, last_name):
    certificate, content = certificate_for(
        UserFactory(first_name=first_name, last_name=last_name),
        title="Forum ekonomii społecznej",
        type=Event.Type.CONFERENCE,
    )

    text = pdf_text(content)
    assert f"Niniejszym potwierdza się udział {first_name} {last_name}" in text
    assert "w wydarzeniu (konferencja) „Forum ekonomii społecznej”" in text
    for gendered in ("wziął", "wzięła", "(-ęła)", "(a) ", "uczestniczył", "Pan ", "Pani "):
        assert gendered not in text, gendered


def test_certificate_is_a_tagged_pdf_with_title_and_language():
    certificate, content = certificate_for(UserFactory())
    tagged = assert_accessible_pdf(
        content, title_contains=f"Zaświadczenie o udziale {certificate.number}"
    )
    assert "H1" in tagged.types()


def test_demo_material_is_tagged_too():
    content = documents.demo_material_pdf(
        event=EventFactory(), title="Prezentacja", sections=[("Cel", "Tekst")]
    )
    assert_accessible_pdf(content, title_contains="Prezentacja")
