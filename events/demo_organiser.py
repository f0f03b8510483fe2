"""Demo of the organiser's side: the study visit as a three-date series, speakers and guests."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import services
from . import services_organiser as organiser
from .models import AgendaItem, Event, EventSeries, EventSpeaker, SessionSlot

VISIT_SLUG = "wizyta-studyjna-wielkopolska"
MEETING_SLUG = "spotkanie-robocze-owes-lgd-ops"
SERIES_SLUG = "wizyty-studyjne-wielkopolska"
# The two further dates of the study visit: (slug, weeks after the first date).
REPEATS = [(f"{VISIT_SLUG}-termin-2", 4), (f"{VISIT_SLUG}-termin-3", 8)]


def _speaker(event: Event, name: str, *, role, organisation_name="", leads=(), counts=False):
    speaker, _ = EventSpeaker.objects.update_or_create(
        event=event,
        name=name,
        defaults={
            "role": role,
            "organisation_name": organisation_name,
            "counts_toward_capacity": counts,
        },
    )
    speaker.agenda_items.set(AgendaItem.objects.filter(event=event, title__in=leads))
    return speaker


def _reserve(event: Event) -> None:
    reserved = event.speakers.filter(counts_toward_capacity=True).count()
    Event.objects.filter(pk=event.pk).update(places_reserved=reserved)


def _move(event: Event, days: int) -> None:
    """Move a demo copy made on an earlier day to its date relative to today (idempotent load)."""
    shift = organiser._shift_datetime
    for name in (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
        "cancellation_deadline",
    ):
        setattr(event, name, shift(getattr(event, name), days))
    event.save()
    for item in event.agenda_items.all():
        item.day += timedelta(days=days)
        item.save(update_fields=["day"])
    for slot in SessionSlot.objects.filter(event=event):
        slot.starts_at, slot.ends_at = shift(slot.starts_at, days), shift(slot.ends_at, days)
        slot.save(update_fields=["starts_at", "ends_at"])


def load(*, staff) -> None:
    visit = Event.objects.get(slug=VISIT_SLUG)
    meeting = Event.objects.filter(slug=MEETING_SLUG).first()
    R = EventSpeaker.Role
    with transaction.atomic():
        series, _ = EventSeries.objects.update_or_create(
            slug=SERIES_SLUG,
            defaults={
                "title": "Wizyty studyjne: usługi społeczne i spółdzielnie socjalne w Wielkopolsce",
                "description": (
                    "Ten sam trzydniowy program w trzech terminach, co cztery tygodnie. Można wybrać "
                    "termin z wolnymi miejscami; jedna organizacja zgłasza najwyżej dwie osoby na termin."
                ),
            },
        )
        Event.objects.filter(pk=visit.pk).update(series=series, reminder_hours=[168, 24])
        visit.refresh_from_db()
        _speaker(
            visit,
            "Joanna Brzezińska",
            role=R.MODERATOR,
            organisation_name="Regionalny Ośrodek Polityki Społecznej w Gdańsku",
            leads=["Warsztat: co przeniesiemy do naszych gmin?"],
            counts=True,  # she travels on the coach: one of the 25 seats
        )
        _speaker(
            visit,
            "Kierownik ZAZ „Dobre Ręce”",
            role=R.HOST,
            organisation_name="Zakład Aktywności Zawodowej „Dobre Ręce” w Wierzbnie",
            leads=["Zakład Aktywności Zawodowej: pralnia i gastronomia"],
        )
        _reserve(visit)
        if meeting is not None:
            _speaker(
                meeting,
                "Przedstawicielka instytucji zarządzającej",
                role=R.AUTHORITY_GUEST,
                organisation_name="Urząd Marszałkowski – Instytucja Zarządzająca FEP 2021–2027",
                leads=["Ekonomia społeczna w nowej perspektywie programu regionalnego"],
            )
            _speaker(
                meeting,
                "Dyrektor ROPS",
                role=R.HOST,
                organisation_name="Regionalny Ośrodek Polityki Społecznej w Gdańsku",
                leads=["Powitanie i cele spotkania"],
            )
            _speaker(
                meeting,
                "Ekspertka ds. zlecania usług",
                role=R.EXPERT,
                organisation_name="Ośrodek Wsparcia Ekonomii Społecznej (demo)",
                leads=["Prezentacja wyników i lista postulatów"],
            )
    first_day = timezone.localdate(visit.starts_at)
    for slug, weeks in REPEATS:
        target = first_day + timedelta(weeks=weeks)
        existing = Event.objects.filter(slug=slug).first()
        if existing is not None:
            days = (target - timezone.localdate(existing.starts_at)).days
            if days:
                _move(existing, days)
            continue
        copy = organiser.event_copy(event=visit, starts_on=target, actor=staff)
        Event.objects.filter(pk=copy.pk).update(slug=slug)
        copy.refresh_from_db()
        services.event_publish(event=copy, actor=staff)
