"""Demo indicators of the demo funding project (safe to run again)."""

from datetime import date

from events.models import Event
from partners.models import TerritorialUnit
from portal.models import FundingProject, User

from .models import Indicator, Metric, MonitoringDetails, Sex

DEMO_INDICATORS = [
    (
        "Liczba osób uczestniczących w spotkaniach sieciujących",
        "osoby",
        Metric.PEOPLE_ATTENDED,
        120,
        "",
    ),
    (
        "Liczba podmiotów ekonomii społecznej objętych wsparciem",
        "podmioty",
        Metric.ORGANISATIONS_SUPPORTED,
        40,
        "pes",
    ),
    ("Liczba JST objętych doradztwem eksperckim", "JST", Metric.JST_ADVISED, 15, ""),
    ("Liczba zorganizowanych wizyt studyjnych", "wizyty", Metric.EVENTS_HELD, 3, ""),
    ("Liczba godzin doradztwa eksperckiego", "godziny", Metric.CONSULTATION_HOURS, 200, ""),
    (
        "Liczba postulatów przekazanych do Instytucji Zarządzającej",
        "postulaty",
        Metric.POSTULATES_FORWARDED,
        10,
        "",
    ),
]


# Monitoring details of two demo people who attended the forum, so that the monitoring export
# shows sex and age. The demo partner account has none: its first registration asks for them.
DEMO_MONITORING_DETAILS = [
    ("jst@demo.rops.local", Sex.MALE, 1978),
    ("marek.szulc@demo.rops.local", Sex.MALE, 1991),
]


def load() -> None:
    project = FundingProject.objects.filter(is_active=True).order_by("pk").first()
    if project is None:
        return
    _venue_gminas()
    for email, sex, birth_year in DEMO_MONITORING_DETAILS:
        person = User.objects.filter(email=email).first()
        if person is not None:
            MonitoringDetails.objects.get_or_create(
                person=person, defaults={"sex": sex, "birth_year": birth_year}
            )
    for position, (name, unit, metric, target, kind) in enumerate(DEMO_INDICATORS):
        Indicator.objects.update_or_create(
            funding_project=project,
            name=name,
            defaults={
                "unit": unit,
                "metric": metric,
                "target_value": target,
                "target_date": date(2027, 12, 31),
                "partner_kind": kind,
                "event_type": "study_visit" if metric == Metric.EVENTS_HELD else "",
                "position": position,
                "counted_from": project.starts_on or date(2026, 1, 1),
            },
        )


def _venue_gminas() -> None:
    """Give demo events held in a town the town's gmina (the urban one), for the coverage page."""
    for event in Event.objects.filter(venue_gmina__isnull=True).exclude(venue_city=""):
        gmina = (
            TerritorialUnit.objects.filter(
                level=TerritorialUnit.Level.GMINA, name=event.venue_city, is_active=True
            )
            .order_by("kind_code", "teryt")
            .first()
        )
        if gmina is not None:
            Event.objects.filter(pk=event.pk).update(venue_gmina=gmina)
