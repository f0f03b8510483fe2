"""Walk-ins: people who came without registering, added by staff at check-in.

A walk-in is a confirmed ``Registration`` with ``is_walk_in`` set and an ``Attendance`` marking
them present that day, so the attendance list, certificates and the reporting counts
(``reporting.metrics``: people present) include them with no special case, and every list
can still show them apart ("spoza listy zgłoszeń").
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Organisation
from portal.audit import audit_record
from portal.forms import clean_person_name
from portal.models import User

from . import exceptions, session_rules
from .models import Event, EventSession, Registration, SessionPlace
from .selectors import consent_text_current, user_has_perm
from .services import _lock_event, _person, _set_status, attendance_mark, event_days

Status = Registration.Status


def _walk_in_person(*, email: str, first_name: str, last_name: str) -> User:
    """Return the account with this e-mail, or create one without a password (no sign-in)."""
    person = User.objects.filter(email__iexact=email).first()
    if person is not None:
        return person
    try:
        with transaction.atomic():
            # No password: the person can sign in only after setting one through
            # "Nie pamiętam hasła" with this address (the account is theirs, not staff's).
            return User.objects.create_user(email, None, first_name=first_name, last_name=last_name)
    except IntegrityError:
        return User.objects.get(email__iexact=email)


def walk_in_clean(*, person: User | None, email: str, first_name: str, last_name: str) -> dict:
    """Check the details typed for a person without a chosen account; return them normalised."""
    errors: dict[str, str] = {}
    email = (email or "").strip().lower()
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if person is None:
        # The same rule as for names given at sign-up: they go onto attendance lists and
        # certificates, where an address or markup typed by mistake must not appear.
        names = {"first_name": first_name, "last_name": last_name}
        for field, value in names.items():
            if value:
                try:
                    names[field] = clean_person_name(value)
                except ValidationError as error:
                    errors[field] = error.messages[0]
        first_name, last_name = names["first_name"], names["last_name"]
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Prosimy podać poprawny adres e-mail.")
        known = bool(email) and User.objects.filter(email__iexact=email).exists()
        if not known and not (first_name and last_name):
            if not first_name:
                errors["first_name"] = _("Prosimy podać imię (trafia na listę obecności).")
            if not last_name:
                errors["last_name"] = _("Prosimy podać nazwisko (trafia na listę obecności).")
    if errors:
        raise exceptions.WalkInInvalid(errors)
    return {"email": email, "first_name": first_name, "last_name": last_name}


def walk_in_add(
    *,
    event: Event,
    day,
    organisation: Organisation,
    actor: User,
    person: User | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    session: EventSession | None = None,
    now=None,
) -> tuple[Registration, bool]:
    """Record a person who came without registering as present on ``day``; idempotent.

    ``person`` is an existing account (found by search); otherwise the e-mail finds or creates
    one. Someone already confirmed is only marked present (not a walk-in); someone pending or
    waitlisted who came anyway gets the place as a walk-in. Adding the same person again
    changes nothing. Returns the registration and whether it was created now.
    """
    if not user_has_perm(actor, "manage_checkin"):
        raise exceptions.CheckInNotAllowed()
    details = walk_in_clean(person=person, email=email, first_name=first_name, last_name=last_name)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.state not in (Event.State.PUBLISHED, Event.State.FINISHED):
            raise exceptions.InvalidTransition(
                _("Osoby spoza listy zgłoszeń dopisuje się do odbywającego się wydarzenia.")
            )
        if day not in event_days(locked):
            raise exceptions.InvalidTransition(_("Wydarzenie nie odbywa się w tym dniu."))
        if session is not None and session.event_id != locked.pk:
            raise exceptions.SessionChoiceInvalid(
                _("Wybrany warsztat nie należy do tego wydarzenia."), slot_id=session.slot_id
            )
        if person is None:
            person = _walk_in_person(**details)
        registration = (
            Registration.objects.select_for_update()
            .filter(event=locked, participant=person, status__in=Registration.ACTIVE)
            .first()
        )
        created = registration is None
        if created:
            consent_text = consent_text_current()
            if consent_text is None:
                raise exceptions.RegistrationClosed(
                    _("Brak obowiązującej klauzuli informacyjnej RODO: dodaj ją w panelu ROPS.")
                )
            registration = Registration.objects.create(
                event=locked,
                participant=person,
                organisation=organisation,
                registered_by=actor,
                status=Status.CONFIRMED,
                is_walk_in=True,
                consent_text=consent_text,
                consented_at=now,
                created_at=now,
                status_changed_at=now,
            )
            old_status = None
        elif registration.status != Status.CONFIRMED:
            old_status = registration.status
            _set_status(registration, Status.CONFIRMED, now)
            registration.is_walk_in = True
            registration.save(update_fields=["is_walk_in"])
        else:
            old_status = Status.CONFIRMED
        if (
            session is not None
            and not registration.session_places.filter(slot_id=session.slot_id).exists()
        ):
            session = session_rules.sessions_lock([session.pk])[session.pk]
            # The registration has no seat in this slot yet, so every seat taken is someone else's.
            if not session_rules.session_has_room(session):
                raise exceptions.SessionFull(session)
            SessionPlace.objects.create(
                registration=registration,
                slot_id=session.slot_id,
                session=session,
                chosen_at=now,
                assigned_by=actor,
            )
        if old_status != Status.CONFIRMED:
            audit_record(
                actor=actor,
                action="events.registration.walk_in",
                target=registration,
                summary=_("Dopisano osobę spoza listy zgłoszeń: %(name)s (%(organisation)s)")
                % {"name": _person(person), "organisation": registration.organisation},
                changes={"status": [old_status, Status.CONFIRMED], "is_walk_in": True},
            )
        attendance_mark(registration=registration, day=day, is_present=True, actor=actor, now=now)
    return registration, created
