import pytest

from advisory import demo
from advisory.models import AdvisoryRequest, CaseEvent, Consultation, Expert
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_without_duplicates():
    portal_demo.load()
    demo.load()
    counts = (AdvisoryRequest.objects.count(), CaseEvent.objects.count(), Consultation.objects.count(),
              Expert.objects.count())
    demo.load()
    assert (AdvisoryRequest.objects.count(), CaseEvent.objects.count(), Consultation.objects.count(),
            Expert.objects.count()) == counts
    statuses = set(AdvisoryRequest.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "in_progress", "completed"} <= statuses
    assert Expert.objects.get(email=demo.DEMO_EXPERT_EMAIL).user.check_password(demo.DEMO_PASSWORD)
