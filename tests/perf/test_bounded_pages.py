"""Pages that grew with the data are bounded (filters, lists, feeds, dropdowns)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import selectors, views
from events.models import Event, Registration
from portal import roles
from tests.events.factories import (
    ConsentTextFactory,
    EventFactory,
    RegistrationFactory,
    member,
)
from tests.factories import RoleUserFactory
from tests.partners.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _events(count: int, *, days_from_now: int, **kwargs) -> list[Event]:
    now = timezone.now()
    return Event.objects.bulk_create(
        Event(
            type=Event.Type.MEETING,
            title=f"Wydarzenie {days_from_now} {number}",
            slug=f"wydarzenie-{days_from_now + 1000}-{number}",
            starts_at=now + timedelta(days=days_from_now, hours=number),
            ends_at=now + timedelta(days=days_from_now, hours=number + 2),
            organiser="ROPS",
            state=Event.State.PUBLISHED,
            capacity=10,
            **kwargs,
        )
        for number in range(count)
    )


def test_registrations_event_filter_offers_recent_events_only_and_keeps_an_old_selection(client):
    old = _events(5, days_from_now=-400)
    _events(50, days_from_now=3)
    registration = RegistrationFactory(event=old[0])
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    url = reverse("admin:events_registration_changelist")

    page = client.get(url).content.decode()
    links = set(re.findall(r"event__id__exact=(\d+)", page))
    assert 0 < len(links) <= 30
    assert str(old[1].pk) not in links  # a year-old event is found with the search box

    # The link from an old event's page still filters, and its filter entry is shown.
    response = client.get(url, {"event__id__exact": old[0].pk})
    assert list(response.context["cl"].result_list) == [registration]
    assert old[0].title in response.content.decode()


def test_my_registrations_are_paginated(client):
    user, organisation = member()
    for event in _events(views.MY_PAGE_SIZE + 5, days_from_now=5):
        RegistrationFactory(event=event, participant=user, organisation=organisation)
    client.force_login(user)
    first = client.get(reverse("events:my_registrations"))
    assert len(first.context["registrations"]) == views.MY_PAGE_SIZE
    second = client.get(reverse("events:my_registrations"), {"strona": 2})
    assert len(second.context["registrations"]) == 5
    assert "Strona 2 z 2" in second.content.decode()


def test_ical_feed_has_the_last_month_and_what_is_coming_up_to_a_limit(client, monkeypatch):
    monkeypatch.setattr(selectors, "FEED_LIMIT", 4)
    old = _events(1, days_from_now=-60)[0]
    recent = _events(1, days_from_now=-10)[0]
    coming = _events(6, days_from_now=10)
    calendar = Calendar.from_ical(client.get(reverse("events:events_feed")).content)
    titles = [str(item["SUMMARY"]) for item in calendar.walk("VEVENT")]
    assert old.title not in titles
    assert titles == [recent.title, *(event.title for event in coming[:3])]


def test_colleague_list_is_capped_with_a_search_for_the_rest(client):
    ConsentTextFactory()
    event = EventFactory()
    user, organisation = member()
    MembershipFactory.create_batch(55, organisation=organisation)
    far = MembershipFactory(organisation=organisation, user__last_name="Żółtowska").user
    client.force_login(user)
    url = reverse("events:registration_create", args=[event.slug])

    response = client.get(url)
    field = response.context["form"].fields["participant"]
    assert len(field.choice_objects()) == 50 and field.has_more
    assert field.choice_objects()[0] == user  # the person registering comes first
    page = response.content.decode()
    assert 'name="osoba"' in page and "najwyżej 50 osób" in page

    found = client.get(url, {"osoba": "Żółtowsk"}).context["form"].fields["participant"]
    assert found.choice_objects() == [user, far] and not found.has_more

    # Anyone of the organisation may be registered, listed or not.
    response = client.post(
        url,
        {
            "organisation": organisation.pk,
            "participant": far.pk,
            "clause_version": "2026-01",
        },
    )
    assert response.status_code == 302
    assert Registration.objects.get(event=event).participant == far
