"""Benchmarks of reporting on a region-sized data set: dashboard figures, activity report, monitoring export.

Data: 20 powiats in 4 subregions, 600 organisations, 3,000 people, 200 held events with 9,000
attendance rows, 500 advisory cases with 1,500 consultations, 300 postulates. Query counts are
recorded in the benchmark's extra info (they do not grow with the data).
"""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisory.models import AdvisoryRequest, Consultation
from events.models import Attendance, Event, Postulate, Registration
from partners.models import Organisation
from reporting import documents, selectors
from reporting.metrics import Scope
from tests.advisory.factories import ExpertFactory
from tests.events.factories import ConsentTextFactory
from tests.factories import FundingProjectFactory, UserFactory
from tests.partners.factories import GminaFactory, PowiatFactory, SubregionFactory

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")
PERIOD = Scope(start=date(2026, 1, 1), end=date(2026, 6, 30))


@pytest.fixture
def region_data():
    rng = random.Random(11)
    project = FundingProjectFactory()
    powiats = [PowiatFactory() for _ in range(20)]
    for index in range(4):
        SubregionFactory(powiats=powiats[index * 5 : (index + 1) * 5])
    gminas = [GminaFactory(parent=rng.choice(powiats)) for _ in range(60)]
    kinds = [
        Organisation.Kind.OWES,
        Organisation.Kind.LGD,
        Organisation.Kind.OPS,
        Organisation.Kind.JST,
    ]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organizacja {n}",
            kind=kind,
            seat_gmina=rng.choice(gminas),
            city="Testowo",
            jst_type="gmina_wiejska" if kind == Organisation.Kind.JST else "",
        )
        for n, kind in ((n, rng.choice(kinds)) for n in range(600))
    )
    users = [UserFactory.build(email=f"uczestnik{n}@example.org") for n in range(3000)]
    for user in users:
        user.password = "!"
    users = type(users[0]).objects.bulk_create(users)
    consent = ConsentTextFactory()
    events = Event.objects.bulk_create(
        Event(
            type=rng.choice(list(Event.Type)),
            title=f"Wydarzenie {n}",
            slug=f"wydarzenie-{n}",
            organiser="ROPS",
            starts_at=datetime(2026, 1 + n % 6, 1 + n % 27, 10, tzinfo=WARSAW),
            ends_at=datetime(2026, 1 + n % 6, 1 + n % 27, 16, tzinfo=WARSAW),
            state=Event.State.FINISHED,
            funding_project=project,
            capacity=60,
        )
        for n in range(200)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            participant=person,
            registered_by=person,
            organisation=rng.choice(organisations),
            status=Registration.Status.CONFIRMED,
            consent_text=consent,
            consented_at=event.starts_at,
        )
        for event in events
        for person in rng.sample(users, 50)
    )
    marker = UserFactory()
    Attendance.objects.bulk_create(
        Attendance(
            registration=registration,
            day=registration.event.starts_at.astimezone(WARSAW).date(),
            is_present=rng.random() < 0.9,
            marked_by=marker,
        )
        for registration in registrations
    )
    experts = [ExpertFactory() for _ in range(5)]
    requester = UserFactory()
    jsts = [org for org in organisations if org.kind == Organisation.Kind.JST]
    cases = AdvisoryRequest.objects.bulk_create(
        AdvisoryRequest(
            organisation=rng.choice(jsts),
            requester=requester,
            status=AdvisoryRequest.Status.COMPLETED,
            expert=rng.choice(experts),
            funding_project=project,
            submitted_at=datetime(2026, 1 + n % 6, 1 + n % 27, tzinfo=WARSAW),
            completed_at=datetime(2026, 1 + n % 6, 2 + n % 26, tzinfo=WARSAW),
        )
        for n in range(500)
    )
    Consultation.objects.bulk_create(
        Consultation(
            request=case,
            expert=case.expert,
            held_on=case.submitted_at.date() + timedelta(days=k),
            form="online",
            duration_minutes=60,
        )
        for case in cases
        for k in range(3)
    )

    def postulate(n):
        status = rng.choice(list(Postulate.Status))
        decided = status in (Postulate.Status.ACCEPTED, Postulate.Status.REJECTED)
        return Postulate(
            event=rng.choice(events),
            text=f"Postulat {n}",
            status=status,
            addressee=rng.choice(["IZ FEP", "Zarząd Województwa", ""]),
            forwarded_on=None if status == Postulate.Status.PROPOSED else date(2026, 3, 1),
            decided_on=date(2026, 4, 1) if decided else None,
            decision_note="Odpowiedź" if decided else "",
        )

    Postulate.objects.bulk_create(postulate(n) for n in range(300))
    return project


def test_dashboard_figures_on_a_region(benchmark, region_data):
    scope = Scope(start=PERIOD.start, end=PERIOD.end, funding_project=region_data)
    with CaptureQueriesContext(connection) as queries:
        data = selectors.dashboard(scope)
    benchmark.extra_info["queries"] = len(queries)
    benchmark.extra_info["people"] = int(data["people"])
    benchmark(selectors.dashboard, scope)


def test_activity_report_pdf_on_a_region(benchmark, region_data):
    from reporting.models import GeneratedReport

    report = GeneratedReport(
        kind=GeneratedReport.Kind.ACTIVITY,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        funding_project=region_data,
    )
    with CaptureQueriesContext(connection) as queries:
        size = len(documents.report_pdf(report))
    benchmark.extra_info["queries"] = len(queries)
    benchmark.extra_info["pdf_bytes"] = size
    benchmark.pedantic(documents.report_pdf, args=(report,), rounds=3, iterations=1)


def test_monitoring_export_on_a_region(benchmark, region_data):
    """Both tables of the monitoring export (SL2021) and the workbook: one query per table."""
    scope = Scope(start=PERIOD.start, end=PERIOD.end, funding_project=region_data)

    def export():
        return documents.monitoring_xlsx(documents.monitoring_tables(scope))

    with CaptureQueriesContext(connection) as queries:
        tables = documents.monitoring_tables(scope)
    benchmark.extra_info["queries"] = len(queries)
    benchmark.extra_info["institutions"] = len(tables["instytucje"][1])
    benchmark.extra_info["people"] = len(tables["osoby"][1])
    benchmark.pedantic(export, rounds=3, iterations=1)
