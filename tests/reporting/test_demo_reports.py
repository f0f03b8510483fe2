"""On the demo data, the half-year reports in one click each, hand-counted.

The demo is loaded on 15 May 2026 (its dates are relative to the day it is loaded), so the
current half-year is 1 January – 30 June 2026. Hand count from events/demo.py, advisory/demo.py
and partners/demo.py:

* Events held: 1 — the forum of LGD and OWES, 35 days earlier (10 April), finished. The other
  demo events are in the future, cancelled or a draft.
* People present: 4 — Katarzyna Wiśniewska and Marek Szulc (OWES Subregionu Południowego, seat
  in Chojnice, powiat chojnicki), Tomasz Zieliński (Gmina Czersk, powiat chojnicki) and Anna
  Malinowska (MOPS w Pruszczu Gdańskim, no seat gmina); Piotr Wójcik was absent.
  Attendance rate: 4 present of 5 confirmed = 80%.
* Organisations supported: 3 — the OWES, Gmina Czersk (also advised) and the MOPS.
* JST advised: 1 — Gmina Czersk, whose completed case had two consultations (120 and 90
  minutes) in the 20 working days before the load: 3.5 hours.
* Postulates of the forum: 5; forwarded a week after it (17 April): 4 (the proposed one is not
  forwarded); accepted on 8 May: 1.
* Coverage: of the 20 powiats of the sample TERC register, powiat chojnicki was reached by
  its people (3 people, 2 organisations, 1 case) and powiat kościerski by the forum held in
  Kościerzyna (1 event); the other 18 are white spots.
* Monitoring export: the 3 institutions and the 4 people; the demo project asks sex and year of
  birth, kept for Tomasz Zieliński (man, 1978: 48 at the forum) and Marek Szulc (man, 1991: 35).
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from portal import roles
from reporting.models import GeneratedReport
from tests.factories import RoleUserFactory

pytestmark = pytest.mark.django_db

LOADED_AT = datetime(2026, 5, 15, 12, 0, tzinfo=ZoneInfo("Europe/Warsaw"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), time_machine.travel(LOADED_AT, tick=True):
        with transaction.atomic():
            call_command("load_demo", verbosity=0)
            yield
            transaction.set_rollback(True)


@pytest.fixture
def staff_client(demo, client, db):
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    return client


def _one_click(client, kind: str, django_capture_on_commit_callbacks) -> GeneratedReport:
    """Submit the reports page's form as it comes (the current half-year), choosing the kind."""
    form = client.get(reverse("reporting:reports")).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["kind"] = kind
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:reports"), data)
    assert response.status_code == 302
    report = GeneratedReport.objects.get(kind=kind)
    assert report.status == GeneratedReport.Status.READY, report.error
    assert (str(report.period_start), str(report.period_end)) == ("2026-01-01", "2026-06-30")
    return report


def _pdf_text(report) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(report.pdf.open("rb")).pages
    )


def test_half_year_activity_report_in_one_click_matches_the_hand_count(
    staff_client, django_capture_on_commit_callbacks
):
    report = _one_click(staff_client, "activity", django_capture_on_commit_callbacks)
    text = _pdf_text(report)
    assert "Sprawozdanie z działalności" in text and "Strona 1 z" in text

    data = staff_client.get(reverse("reporting:dashboard")).context["data"]
    assert data["events_held"] == 1
    assert data["people"] == 4
    assert data["organisations"] == 3
    assert data["jst_advised"] == 1
    assert float(data["consultation_hours"]) == 3.5
    assert data["attendance"] == {"confirmed": 5, "present": 4, "percent": 80, "walk_ins": 0}
    assert {row["label"]: row["value"] for row in data["postulates_by_status"]} == {
        "przyjęty": 1,
        "przekazany": 2,
        "odrzucony": 1,
        "zgłoszony": 1,
    }

    # The XLSX carries the same figures as the PDF.
    sheet = load_workbook(
        io.BytesIO(staff_client.get(reverse("reporting:xlsx", args=["sprawozdanie"])).content)
    )["Podsumowanie"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values["Osoby obecne (bez powtórzeń)"] == 4
    assert values["Organizacje objęte wsparciem"] == 3
    assert values["Zrealizowane wydarzenia"] == 1
    assert values["Godziny konsultacji"] == 3.5


def test_postulates_report_in_one_click_lists_the_forum_postulates(
    staff_client, django_capture_on_commit_callbacks
):
    report = _one_click(staff_client, "postulates", django_capture_on_commit_callbacks)
    text = _pdf_text(report)
    assert "Zestawienie postulatów" in text
    assert "Instytucja Zarządzająca programem Fundusze Europejskie dla Pomorza" in text
    assert "Wspólny kalendarz wydarzeń LGD i OWES" in text
    rows = list(
        load_workbook(
            io.BytesIO(staff_client.get(reverse("reporting:xlsx", args=["postulaty"])).content)
        )["Postulaty"].iter_rows(values_only=True)
    )
    assert len(rows) == 1 + 5


def test_coverage_shows_the_powiats_nobody_reached(staff_client):
    response = staff_client.get(reverse("reporting:coverage"))
    rows = {row["teryt"]: row for row in response.context["rows"]}
    assert len(rows) == 20
    chojnicki, koscierski = rows["2202"], rows["2206"]
    assert (chojnicki["people"], chojnicki["organisations"], chojnicki["cases"]) == (3, 2, 1)
    assert (koscierski["events"], koscierski["people"], koscierski["cases"]) == (1, 0, 0)
    white_spots = {row["teryt"] for row in response.context["white_spots"]}
    assert white_spots == set(rows) - {"2202", "2206"}
    assert "kościerski" in response.content.decode()


def test_monitoring_export_of_the_demo_project(staff_client):
    from portal.models import FundingProject

    project = FundingProject.objects.get()
    assert project.requires_sex and project.requires_birth_year and not project.requires_pesel
    response = staff_client.get(
        reverse("reporting:monitoring_download", args=["xlsx"]),
        {"start": "2026-01-01", "end": "2026-06-30", "funding_project": project.pk},
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook["Instytucje"].max_row == 1 + 3
    people = {
        (row[1], row[2]): (row[4], row[5])
        for row in workbook["Osoby"].iter_rows(min_row=2, values_only=True)
    }
    assert people == {
        ("Katarzyna", "Wiśniewska"): (None, None),
        ("Marek", "Szulc"): ("mężczyzna", 35),
        ("Tomasz", "Zieliński"): ("mężczyzna", 48),
        ("Anna", "Malinowska"): (None, None),
    }
