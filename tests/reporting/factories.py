"""A small, hand-counted world for the reporting tests (see test_metrics.py for the counts)."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from advisory.models import AdvisoryRequest, Consultation
from events.models import Event, Postulate, Registration
from partners.models import Organisation
from tests.advisory.factories import AdvisoryTopicFactory, ExpertFactory
from tests.events.factories import (
    AttendanceFactory,
    EventFactory,
    PostulateFactory,
    RegistrationFactory,
)
from tests.factories import FundingProjectFactory, UserFactory
from tests.partners.factories import (
    GminaFactory,
    OrganisationFactory,
    PowiatFactory,
    SubregionFactory,
)

WARSAW = ZoneInfo("Europe/Warsaw")
PERIOD = (date(2026, 1, 1), date(2026, 6, 30))


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=WARSAW)


@dataclass
class World:
    project: object
    other_project: object
    subregion: object
    powiat_a: object
    powiat_b: object
    owes: object
    pes: object
    jst_a: object
    jst_b: object
    events: dict
    people: dict


def _event(
    project, day, *, type=Event.Type.MEETING, days=1, state=Event.State.FINISHED, subregions=()
):
    event = EventFactory(
        funding_project=project,
        type=type,
        state=state,
        starts_at=at(day),
        ends_at=at(date(day.year, day.month, day.day + days - 1), 16),
    )
    event.subregions.set(subregions)
    return event


def _case(organisation, project, *, status, completed_on=None, submitted_on=date(2026, 4, 1)):
    return AdvisoryRequest.objects.create(
        organisation=organisation,
        requester=UserFactory(),
        status=status,
        expert=ExpertFactory(),
        funding_project=project,
        submitted_at=at(submitted_on),
        completed_at=at(completed_on) if completed_on else None,
    )


def build_world() -> World:
    project, other_project = FundingProjectFactory(), FundingProjectFactory()
    powiat_a, powiat_b = PowiatFactory(name="kartuski"), PowiatFactory(name="bytowski")
    subregion = SubregionFactory(powiats=[powiat_a])
    owes = OrganisationFactory(
        kind=Organisation.Kind.OWES, seat_gmina=GminaFactory(parent=powiat_a)
    )
    pes = OrganisationFactory(
        kind=Organisation.Kind.PES,
        legal_form="spoldzielnia_socjalna",
        seat_gmina=GminaFactory(parent=powiat_b),
    )
    jst_a = OrganisationFactory(
        kind=Organisation.Kind.JST,
        jst_type="gmina_wiejska",
        seat_gmina=GminaFactory(parent=powiat_a),
    )
    jst_b = OrganisationFactory(
        kind=Organisation.Kind.JST,
        jst_type="gmina_wiejska",
        seat_gmina=GminaFactory(parent=powiat_b),
    )

    events = {
        "e1": _event(project, date(2026, 2, 10), subregions=[subregion]),
        "e2": _event(project, date(2026, 3, 5), type=Event.Type.TRAINING, days=2),
        "e3": _event(project, date(2026, 7, 10), type=Event.Type.STUDY_VISIT),
        "e4": _event(project, date(2026, 4, 1), state=Event.State.CANCELLED),
        "e5": _event(other_project, date(2026, 2, 20)),
    }
    people = {name: UserFactory() for name in ("u1", "u2", "u3", "u4")}
    org_of = {"u1": owes, "u2": owes, "u3": pes, "u4": pes}

    def register(event, person):
        return RegistrationFactory(
            event=event,
            participant=people[person],
            registered_by=people[person],
            organisation=org_of[person],
            status=Registration.Status.CONFIRMED,
        )

    e1 = events["e1"]
    AttendanceFactory(registration=register(e1, "u1"), day=date(2026, 2, 10))
    AttendanceFactory(registration=register(e1, "u2"), day=date(2026, 2, 10))
    AttendanceFactory(registration=register(e1, "u3"), day=date(2026, 2, 10), is_present=False)
    register(e1, "u4")  # registered, never present
    u1_e2 = register(events["e2"], "u1")
    AttendanceFactory(registration=u1_e2, day=date(2026, 3, 5))
    AttendanceFactory(registration=u1_e2, day=date(2026, 3, 6))
    AttendanceFactory(registration=register(events["e2"], "u3"), day=date(2026, 3, 6))
    AttendanceFactory(registration=register(events["e3"], "u4"), day=date(2026, 7, 10))
    AttendanceFactory(registration=register(events["e5"], "u4"), day=date(2026, 2, 20))

    topic = AdvisoryTopicFactory(name="Klauzule społeczne w zamówieniach")
    case_a = _case(
        jst_a, project, status=AdvisoryRequest.Status.COMPLETED, completed_on=date(2026, 5, 10)
    )
    case_a.topics.add(topic)
    Consultation.objects.create(
        request=case_a,
        expert=case_a.expert,
        held_on=date(2026, 5, 1),
        form="online",
        duration_minutes=90,
    )
    Consultation.objects.create(
        request=case_a,
        expert=case_a.expert,
        held_on=date(2026, 5, 3),
        form="phone",
        duration_minutes=45,
    )
    case_b = _case(
        jst_b, project, status=AdvisoryRequest.Status.COMPLETED, completed_on=date(2026, 8, 1)
    )
    Consultation.objects.create(
        request=case_b,
        expert=case_b.expert,
        held_on=date(2026, 8, 1),
        form="online",
        duration_minutes=60,
    )

    PostulateFactory(
        event=e1,
        status=Postulate.Status.ACCEPTED,
        forwarded_on=date(2026, 3, 1),
        decided_on=date(2026, 4, 1),
    )
    PostulateFactory(
        event=e1,
        status=Postulate.Status.FORWARDED,
        forwarded_on=date(2026, 6, 15),
        addressee="Zarząd Województwa",
    )
    PostulateFactory(event=e1, status=Postulate.Status.PROPOSED)
    PostulateFactory(
        event=events["e5"], status=Postulate.Status.FORWARDED, forwarded_on=date(2026, 3, 1)
    )

    return World(
        project,
        other_project,
        subregion,
        powiat_a,
        powiat_b,
        owes,
        pes,
        jst_a,
        jst_b,
        events,
        people,
    )
