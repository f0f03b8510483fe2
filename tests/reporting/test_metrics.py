"""Each counting rule against a hand count of the world in factories.build_world().

Hand count, period 2026-01-01 – 2026-06-30, funding project P:
- people present: u1 (e1, e2 both days), u2 (e1), u3 (e2 day 2; absent at e1) = 3.
  u4 only registered at e1, present at e3 (July) and e5 (other project) = not counted.
- organisations supported: OWES (u1, u2), PES (u3), JST A (consultations in May) = 3;
  JST B's consultation is in August.
- JST advised: JST A = 1.  Events held: e1, e2 = 2 (e3 July, e4 cancelled, e5 other project).
- completed cases: case A (10 May) = 1.  Consultation hours: 90 + 45 min = 2.25.
- postulates forwarded: 1 March and 15 June = 2 (e5's belongs to the other project); accepted = 1.
"""

from decimal import Decimal

import pytest

from events.models import Event
from partners.models import Organisation
from reporting import metrics
from reporting.metrics import Scope
from reporting.models import Metric

from .factories import PERIOD, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def value(metric, world, **narrowing):
    return metrics.metric_value(metric, Scope(*PERIOD, funding_project=world.project, **narrowing))


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        (Metric.PEOPLE_ATTENDED, 3),
        (Metric.ORGANISATIONS_SUPPORTED, 3),
        (Metric.JST_ADVISED, 1),
        (Metric.EVENTS_HELD, 2),
        (Metric.ADVISORY_COMPLETED, 1),
        (Metric.CONSULTATION_HOURS, Decimal("2.25")),
        (Metric.POSTULATES_FORWARDED, 2),
        (Metric.POSTULATES_ACCEPTED, 1),
    ],
)
def test_each_metric_matches_the_hand_count(world, metric, expected):
    assert value(metric, world) == Decimal(expected)


def test_a_person_present_at_several_events_and_days_counts_once(world):
    # u1 was present three times (e1, both days of e2); the raw attendance has 5 present rows.
    assert metrics.present_attendance(Scope(*PERIOD, funding_project=world.project)).count() == 5
    assert value(Metric.PEOPLE_ATTENDED, world) == 3


def test_narrowing_by_partner_kind_subregion_and_event_type(world):
    assert value(Metric.PEOPLE_ATTENDED, world, partner_kind=Organisation.Kind.PES) == 1  # u3
    assert (
        value(Metric.PEOPLE_ATTENDED, world, subregion=world.subregion) == 2
    )  # u1, u2: OWES seat in powiat A
    assert value(Metric.PEOPLE_ATTENDED, world, event_type=Event.Type.TRAINING) == 2  # u1, u3 at e2
    assert value(Metric.EVENTS_HELD, world, event_type=Event.Type.TRAINING) == 1
    assert (
        value(Metric.EVENTS_HELD, world, subregion=world.subregion) == 1
    )  # only e1 is assigned to it
    # Narrowed to an event type, only events count: the JST's advice is left out.
    assert (
        value(Metric.ORGANISATIONS_SUPPORTED, world, event_type=Event.Type.MEETING) == 1
    )  # OWES at e1
    assert (
        value(Metric.ORGANISATIONS_SUPPORTED, world, subregion=world.subregion) == 2
    )  # OWES, JST A


def test_without_a_project_every_project_counts(world):
    scope = Scope(*PERIOD)
    assert metrics.metric_value(Metric.PEOPLE_ATTENDED, scope) == 4  # u4 at e5
    assert metrics.metric_value(Metric.EVENTS_HELD, scope) == 3


def test_dashboard_breakdowns(world):
    scope = Scope(*PERIOD, funding_project=world.project)
    assert {row["label"]: row["value"] for row in metrics.events_by_type(scope)} == {
        str(Event.Type.MEETING.label): 1,
        str(Event.Type.TRAINING.label): 1,
    }
    by_powiat = {
        row["label"]: (row["value"], row["organisations"])
        for row in metrics.participation_by(scope, "powiat")
    }
    assert by_powiat == {"kartuski": (2, 1), "bytowski": (1, 1)}
    # Confirmed registrations of e1 and e2: 4 + 2 = 6; present at least once: u1, u2 at e1; u1, u3 at e2.
    assert metrics.attendance_rate(scope) == {
        "confirmed": 6,
        "present": 4,
        "walk_ins": 0,
        "percent": 67,
    }
    assert {row["label"]: row["value"] for row in metrics.postulates_by(scope, "status")} == {
        "przyjęty": 1,
        "przekazany": 1,
        "zgłoszony": 1,
    }


def test_indicator_progress_uses_its_target(world):
    from reporting.models import Indicator

    indicator = Indicator.objects.create(
        funding_project=world.project,
        name="Liczba osób",
        metric=Metric.PEOPLE_ATTENDED,
        target_value=Decimal("12"),
        target_date=PERIOD[1],
        counted_from=PERIOD[0],
    )
    progress = metrics.indicator_progress(indicator, end=PERIOD[1])
    assert progress.value == 3 and progress.percent == 25 and not progress.reached
