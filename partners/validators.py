"""Checks of Polish identifiers (NIP, REGON, KRS) and TERYT codes, with Polish messages."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

_SEPARATORS = re.compile(r"[\s\-./]")


def normalise_identifier(value) -> str | None:
    """Strip spaces, dashes, dots and a leading PL prefix; return None for an empty value."""
    if value is None:
        return None
    text = _SEPARATORS.sub("", str(value)).strip()
    if text.upper().startswith("PL") and text[2:].isdigit():
        text = text[2:]
    return text or None


def validate_nip(value: str) -> None:
    if not value:
        return
    if not stdnum_nip.is_valid(value):
        raise ValidationError(
            _("NIP „%(value)s” jest niepoprawny: musi mieć 10 cyfr i poprawną cyfrę kontrolną."),
            code="invalid_nip",
            params={"value": value},
        )


def validate_regon(value: str) -> None:
    if not value:
        return
    if not stdnum_regon.is_valid(value):
        raise ValidationError(
            _(
                "REGON „%(value)s” jest niepoprawny: musi mieć 9 lub 14 cyfr i poprawną cyfrę kontrolną."
            ),
            code="invalid_regon",
            params={"value": value},
        )


def validate_krs(value: str) -> None:
    if not value:
        return
    if not (len(value) == 10 and value.isdigit()):
        raise ValidationError(
            _("Numer KRS „%(value)s” jest niepoprawny: musi mieć dokładnie 10 cyfr."),
            code="invalid_krs",
            params={"value": value},
        )
