"""Writes about parallel sessions (workshops): staff assignment, edits, results.

The choice made at registration is written by ``services.registration_create``; the capacity
rules are in ``session_rules``. Lock order everywhere: the event row, then the registration
row, then the session rows by primary key.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import User

from . import exceptions, session_rules
from .models import Event, EventSession, Registration, SessionPlace
from .services import _lock_event, _person, _require, _waitlist_promote

Status = Registration.Status


def session_place_assign(
    *, registration: Registration, session: EventSession, actor: User, now=None
) -> SessionPlace:
    """Put a registration into a workshop (staff), replacing its choice in that slot.

    Refused when the workshop is full and the registration holds a place. The seat freed in
    the previous workshop goes to the waitlist at once, in order.
    """
    _require(actor, "manage_registration")
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = (
            Registration.objects.select_for_update()
            .select_related("participant")
            .get(pk=registration.pk)
        )
        if session.event_id != event.pk:
            raise exceptions.SessionChoiceInvalid(
                _("Wybrany warsztat nie należy do wydarzenia tego zgłoszenia."),
                slot_id=session.slot_id,
            )
        if registration.status not in Registration.ACTIVE:
            raise exceptions.InvalidTransition(
                _("Warsztat można przydzielić tylko aktywnemu zgłoszeniu.")
            )
        place = (
            SessionPlace.objects.select_for_update()
            .filter(registration=registration, slot_id=session.slot_id)
            .first()
        )
        if place is not None and place.session_id == session.pk:
            return place
        locked = session_rules.sessions_lock(
            [session.pk, *([place.session_id] if place is not None else [])]
        )
        session = locked[session.pk]
        holds_seat = registration.status in Registration.HOLDING_PLACE
        if holds_seat and not session_rules.session_has_room(session):
            raise exceptions.SessionFull(session)
        old_session = locked[place.session_id] if place is not None else None
        if place is None:
            place = SessionPlace.objects.create(
                registration=registration,
                slot_id=session.slot_id,
                session=session,
                chosen_at=now,
                assigned_by=actor,
            )
        else:
            place.session = session
            place.chosen_at = now
            place.assigned_by = actor
            place.save(update_fields=["session", "chosen_at", "assigned_by"])
        audit_record(
            actor=actor,
            action="events.sessionplace.assign",
            target=registration,
            summary=_("Przydzielono warsztat „%(session)s”: %(name)s")
            % {"session": session.title, "name": _person(registration.participant)},
            changes={"session": [old_session.pk if old_session else None, session.pk]},
        )
        if old_session is not None and holds_seat and event.state == Event.State.PUBLISHED:
            _waitlist_promote(event, actor)
    return place


def session_save(
    *, session: EventSession, actor: User, created: bool, changed_fields: list[str]
) -> list[Registration]:
    """Save a workshop edited by staff; more places go to the waitlist at once, in order."""
    _require(actor, "add_eventsession" if created else "change_eventsession")
    with transaction.atomic():
        event = _lock_event(session.event_id)
        if session.slot.event_id != event.pk:
            raise exceptions.SessionChoiceInvalid(_("Blok należy do innego wydarzenia."))
        if not created and "slot" in changed_fields and session.places.exists():
            raise exceptions.InvalidTransition(
                _("Ten warsztat ma już uczestników: nie można przenieść go do innego bloku.")
            )
        if "results" in changed_fields:
            session.results_updated_at = timezone.now()
        session.save()
        audit_record(
            actor=actor,
            action="events.session.create" if created else "events.session.change",
            target=session,
            summary=(
                _("Dodano warsztat: %(title)s") if created else _("Zmieniono warsztat: %(title)s")
            )
            % {"title": session.title},
            changes={"fields": changed_fields},
        )
        if created or "capacity" not in changed_fields or event.state != Event.State.PUBLISHED:
            return []
        return _waitlist_promote(event, actor)


def session_delete(*, session: EventSession, actor: User) -> None:
    """Remove a workshop nobody chose (places protect it: move people first)."""
    _require(actor, "delete_eventsession")
    with transaction.atomic():
        _lock_event(session.event_id)
        if session.places.exists():
            raise exceptions.InvalidTransition(
                _("Ten warsztat ma już uczestników: najpierw przydziel ich do innych warsztatów.")
            )
        audit_record(
            actor=actor,
            action="events.session.delete",
            target=session,
            summary=_("Usunięto warsztat: %(title)s") % {"title": session.title},
        )
        session.delete()
