"""Smaller accessibility fixes: autofill purposes and phone fields, required markers,
distinct page titles for list pages and check-in days, the e-mail page's radio group."""

import re

import pytest

from advisory import demo as advisory_demo
from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    advisory_demo.load()


def _user(email):
    from portal.models import User

    return User.objects.get(email=email)


def _input(html: str, name: str) -> str:
    match = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


def _label(html: str, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    assert match, field_id
    return match.group(1)


def test_advisory_form_contact_fields_and_required_markers(client, demo_data):
    client.force_login(_user(advisory_demo.DEMO_JST_EMAIL))
    html = client.get("/doradztwo/wnioski/nowy/").content.decode()
    assert 'autocomplete="name"' in _input(html, "contact_name")
    assert 'autocomplete="email"' in _input(html, "contact_email")
    phone = _input(html, "contact_phone")
    assert 'type="tel"' in phone and 'autocomplete="tel"' in phone
    for field in ("id_description", "id_contact_name", "id_contact_email"):
        assert "(wymagane)" in _label(html, field), field
    assert "(wymagane)" not in _label(html, "id_contact_phone")


def test_organisation_proposal_contact_fields_and_required_markers(client, demo_data):
    client.force_login(_user(partners_demo.DEMO_PARTNER_EMAIL))
    html = client.get("/partnerzy/zaproponuj/").content.decode()
    phone = _input(html, "phone")
    assert 'type="tel"' in phone and "tel" in re.search(r'autocomplete="([^"]*)"', phone).group(1)
    assert 'autocomplete="organization"' in _input(html, "name")
    assert 'autocomplete="postal-code"' in _input(html, "postal_code")
    assert "(wymagane)" in _label(html, "id_name")
    assert "(wymagane)" in _label(html, "id_seat_gmina")


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_second_page_of_a_list_has_its_own_title(client, demo_data):
    from partners.models import TerritorialUnit
    from tests.partners.factories import OrganisationFactory

    gmina = TerritorialUnit.objects.filter(level=TerritorialUnit.Level.GMINA).first()
    OrganisationFactory.create_batch(25, seat_gmina=gmina, is_verified=True)
    first, second = client.get("/partnerzy/"), client.get("/partnerzy/", {"strona": 2})
    assert _title(first) != _title(second)
    assert "strona 2 z" in _title(second)


def test_each_check_in_day_has_its_own_title(client, demo_data):
    from events.models import Event
    from events.services import event_days

    client.force_login(_user(advisory_demo.DEMO_STAFF_EMAIL))
    event = next(e for e in Event.objects.exclude(state="draft") if len(event_days(e)) > 1)
    days = event_days(event)
    titles = {
        _title(client.get(f"/wydarzenia/{event.slug}/obecnosc/", {"dzien": day.isoformat()}))
        for day in days
    }
    assert len(titles) == len(days), titles


def test_email_page_radio_group_has_fieldset_and_legend(client, demo_data):
    client.force_login(_user(partners_demo.DEMO_PARTNER_EMAIL))
    html = client.get("/konto/email/").content.decode()
    fieldset = re.search(r"<fieldset>(.*?)</fieldset>", html, re.S)
    assert fieldset, "no fieldset"
    assert re.search(r"<legend>[^<]+</legend>", fieldset.group(1))
    assert 'type="radio" name="email"' in fieldset.group(1)
