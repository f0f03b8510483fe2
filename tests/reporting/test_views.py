"""Reporting pages: who may open them, what they show, bad input, and the report files."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from portal import roles
from portal.models import AuditLogEntry
from reporting import services
from reporting.models import GeneratedReport
from tests.factories import RoleUserFactory, UserFactory
from tests.partners.factories import GminaFactory, PowiatFactory
from tests.waiting import wait_for_row

from .factories import PERIOD, build_world

pytestmark = pytest.mark.django_db

PAGES = ["reporting:dashboard", "reporting:indicators", "reporting:coverage"]


def scope_query(world, **extra):
    query = {
        "start": PERIOD[0].isoformat(),
        "end": PERIOD[1].isoformat(),
        "funding_project": world.project.pk,
    }
    query.update(extra)
    return query


@pytest.mark.parametrize("name", PAGES + ["reporting:reports"])
@pytest.mark.parametrize("who", ["partner", "staff_without_role"])
def test_people_without_the_permission_get_nothing(client, name, who):
    user = UserFactory() if who == "partner" else RoleUserFactory(role=None)
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("reporting:reports"), {"kind": "activity"}).status_code == 403
    assert not GeneratedReport.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_dashboard_shows_the_hand_counted_figures_and_changes_with_the_subregion(client):
    world = build_world()
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    whole = client.get(reverse("reporting:dashboard"), scope_query(world)).context["data"]
    assert (whole["people"], whole["organisations"], whole["events_held"]) == (3, 3, 2)
    narrowed = client.get(
        reverse("reporting:dashboard"), scope_query(world, subregion=world.subregion.pk)
    ).context["data"]
    assert (narrowed["people"], narrowed["events_held"]) == (2, 1)


def test_a_period_ending_before_it_starts_gets_a_polish_message(client):
    world = build_world()
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    response = client.get(
        reverse("reporting:dashboard"), scope_query(world, start="2026-06-30", end="2026-01-01")
    )
    assert response.status_code == 200
    assert "Koniec okresu nie może być wcześniejszy niż jego początek." in response.content.decode()
    response = client.post(
        reverse("reporting:reports"),
        {"kind": "activity", "start": "2026-06-30", "end": "2026-01-01"},
    )
    assert response.status_code == 400 and not GeneratedReport.objects.exists()


def test_dashboard_query_count_does_not_grow_with_the_data(client):
    world = build_world()
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    url = reverse("reporting:dashboard")
    client.get(url, scope_query(world))  # warm the per-process caches (site, region)
    with CaptureQueriesContext(connection) as small:
        client.get(url, scope_query(world))
    build_world()
    build_world()
    with CaptureQueriesContext(connection) as large:
        client.get(url, scope_query(world))
    assert len(large) == len(small)


def test_coverage_shows_white_spots(client):
    world = build_world()
    # e1 (held 10.02) took place in a third powiat where no participant has a seat.
    venue = GminaFactory(parent=PowiatFactory(name="lęborski"))
    world.events["e1"].venue_gmina = venue
    world.events["e1"].save()
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    response = client.get(reverse("reporting:coverage"), scope_query(world))
    rows = {row["name"]: row for row in response.context["rows"]}
    assert (
        rows["kartuski"]["people"] == 2
        and rows["kartuski"]["cases"] == 1
        and rows["kartuski"]["reached"]
    )
    assert rows["bytowski"]["people"] == 1 and rows["bytowski"]["cases"] == 0
    assert rows["lęborski"]["events"] == 1 and rows["lęborski"]["people"] == 0
    assert rows["lęborski"]["reached"] and rows["kartuski"]["events"] == 0
    gminas = {
        row["teryt"]: row
        for row in client.get(
            reverse("reporting:coverage"), scope_query(world, poziom="gmina")
        ).context["rows"]
    }
    assert gminas[venue.teryt]["events"] == 1
    # Powiats created by the factories for nobody's seat are white spots.
    assert all(not row["reached"] for row in response.context["white_spots"])
    sorted_rows = client.get(
        reverse("reporting:coverage"), scope_query(world, sort="people", kierunek="malejaco")
    ).context["rows"]
    assert sorted_rows[0]["name"] == "kartuski"


def test_activity_xlsx_has_the_same_figures_and_is_recorded(client):
    world = build_world()
    user = RoleUserFactory(role=roles.REPORTING)
    client.force_login(user)
    response = client.get(reverse("reporting:xlsx", args=["sprawozdanie"]), scope_query(world))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Podsumowanie"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values["Osoby obecne (bez powtórzeń)"] == 3
    assert values["Godziny konsultacji"] == 2.25
    assert AuditLogEntry.objects.filter(action="reporting.xlsx.download", actor=user).exists()


def test_postulates_xlsx_lists_each_postulate_of_the_project(client):
    world = build_world()
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    response = client.get(reverse("reporting:xlsx", args=["postulaty"]), scope_query(world))
    rows = list(
        load_workbook(io.BytesIO(response.content))["Postulaty"].iter_rows(values_only=True)
    )
    assert len(rows) == 1 + 3  # header + three postulates of e1 (e5 belongs to another project)
    assert {row[0] for row in rows[1:]} >= {"Zarząd Województwa"}


@pytest.mark.django_db(transaction=True)
def test_activity_report_pdf_is_rendered_by_the_worker(client, celery_worker):
    world = build_world()
    user = RoleUserFactory(role=roles.REPORTING)
    report = services.report_request(
        kind=GeneratedReport.Kind.ACTIVITY,
        start=PERIOD[0],
        end=PERIOD[1],
        funding_project=world.project,
        actor=user,
    )
    wait_for_row(report, lambda report: report.status != GeneratedReport.Status.PENDING, timeout=60)
    assert report.status == GeneratedReport.Status.READY, report.error
    client.force_login(user)
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert "Sprawozdanie z działalności" in text
    assert "Strona 1 z" in text
    assert world.project.cofinancing_notice[:40] in " ".join(text.split())


def test_postulates_report_pdf_groups_by_addressee(django_capture_on_commit_callbacks):
    world = build_world()
    user = RoleUserFactory(role=roles.REPORTING)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs in-process after commit
        report = services.report_request(
            kind=GeneratedReport.Kind.POSTULATES,
            start=PERIOD[0],
            end=PERIOD[1],
            funding_project=world.project,
            actor=user,
        )
    report.refresh_from_db()
    assert report.status == GeneratedReport.Status.READY
    text = "".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages)
    assert "Zarząd Województwa" in text and "Zestawienie postulatów" in text


def test_a_report_whose_task_was_lost_is_rendered_by_the_beat_scan():
    from datetime import timedelta

    from django.utils import timezone

    world = build_world()
    report = GeneratedReport.objects.create(
        kind=GeneratedReport.Kind.POSTULATES,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        funding_project=world.project,
        requested_at=timezone.now() - timedelta(minutes=10),
    )
    fresh = GeneratedReport.objects.create(
        kind=GeneratedReport.Kind.POSTULATES, period_start=PERIOD[0], period_end=PERIOD[1]
    )
    assert services.reports_render_stale() == 1
    report.refresh_from_db()
    fresh.refresh_from_db()
    assert (
        report.status == GeneratedReport.Status.READY
        and fresh.status == GeneratedReport.Status.PENDING
    )
