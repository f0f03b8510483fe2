"""Renderers of the events app: iCalendar files and the attendance list PDF (context in, bytes out)."""

from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as IcsEvent

from portal.pdf import render_pdf

WARSAW = ZoneInfo("Europe/Warsaw")


def _uid_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "localhost"


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
    item.add("description", f"{description}\n{settings.SITE_URL}{event.get_absolute_url()}".strip())
    if event.venue_address:
        item.add("location", event.venue_address)
    item.add("url", f"{settings.SITE_URL}{event.get_absolute_url()}")
    item.add("status", "CANCELLED" if event.state == "cancelled" else "CONFIRMED")
    if event.contact_email:
        item.add("organizer", f"mailto:{event.contact_email}", parameters={"cn": event.organiser})
    return item


def event_ics(event) -> bytes:
    """Return one event as an .ics file (Europe/Warsaw times, stable UID)."""
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


def attendance_list_pdf(*, event, registrations, region=None, days=(), present_days=None) -> bytes:
    """Return the attendance list of an event (one row per confirmed participant) as a PDF.

    With ``present_days`` (registration id -> days marked present at check-in) each row says
    on which days the person was present; the signature column stays for paper records.
    """
    present_days = present_days or {}
    rows = [(registration, present_days.get(registration.pk, [])) for registration in registrations]
    return render_pdf(
        "pdf/events_attendance_list.html",
        {
            "event": event,
            "rows": rows,
            "registrations": [row[0] for row in rows],
            "days": list(days),
            "show_presence": present_days is not None,
            "present_total": sum(1 for _registration, marked in rows if marked),
            "region": region,
            "generated_at": timezone.now(),
        },
    )


def certificate_pdf(*, certificate, registration, present_days, agenda, region=None) -> bytes:
    """Return a certificate of participation (zaświadczenie o udziale) as a PDF."""
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
        },
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
        "pdf/events_demo_material.html", {"event": event, "title": title, "sections": sections, "region": region}
    )
