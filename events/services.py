"""Writes of the events app: registration with capacity, waitlist and notifications.

Capacity rule: every write that can take or free a place locks the event row
(``select_for_update``) first, then counts and decides. Pending registrations hold a
place, so staff approval never overbooks. The partial unique constraint
``registration_one_active_per_participant`` stops a double submit as a last resort.
"""

import copy
import json
import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation
from portal.audit import audit_record
from portal.jobs import job_admit
from portal.models import OutboundEmail, User
from portal.services import (
    EmailAttachment,
    RenderedEmail,
    email_enqueue_deferred,
    email_renderer,
    outbox_publish_batches,
)
from reporting.models import MonitoringDetails
from reporting.monitoring import details_for_project, required_fields
from reporting.services import monitoring_details_store

from . import documents, exceptions, services_attendance_list, session_rules
from .models import (
    DEFAULT_REMINDER_HOURS,
    Attendance,
    Certificate,
    ConsentText,
    Event,
    EventSession,
    Material,
    Question,
    Registration,
    Report,
)
from .selectors import (
    registration_is_own,
    registration_preconditions,
    user_has_perm,
)

logger = logging.getLogger(__name__)

REMINDER_LEAD_TIME = timedelta(hours=DEFAULT_REMINDER_HOURS)
# Offsets longer than this are ignored (and refused by the admin form).
MAX_REMINDER_HOURS = 60 * 24
Status = Registration.Status


def _require(actor: User | None, codename: str) -> None:
    """Refuse unless the actor holds ``events.<codename>``; ``None`` is the system (a beat task)."""
    if actor is not None and not user_has_perm(actor, codename):
        raise exceptions.NotAllowed()


def _person(user: User) -> str:
    return user.get_full_name() or user.email


def _status_change_record(
    registration: Registration, *, actor, verb: str, summary: str, old_status: str
) -> None:
    audit_record(
        actor=actor,
        action=f"events.registration.{verb}",
        target=registration,
        summary=summary,
        changes={"status": [old_status, registration.status]},
    )


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
                errors[question.pk] = _("Prosimy wybrać „tak” albo „nie”.")
                continue
        if question.kind == Question.Kind.CHOICE and value and value not in question.choice_list:
            errors[question.pk] = _("Prosimy wybrać jedną z podanych odpowiedzi.")
            continue
        # A health answer needs a consent that may be refused, so it is never compulsory.
        if question.is_required and not question.is_health_data and not value:
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


def _capacity_counts(event: Event, organisation_id: int, participant_id: int = 0) -> dict:
    """Count, in one query, the places taken at the event and by the organisation, and the
    participant's active registrations (event row already locked)."""
    holding = Q(status__in=Registration.HOLDING_PLACE)
    return event.registrations.aggregate(
        total=Count("pk", filter=holding),
        for_organisation=Count("pk", filter=holding & Q(organisation_id=organisation_id)),
        participant_active=Count(
            "pk", filter=Q(participant_id=participant_id, status__in=Registration.ACTIVE)
        ),
    )


def _counts_have_place(event: Event, counts: dict) -> bool:
    if counts["total"] >= event.participant_capacity:
        return False
    limit = event.per_organisation_limit
    return limit is None or counts["for_organisation"] < limit


def _has_place(event: Event, organisation_id: int) -> bool:
    return _counts_have_place(event, _capacity_counts(event, organisation_id))


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
    services_attendance_list.attendance_list_prerender_soon(event_id=registration.event_id)


def _waitlist_promote(event: Event, actor: User | None) -> list[Registration]:
    """Give freed places to the oldest waitlisted registrations (event row already locked).

    Reads only as many of the queue as there are free places (LIMIT), in decision order.
    Someone whose organisation has reached its limit, or whose chosen workshop is full, is
    skipped but keeps their position; the next read leaves them (and a full organisation) out.
    The event row lock serialises every change of the queue, so no row needs a lock of its
    own. ``actor`` is whoever freed the place (or added places); the audit entry names them.
    """
    promoted: list[Registration] = []
    holding = event.registrations.filter(status__in=Registration.HOLDING_PLACE)
    free = event.participant_capacity - holding.count()
    if free <= 0:
        return promoted
    limit = event.per_organisation_limit
    taken_by_organisation: dict[int, int] = {}
    if limit is not None:
        taken_by_organisation = dict(
            holding.order_by()
            .values("organisation_id")
            .annotate(count=Count("pk"))
            .values_list("organisation_id", "count")
        )
    queue = event.registrations.filter(status=Status.WAITLISTED).order_by("waitlisted_at", "pk")
    # One query here spares events without workshops a query per person promoted.
    has_sessions = session_rules.event_has_sessions(event)
    workshop_full: list[int] = []
    while free > 0:
        full = [org for org, count in taken_by_organisation.items() if count >= (limit or 0)]
        candidates = list(
            queue.exclude(organisation_id__in=full)
            .exclude(pk__in=workshop_full)
            .select_related("participant", "event")[:free]
        )
        if not candidates:
            break
        skipped = False
        for registration in candidates:
            taken = taken_by_organisation.get(registration.organisation_id, 0)
            if limit is not None and taken >= limit:
                skipped = True  # filled up earlier in this batch; read again without it
                continue
            if has_sessions and session_rules.registration_sessions_first_full(registration):
                workshop_full.append(registration.pk)
                skipped = True
                continue
            _promote(registration, event, actor)
            taken_by_organisation[registration.organisation_id] = taken + 1
            promoted.append(registration)
            free -= 1
        if not skipped:
            break
    return promoted


def _promote(registration: Registration, event: Event, actor: User | None) -> None:
    _set_status(registration, _place_status(event))
    _notify(registration, "promoted")
    _status_change_record(
        registration,
        actor=actor,
        verb="promote",
        old_status=Status.WAITLISTED,
        summary=_("Miejsce z listy rezerwowej dla: %(name)s")
        % {"name": _person(registration.participant)},
    )


# --- notifications -----------------------------------------------------------------------

EMAIL_SUBJECTS = {
    "confirmed": gettext_lazy("Potwierdzenie udziału: {title}"),
    "pending": gettext_lazy("Zgłoszenie przyjęte, czeka na akceptację: {title}"),
    "waitlisted": gettext_lazy("Lista rezerwowa: {title}"),
    "promoted": gettext_lazy("Zwolniło się miejsce: {title}"),
    "cancelled": gettext_lazy("Rezygnacja przyjęta: {title}"),
    "cancelled_by_colleague": gettext_lazy("Zgłoszenie anulowane: {title}"),
    "cancelled_by_staff": gettext_lazy("Zgłoszenie anulowane przez organizatora: {title}"),
    "rejected": gettext_lazy("Zgłoszenie nieprzyjęte: {title}"),
    "event_cancelled": gettext_lazy("Wydarzenie odwołane: {title}"),
    "reminder": gettext_lazy("Przypomnienie: {title} już wkrótce"),
}


WORKSHOP_EMAIL_KINDS = ("confirmed", "pending", "waitlisted", "promoted")


def _notify_kwargs(
    registration: Registration,
    kind: str,
    *,
    due_at=None,
    dedup_key: str | None = None,
    actor: User | None = None,
) -> dict:
    event = registration.event
    attachments: Iterable[EmailAttachment] = ()
    if registration.status == Status.CONFIRMED and kind in ("confirmed", "promoted", "reminder"):
        attachments = (
            EmailAttachment(f"{event.slug}.ics", documents.event_ics(event), "text/calendar"),
        )
    return {
        "to": registration.participant.email,
        "subject": str(EMAIL_SUBJECTS[kind]).format(title=event.title),
        "template": f"events_{kind}",
        "context": {
            "registration": registration,
            "event": event,
            "participant": registration.participant,
            "actor": actor,
            # The workshops chosen, in the messages about the registration's own decision.
            "workshops": session_rules.registration_workshops(registration)
            if kind in WORKSHOP_EMAIL_KINDS
            else [],
        },
        "dedup_key": dedup_key
        or f"events:registration:{registration.pk}:{kind}:{registration.revision}",
        "attachments": attachments,
        "due_at": due_at,
    }


def _notify(
    registration: Registration,
    kind: str,
    *,
    due_at=None,
    dedup_key: str | None = None,
    actor: User | None = None,
) -> None:
    """Queue one e-mail about a registration; the outbox sends it after commit, once.

    Only the outbox row is written here (one INSERT): callers hold the event's row lock, and
    the body and the .ics are rendered by the worker that sends it (``_registration_email``),
    as the registration was at this decision.
    """
    email_enqueue_deferred(
        to=registration.participant.email,
        subject=str(EMAIL_SUBJECTS[kind]).format(title=registration.event.title),
        renderer="events.registration",
        render_args={
            "registration": registration.pk,
            "kind": kind,
            "status": registration.status,
            "actor": actor.pk if actor is not None else None,
        },
        dedup_key=dedup_key
        or f"events:registration:{registration.pk}:{kind}:{registration.revision}",
        due_at=due_at,
    )


@email_renderer("events.registration")
def _registration_emails(batch: list[dict]) -> list[RenderedEmail | Exception]:
    """Render e-mails queued by ``_notify`` (in the worker, outside any event lock), a batch of
    them with one query for their registrations."""
    registrations = Registration.objects.select_related(
        "event", "participant", "organisation"
    ).in_bulk([args["registration"] for args in batch])
    actor_ids = {args["actor"] for args in batch if args.get("actor")}
    actors = User.objects.in_bulk(actor_ids) if actor_ids else {}
    rendered: list[RenderedEmail | Exception] = []
    for args in batch:
        found = registrations.get(args["registration"])
        if found is None:
            rendered.append(Registration.DoesNotExist(f"registration {args['registration']}"))
            continue
        # A copy: one batch may hold two e-mails about the same registration (confirmed, then
        # cancelled), each as decided, whatever happened to it since.
        instance = copy.copy(found)
        instance.status = args["status"]
        try:
            kwargs = _notify_kwargs(instance, args["kind"], actor=actors.get(args.get("actor")))
        except Exception as error:  # noqa: BLE001 - recorded on this e-mail's row
            rendered.append(error)
            continue
        rendered.append(
            RenderedEmail(
                template=kwargs["template"],
                context=kwargs["context"],
                attachments=kwargs["attachments"],
            )
        )
    return rendered


# --- registration ------------------------------------------------------------------------


def registration_create(
    *,
    event: Event,
    participant: User,
    organisation: Organisation,
    answers: dict,
    actor: User,
    health_data_consent: bool = False,
    clause_version: str | None = None,
    monitoring: dict | None = None,
    sessions: Iterable[EventSession] | None = None,
    now=None,
) -> Registration:
    """Register a participant for an event: a place if one is free, otherwise the waitlist.

    Registration is a public task (art. 6(1)(e) RODO): no consent is asked for it; the
    registration records the version of the information clause that was shown
    (``clause_version``, the form's hidden field; ``None`` means the current one). Answers to
    questions about health need the explicit consent of art. 9(2)(a) RODO. When the event's
    funding project requires personal details for its monitoring (sex, year of birth, PESEL),
    ``monitoring`` gives them; a detail already stored for the participant may be left out.

    An event with parallel sessions needs one workshop per slot (``sessions``). A person who
    would get a place is refused while a chosen workshop is full (``SessionFull``: choose
    another); a person going to the waitlist keeps the choice and is promoted only when both
    the event and the workshop have room.
    """
    now = now or timezone.now()
    # Everything that needs no lock is read before taking it, in one query.
    checks = registration_preconditions(
        actor=actor, participant=participant, organisation=organisation
    )
    if not checks.actor_is_member:
        raise exceptions.NotAMember()
    if participant.pk != actor.pk and not checks.participant_is_member:
        raise exceptions.ParticipantNotInOrganisation()
    if not (participant.first_name.strip() and participant.last_name.strip()):
        raise exceptions.ParticipantNameMissing()
    cleaned_answers = answers_clean(event=event, answers=answers)
    # .all(): the questions the view already read with the event (no query of its own).
    health_questions = {str(q.pk) for q in event.questions.all() if q.is_health_data}
    gives_health_data = bool(health_questions & set(cleaned_answers))
    if gives_health_data and not health_data_consent:
        raise exceptions.HealthDataConsentMissing()
    consent_text = checks.consent_text
    if consent_text is None:
        raise exceptions.RegistrationClosed(
            _("Zapisy są chwilowo wstrzymane: brak obowiązującej klauzuli RODO.")
        )
    if clause_version is not None and clause_version != consent_text.version:
        raise exceptions.InformationClauseChanged()
    monitoring_values, monitoring_errors = details_for_project(
        project=event.funding_project,
        # Read only when the project asks for monitoring details.
        stored=MonitoringDetails.objects.filter(person=participant).first()
        if required_fields(event.funding_project)
        else None,
        given=monitoring or {},
    )
    if monitoring_errors:
        raise exceptions.MonitoringDetailsInvalid(monitoring_errors)
    chosen = session_rules.sessions_choice_clean(event=event, sessions=sessions)

    # Under the event's lock only the decision: lock, one count, the inserts. The e-mail is
    # rendered by the worker that sends it (see _notify).
    try:
        with transaction.atomic():
            locked = _lock_event(event.pk)
            _check_open(locked, now)
            counts = _capacity_counts(locked, organisation.pk, participant.pk)
            if counts["participant_active"]:
                raise exceptions.AlreadyRegistered()
            status = (
                _place_status(locked) if _counts_have_place(locked, counts) else Status.WAITLISTED
            )
            if chosen:
                # Lock order: the event row (above), then the chosen sessions by primary key.
                locked_sessions = session_rules.sessions_lock(s.pk for s in chosen.values())
                chosen = {slot: locked_sessions[s.pk] for slot, s in chosen.items()}
                if status != Status.WAITLISTED:
                    full = session_rules.sessions_first_full(chosen.values())
                    if full is not None:
                        raise exceptions.SessionFull(full)
            # The page after this counts free places from here, without a query.
            locked.places_taken = counts["total"] + (status in Registration.HOLDING_PLACE)
            # Taken under the lock, so the queue order is the order in which places were decided.
            decided_at = timezone.now()
            registration = Registration.objects.create(
                event=locked,
                participant=participant,
                organisation=organisation,
                registered_by=actor,
                status=status,
                answers=cleaned_answers,
                consent_text=consent_text,
                consented_at=now,
                health_data_consent_at=now if gives_health_data else None,
                created_at=decided_at,
                status_changed_at=decided_at,
                waitlisted_at=decided_at if status == Status.WAITLISTED else None,
            )
            monitoring_details_store(person=participant, values=monitoring_values, actor=actor)
            session_rules.session_places_create(registration=registration, chosen=chosen)
            _notify(registration, status)
            if (
                status == Status.CONFIRMED
                and locked.places_taken >= services_attendance_list.PRERENDER_MIN_PEOPLE
            ):
                services_attendance_list.attendance_list_prerender_soon(event_id=locked.pk)
            audit_record(
                actor=actor,
                action="events.registration.create",
                target=registration,
                summary=_("Zgłoszenie: %(name)s (%(organisation)s), status: %(status)s")
                % {
                    "name": _person(participant),
                    "organisation": organisation,
                    "status": registration.get_status_display(),
                },
                changes={
                    "status": [None, status],
                    "information_clause": consent_text.version,
                    "health_data_consent": gives_health_data,
                    **(
                        {"sessions": [s.pk for _slot, s in sorted(chosen.items())]}
                        if chosen
                        else {}
                    ),
                },
            )
    except IntegrityError as error:
        # The partial unique constraint, the last resort against a double submit; without a
        # savepoint of its own the whole decision is rolled back.
        if _constraint_name(error) == "registration_one_active_per_participant":
            raise exceptions.AlreadyRegistered() from error
        raise
    return registration


def _constraint_name(error: IntegrityError) -> str | None:
    diagnostics = getattr(error.__cause__, "diag", None)
    return getattr(diagnostics, "constraint_name", None)


def _check_open(event: Event, now) -> None:
    if event.state == Event.State.CANCELLED:
        raise exceptions.RegistrationClosed(_("Wydarzenie zostało odwołane: zapisy są niemożliwe."))
    if event.state != Event.State.PUBLISHED or event.capacity == 0:
        raise exceptions.RegistrationClosed(_("To wydarzenie nie przyjmuje zgłoszeń."))
    if event.registration_opens_at and now < event.registration_opens_at:
        raise exceptions.RegistrationClosed(_("Zapisy jeszcze się nie rozpoczęły."))
    if (
        event.registration_closes_at and now > event.registration_closes_at
    ) or now >= event.starts_at:
        raise exceptions.RegistrationClosed(_("Termin zapisów minął."))


def registration_cancel(*, registration: Registration, actor: User, now=None) -> Registration:
    """Withdraw a registration and free its place.

    The participant or the colleague who registered them may withdraw until the cancellation
    deadline; holders of ``events.manage_registration`` (ROPS staff) at any time. The e-mail
    says who acted: a thank-you to a person who withdrew themself, a plain notice otherwise.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = (
            Registration.objects.select_for_update()
            .select_related("participant")
            .get(pk=registration.pk)
        )
        own = registration_is_own(registration=registration, user=actor)
        as_staff = user_has_perm(actor, "manage_registration")
        if not (own or as_staff):
            raise exceptions.CancellationNotAllowed(_("Cudzego zgłoszenia nie można anulować."))
        if registration.status not in Registration.ACTIVE:
            raise exceptions.CancellationNotAllowed(_("To zgłoszenie jest już nieaktywne."))
        if not as_staff and now > event.cancellation_closes_at:
            raise exceptions.CancellationNotAllowed(
                _("Termin rezygnacji minął; prosimy o kontakt z organizatorem wydarzenia.")
            )
        old_status = registration.status
        held_place = registration.status in Registration.HOLDING_PLACE
        _set_status(registration, Status.CANCELLED, now)
        if actor.pk == registration.participant_id:
            kind = "cancelled"
        elif own:
            kind = "cancelled_by_colleague"
        else:
            kind = "cancelled_by_staff"
        _notify(registration, kind, actor=actor)
        _status_change_record(
            registration,
            actor=actor,
            verb="cancel",
            old_status=old_status,
            summary=_("Anulowano zgłoszenie: %(name)s")
            % {"name": _person(registration.participant)},
        )
        if held_place and event.state == Event.State.PUBLISHED:
            _waitlist_promote(event, actor)
    return registration


def registration_approve(*, registration: Registration, actor: User) -> Registration:
    """Confirm a pending registration (its place was already held)."""
    _require(actor, "manage_registration")
    with transaction.atomic():
        _lock_event(registration.event_id)
        registration = (
            Registration.objects.select_for_update()
            .select_related("event", "participant")
            .get(pk=registration.pk)
        )
        if registration.status != Status.PENDING:
            raise exceptions.InvalidTransition(
                _("Zatwierdzić można tylko zgłoszenie oczekujące na akceptację.")
            )
        _set_status(registration, Status.CONFIRMED)
        _notify(registration, "confirmed")
        _status_change_record(
            registration,
            actor=actor,
            verb="approve",
            old_status=Status.PENDING,
            summary=_("Zatwierdzono zgłoszenie: %(name)s")
            % {"name": _person(registration.participant)},
        )
    return registration


def registration_reject(*, registration: Registration, actor: User) -> Registration:
    """Refuse a pending or waitlisted registration; a freed place goes to the waitlist."""
    _require(actor, "manage_registration")
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = (
            Registration.objects.select_for_update()
            .select_related("event", "participant")
            .get(pk=registration.pk)
        )
        if registration.status not in (Status.PENDING, Status.WAITLISTED):
            raise exceptions.InvalidTransition(
                _("Odrzucić można tylko zgłoszenie oczekujące lub z listy rezerwowej.")
            )
        held_place = registration.status == Status.PENDING
        old_status = registration.status
        _set_status(registration, Status.REJECTED)
        _notify(registration, "rejected")
        _status_change_record(
            registration,
            actor=actor,
            verb="reject",
            old_status=old_status,
            summary=_("Odrzucono zgłoszenie: %(name)s")
            % {"name": _person(registration.participant)},
        )
        if held_place and event.state == Event.State.PUBLISHED:
            _waitlist_promote(event, actor)
    return registration


def registration_move_to_waitlist(*, registration: Registration, actor: User) -> Registration:
    """Move a confirmed or pending registration to the end of the waitlist (staff)."""
    _require(actor, "manage_registration")
    with transaction.atomic():
        _lock_event(registration.event_id)
        registration = (
            Registration.objects.select_for_update()
            .select_related("event", "participant")
            .get(pk=registration.pk)
        )
        if registration.status not in Registration.HOLDING_PLACE:
            raise exceptions.InvalidTransition(
                _("Na listę rezerwową można przenieść tylko zgłoszenie z miejscem.")
            )
        old_status = registration.status
        _set_status(registration, Status.WAITLISTED)
        _notify(registration, "waitlisted")
        _status_change_record(
            registration,
            actor=actor,
            verb="waitlist",
            old_status=old_status,
            summary=_("Przeniesiono na listę rezerwową: %(name)s")
            % {"name": _person(registration.participant)},
        )
    return registration


def registration_move_to_confirmed(*, registration: Registration, actor: User) -> Registration:
    """Give a waitlisted registration a confirmed place (staff); refused when the event is full."""
    _require(actor, "manage_registration")
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = (
            Registration.objects.select_for_update()
            .select_related("event", "participant")
            .get(pk=registration.pk)
        )
        if registration.status != Status.WAITLISTED:
            raise exceptions.InvalidTransition(
                _("Potwierdzić miejsce można tylko zgłoszeniu z listy rezerwowej.")
            )
        if not _has_place(event, registration.organisation_id):
            raise exceptions.NoPlacesLeft()
        full = session_rules.registration_sessions_first_full(registration)
        if full is not None:
            raise exceptions.SessionFull(full)
        _set_status(registration, Status.CONFIRMED)
        _notify(registration, "confirmed")
        _status_change_record(
            registration,
            actor=actor,
            verb="confirm",
            old_status=Status.WAITLISTED,
            summary=_("Potwierdzono miejsce z listy rezerwowej: %(name)s")
            % {"name": _person(registration.participant)},
        )
    return registration


def waitlist_promote(*, event: Event, actor: User | None = None) -> list[Registration]:
    """Offer free places (e.g. after staff raised the capacity) to the waitlist, in order."""
    _require(actor, "manage_registration")
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.state != Event.State.PUBLISHED:
            return []
        return _waitlist_promote(locked, actor)


# --- events ------------------------------------------------------------------------------


def event_save(
    *, event: Event, actor: User, created: bool, changed_fields: list[str]
) -> list[Registration]:
    """Save an event edited by staff (never its state: see publish/cancel/finish) and record it.

    More places or a higher per-organisation limit go to the waitlist at once, in order;
    returns the registrations promoted.
    """
    _require(actor, "add_event" if created else "change_event")
    with transaction.atomic():
        if created:
            event.state = Event.State.DRAFT
        event.save()
        audit_record(
            actor=actor,
            action="events.event.create" if created else "events.event.change",
            target=event,
            summary=_("Dodano wydarzenie") if created else _("Zmieniono wydarzenie"),
            changes={"fields": changed_fields},
        )
        if created or not {"capacity", "per_organisation_limit"} & set(changed_fields):
            return []
        locked = _lock_event(event.pk)
        if locked.state != Event.State.PUBLISHED:
            return []
        return _waitlist_promote(locked, actor)


def _event_state_record(event: Event, *, actor, verb: str, old_state: str, summary: str) -> None:
    audit_record(
        actor=actor,
        action=f"events.event.{verb}",
        target=event,
        summary=summary,
        changes={"state": [old_state, event.state]},
    )


def event_publish(*, event: Event, actor: User) -> Event:
    """Publish a draft: it appears in the calendar and, when registration is open, takes registrations."""
    _require(actor, "publish_event")
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.state != Event.State.DRAFT:
            raise exceptions.InvalidTransition(_("Opublikować można tylko szkic."))
        locked.state = Event.State.PUBLISHED
        locked.save(update_fields=["state", "updated_at"])
        _event_state_record(
            locked,
            actor=actor,
            verb="publish",
            old_state=Event.State.DRAFT,
            summary=_("Opublikowano wydarzenie"),
        )
    return locked


def event_cancel(*, event: Event, actor: User) -> Event:
    """Call an event off and tell everyone holding a place or waiting for one."""
    _require(actor, "cancel_event")
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.state not in (Event.State.DRAFT, Event.State.PUBLISHED):
            raise exceptions.InvalidTransition(_("Odwołać można tylko wydarzenie planowane."))
        old_state = locked.state
        locked.state = Event.State.CANCELLED
        locked.save(update_fields=["state", "updated_at"])
        notified = 0
        for registration in locked.registrations.filter(
            status__in=Registration.ACTIVE
        ).select_related("participant"):
            registration.event = locked
            _notify(
                registration,
                "event_cancelled",
                dedup_key=f"events:registration:{registration.pk}:event_cancelled",
            )
            notified += 1
        _event_state_record(
            locked,
            actor=actor,
            verb="cancel",
            old_state=old_state,
            summary=_("Odwołano wydarzenie; powiadomiono zapisanych: %(count)d")
            % {"count": notified},
        )
    return locked


def event_finish(*, event: Event, actor: User | None) -> Event:
    """Mark a published event finished and issue certificates to everyone marked present.

    ``actor`` is None when the end-of-event beat task finishes it.
    """
    _require(actor, "finish_event")
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.state != Event.State.PUBLISHED:
            raise exceptions.InvalidTransition(_("Zakończyć można tylko opublikowane wydarzenie."))
        locked.state = Event.State.FINISHED
        locked.save(update_fields=["state", "updated_at"])
        _event_state_record(
            locked,
            actor=actor,
            verb="finish",
            old_state=Event.State.PUBLISHED,
            summary=_("Zakończono wydarzenie"),
        )
        _certificates_issue(locked, actor=actor)
    return locked


def events_finish_ended(*, now=None) -> list[int]:
    """Finish every published event whose end has passed; return the ids finished by this run.

    Takes the same event row lock as ``event_finish`` and re-checks state and end under it, so
    an event cancelled, finished or moved by staff in the meantime is left alone, and a second
    run finds nothing to do.
    """
    now = now or timezone.now()
    finished = []
    ended = Event.objects.filter(state=Event.State.PUBLISHED, ends_at__lt=now).order_by(
        "ends_at", "pk"
    )
    for event_id in ended.values_list("pk", flat=True):
        with transaction.atomic():
            locked = _lock_event(event_id)
            if locked.state != Event.State.PUBLISHED or locked.ends_at >= now:
                continue
            event_finish(event=locked, actor=None)
        finished.append(event_id)
    return finished


def reminder_dedup_suffix(hours: int) -> str:
    """The end of a reminder's dedup key: ``:reminder`` for the default 48 h (the key reminders
    had before they were configurable, so nobody gets that one twice), ``:reminder:<hours>h``
    for any other offset."""
    return ":reminder" if hours == DEFAULT_REMINDER_HOURS else f":reminder:{hours}h"


def reminder_due_hours(event: Event, now) -> int | None:
    """Return the offset (hours before the start) of the event's reminder due now, if any.

    Only the latest offset that has passed is due: a person who registers a day before the
    start gets the one-day reminder, not also the week-before one that is out of date.
    """
    if not (now < event.starts_at):
        return None
    due = [
        hours
        for hours in reminder_hours_clean(event.reminder_hours)
        if event.starts_at - timedelta(hours=hours) <= now
    ]
    return min(due) if due else None


def reminder_hours_clean(value) -> list[int]:
    """Return the configured offsets as distinct positive whole hours, largest first."""
    if not isinstance(value, list | tuple):
        return []
    hours = set()
    for item in value:
        try:
            number = int(item)
        except (TypeError, ValueError):
            continue
        if 0 < number <= MAX_REMINDER_HOURS:
            hours.add(number)
    return sorted(hours, reverse=True)


def reminders_enqueue(*, now=None) -> int:
    """Queue the reminders due now for confirmed participants of published events.

    Each event has its own offsets (``Event.reminder_hours``, e.g. 168 and 24 hours before; by
    default 48). The dedup key per (registration, offset) makes this safe to run as often as we
    like: each configured reminder goes out once. The rows are written by one INSERT ... SELECT
    per offset due now, unrendered (the worker that sends a batch renders it), and published
    in batches that the workers send in parallel. A transaction level advisory lock makes
    concurrent runs (two beat dispatchers) take turns, so the second sees the first one's rows
    and counts nothing twice; the unique dedup key would stop a duplicate even without it.
    """
    now = now or timezone.now()
    by_offset: dict[int, list[Event]] = {}
    upcoming = Event.objects.filter(
        state=Event.State.PUBLISHED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=MAX_REMINDER_HOURS),
    ).only("pk", "starts_at", "reminder_hours", "title")
    for event in upcoming:
        hours = reminder_due_hours(event, now)
        if hours is not None:
            by_offset.setdefault(hours, []).append(event)
    return sum(
        _reminders_enqueue_offset(hours, events, now=now)
        for hours, events in sorted(by_offset.items())
    )


def _reminders_enqueue_offset(hours: int, events: list[Event], *, now) -> int:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import translation

    from portal.audit import SYSTEM_ACTOR_LABEL
    from portal.models import AuditLogEntry

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    # What differs per event is computed here, once per event, and joined in as arrays.
    subjects = [
        " ".join(str(EMAIL_SUBJECTS["reminder"]).format(title=event.title).split())[:255]
        for event in events
    ]
    summary = _("Zaplanowano przypomnienie o wydarzeniu (%(hours)d h przed początkiem)") % {
        "hours": hours
    }
    sql = f"""
        WITH due AS (
            SELECT r.id, r.status, u.email, event.subject,
                   COALESCE(NULLIF(BTRIM(u.first_name || ' ' || u.last_name), ''), u.email)
                       || ' – ' || event.title AS repr
            FROM {table(Registration)} r
            JOIN unnest(%(event_ids)s::bigint[], %(subjects)s::text[], %(titles)s::text[])
                AS event(id, subject, title) ON event.id = r.event_id
            JOIN {table(Event)} e ON e.id = r.event_id
            JOIN {table(User)} u ON u.id = r.participant_id
            WHERE r.status = %(confirmed)s AND e.state = %(published)s AND e.starts_at > %(now)s
        ),
        inserted AS (
            INSERT INTO {table(OutboundEmail)} AS outbox (dedup_key, "to", subject, body_text,
                body_html, attachments, created_at, due_at, attempts, last_error, renderer,
                render_args)
            SELECT 'events:registration:' || due.id || %(suffix)s, due.email, due.subject, '',
                '', '[]'::jsonb, %(created)s, %(created)s, 0, '', 'events.registration',
                jsonb_build_object('registration', due.id, 'kind', 'reminder',
                    'status', due.status, 'actor', NULL, 'language', %(language)s::text)
            FROM due ORDER BY due.id
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING outbox.id, (outbox.render_args ->> 'registration')::bigint AS registration
        ),
        audited AS (
            INSERT INTO {table(AuditLogEntry)} (created_at, actor_id, actor_label, action,
                content_type_id, object_id, object_repr, summary, changes)
            SELECT %(created)s, NULL, %(system)s, 'events.registration.remind', %(content_type)s,
                due.id::text, LEFT(due.repr, 300), %(summary)s, %(changes)s::jsonb
            FROM inserted JOIN due ON due.id = inserted.registration
        )
        SELECT id FROM inserted ORDER BY id
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REMINDERS_LOCK_ID])
            cursor.execute(
                sql,
                {
                    "event_ids": [event.pk for event in events],
                    "subjects": subjects,
                    "titles": [str(event.title) for event in events],
                    "confirmed": Status.CONFIRMED,
                    "published": Event.State.PUBLISHED,
                    "now": now,
                    # Stored and due at the real time: ``now`` may be a run's simulated moment.
                    "created": timezone.now(),
                    "suffix": reminder_dedup_suffix(hours),
                    "language": translation.get_language() or settings.LANGUAGE_CODE,
                    "system": SYSTEM_ACTOR_LABEL,
                    "content_type": ContentType.objects.get_for_model(Registration).pk,
                    "summary": str(summary),
                    "changes": json.dumps({"hours_before": hours}),
                },
            )
            email_ids = [row[0] for row in cursor.fetchall()]
        # Sent by the workers in parallel batches, each over one SMTP connection.
        outbox_publish_batches(email_ids)
    return len(email_ids)


# Key of the PostgreSQL advisory lock that serialises concurrent reminder runs.
REMINDERS_LOCK_ID = 712_001


def consent_text_create(
    *, version: str, text: str, actor: User | None, text_en: str = ""
) -> ConsentText:
    """Add a new version of the information clause; new registrations show it from now on.

    ``text`` is the Polish clause; ``text_en`` its English version (empty: the Polish one is shown).
    """
    with transaction.atomic():
        consent_text = ConsentText.objects.create(
            version=version, text_pl=text, text_en=text_en or None, is_active=True
        )
        audit_record(
            actor=actor,
            action="events.consenttext.create",
            target=consent_text,
            summary=_("Nowa wersja klauzuli informacyjnej: %(version)s") % {"version": version},
        )
    return consent_text


# --- check-in and certificates --------------------------------------------------------------


def event_days(event: Event) -> list:
    """Return every local calendar day the event runs on (one for a one-day event)."""
    first, last = timezone.localdate(event.starts_at), timezone.localdate(event.ends_at)
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def attendance_mark(
    *, registration: Registration, day, is_present: bool, actor: User, now=None
) -> Attendance:
    """Record a participant as present or absent on one day; repeating the same mark changes nothing.

    The registration row is locked first, so two staff members marking the same person at
    once are serialised: one row per (registration, day), and the later decision wins.
    """
    if not user_has_perm(actor, "manage_checkin"):
        raise exceptions.CheckInNotAllowed()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        )
        if registration.status != Status.CONFIRMED:
            raise exceptions.InvalidTransition(
                _("Obecność można zaznaczyć tylko osobie z potwierdzonym miejscem.")
            )
        if day not in event_days(registration.event):
            raise exceptions.InvalidTransition(_("Wydarzenie nie odbywa się w tym dniu."))
        attendance = Attendance.objects.filter(registration=registration, day=day).first()
        old = None if attendance is None else attendance.is_present
        if attendance is None:
            attendance = Attendance.objects.create(
                registration=registration,
                day=day,
                is_present=is_present,
                marked_at=now or timezone.now(),
                marked_by=actor,
            )
        elif attendance.is_present != is_present:
            attendance.is_present = is_present
            attendance.marked_at = now or timezone.now()
            attendance.marked_by = actor
            attendance.save(update_fields=["is_present", "marked_at", "marked_by"])
        if is_present and registration.event.state == Event.State.FINISHED:
            # Marked from the paper list after the event ended: the certificate follows at once.
            _certificate_issue(registration=registration, actor=actor)
        if old != is_present:
            services_attendance_list.attendance_list_prerender_soon(event_id=registration.event_id)
            audit_record(
                actor=actor,
                action="events.attendance.mark",
                target=attendance,
                summary=(_("Obecność %(day)s") if is_present else _("Nieobecność %(day)s"))
                % {"day": day.isoformat()},
                changes={"is_present": [old, is_present]},
            )
        return attendance


def certificate_number(registration: Registration) -> str:
    """Return the certificate number: ZU/<year>/<event id>/<registration id>, unique by construction."""
    year = timezone.localdate(registration.event.starts_at).year
    return f"ZU/{year}/{registration.event_id:04d}/{registration.pk:05d}"


def certificate_issue(*, registration: Registration, actor: User | None, now=None) -> Certificate:
    """Issue (or return the already issued) certificate of a present participant of a finished event.

    Called by staff (``events.issue_certificate``) or, with ``actor=None``, when the event is
    finished; never by a download.
    """
    _require(actor, "issue_certificate")
    return _certificate_issue(registration=registration, actor=actor, now=now)


def _certificate_issue(*, registration: Registration, actor: User | None, now=None) -> Certificate:
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("event", "participant")
            .get(pk=registration.pk)
        )
        present = registration.attendances.filter(is_present=True).exists()
        if (
            registration.event.state != Event.State.FINISHED
            or registration.status != Status.CONFIRMED
            or not present
        ):
            raise exceptions.CertificateUnavailable()
        certificate, created = Certificate.objects.get_or_create(
            registration=registration,
            defaults={
                "number": certificate_number(registration),
                "issued_at": now or timezone.now(),
            },
        )
        if created:
            audit_record(
                actor=actor,
                action="events.certificate.issue",
                target=certificate,
                summary=_("Wystawiono zaświadczenie %(number)s: %(name)s")
                % {"number": certificate.number, "name": _person(registration.participant)},
            )
    return certificate


def _certificates_issue(event: Event, *, actor: User | None) -> list[Certificate]:
    due = (
        event.registrations.filter(
            status=Status.CONFIRMED, attendances__is_present=True, certificate__isnull=True
        )
        .distinct()
        .order_by("pk")
    )
    return [_certificate_issue(registration=registration, actor=actor) for registration in due]


def certificates_issue_for_event(*, event: Event, actor: User | None) -> list[Certificate]:
    """Issue the missing certificates of everyone marked present at a finished event (e.g. marked late)."""
    _require(actor, "issue_certificate")
    if event.state != Event.State.FINISHED:
        raise exceptions.CertificateUnavailable(
            _("Zaświadczenia wystawiamy po zakończeniu wydarzenia.")
        )
    with transaction.atomic():
        return _certificates_issue(event, actor=actor)


def certificate_render(
    *, certificate: Certificate, actor: User | None = None, region=None
) -> bytes:
    """Return the certificate as a PDF (rendered on demand, so it always shows current data).

    A download by anyone other than the participant or the colleague who registered them
    (staff with ``events.download_certificate``) is recorded in the audit trail.
    """
    registration = Registration.objects.select_related(
        "event__funding_project", "participant", "organisation"
    ).get(pk=certificate.registration_id)
    days = list(
        registration.attendances.filter(is_present=True)
        .order_by("day")
        .values_list("day", flat=True)
    )
    if actor is not None and not registration_is_own(registration=registration, user=actor):
        _private_download_record(
            actor=actor,
            target=certificate,
            verb="events.certificate.download",
            summary=_("Pobrano zaświadczenie %(number)s: %(name)s")
            % {"number": certificate.number, "name": _person(registration.participant)},
        )
    return documents.certificate_pdf(
        certificate=certificate,
        registration=registration,
        present_days=days,
        region=region,
        agenda=list(registration.event.agenda_items.all()),
    )


# --- reports -----------------------------------------------------------------------------


def report_publish(*, report: Report, actor: User, now=None) -> Report:
    """Publish a report; the first publication date is kept when it is published again."""
    _require(actor, "publish_report")
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        was_published = report.is_published
        report.is_published = True
        report.published_at = report.published_at or now or timezone.now()
        report.save(update_fields=["is_published", "published_at", "updated_at"])
        if not was_published:
            audit_record(
                actor=actor,
                action="events.report.publish",
                target=report,
                summary=_("Opublikowano relację"),
                changes={"is_published": [False, True]},
            )
    return report


def report_unpublish(*, report: Report, actor: User) -> Report:
    """Withdraw a report from the site; its photos stop being served at once."""
    _require(actor, "publish_report")
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        was_published = report.is_published
        report.is_published = False
        report.save(update_fields=["is_published", "updated_at"])
        if was_published:
            audit_record(
                actor=actor,
                action="events.report.unpublish",
                target=report,
                summary=_("Wycofano relację"),
                changes={"is_published": [True, False]},
            )
    return report


def report_save(*, report: Report, actor: User, created: bool, changed_fields: list[str]) -> Report:
    """Save a report edited in the admin (never its publication: that is report_publish)."""
    with transaction.atomic():
        if created and report.author_id is None:
            report.author = actor
        report.save()
        audit_record(
            actor=actor,
            action="events.report.create" if created else "events.report.change",
            target=report,
            summary=_("Dodano relację") if created else _("Zmieniono relację"),
            changes={"fields": changed_fields},
        )
    return report


# --- disclosures: exports and downloads of personal data by staff ------------------------------


def _private_download_record(*, actor: User, target, verb: str, summary: str) -> None:
    audit_record(actor=actor, action=verb, target=target, summary=summary)


def attendance_list_download_record(*, event: Event, actor: User) -> None:
    """Record that a member of staff downloaded an event's attendance list (names and organisations).

    A list not rendered ahead is rendered for the download, so downloads per account are limited
    like other documents (portal.jobs.job_admit raises JobLimitReached).
    """
    _require(actor, "view_attendance_list")
    with transaction.atomic():
        job_admit(actor=actor, action="events.event.attendance_list_download")
        _private_download_record(
            actor=actor,
            target=event,
            verb="events.event.attendance_list_download",
            summary=_("Pobrano listę obecności"),
        )


def material_download_record(*, material: Material, actor: User | None) -> None:
    """Record a staff download of a participants-only material (participants' own downloads are not recorded)."""
    if (
        material.visibility != Material.Visibility.PARTICIPANTS
        or actor is None
        or not actor.is_authenticated
    ):
        return
    if material.event.registrations.filter(participant=actor, status=Status.CONFIRMED).exists():
        return
    _private_download_record(
        actor=actor,
        target=material,
        verb="events.material.download",
        summary=_("Pobrano materiał tylko dla uczestników: %(title)s") % {"title": material.title},
    )


def registration_export_record(*, registrations, actor: User, file_format: str = "") -> None:
    """Record an export of registrations (personal data): who, how many, of which events."""
    _require(actor, "export_registration")
    rows = list(registrations.values_list("pk", "event_id"))
    with transaction.atomic():
        job_admit(actor=actor, action="events.registration.export")
        audit_record(
            actor=actor,
            action="events.registration.export",
            target=None,
            summary=_("Eksport zgłoszeń (%(format)s): %(count)d")
            % {"format": file_format or "?", "count": len(rows)},
            changes={
                "registrations": [pk for pk, _event in rows],
                "events": sorted({event for _pk, event in rows}),
            },
        )
