"""Benchmarks of the advisory app: the staff queue with 2,000 cases and the advisory card PDF."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from advisory import selectors, services
from advisory.documents import advisory_card_pdf
from advisory.models import AdvisoryRequest, AdvisoryTopic, Expert
from tests.advisory.conftest import CaseBuilder
from tests.advisory.factories import AdvisoryTopicFactory, ExpertFactory
from tests.factories import StaffUserFactory, UserFactory
from tests.partners.factories import JstFactory, PowiatFactory

pytestmark = pytest.mark.django_db
Status = AdvisoryRequest.Status


@pytest.fixture
def two_thousand_cases():
    rng = random.Random(7)
    topics = [AdvisoryTopicFactory() for _ in range(9)]
    experts = [ExpertFactory() for _ in range(8)]
    powiats = [PowiatFactory() for _ in range(6)]
    organisations = [JstFactory(seat_gmina__parent=rng.choice(powiats)) for _ in range(60)]
    requester = UserFactory()
    today = timezone.localdate()
    statuses = [s for s in Status if s != Status.DRAFT]
    cases = []
    for number in range(2000):
        status = rng.choice(statuses)
        cases.append(
            AdvisoryRequest(
                number=f"DOR/2026/{number + 1:04d}",
                organisation=rng.choice(organisations),
                requester=requester,
                status=status,
                description="Opis potrzeby " * 10,
                contact_name="Jan",
                contact_email="jan@example.org",
                expert=rng.choice(experts)
                if status not in ("submitted", "accepted", "rejected", "withdrawn")
                else None,
                rejection_reason="powód" if status == "rejected" else "",
                submitted_at=timezone.now() - timedelta(days=rng.randint(0, 300)),
                due_on=today + timedelta(days=rng.randint(-20, 40))
                if status in AdvisoryRequest.OPEN_STATUSES
                else None,
            )
        )
    created = AdvisoryRequest.objects.bulk_create(cases)
    through = AdvisoryRequest.topics.through
    through.objects.bulk_create(
        through(advisoryrequest_id=case.pk, advisorytopic_id=rng.choice(topics).pk)
        for case in created
    )
    return {
        "staff": StaffUserFactory(),
        "topic": topics[0],
        "powiat": powiats[0],
        "expert": experts[0],
    }


def test_staff_queue_first_page(benchmark, two_thousand_cases):
    staff = two_thousand_cases["staff"]

    def first_page():
        return [
            (c.number, c.organisation.name, c.powiat, c.expert, list(c.topics.all()))
            for c in selectors.request_queue_for_staff(user=staff)[:50]
        ]

    rows = benchmark(first_page)
    assert len(rows) == 50


def test_staff_queue_filtered_overdue_by_topic_and_powiat(benchmark, two_thousand_cases):
    data = two_thousand_cases

    def filtered():
        return list(
            selectors.request_queue_for_staff(
                user=data["staff"], topic=data["topic"].pk, powiat=data["powiat"].pk, overdue=True
            )[:50]
        )

    rows = benchmark(filtered)
    assert all(row.due_on < timezone.localdate() for row in rows)


def test_near_deadline_digest_selection(benchmark, two_thousand_cases):
    rows = benchmark(lambda: list(selectors.request_list_near_deadline()))
    assert rows


def test_advisory_card_pdf_rendering(benchmark):
    AdvisoryTopicFactory()
    builder = CaseBuilder()
    case = builder.at(Status.IN_PROGRESS)
    for day in range(10):
        services.consultation_record(
            request_id=case.pk,
            actor=builder.expert.user,
            held_on=timezone.localdate() - timedelta(days=day),
            form="online",
            duration_minutes=60 + day,
            recommendations="Rekomendacja " * 20,
        )
    case = builder.step(case, "complete")
    content = benchmark(advisory_card_pdf, request=case)
    assert content.startswith(b"%PDF")
    assert AdvisoryTopic.objects.exists() and Expert.objects.exists()
