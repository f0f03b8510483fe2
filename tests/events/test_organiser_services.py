"""Speakers and guests, copies and series, messages, reminders."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone

from events import exceptions, selectors, services
from events import services_organiser as organiser
from events.models import (
    Event,
    EventMessage,
    EventSeries,
    EventSession,
    EventSpeaker,
    Registration,
    SessionSlot,
)
from portal import roles
from portal.models import AuditLogEntry, OutboundEmail
from portal.services import outbox_send_due
from portal.tasks import outbox_send_batch
from tests.factories import RoleUserFactory
from tests.partners.factories import OrganisationFactory

from .factories import (
    AgendaItemFactory,
    AttendanceFactory,
    ConsentTextFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return RoleUserFactory(role=roles.EVENTS_COORDINATOR)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# --- speakers and guests ---------------------------------------------------------------------


def test_speaker_needs_an_account_or_a_name(coordinator):
    event = EventFactory()
    with pytest.raises(exceptions.SpeakerInvalid):
        organiser.speaker_save(
            speaker=EventSpeaker(event=event, name="  "), actor=coordinator, created=True
        )
    assert not EventSpeaker.objects.exists()


def test_speaker_leads_agenda_items_of_the_same_event_only(coordinator):
    event = EventFactory()
    own = AgendaItemFactory(event=event, title="Panel")
    other = AgendaItemFactory(title="Cudzy punkt")
    speaker = EventSpeaker(
        event=event,
        name="Ewa Lis",
        organisation_name="Instytucja Zarządzająca FEP",
        role=EventSpeaker.Role.AUTHORITY_GUEST,
    )
    with pytest.raises(exceptions.SpeakerInvalid):
        organiser.speaker_save(
            speaker=speaker, actor=coordinator, created=True, agenda_items=[own, other]
        )
    assert not EventSpeaker.objects.exists()
    organiser.speaker_save(speaker=speaker, actor=coordinator, created=True, agenda_items=[own])
    assert list(own.speakers.all()) == [speaker]
    assert AuditLogEntry.objects.filter(action="events.speaker.create").count() == 1


def test_speakers_take_no_place_unless_staff_say_so(coordinator):
    consent = ConsentTextFactory()
    event = EventFactory(capacity=2)
    organiser.speaker_save(
        speaker=EventSpeaker(event=event, name="Prelegentka"), actor=coordinator, created=True
    )
    event.refresh_from_db()
    assert event.places_reserved == 0
    assert selectors.event_places_free(event=event) == 2

    guest = EventSpeaker(event=event, name="Gość z IZ", counts_toward_capacity=True)
    organiser.speaker_save(speaker=guest, actor=coordinator, created=True)
    event.refresh_from_db()
    assert event.places_reserved == 1
    assert selectors.event_places_free(event=event) == 1

    people = [member() for _ in range(2)]
    results = [
        services.registration_create(
            event=event, participant=user, organisation=org, answers={}, actor=user
        )
        for user, org in people
    ]
    assert [r.status for r in results] == ["confirmed", "waitlisted"]
    assert consent

    # Unticking frees the place: the waitlisted person gets it at once.
    guest.counts_toward_capacity = False
    organiser.speaker_save(
        speaker=guest, actor=coordinator, created=False, changed_fields=["counts_toward_capacity"]
    )
    results[1].refresh_from_db()
    assert results[1].status == Registration.Status.CONFIRMED


def test_a_speaker_cannot_take_a_place_when_the_event_is_full(coordinator):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    with pytest.raises(exceptions.NoPlacesLeft) as error:
        organiser.speaker_save(
            speaker=EventSpeaker(event=event, name="Ekspert", counts_toward_capacity=True),
            actor=coordinator,
            created=True,
        )
    assert "zwiększyć liczbę miejsc" in str(error.value)
    assert not EventSpeaker.objects.exists()
    event.refresh_from_db()
    assert event.places_reserved == 0


def test_deleting_a_speaker_who_took_a_place_promotes_the_waitlist(coordinator):
    ConsentTextFactory()
    event = EventFactory(capacity=1)
    speaker = organiser.speaker_save(
        speaker=EventSpeaker(event=event, name="Moderatorka", counts_toward_capacity=True),
        actor=coordinator,
        created=True,
    )
    user, org = member()
    waiting = services.registration_create(
        event=event, participant=user, organisation=org, answers={}, actor=user
    )
    assert waiting.status == Registration.Status.WAITLISTED
    organiser.speaker_delete(speaker=speaker, actor=coordinator)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_speaker_services_refuse_staff_without_the_permission():
    event = EventFactory()
    nobody = RoleUserFactory(role=None)
    reporting = RoleUserFactory(role=roles.REPORTING)
    for actor in (nobody, reporting):
        with pytest.raises(exceptions.NotAllowed):
            organiser.speaker_save(
                speaker=EventSpeaker(event=event, name="X"), actor=actor, created=True
            )
    assert not EventSpeaker.objects.exists()


# --- copies ----------------------------------------------------------------------------------


def test_every_model_pointing_at_an_event_is_either_copied_or_deliberately_left_out():
    """A new related model (e.g. sessions) must be added to one of the two lists."""
    listed = set(organiser.EVENT_COPY_MODELS) | organiser.EVENT_COPY_SKIPPED
    related = {
        model._meta.label
        for model in apps.get_app_config("events").get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.concrete_fields
        if field.is_relation and field.many_to_one and field.related_model is Event
    }
    assert related - listed == set(), "add them to EVENT_COPY_MODELS or EVENT_COPY_SKIPPED"


def _study_visit():
    start = timezone.localdate() + timedelta(days=20)
    event = EventFactory(
        type=Event.Type.STUDY_VISIT,
        title="Wizyta studyjna w Wielkopolsce",
        slug="wizyta-wielkopolska",
        starts_at=_local(start, 7),
        ends_at=_local(start + timedelta(days=2), 19),
        registration_opens_at=_local(start - timedelta(days=14), 9),
        registration_closes_at=_local(start - timedelta(days=7), 23, 59),
        cancellation_deadline=_local(start - timedelta(days=5), 12),
        capacity=25,
        per_organisation_limit=2,
        requires_approval=True,
        reminder_hours=[168, 24],
    )
    from events.models import TargetGroup

    event.target_groups.set([TargetGroup.objects.get_or_create(kind="jst")[0]])
    items = [
        AgendaItemFactory(
            event=event,
            day=start + timedelta(days=offset),
            starts_at=time(9 + offset),
            ends_at=time(11 + offset),
            title=f"Przystanek {offset + 1}",
            place=f"Miejsce {offset + 1}",
            address=f"ul. Polna {offset + 1}",
        )
        for offset in range(3)
    ]
    QuestionFactory(event=event, label="Dieta", kind="choice", choices="standardowa\nwegańska")
    QuestionFactory(event=event, label="Przystanek", kind="text")
    host = EventSpeaker.objects.create(
        event=event,
        name="Kierownik ZAZ",
        organisation=OrganisationFactory(name="ZAZ Dobre Ręce"),
        role=EventSpeaker.Role.HOST,
        counts_toward_capacity=True,
    )
    host.agenda_items.set(items[1:])
    event.places_reserved = 1
    event.save()
    slot = SessionSlot.objects.create(
        event=event,
        title="Warsztaty w grupach",
        starts_at=_local(start + timedelta(days=1), 16, 30),
        ends_at=_local(start + timedelta(days=1), 18),
    )
    for number in (1, 2):
        EventSession.objects.create(
            event=event,
            slot=slot,
            title=f"Warsztat {number}",
            host="Moderatorka ROPS",
            room=f"Sala {number}",
            capacity=10 + number,
            results="Ustalenia z pierwszego terminu",
            results_updated_at=timezone.now(),
        )
    RegistrationFactory(event=event)  # stays with the original
    return event, items


def test_copy_preserves_every_related_row_and_shifts_dates(coordinator):
    event, items = _study_visit()
    new_start = timezone.localdate(event.starts_at) + timedelta(days=28)

    copy = organiser.event_copy(event=event, starts_on=new_start, actor=coordinator)

    assert copy.pk != event.pk and copy.state == Event.State.DRAFT
    assert copy.slug == f"wizyta-wielkopolska-{new_start:%Y-%m-%d}"
    shift = timedelta(days=28)
    for name in (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
        "cancellation_deadline",
    ):
        assert getattr(copy, name) == getattr(event, name) + shift, name
    for name in ("title", "type", "capacity", "per_organisation_limit", "requires_approval"):
        assert getattr(copy, name) == getattr(event, name)
    assert copy.reminder_hours == [168, 24]
    assert copy.funding_project_id == event.funding_project_id
    assert list(copy.target_groups.all()) == list(event.target_groups.all())

    copied_items = list(copy.agenda_items.order_by("day", "starts_at"))
    assert [(i.day, i.starts_at, i.ends_at, i.title, i.place, i.address) for i in copied_items] == [
        (i.day + shift, i.starts_at, i.ends_at, i.title, i.place, i.address) for i in items
    ]
    assert [(q.label, q.kind, q.choices) for q in copy.questions.all()] == [
        (q.label, q.kind, q.choices) for q in event.questions.all()
    ]
    (slot,) = copy.session_slots.all()
    original_slot = event.session_slots.get()
    assert (slot.title, slot.starts_at, slot.ends_at) == (
        original_slot.title,
        original_slot.starts_at + shift,
        original_slot.ends_at + shift,
    )
    assert [
        (s.title, s.host, s.room, s.capacity, s.slot_id, s.results, s.results_updated_at)
        for s in copy.sessions.order_by("title")
    ] == [
        ("Warsztat 1", "Moderatorka ROPS", "Sala 1", 11, slot.pk, "", None),
        ("Warsztat 2", "Moderatorka ROPS", "Sala 2", 12, slot.pk, "", None),
    ]
    (host,) = copy.speakers.all()
    assert host.name == "Kierownik ZAZ" and host.organisation.name == "ZAZ Dobre Ręce"
    assert sorted(i.title for i in host.agenda_items.all()) == ["Przystanek 2", "Przystanek 3"]
    assert all(i.event_id == copy.pk for i in host.agenda_items.all())
    assert copy.places_reserved == 1
    # The original is untouched; registrations stay with it.
    assert event.agenda_items.count() == 3 and event.speakers.count() == 1
    assert copy.registrations.count() == 0
    entry = AuditLogEntry.objects.get(action="events.event.copy")
    assert entry.object_id == str(copy.pk) and entry.changes["shift_days"] == 28


def test_copy_keeps_the_warsaw_clock_time_across_a_dst_change(coordinator):
    with time_machine.travel(datetime(2027, 1, 10, 12, tzinfo=timezone.get_current_timezone())):
        event = EventFactory(
            starts_at=_local(date(2027, 2, 10), 10),
            ends_at=_local(date(2027, 2, 10), 15),
            registration_opens_at=None,
            registration_closes_at=None,
        )
        copy = organiser.event_copy(event=event, starts_on=date(2027, 5, 12), actor=coordinator)
    assert timezone.localtime(copy.starts_at).time() == time(10)
    assert timezone.localtime(copy.ends_at).time() == time(15)
    assert timezone.localdate(copy.starts_at) == date(2027, 5, 12)


def test_copy_to_a_date_in_the_past_is_refused_in_polish(coordinator):
    event = EventFactory()
    with pytest.raises(exceptions.CopyDateInPast) as error:
        organiser.event_copy(
            event=event, starts_on=timezone.localdate() - timedelta(days=1), actor=coordinator
        )
    assert "w przeszłości" in str(error.value)
    assert Event.objects.count() == 1


def test_copy_refused_without_the_permission():
    event = EventFactory()
    for actor in (RoleUserFactory(role=None), RoleUserFactory(role=roles.REPORTING)):
        with pytest.raises(exceptions.NotAllowed):
            organiser.event_copy(
                event=event, starts_on=timezone.localdate() + timedelta(days=30), actor=actor
            )
    assert Event.objects.count() == 1


def test_copy_joins_the_series_and_the_series_lists_dates_and_free_places(coordinator):
    from django.contrib.auth.models import AnonymousUser

    series = EventSeries.objects.create(title="Wizyty studyjne 2026", slug="wizyty-2026")
    event = EventFactory(series=series, capacity=5)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    copy = organiser.event_copy(
        event=event,
        starts_on=timezone.localdate(event.starts_at) + timedelta(days=7),
        actor=coordinator,
    )
    assert copy.series == series
    other = organiser.event_copy(
        event=event,
        starts_on=timezone.localdate(event.starts_at) + timedelta(days=14),
        actor=coordinator,
        keep_series=False,
    )
    assert other.series is None
    services.event_publish(event=copy, actor=coordinator)

    found, events = selectors.series_get_public(slug="wizyty-2026", user=AnonymousUser())
    assert found == series
    assert [(e.pk, e.places_free_annotated) for e in events] == [(event.pk, 3), (copy.pk, 5)]


# --- messages to participants ----------------------------------------------------------------


def _event_with_people():
    event = EventFactory(capacity=10)
    confirmed = [RegistrationFactory(event=event) for _ in range(3)]
    waitlisted = RegistrationFactory(
        event=event, status=Registration.Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    return event, confirmed, waitlisted


def test_message_goes_once_to_each_confirmed_participant_even_when_sending_runs_twice(
    coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    event, confirmed, waitlisted = _event_with_people()
    with django_capture_on_commit_callbacks(execute=True):
        message = organiser.event_message_send(
            event=event,
            audience=EventMessage.Audience.CONFIRMED,
            subject="Zmiana sali",
            body="Spotykamy się w sali B & C, piętro 2.",
            actor=coordinator,
            expected_count=3,
        )
    assert message.recipient_count == 3 and message.sent_by == coordinator
    rows = OutboundEmail.objects.filter(dedup_key__startswith=f"events:message:{message.pk}:")
    assert rows.count() == 3
    # The sending task (and the whole delivery) again: nothing is sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        ids = organiser.event_message_deliver(message=message)
    outbox_send_batch.delay(list(rows.values_list("pk", flat=True))).get()
    outbox_send_due()
    assert ids == []
    assert rows.count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.participant.email for r in confirmed)
    assert "sali B & C" in mailoutbox[0].body  # plain text, not HTML-escaped
    assert "Wiadomość od organizatora" in mailoutbox[0].body
    assert waitlisted.participant.email not in [m.to[0] for m in mailoutbox]
    entry = AuditLogEntry.objects.get(action="events.message.send")
    assert entry.actor == coordinator and entry.changes["recipients"] == 3


def test_message_audiences_waitlisted_and_present():
    event, confirmed, waitlisted = _event_with_people()
    AttendanceFactory(registration=confirmed[0], is_present=True)
    AttendanceFactory(registration=confirmed[1], is_present=False)
    Audience = EventMessage.Audience
    assert list(selectors.message_recipients(event=event, audience=Audience.WAITLISTED)) == [
        waitlisted.participant
    ]
    assert list(selectors.message_recipients(event=event, audience=Audience.PRESENT)) == [
        confirmed[0].participant
    ]


def test_message_without_recipients_is_refused_and_nothing_is_stored(coordinator):
    event = EventFactory()
    RegistrationFactory(event=event)
    with pytest.raises(exceptions.NoRecipients) as error:
        organiser.event_message_send(
            event=event,
            audience=EventMessage.Audience.WAITLISTED,
            subject="Temat",
            body="Treść",
            actor=coordinator,
        )
    assert "nie ma odbiorców" in str(error.value)
    assert not EventMessage.objects.exists()
    assert not OutboundEmail.objects.filter(dedup_key__startswith="events:message:").exists()


def test_message_refused_when_the_count_changed_since_the_preview(coordinator):
    event, _confirmed, _waitlisted = _event_with_people()
    with pytest.raises(exceptions.RecipientsChanged):
        organiser.event_message_send(
            event=event,
            audience=EventMessage.Audience.CONFIRMED,
            subject="Temat",
            body="Treść",
            actor=coordinator,
            expected_count=2,
        )
    assert not EventMessage.objects.exists()


def test_message_refused_without_the_permission():
    event, _confirmed, _waitlisted = _event_with_people()
    for actor in (RoleUserFactory(role=None), RoleUserFactory(role=roles.REPORTING)):
        with pytest.raises(exceptions.NotAllowed):
            organiser.event_message_send(
                event=event,
                audience=EventMessage.Audience.CONFIRMED,
                subject="Temat",
                body="Treść",
                actor=actor,
            )
    assert not EventMessage.objects.exists()


# --- reminders configurable per event --------------------------------------------------------


def test_reminders_with_two_offsets_each_go_out_exactly_once(mailoutbox):
    start = timezone.now() + timedelta(days=10)
    event = EventFactory(starts_at=start, registration_closes_at=None, reminder_hours=[168, 24])
    registration = RegistrationFactory(event=event)
    default = EventFactory(starts_at=start, registration_closes_at=None)  # 48 h
    RegistrationFactory(event=default)

    assert services.reminders_enqueue(now=start - timedelta(days=8)) == 0
    assert services.reminders_enqueue(now=start - timedelta(days=6, hours=23)) == 1
    assert services.reminders_enqueue(now=start - timedelta(days=6)) == 0
    assert services.reminders_enqueue(now=start - timedelta(hours=47)) == 1  # the default event
    assert services.reminders_enqueue(now=start - timedelta(hours=23)) == 1
    assert services.reminders_enqueue(now=start - timedelta(hours=2)) == 0
    keys = sorted(
        OutboundEmail.objects.filter(dedup_key__contains=":reminder").values_list(
            "dedup_key", flat=True
        )
    )
    pk = registration.pk
    assert f"events:registration:{pk}:reminder:168h" in keys
    assert f"events:registration:{pk}:reminder:24h" in keys
    assert len(keys) == 3
    outbox_send_due()
    outbox_send_due()
    assert sum(1 for m in mailoutbox if m.to[0] == registration.participant.email) == 2


def test_a_late_registration_gets_only_the_reminder_due_now():
    start = timezone.now() + timedelta(hours=12)
    event = EventFactory(starts_at=start, registration_closes_at=None, reminder_hours=[168, 24])
    RegistrationFactory(event=event)
    assert services.reminders_enqueue() == 1
    assert services.reminders_enqueue() == 0
    assert OutboundEmail.objects.filter(dedup_key__endswith=":reminder:24h").count() == 1


def test_no_reminders_when_the_event_has_none_configured():
    event = EventFactory(
        starts_at=timezone.now() + timedelta(hours=12),
        registration_closes_at=None,
        reminder_hours=[],
    )
    RegistrationFactory(event=event)
    assert services.reminders_enqueue() == 0


def test_reminder_hours_clean_ignores_nonsense():
    assert services.reminder_hours_clean([24, "168", 24, -1, 0, "x", None, 10**6]) == [168, 24]
    assert services.reminder_hours_clean("48") == []


def test_message_to_the_participants_of_one_workshop(coordinator):
    from events.models import SessionPlace

    event, confirmed, waitlisted = _event_with_people()
    slot = SessionSlot.objects.create(
        event=event,
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(hours=2),
    )
    first, second = (
        EventSession.objects.create(event=event, slot=slot, title=f"Warsztat {n}") for n in (1, 2)
    )
    SessionPlace.objects.create(registration=confirmed[0], slot=slot, session=first)
    SessionPlace.objects.create(registration=confirmed[1], slot=slot, session=second)
    SessionPlace.objects.create(registration=waitlisted, slot=slot, session=first)
    message = organiser.event_message_send(
        event=event,
        audience=EventMessage.Audience.CONFIRMED,
        session=first,
        subject="Materiały do warsztatu 1",
        body="Prosimy przynieść laptopy.",
        actor=coordinator,
        expected_count=1,
    )
    assert list(message.recipients.all()) == [confirmed[0].participant]
    assert message.session == first
    other = EventFactory()
    with pytest.raises(exceptions.NoRecipients):
        organiser.event_message_send(
            event=other,
            audience=EventMessage.Audience.CONFIRMED,
            session=first,
            subject="X",
            body="Y",
            actor=coordinator,
        )


def test_a_speaker_account_without_a_name_needs_the_name_typed_in(coordinator):
    """The public page shows the speaker's name, never the account's e-mail address."""
    from tests.factories import UserFactory

    event = EventFactory()
    nameless = UserFactory(first_name="", last_name="", email="prelegent@example.org")
    with pytest.raises(exceptions.SpeakerInvalid):
        organiser.speaker_save(
            speaker=EventSpeaker(event=event, person=nameless), actor=coordinator, created=True
        )
    speaker = organiser.speaker_save(
        speaker=EventSpeaker(event=event, person=nameless, name="Dr Anna Prelegent"),
        actor=coordinator,
        created=True,
    )
    assert speaker.display_name == "Dr Anna Prelegent"
    named = UserFactory(first_name="Jan", last_name="Kos")
    assert EventSpeaker(event=event, person=named).display_name == "Jan Kos"
