"""Demo indicators of the demo funding project (safe to run again)."""

from datetime import date

from portal.models import FundingProject

from .models import Indicator, Metric

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


def load() -> None:
    project = FundingProject.objects.filter(is_active=True).order_by("pk").first()
    if project is None:
        return
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
