"""Pages of the events app: calendar, event page, registration, my registrations, iCal."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.models import Event, Question, Registration
from partners.models import Membership
from tests.factories import StaffUserFactory, UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory, SubregionFactory

from .factories import AgendaItemFactory, EventFactory, QuestionFactory, RegistrationFactory, member

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _consent(consent_text):
    return consent_text


def form_data(organisation, participant, **answers):
    return {"organisation": organisation.pk, "participant": participant.pk, **answers}


# --- calendar ----------------------------------------------------------------------------


def test_calendar_lists_published_upcoming_and_hides_drafts(client):
    visible = EventFactory(title="Spotkanie OWES w Słupsku")
    EventFactory(title="Szkic wydarzenia", state=Event.State.DRAFT)
    past = EventFactory(
        title="Dawne forum",
        starts_at=timezone.now() - timedelta(days=10),
        state=Event.State.FINISHED,
    )
    response = client.get(reverse("events:event_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert visible.title in content
    assert "Szkic wydarzenia" not in content
    assert past.title not in content
    archive = client.get(reverse("events:event_list"), {"okres": "archiwum"}).content.decode()
    assert past.title in archive and visible.title not in archive


def test_calendar_filters_by_type_month_subregion_and_target_group(client):
    from events.models import TargetGroup

    north = SubregionFactory(slug="slupski")
    study_visit = EventFactory(type=Event.Type.STUDY_VISIT, title="Wizyta studyjna A")
    study_visit.subregions.add(north)
    study_visit.target_groups.add(TargetGroup.objects.get(kind="jst"))
    meeting = EventFactory(
        type=Event.Type.MEETING, title="Spotkanie B", starts_at=timezone.now() + timedelta(days=70)
    )
    url = reverse("events:event_list")

    def titles(params):
        return [e.title for e in client.get(url, params).context["page_obj"].object_list]

    assert titles({"typ": "study_visit"}) == ["Wizyta studyjna A"]
    assert titles({"subregion": "slupski"}) == ["Wizyta studyjna A"]
    assert titles({"dla": "jst"}) == ["Wizyta studyjna A"]
    month = timezone.localtime(meeting.starts_at).strftime("%Y-%m")
    assert titles({"miesiac": month}) == ["Spotkanie B"]
    assert set(titles({})) == {"Wizyta studyjna A", "Spotkanie B"}


def test_home_page_shows_upcoming_events(client):
    EventFactory(title="Konferencja regionalna", venue_city="Gdynia")
    content = client.get("/").content.decode()
    assert "Konferencja regionalna" in content and "Gdynia" in content


# --- event page --------------------------------------------------------------------------


def test_event_page_shows_agenda_free_places_and_cofinancing(client):
    event = EventFactory(
        type=Event.Type.STUDY_VISIT, capacity=5, starts_at=timezone.now() + timedelta(days=20)
    )
    event.ends_at = event.starts_at + timedelta(days=1, hours=8)
    event.save()
    AgendaItemFactory(event=event, title="Wizyta w CUS", address="ul. Szkolna 8, Wierzbno")
    AgendaItemFactory(
        event=event,
        title="Zakład aktywności zawodowej",
        day=timezone.localdate(event.starts_at) + timedelta(days=1),
    )
    RegistrationFactory(event=event)
    content = client.get(event.get_absolute_url()).content.decode()
    assert "Plan wizyty dzień po dniu" in content
    assert "Dzień 2" in content and "ul. Szkolna 8, Wierzbno" in content
    assert "4 wolne miejsca" in content
    assert event.funding_project.cofinancing_notice in content
    assert event.funding_project.sub_measure in content


def test_event_page_says_waitlist_when_full_and_why_button_is_disabled(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    content = client.get(event.get_absolute_url()).content.decode()
    assert "Brak wolnych miejsc – zapisy na listę rezerwową" in content
    assert "Zapisy wymagają zalogowania" in content
    user, _ = member()
    client.force_login(user)
    content = client.get(event.get_absolute_url()).content.decode()
    assert "Zapisz się na listę rezerwową" in content


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"state": Event.State.CANCELLED}, "Wydarzenie zostało odwołane."),
        ({"registration_closes_at_delta": -1}, "Zapisy zostały zakończone."),
        ({"registration_opens_at_delta": 2}, "Zapisy rozpoczną się"),
    ],
)
def test_disabled_button_states_the_reason(client, changes, reason):
    event = EventFactory()
    if "state" in changes:
        event.state = changes["state"]
    if "registration_closes_at_delta" in changes:
        event.registration_closes_at = timezone.now() + timedelta(
            days=changes["registration_closes_at_delta"]
        )
    if "registration_opens_at_delta" in changes:
        event.registration_opens_at = timezone.now() + timedelta(
            days=changes["registration_opens_at_delta"]
        )
    event.save()
    user, _ = member()
    client.force_login(user)
    content = client.get(event.get_absolute_url()).content.decode()
    assert reason in content and "disabled" in content


def test_user_without_organisation_is_told_to_join_one(client):
    client.force_login(UserFactory())
    content = client.get(EventFactory().get_absolute_url()).content.decode()
    assert "dołączyć do swojej organizacji" in content
    assert reverse("partners:organisation_list") in content


def test_user_with_pending_join_request_is_told_it_waits_for_approval(client):
    membership = MembershipFactory(
        status=Membership.Status.PENDING, organisation=OrganisationFactory(name="OWES Południe")
    )
    client.force_login(membership.user)
    content = client.get(EventFactory().get_absolute_url()).content.decode()
    assert "Prośba o dołączenie do organizacji „OWES Południe” czeka na zatwierdzenie" in content
    assert "dołączyć do swojej organizacji" not in content


def test_draft_is_404_for_public_and_visible_to_staff(client):
    draft = EventFactory(state=Event.State.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(StaffUserFactory())
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert f"/admin/events/registration/?event__id__exact={draft.pk}" in response.content.decode()


# --- registration ------------------------------------------------------------------------


def test_register_self_with_answers(client, django_capture_on_commit_callbacks):
    event = EventFactory()
    diet = QuestionFactory(
        event=event,
        kind=Question.Kind.CHOICE,
        choices="standardowa\nwegańska",
        is_required=True,
        label="Dieta",
    )
    user, organisation = member()
    client.force_login(user)
    url = reverse("events:registration_create", args=[event.slug])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(organisation, user, **{f"q_{diet.pk}": "wegańska"}))
    assert response.status_code == 302 and response.url == reverse("events:my_registrations")
    registration = Registration.objects.get(event=event, participant=user)
    assert registration.status == Status.CONFIRMED
    assert registration.answers == {str(diet.pk): "wegańska"}
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments
    page = client.get(reverse("events:my_registrations")).content.decode()
    assert event.title in page and "potwierdzone" in page


def test_register_colleague(client):
    event = EventFactory()
    user, organisation = member()
    colleague = MembershipFactory(organisation=organisation).user
    client.force_login(user)
    response = client.post(
        reverse("events:registration_create", args=[event.slug]), form_data(organisation, colleague)
    )
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    assert registration.participant == colleague and registration.registered_by == user
    # The colleague sees it too.
    client.force_login(colleague)
    assert event.title in client.get(reverse("events:my_registrations")).content.decode()


def test_missing_required_answer_shows_polish_error_and_saves_nothing(client):
    event = EventFactory()
    QuestionFactory(event=event, kind=Question.Kind.YES_NO, is_required=True, label="Nocleg")
    user, organisation = member()
    client.force_login(user)
    response = client.post(
        reverse("events:registration_create", args=[event.slug]), form_data(organisation, user)
    )
    assert response.status_code == 400
    assert "Odpowiedź na to pytanie jest wymagana." in response.content.decode()
    assert not Registration.objects.exists()


def test_registering_twice_gives_clear_message(client):
    event = EventFactory()
    user, organisation = member()
    client.force_login(user)
    url = reverse("events:registration_create", args=[event.slug])
    client.post(url, form_data(organisation, user))
    response = client.post(url, form_data(organisation, user))
    assert response.status_code == 400
    assert "Ta osoba jest już zapisana na to wydarzenie." in response.content.decode()
    assert Registration.objects.count() == 1


def test_cannot_register_for_organisation_one_does_not_belong_to(client):
    event = EventFactory()
    user, _organisation = member()
    other = OrganisationFactory()
    client.force_login(user)
    response = client.post(
        reverse("events:registration_create", args=[event.slug]), form_data(other, user)
    )
    assert response.status_code == 400
    assert "Wybierz poprawną wartość" in response.content.decode()  # not even offered in the select
    assert not Registration.objects.exists()


def test_cannot_register_person_from_other_organisation(client):
    event = EventFactory()
    user, organisation = member()
    stranger = MembershipFactory().user
    client.force_login(user)
    response = client.post(
        reverse("events:registration_create", args=[event.slug]), form_data(organisation, stranger)
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_colleague_who_is_member_of_another_of_my_organisations_is_refused_for_wrong_one(client):
    event = EventFactory()
    user, first = member()
    second = MembershipFactory(user=user).organisation
    colleague_of_second = MembershipFactory(organisation=second).user
    client.force_login(user)
    response = client.post(
        reverse("events:registration_create", args=[event.slug]),
        form_data(first, colleague_of_second),
    )
    assert response.status_code == 400
    assert "nie jest zatwierdzonym członkiem tej organizacji" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("state", [Event.State.CANCELLED, Event.State.FINISHED])
def test_registration_page_for_closed_event_redirects_with_reason(client, state):
    event = EventFactory(state=state)
    user, organisation = member()
    client.force_login(user)
    response = client.post(
        reverse("events:registration_create", args=[event.slug]),
        form_data(organisation, user),
        follow=True,
    )
    assert not Registration.objects.exists()
    assert response.redirect_chain[-1][0] == event.get_absolute_url()


def test_registration_after_deadline_refused(client):
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))
    user, organisation = member()
    client.force_login(user)
    response = client.post(
        reverse("events:registration_create", args=[event.slug]),
        form_data(organisation, user),
        follow=True,
    )
    assert "Zapisy zostały zakończone." in response.content.decode()
    assert not Registration.objects.exists()


def test_pending_membership_cannot_register(client):
    event = EventFactory()
    pending = MembershipFactory(status=Membership.Status.PENDING)
    client.force_login(pending.user)
    response = client.get(reverse("events:registration_create", args=[event.slug]), follow=True)
    assert "czeka na zatwierdzenie" in response.content.decode()


def test_registration_requires_login(client):
    event = EventFactory()
    response = client.get(reverse("events:registration_create", args=[event.slug]))
    assert response.status_code == 302 and "/konto/login/" in response.url


# --- my registrations and cancelling -----------------------------------------------------


def test_participant_cancels_and_waitlist_is_promoted(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    mine = RegistrationFactory(event=event)
    waiting = RegistrationFactory(
        event=event, status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    client.force_login(mine.participant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:registration_cancel", args=[mine.pk]), follow=True)
    assert "zostało anulowane" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert [m.to for m in mail.outbox if "Zwolniło się miejsce" in m.subject] == [
        [waiting.participant.email]
    ]


def test_cannot_cancel_someone_elses_registration(client):
    registration = RegistrationFactory()
    stranger, _ = member()
    client.force_login(stranger)
    assert (
        client.post(reverse("events:registration_cancel", args=[registration.pk])).status_code
        == 404
    )
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_cancel_after_deadline_shows_message(client):
    event = EventFactory(cancellation_deadline=timezone.now() - timedelta(hours=1))
    registration = RegistrationFactory(event=event)
    client.force_login(registration.participant)
    response = client.post(
        reverse("events:registration_cancel", args=[registration.pk]), follow=True
    )
    assert "Termin rezygnacji minął" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_cancel_get_only_asks_for_confirmation(client):
    registration = RegistrationFactory()
    client.force_login(registration.participant)
    response = client.get(reverse("events:registration_cancel", args=[registration.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tak, rezygnuję z udziału" in content and 'method="post"' in content
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_my_registrations_shows_waitlist_position(client):
    event = EventFactory(capacity=0)
    first = RegistrationFactory(event=event, status=Status.WAITLISTED, waitlisted_at=timezone.now())
    second = RegistrationFactory(
        event=event, status=Status.WAITLISTED, waitlisted_at=timezone.now() + timedelta(seconds=1)
    )
    client.force_login(second.participant)
    content = client.get(reverse("events:my_registrations")).content.decode()
    assert "lista rezerwowa" in content and "miejsce w kolejce: 2" in content
    assert first.participant.email not in content


# --- iCal --------------------------------------------------------------------------------


def test_feed_lists_published_events_with_stable_uids(client):
    published = EventFactory(title="Spotkanie w Gdyni")
    EventFactory(title="Szkic", state=Event.State.DRAFT)
    response = client.get(reverse("events:events_feed"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Spotkanie w Gdyni"]
    uid = str(events[0]["UID"])
    published.title = "Spotkanie w Gdyni (zmiana sali)"
    published.save()
    again = Calendar.from_ical(client.get(reverse("events:events_feed")).content).walk("VEVENT")
    assert str(again[0]["UID"]) == uid
    assert events[0]["DTSTART"].dt.tzinfo is not None
    assert "Europe/Warsaw" in response.content.decode()


def test_single_event_ics(client):
    event = EventFactory()
    response = client.get(reverse("events:event_ics", args=[event.slug]))
    assert response.status_code == 200 and b"BEGIN:VEVENT" in response.content


def test_waitlisted_because_of_organisation_limit_is_told_so(client):
    event = EventFactory(capacity=5, per_organisation_limit=1)
    user, organisation = member()
    RegistrationFactory(event=event, organisation=organisation)
    client.force_login(user)
    response = client.post(
        reverse("events:registration_create", args=[event.slug]),
        form_data(organisation, user),
        follow=True,
    )
    assert "Organizacja wykorzystała limit miejsc" in response.content.decode()
    assert Registration.objects.get(event=event, participant=user).status == Status.WAITLISTED


@pytest.mark.parametrize(
    "params", [{"miesiac": "2026-13"}, {"subregion": "nie-ma"}, {"typ": "x"}, {"strona": "abc"}]
)
def test_bad_filter_values_never_500(client, params):
    EventFactory()
    response = client.get(reverse("events:event_list"), params)
    assert response.status_code == 200


def test_my_registrations_shows_queue_positions_with_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    user, organisation = member()
    base = timezone.now()
    for index in range(5):
        event = EventFactory()
        # Two people queued before the user on every event, one after.
        for offset, participant in ((1, None), (2, None), (10, user), (20, None)):
            RegistrationFactory(
                event=event,
                organisation=organisation,
                status=Registration.Status.WAITLISTED,
                waitlisted_at=base + timedelta(minutes=index * 100 + offset),
                **(
                    {"participant": participant, "registered_by": participant}
                    if participant
                    else {}
                ),
            )
    client.force_login(user)
    # 6 for the page, 1 for the account menu (JST membership and expert status in one query).
    with django_assert_max_num_queries(7):
        response = client.get(reverse("events:my_registrations"))
    positions = [registration.queue_position for registration in response.context["registrations"]]
    assert positions == [3] * 5
