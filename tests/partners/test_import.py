"""CSV/XLSX import of organisations: per-row reasons, nothing half-imported, 1,000 rows, admin preview."""

import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from partners.models import Organisation
from partners.resources import OrganisationResource
from tests.factories import StaffUserFactory

from .factories import (
    IMPORT_HEADERS,
    GminaFactory,
    OrganisationFactory,
    organisation_import_dataset,
)

REASONS = {
    "nip": "cyfrę kontrolną",
    "regon": "REGON „123456789” jest niepoprawny",
    "krs": "musi mieć dokładnie 10 cyfr",
    "teryt": "Nieznany kod TERYT gminy „9999999”",
    "rodzaj": "Nieznana wartość „bank” w kolumnie rodzaj",
    "forma_prawna": "Podaj formę prawną",
}


@pytest.fixture
def gmina_codes(db):
    return [GminaFactory().teryt for _ in range(5)]


def row_errors(result) -> dict[int, str]:
    """Map each invalid row number to all its messages joined."""
    return {
        row.number: " ".join(
            message for messages in row.error_dict.values() for message in messages
        )
        if hasattr(row, "error_dict")
        else str(row.error)
        for row in result.invalid_rows
    }


@pytest.mark.django_db
def test_thousand_rows_with_bad_ones_are_all_reported_and_nothing_is_written(gmina_codes):
    existing = OrganisationFactory(name="Istniejąca", phone="1")
    dataset, bad = organisation_import_dataset(count=1000, gmina_codes=gmina_codes, bad_every=40)
    assert len(bad) == 25
    resource = OrganisationResource()
    preview = resource.import_data(dataset, dry_run=True)
    assert preview.has_validation_errors() and not preview.has_errors()
    errors = row_errors(preview)
    assert sorted(errors) == [number for number, _kind in bad]
    for number, kind in bad:
        assert REASONS[kind] in errors[number], (number, kind, errors[number])
    assert Organisation.objects.count() == 1
    # Even a real (not dry) run writes nothing when any row is invalid.
    result = OrganisationResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert list(Organisation.objects.all()) == [existing]


@pytest.mark.django_db
def test_thousand_valid_rows_import_and_reimport_updates_by_nip(gmina_codes):
    dataset, _ = organisation_import_dataset(count=1000, gmina_codes=gmina_codes)
    result = OrganisationResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Organisation.objects.count() == 1000
    pes = Organisation.objects.get(name="Organizacja importowana 0")
    assert (pes.kind, pes.legal_form, pes.nip[3:4] != "-") == ("pes", "spoldzielnia_socjalna", True)
    assert Organisation.objects.get(name="Organizacja importowana 1").kind == "lgd"
    dataset[0] = (*dataset[0][:6], "80-999", *dataset[0][7:])
    again = OrganisationResource().import_data(dataset, dry_run=False)
    assert not again.has_validation_errors()
    assert Organisation.objects.count() == 1000
    pes.refresh_from_db()
    assert pes.postal_code == "80-999"
    assert again.totals["update"] == 1 and again.totals["skip"] == 999


@pytest.mark.django_db
def test_row_matching_one_organisation_by_nip_and_another_by_regon_is_rejected(gmina_codes):
    dataset, _ = organisation_import_dataset(count=2, gmina_codes=gmina_codes)
    row = dict(zip(IMPORT_HEADERS, dataset[1], strict=True))
    first = OrganisationFactory(nip=row["nip"], name="Pierwsza")
    second = OrganisationFactory(regon=row["regon"], name="Druga")
    result = OrganisationResource().import_data(dataset, dry_run=False)
    assert "Organizacja z tym numerem REGON jest już w rejestrze." in row_errors(result)[2]
    assert set(Organisation.objects.values_list("name", flat=True)) == {"Pierwsza", "Druga"}
    assert first.history.count() == 1 and second.history.count() == 1


@pytest.mark.django_db
def test_file_without_required_columns_is_refused():
    dataset = tablib.Dataset(["x"], headers=["nazwa_firmy"])
    result = OrganisationResource().import_data(dataset, dry_run=True)
    assert result.has_errors()
    assert "W pliku brakuje kolumn: rodzaj, nazwa" in str(result.base_errors[0].error)


@pytest.mark.django_db
def test_export_round_trip_csv_and_xlsx(gmina_codes):
    OrganisationFactory(name="Eksportowana", nip="5260250995", kind="pes", legal_form="cis")
    dataset = OrganisationResource().export()
    assert dataset.headers[:3] == ["id", "rodzaj", "nazwa"]
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert (row["rodzaj"], row["forma_prawna"], row["nip"]) == ("pes", "cis", "5260250995")
    workbook = openpyxl.load_workbook(io.BytesIO(dataset.export("xlsx")))
    assert workbook.active["C2"].value == "Eksportowana"


def _csv_upload(dataset, *, delimiter=";", encoding="cp1250"):
    text = dataset.export("csv", delimiter=delimiter)
    upload = io.BytesIO(text.encode(encoding))
    upload.name = "organizacje.csv"
    return upload


@pytest.mark.django_db
def test_admin_preview_lists_rejected_rows_with_reasons_and_offers_no_confirm(client, gmina_codes):
    client.force_login(StaffUserFactory())
    dataset, bad = organisation_import_dataset(count=60, gmina_codes=gmina_codes, bad_every=10)
    response = client.post(
        reverse("admin:partners_organisation_import"),
        {"import_file": _csv_upload(dataset), "format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    for _number, kind in bad:
        assert REASONS[kind].replace("„", "&bdquo;") in html or REASONS[kind] in html
    assert response.context["result"].has_validation_errors()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_admin_import_of_semicolon_windows_1250_file_after_preview(client, gmina_codes):
    client.force_login(StaffUserFactory())
    dataset, _ = organisation_import_dataset(count=30, gmina_codes=gmina_codes)
    dataset[0] = tuple(
        "Spółdzielnia „Łąka” Żółta" if h == "nazwa" else v
        for h, v in zip(IMPORT_HEADERS, dataset[0], strict=True)
    )
    response = client.post(
        reverse("admin:partners_organisation_import"),
        {"import_file": _csv_upload(dataset), "format": "0", "resource": "0"},
    )
    assert response.status_code == 200 and not response.context["result"].has_validation_errors()
    assert Organisation.objects.count() == 0  # the preview is a dry run
    confirm = response.context["confirm_form"]
    response = client.post(reverse("admin:partners_organisation_process_import"), confirm.initial)
    assert response.status_code == 302
    assert Organisation.objects.count() == 30
    assert Organisation.objects.filter(name="Spółdzielnia „Łąka” Żółta").exists()
    history = Organisation.objects.get(name="Spółdzielnia „Łąka” Żółta").history.get()
    assert history.history_user.is_staff


@pytest.mark.django_db
def test_admin_xlsx_import_with_numbers_as_cells(client, gmina_codes):
    client.force_login(StaffUserFactory())
    dataset, _ = organisation_import_dataset(count=5, gmina_codes=gmina_codes)
    # Spreadsheets store codes as numbers: REGON and TERYT lose nothing, a leading-zero TERYT gets it back.
    dataset[0] = tuple(
        int(v) if h in ("regon", "teryt_gminy") else v
        for h, v in zip(IMPORT_HEADERS, dataset[0], strict=True)
    )
    upload = io.BytesIO(dataset.export("xlsx"))
    upload.name = "organizacje.xlsx"
    response = client.post(
        reverse("admin:partners_organisation_import"),
        {"import_file": upload, "format": "1", "resource": "0"},
    )
    result = response.context["result"]
    assert not result.has_validation_errors() and not result.has_errors(), [
        e.error for row in result.rows for e in row.errors
    ] + [e.error for e in result.base_errors]
    response = client.post(
        reverse("admin:partners_organisation_process_import"),
        response.context["confirm_form"].initial,
    )
    assert response.status_code == 302 and Organisation.objects.count() == 5
