"""Human labels for the parts of a person's data export ("Moje dane")."""

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# Keys of ``selectors.personal_data_export`` ("app.model:field") the person would not understand.
SECTION_LABELS = {
    "account.emailaddress:user": _("Adresy e-mail konta"),
    "mfa.authenticator:user": _("Metody logowania dwuetapowego"),
    "portal.auditlogentry:actor": _("Czynności wykonane w portalu (dziennik zdarzeń)"),
    "partners.contactperson:user": _("Dane osoby kontaktowej organizacji"),
    "partners.membership:user": _("Członkostwo w organizacjach"),
    "events.registration:participant": _("Zgłoszenia na wydarzenia"),
    "events.registration:registered_by": _("Zgłoszenia innych osób na wydarzenia"),
    "advisory.expert:user": _("Profil eksperta"),
    "advisory.advisoryrequest:requester": _("Złożone wnioski o doradztwo"),
    "reporting.monitoringdetails:person": _(
        "Dane do sprawozdań projektów finansujących (płeć, rok urodzenia, PESEL)"
    ),
}


def section_label(key: str) -> str:
    """Name a part of the export in words; a part added later falls back to its model's name."""
    if key in SECTION_LABELS:
        return str(SECTION_LABELS[key])
    model_key, _sep, field_name = key.partition(":")
    try:
        model = apps.get_model(model_key)
    except (LookupError, ValueError):
        return key
    label = capfirst(str(model._meta.verbose_name_plural))
    try:
        field = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - any unknown field: the model's name alone is still clear
        return label
    return f"{label} ({field.verbose_name})"


def personal_data_sections(data: dict) -> list[tuple[str, int]]:
    """Each part of the export except the account itself, as (label, number of entries)."""
    return [(section_label(key), len(rows)) for key, rows in data.items() if key != "konto"]
