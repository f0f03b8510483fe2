"""In the events app: names before registration, the RODO clause and health-data consent,
confirmation before cancelling and e-mails worded for who acted, the month filter, photo credits
and demo texts that agree with their own dates."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from events import demo, services
from events.filters import month_choices
from events.models import ConsentText, Event, Question, Registration
from portal import roles
from portal.models import OutboundEmail
from tests.factories import RegionFactory, RoleUserFactory, UserFactory
from tests.partners.factories import MembershipFactory

from .factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    ReportPhotoFactory,
    member,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, consent_text):
    settings.MEDIA_ROOT = tmp_path
    RegionFactory()


def post_registration(client, event, organisation, participant, **extra):
    url = reverse("events:registration_create", args=[event.slug])
    return client.post(
        url, {"organisation": organisation.pk, "participant": participant.pk, **extra}
    )


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["self", "colleague"])
def test_registration_needs_first_and_last_name(client, who):
    event = EventFactory()
    user, organisation = member()
    participant = user
    if who == "colleague":
        participant = MembershipFactory(
            organisation=organisation, user=UserFactory(first_name="Ewa", last_name="")
        ).user
    else:
        user.first_name = ""
        user.save()
    client.force_login(user)
    response = post_registration(client, event, organisation, participant)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Zgłoszenie wymaga imienia i nazwiska uczestnika" in content
    # A link to the account page where people edit their names.
    assert (
        f'href="{reverse("account_profile")}"' in content
        and "aby uzupełnić imię i nazwisko" in content
    )
    assert not Registration.objects.exists() and not OutboundEmail.objects.exists()


# --- RODO: information clause (public task), explicit consent for health data --------------------


def test_form_shows_the_information_clause_without_pretending_consent(client):
    event = EventFactory()
    user, organisation = member()
    client.force_login(user)
    content = client.get(reverse("events:registration_create", args=[event.slug])).content.decode()
    assert reverse("page", args=["rodo"]) in content
    assert "art. 6 ust. 1 lit. e RODO" in content
    assert "Wyrażam zgodę" not in content and 'name="consent"' not in content
    assert 'name="clause_version" value="2026-01"' in content
    response = post_registration(client, event, organisation, user, clause_version="2026-01")
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (
        registration.consent_text.version == "2026-01"
        and registration.health_data_consent_at is None
    )


def test_clause_changed_while_filling_the_form_is_refused(client):
    event = EventFactory()
    user, organisation = member()
    client.force_login(user)
    ConsentText.objects.create(version="2026-02", text="Nowa klauzula informacyjna.")
    response = post_registration(client, event, organisation, user, clause_version="2026-01")
    assert response.status_code == 400
    assert "zmieniła się w trakcie wypełniania formularza" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.fixture
def health_event():
    event = EventFactory()
    diet = QuestionFactory(
        event=event,
        label="Dieta",
        kind=Question.Kind.CHOICE,
        choices="standardowa\nbezglutenowa",
        is_required=True,
        is_health_data=True,
    )
    return event, diet


def test_health_answer_needs_its_own_explicit_consent(client, health_event):
    event, diet = health_event
    user, organisation = member()
    client.force_login(user)
    content = client.get(reverse("events:registration_create", args=[event.slug])).content.decode()
    assert "art. 9 ust. 2 lit. a RODO" in content and 'name="health_data_consent"' in content
    response = post_registration(
        client, event, organisation, user, **{f"q_{diet.pk}": "bezglutenowa"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    # The message stands next to the consent checkbox.
    row = re.search(
        r'<div class="form-row[^"]*has-error[^"]*">(?:(?!<div class="form-row).)*?name="health_data_consent"'
        r'(?:(?!<div class="form-row).)*',
        content,
        re.DOTALL,
    )
    assert (
        row
        and "Odpowiedzi o zdrowiu przekażemy organizatorowi tylko za wyraźną zgodą" in row.group(0)
    )
    assert not Registration.objects.exists()
    response = post_registration(
        client,
        event,
        organisation,
        user,
        health_data_consent="on",
        **{f"q_{diet.pk}": "bezglutenowa"},
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.health_data_consent_at is not None
    assert registration.answers == {str(diet.pk): "bezglutenowa"}


def test_health_question_may_stay_unanswered_without_consent(client, health_event):
    event, _diet = health_event
    user, organisation = member()
    client.force_login(user)
    assert post_registration(client, event, organisation, user).status_code == 302
    registration = Registration.objects.get()
    assert registration.answers == {} and registration.health_data_consent_at is None


def test_service_refuses_health_answer_without_consent(health_event):
    from events import exceptions

    event, diet = health_event
    user, organisation = member()
    with pytest.raises(exceptions.HealthDataConsentMissing):
        services.registration_create(
            event=event,
            participant=user,
            organisation=organisation,
            answers={diet.pk: "bezglutenowa"},
            actor=user,
        )
    assert not Registration.objects.exists()


# --- cancelling: confirm first; the e-mail says who acted -------------------------------------------


def _sent_to(address: str) -> OutboundEmail:
    """Send the queued e-mail as the worker does (its body is rendered when it is sent)."""
    from portal.services import outbox_deliver

    email = OutboundEmail.objects.get(to=address)
    outbox_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.sent_at is not None
    return email


def test_participant_confirms_then_gets_a_thank_you(client, django_capture_on_commit_callbacks):
    registration = RegistrationFactory()
    client.force_login(registration.participant)
    url = reverse("events:registration_cancel", args=[registration.pk])
    assert "Tak, rezygnuję z udziału" in client.get(url).content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED and not OutboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    email = _sent_to(registration.participant.email)
    assert "Rezygnacja przyjęta" in email.subject and "Dziękujemy za informację" in email.body_text


def test_colleague_cancelling_is_named_in_the_email(client):
    registration = RegistrationFactory()
    colleague = MembershipFactory(organisation=registration.organisation).user
    Registration.objects.filter(pk=registration.pk).update(registered_by=colleague)
    client.force_login(colleague)
    page = client.get(
        reverse("events:registration_cancel", args=[registration.pk])
    ).content.decode()
    assert "Tak, anuluj zgłoszenie" in page
    client.post(reverse("events:registration_cancel", args=[registration.pk]))
    email = _sent_to(registration.participant.email)
    assert "Dziękujemy za informację" not in email.body_text
    assert colleague.get_full_name() in email.body_text


def test_staff_cancel_in_the_admin_asks_first_and_is_worded_as_the_organiser(client):
    registration = RegistrationFactory()
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    url = reverse("admin:events_registration_changelist")
    data = {"action": "cancel", ACTION_CHECKBOX_NAME: [registration.pk]}
    response = client.post(url, data)
    assert response.status_code == 200 and "Tak, anuluj zgłoszenia" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED and not OutboundEmail.objects.exists()
    client.post(url, {**data, "confirmed": "yes"})
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    email = _sent_to(registration.participant.email)
    assert (
        "Dziękujemy za informację" not in email.body_text
        and "Rezygnacja przyjęta" not in email.subject
    )
    assert "organizator" in email.body_text


# --- small things ---------------------------------------------------------------------------------


def test_month_filter_offers_future_months_for_upcoming_and_past_ones_for_the_archive(client):
    today = timezone.localdate()
    this_month = today.strftime("%Y-%m")
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    next_month = (today.replace(day=28) + timedelta(days=5)).strftime("%Y-%m")
    upcoming = [value for value, _label in month_choices()]
    archive = [value for value, _label in month_choices(past=True)]
    assert upcoming[0] == this_month and next_month in upcoming and last_month not in upcoming
    assert archive[0] == this_month and last_month in archive and next_month not in archive
    content = client.get(reverse("events:event_list")).content.decode()
    assert f'value="{next_month}"' in content and f'value="{last_month}"' not in content
    content = client.get(reverse("events:event_list"), {"okres": "archiwum"}).content.decode()
    assert f'value="{last_month}"' in content and f'value="{next_month}"' not in content


@pytest.mark.parametrize("credit", ["Fot. Jan Kos", "fot.Jan Kos", "Foto: Jan Kos", "Jan Kos"])
def test_photo_credit_is_printed_once(client, credit):
    photo = ReportPhotoFactory(credit=credit)
    content = client.get(photo.report.event.get_absolute_url()).content.decode()
    assert "Fot. Jan Kos" in content and not re.search(
        r"Fot\.\s*(Fot|Foto)", content, re.IGNORECASE
    )


def test_demo_texts_agree_with_their_dates(settings, tmp_path):
    from portal import demo as portal_demo
    from portal.models import NewsItem

    settings.MEDIA_ROOT = tmp_path
    portal_demo.load()
    demo.load()
    visit = Event.objects.get(slug="wizyta-studyjna-wielkopolska")
    days = (timezone.localdate(visit.ends_at) - timezone.localdate(visit.starts_at)).days + 1
    words = {2: "dwudniow", 3: "trzydniow"}
    texts = [
        visit.summary,
        visit.description,
        *NewsItem.objects.values_list("title", flat=True),
        *NewsItem.objects.values_list("lead", flat=True),
    ]
    joined = " ".join(texts).lower()
    assert words[days] in joined or "trzy dni" in joined
    assert all(word not in joined for number, word in words.items() if number != days)
    # Demo dates are relative to the day it is loaded, so no text names a season.
    seasons = re.compile(r"jesien|jesień|zimow|zimą|wiosen|wiosną|letni|latem")
    published = Event.objects.exclude(state=Event.State.DRAFT)
    for text in [
        *texts,
        *published.values_list("title", flat=True),
        *published.values_list("summary", flat=True),
    ]:
        assert not seasons.search(text.lower()), text
    # Diet and accessibility questions are flagged as health data in the demo.
    assert visit.questions.get(label="Dieta").is_health_data
