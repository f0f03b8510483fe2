"""Walk-ins: people added at check-in without registering, present at once and counted apart."""

import html
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from events import exceptions, services_walk_ins
from events.models import Attendance, Event, Registration, SessionPlace
from portal import roles
from portal.models import AuditLogEntry, User
from reporting import metrics
from reporting.metrics import Scope
from reporting.models import Metric
from tests.concurrency import run_together
from tests.factories import RegionFactory, RoleUserFactory, UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory

from .factories import (
    AttendanceFactory,
    EventFactory,
    EventSessionFactory,
    RegistrationFactory,
    SessionSlotFactory,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _consent(consent_text):
    RegionFactory()
    return consent_text


@pytest.fixture
def running_event():
    """An event that started an hour ago (check-in is open)."""
    start = timezone.now() - timedelta(hours=1)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=5))


@pytest.fixture
def desk():
    return RoleUserFactory(role=roles.EVENTS_COORDINATOR)


def today(event):
    return timezone.localdate(event.starts_at)


def add(event, desk, **kwargs):
    kwargs.setdefault("organisation", OrganisationFactory())
    return services_walk_ins.walk_in_add(event=event, day=today(event), actor=desk, **kwargs)


def test_a_new_person_is_added_present_and_flagged(running_event, desk):
    organisation = OrganisationFactory(name="Spółdzielnia Socjalna Razem")
    registration, created = add(
        running_event,
        desk,
        email=" Ewa.Nowak@Example.org ",
        first_name="Ewa",
        last_name="Nowak",
        organisation=organisation,
    )
    assert created
    assert registration.is_walk_in and registration.status == Status.CONFIRMED
    assert registration.organisation == organisation and registration.registered_by == desk
    person = registration.participant
    assert (person.email, person.get_full_name()) == ("ewa.nowak@example.org", "Ewa Nowak")
    assert not person.has_usable_password()
    attendance = Attendance.objects.get(registration=registration)
    assert attendance.is_present and attendance.day == today(running_event)
    assert attendance.marked_by == desk
    assert AuditLogEntry.objects.filter(action="events.registration.walk_in").count() == 1


def test_adding_the_same_person_twice_duplicates_nothing(running_event, desk):
    organisation = OrganisationFactory()
    details = {"email": "jan@example.org", "first_name": "Jan", "last_name": "Kos"}
    first, created = add(running_event, desk, organisation=organisation, **details)
    again, created_again = add(running_event, desk, organisation=organisation, **details)
    by_account, created_third = add(
        running_event, desk, organisation=organisation, person=first.participant
    )
    assert created and not created_again and not created_third
    assert first.pk == again.pk == by_account.pk
    assert Registration.objects.filter(event=running_event).count() == 1
    assert User.objects.filter(email="jan@example.org").count() == 1
    assert Attendance.objects.filter(registration=first).count() == 1
    assert AuditLogEntry.objects.filter(action="events.registration.walk_in").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_desks_adding_the_same_person_at_once_create_one_registration(consent_text):
    start = timezone.now() - timedelta(hours=1)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=5))
    organisation = OrganisationFactory()
    desks = [RoleUserFactory(role=roles.EVENTS_COORDINATOR) for _ in range(4)]

    def job(desk):
        return lambda: services_walk_ins.walk_in_add(
            event=event,
            day=today(event),
            organisation=organisation,
            email="anna@example.org",
            first_name="Anna",
            last_name="Lis",
            actor=desk,
        )[1]

    results, errors = run_together([job(desk) for desk in desks])
    assert errors == [None] * 4
    assert sorted(results) == [False, False, False, True]
    assert Registration.objects.filter(event=event).count() == 1
    assert Attendance.objects.filter(registration__event=event).count() == 1


def test_an_existing_account_is_used_and_a_confirmed_participant_is_only_marked_present(
    running_event, desk
):
    listed = RegistrationFactory(event=running_event)
    registration, created = add(running_event, desk, email=listed.participant.email.upper())
    assert not created and registration.pk == listed.pk and not registration.is_walk_in
    assert Attendance.objects.get(registration=listed).is_present
    assert not AuditLogEntry.objects.filter(action="events.registration.walk_in").exists()


def test_a_waitlisted_person_who_came_gets_the_place_as_a_walk_in(running_event, desk):
    waiting = RegistrationFactory(
        event=running_event, status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    registration, created = add(running_event, desk, person=waiting.participant)
    assert not created and registration.pk == waiting.pk
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED and registration.is_walk_in


def test_missing_details_are_refused_in_polish_and_nothing_is_saved(running_event, desk):
    with pytest.raises(exceptions.WalkInInvalid) as refused:
        add(running_event, desk, email="nie-e-mail", first_name="", last_name="")
    assert refused.value.errors == {
        "email": "Prosimy podać poprawny adres e-mail.",
        "first_name": "Prosimy podać imię (trafia na listę obecności).",
        "last_name": "Prosimy podać nazwisko (trafia na listę obecności).",
    }
    assert not Registration.objects.exists()


@pytest.mark.parametrize("role", [None, roles.REPORTING, roles.REGISTRY_EDITOR])
def test_only_check_in_staff_add_walk_ins(running_event, role):
    with pytest.raises(exceptions.CheckInNotAllowed):
        add(
            running_event,
            RoleUserFactory(role=role),
            email="x@example.org",
            first_name="X",
            last_name="Y",
        )
    assert not Registration.objects.exists()


@pytest.mark.parametrize("state", [Event.State.DRAFT, Event.State.CANCELLED])
def test_walk_ins_only_at_held_events(desk, state):
    event = EventFactory(state=state)
    with pytest.raises(exceptions.InvalidTransition):
        add(event, desk, email="x@example.org", first_name="X", last_name="Y")
    assert not Registration.objects.exists()


def test_a_walk_in_can_join_a_workshop_with_room_but_not_a_full_one(running_event, desk):
    slot = SessionSlotFactory(event=running_event)
    full = EventSessionFactory(slot=slot, capacity=1, title="Warsztat pełny")
    free = EventSessionFactory(slot=slot, capacity=5)
    holder = RegistrationFactory(event=running_event)
    SessionPlace.objects.create(registration=holder, slot=slot, session=full)
    with pytest.raises(exceptions.SessionFull):
        add(running_event, desk, email="a@example.org", first_name="A", last_name="B", session=full)
    assert not Registration.objects.filter(is_walk_in=True).exists()
    registration, _created = add(
        running_event, desk, email="a@example.org", first_name="A", last_name="B", session=free
    )
    assert registration.session_places.get().session == free


def test_walk_ins_count_as_people_present_in_reporting_but_not_in_the_turnout(desk):
    start = timezone.now() - timedelta(days=2)
    event = EventFactory(
        starts_at=start, ends_at=start + timedelta(hours=5), state=Event.State.FINISHED
    )
    registered = RegistrationFactory(event=event)
    AttendanceFactory(registration=registered)
    RegistrationFactory(event=event)  # registered, never came
    add(event, desk, email="walk@example.org", first_name="Wanda", last_name="Las")
    day = timezone.localdate(start)
    scope = Scope(day, day, funding_project=event.funding_project)
    assert metrics.metric_value(Metric.PEOPLE_ATTENDED, scope) == 2
    assert metrics.attendance_rate(scope) == {
        "confirmed": 2,
        "present": 1,
        "walk_ins": 1,
        "percent": 50,
    }


# --- the check-in page -----------------------------------------------------------------------


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_checkin_page_adds_a_walk_in_from_the_form(client, running_event, desk):
    organisation = OrganisationFactory(name="Fundacja Most")
    client.force_login(desk)
    url = reverse("events:checkin_walk_in", args=[running_event.slug])
    response = client.post(
        url,
        {
            "day": today(running_event).isoformat(),
            "email": "piotr@example.org",
            "first_name": "Piotr",
            "last_name": "Wrona",
            "organisation": organisation.pk,
        },
        follow=True,
    )
    content = page(response)
    assert "Piotr Wrona: dopisano spoza listy zgłoszeń, obecność zapisana." in content
    assert "spoza listy zgłoszeń" in content
    assert "w tym spoza listy zgłoszeń: 1" in content
    assert Registration.objects.get(is_walk_in=True).organisation == organisation


def test_checkin_page_refuses_bad_walk_in_details_next_to_the_fields(client, running_event, desk):
    client.force_login(desk)
    url = reverse("events:checkin_walk_in", args=[running_event.slug])
    response = client.post(url, {"day": today(running_event).isoformat(), "email": "zly"})
    assert response.status_code == 400
    content = page(response)
    assert "Prosimy podać poprawny adres e-mail." in content
    assert "Prosimy wybrać organizację, którą osoba reprezentuje." in content
    assert not Registration.objects.exists()


def test_checkin_search_offers_accounts_outside_the_list(client, running_event, desk):
    membership = MembershipFactory(user=UserFactory(last_name="Zawadzka"))
    client.force_login(desk)
    url = reverse("events:checkin", args=[running_event.slug])
    content = page(client.get(url, {"szukaj": "Zawadzka"}))
    assert "Konta pasujące do „Zawadzka”" in content
    assert f"Dopisz jako obecną osobę ({membership.organisation.name})" in content
    response = client.post(
        reverse("events:checkin_walk_in", args=[running_event.slug]),
        {
            "day": today(running_event).isoformat(),
            "person": membership.user.pk,
            "organisation": membership.organisation.pk,
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(participant=membership.user)
    assert registration.is_walk_in
    # Once added, the account is on the list and no longer offered.
    content = page(client.get(url, {"szukaj": "Zawadzka"}))
    assert "Konta pasujące do" not in content


@pytest.mark.parametrize("role", [None, roles.REPORTING])
def test_walk_in_page_refuses_staff_without_check_in_permission(client, running_event, role):
    client.force_login(RoleUserFactory(role=role))
    response = client.post(
        reverse("events:checkin_walk_in", args=[running_event.slug]),
        {
            "day": today(running_event).isoformat(),
            "email": "a@example.org",
            "first_name": "A",
            "last_name": "B",
            "organisation": OrganisationFactory().pk,
        },
    )
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_walk_in_page_sends_anonymous_visitors_to_sign_in(client, running_event):
    response = client.post(reverse("events:checkin_walk_in", args=[running_event.slug]), {})
    assert response.status_code == 302 and "login" in response["Location"]


def test_attendance_list_shows_walk_ins_and_can_be_per_workshop(client, running_event, desk):
    slot = SessionSlotFactory(event=running_event)
    workshop = EventSessionFactory(slot=slot, title="Klauzule społeczne", host="Ola Mak")
    other = EventSessionFactory(slot=slot, title="Inny warsztat")
    inside = RegistrationFactory(event=running_event, participant=UserFactory(last_name="Wewnątrz"))
    outside = RegistrationFactory(
        event=running_event, participant=UserFactory(last_name="Gdzieindziej")
    )
    SessionPlace.objects.create(registration=inside, slot=slot, session=workshop)
    SessionPlace.objects.create(registration=outside, slot=slot, session=other)
    add(
        running_event,
        desk,
        email="w@example.org",
        first_name="Wit",
        last_name="Dopisany",
        session=workshop,
    )
    client.force_login(desk)
    url = reverse("events:attendance_list_pdf", args=[running_event.slug])

    def text(response):
        assert response.status_code == 200
        return " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
        ).replace("\n", " ")

    whole = text(client.get(url))
    assert "Wewnątrz" in whole and "Gdzieindziej" in whole
    assert "Wit Dopisany (spoza listy zgłoszeń)" in whole
    per_workshop = text(client.get(url, {"warsztat": workshop.pk}))
    assert "Warsztat: Klauzule społeczne" in per_workshop
    assert "Wewnątrz" in per_workshop and "Dopisany" in per_workshop
    assert "Gdzieindziej" not in per_workshop
    # A workshop of another event is 404.
    assert client.get(url, {"warsztat": EventSessionFactory().pk}).status_code == 404


def test_checkin_page_per_workshop_lists_only_its_people(client, running_event, desk):
    slot = SessionSlotFactory(event=running_event)
    workshop = EventSessionFactory(slot=slot, title="Warsztat X")
    inside = RegistrationFactory(event=running_event, participant=UserFactory(last_name="Wewnątrz"))
    RegistrationFactory(event=running_event, participant=UserFactory(last_name="Poza"))
    SessionPlace.objects.create(registration=inside, slot=slot, session=workshop)
    client.force_login(desk)
    url = reverse("events:checkin", args=[running_event.slug])
    content = page(client.get(url, {"warsztat": workshop.pk}))
    assert "Wewnątrz" in content and "Poza" not in content
    assert 'aria-current="page">Warsztat: Warsztat X' in content
    everyone = page(client.get(url))
    assert "Wewnątrz" in everyone and "Poza" in everyone
    # Marking from the workshop tab comes back to it.
    response = client.post(
        url,
        {
            "registration": inside.pk,
            "day": today(running_event).isoformat(),
            "present": "1",
            "warsztat": workshop.pk,
        },
    )
    assert f"warsztat={workshop.pk}" in response["Location"]


def test_walk_in_form_offers_the_event_organisations_or_those_found(client, running_event, desk):
    listed = RegistrationFactory(event=running_event)
    OrganisationFactory(name="Stowarzyszenie Daleko")
    found = OrganisationFactory(name="Fundacja Wspólny Dom", nip="5851001234")
    client.force_login(desk)
    url = reverse("events:checkin", args=[running_event.slug])
    choices = list(client.get(url).context["walk_in_form"].fields["organisation"].queryset)
    assert choices == [listed.organisation]
    for search in ("wspólny", "585-100-12-34"):
        form = client.get(url, {"organizacja": search}).context["walk_in_form"]
        assert list(form.fields["organisation"].queryset) == [found]


def test_walk_in_names_are_checked_like_sign_up_names(running_event, desk):
    with pytest.raises(exceptions.WalkInInvalid) as refused:
        add(running_event, desk, email="jan@example.org", first_name="<b>Jan", last_name="K0wal")
    message = "Proszę wpisać samo imię lub nazwisko, bez cyfr i znaków specjalnych."
    assert refused.value.errors == {"first_name": message, "last_name": message}
    assert not User.objects.filter(email="jan@example.org").exists()


def test_walk_in_names_are_normalised_like_sign_up_names(running_event, desk):
    registration, _created = add(
        running_event, desk, email="ewa@example.org", first_name=" Ewa ", last_name="Nowak  Kos"
    )
    assert registration.participant.get_full_name() == "Ewa Nowak Kos"


def test_checkin_page_refuses_a_walk_in_name_with_an_address_next_to_the_field(
    client, running_event, desk
):
    client.force_login(desk)
    url = reverse("events:checkin_walk_in", args=[running_event.slug])
    response = client.post(
        url,
        {
            "day": today(running_event).isoformat(),
            "email": "anna@example.org",
            "first_name": "Anna",
            "last_name": "anna@example.org",
            "organisation": OrganisationFactory().pk,
        },
    )
    assert response.status_code == 400
    content = page(response)
    assert (
        '<ul class="errorlist" id="id_last_name_error"><li>Proszę wpisać samo imię lub nazwisko, '
        "bez cyfr i znaków specjalnych.</li></ul>"
    ) in content
    assert 'aria-describedby="id_last_name_error" id="id_last_name"' in content
    assert not Registration.objects.exists()
