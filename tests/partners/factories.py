"""Factories of the partner registry, used by every app's tests."""

import datetime

import factory
from stdnum.pl import regon

from partners.models import (
    ContactPerson,
    Cooperation,
    Membership,
    Organisation,
    OrganisationStatus,
    Subregion,
    TerritorialUnit,
)
from tests.factories import UserFactory


class VoivodeshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialUnit
        django_get_or_create = ("teryt",)

    teryt = "22"
    level = TerritorialUnit.Level.VOIVODESHIP
    name = "POMORSKIE"


class PowiatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialUnit

    parent = factory.SubFactory(VoivodeshipFactory)
    teryt = factory.Sequence(lambda n: f"22{(n % 90) + 10:02d}")
    level = TerritorialUnit.Level.POWIAT
    name = factory.Sequence(lambda n: f"powiat testowy {n}")


class GminaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialUnit

    parent = factory.SubFactory(PowiatFactory)
    teryt = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.teryt}{(n % 90) + 1:02d}2")
    level = TerritorialUnit.Level.GMINA
    name = factory.Sequence(lambda n: f"Gmina Testowa {n}")
    kind_code = "2"
    kind_name = "gmina wiejska"


class SubregionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subregion
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Subregion {n}")
    slug = factory.Sequence(lambda n: f"subregion-{n}")

    @factory.post_generation
    def powiats(self, create, extracted, **kwargs):
        if create and extracted:
            self.powiats.set(extracted)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.OWES
    name = factory.Sequence(lambda n: f"Organizacja Testowa {n}")
    seat_gmina = factory.SubFactory(GminaFactory)
    city = "Testowo"
    is_public = True


class JstFactory(OrganisationFactory):
    kind = Organisation.Kind.JST
    name = factory.Sequence(lambda n: f"Gmina Testowa {n} (urząd)")


class MembershipFactory(factory.django.DjangoModelFactory):
    """An approved membership unless status says otherwise."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.APPROVED


class OrganisationStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationStatus

    organisation = factory.SubFactory(OrganisationFactory)
    kind = OrganisationStatus.Kind.SOCIAL_ENTERPRISE
    decision_number = factory.Sequence(lambda n: f"PS.{n}.2025")
    valid_from = datetime.date(2025, 1, 1)


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Kontaktowa{n}")
    email = factory.Sequence(lambda n: f"kontakt{n}@example.org")


class CooperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperation

    source = factory.SubFactory(OrganisationFactory)
    target = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.LGD)
    kind = Cooperation.Kind.AGREEMENT


def valid_nip(seed: int) -> str:
    """Return a checksum-valid NIP built from a seed (test data only)."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    prefix = 101
    while True:
        body = f"{prefix:03d}{seed % 1_000_000:06d}"
        check = sum(w * int(d) for w, d in zip(weights, body, strict=True)) % 11
        if check != 10:
            return body + str(check)
        prefix += 1


def valid_regon(seed: int) -> str:
    body = f"{10 + seed % 80:02d}{seed:06d}"[-8:]
    return body + regon.calc_check_digit(body)


IMPORT_HEADERS = [
    "rodzaj",
    "nazwa",
    "forma_prawna",
    "typ_jst",
    "teryt_gminy",
    "ulica",
    "kod_pocztowy",
    "miejscowosc",
    "nip",
    "regon",
    "krs",
    "email",
    "telefon",
    "www",
    "zgoda_na_publikacje",
]
# Each kind of bad row and the reason the import must give for it.
BAD_ROW_KINDS = ["nip", "regon", "krs", "teryt", "rodzaj", "forma_prawna"]


def organisation_import_rows(
    *, count: int, gmina_codes: list[str], bad_every: int = 0, seed: int = 0
):
    """Rows of an organisation spreadsheet; every bad_every-th row is invalid (in turn, each way)."""
    rows, bad = [], []
    for index in range(count):
        number = seed + index
        row = {
            "rodzaj": "pes"
            if index % 3 == 0
            else ("Lokalna Grupa Działania (LGD)" if index % 3 == 1 else "ops"),
            "nazwa": f"Organizacja importowana {number}",
            "forma_prawna": "spółdzielnia socjalna" if index % 3 == 0 else "",
            "typ_jst": "",
            "teryt_gminy": gmina_codes[index % len(gmina_codes)],
            "ulica": f"ul. Długa {index % 200 + 1}",
            "kod_pocztowy": "80-001",
            "miejscowosc": "Gdańsk",
            "nip": f"{valid_nip(number)[:3]}-{valid_nip(number)[3:6]}-{valid_nip(number)[6:8]}-{valid_nip(number)[8:]}",
            "regon": valid_regon(number),
            "krs": f"{number:010d}",
            "email": f"biuro{number}@example.org",
            "telefon": "58 123 45 67",
            "www": "",
            "zgoda_na_publikacje": "tak" if index % 2 else "nie",
        }
        if bad_every and index % bad_every == bad_every - 1:
            kind = BAD_ROW_KINDS[len(bad) % len(BAD_ROW_KINDS)]
            if kind == "nip":
                row["nip"] = valid_nip(number)[:9] + str((int(valid_nip(number)[9]) + 1) % 10)
            elif kind == "regon":
                row["regon"] = "123456789"
            elif kind == "krs":
                row["krs"] = "12345"
            elif kind == "teryt":
                row["teryt_gminy"] = "9999999"
            elif kind == "rodzaj":
                row["rodzaj"] = "bank"
            else:
                row["rodzaj"], row["forma_prawna"] = "pes", ""
            bad.append((index + 1, kind))
        rows.append([row[column] for column in IMPORT_HEADERS])
    return rows, bad


def organisation_import_dataset(**kwargs):
    import tablib

    rows, bad = organisation_import_rows(**kwargs)
    return tablib.Dataset(*rows, headers=IMPORT_HEADERS), bad
