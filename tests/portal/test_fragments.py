"""Parts of the public pages kept for visitors (portal.fragments): served from the
cache without reading the database, and never older than the data they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.models import Event
from portal import fragments
from tests.events.factories import ConsentTextFactory, EventFactory, RegistrationFactory, member
from tests.factories import StaffUserFactory
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit_time_replacement(settings):
    """Production's path: versions replaced only when a transaction commits (these tests commit
    for real: ``transaction=True``)."""
    settings.FRAGMENTS_REPLACE_BEFORE_COMMIT = False


def test_a_visitor_is_served_the_kept_event_page_without_reading_the_event(client):
    event = EventFactory(capacity=3)
    first = client.get(event.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(event.get_absolute_url()).content.decode()
    main = slice(first.index("<main"), first.index("</main>"))
    assert second[main] == first[main] and "3 wolne miejsca" in second
    assert not [q for q in queries.captured_queries if "events_event" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_a_registration_shows_at_once_on_the_visitors_event_page_and_calendar(
    client, commit_time_replacement
):
    ConsentTextFactory()
    event = EventFactory(capacity=3)
    assert "3 wolne miejsca" in client.get(event.get_absolute_url()).content.decode()
    assert "3 wolne miejsca" in client.get(reverse("events:event_list")).content.decode()
    user, organisation = member()
    event_services.registration_create(
        event=event, participant=user, organisation=organisation, answers={}, actor=user
    )
    assert "2 wolne miejsca" in client.get(event.get_absolute_url()).content.decode()
    assert "2 wolne miejsca" in client.get(reverse("events:event_list")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_event_taken_back_to_draft_is_gone_for_visitors_at_once(client, commit_time_replacement):
    event = EventFactory()
    assert client.get(event.get_absolute_url()).status_code == 200
    event.state = Event.State.DRAFT
    event.save()
    assert client.get(event.get_absolute_url()).status_code == 404
    assert event.title not in client.get(reverse("events:event_list")).content.decode()


def test_signed_in_people_never_get_the_visitors_copy(client):
    event = EventFactory()
    RegistrationFactory(event=event)
    visitor_page = client.get(event.get_absolute_url()).content.decode()
    assert "Zaloguj się" in visitor_page
    staff = StaffUserFactory()
    client.force_login(staff)
    staff_page = client.get(event.get_absolute_url()).content.decode()
    assert staff_page != visitor_page and staff.email in staff_page


def test_polish_and_english_are_kept_apart(client):
    event = EventFactory(title_pl="Spotkanie sieci", title_en="Network meeting")
    assert "Spotkanie sieci" in client.get(event.get_absolute_url()).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(event.get_absolute_url()).content.decode()
    assert "Network meeting" in english and "Spotkanie sieci" not in english


@pytest.mark.django_db(transaction=True)
def test_a_renamed_organisation_shows_at_once_in_the_catalogue(client, commit_time_replacement):
    organisation = OrganisationFactory(
        name="Spółdzielnia Socjalna Pierwsza", is_public=True, is_verified=True
    )
    url = reverse("partners:organisation_list")
    assert organisation.name in client.get(url).content.decode()
    organisation.name = "Spółdzielnia Socjalna Druga"
    organisation.save()
    content = client.get(url).content.decode()
    assert "Spółdzielnia Socjalna Druga" in content and "Pierwsza" not in content


@pytest.mark.parametrize(
    ("url_name", "params"),
    [("events:event_list", {"typ": "abc"}), ("partners:organisation_list", {"kind": "abc"})],
)
def test_a_failed_filter_still_shows_the_error_summary_when_kept(client, url_name, params):
    for _ in range(2):  # rendered, then from the cache
        content = client.get(reverse(url_name), params).content.decode()
        assert "<title>Błąd:" in content and "Formularz zawiera błędy" in content


def test_a_part_with_a_csrf_token_is_never_kept(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    builds = []

    def build():
        builds.append(1)
        return {"content": '<input name="csrfmiddlewaretoken" value="secret">'}, 600

    for _ in range(2):
        fragments.cached_for_visitors(request, namespaces=("events",), parts=("t",), build=build)
    assert len(builds) == 2


def test_kept_until_the_page_changes_by_itself():
    now = timezone.now()
    soon, later = now + timedelta(seconds=90), now + timedelta(days=3)
    assert (
        fragments.seconds_until_next(
            [None, now - timedelta(days=1), later, soon], now=now, longest=600
        )
        == 90
    )
    assert fragments.seconds_until_next([later], now=now, longest=600) == 600


def _version(namespace):
    from django.core.cache import cache

    return cache.get(fragments.VERSION_KEY.format(namespace))


def _watched_models():
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if model._meta.db_table in fragments._namespaces_of_table
    ]


@pytest.mark.parametrize("model", _watched_models(), ids=lambda model: model._meta.label)
def test_an_update_without_signals_replaces_the_version_of_every_watched_model(model):
    from django.db.models import F

    namespaces = fragments._namespaces_of_table[model._meta.db_table]
    before = {namespace: fragments._versions((namespace,)) for namespace in namespaces}
    # A statement that matches no row still names the table: the version goes, which is safe.
    pk = model._meta.pk.attname
    model._base_manager.filter(pk=-1).update(**{pk: F(pk)})
    for namespace in namespaces:
        assert _version(namespace) != before[namespace], (model._meta.label, namespace)


def test_a_read_replaces_no_version():
    before = fragments._versions(("events",))
    list(Event.objects.all())
    assert _version("events") == before


@pytest.mark.django_db(transaction=True)
def test_an_event_renamed_with_update_shows_at_once_to_visitors(client, commit_time_replacement):
    event = EventFactory(title="Forum przed zmianą")
    assert "Forum przed zmianą" in client.get(event.get_absolute_url()).content.decode()
    assert "Forum przed zmianą" in client.get(reverse("events:event_list")).content.decode()
    Event.objects.filter(pk=event.pk).update(title="Forum po zmianie")
    assert "Forum po zmianie" in client.get(event.get_absolute_url()).content.decode()
    assert "Forum po zmianie" in client.get(reverse("events:event_list")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_bulk_update_and_queryset_update_show_at_once_in_the_catalogue(
    client, commit_time_replacement
):
    from partners.models import Organisation

    first, second = (
        OrganisationFactory(name=name, is_public=True, is_verified=True)
        for name in ("Spółdzielnia Socjalna Alfa", "Spółdzielnia Socjalna Beta")
    )
    url = reverse("partners:organisation_list")
    assert "Alfa" in client.get(url).content.decode()
    first.name = "Spółdzielnia Socjalna Gamma"
    Organisation.objects.bulk_update([first], ["name"])
    content = client.get(url).content.decode()
    assert "Gamma" in content and "Alfa" not in content
    Organisation.objects.filter(pk=second.pk).update(is_public=False)
    assert "Beta" not in client.get(url).content.decode()
