"""Factories of the events app."""

from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from events.models import (
    AgendaItem,
    Attendance,
    ConsentText,
    Event,
    EventSession,
    Material,
    Postulate,
    Question,
    Registration,
    Report,
    ReportPhoto,
    SessionSlot,
)
from tests.factories import FundingProjectFactory, StaffUserFactory, UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory


class ConsentTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentText
        django_get_or_create = ("version",)

    version = "2026-01"
    text = "Administratorem danych jest Regionalny Ośrodek Polityki Społecznej. Dane przetwarzamy w celu organizacji wydarzenia."


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    type = Event.Type.MEETING
    title = factory.Sequence(lambda n: f"Spotkanie sieci partnerów {n}")
    slug = factory.Sequence(lambda n: f"spotkanie-{n}")
    summary = "Spotkanie robocze przedstawicieli OWES, LGD i OPS."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))
    venue_name = "Sala konferencyjna ROPS"
    venue_street = "ul. Testowa 1"
    venue_postal_code = "80-001"
    venue_city = "Gdańsk"
    organiser = "Regionalny Ośrodek Polityki Społecznej"
    contact_name = "Anna Kowalczyk"
    contact_email = "wydarzenia@rops.example.org"
    funding_project = factory.SubFactory(FundingProjectFactory)
    state = Event.State.PUBLISHED
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=2))
    capacity = 10


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    event = factory.SubFactory(EventFactory)
    day = factory.LazyAttribute(lambda o: timezone.localdate(o.event.starts_at))
    starts_at = "10:00"
    title = "Powitanie uczestników"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    label = factory.Sequence(lambda n: f"Pytanie {n}")
    kind = Question.Kind.TEXT


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration created directly (bypassing the service) for read-side tests."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    participant = factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=o.organisation).user
    )
    registered_by = factory.LazyAttribute(lambda o: o.participant)
    status = Registration.Status.CONFIRMED
    consent_text = factory.SubFactory(ConsentTextFactory)
    consented_at = factory.LazyFunction(timezone.now)


def member(organisation=None, **kwargs):
    """Return a user with an approved membership in the organisation (a new one if not given)."""
    membership = MembershipFactory(organisation=organisation or OrganisationFactory(), **kwargs)
    return membership.user, membership.organisation


__all__ = ["UserFactory", "member"]


# --- after the event -------------------------------------------------------------------------


def pdf_bytes(text: str = "Prezentacja") -> bytes:
    """Return a tiny but real PDF rendered with the project's renderer."""
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def image_bytes(size=(800, 600), fmt="PNG", color=(30, 110, 160)) -> bytes:
    """Return a real PNG/JPEG generated with Pillow."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def office_bytes(marker: str) -> bytes:
    """Return a minimal OOXML zip recognised by its marker part (e.g. ppt/presentation.xml)."""
    from io import BytesIO
    from zipfile import ZipFile

    buffer = BytesIO()
    with ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(marker, "<x/>")
    return buffer.getvalue()


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Prezentacja {n}")
    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes(), name="prezentacja.pdf"))
    file_type = "PDF"
    visibility = Material.Visibility.PUBLIC


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    event = factory.SubFactory(EventFactory, state=Event.State.FINISHED)
    title = factory.Sequence(lambda n: f"Relacja ze spotkania {n}")
    lead = "Podsumowanie spotkania partnerów."
    body = "<p>Spotkanie zgromadziło przedstawicieli OWES, LGD i OPS.</p>"
    is_published = True
    published_at = factory.LazyFunction(timezone.now)


class ReportPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportPhoto

    report = factory.SubFactory(ReportFactory)
    image = factory.LazyFunction(lambda: ContentFile(image_bytes(), name="zdjecie.png"))
    alt_text = "Uczestnicy pracują w grupach przy stołach"
    credit = "Anna Nowak"
    is_published = True


class PostulateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postulate

    event = factory.SubFactory(EventFactory, state=Event.State.FINISHED)
    text = factory.Sequence(lambda n: f"Wspólny kalendarz wydarzeń OWES i LGD w subregionie nr {n}")
    topic = Postulate.Topic.JOINT_EVENTS
    addressee = "Instytucja Zarządzająca FEP 2021–2027"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    registration = factory.SubFactory(RegistrationFactory)
    day = factory.LazyAttribute(lambda o: timezone.localdate(o.registration.event.starts_at))
    is_present = True
    marked_by = factory.SubFactory(StaffUserFactory)


# --- parallel sessions -------------------------------------------------------------------------


class SessionSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSlot

    event = factory.SubFactory(EventFactory)
    title = "Warsztaty w grupach"
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at + timedelta(hours=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))


class EventSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSession

    slot = factory.SubFactory(SessionSlotFactory)
    event = factory.LazyAttribute(lambda o: o.slot.event)
    title = factory.Sequence(lambda n: f"Warsztat {n}: wspólne planowanie")
    host = "Katarzyna Lis"
    room = factory.Sequence(lambda n: f"Sala {n}")
    capacity = 10
