"""The region-scale benchmark's data generator (bench/region, `make bench`) at 1/1000 scale, so
it cannot rot between benchmark runs: the scenario it promises the load generator holds."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from advisory.models import AdvisoryRequest
from bench.region import generate
from bench.region.sessions import create_sessions
from events import services
from events.models import Event, Registration
from partners.models import Membership, Organisation, TerritorialUnit
from tests.clients import SignedInClient

pytestmark = pytest.mark.django_db


def test_generator_at_one_thousandth_scale_builds_the_scenario():
    scenario = generate.generate(scale=0.001, rounds=1)

    counts = scenario["counts"]
    assert counts["organisations"] >= 5 and counts["people"] >= 20
    assert counts["registrations"] >= 20 and counts["advisory_cases"] >= 5
    # Real TERYT seats, partner kinds with their own fields filled in.
    assert not Organisation.objects.filter(seat_gmina__isnull=True).exists()
    assert TerritorialUnit.objects.filter(level="gmi").exists()
    assert not Organisation.objects.filter(kind="pes", legal_form="").exists()
    assert not AdvisoryRequest.objects.filter(status="expert_assigned", expert=None).exists()

    storm = Event.objects.get(pk=scenario["rounds"][0]["storm_event"])
    assert storm.state == "published" and storm.capacity == scenario["sizes"]["storm_capacity"]
    assert not storm.registrations.exists()
    for pk, organisation in scenario["storm_people"] + scenario["spread_people"]:
        assert Membership.objects.filter(
            user_id=pk, organisation_id=organisation, status="approved"
        ).exists()

    # Exactly the scenario's reminders are due, whatever else the data holds (the real path).
    now = timezone.now()
    assert services.reminders_enqueue() == scenario["reminders_due"] > 0
    assert (
        Registration.objects.filter(
            event_id=scenario["attendance_event"], status="confirmed"
        ).count()
        == scenario["attendance_people"]
    )

    # A session made directly opens the registration form of the storm event.
    person, organisation = scenario["storm_people"][0]
    cookies = create_sessions([person])[person]
    client = SignedInClient()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookies[settings.SESSION_COOKIE_NAME]
    response = client.get(scenario["rounds"][0]["storm_path"])
    assert response.status_code == 200
    assert f'value="{organisation}"' in response.content.decode()

    before = generate.table_counts()
    after = generate.grow(factor=0.001)
    assert after["registrations"] > before["registrations"]
    assert after["organisations"] > before["organisations"]
    assert (
        not Event.objects.filter(
            starts_at__gt=now, starts_at__lte=now + timedelta(hours=47), state="published"
        )
        .exclude(pk__in=scenario["reminder_events"])
        .exists()
    )
