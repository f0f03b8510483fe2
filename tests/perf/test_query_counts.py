"""Every page of the performance table costs a fixed number of queries.

Each test measures the page at two data sizes (1x and 10x) and pins the count: the same at
both sizes, and within the budget of the issue (≤ 10 per GET page, ≤ 12 statements in the
registration POST).
"""

import itertools
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration, TargetGroup
from partners.models import Membership, Organisation
from portal import roles
from portal.models import User
from tests.events.factories import (
    AgendaItemFactory,
    ConsentTextFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    member,
)
from tests.factories import FundingProjectFactory, RoleUserFactory
from tests.partners.factories import GminaFactory, OrganisationFactory, SubregionFactory

pytestmark = pytest.mark.django_db

GET_BUDGET = 10
_numbers = itertools.count()


class World:
    """Data that grows by units: events with registrations, colleagues, catalogue entries,
    and people queueing for the measured event."""

    def __init__(self):
        self.consent_text = ConsentTextFactory()
        self.project = FundingProjectFactory()
        self.subregion = SubregionFactory()
        self.groups = list(TargetGroup.objects.all()[:2])
        self.gmina = GminaFactory()
        self.user, self.organisation = member(OrganisationFactory(seat_gmina=self.gmina))
        self.other = OrganisationFactory(seat_gmina=self.gmina, is_verified=True)
        Membership.objects.create(
            user=self.user, organisation=self.other, status=Membership.Status.APPROVED
        )
        self.event = self._event(EventFactory(funding_project=self.project, capacity=5))
        QuestionFactory(event=self.event, is_required=True)
        AgendaItemFactory(event=self.event)
        RegistrationFactory(event=self.event, participant=self.user, organisation=self.organisation)

    def _event(self, event):
        event.target_groups.set(self.groups)
        event.subregions.set([self.subregion])
        return event

    def _people(self, count: int) -> list[User]:
        return User.objects.bulk_create(
            User(email=f"osoba{next(_numbers)}@example.org", first_name="Jan", last_name="Nowak")
            for _ in range(count)
        )

    def _registrations(self, event, people, status=Registration.Status.CONFIRMED):
        now = timezone.now()
        Registration.objects.bulk_create(
            Registration(
                event=event,
                participant=person,
                organisation=self.other,
                registered_by=person,
                status=status,
                consent_text=self.consent_text,
                consented_at=now,
                waitlisted_at=now if status == Registration.Status.WAITLISTED else None,
            )
            for person in people
        )

    def grow(self, units: int):
        now = timezone.now()
        for _ in range(units):
            events = Event.objects.bulk_create(
                Event(
                    type=Event.Type.MEETING,
                    title=f"Wydarzenie {number}",
                    slug=f"wydarzenie-{number}",
                    starts_at=now + timedelta(days=2 + number % 50),
                    ends_at=now + timedelta(days=2 + number % 50, hours=5),
                    organiser="ROPS",
                    funding_project=self.project,
                    state=Event.State.PUBLISHED,
                    capacity=8,
                )
                for number in (next(_numbers) for _ in range(20))
            )
            people = self._people(10)
            for event in events:
                self._registrations(event, people)
            Event.target_groups.through.objects.bulk_create(
                Event.target_groups.through(event_id=event.pk, targetgroup_id=group.pk)
                for event in events
                for group in self.groups
            )
            # Colleagues in the user's organisation, and the measured event fills up.
            Membership.objects.bulk_create(
                Membership(user=person, organisation=self.organisation, status="approved")
                for person in people
            )
            self._registrations(self.event, people[:5], Registration.Status.WAITLISTED)
            Organisation.objects.bulk_create(
                Organisation(
                    kind=Organisation.Kind.OWES,
                    name=f"Organizacja {next(_numbers)}",
                    seat_gmina=self.gmina,
                    city="Gdańsk",
                    is_public=True,
                    is_verified=True,
                )
                for _ in range(10)
            )


@pytest.fixture
def world(db):
    return World()


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


def _queries(client, url, *, method="get", data=None) -> int:
    """Statements the request runs (BEGIN and COMMIT of its one transaction not counted)."""
    call = client.post if method == "post" else client.get
    with CaptureQueriesContext(connection) as queries:
        response = call(url, data)
    assert response.status_code in (200, 302), response.status_code
    statements = [q["sql"] for q in queries.captured_queries]
    assert statements.count("BEGIN") <= 1, statements
    return len([sql for sql in statements if sql not in TRANSACTION_CONTROL])


def _at_1x_and_10x(client, world, url) -> list[int]:
    counts = []
    for units in (1, 9):  # 1x, then 10x
        world.grow(units)
        client.get(url)  # warm per-process caches (content types, site) outside the measurement
        counts.append(_queries(client, url))
    return counts


@pytest.mark.parametrize(
    "page",
    ["event_detail", "registration_get", "calendar", "catalogue", "home", "my_registrations"],
)
def test_public_pages_cost_the_same_few_queries_at_1x_and_10x(client, world, page):
    client.force_login(world.user)
    url = {
        "event_detail": world.event.get_absolute_url(),
        "registration_get": reverse("events:registration_create", args=[world.event.slug]),
        "calendar": reverse("events:event_list"),
        "catalogue": reverse("partners:organisation_list"),
        "home": reverse("home"),
        "my_registrations": reverse("events:my_registrations"),
    }[page]
    counts = _at_1x_and_10x(client, world, url)

    assert counts[0] == counts[1] <= GET_BUDGET, counts


def test_admin_event_changelist_costs_the_same_queries_at_1x_and_10x(client, world):
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    url = reverse("admin:events_event_changelist")
    counts = _at_1x_and_10x(client, world, url)
    # Session, user, second factor, permissions, three filter lists, one COUNT, the page,
    # the region, the date hierarchy (2).
    assert counts[0] == counts[1] <= 12, counts
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    aggregates = [q["sql"] for q in queries.captured_queries if "events_registration" in q["sql"]]
    # Places and waitlist counted once, in the page's query, for the page's rows only.
    assert len(aggregates) == 1, aggregates
    assert "GROUP BY" not in aggregates[0].split("FROM", 1)[0]


@pytest.mark.django_db(transaction=True)
def test_registration_post_costs_the_same_statements_at_1x_and_10x(client):
    """Counted with real transactions (no test savepoints) and the task published to the
    broker, not run in-process: the statements of the request itself, as in production."""
    from portal.celery import app as celery_app
    from portal.models import OutboundEmail

    world = World()
    ContentType.objects.get_for_model(Registration)  # per-process cache, warm in production
    url = reverse("events:registration_create", args=[world.event.slug])
    question = world.event.questions.get()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        counts = []
        for units in (1, 9):
            world.grow(units)
            person, _ = member(world.organisation)
            client.force_login(person)
            client.get(url)
            counts.append(
                _queries(
                    client,
                    url,
                    method="post",
                    data={
                        "organisation": world.organisation.pk,
                        "participant": person.pk,
                        f"q_{question.pk}": "wegetariańska",
                        "clause_version": world.consent_text.version,
                    },
                )
            )
            registration = Registration.objects.get(event=world.event, participant=person)
            assert registration.status == Registration.Status.CONFIRMED
            email = OutboundEmail.objects.get(to=person.email)
            assert email.renderer and not email.body_text  # rendered by the worker, not here
    finally:
        celery_app.conf.task_always_eager = eager
        _settle_published_tasks(celery_app)
    assert counts[0] == counts[1] <= 12, counts


def _settle_published_tasks(celery_app) -> None:
    """Leave nothing behind the published outbox tasks before the test database is flushed.

    When the suite's real worker runs (started by an earlier test), it takes these tasks and
    reads the database: wait until it has sent the e-mails, or its reads would deadlock with
    the flush. Whatever no worker took is removed from the queue, so that no later worker
    runs it against another test's data.
    """
    import time

    import redis
    from django.conf import settings

    from portal.models import OutboundEmail
    from tests.conftest import SESSION_QUEUE

    if celery_app.control.ping(timeout=1.0):
        deadline = time.monotonic() + 30
        while OutboundEmail.objects.filter(sent_at__isnull=True).exists():
            assert time.monotonic() < deadline, "the worker did not send the e-mails"
            time.sleep(0.2)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(SESSION_QUEUE)
