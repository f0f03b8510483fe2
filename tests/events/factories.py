"""Factories of the events app."""

from datetime import timedelta

import factory
from django.utils import timezone

from events.models import AgendaItem, ConsentText, Event, Question, Registration
from tests.factories import FundingProjectFactory, UserFactory
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
    participant = factory.LazyAttribute(lambda o: MembershipFactory(organisation=o.organisation).user)
    registered_by = factory.LazyAttribute(lambda o: o.participant)
    status = Registration.Status.CONFIRMED
    consent_text = factory.SubFactory(ConsentTextFactory)
    consented_at = factory.LazyFunction(timezone.now)


def member(organisation=None, **kwargs):
    """Return a user with an approved membership in the organisation (a new one if not given)."""
    membership = MembershipFactory(organisation=organisation or OrganisationFactory(), **kwargs)
    return membership.user, membership.organisation


__all__ = ["UserFactory", "member"]
