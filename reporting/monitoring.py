"""The personal details a funding project may require of its participants, and their checks.

A project says what it needs (``FundingProject.requires_sex / requires_birth_year /
requires_pesel``); the event registration form asks exactly that, once per person
(``MonitoringDetails``), and the monitoring export reports it.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.pl import pesel as stdnum_pesel

from .models import Sex

FIELDS = ("sex", "birth_year", "pesel")
FLAGS = {"sex": "requires_sex", "birth_year": "requires_birth_year", "pesel": "requires_pesel"}
EARLIEST_BIRTH_YEAR = 1900


def required_fields(project) -> list[str]:
    """The details a project requires, in the order the form asks them."""
    if project is None:
        return []
    return [field for field in FIELDS if getattr(project, FLAGS[field])]


def pesel_clean(value: str) -> str:
    """Return the PESEL as 11 digits, or raise ValueError with a Polish message."""
    number = stdnum_pesel.compact(value or "")
    try:
        return stdnum_pesel.validate(number)
    except stdnum_exceptions.InvalidLength:
        raise ValueError(_("Numer PESEL ma 11 cyfr.")) from None
    except stdnum_exceptions.InvalidFormat:
        raise ValueError(_("Numer PESEL może zawierać tylko cyfry.")) from None
    except stdnum_exceptions.InvalidChecksum:
        raise ValueError(
            _(
                "Numer PESEL jest nieprawidłowy (nie zgadza się cyfra kontrolna). Prosimy go sprawdzić."
            )
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValueError(
            _("Numer PESEL jest nieprawidłowy (zawiera niemożliwą datę urodzenia).")
        ) from None


def pesel_birth_date(number: str) -> date:
    return stdnum_pesel.get_birth_date(number)


def pesel_sex(number: str) -> str:
    return Sex.FEMALE if stdnum_pesel.get_gender(number) == "F" else Sex.MALE


def birth_year_clean(value) -> int:
    """Return a plausible year of birth, or raise ValueError with a Polish message."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(_("Rok urodzenia to cztery cyfry, np. 1985.")) from None
    this_year = timezone.localdate().year
    if not EARLIEST_BIRTH_YEAR <= year <= this_year:
        raise ValueError(
            _("Rok urodzenia musi być między %(first)s a %(last)s.")
            % {"first": EARLIEST_BIRTH_YEAR, "last": this_year}
        )
    return year


def details_clean(values: dict) -> tuple[dict, dict[str, str]]:
    """Check the given details (any of sex, birth_year, pesel; blank ones are skipped).

    Returns the cleaned values and errors per field. A PESEL must agree with the sex (the
    PESEL records it as female or male, so a non-binary person is never contradicted) and with
    the year of birth when those are given too.
    """
    cleaned: dict = {}
    errors: dict[str, str] = {}
    sex = (values.get("sex") or "").strip()
    if sex:
        if sex in Sex.values:
            cleaned["sex"] = sex
        else:
            errors["sex"] = _("Prosimy wybrać jedną z podanych możliwości.")
    if values.get("birth_year") not in (None, ""):
        try:
            cleaned["birth_year"] = birth_year_clean(values["birth_year"])
        except ValueError as error:
            errors["birth_year"] = str(error)
    if (values.get("pesel") or "").strip():
        try:
            cleaned["pesel"] = pesel_clean(values["pesel"])
        except ValueError as error:
            errors["pesel"] = str(error)
    pesel = cleaned.get("pesel")
    if pesel:
        if cleaned.get("sex") in (Sex.FEMALE, Sex.MALE) and cleaned["sex"] != pesel_sex(pesel):
            errors["pesel"] = _(
                "Numer PESEL nie zgadza się z podaną płcią. Prosimy sprawdzić oba pola."
            )
        if cleaned.get("birth_year") and cleaned["birth_year"] != pesel_birth_date(pesel).year:
            errors["pesel"] = _(
                "Numer PESEL nie zgadza się z podanym rokiem urodzenia. Prosimy sprawdzić oba pola."
            )
    return cleaned, errors


def details_for_project(*, project, stored, given: dict) -> tuple[dict, dict[str, str]]:
    """The details to store for a registration: given ones override stored ones.

    Every detail the project requires must be given now or already stored; a missing one is an
    error. Details the project does not require are ignored (never asked, never stored).
    """
    required = required_fields(project)
    cleaned, errors = details_clean({field: given.get(field) for field in required})
    for field in required:
        if field in cleaned or field in errors:
            continue
        if stored is not None and getattr(stored, field) not in (None, ""):
            continue
        errors[field] = _("To pole jest wymagane przez projekt finansujący wydarzenie.")
    return cleaned, errors
