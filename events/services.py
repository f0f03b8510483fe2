"""Writes of the events app: registration with capacity, waitlist and notifications.

Capacity rule: every write that can take or free a place locks the event row
(``select_for_update``) first, then counts and decides. Pending registrations hold a
place, so staff approval never overbooks. The partial unique constraint
``registration_one_active_per_participant`` stops a double submit as a last resort.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation
from partners.selectors import membership_is_approved
from portal.models import User
from portal.services import EmailAttachment, email_enqueue

from . import documents, exceptions
from .models import Attendance, Certificate, ConsentText, Event, Question, Registration, Report
from .selectors import consent_text_current

logger = logging.getLogger(__name__)

REMINDER_LEAD_TIME = timedelta(days=2)
Status = Registration.Status


# --- answers -----------------------------------------------------------------------------


def answers_clean(*, event: Event, answers: dict) -> dict[str, str]:
    """Validate answers against the event's questions; return them keyed by question id."""
    cleaned: dict[str, str] = {}
    errors: dict[int, str] = {}
    for question in event.questions.all():
        raw = answers.get(question.pk, answers.get(str(question.pk), ""))
        value = str(raw).strip() if raw is not None else ""
        if question.kind == Question.Kind.YES_NO and value:
            value = {"true": "tak", "false": "nie", "True": "tak", "False": "nie"}.get(value, value)
            if value not in ("tak", "nie"):
                errors[question.pk] = _("Wybierz „tak” albo „nie”.")
                continue
        if question.kind == Question.Kind.CHOICE and value and value not in question.choice_list:
            errors[question.pk] = _("Wybierz jedną z podanych odpowiedzi.")
            continue
        if question.is_required and not value:
            errors[question.pk] = _("Odpowiedź na to pytanie jest wymagana.")
            continue
        if len(value) > 2000:
            errors[question.pk] = _("Odpowiedź może mieć najwyżej 2000 znaków.")
            continue
        if value:
            cleaned[str(question.pk)] = value
    if errors:
        raise exceptions.AnswersInvalid(errors)
    return cleaned


# --- capacity ----------------------------------------------------------------------------


def _lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def _holding_counts(event: Event, organisation_id: int) -> tuple[int, int]:
    holding = event.registrations.filter(status__in=Registration.HOLDING_PLACE)
    return holding.count(), holding.filter(organisation_id=organisation_id).count()


def _has_place(event: Event, organisation_id: int) -> bool:
    total, for_organisation = _holding_counts(event, organisation_id)
    if total >= event.capacity:
        return False
    return event.per_organisation_limit is None or for_organisation < event.per_organisation_limit


def _place_status(event: Event) -> str:
    return Status.PENDING if event.requires_approval else Status.CONFIRMED


def _set_status(registration: Registration, status: str, now=None) -> None:
    now = now or timezone.now()
    registration.status = status
    registration.status_changed_at = now
    registration.revision += 1
    if status == Status.WAITLISTED:
        registration.waitlisted_at = now
    registration.save(update_fields=["status", "status_changed_at", "revision", "waitlisted_at"])


def _waitlist_promote(event: Event) -> list[Registration]:
    """Give freed places to the oldest waitlisted registrations (event row already locked).

    Someone whose organisation has reached its limit is skipped but keeps their position.
    """
    promoted: list[Registration] = []
    queue = event.registrations.filter(status=Status.WAITLISTED).order_by("waitlisted_at", "pk")
    total, _unused = _holding_counts(event, 0)
    if total >= event.capacity:
        return promoted
    for registration in queue.select_related("participant", "event"):
        if total >= event.capacity:
            break
        if not _has_place(event, registration.organisation_id):
            continue
        _set_status(registration, _place_status(event))
        total += 1
        promoted.append(registration)
        _notify(registration, "promoted")
    return promoted


# --- notifications -----------------------------------------------------------------------

EMAIL_SUBJECTS = {
    "confirmed": gettext_lazy("Potwierdzenie udziału: {title}"),
    "pending": gettext_lazy("Zgłoszenie przyjęte, czeka na akceptację: {title}"),
    "waitlisted": gettext_lazy("Lista rezerwowa: {title}"),
    "promoted": gettext_lazy("Zwolniło się miejsce: {title}"),
    "cancelled": gettext_lazy("Rezygnacja przyjęta: {title}"),
    "rejected": gettext_lazy("Zgłoszenie nieprzyjęte: {title}"),
    "event_cancelled": gettext_lazy("Wydarzenie odwołane: {title}"),
    "reminder": gettext_lazy("Przypomnienie: {title} już wkrótce"),
}


def _notify(registration: Registration, kind: str, *, due_at=None, dedup_key: str | None = None) -> None:
    """Queue one e-mail about a registration; the outbox sends it after commit, once."""
    event = registration.event
    attachments: Iterable[EmailAttachment] = ()
    if registration.status == Status.CONFIRMED and kind in ("confirmed", "promoted", "reminder"):
        attachments = (EmailAttachment(f"{event.slug}.ics", documents.event_ics(event), "text/calendar"),)
    email_enqueue(
        to=registration.participant.email,
        subject=str(EMAIL_SUBJECTS[kind]).format(title=event.title),
        template=f"events_{kind}",
        context={"registration": registration, "event": event, "participant": registration.participant},
        dedup_key=dedup_key or f"events:registration:{registration.pk}:{kind}:{registration.revision}",
        attachments=attachments,
        due_at=due_at,
    )


# --- registration ------------------------------------------------------------------------


def registration_create(
    *,
    event: Event,
    participant: User,
    organisation: Organisation,
    answers: dict,
    consent: bool,
    actor: User,
    now=None,
) -> Registration:
    """Register a participant for an event: a place if one is free, otherwise the waitlist."""
    now = now or timezone.now()
    if not consent:
        raise exceptions.ConsentMissing()
    if not membership_is_approved(user=actor, organisation=organisation):
        raise exceptions.NotAMember()
    if participant.pk != actor.pk and not membership_is_approved(user=participant, organisation=organisation):
        raise exceptions.ParticipantNotInOrganisation()
    cleaned_answers = answers_clean(event=event, answers=answers)
    consent_text = consent_text_current()
    if consent_text is None:
        raise exceptions.RegistrationClosed(_("Zapisy są chwilowo wstrzymane: brak obowiązującej klauzuli RODO."))

    with transaction.atomic():
        locked = _lock_event(event.pk)
        _check_open(locked, now)
        if locked.registrations.filter(participant=participant, status__in=Registration.ACTIVE).exists():
            raise exceptions.AlreadyRegistered()
        status = _place_status(locked) if _has_place(locked, organisation.pk) else Status.WAITLISTED
        # Taken under the lock, so the queue order is the order in which places were decided.
        decided_at = timezone.now()
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=locked,
                    participant=participant,
                    organisation=organisation,
                    registered_by=actor,
                    status=status,
                    answers=cleaned_answers,
                    consent_text=consent_text,
                    consented_at=now,
                    created_at=decided_at,
                    status_changed_at=decided_at,
                    waitlisted_at=decided_at if status == Status.WAITLISTED else None,
                )
        except IntegrityError as error:
            raise exceptions.AlreadyRegistered() from error
        _notify(registration, status)
    return registration


def _check_open(event: Event, now) -> None:
    if event.state == Event.State.CANCELLED:
        raise exceptions.RegistrationClosed(_("Wydarzenie zostało odwołane: zapisy są niemożliwe."))
    if event.state != Event.State.PUBLISHED or event.capacity == 0:
        raise exceptions.RegistrationClosed(_("To wydarzenie nie przyjmuje zgłoszeń."))
    if event.registration_opens_at and now < event.registration_opens_at:
        raise exceptions.RegistrationClosed(_("Zapisy jeszcze się nie rozpoczęły."))
    if (event.registration_closes_at and now > event.registration_closes_at) or now >= event.starts_at:
        raise exceptions.RegistrationClosed(_("Termin zapisów minął."))


def registration_cancel(*, registration: Registration, actor: User, now=None) -> Registration:
    """Withdraw a registration (by the participant or the person who made it) and free its place."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if actor.pk not in (registration.participant_id, registration.registered_by_id) and not actor.is_staff:
            raise exceptions.CancellationNotAllowed(_("Nie możesz anulować cudzego zgłoszenia."))
        if registration.status not in Registration.ACTIVE:
            raise exceptions.CancellationNotAllowed(_("To zgłoszenie jest już nieaktywne."))
        if not actor.is_staff and now > event.cancellation_closes_at:
            raise exceptions.CancellationNotAllowed(
                _("Termin rezygnacji minął; skontaktuj się z organizatorem wydarzenia.")
            )
        held_place = registration.status in Registration.HOLDING_PLACE
        _set_status(registration, Status.CANCELLED, now)
        _notify(registration, "cancelled")
        if held_place and event.state == Event.State.PUBLISHED:
            _waitlist_promote(event)
    return registration


def registration_approve(*, registration: Registration, actor: User) -> Registration:
    """Confirm a pending registration (its place was already held)."""
    with transaction.atomic():
        _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().select_related("event", "participant").get(
            pk=registration.pk
        )
        if registration.status != Status.PENDING:
            raise exceptions.InvalidTransition(_("Zatwierdzić można tylko zgłoszenie oczekujące na akceptację."))
        _set_status(registration, Status.CONFIRMED)
        _notify(registration, "confirmed")
    return registration


def registration_reject(*, registration: Registration, actor: User) -> Registration:
    """Refuse a pending or waitlisted registration; a freed place goes to the waitlist."""
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().select_related("event", "participant").get(
            pk=registration.pk
        )
        if registration.status not in (Status.PENDING, Status.WAITLISTED):
            raise exceptions.InvalidTransition(_("Odrzucić można tylko zgłoszenie oczekujące lub z listy rezerwowej."))
        held_place = registration.status == Status.PENDING
        _set_status(registration, Status.REJECTED)
        _notify(registration, "rejected")
        if held_place and event.state == Event.State.PUBLISHED:
            _waitlist_promote(event)
    return registration


def registration_move_to_waitlist(*, registration: Registration, actor: User) -> Registration:
    """Move a confirmed or pending registration to the end of the waitlist (staff)."""
    with transaction.atomic():
        _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().select_related("event", "participant").get(
            pk=registration.pk
        )
        if registration.status not in Registration.HOLDING_PLACE:
            raise exceptions.InvalidTransition(_("Na listę rezerwową można przenieść tylko zgłoszenie z miejscem."))
        _set_status(registration, Status.WAITLISTED)
        _notify(registration, "waitlisted")
    return registration


def registration_move_to_confirmed(*, registration: Registration, actor: User) -> Registration:
    """Give a waitlisted registration a confirmed place (staff); refused when the event is full."""
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().select_related("event", "participant").get(
            pk=registration.pk
        )
        if registration.status != Status.WAITLISTED:
            raise exceptions.InvalidTransition(_("Potwierdzić miejsce można tylko zgłoszeniu z listy rezerwowej."))
        if not _has_place(event, registration.organisation_id):
            raise exceptions.NoPlacesLeft()
        _set_status(registration, Status.CONFIRMED)
        _notify(registration, "confirmed")
    return registration


def waitlist_promote(*, event: Event, actor: User | None = None) -> list[Registration]:
    """Offer free places (e.g. after staff raised the capacity) to the waitlist, in order."""
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.state != Event.State.PUBLISHED:
            return []
        return _waitlist_promote(locked)


# --- events ------------------------------------------------------------------------------


def event_publish(*, event: Event, actor: User) -> Event:
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.state != Event.State.DRAFT:
            raise exceptions.InvalidTransition(_("Opublikować można tylko szkic."))
        locked.state = Event.State.PUBLISHED
        locked.save(update_fields=["state", "updated_at"])
    return locked


def event_cancel(*, event: Event, actor: User) -> Event:
    """Call an event off and tell everyone holding a place or waiting for one."""
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.state not in (Event.State.DRAFT, Event.State.PUBLISHED):
            raise exceptions.InvalidTransition(_("Odwołać można tylko wydarzenie planowane."))
        locked.state = Event.State.CANCELLED
        locked.save(update_fields=["state", "updated_at"])
        for registration in locked.registrations.filter(status__in=Registration.ACTIVE).select_related("participant"):
            registration.event = locked
            _notify(registration, "event_cancelled", dedup_key=f"events:registration:{registration.pk}:event_cancelled")
    return locked


def event_finish(*, event: Event, actor: User | None) -> Event:
    """Mark a published event finished (certificates, postulates and the report then appear)."""
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.state != Event.State.PUBLISHED:
            raise exceptions.InvalidTransition(_("Zakończyć można tylko opublikowane wydarzenie."))
        locked.state = Event.State.FINISHED
        locked.save(update_fields=["state", "updated_at"])
    return locked


def events_finish_ended(*, now=None) -> list[int]:
    """Finish every published event whose end has passed; return the ids finished by this run.

    Takes the same event row lock as ``event_finish`` and re-checks state and end under it, so
    an event cancelled, finished or moved by staff in the meantime is left alone, and a second
    run finds nothing to do.
    """
    now = now or timezone.now()
    finished = []
    ended = Event.objects.filter(state=Event.State.PUBLISHED, ends_at__lt=now).order_by("ends_at", "pk")
    for event_id in ended.values_list("pk", flat=True):
        with transaction.atomic():
            locked = _lock_event(event_id)
            if locked.state != Event.State.PUBLISHED or locked.ends_at >= now:
                continue
            event_finish(event=locked, actor=None)
        finished.append(event_id)
    return finished


def reminders_enqueue(*, now=None) -> int:
    """Queue a reminder for every confirmed participant of a published event starting within two days.

    The dedup key per (registration, kind) makes this safe to run as often as we like.
    """
    now = now or timezone.now()
    registrations = Registration.objects.filter(
        status=Status.CONFIRMED,
        event__state=Event.State.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_LEAD_TIME,
    ).select_related("event", "participant")
    created = 0
    from portal.models import OutboundEmail

    for registration in registrations:
        key = f"events:registration:{registration.pk}:reminder"
        if OutboundEmail.objects.filter(dedup_key=key).exists():
            continue
        # One participant's failure must not hold back everybody after them until the next run.
        try:
            with transaction.atomic():
                _notify(registration, "reminder", dedup_key=key)
        except Exception:  # noqa: BLE001 - logged; the next run retries this registration
            logger.exception("Reminder for registration %s could not be queued", registration.pk)
            continue
        created += 1
    return created


def consent_text_create(*, version: str, text: str, actor: User | None = None) -> ConsentText:
    return ConsentText.objects.create(version=version, text=text, is_active=True)


# --- check-in and certificates --------------------------------------------------------------


def event_days(event: Event) -> list:
    """Return every local calendar day the event runs on (one for a one-day event)."""
    first, last = timezone.localdate(event.starts_at), timezone.localdate(event.ends_at)
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def attendance_mark(*, registration: Registration, day, is_present: bool, actor: User, now=None) -> Attendance:
    """Record a participant as present or absent on one day; repeating the same mark changes nothing.

    The registration row is locked first, so two staff members marking the same person at
    once are serialised: one row per (registration, day), and the later decision wins.
    """
    if not actor.is_staff:
        raise exceptions.CheckInNotAllowed()
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        if registration.status != Status.CONFIRMED:
            raise exceptions.InvalidTransition(_("Obecność można zaznaczyć tylko osobie z potwierdzonym miejscem."))
        if day not in event_days(registration.event):
            raise exceptions.InvalidTransition(_("Wydarzenie nie odbywa się w tym dniu."))
        attendance = Attendance.objects.filter(registration=registration, day=day).first()
        if attendance is None:
            return Attendance.objects.create(
                registration=registration, day=day, is_present=is_present, marked_at=now or timezone.now(), marked_by=actor
            )
        if attendance.is_present != is_present:
            attendance.is_present = is_present
            attendance.marked_at = now or timezone.now()
            attendance.marked_by = actor
            attendance.save(update_fields=["is_present", "marked_at", "marked_by"])
        return attendance


def certificate_number(registration: Registration) -> str:
    """Return the certificate number: ZU/<year>/<event id>/<registration id>, unique by construction."""
    year = timezone.localdate(registration.event.starts_at).year
    return f"ZU/{year}/{registration.event_id:04d}/{registration.pk:05d}"


def certificate_issue(*, registration: Registration, actor: User | None = None, now=None) -> Certificate:
    """Issue (or return the already issued) certificate of a present participant of a finished event."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        present = registration.attendances.filter(is_present=True).exists()
        if registration.event.state != Event.State.FINISHED or registration.status != Status.CONFIRMED or not present:
            raise exceptions.CertificateUnavailable()
        certificate, _created = Certificate.objects.get_or_create(
            registration=registration,
            defaults={"number": certificate_number(registration), "issued_at": now or timezone.now()},
        )
    return certificate


def certificate_render(*, certificate: Certificate, region=None) -> bytes:
    """Return the certificate as a PDF (rendered on demand, so it always shows current data)."""
    registration = (
        Registration.objects.select_related("event__funding_project", "participant", "organisation")
        .get(pk=certificate.registration_id)
    )
    days = list(registration.attendances.filter(is_present=True).order_by("day").values_list("day", flat=True))
    return documents.certificate_pdf(
        certificate=certificate, registration=registration, present_days=days, region=region,
        agenda=list(registration.event.agenda_items.all()),
    )


# --- reports -----------------------------------------------------------------------------


def report_publish(*, report: Report, actor: User, now=None) -> Report:
    """Publish a report; the first publication date is kept when it is published again."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.is_published = True
        report.published_at = report.published_at or now or timezone.now()
        report.save(update_fields=["is_published", "published_at", "updated_at"])
    return report


def report_unpublish(*, report: Report, actor: User) -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.is_published = False
        report.save(update_fields=["is_published", "updated_at"])
    return report
