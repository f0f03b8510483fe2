"""Writes of the organiser's side: speakers and guests, copies and series, messages to participants.

Split from ``services.py`` (which keeps registration, capacity and reminders) so that neither
module grows past about 1,000 lines. Same rules: keyword-only arguments, an ``actor`` for the
audit trail, one transaction per service, the app's exceptions with Polish messages.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.apps import apps
from django.db import models, transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.jobs import job_admit
from portal.models import OutboundEmail, User
from portal.services import email_build, emails_bulk_create

from . import exceptions, selectors
from .models import AgendaItem, Event, EventMessage, EventSeries, EventSpeaker
from .services import _lock_event, _require, _waitlist_promote

# --- speakers and guests ---------------------------------------------------------------------


def _places_reserved_refresh(event_id: int, *, actor: User | None) -> Event:
    """Recount the speakers who take a participant's place (event row locked by the caller).

    More reserved places than free ones are refused; fewer free places for the waitlist.
    """
    locked = _lock_event(event_id)
    reserved = locked.speakers.filter(counts_toward_capacity=True).count()
    if reserved == locked.places_reserved:
        return locked
    if reserved > locked.places_reserved:
        taken = selectors.event_places_taken(event=locked)
        if taken + reserved > locked.capacity:
            raise exceptions.NoPlacesLeft(
                _(
                    "Brak wolnego miejsca dla tej osoby: wszystkie miejsca zajęli uczestnicy. "
                    "Prosimy zwiększyć liczbę miejsc albo nie zaznaczać „zajmuje miejsce uczestnika”."
                )
            )
    old = locked.places_reserved
    locked.places_reserved = reserved
    locked.save(update_fields=["places_reserved", "updated_at"])
    if reserved < old and locked.state == Event.State.PUBLISHED:
        _waitlist_promote(locked, actor)
    return locked


def speaker_save(
    *,
    speaker: EventSpeaker,
    actor: User,
    created: bool,
    changed_fields: list[str] | None = None,
    agenda_items: list[AgendaItem] | None = None,
) -> EventSpeaker:
    """Add or change a speaker or guest; a ticked "takes a place" goes through the capacity rule."""
    _require(actor, "add_eventspeaker" if created else "change_eventspeaker")
    if not speaker.display_name.strip():
        # An account without a first and last name needs the name typed in (the page shows it).
        raise exceptions.SpeakerInvalid()
    with transaction.atomic():
        _lock_event(speaker.event_id)
        speaker.save()
        if agenda_items is not None:
            foreign = [item for item in agenda_items if item.event_id != speaker.event_id]
            if foreign:
                raise exceptions.SpeakerInvalid(
                    _("Można wskazać tylko punkty programu tego samego wydarzenia.")
                )
            speaker.agenda_items.set(agenda_items)
        _places_reserved_refresh(speaker.event_id, actor=actor)
        audit_record(
            actor=actor,
            action="events.speaker.create" if created else "events.speaker.change",
            target=speaker,
            summary=(
                _("Dodano prelegenta lub gościa: %(name)s")
                if created
                else _("Zmieniono prelegenta lub gościa: %(name)s")
            )
            % {"name": speaker.display_name},
            changes={
                "fields": list(changed_fields or []),
                "counts_toward_capacity": speaker.counts_toward_capacity,
            },
        )
    return speaker


def speaker_delete(*, speaker: EventSpeaker, actor: User) -> None:
    """Remove a speaker or guest; a place they held goes to the waitlist."""
    _require(actor, "delete_eventspeaker")
    with transaction.atomic():
        _lock_event(speaker.event_id)
        event_id, name = speaker.event_id, speaker.display_name
        audit_record(
            actor=actor,
            action="events.speaker.delete",
            target=speaker,
            summary=_("Usunięto prelegenta lub gościa: %(name)s") % {"name": name},
        )
        speaker.delete()
        _places_reserved_refresh(event_id, actor=actor)


# --- copies ----------------------------------------------------------------------------------

# What a copy takes along, in order (a model may point to one copied before it, e.g. a session
# to its slot). Each row is copied with its dates shifted; foreign keys and many-to-many links
# between copied rows are pointed at the copies. Registrations, attendance, materials, reports,
# postulates and messages belong to the one date and are never copied (EVENT_COPY_SKIPPED);
# a test fails when a new model pointing at Event is in neither list.
EVENT_COPY_MODELS: list[str] = [
    "events.AgendaItem",
    "events.Question",
    "events.SessionSlot",
    "events.EventSession",
    "events.EventSpeaker",
]
# Fields that describe what happened at the original, left empty in a copy.
EVENT_COPY_FIELDS_LEFT_OUT: dict[str, set[str]] = {
    "events.EventSession": {"results", "results_updated_at"},
}
EVENT_COPY_SKIPPED: set[str] = {
    "events.Registration",
    "events.Material",
    "events.Report",
    "events.Postulate",
    "events.EventMessage",
}
# Fields of Event that a copy does not take over.
_EVENT_FIELDS_NOT_COPIED = {"id", "slug", "state", "created_at", "updated_at", "places_reserved"}


def event_copy_models() -> list[type[models.Model]]:
    """Return the models a copy takes along (those not installed yet are skipped)."""
    found = []
    for label in EVENT_COPY_MODELS:
        try:
            found.append(apps.get_model(label))
        except LookupError:
            continue
    return found


def _shift_datetime(value: datetime | None, days: int) -> datetime | None:
    """Move a moment by whole days keeping its Warsaw wall-clock time (across DST too)."""
    if value is None:
        return None
    local = timezone.localtime(value)
    moved = datetime.combine(local.date() + timedelta(days=days), local.time().replace(tzinfo=None))
    return timezone.make_aware(moved)


def _shift_value(field: models.Field, value, days: int):
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return _shift_datetime(value, days)
    if isinstance(field, models.DateField):
        return value + timedelta(days=days)
    return value


def _unique_slug(base: str, starts_on: date) -> str:
    stem = f"{slugify(base)[:100].rstrip('-')}-{starts_on:%Y-%m-%d}"
    candidate, number = stem, 2
    while Event.objects.filter(slug=candidate).exists():
        candidate = f"{stem}-{number}"
        number += 1
    return candidate


def _copy_rows(model, *, source: Event, copy: Event, copied: dict, days: int) -> int:
    """Copy the rows of ``model`` that belong to ``source`` (directly or through a copied parent)."""
    left_out = EVENT_COPY_FIELDS_LEFT_OUT.get(model._meta.label, set())
    fields = [
        f for f in model._meta.concrete_fields if not f.primary_key and f.name not in left_out
    ]
    foreign_keys = [f for f in fields if f.is_relation and f.many_to_one]
    to_event = next((f for f in foreign_keys if f.related_model is Event), None)
    if to_event is not None:
        rows = model.objects.filter(**{to_event.name: source})
    else:
        parent = next((f for f in foreign_keys if f.related_model in copied), None)
        if parent is None:
            return 0
        rows = model.objects.filter(**{f"{parent.name}__in": list(copied[parent.related_model])})
    mapping = copied.setdefault(model, {})
    many_to_many = [
        f for f in model._meta.many_to_many if f.related_model is Event or f.related_model in copied
    ]
    for row in rows.order_by("pk"):
        values = {}
        for field in fields:
            value = getattr(row, field.attname)
            if field.is_relation and field.many_to_one:
                if field.related_model is Event:
                    value = copy.pk
                elif field.related_model in copied and value is not None:
                    value = copied[field.related_model][value].pk
            else:
                value = _shift_value(field, value, days)
            values[field.attname] = value
        new = model(**values)
        new.save()
        mapping[row.pk] = new
        for field in many_to_many:
            targets = getattr(row, field.name).all()
            if field.related_model is Event:
                continue
            getattr(new, field.name).set(
                [
                    copied[field.related_model][t.pk]
                    for t in targets
                    if t.pk in copied[field.related_model]
                ]
            )
    return len(mapping)


def event_copy(*, event: Event, starts_on: date, actor: User, keep_series: bool = True) -> Event:
    """Copy an event to a new start date as a draft: the settings, agenda (itinerary), questions,
    speakers and every other row in EVENT_COPY_MODELS, all dates shifted by the same number of days.

    Registrations and everything after the event stay with the original. A date in the past is
    refused.
    """
    _require(actor, "copy_event")
    _require(actor, "add_event")
    if starts_on < timezone.localdate():
        raise exceptions.CopyDateInPast()
    days = (starts_on - timezone.localdate(event.starts_at)).days
    with transaction.atomic():
        source = Event.objects.get(pk=event.pk)
        values = {}
        for field in Event._meta.concrete_fields:
            if field.name in _EVENT_FIELDS_NOT_COPIED:
                continue
            values[field.attname] = _shift_value(field, getattr(source, field.attname), days)
        copy = Event(**values)
        copy.slug = _unique_slug(source.slug, starts_on)
        copy.state = Event.State.DRAFT
        copy.places_reserved = 0
        if not keep_series:
            copy.series = None
        copy.save()
        copy.target_groups.set(source.target_groups.all())
        copy.subregions.set(source.subregions.all())
        copied: dict = {Event: {source.pk: copy}}
        counts = {}
        for model in event_copy_models():
            counts[model._meta.label] = _copy_rows(
                model, source=source, copy=copy, copied=copied, days=days
            )
        copy.places_reserved = copy.speakers.filter(counts_toward_capacity=True).count()
        copy.save(update_fields=["places_reserved"])
        audit_record(
            actor=actor,
            action="events.event.copy",
            target=copy,
            summary=_("Skopiowano wydarzenie „%(title)s” na %(date)s")
            % {"title": source.title, "date": starts_on.strftime("%d.%m.%Y")},
            changes={"source": source.pk, "shift_days": days, "copied": counts},
        )
    return copy


# --- series ----------------------------------------------------------------------------------


def series_save(
    *, series: EventSeries, actor: User, created: bool, changed_fields: list[str] | None = None
) -> EventSeries:
    """Add or change a series of events (its name, address and description)."""
    _require(actor, "add_eventseries" if created else "change_eventseries")
    with transaction.atomic():
        series.save()
        audit_record(
            actor=actor,
            action="events.series.create" if created else "events.series.change",
            target=series,
            summary=_("Dodano cykl wydarzeń") if created else _("Zmieniono cykl wydarzeń"),
            changes={"fields": list(changed_fields or [])},
        )
    return series


# --- messages to participants ----------------------------------------------------------------


def _message_email(message: EventMessage, person: User):
    return email_build(
        to=person.email,
        subject=message.subject,
        template="events_message",
        context={"message": message, "event": message.event, "participant": person},
        dedup_key=f"events:message:{message.pk}:{person.pk}",
    )


def event_message_deliver(*, message: EventMessage) -> list[int]:
    """Put the message in the outbox for each of its recipients, at most once per person.

    Idempotent: the dedup key ``events:message:<message>:<person>`` keeps one outbox row per
    person however often it runs; the outbox sends each row once. Returns the unsent row ids.
    """
    message = EventMessage.objects.select_related("event").get(pk=message.pk)
    people = message.recipients.order_by("pk")
    return emails_bulk_create([_message_email(message, person) for person in people])


def event_message_send(
    *,
    event: Event,
    audience: str,
    subject: str,
    body: str,
    actor: User,
    session=None,
    expected_count: int | None = None,
) -> EventMessage:
    """Write to the confirmed, waitlisted or present participants of an event (staff).

    The recipients are fixed when sending and kept on the message. ``expected_count`` is the
    number staff saw in the preview: a different number now is refused, so nobody sends to
    people they have not counted. No recipients: refused, nothing stored.
    """
    _require(actor, "message_participants")
    if audience not in EventMessage.Audience.values:
        raise exceptions.NoRecipients()
    if session is not None and session.event_id != event.pk:
        raise exceptions.NoRecipients(_("Ten warsztat należy do innego wydarzenia."))
    with transaction.atomic():
        # The same message sent again while its e-mails are still going out is that message.
        unsent = OutboundEmail.objects.filter(
            sent_at__isnull=True,
            dedup_key__startswith=Concat(
                Value("events:message:"), Cast(OuterRef("pk"), CharField()), Value(":")
            ),
        )
        pending = job_admit(
            actor=actor,
            action="events.message.send",
            pending=EventMessage.objects.filter(
                event_id=event.pk,
                sent_by=actor,
                audience=audience,
                session=session,
                subject=subject.strip(),
                body=body.strip(),
            ).filter(Exists(unsent)),
        )
        if pending is not None:
            return pending
        locked = _lock_event(event.pk)
        people = list(
            selectors.message_recipients(event=locked, audience=audience, session=session)
        )
        if not people:
            raise exceptions.NoRecipients()
        if expected_count is not None and expected_count != len(people):
            raise exceptions.RecipientsChanged()
        message = EventMessage.objects.create(
            event=locked,
            audience=audience,
            session=session,
            subject=subject.strip(),
            body=body.strip(),
            recipient_count=len(people),
            sent_by=actor,
        )
        message.recipients.set(people)
        event_message_deliver(message=message)
        audit_record(
            actor=actor,
            action="events.message.send",
            target=message,
            summary=_("Wysłano wiadomość do uczestników (%(audience)s): %(count)d")
            % {"audience": message.get_audience_display(), "count": len(people)},
            changes={
                "event": locked.pk,
                "session": session.pk if session is not None else None,
                "audience": audience,
                "recipients": len(people),
            },
        )
    return message


__all__ = [
    "EVENT_COPY_MODELS",
    "EVENT_COPY_SKIPPED",
    "event_copy",
    "event_copy_models",
    "event_message_deliver",
    "event_message_send",
    "series_save",
    "speaker_delete",
    "speaker_save",
]
