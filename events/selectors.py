"""Reads of the events app, scoped to what the asking user may see."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Membership, Organisation
from partners.selectors import organisation_list_for_member
from portal.models import User

from .models import ConsentText, Event, Registration

PUBLIC_STATES = (Event.State.PUBLISHED, Event.State.CANCELLED, Event.State.FINISHED)


def event_list_public() -> QuerySet[Event]:
    """Return every event the public may see (not drafts), with places taken annotated."""
    return Event.objects.filter(state__in=PUBLIC_STATES).annotate(
        places_taken=Count("registrations", filter=Q(registrations__status__in=Registration.HOLDING_PLACE))
    )


def event_list_upcoming_public() -> QuerySet[Event]:
    """Return published events that have not ended yet, soonest first."""
    return (
        event_list_public()
        .filter(state=Event.State.PUBLISHED, ends_at__gte=timezone.now())
        .order_by("starts_at", "pk")
    )


def event_list_past_public() -> QuerySet[Event]:
    """Return events that have ended, most recent first."""
    return (
        event_list_public()
        .filter(ends_at__lt=timezone.now())
        .exclude(state=Event.State.CANCELLED)
        .order_by("-starts_at", "-pk")
    )


def event_list_feed() -> QuerySet[Event]:
    """Return published events for the public iCal feed (recent past and future)."""
    since = timezone.now() - timezone.timedelta(days=90)
    return Event.objects.filter(
        state__in=(Event.State.PUBLISHED, Event.State.FINISHED), ends_at__gte=since
    ).order_by("starts_at", "pk")


def event_get_public(*, slug: str, user) -> Event:
    """Return the event with this slug if the user may see it (drafts: staff only), else 404."""
    states = (*PUBLIC_STATES, Event.State.DRAFT) if user.is_authenticated and user.is_staff else PUBLIC_STATES
    event = (
        Event.objects.filter(slug=slug, state__in=states)
        .select_related("funding_project")
        .prefetch_related("target_groups", "subregions", "agenda_items", "questions")
        .first()
    )
    if event is None:
        raise Http404
    return event


def event_places_taken(*, event: Event) -> int:
    return event.registrations.filter(status__in=Registration.HOLDING_PLACE).count()


def event_places_free(*, event: Event) -> int:
    taken = getattr(event, "places_taken", None)
    if taken is None:
        taken = event_places_taken(event=event)
    return max(event.capacity - taken, 0)


def event_places_summary(*, event: Event) -> dict:
    """Return places taken, pending, free and waitlisted for the staff overview."""
    counts = event.registrations.aggregate(
        taken=Count("pk", filter=Q(status__in=Registration.HOLDING_PLACE)),
        pending=Count("pk", filter=Q(status=Registration.Status.PENDING)),
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
    )
    return {"event": event, **counts, "free": max(event.capacity - counts["taken"], 0)}


def event_waitlist(*, event: Event) -> QuerySet[Registration]:
    """Return the waitlist of an event in the order places are offered."""
    return event.registrations.filter(status=Registration.Status.WAITLISTED).order_by("waitlisted_at", "pk")


@dataclass(frozen=True)
class RegistrationAvailability:
    """Whether the user may register for the event now, and if not, why (in Polish)."""

    can_register: bool
    reason: str = ""
    needs_login: bool = False
    needs_membership: bool = False


def event_registration_availability(*, event: Event, user, now=None) -> RegistrationAvailability:
    """Say whether the registration button works for this user, and why not when it does not."""
    now = now or timezone.now()
    if event.state == Event.State.CANCELLED:
        return RegistrationAvailability(False, _("Wydarzenie zostało odwołane."))
    if event.state != Event.State.PUBLISHED:
        return RegistrationAvailability(False, _("Wydarzenie nie przyjmuje zgłoszeń."))
    if event.capacity == 0:
        return RegistrationAvailability(False, _("Na to wydarzenie nie prowadzimy zapisów online."))
    if event.registration_opens_at and now < event.registration_opens_at:
        opens = timezone.localtime(event.registration_opens_at).strftime("%d.%m.%Y %H:%M")
        return RegistrationAvailability(False, _("Zapisy rozpoczną się %(date)s.") % {"date": opens})
    if (event.registration_closes_at and now > event.registration_closes_at) or now >= event.starts_at:
        return RegistrationAvailability(False, _("Zapisy zostały zakończone."))
    if not user.is_authenticated:
        return RegistrationAvailability(
            False, _("Zaloguj się, aby zapisać siebie lub osoby ze swojej organizacji."), needs_login=True
        )
    if not organisation_list_for_member(user=user).exists():
        return RegistrationAvailability(
            False,
            _("Zapisy prowadzimy dla przedstawicieli organizacji partnerskich: dołącz do swojej organizacji w katalogu partnerów."),
            needs_membership=True,
        )
    return RegistrationAvailability(True)


def colleague_list(*, user, organisations: QuerySet[Organisation] | None = None) -> QuerySet[User]:
    """Return people with an approved membership in any organisation the user acts for."""
    organisations = organisations if organisations is not None else organisation_list_for_member(user=user)
    return (
        User.objects.filter(
            memberships__organisation__in=organisations, memberships__status=Membership.Status.APPROVED, is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def registration_list_for_user(*, user) -> QuerySet[Registration]:
    """Return registrations the user is the participant of or made for someone else."""
    return (
        Registration.objects.filter(Q(participant=user) | Q(registered_by=user))
        .select_related("event", "organisation", "participant")
        .order_by("-event__starts_at", "-pk")
    )


def registration_get_for_user(*, user, pk: int) -> Registration:
    """Return one of the user's registrations (as participant or registering person), else 404."""
    registration = registration_list_for_user(user=user).filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


def registration_active_for_event(*, event: Event, user) -> QuerySet[Registration]:
    """Return active registrations for the event that the user is the participant of or made."""
    return registration_list_for_user(user=user).filter(event=event, status__in=Registration.ACTIVE)


def consent_text_current() -> ConsentText | None:
    return ConsentText.objects.filter(is_active=True).order_by("-created_at", "-pk").first()


def waitlist_position(*, registration: Registration) -> int | None:
    """Return the 1-based position of a waitlisted registration in its queue."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        event_waitlist(event=registration.event)
        .filter(Q(waitlisted_at__lt=registration.waitlisted_at) | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk))
        .count()
        + 1
    )
