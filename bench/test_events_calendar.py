"""Benchmarks of the events app: the calendar over 500 events, the event page, registration."""

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Event, Registration, TargetGroup
from tests.events.factories import (
    AgendaItemFactory,
    ConsentTextFactory,
    EventFactory,
    QuestionFactory,
)
from tests.factories import FundingProjectFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory, SubregionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_hundred_events():
    rng = random.Random(11)
    ConsentTextFactory()
    project = FundingProjectFactory()
    subregions = [SubregionFactory() for _ in range(4)]
    groups = list(TargetGroup.objects.all())
    now = timezone.now()
    events = Event.objects.bulk_create(
        Event(
            type=rng.choice(Event.Type.values),
            title=f"Wydarzenie {number}",
            slug=f"wydarzenie-{number}",
            summary="Spotkanie partnerów ekonomii społecznej w subregionie.",
            starts_at=now + timedelta(days=rng.randint(-200, 300), hours=rng.randint(0, 10)),
            ends_at=now + timedelta(days=400),
            venue_city=rng.choice(["Gdańsk", "Słupsk", "Chojnice", "Kwidzyn"]),
            organiser="ROPS",
            funding_project=project,
            state=Event.State.PUBLISHED,
            capacity=30,
        )
        for number in range(500)
    )
    for event in events:
        event.ends_at = event.starts_at + timedelta(hours=6)
    Event.objects.bulk_update(events, ["ends_at"])
    Event.target_groups.through.objects.bulk_create(
        Event.target_groups.through(event_id=e.pk, targetgroup_id=rng.choice(groups).pk)
        for e in events
    )
    Event.subregions.through.objects.bulk_create(
        Event.subregions.through(event_id=e.pk, subregion_id=rng.choice(subregions).pk)
        for e in events
    )
    organisation = OrganisationFactory()
    members = [MembershipFactory(organisation=organisation) for _ in range(20)]
    consent = ConsentTextFactory()
    Registration.objects.bulk_create(
        Registration(
            event=event,
            participant=m.user,
            organisation=organisation,
            registered_by=m.user,
            status=Registration.Status.CONFIRMED,
            consent_text=consent,
            consented_at=now,
        )
        for event in events[:100]
        for m in members
    )
    return events


def test_calendar_page_with_500_events(benchmark, five_hundred_events):
    client = Client()
    response = benchmark(client.get, "/wydarzenia/", {"typ": "meeting"})
    assert response.status_code == 200


def test_calendar_page_unfiltered(benchmark, five_hundred_events):
    client = Client()
    response = benchmark(client.get, "/wydarzenia/")
    assert response.status_code == 200


def test_ical_feed_with_500_events(benchmark, five_hundred_events):
    client = Client()
    response = benchmark(client.get, "/wydarzenia/kalendarz.ics")
    assert response.status_code == 200


def test_event_page_with_agenda(benchmark):
    event = EventFactory(type=Event.Type.STUDY_VISIT)
    for hour in range(8, 18):
        AgendaItemFactory(event=event, starts_at=f"{hour:02d}:00", title=f"Punkt {hour}")
    client = Client()
    response = benchmark(client.get, event.get_absolute_url())
    assert response.status_code == 200


def test_registration_create(benchmark):
    ConsentTextFactory()
    event = EventFactory(capacity=10_000)
    question = QuestionFactory(event=event, is_required=True)
    organisation = OrganisationFactory()

    def setup():
        membership = MembershipFactory(organisation=organisation)
        return (), {
            "event": event,
            "participant": membership.user,
            "organisation": organisation,
            "answers": {question.pk: "odpowiedź"},
            "actor": membership.user,
        }

    registration = benchmark.pedantic(services.registration_create, setup=setup, rounds=50)
    assert registration.status == Registration.Status.CONFIRMED
