"""Renderers of the events app: iCalendar files and the attendance list PDF (context in, bytes out)."""

import functools
import hashlib
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as IcsEvent

from portal.links import absolute_url, site_host
from portal.pdf import page_numbers_css, region_images, render_pdf

from .models import Attendance

WARSAW = ZoneInfo("Europe/Warsaw")


def _uid_domain() -> str:
    return site_host()


def event_uid(event) -> str:
    """Return a UID that stays the same for an event whatever changes, so calendars update it."""
    return f"event-{event.pk}@{_uid_domain()}"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Portal ekonomii spolecznej//Wydarzenia//PL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Warsaw")
    return calendar


def _ics_event(event) -> IcsEvent:
    item = IcsEvent()
    item.add("uid", event_uid(event))
    item.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")))
    item.add("last-modified", event.updated_at.astimezone(ZoneInfo("UTC")))
    item.add("dtstart", event.starts_at.astimezone(WARSAW))
    item.add("dtend", event.ends_at.astimezone(WARSAW))
    item.add("summary", event.title)
    description = event.summary or ""
    if event.online_url:
        description = f"{description}\n{event.online_url}".strip()
    item.add("description", f"{description}\n{absolute_url(event.get_absolute_url())}".strip())
    if event.venue_address:
        item.add("location", event.venue_address)
    item.add("url", absolute_url(event.get_absolute_url()))
    item.add("status", "CANCELLED" if event.state == "cancelled" else "CONFIRMED")
    if event.contact_email:
        item.add("organizer", f"mailto:{event.contact_email}", parameters={"cn": event.organiser})
    return item


_ICS_CACHE: dict = {}


def event_ics(event) -> bytes:
    """Return one event as an .ics file (Europe/Warsaw times, stable UID).

    Built once per event revision (pk and updated_at) in this process: adding the time zones
    is most of the cost, and reminders attach the same file to every participant's e-mail.
    """
    key = (event.pk, event.updated_at, event.state, translation.get_language())
    if event.pk is not None and key in _ICS_CACHE:
        return _ICS_CACHE[key]
    content = _event_ics_build(event)
    if event.pk is not None:
        if len(_ICS_CACHE) >= 512:
            _ICS_CACHE.clear()
        _ICS_CACHE[key] = content
    return content


def _event_ics_build(event) -> bytes:
    calendar = _calendar(event.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(_ics_event(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def events_feed_ics(events, name: str) -> bytes:
    """Return a calendar feed of the given events."""
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_ics_event(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()


ATTENDANCE_LIST_TEMPLATE = "pdf/events_attendance_list.html"


def attendance_list_context(*, event, registrations, region=None, days=(), session=None) -> dict:
    """Return what the attendance list shows, except the time it is generated at.

    One list per day, each on new pages, with a row per confirmed participant and a signature
    cell and, once anyone was marked at check-in that day, what was recorded: present, absent
    or not marked. With ``session`` the list is that workshop's (its title, host and room in
    the heading). People who came without registering are marked "spoza listy zgłoszeń" and
    counted apart.
    """
    registrations = list(registrations)
    days = list(days) or [timezone.localdate(event.starts_at)]
    marks: dict[tuple[int, object], bool] = dict(
        ((registration_id, day), is_present)
        for registration_id, day, is_present in Attendance.objects.filter(
            registration__event_id=event.pk
        ).values_list("registration_id", "day", "is_present")
    )
    labels = {True: _("obecność"), False: _("nieobecność"), None: _("nie oznaczono")}
    walk_in_label = _("spoza listy zgłoszeń")
    people = [
        (
            registration.pk,
            (registration.participant.get_full_name() or registration.participant.email)
            + (f" ({walk_in_label})" if registration.is_walk_in else ""),
            registration.organisation.name if registration.organisation_id else "",
        )
        for registration in registrations
    ]
    walk_ins = sum(1 for registration in registrations if registration.is_walk_in)
    day_lists = []
    for day in days:
        statuses = [marks.get((pk, day)) for pk, _name, _organisation in people]
        rows = [
            (number, name, organisation, labels[status])
            for number, ((_pk, name, organisation), status) in enumerate(
                zip(people, statuses, strict=True), 1
            )
        ]
        day_lists.append(
            {
                "date": day,
                "rows": rows,
                "marked": any(status is not None for status in statuses),
                "present": statuses.count(True),
                "absent": statuses.count(False),
                "unmarked": statuses.count(None),
            }
        )
    project = event.funding_project
    return {
        "event": event,
        "session": session,
        "walk_ins": walk_ins,
        "day_lists": day_lists,
        "region": region,
        "logos": region_images(region),
        "project": project,
        "cofinancing_notice": (project.cofinancing_notice if project else "")
        or (region.cofinancing_notice if region else ""),
        "page_numbers": page_numbers_css(),
    }


@functools.cache
def _attendance_list_layout_digest(language: str | None) -> str:
    """The template, stylesheet and translations as deployed: a new layout or wording must not
    be served from files stored before it."""
    digest = hashlib.sha256(get_template(ATTENDANCE_LIST_TEMPLATE).template.source.encode())
    digest.update(Path(finders.find("css/pdf.css")).read_bytes())
    for locale_path in settings.LOCALE_PATHS:
        messages = Path(locale_path) / translation.to_locale(language or "") / "LC_MESSAGES"
        if (messages / "django.mo").exists():
            digest.update((messages / "django.mo").read_bytes())
    return digest.hexdigest()


def attendance_list_fingerprint(context: dict) -> str:
    """Return a digest of everything the list prints, so a stored PDF is served only while
    it would come out the same (the generation time aside)."""
    event, session, region, project = (
        context["event"],
        context["session"],
        context["region"],
        context["project"],
    )
    inputs = [
        _attendance_list_layout_digest(translation.get_language()),
        translation.get_language(),
        [event.pk, event.title, event.get_type_display(), event.starts_at, event.ends_at],
        [event.venue_address, event.organiser],
        session and [session.pk, session.title, session.host, session.room],
        region and region.centre_name,
        [[logo.src, logo.alt] for logo in context["logos"]],
        project
        and [
            project.title,
            project.programme,
            project.priority_axis,
            project.measure,
            project.sub_measure,
        ],
        context["cofinancing_notice"],
        context["walk_ins"],
        context["day_lists"],
        str(context["page_numbers"]),
    ]
    return hashlib.sha256(json.dumps(inputs, default=str).encode()).hexdigest()[:32]


def attendance_list_render(context: dict) -> bytes:
    """Render the context of ``attendance_list_context`` to a tagged PDF (PDF/UA-1)."""
    return render_pdf(
        ATTENDANCE_LIST_TEMPLATE,
        {**context, "generated_at": timezone.now()},
        images=context["logos"],
    )


def attendance_list_pdf(
    *, event, registrations, region=None, days=(), present_days=None, session=None
) -> bytes:
    """Return the attendance list of an event as a PDF (see ``attendance_list_context``).

    The ``present_days`` argument is kept for callers; the marks are read here, absences
    included.
    """
    return attendance_list_render(
        attendance_list_context(
            event=event, registrations=registrations, region=region, days=days, session=session
        )
    )


def certificate_pdf(*, certificate, registration, present_days, agenda, region=None) -> bytes:
    """Return a certificate of participation (zaświadczenie o udziale) as a PDF."""
    logos = region_images(region)
    return render_pdf(
        "pdf/events_certificate.html",
        {
            "certificate": certificate,
            "registration": registration,
            "event": registration.event,
            "participant": registration.participant,
            "present_days": present_days,
            "agenda": agenda,
            "programme_minutes": _agenda_minutes(agenda),
            "region": region,
            "logos": logos,
            "page_numbers": page_numbers_css(),
        },
        images=logos,
    )


def _agenda_minutes(agenda) -> tuple[int, int] | None:
    """Return the programme's length as (hours, minutes), summing agenda items with an end time."""
    from datetime import date, datetime

    minutes = 0
    for item in agenda:
        if item.ends_at:
            start = datetime.combine(date.min, item.starts_at)
            end = datetime.combine(date.min, item.ends_at)
            minutes += max(int((end - start).total_seconds() // 60), 0)
    return divmod(minutes, 60) if minutes else None


def demo_material_pdf(*, event, title: str, sections: list[tuple[str, str]], region=None) -> bytes:
    """Return a small generated PDF used as a demo presentation (no binary files in the repository)."""
    return render_pdf(
        "pdf/events_demo_material.html",
        {"event": event, "title": title, "sections": sections, "region": region},
    )
