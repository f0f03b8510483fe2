"""Spreadsheet exports never hand staff a live formula written by someone outside the ROPS."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.admin import PostulateResource, RegistrationResource
from partners.resources import OrganisationResource
from portal.exports import escape_formula, unescape_formula
from tests import factories
from tests.events.factories import EventFactory, PostulateFactory, RegistrationFactory
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x";"Kliknij")'


def _staff_client(client):
    staff = factories.StaffUserFactory()
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "value", ["=1+1", "+48 600", "-2+3", "@SUM(A1)", "\t=1", "\r=1", HYPERLINK]
)
def test_formula_prefixes_are_quoted_and_read_back(value):
    assert escape_formula(value) == "'" + value
    assert unescape_formula(escape_formula(value)) == value


@pytest.mark.parametrize("value", ["Fundacja", "", None, 12, "'zwykły cytat", "a=b"])
def test_other_values_are_unchanged(value):
    assert escape_formula(value) == value
    assert unescape_formula(value) == value


def _export(client, model, fmt, pks):
    url = reverse(f"admin:{model}_export")
    form = client.get(url).context["form"]
    formats = {
        label.lower(): value for value, label in form.fields["format"].choices if value != ""
    }
    columns = {
        name: "on"
        for name, field in form.fields.items()
        if field.__class__.__name__ == "BooleanField"
    }
    response = client.post(
        url,
        {
            "format": formats[fmt],
            "export_items": pks,
            "resource": form.initial.get("resource", 0),
            **columns,
        },
    )
    assert response.status_code == 200, response.content[:300]
    return response.content


def test_partner_profile_text_is_no_formula_in_staff_xlsx_and_csv(client):
    organisation = OrganisationFactory(description=HYPERLINK, name="-Fundacja Minus")
    client = _staff_client(client)

    sheet = load_workbook(
        io.BytesIO(_export(client, "partners_organisation", "xlsx", [organisation.pk]))
    ).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    description = next(
        cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    )
    assert description.data_type != "f"
    assert description.value == "'" + HYPERLINK
    assert not any(cell.data_type == "f" for cell in cells)
    assert "'-Fundacja Minus" in [cell.value for cell in cells]

    text = _export(client, "partners_organisation", "csv", [organisation.pk]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    values = [value for row in rows[1:] for value in row]
    assert "'" + HYPERLINK in values
    assert not any(value.startswith(("=", "+", "-", "@")) for value in values)


def test_exported_organisation_file_imports_back_unchanged():
    OrganisationFactory(description=HYPERLINK)
    dataset = OrganisationResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["opis"] == "'" + HYPERLINK
    assert OrganisationResource().fields["description"].clean(row) == HYPERLINK


def test_registration_and_postulate_exports_escape_formulas():
    event = EventFactory(title="=cmd|' /C calc'!A0")
    registration = RegistrationFactory(event=event)
    registration.participant.last_name = "@SUM(1+1)"
    registration.participant.save()
    postulate = PostulateFactory(event=event, text="+1+1", addressee="-urząd")

    for resource, expected in (
        (RegistrationResource(), ["'=cmd|' /C calc'!A0", "'@SUM(1+1)"]),
        (PostulateResource(), ["'=cmd|' /C calc'!A0", "'+1+1", "'-urząd"]),
    ):
        dataset = resource.export()
        values = [value for row in dataset for value in row]
        for value in expected:
            assert value in values
        for fmt in ("xlsx", "csv"):
            exported = dataset.export(fmt)
            if fmt == "xlsx":
                sheet = load_workbook(io.BytesIO(exported)).active
                assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
            else:
                assert not any(
                    value.startswith(("=", "+", "-", "@"))
                    for row in csv.reader(io.StringIO(exported))
                    for value in row
                )
    assert postulate.pk
