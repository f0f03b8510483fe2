"""Registration rules: places, waitlist, approval, deadlines, refusals and notifications."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError
from django.test import TestCase
from django.utils import timezone

from events import exceptions, services
from events.models import Event, Question, Registration
from partners.models import Membership
from portal.models import OutboundEmail
from tests.factories import StaffUserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory

from .factories import (
    ConsentTextFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    member,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _consent(consent_text):
    return consent_text


def committed(service, **kwargs):
    """Run a service and then its on-commit callbacks (the test itself runs in a transaction)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


def register(
    event, user=None, organisation=None, participant=None, answers=None, health_data_consent=False
):
    if user is None:
        user, organisation = member(organisation)
    return committed(
        services.registration_create,
        event=event,
        participant=participant or user,
        organisation=organisation,
        answers=answers or {},
        health_data_consent=health_data_consent,
        actor=user,
    )


def test_first_registrations_confirmed_then_waitlisted_in_order():
    event = EventFactory(capacity=2)
    first, second, third, fourth = (register(event) for _ in range(4))
    assert [r.status for r in (first, second, third, fourth)] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert third.waitlisted_at <= fourth.waitlisted_at


def test_confirmation_email_has_ics_attachment_and_consent_version_is_recorded(consent_text):
    event = EventFactory(capacity=5, title="Wizyta studyjna w Gdyni")
    registration = register(event)
    assert registration.consent_text == consent_text
    assert registration.consented_at is not None
    [message] = mail.outbox
    assert message.to == [registration.participant.email]
    assert "Wizyta studyjna w Gdyni" in message.subject
    filename, content, mimetype = message.attachments[0]
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    content = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in content and f"UID:event-{event.pk}@" in content
    assert "TZID=Europe/Warsaw" in content


def test_newest_active_consent_version_is_used():
    ConsentTextFactory(version="2026-02", text="Nowa treść")
    registration = register(EventFactory())
    assert registration.consent_text.version == "2026-02"


def test_cancellation_promotes_oldest_waitlisted_and_emails_them():
    event = EventFactory(capacity=1)
    confirmed = register(event)
    older = register(event)
    younger = register(event)
    mail.outbox.clear()
    committed(services.registration_cancel, registration=confirmed, actor=confirmed.participant)
    older.refresh_from_db()
    younger.refresh_from_db()
    assert older.status == Status.CONFIRMED
    assert younger.status == Status.WAITLISTED
    promoted_mails = [m for m in mail.outbox if m.to == [older.participant.email]]
    assert len(promoted_mails) == 1 and "Zwolniło się miejsce" in promoted_mails[0].subject
    assert promoted_mails[0].attachments  # the .ics comes with a confirmed place


def test_per_organisation_limit_waitlists_and_promotion_skips_blocked_organisation():
    event = EventFactory(capacity=3, per_organisation_limit=1)
    organisation_a = OrganisationFactory()
    organisation_b = OrganisationFactory()
    a1 = register(event, organisation=organisation_a)
    a2 = register(event, organisation=organisation_a)  # limit for A reached
    b1 = register(event, organisation=organisation_b)
    assert (a1.status, a2.status, b1.status) == (
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.CONFIRMED,
    )
    b2 = register(event, organisation=organisation_b)
    c1 = register(event)
    assert b2.status == Status.WAITLISTED and c1.status == Status.CONFIRMED
    # Cancelling B's place: A's waitlisted person (older) is skipped because A is at its limit.
    committed(services.registration_cancel, registration=b1, actor=b1.participant)
    a2.refresh_from_db()
    b2.refresh_from_db()
    assert a2.status == Status.WAITLISTED
    assert b2.status == Status.CONFIRMED


def test_approval_mode_pending_holds_place_and_approval_never_overbooks():
    event = EventFactory(capacity=1, requires_approval=True)
    pending = register(event)
    waiting = register(event)
    assert pending.status == Status.PENDING
    assert waiting.status == Status.WAITLISTED
    staff = StaffUserFactory()
    committed(services.registration_approve, registration=pending, actor=staff)
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED
    with pytest.raises(exceptions.NoPlacesLeft):
        committed(services.registration_move_to_confirmed, registration=waiting, actor=staff)


def test_reject_pending_promotes_waitlisted_to_pending():
    event = EventFactory(capacity=1, requires_approval=True)
    pending = register(event)
    waiting = register(event)
    committed(services.registration_reject, registration=pending, actor=StaffUserFactory())
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING


def test_staff_moves_between_waitlist_and_confirmed():
    event = EventFactory(capacity=1)
    confirmed = register(event)
    waiting = register(event)
    staff = StaffUserFactory()
    committed(services.registration_move_to_waitlist, registration=confirmed, actor=staff)
    committed(services.registration_move_to_confirmed, registration=waiting, actor=staff)
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == Status.WAITLISTED and waiting.status == Status.CONFIRMED


def test_register_colleague_of_same_organisation():
    user, organisation = member()
    colleague = MembershipFactory(organisation=organisation).user
    registration = register(
        EventFactory(), user=user, organisation=organisation, participant=colleague
    )
    assert registration.participant == colleague and registration.registered_by == user
    assert mail.outbox[0].to == [colleague.email]


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        ("twice", exceptions.AlreadyRegistered, "już zapisana"),
        ("closed", exceptions.RegistrationClosed, "Termin zapisów minął"),
        ("not_open", exceptions.RegistrationClosed, "jeszcze się nie rozpoczęły"),
        ("cancelled", exceptions.RegistrationClosed, "odwołane"),
        ("draft", exceptions.RegistrationClosed, "nie przyjmuje"),
        ("foreign_org", exceptions.NotAMember, "do której się należy"),
        ("pending_member", exceptions.NotAMember, "do której się należy"),
        ("colleague_elsewhere", exceptions.ParticipantNotInOrganisation, "nie jest zatwierdzonym"),
        ("no_name", exceptions.ParticipantNameMissing, "imienia i nazwiska"),
    ],
)
def test_bad_input_is_refused_with_polish_message_and_changes_nothing(setup, error, message):
    event = EventFactory()
    user, organisation = member()
    participant = user
    if setup == "twice":
        register(event, user=user, organisation=organisation)
    elif setup == "closed":
        event.registration_closes_at = timezone.now() - timedelta(minutes=1)
    elif setup == "not_open":
        event.registration_opens_at = timezone.now() + timedelta(days=1)
    elif setup == "cancelled":
        event.state = Event.State.CANCELLED
    elif setup == "draft":
        event.state = Event.State.DRAFT
    elif setup == "foreign_org":
        organisation = OrganisationFactory()
    elif setup == "pending_member":
        user = MembershipFactory(organisation=organisation, status=Membership.Status.PENDING).user
        participant = user
    elif setup == "colleague_elsewhere":
        participant = MembershipFactory().user
    elif setup == "no_name":
        participant = MembershipFactory(
            organisation=organisation, user__first_name="", user__last_name=" "
        ).user
    event.save()
    before = Registration.objects.count()
    emails_before = OutboundEmail.objects.count()
    with pytest.raises(error) as raised:
        register(event, user=user, organisation=organisation, participant=participant)
    assert message in str(raised.value)
    assert Registration.objects.count() == before
    assert OutboundEmail.objects.count() == emails_before


def test_required_answers_are_enforced_and_choices_validated():
    event = EventFactory()
    diet = QuestionFactory(
        event=event,
        label="Dieta",
        kind=Question.Kind.CHOICE,
        choices="standardowa\nwegetariańska",
        is_required=True,
    )
    transport = QuestionFactory(
        event=event, label="Transport", kind=Question.Kind.YES_NO, is_required=True
    )
    notes = QuestionFactory(event=event, label="Uwagi", kind=Question.Kind.TEXT)
    with pytest.raises(exceptions.AnswersInvalid) as raised:
        register(event, answers={diet.pk: "mięsna"})
    assert set(raised.value.errors) == {diet.pk, transport.pk}
    assert Registration.objects.count() == 0
    registration = register(
        event, answers={diet.pk: "wegetariańska", transport.pk: "tak", notes.pk: ""}
    )
    assert registration.answers == {str(diet.pk): "wegetariańska", str(transport.pk): "tak"}


def test_cancel_after_deadline_refused_for_participant_but_allowed_for_staff():
    event = EventFactory(cancellation_deadline=timezone.now() + timedelta(days=1))
    registration = register(event)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        with pytest.raises(exceptions.CancellationNotAllowed, match="Termin rezygnacji minął"):
            committed(
                services.registration_cancel,
                registration=registration,
                actor=registration.participant,
            )
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED
        committed(services.registration_cancel, registration=registration, actor=StaffUserFactory())
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_stranger_cannot_cancel():
    registration = register(EventFactory())
    stranger, _ = member()
    with pytest.raises(exceptions.CancellationNotAllowed):
        committed(services.registration_cancel, registration=registration, actor=stranger)


def test_can_register_again_after_cancelling():
    event = EventFactory()
    user, organisation = member()
    first = register(event, user=user, organisation=organisation)
    committed(services.registration_cancel, registration=first, actor=user)
    second = register(event, user=user, organisation=organisation)
    assert second.status == Status.CONFIRMED


def test_database_refuses_two_active_registrations_for_one_person():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError):
        RegistrationFactory(
            event=registration.event,
            participant=registration.participant,
            organisation=registration.organisation,
        )


def test_event_cancel_notifies_everyone_active_once():
    event = EventFactory(capacity=1)
    confirmed = register(event)
    waiting = register(event)
    cancelled = register(event)
    committed(services.registration_cancel, registration=cancelled, actor=cancelled.participant)
    mail.outbox.clear()
    staff = StaffUserFactory()
    committed(services.event_cancel, event=event, actor=staff)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([confirmed.participant.email, waiting.participant.email])
    assert all("odwołane" in m.subject for m in mail.outbox)
    event.refresh_from_db()
    assert event.state == Event.State.CANCELLED
    with pytest.raises(exceptions.InvalidTransition):
        committed(services.event_cancel, event=event, actor=staff)


def test_raising_capacity_and_promoting_fills_from_waitlist_in_order():
    event = EventFactory(capacity=1)
    register(event)
    first_waiting = register(event)
    second_waiting = register(event)
    Event.objects.filter(pk=event.pk).update(capacity=2)
    promoted = committed(services.waitlist_promote, event=event)
    assert [r.pk for r in promoted] == [first_waiting.pk]
    second_waiting.refresh_from_db()
    assert second_waiting.status == Status.WAITLISTED


def test_reminders_enqueue_run_twice_creates_each_reminder_once():
    soon = EventFactory(starts_at=timezone.now() + timedelta(hours=30), registration_closes_at=None)
    later = EventFactory(starts_at=timezone.now() + timedelta(days=10))
    confirmed = register(soon)
    register(later)
    waiting_event = EventFactory(starts_at=timezone.now() + timedelta(hours=30), capacity=0)
    assert waiting_event.registrations.count() == 0
    mail.outbox.clear()
    assert committed(services.reminders_enqueue) == 1
    assert committed(services.reminders_enqueue) == 0
    reminders = OutboundEmail.objects.filter(dedup_key__endswith=":reminder")
    assert [r.to for r in reminders] == [confirmed.participant.email]
    assert len(mail.outbox) == 1 and "Przypomnienie" in mail.outbox[0].subject


def test_reminder_not_sent_for_cancelled_registration():
    event = EventFactory(
        starts_at=timezone.now() + timedelta(hours=30), registration_closes_at=None
    )
    registration = register(event)
    committed(
        services.registration_cancel, registration=registration, actor=registration.participant
    )
    assert committed(services.reminders_enqueue) == 0
