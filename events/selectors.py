"""Reads of the events app, scoped to what the asking user may see."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Membership, Organisation
from partners.selectors import organisation_list_for_member
from portal.models import User

from .models import (
    Attendance,
    Certificate,
    ConsentText,
    Event,
    EventMessage,
    EventSeries,
    EventSession,
    EventSpeaker,
    Material,
    Postulate,
    Registration,
    Report,
    ReportPhoto,
    SessionPlace,
    SessionSlot,
)
from .session_rules import seats_taken_filter

PUBLIC_STATES = (Event.State.PUBLISHED, Event.State.CANCELLED, Event.State.FINISHED)


# --- permissions (docs/permissions.md, "Events") -------------------------------------------


def user_has_perm(user, codename: str) -> bool:
    """Say whether the user holds ``events.<codename>`` (through a role or directly); never ``is_staff``."""
    return bool(user is not None and user.is_authenticated and user.has_perm(f"events.{codename}"))


def user_can_see_drafts(user) -> bool:
    return user_has_perm(user, "view_event")


def user_can_manage_checkin(user) -> bool:
    return user_has_perm(user, "manage_checkin")


def user_can_download_attendance_list(user) -> bool:
    return user_has_perm(user, "view_attendance_list")


def user_can_manage_registrations(user) -> bool:
    return user_has_perm(user, "manage_registration")


def user_can_see_unpublished_reports(user) -> bool:
    return user_has_perm(user, "view_report")


def registration_is_own(*, registration: Registration, user) -> bool:
    """True when the user is the participant or the person who registered them."""
    return bool(user is not None and user.is_authenticated) and user.pk in (
        registration.participant_id,
        registration.registered_by_id,
    )


def _registrations_counted(*statuses: str):
    """Count the event's registrations in these statuses: a correlated subquery, so that only
    the rows a page shows are counted (a join with GROUP BY aggregated the whole registrations
    table before the LIMIT, and again inside every COUNT of the paginator and the admin)."""
    counted = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


def places_taken_expression():
    """Places taken (confirmed and pending registrations) of each event, for ``annotate``."""
    return _registrations_counted(*Registration.HOLDING_PLACE)


def waitlisted_expression():
    """Length of each event's waitlist, for ``annotate``."""
    return _registrations_counted(Registration.Status.WAITLISTED)


def event_list_public() -> QuerySet[Event]:
    """Return every event the public may see (not drafts), with places taken annotated."""
    return Event.objects.filter(state__in=PUBLIC_STATES).annotate(
        places_taken=places_taken_expression()
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


# The public iCal feed: events of the last month and what is coming, at most this many.
FEED_PAST_DAYS = 30
FEED_LIMIT = 300


def event_list_feed() -> QuerySet[Event]:
    """Return published events for the public iCal feed: the last 30 days and the coming ones,
    soonest first, at most ``FEED_LIMIT`` (calendars poll the feed often; it must not grow with
    every event ever held)."""
    since = timezone.now() - timezone.timedelta(days=FEED_PAST_DAYS)
    return Event.objects.filter(
        state__in=(Event.State.PUBLISHED, Event.State.FINISHED), ends_at__gte=since
    ).order_by("starts_at", "pk")[:FEED_LIMIT]


def _event_visible(*, slug: str, user) -> QuerySet[Event]:
    states = (*PUBLIC_STATES, Event.State.DRAFT) if user_can_see_drafts(user) else PUBLIC_STATES
    return Event.objects.filter(slug=slug, state__in=states)


def event_get_public(*, slug: str, user) -> Event:
    """Return the event with this slug if the user may see it (drafts: ``events.view_event``), else 404."""
    event = _event_visible(slug=slug, user=user).first()
    if event is None:
        raise Http404
    return event


def event_get_for_page(*, slug: str, user) -> Event:
    """Return the event for its public page, with everything the page shows read at once.

    Places taken and the waitlist length are counted in the same query, and so is whether the
    user acts for an organisation (``user_is_member``, for the registration button); the
    report comes with the event. Registration questions are not read: the page does not show
    them.
    """
    event = (
        _event_visible(slug=slug, user=user)
        .select_related("funding_project", "series", "report")
        .prefetch_related("target_groups", "subregions", "agenda_items")
        .annotate(
            places_taken=places_taken_expression(),
            waitlisted=waitlisted_expression(),
            material_count=_subquery_count(Material, "event"),
            has_slots=Exists(SessionSlot.objects.filter(event=OuterRef("pk"))),
            has_speakers=Exists(EventSpeaker.objects.filter(event=OuterRef("pk"))),
            **_membership_annotation(user),
        )
        .first()
    )
    if event is None:
        raise Http404
    return event


def event_get_for_registration(*, slug: str, user) -> Event:
    """Return the event for the registration form: its questions, places taken, whether it has
    parallel sessions and whether the user acts for an organisation, in two queries."""
    event = (
        _event_visible(slug=slug, user=user)
        .select_related("funding_project")
        .prefetch_related("questions")
        .annotate(
            places_taken=places_taken_expression(),
            has_slots=Exists(SessionSlot.objects.filter(event=OuterRef("pk"))),
            **_membership_annotation(user),
        )
        .first()
    )
    if event is None:
        raise Http404
    return event


def _subquery_count(model, field: str):
    counted = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


def _membership_annotation(user) -> dict:
    if not user.is_authenticated:
        return {}
    return {
        "user_is_member": Exists(
            Membership.objects.filter(user=user, status=Membership.Status.APPROVED)
        )
    }


def event_places_taken(*, event: Event) -> int:
    if getattr(event, "places_taken", None) is not None:
        return event.places_taken
    return event.registrations.filter(status__in=Registration.HOLDING_PLACE).count()


def event_places_free(*, event: Event) -> int:
    taken = getattr(event, "places_taken", None)
    if taken is None:
        taken = event_places_taken(event=event)
    return max(event.participant_capacity - taken, 0)


def event_places_summary(*, event: Event) -> dict:
    """Return places taken, pending, free and waitlisted for the staff overview."""
    counts = event.registrations.aggregate(
        taken=Count("pk", filter=Q(status__in=Registration.HOLDING_PLACE)),
        pending=Count("pk", filter=Q(status=Registration.Status.PENDING)),
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
    )
    return {
        "event": event,
        **counts,
        "reserved": event.places_reserved,
        "free": max(event.participant_capacity - counts["taken"], 0),
    }


def event_waitlist(*, event: Event) -> QuerySet[Registration]:
    """Return the waitlist of an event in the order places are offered."""
    return event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )


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
        return RegistrationAvailability(
            False, _("Zapisy rozpoczną się %(date)s.") % {"date": opens}
        )
    if (
        event.registration_closes_at and now > event.registration_closes_at
    ) or now >= event.starts_at:
        return RegistrationAvailability(False, _("Zapisy zostały zakończone."))
    if not user.is_authenticated:
        return RegistrationAvailability(
            False,
            _("Zapisy wymagają zalogowania: można zapisać siebie lub osoby ze swojej organizacji."),
            needs_login=True,
        )
    is_member = getattr(event, "user_is_member", None)
    if is_member is None:
        is_member = organisation_list_for_member(user=user).exists()
    if not is_member:
        pending = (
            Membership.objects.filter(user=user, status=Membership.Status.PENDING)
            .select_related("organisation")
            .first()
        )
        if pending is not None:
            return RegistrationAvailability(
                False,
                _(
                    "Prośba o dołączenie do organizacji „%(organisation)s” czeka na zatwierdzenie. "
                    "Zapis będzie możliwy, gdy administrator organizacji lub ROPS ją zatwierdzi."
                )
                % {"organisation": pending.organisation},
            )
        return RegistrationAvailability(
            False,
            _(
                "Zapisy prowadzimy dla przedstawicieli organizacji partnerskich: wystarczy dołączyć do swojej organizacji w katalogu partnerów."
            ),
            needs_membership=True,
        )
    return RegistrationAvailability(True)


def colleague_list(
    *, user, organisations: QuerySet[Organisation] | None = None, search: str = ""
) -> QuerySet[User]:
    """Return people with an approved membership in any organisation the user acts for.

    The user comes first; ``search`` keeps the people whose name or e-mail contains every word
    (and the user).
    """
    organisations = (
        organisations if organisations is not None else organisation_list_for_member(user=user)
    )
    people = User.objects.filter(
        memberships__organisation__in=organisations,
        memberships__status=Membership.Status.APPROVED,
        is_active=True,
    )
    for word in search.split()[:5]:
        people = people.filter(
            Q(pk=user.pk)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    return (
        people.annotate(is_self=Case(When(pk=user.pk, then=Value(0)), default=Value(1)))
        .distinct()
        .order_by("is_self", "last_name", "first_name", "email")
    )


def registration_choices_resolve(
    *, user, organisation_pk, participant_pk
) -> tuple[Organisation | None, User | None]:
    """Return the organisation and participant chosen in the registration form if the user may
    choose them (as ``organisation_list_for_member`` and ``colleague_list`` allow), in one query."""
    try:
        organisation_pk, participant_pk = int(organisation_pk), int(participant_pk)
    except (TypeError, ValueError):
        return None, None
    memberships = list(
        Membership.objects.filter(
            user_id__in={user.pk, participant_pk}, status=Membership.Status.APPROVED
        ).select_related("organisation", "user")
    )
    own = {m.organisation_id: m.organisation for m in memberships if m.user_id == user.pk}
    participant = next(
        (
            m.user
            for m in memberships
            if m.user_id == participant_pk and m.organisation_id in own and m.user.is_active
        ),
        None,
    )
    return own.get(organisation_pk), participant


def registration_list_for_user(*, user) -> QuerySet[Registration]:
    """Return registrations the user is the participant of or made for someone else."""
    return (
        Registration.objects.filter(Q(participant=user) | Q(registered_by=user))
        .annotate(
            was_present=_was_present(),
            waitlist_ahead=_waitlist_ahead(),
            has_certificate=_has_certificate(),
            has_workshops=Exists(SessionPlace.objects.filter(registration=OuterRef("pk"))),
        )
        .select_related("event", "organisation", "participant")
        .order_by("-event__starts_at", "-pk")
    )


def _waitlist_ahead():
    """Count the waitlisted registrations of the same event queued before this one."""
    ahead = (
        Registration.objects.filter(event=OuterRef("event"), status=Registration.Status.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(ahead), 0)


def registration_get_for_user(*, user, pk: int) -> Registration:
    """Return one of the user's registrations (as participant or registering person), else 404."""
    registration = registration_list_for_user(user=user).filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


def registration_active_for_event(*, event: Event, user) -> QuerySet[Registration]:
    """Return active registrations for the event that the user is the participant of or made."""
    return registration_list_for_user(user=user).filter(event=event, status__in=Registration.ACTIVE)


@dataclass(frozen=True)
class RegistrationPreconditions:
    """What a registration checks before taking the event's lock, read in one query."""

    consent_text: ConsentText | None
    actor_is_member: bool
    participant_is_member: bool


def registration_preconditions(
    *, actor: User, participant: User, organisation: Organisation
) -> RegistrationPreconditions:
    """Return the current information clause and whether the person registering and the
    participant are approved members of the organisation, in one query."""
    approved = Membership.objects.filter(
        organisation=organisation, status=Membership.Status.APPROVED
    )
    row = (
        ConsentText.objects.filter(is_active=True)
        .order_by("-created_at", "-pk")
        .annotate(
            actor_is_member=Exists(approved.filter(user=actor)),
            participant_is_member=Exists(approved.filter(user=participant)),
        )
        .first()
    )
    if row is None:  # no clause: registration is closed, but say first who may not register
        return RegistrationPreconditions(
            consent_text=None,
            actor_is_member=approved.filter(user=actor).exists(),
            participant_is_member=approved.filter(user=participant).exists(),
        )
    return RegistrationPreconditions(
        consent_text=row,
        actor_is_member=row.actor_is_member,
        participant_is_member=row.participant_is_member,
    )


def consent_text_current() -> ConsentText | None:
    return ConsentText.objects.filter(is_active=True).order_by("-created_at", "-pk").first()


def waitlist_position(*, registration: Registration) -> int | None:
    """Return the 1-based position of a waitlisted registration in its queue."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    if hasattr(registration, "waitlist_ahead"):
        return registration.waitlist_ahead + 1
    return (
        event_waitlist(event=registration.event)
        .filter(
            Q(waitlisted_at__lt=registration.waitlisted_at)
            | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
        )
        .count()
        + 1
    )


# --- after the event: check-in, certificates, materials, reports, postulates ---------------


def _event_get_not_draft(*, slug: str) -> Event:
    event = (
        Event.objects.filter(slug=slug)
        .exclude(state=Event.State.DRAFT)
        .select_related("funding_project")
        .first()
    )
    if event is None:
        raise Http404
    return event


def event_get_for_checkin(*, slug: str, user) -> Event:
    """Return the event for the check-in page; 404 without ``events.manage_checkin``."""
    if not user_can_manage_checkin(user):
        raise Http404
    return _event_get_not_draft(slug=slug)


def event_get_for_attendance_list(*, slug: str, user) -> Event:
    """Return the event whose attendance list the user may download; 404 without the permission."""
    if not user_can_download_attendance_list(user):
        raise Http404
    return _event_get_not_draft(slug=slug)


def event_get_for_certificates(*, slug: str, user) -> Event:
    """Return the event whose certificates the user may issue; 404 without ``events.issue_certificate``."""
    if not user_has_perm(user, "issue_certificate"):
        raise Http404
    return _event_get_not_draft(slug=slug)


def checkin_list(
    *, event: Event, day, search: str = "", session: EventSession | None = None
) -> QuerySet[Registration]:
    """Return confirmed participants (of one workshop) with their attendance on ``day`` annotated."""
    marks = Attendance.objects.filter(registration=OuterRef("pk"), day=day)
    registrations = (
        _confirmed_in(event, session)
        .select_related("participant", "organisation")
        .annotate(
            is_present=Subquery(marks.values("is_present")[:1]),
            marked_at=Subquery(marks.values("marked_at")[:1]),
            marked_by_email=Subquery(marks.values("marked_by__email")[:1]),
        )
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    for word in search.split():
        registrations = registrations.filter(
            Q(participant__first_name__icontains=word)
            | Q(participant__last_name__icontains=word)
            | Q(participant__email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return registrations


def _confirmed_in(event: Event, session: EventSession | None) -> QuerySet[Registration]:
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    if session is not None:
        confirmed = confirmed.filter(session_places__session=session)
    return confirmed


def checkin_summary(*, event: Event, day, session: EventSession | None = None) -> dict:
    """Count confirmed participants (of one workshop) marked present and absent on the day.

    ``walk_ins`` counts the people present who came without registering (spoza listy zgłoszeń);
    they are included in ``present`` and ``confirmed`` too.
    """
    # One query: at most one attendance row per (registration, day), so counting the joined
    # rows of that day counts people; "confirmed" counts registrations once.
    that_day = Q(attendances__day=day)
    present = that_day & Q(attendances__is_present=True)
    counts = _confirmed_in(event, session).aggregate(
        confirmed=Count("pk", distinct=True),
        present=Count("attendances", filter=present),
        absent=Count("attendances", filter=that_day & Q(attendances__is_present=False)),
        walk_ins=Count("attendances", filter=present & Q(is_walk_in=True)),
    )
    return {name: counts[name] or 0 for name in ("confirmed", "present", "absent", "walk_ins")}


def walk_in_candidates(*, event: Event, search: str, limit: int = 10) -> list[User]:
    """Return accounts matching the search that hold no place at the event (to add as walk-ins).

    Each comes with ``walk_in_organisations``: the organisations of their approved memberships.
    """
    words = search.split()
    if not words:
        return []
    people = User.objects.filter(is_active=True).exclude(
        event_registrations__event=event,
        event_registrations__status__in=Registration.ACTIVE,
    )
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    people = list(
        people.order_by("last_name", "first_name", "email").prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(
                    status=Membership.Status.APPROVED
                ).select_related("organisation"),
                to_attr="approved_memberships",
            )
        )[:limit]
    )
    for person in people:
        person.walk_in_organisations = [m.organisation for m in person.approved_memberships]
    return people


def attendance_days_by_registration(*, event: Event) -> dict[int, list]:
    """Return, for each registration of the event, the days it was marked present."""
    days: dict[int, list] = {}
    for registration_id, day in (
        Attendance.objects.filter(registration__event=event, is_present=True)
        .order_by("day")
        .values_list("registration_id", "day")
    ):
        days.setdefault(registration_id, []).append(day)
    return days


def _has_certificate():
    return Exists(Certificate.objects.filter(registration=OuterRef("pk")))


def _was_present():
    return Exists(Attendance.objects.filter(registration=OuterRef("pk"), is_present=True))


def registration_certificate_available(registration: Registration) -> bool:
    """Say whether a certificate has been issued and can be downloaded (``has_certificate`` annotation)."""
    return bool(getattr(registration, "has_certificate", False))


def registration_certificate_eligible(registration: Registration) -> bool:
    """Say whether a certificate is due (needs the ``was_present`` annotation), issued or not yet."""
    return (
        registration.event.state == Event.State.FINISHED
        and registration.status == Registration.Status.CONFIRMED
        and bool(getattr(registration, "was_present", False))
    )


def registration_get_for_certificate(*, user, pk: int) -> Registration:
    """Return a registration whose issued certificate the user may download, else 404.

    Allowed: the participant, the colleague who registered them, and holders of
    ``events.download_certificate``; only once the certificate has been issued (a download
    never issues one: staff or the end-of-event task do).
    """
    base = (
        Registration.objects.all()
        if user_has_perm(user, "download_certificate")
        else registration_list_for_user(user=user)
    )
    registration = (
        base.filter(pk=pk, certificate__isnull=False)
        .select_related("event", "participant", "organisation", "certificate")
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def event_user_is_participant(*, event: Event, user) -> bool:
    """Return True for people with a confirmed place at the event."""
    if not user.is_authenticated:
        return False
    return event.registrations.filter(
        participant=user, status=Registration.Status.CONFIRMED
    ).exists()


def event_user_may_download_private(*, event: Event, user) -> bool:
    """Participants-only materials: confirmed participants and ``events.download_private_material``."""
    return user_has_perm(user, "download_private_material") or event_user_is_participant(
        event=event, user=user
    )


def material_list_for_user(*, event: Event, user) -> QuerySet[Material]:
    """Return the event's materials the user may download."""
    materials = event.materials.all()
    if not event_user_may_download_private(event=event, user=user):
        materials = materials.filter(visibility=Material.Visibility.PUBLIC)
    return materials


def material_list_for_page(
    *, event: Event, user, my_registrations: list[Registration]
) -> tuple[list[Material], int]:
    """Return the materials the event page lists and how many it hides from this user.

    Needs the ``material_count`` annotation of ``event_get_for_page``: no query for an event
    without materials; whether the user is a confirmed participant comes from their own
    registrations, already on the page.
    """
    if not getattr(event, "material_count", 1):
        return [], 0
    materials = list(event.materials.all())
    may_download_private = user_has_perm(user, "download_private_material") or any(
        registration.participant_id == user.pk
        and registration.status == Registration.Status.CONFIRMED
        for registration in my_registrations
    )
    visible = [
        material
        for material in materials
        if may_download_private or material.visibility == Material.Visibility.PUBLIC
    ]
    return visible, len(materials) - len(visible)


def report_for_page(*, event: Event, user) -> Report | None:
    """Return the report read with the event (``event_get_for_page``) if the user may see it,
    with ``gallery_photos`` as ``report_get_for_user`` gives them; no query without a report."""
    report = getattr(event, "report", None)
    if report is None:
        return None
    can_see_unpublished = user_can_see_unpublished_reports(user)
    if not (report.is_published or can_see_unpublished):
        return None
    photos = report.photos.all()
    if not can_see_unpublished:
        photos = photos.filter(is_published=True)
    report.gallery_photos = list(photos)
    return report


def material_get_for_user(*, event: Event, user, pk: int) -> Material:
    material = material_list_for_user(event=event, user=user).filter(pk=pk).first()
    if material is None:
        raise Http404
    return material


def report_get_for_user(*, event: Event, user) -> Report | None:
    """Return the event's report if published (``events.view_report`` also sees an unpublished one)."""
    reports = Report.objects.filter(event=event)
    photos = ReportPhoto.objects.all()
    if not user_can_see_unpublished_reports(user):
        reports = reports.filter(is_published=True)
        photos = photos.filter(is_published=True)
    # ``gallery_photos``: what this user may see (the public: published photos only).
    return reports.prefetch_related(Prefetch("photos", photos, to_attr="gallery_photos")).first()


def report_list_published() -> QuerySet[Report]:
    """Return published reports of public events, newest first, with a cover photo at hand."""
    return (
        Report.objects.filter(is_published=True, event__state__in=PUBLIC_STATES)
        .select_related("event")
        .prefetch_related(
            Prefetch(
                "photos", ReportPhoto.objects.filter(is_published=True), to_attr="gallery_photos"
            )
        )
        .order_by("-published_at", "-pk")
    )


def photo_get_for_user(*, slug: str, pk: int, user) -> ReportPhoto:
    """Return a report photo: public once both it and its report are published, before that
    ``events.view_report`` only (404 for everybody else, whatever URL they try)."""
    photos = ReportPhoto.objects.filter(pk=pk, report__event__slug=slug).select_related(
        "report__event"
    )
    if not user_can_see_unpublished_reports(user):
        photos = photos.filter(
            is_published=True, report__is_published=True, report__event__state__in=PUBLIC_STATES
        )
    photo = photos.first()
    if photo is None:
        raise Http404
    return photo


def report_photos_for_staff(*, report: Report) -> QuerySet[ReportPhoto]:
    """Every photo of a report, unpublished first, for the staff page that describes them."""
    return report.photos.select_related("report__event").order_by("is_published", "position", "pk")


def report_photos_progress(*, report: Report) -> dict:
    """How far the worker is with the latest uploads of a report's photos.

    ``total`` counts the photos uploaded since the oldest one still waiting (a whole upload
    shares one time), ``done`` those of them ready or unreadable; ``failed`` names the files
    that could not be read.
    """
    State = ReportPhoto.State
    failed = list(
        report.photos.filter(state=State.FAILED)
        .order_by("pk")
        .values_list("original_name", flat=True)
    )
    first = report.photos.filter(state=State.PROCESSING).aggregate(first=Min("uploaded_at"))[
        "first"
    ]
    if first is None:
        return {"waiting": 0, "done": 0, "total": 0, "failed": failed}
    counts = report.photos.filter(uploaded_at__gte=first).aggregate(
        total=Count("pk"), waiting=Count("pk", filter=Q(state=State.PROCESSING))
    )
    return {
        "waiting": counts["waiting"],
        "done": counts["total"] - counts["waiting"],
        "total": counts["total"],
        "failed": failed,
    }


def report_for_photo_staff(*, slug: str, user) -> Report:
    """The report whose photos the user manages (``events.change_reportphoto``), else 404."""
    if not user_has_perm(user, "change_reportphoto"):
        raise Http404
    report = Report.objects.filter(event__slug=slug).select_related("event").first()
    if report is None:
        raise Http404
    return report


def postulate_list_public(*, event: Event, report: Report | None = None) -> QuerySet[Postulate]:
    """Return the event's postulates once the event is finished or its report is published."""
    if event.state != Event.State.FINISHED and not (report and report.is_published):
        return Postulate.objects.none()
    return event.postulates.select_related("session")


# --- parallel sessions (workshops) ---------------------------------------------------------


def session_slots_for_event(*, event: Event) -> list[SessionSlot]:
    """Return the event's slots with their workshops, each with ``seats_taken`` and ``seats_free``."""
    if getattr(event, "has_slots", True) is False:  # annotated by the page's selector
        return []
    sessions = EventSession.objects.annotate(
        seats_taken=Count("places", filter=seats_taken_filter("places__"))
    ).order_by("position", "pk")
    slots = list(
        SessionSlot.objects.filter(event=event)
        .order_by("starts_at", "position", "pk")
        .prefetch_related(Prefetch("sessions", queryset=sessions))
    )
    for slot in slots:
        for session in slot.sessions.all():
            session.seats_free = max(session.capacity - session.seats_taken, 0)
    return slots


def session_get_for_event(*, event: Event, pk) -> EventSession:
    """Return a workshop of this event, else 404."""
    session = EventSession.objects.filter(event=event, pk=pk).select_related("slot").first()
    if session is None:
        raise Http404
    return session


def session_places_by_registration(*, registrations) -> dict[int, list[EventSession]]:
    """Return, per registration id, its workshops in slot order."""
    places: dict[int, list[EventSession]] = {}
    for place in (
        SessionPlace.objects.filter(registration__in=registrations)
        .select_related("session", "slot")
        .order_by("slot__starts_at", "slot_id")
    ):
        places.setdefault(place.registration_id, []).append(place.session)
    return places


def session_list_with_results(*, event: Event) -> list[EventSession]:
    """Return the workshops that recorded results, with the postulates they produced."""
    if event.state != Event.State.FINISHED:
        return []
    return list(
        event.sessions.exclude(results="")
        .select_related("slot")
        .prefetch_related("postulates")
        .order_by("slot__starts_at", "position", "pk")
    )


# --- the organiser's side: series, speakers, messages ------------------------------------------


def series_get_public(*, slug: str, user) -> tuple[EventSeries, list[Event]]:
    """Return a series and its events the user may see (with places taken), soonest first; else 404."""
    series = EventSeries.objects.filter(slug=slug).first()
    if series is None:
        raise Http404
    states = (*PUBLIC_STATES, Event.State.DRAFT) if user_can_see_drafts(user) else PUBLIC_STATES
    events = list(
        Event.objects.filter(series=series, state__in=states)
        .annotate(
            places_taken=Count(
                "registrations", filter=Q(registrations__status__in=Registration.HOLDING_PLACE)
            )
        )
        .order_by("starts_at", "pk")
    )
    if not events:
        raise Http404
    return series, events


def speaker_list_for_event(*, event: Event) -> list[EventSpeaker]:
    """Return the event's speakers and guests with their accounts, organisations and agenda items."""
    if getattr(event, "has_speakers", True) is False:  # annotated by event_get_for_page
        return []
    return list(
        event.speakers.select_related("person", "organisation").prefetch_related("agenda_items")
    )


def user_can_message_participants(user) -> bool:
    return user_has_perm(user, "message_participants")


def event_get_for_messages(*, slug: str, user) -> Event:
    """Return the event whose participants the user may write to; 404 without the permission."""
    if not user_can_message_participants(user):
        raise Http404
    return _event_get_not_draft(slug=slug)


def message_recipients(
    *, event: Event, audience: str, session: EventSession | None = None
) -> QuerySet[User]:
    """Return the people a message to this audience of the event (or of one of its workshops)
    goes to, one row per person."""
    Audience = EventMessage.Audience
    registrations = event.registrations.all()
    if session is not None:
        registrations = registrations.filter(session_places__session=session)
    if audience == Audience.CONFIRMED:
        registrations = registrations.filter(status=Registration.Status.CONFIRMED)
    elif audience == Audience.WAITLISTED:
        registrations = registrations.filter(status=Registration.Status.WAITLISTED)
    elif audience == Audience.PRESENT:
        registrations = registrations.filter(
            status=Registration.Status.CONFIRMED, attendances__is_present=True
        )
    else:
        return User.objects.none()
    return (
        User.objects.filter(pk__in=registrations.values("participant_id"), is_active=True)
        .exclude(email="")
        .order_by("last_name", "first_name", "pk")
    )


def message_list_for_event(*, event: Event) -> QuerySet[EventMessage]:
    return event.messages.select_related("sent_by").order_by("-sent_at", "-pk")


def walk_in_person_get(*, pk: int) -> User:
    """Return an active account chosen from the walk-in search, else 404."""
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise Http404
    return person


def walk_in_organisations(
    *, event: Event, search: str = "", limit: int = 30
) -> QuerySet[Organisation]:
    """Organisations offered in the walk-in form: those matching ``search`` (name or NIP), else
    those of the people already registered (the register can hold thousands)."""
    search = search.strip()
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        match = Q(name__icontains=search)
        if len(digits) == 10:
            match |= Q(nip=digits)
        organisations = Organisation.objects.filter(match)
    else:
        organisations = Organisation.objects.filter(
            pk__in=event.registrations.filter(status__in=Registration.ACTIVE).values(
                "organisation_id"
            )
        )
    return organisations.order_by("name", "pk")[:limit]
