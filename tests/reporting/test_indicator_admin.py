"""Bad input in the indicator admin: no target, a target of zero, counting that starts after the deadline."""

import pytest
from django.urls import reverse

from portal import roles
from portal.models import AuditLogEntry
from reporting.models import Indicator, Metric
from tests.factories import FundingProjectFactory, RoleUserFactory

pytestmark = pytest.mark.django_db


def _post(client, **changes):
    project = FundingProjectFactory()
    data = {
        "funding_project": project.pk,
        "name": "Liczba PES objętych wsparciem",
        "unit": "podmioty",
        "position": 0,
        "metric": Metric.ORGANISATIONS_SUPPORTED,
        "target_value": "40",
        "target_date": "2027-12-31",
        "counted_from": "",
        "event_type": "",
        "partner_kind": "pes",
        "subregion": "",
    }
    data.update(changes)
    client.force_login(RoleUserFactory(role=roles.ROPS_ADMINISTRATOR))
    return client.post(reverse("admin:reporting_indicator_add"), data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"target_value": ""},
            "Prosimy podać wartość docelową wskaźnika: bez niej nie da się policzyć postępu.",
        ),
        ({"target_value": "0"}, "Wartość docelowa musi być większa od zera."),
        ({"target_date": ""}, "Prosimy podać termin osiągnięcia wartości docelowej."),
        (
            {"counted_from": "2028-01-01"},
            "Początek liczenia nie może być późniejszy niż termin osiągnięcia celu.",
        ),
    ],
)
def test_an_indicator_without_a_proper_target_gets_a_polish_message(client, changes, message):
    response = _post(client, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Indicator.objects.exists()


def test_a_complete_indicator_is_saved_and_recorded(client):
    response = _post(client)
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert indicator.target_value == 40
    entry = AuditLogEntry.objects.get(action="reporting.indicator.create")
    assert entry.object_id == str(indicator.pk) and "40" in entry.summary
