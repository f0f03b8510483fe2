"""The monitoring export (SL2021): institutions and people supported, hand-counted on the small world.

Hand count for the project in the first half of 2026 (tests/reporting/factories.py):

People present at least once at a project event that was not cancelled:
* u1 (OWES): e1 meeting on 10.02, e2 training on 5.03 and 6.03 -> first support 10.02,
  three days, forms "spotkanie; szkolenie";
* u2 (OWES): e1 on 10.02 -> "spotkanie";
* u3 (PES): absent on 10.02 (not supported then), present at e2 on 6.03 -> "szkolenie";
* u4 only registered for e1, present at e3 (July) and e5 (other project) -> not in the export.

Institutions: the OWES (first 10.02, two people), the PES (first 6.03, one person) and JST A
(consultations on 1.05 and 3.05 -> first 1.05, advice only); JST B's consultation is in August.
"""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal import roles
from portal.models import AuditLogEntry
from reporting import documents
from reporting.metrics import Scope
from reporting.models import MonitoringDetails
from tests.factories import RoleUserFactory, UserFactory

from .factories import PERIOD, build_world

pytestmark = pytest.mark.django_db

FEMALE_1985_03_01 = "85030112347"


@pytest.fixture
def world():
    world = build_world()
    names = {"u1": ("Anna", "Nowak"), "u2": ("Piotr", "Zieliński"), "u3": ("Ewa", "Kowalska")}
    for key, (first, last) in names.items():
        person = world.people[key]
        person.first_name, person.last_name = first, last
        person.save()
    MonitoringDetails.objects.create(
        person=world.people["u1"],
        sex="K",
        birth_year=1985,
        pesel=FEMALE_1985_03_01,
        birth_date=date(1985, 3, 1),
    )
    MonitoringDetails.objects.create(person=world.people["u2"], sex="M", birth_year=1990)
    world.project.requires_sex = True
    world.project.requires_birth_year = True
    world.project.requires_pesel = True
    world.project.save()
    world.owes.name, world.owes.nip, world.owes.regon = "OWES Kaszuby", "5842739582", "192598184"
    world.owes.street, world.owes.postal_code, world.owes.city = "ul. Długa 1", "83-300", "Kartuzy"
    world.owes.save()
    return world


def query(world, **extra):
    data = {
        "start": PERIOD[0].isoformat(),
        "end": PERIOD[1].isoformat(),
        "funding_project": world.project.pk,
    }
    data.update(extra)
    return data


def test_export_matches_the_hand_count(world):
    scope = Scope(start=PERIOD[0], end=PERIOD[1], funding_project=world.project)
    with CaptureQueriesContext(connection) as queries:
        tables = documents.monitoring_tables(scope)
    assert len(queries) == 4  # aggregates per table (institutions: attendance, advice, register)

    header, institutions = tables["instytucje"]
    assert header[:5] == ["Lp.", "Nazwa", "NIP", "REGON", "Rodzaj"]
    assert [row[1] for row in institutions] == ["OWES Kaszuby", world.pes.name, world.jst_a.name]
    owes = dict(zip(header, institutions[0], strict=True))
    gmina = world.owes.seat_gmina
    assert owes["NIP"] == "5842739582" and owes["REGON"] == "192598184"
    assert owes["Rodzaj"] == "Ośrodek Wsparcia Ekonomii Społecznej (OWES)"
    assert (owes["Ulica i numer"], owes["Kod pocztowy"], owes["Miejscowość"]) == (
        "ul. Długa 1",
        "83-300",
        "Kartuzy",
    )
    assert (owes["Kod TERYT województwa"], owes["Kod TERYT powiatu"], owes["Kod TERYT gminy"]) == (
        "22",
        world.powiat_a.teryt,
        gmina.teryt,
    )
    assert (owes["Województwo"], owes["Powiat"], owes["Gmina"]) == (
        "POMORSKIE",
        "kartuski",
        gmina.name,
    )
    assert owes["Data rozpoczęcia wsparcia"] == date(2026, 2, 10)
    assert owes["Formy wsparcia"] == "spotkanie; szkolenie"
    assert owes["Liczba osób obecnych"] == 2
    pes, jst = institutions[1], institutions[2]
    assert (pes[14], pes[15], pes[16]) == (date(2026, 3, 6), "szkolenie", 1)
    assert (jst[14], jst[15], jst[16]) == (
        date(2026, 5, 1),
        "doradztwo eksperckie (konsultacje)",
        0,
    )

    header, people = tables["osoby"]
    rows = [dict(zip(header, row, strict=True)) for row in people]
    assert [(row["Imię"], row["Nazwisko"]) for row in rows] == [
        ("Anna", "Nowak"),
        ("Piotr", "Zieliński"),
        ("Ewa", "Kowalska"),
    ]
    anna, piotr, ewa = rows
    assert anna["Organizacja"] == "OWES Kaszuby"
    assert (anna["Płeć"], anna["PESEL"]) == ("kobieta", FEMALE_1985_03_01)
    # Born 1.03.1985 (PESEL): 40 on 10.02.2026, although 2026 - 1985 = 41.
    assert anna["Wiek w chwili rozpoczęcia wsparcia"] == 40
    assert anna["Data rozpoczęcia wsparcia"] == date(2026, 2, 10)
    assert anna["Data zakończenia wsparcia"] == date(2026, 3, 6)
    assert anna["Daty wsparcia"] == "2026-02-10; 2026-03-05; 2026-03-06"
    assert anna["Formy wsparcia"] == "spotkanie; szkolenie"
    # Year of birth only: 2026 - 1990.
    assert (piotr["Płeć"], piotr["Wiek w chwili rozpoczęcia wsparcia"], piotr["PESEL"]) == (
        "mężczyzna",
        36,
        "",
    )
    assert (ewa["Płeć"], ewa["Wiek w chwili rozpoczęcia wsparcia"]) == ("", "")
    assert (ewa["Organizacja"], ewa["Daty wsparcia"], ewa["Formy wsparcia"]) == (
        world.pes.name,
        "2026-03-06",
        "szkolenie",
    )


def test_details_the_project_does_not_require_stay_empty(world):
    world.project.requires_pesel = False
    world.project.requires_sex = False
    world.project.save()
    scope = Scope(start=PERIOD[0], end=PERIOD[1], funding_project=world.project)
    header, people = documents.monitoring_tables(scope)["osoby"]
    anna = dict(zip(header, people[0], strict=True))
    # Without the PESEL the age comes from the year of birth.
    assert (anna["PESEL"], anna["Płeć"], anna["Wiek w chwili rozpoczęcia wsparcia"]) == ("", "", 41)


def test_an_anonymised_person_stays_counted_without_personal_data(world):
    from portal.services import user_anonymise

    user_anonymise(user=world.people["u1"], actor=world.people["u1"])
    scope = Scope(start=PERIOD[0], end=PERIOD[1], funding_project=world.project)
    header, people = documents.monitoring_tables(scope)["osoby"]
    assert len(people) == 3
    removed = [dict(zip(header, row, strict=True)) for row in people if row[1] == "(dane usunięte)"]
    assert len(removed) == 1
    assert (
        removed[0]["PESEL"],
        removed[0]["Płeć"],
        removed[0]["Wiek w chwili rozpoczęcia wsparcia"],
    ) == (
        "",
        "",
        "",
    )


def test_xlsx_and_csv_downloads_carry_the_tables_and_are_audited(client, world):
    staff = RoleUserFactory(role=roles.REPORTING)
    client.force_login(staff)
    page = client.get(reverse("reporting:monitoring"), query(world))
    assert page.status_code == 200 and page.context["counts"] == {"institutions": 3, "people": 3}
    assert (
        "Dane osobowe, których wymaga projekt: płeć, rok urodzenia, PESEL." in page.content.decode()
    )

    response = client.get(reverse("reporting:monitoring_download", args=["xlsx"]), query(world))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="monitorowanie-')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Instytucje", "Osoby"]
    assert workbook["Instytucje"].max_row == 4 and workbook["Osoby"].max_row == 4
    assert workbook["Osoby"]["G2"].value == FEMALE_1985_03_01
    entry = AuditLogEntry.objects.get(action="reporting.monitoring.export")
    assert entry.actor == staff and entry.object_id == str(world.project.pk)
    assert entry.changes == {
        "file": "xlsx",
        "start": "2026-01-01",
        "end": "2026-06-30",
        "institutions": 3,
        "people": 3,
    }

    response = client.get(
        reverse("reporting:monitoring_download", args=["osoby.csv"]), query(world)
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Lp.", "Imię", "Nazwisko"]
    assert rows[1][1:3] == ["Anna", "Nowak"] and rows[1][7] == "2026-02-10"
    institutions = client.get(
        reverse("reporting:monitoring_download", args=["instytucje.csv"]), query(world)
    ).content.decode("utf-8")
    assert "OWES Kaszuby;5842739582;192598184" in institutions
    assert AuditLogEntry.objects.filter(action="reporting.monitoring.export").count() == 3


def test_the_dashboard_links_the_export_only_for_holders_of_the_permission(client, world):
    client.force_login(RoleUserFactory(role=roles.ROPS_ADMINISTRATOR))
    html = client.get(reverse("reporting:dashboard"), query(world)).content.decode()
    assert reverse("reporting:monitoring") in html
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    html = client.get(reverse("reporting:dashboard"), query(world)).content.decode()
    assert reverse("reporting:monitoring") not in html


@pytest.mark.parametrize("who", ["events_coordinator", "advisory_officer", "partner"])
def test_without_the_permission_the_export_and_the_details_are_refused(client, world, who):
    user = {
        "events_coordinator": lambda: RoleUserFactory(role=roles.EVENTS_COORDINATOR),
        "advisory_officer": lambda: RoleUserFactory(role=roles.ADVISORY_OFFICER),
        "partner": UserFactory,
    }[who]()
    assert not user.has_perm("reporting.export_monitoring")
    client.force_login(user)
    assert client.get(reverse("reporting:monitoring"), query(world)).status_code == 403
    for file_format in ("xlsx", "osoby.csv", "instytucje.csv"):
        url = reverse("reporting:monitoring_download", args=[file_format])
        assert client.get(url, query(world)).status_code == 403
    assert not AuditLogEntry.objects.filter(action="reporting.monitoring.export").exists()
    # The details have no admin page, and the other exports do not carry them.
    assert client.get("/admin/reporting/monitoringdetails/").status_code in (302, 403, 404)


def test_the_roles_that_report_hold_the_permission():
    assert RoleUserFactory(role=roles.ROPS_ADMINISTRATOR).has_perm("reporting.export_monitoring")
    assert RoleUserFactory(role=roles.REPORTING).has_perm("reporting.export_monitoring")
    assert not RoleUserFactory(role=roles.REGISTRY_EDITOR).has_perm("reporting.export_monitoring")


def test_no_other_export_carries_the_details(client, world):
    client.force_login(RoleUserFactory(role=roles.ROPS_ADMINISTRATOR))
    for kind in ("sprawozdanie", "postulaty"):
        response = client.get(reverse("reporting:xlsx", args=[kind]), query(world))
        workbook = load_workbook(io.BytesIO(response.content))
        cells = {str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row}
        assert FEMALE_1985_03_01 not in cells and "PESEL" not in cells


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2026-06-30", "end": "2026-01-01"}, "Koniec okresu nie może być wcześniejszy"),
        ({"funding_project": ""}, "Prosimy wybrać projekt finansujący."),
    ],
)
def test_bad_scope_gets_a_polish_message_and_exports_nothing(client, world, data, message):
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    response = client.get(reverse("reporting:monitoring"), query(world, **data))
    assert response.status_code == 400 and message in response.content.decode()
    response = client.get(
        reverse("reporting:monitoring_download", args=["xlsx"]), query(world, **data)
    )
    assert response.status_code == 302
    assert not AuditLogEntry.objects.filter(action="reporting.monitoring.export").exists()
