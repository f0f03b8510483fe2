"""NIP, REGON and KRS: checksums, normalisation, uniqueness, JST type and PES legal form rules."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partners.models import Organisation
from partners.validators import normalise_identifier, validate_krs, validate_nip, validate_regon

from .factories import GminaFactory, OrganisationFactory, PowiatFactory

VALID_NIP = "5260250995"  # checksum-valid
VALID_REGON_9 = "012100784"
VALID_REGON_14 = "12345678512347"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("526-025-09-95", "5260250995"),
        (" 526 025 09 95 ", "5260250995"),
        ("PL5260250995", "5260250995"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_identifier(raw, expected):
    assert normalise_identifier(raw) == expected


def test_valid_identifiers_pass():
    validate_nip(VALID_NIP)
    validate_regon(VALID_REGON_9)
    validate_regon(VALID_REGON_14)
    validate_krs("0000123456")


@pytest.mark.parametrize(
    "validator,value,fragment",
    [
        (validate_nip, "5260250994", "NIP „5260250994” jest niepoprawny"),
        (validate_nip, "123", "NIP „123” jest niepoprawny"),
        (validate_regon, "012100785", "REGON „012100785” jest niepoprawny"),
        (validate_regon, "1234567", "REGON „1234567” jest niepoprawny"),
        (validate_krs, "12345", "musi mieć dokładnie 10 cyfr"),
        (validate_krs, "00001234AB", "musi mieć dokładnie 10 cyfr"),
    ],
)
def test_invalid_identifiers_have_polish_messages(validator, value, fragment):
    with pytest.raises(ValidationError) as error:
        validator(value)
    assert (
        fragment in str(error.value.messages[0] % error.value.params)
        or fragment in error.value.messages[0]
    )


@pytest.mark.django_db
def test_model_normalises_before_validation_and_storage():
    organisation = OrganisationFactory.build(
        seat_gmina=GminaFactory(), nip="526-025-09-95", regon="012 100 784", krs="0000-123-456"
    )
    organisation.full_clean()
    organisation.save()
    organisation.refresh_from_db()
    assert (organisation.nip, organisation.regon, organisation.krs) == (
        "5260250995",
        "012100784",
        "0000123456",
    )


@pytest.mark.django_db
def test_model_rejects_bad_checksum_with_field_errors():
    organisation = OrganisationFactory.build(
        seat_gmina=GminaFactory(), nip="5260250994", regon="012100785", krs="123"
    )
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert set(error.value.message_dict) == {"nip", "regon", "krs"}
    assert "cyfrę kontrolną" in error.value.message_dict["nip"][0]


@pytest.mark.django_db
def test_identifiers_are_unique_with_friendly_message_and_in_database():
    OrganisationFactory(nip=VALID_NIP, regon=VALID_REGON_9, krs="0000123456")
    duplicate = OrganisationFactory.build(seat_gmina=GminaFactory(), nip="526-025-09-95")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.message_dict["nip"] == [
        "Organizacja z tym numerem NIP jest już w rejestrze."
    ]
    for field, value in (("nip", VALID_NIP), ("regon", VALID_REGON_9), ("krs", "0000123456")):
        with pytest.raises(IntegrityError), transaction.atomic():
            OrganisationFactory(**{field: value})


@pytest.mark.django_db
def test_empty_identifiers_are_stored_as_null_so_many_organisations_may_lack_them():
    OrganisationFactory(nip="", regon="", krs="")
    OrganisationFactory(nip="", regon="", krs="")
    assert (
        Organisation.objects.filter(nip__isnull=True, regon__isnull=True, krs__isnull=True).count()
        == 2
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "powiat_code,kind_code,expected",
    [
        ("2202", "1", Organisation.JstType.GMINA_URBAN),
        ("2202", "2", Organisation.JstType.GMINA_RURAL),
        ("2202", "3", Organisation.JstType.GMINA_MIXED),
        ("2261", "1", Organisation.JstType.CITY_COUNTY),
    ],
)
def test_jst_type_derived_from_rodz(powiat_code, kind_code, expected):
    powiat = PowiatFactory(teryt=powiat_code)
    gmina = GminaFactory(parent=powiat, teryt=f"{powiat_code}01{kind_code}", kind_code=kind_code)
    organisation = Organisation(kind=Organisation.Kind.JST, name="Urząd", seat_gmina=gmina)
    organisation.full_clean()
    assert organisation.jst_type == expected


@pytest.mark.django_db
def test_jst_without_derivable_type_and_pes_without_legal_form_are_refused():
    gmina = GminaFactory(kind_code="4")
    jst = Organisation(kind=Organisation.Kind.JST, name="Miasto", seat_gmina=gmina)
    with pytest.raises(ValidationError) as error:
        jst.full_clean()
    assert "jst_type" in error.value.message_dict
    pes = Organisation(kind=Organisation.Kind.PES, name="Spółdzielnia", seat_gmina=gmina)
    with pytest.raises(ValidationError) as error:
        pes.full_clean()
    assert error.value.message_dict["legal_form"] == [
        "Podaj formę prawną podmiotu ekonomii społecznej."
    ]
    owes = Organisation(
        kind=Organisation.Kind.OWES, name="OWES", seat_gmina=gmina, legal_form="cis"
    )
    with pytest.raises(ValidationError) as error:
        owes.full_clean()
    assert "legal_form" in error.value.message_dict
