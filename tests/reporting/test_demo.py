import pytest

from portal.management.commands.load_demo import DEMO_MODULES
from reporting import demo
from reporting.models import Indicator

pytestmark = pytest.mark.django_db


def test_demo_indicators_load_twice_without_duplicates():
    from portal import demo as portal_demo

    assert "reporting.demo" in DEMO_MODULES
    portal_demo.load()
    demo.load()
    demo.load()
    assert Indicator.objects.count() == len(demo.DEMO_INDICATORS)
