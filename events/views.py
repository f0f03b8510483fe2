"""Public calendar, event pages, registration and the participant's own registrations."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_format
from django.template.defaultfilters import striptags, truncatechars
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners.models import Organisation
from partners.selectors import organisation_list_for_member
from portal import fragments
from portal.files import private_file_response
from portal.jobs import JobLimitReached
from portal.selectors import news_for_event, region_get_current

from . import (
    documents,
    exceptions,
    selectors,
    services,
    services_attendance_list,
    services_walk_ins,
    views_organiser,
)
from .filters import EventFilter
from .forms import CheckInForm, RegistrationForm, WalkInForm
from .models import Event

# How long a visitor's calendar is kept: "upcoming" changes by itself as events start.
CALENDAR_KEPT_SECONDS = 60
# The longest an event page is kept for visitors (it is replaced on every change of its data).
EVENT_PAGE_KEPT_SECONDS = 600


def event_list(request):
    past = request.GET.get("okres") == "archiwum"
    fragment = fragments.cached_for_visitors(
        request,
        namespaces=("events",),
        parts=("calendar", sorted(request.GET.lists())),
        build=lambda: _event_list_page(request, past),
    )
    return render(
        request,
        "events/event_list.html",
        {
            "past": past,
            "fragment": fragment,
            "page_obj": fragments.PagePosition(**fragment["position"]),
        },
    )


def _event_list_page(request, past: bool) -> tuple[dict, int]:
    base = selectors.event_list_past_public() if past else selectors.event_list_upcoming_public()
    event_filter = EventFilter(
        request.GET or None, queryset=base.prefetch_related("target_groups"), past=past
    )
    events = (
        event_filter.qs
        if event_filter.is_bound and event_filter.is_valid()
        else base.prefetch_related("target_groups")
    )
    page = Paginator(events, 12).get_page(request.GET.get("strona"))
    query = request.GET.copy()
    query.pop("strona", None)
    context = {
        "filter": event_filter,
        "page_obj": page,
        "past": past,
        "query_string": query.urlencode(),
    }
    content = render_to_string("events/_event_list_content.html", context, request=request)
    return {
        "content": content,
        "error_summary": fragments.error_summary(context),
        "position": fragments.PagePosition.of(page),
    }, CALENDAR_KEPT_SECONDS


def event_detail(request, slug: str):
    fragment = fragments.cached_for_visitors(
        request,
        namespaces=("events",),
        parts=("event", slug),
        build=lambda: _event_detail_page(request, slug),
    )
    return render(request, "events/event_detail.html", {"fragment": fragment})


def _event_detail_page(request, slug: str) -> tuple[dict, int]:
    event = selectors.event_get_for_page(slug=slug, user=request.user)
    my_registrations = (
        list(selectors.registration_active_for_event(event=event, user=request.user))
        if request.user.is_authenticated
        else []
    )
    for registration in my_registrations:
        registration.certificate_available = selectors.registration_certificate_available(
            registration
        )
    content = render_to_string(
        "events/_event_detail_content.html",
        {
            "event": event,
            "places_free": selectors.event_places_free(event=event),
            "waitlist_length": event.waitlisted,
            "availability": selectors.event_registration_availability(
                event=event, user=request.user
            ),
            "my_registrations": my_registrations,
            "event_news": list(news_for_event(event=event)[:10]),
            "agenda_days": _agenda_by_day(event, selectors.session_slots_for_event(event=event)),
            "can_manage_registrations": selectors.user_has_perm(request.user, "view_registration"),
            "can_checkin": selectors.user_can_manage_checkin(request.user),
            **views_organiser.event_detail_context(event, request.user),
            **_after_event_context(event, request.user, my_registrations),
        },
        request=request,
    )
    text = striptags(event.summary or event.description)
    city = f", {event.venue_city}" if event.venue_city else ""
    parts = {
        "title": event.title,
        "meta_description": f"{date_format(timezone.localtime(event.starts_at), 'j E Y')}{city}. "
        f"{truncatechars(text, 180)}",
        "og_description": truncatechars(text, 200),
        "content": content,
    }
    # Kept until the page would change by itself: registration opening or closing, the start
    # (registration ends), the end (the report and materials appear).
    kept = fragments.seconds_until_next(
        (event.registration_opens_at, event.registration_closes_at, event.starts_at, event.ends_at),
        now=timezone.now(),
        longest=EVENT_PAGE_KEPT_SECONDS,
    )
    return parts, kept


def _after_event_context(event: Event, user, my_registrations: list) -> dict:
    report = selectors.report_for_page(event=event, user=user)
    materials, hidden_materials = selectors.material_list_for_page(
        event=event, user=user, my_registrations=my_registrations
    )
    return {
        "materials": materials,
        "hidden_materials": hidden_materials,
        "report": report,
        "postulates": selectors.postulate_list_public(event=event, report=report),
        "session_results": selectors.session_list_with_results(event=event),
    }


def _agenda_by_day(event: Event, slots=()) -> list[tuple]:
    """Agenda items and slots of parallel workshops, merged by day and start time."""
    entries = [(item.day, item.starts_at, 0, item) for item in event.agenda_items.all()]
    for slot in slots:
        start = timezone.localtime(slot.starts_at)
        slot.is_session_slot = True
        entries.append((start.date(), start.time(), 1, slot))
    entries.sort(key=lambda entry: entry[:3])
    days: dict = {}
    for day, _start, _kind, entry in entries:
        days.setdefault(day, []).append(entry)
    return list(days.items())


@login_required
def registration_create(request, slug: str):
    event = selectors.event_get_for_registration(slug=slug, user=request.user)
    availability = selectors.event_registration_availability(event=event, user=request.user)
    if not availability.can_register:
        messages.error(request, availability.reason)
        return redirect(event)
    organisations = organisation_list_for_member(user=request.user)
    colleague_search = request.GET.get("osoba", "").strip()[:100]
    form = RegistrationForm(
        request.POST or None,
        event=event,
        organisations=organisations,
        colleagues=selectors.colleague_list(
            user=request.user, organisations=organisations, search=colleague_search
        ),
        user=request.user,
        # Read when the form is shown, not on a valid POST (the service reads the clause itself).
        consent_text=SimpleLazyObject(selectors.consent_text_current),
        slots=selectors.session_slots_for_event(event=event),
    )
    name_missing = False
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                event=event,
                participant=form.cleaned_data["participant"],
                organisation=form.cleaned_data["organisation"],
                answers=form.answers(),
                health_data_consent=form.cleaned_data.get("health_data_consent", False),
                clause_version=form.cleaned_data["clause_version"] or None,
                monitoring=form.monitoring_values(),
                sessions=form.sessions(),
                actor=request.user,
            )
        except exceptions.AnswersInvalid as error:
            form.add_answer_errors(error.errors)
        except exceptions.MonitoringDetailsInvalid as error:
            form.add_monitoring_errors(error.errors)
        except exceptions.HealthDataConsentMissing as error:
            form.add_error(
                "health_data_consent" if "health_data_consent" in form.fields else None, str(error)
            )
        except exceptions.ParticipantNameMissing as error:
            name_missing = True
            form.add_error("participant", str(error))
        except exceptions.ParticipantNotInOrganisation as error:
            form.add_error("participant", str(error))
        except exceptions.NotAMember as error:
            form.add_error("organisation", str(error))
        except (exceptions.SessionFull, exceptions.SessionChoiceInvalid) as error:
            form.add_session_error(error)
        except exceptions.EventsError as error:
            form.add_error(None, str(error))
        else:
            level = (
                messages.WARNING
                if registration.status == registration.Status.WAITLISTED
                else messages.SUCCESS
            )
            messages.add_message(request, level, _registration_message(registration))
            return redirect("events:my_registrations")
    return render(
        request,
        "events/registration_form.html",
        {
            "event": event,
            "form": form,
            "places_free": selectors.event_places_free(event=event),
            "name_missing": name_missing,
            "account_url": _account_url(),
            "colleague_search": colleague_search,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _account_url() -> str:
    """The page where people edit their name (the account page once it exists)."""
    for name in ("account_profile", "account_email"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _registration_message(registration) -> str:
    name = registration.participant.get_full_name() or registration.participant.email
    if registration.status == registration.Status.CONFIRMED:
        return _(
            "Zgłoszenie przyjęte: %(name)s ma potwierdzone miejsce. Potwierdzenie wysłaliśmy e-mailem."
        ) % {"name": name}
    if registration.status == registration.Status.PENDING:
        return _(
            "Zgłoszenie przyjęte: %(name)s ma zarezerwowane miejsce, które czeka na akceptację organizatora."
        ) % {"name": name}
    if selectors.event_places_free(event=registration.event) > 0:
        return _(
            "Organizacja wykorzystała limit miejsc na tym wydarzeniu: %(name)s jest na liście rezerwowej. "
            "Gdy zwolni się miejsce dla organizacji, wyślemy e-mail."
        ) % {"name": name}
    return _(
        "Brak wolnych miejsc: %(name)s jest na liście rezerwowej. Gdy zwolni się miejsce, wyślemy e-mail."
    ) % {"name": name}


# "Moje zgłoszenia" of a colleague who registers a whole team for years grows without end.
MY_PAGE_SIZE = 25


@login_required
def my_registrations(request):
    page = Paginator(
        selectors.registration_list_for_user(user=request.user), MY_PAGE_SIZE
    ).get_page(request.GET.get("strona"))
    registrations = list(page.object_list)
    # No query at all when none of them chose a workshop.
    workshops = selectors.session_places_by_registration(
        registrations=[r for r in registrations if r.has_workshops]
    )
    now = timezone.now()
    for registration in registrations:
        registration.workshops = workshops.get(registration.pk, [])
        registration.queue_position = selectors.waitlist_position(registration=registration)
        registration.can_cancel = now <= registration.event.cancellation_closes_at
        registration.certificate_available = selectors.registration_certificate_available(
            registration
        )
        registration.certificate_due = selectors.registration_certificate_eligible(registration)
    return render(
        request,
        "events/my_registrations.html",
        {"registrations": registrations, "page_obj": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk: int):
    """Ask for confirmation (GET shows what will happen), then withdraw the registration (POST)."""
    registration = selectors.registration_get_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        return render(
            request,
            "events/registration_cancel_confirm.html",
            {
                "registration": registration,
                "event": registration.event,
                "is_self": registration.participant_id == request.user.pk,
                "deadline_passed": timezone.now() > registration.event.cancellation_closes_at,
            },
        )
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except exceptions.EventsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Zgłoszenie na „%(title)s” zostało anulowane.") % {"title": registration.event.title},
        )
    return redirect("events:my_registrations")


def event_ics(request, slug: str):
    event = selectors.event_get_public(slug=slug, user=request.user)
    response = HttpResponse(documents.event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def events_feed(request):
    region = getattr(request, "region", None)
    name = _("Wydarzenia – kalendarz") if region is None else region.portal_title
    response = HttpResponse(
        documents.events_feed_ics(selectors.event_list_feed(), name=str(name)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="kalendarz.ics"'
    return response


# --- check-in (staff) ----------------------------------------------------------------------


@login_required
def checkin(request, slug: str):
    """Staff mark confirmed participants present or absent, one day at a time; works without JS."""
    event = selectors.event_get_for_checkin(slug=slug, user=request.user)
    days = services.event_days(event)
    day = _pick_day(request.POST.get("day") or request.GET.get("dzien"), days)
    search = (request.POST.get("szukaj") or request.GET.get("szukaj") or "").strip()[:100]
    session = _pick_session(event, request.POST.get("warsztat") or request.GET.get("warsztat"))
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            registration = (
                event.registrations.filter(pk=form.cleaned_data["registration"])
                .select_related("participant")
                .first()
            )
            if registration is None:
                raise Http404
            try:
                services.attendance_mark(
                    registration=registration,
                    day=form.cleaned_data["day"],
                    is_present=form.cleaned_data["present"],
                    actor=request.user,
                )
            except exceptions.EventsError as error:
                messages.error(request, str(error))
            else:
                name = registration.participant.get_full_name() or registration.participant.email
                text = (
                    _("%(name)s: obecność zapisana.")
                    if form.cleaned_data["present"]
                    else _("%(name)s: nieobecność zapisana.")
                )
                messages.success(request, text % {"name": name})
        else:
            messages.error(
                request, _("Nie udało się zapisać obecności: odśwież stronę i spróbuj ponownie.")
            )
        anchor = f"#r{form.cleaned_data['registration']}" if form.is_valid() else ""
        return redirect(_checkin_url(event, days, day, search, session, anchor))
    return _checkin_page(request, event, days=days, day=day, search=search, session=session)


def _checkin_url(event, days, day, search, session, anchor="") -> str:
    query = QueryDict(mutable=True)
    if len(days) > 1:
        query["dzien"] = day.isoformat()
    if session is not None:
        query["warsztat"] = str(session.pk)
    if search:
        query["szukaj"] = search
    path = reverse("events:checkin", args=[event.slug])
    return f"{path}?{query.urlencode()}{anchor}" if query else f"{path}{anchor}"


def _pick_session(event: Event, value: str | None):
    """Return the workshop the check-in page is narrowed to (None: everybody)."""
    if not value or not str(value).isdigit():
        return None
    return selectors.session_get_for_event(event=event, pk=int(value))


def _checkin_page(request, event, *, days, day, search, session, walk_in_form=None, status=200):
    registrations = list(
        selectors.checkin_list(event=event, day=day, search=search, session=session)
    )
    sessions = list(event.sessions.select_related("slot"))
    workshops = (
        selectors.session_places_by_registration(registrations=registrations) if sessions else {}
    )
    for registration in registrations:
        registration.workshops = workshops.get(registration.pk, [])
    organisation_search = (request.GET.get("organizacja") or "").strip()[:100]
    offered = selectors.walk_in_organisations(event=event, search=organisation_search)
    if walk_in_form is None:
        walk_in_form = WalkInForm(
            event=event,
            sessions=sessions,
            organisations=offered,
            initial={"day": day, "session": session, "email": request.GET.get("dopisz", "")},
        )
    else:
        # Re-shown after an error: the short list again, plus the organisation chosen.
        chosen = walk_in_form.data.get("organisation")
        walk_in_form.fields["organisation"].queryset = Organisation.objects.filter(
            Q(pk__in=[o.pk for o in offered]) | Q(pk=int(chosen) if str(chosen).isdigit() else None)
        ).order_by("name", "pk")
    return render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "days": days,
            "day": day,
            "search": search,
            "session": session,
            "sessions": sessions,
            "registrations": registrations,
            "summary": selectors.checkin_summary(event=event, day=day, session=session),
            "walk_in_form": walk_in_form,
            "organisation_search": organisation_search,
            "walk_in_candidates": selectors.walk_in_candidates(event=event, search=search)
            if search
            else [],
            "can_add_walk_ins": event.state in (Event.State.PUBLISHED, Event.State.FINISHED),
            "can_download_list": selectors.user_can_download_attendance_list(request.user),
            "can_issue_certificates": selectors.user_has_perm(request.user, "issue_certificate")
            and event.state == Event.State.FINISHED,
        },
        status=status,
    )


@login_required
@require_POST
def checkin_walk_in(request, slug: str):
    """Add a person who came without registering and record them present (staff)."""
    event = selectors.event_get_for_checkin(slug=slug, user=request.user)
    days = services.event_days(event)
    search = (request.POST.get("szukaj") or "").strip()[:100]
    session = _pick_session(event, request.POST.get("warsztat"))
    form = WalkInForm(request.POST, event=event, organisations=Organisation.objects.all())
    day = _pick_day(request.POST.get("day"), days)
    if form.is_valid():
        person = None
        if form.cleaned_data["person"]:
            person = selectors.walk_in_person_get(pk=form.cleaned_data["person"])
        try:
            registration, created = services_walk_ins.walk_in_add(
                event=event,
                day=form.cleaned_data["day"],
                organisation=form.cleaned_data["organisation"],
                person=person,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                session=form.cleaned_data.get("session"),
                actor=request.user,
            )
        except exceptions.WalkInInvalid as error:
            form.add_walk_in_errors(error.errors)
        except exceptions.SessionFull as error:
            form.add_error("session" if "session" in form.fields else None, str(error))
        except exceptions.EventsError as error:
            form.add_error(None, str(error))
        else:
            name = registration.participant.get_full_name() or registration.participant.email
            if created:
                text = _("%(name)s: dopisano spoza listy zgłoszeń, obecność zapisana.")
            elif registration.is_walk_in:
                text = _("%(name)s: ta osoba jest już dopisana; obecność zapisana.")
            else:
                text = _("%(name)s: ta osoba jest na liście zgłoszeń; obecność zapisana.")
            messages.success(request, text % {"name": name})
            return redirect(
                _checkin_url(
                    event, days, form.cleaned_data["day"], "", session, f"#r{registration.pk}"
                )
            )
    return _checkin_page(
        request,
        event,
        days=days,
        day=day,
        search=search,
        session=session,
        walk_in_form=form,
        status=400,
    )


def _pick_day(value: str | None, days: list):
    """Return the requested day if the event runs on it, else today (if within) or the first day."""
    try:
        requested = date.fromisoformat(value) if value else None
    except ValueError:
        requested = None
    if requested in days:
        return requested
    today = timezone.localdate()
    return today if today in days else days[0]


@login_required
def attendance_list_pdf(request, slug: str):
    event = selectors.event_get_for_attendance_list(slug=slug, user=request.user)
    session = _pick_session(event, request.GET.get("warsztat"))
    try:
        services.attendance_list_download_record(event=event, actor=request.user)
    except JobLimitReached as error:
        messages.error(request, error.message)
        return redirect(event.get_absolute_url())
    return _attendance_pdf_response(request, event, session=session)


def _attendance_pdf_response(request, event, session=None):
    pdf = services_attendance_list.attendance_list_get(
        event=event, session=session, region=region_get_current(request=request)
    )
    name = f"lista-obecnosci-{event.slug}" + (f"-warsztat-{session.pk}" if session else "")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


# --- certificates, materials, photos, reports ----------------------------------------------


@login_required
@require_POST
def certificates_issue(request, slug: str):
    """Issue the missing certificates of everyone marked present (a staff POST, never a download)."""
    event = selectors.event_get_for_certificates(slug=slug, user=request.user)
    try:
        issued = services.certificates_issue_for_event(event=event, actor=request.user)
    except exceptions.EventsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Wystawione zaświadczenia: %(count)d.") % {"count": len(issued)}
        )
    return redirect("events:checkin", slug=event.slug)


@login_required
def certificate_download(request, pk: int):
    """Download an issued certificate: the participant, who registered them, or staff with the permission.

    Only serves a certificate that exists (issued when the event finished or by staff): a GET
    never issues one.
    """
    registration = selectors.registration_get_for_certificate(user=request.user, pk=pk)
    certificate = registration.certificate
    pdf = services.certificate_render(
        certificate=certificate, actor=request.user, region=region_get_current(request=request)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"zaswiadczenie-{certificate.number.replace('/', '-')}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def material_download(request, slug: str, pk: int):
    event = selectors.event_get_public(slug=slug, user=request.user)
    material = selectors.material_get_for_user(event=event, user=request.user, pk=pk)
    services.material_download_record(material=material, actor=request.user)
    return private_file_response(material.file, download_name=material.download_name)


def photo(request, slug: str, pk: int):
    photo = selectors.photo_get_for_user(slug=slug, pk=pk, user=request.user)
    # private, no-store (set by private_file_response): unpublishing a report hides its photos at once.
    return private_file_response(photo.image, inline=True)


def report_list(request):
    page = Paginator(selectors.report_list_published(), 12).get_page(request.GET.get("strona"))
    return render(request, "events/report_list.html", {"page_obj": page})
