"""Report PDFs are tagged PDF/UA like every PDF of the portal: title, language, tables to read."""

import pytest

from reporting.documents import report_pdf
from reporting.models import GeneratedReport
from tests.pdfs import assert_accessible_pdf

from .factories import PERIOD, build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "kind, title",
    [
        (GeneratedReport.Kind.ACTIVITY, "Sprawozdanie z działalności"),
        (GeneratedReport.Kind.POSTULATES, "Zestawienie postulatów"),
    ],
)
def test_report_pdfs_are_tagged_with_title_and_language(kind, title):
    world = build_world()
    report = GeneratedReport(
        kind=kind, period_start=PERIOD[0], period_end=PERIOD[1], funding_project=world.project
    )
    tagged = assert_accessible_pdf(report_pdf(report), title_contains=title)
    if kind == GeneratedReport.Kind.ACTIVITY:
        assert {"Table", "TH", "TD"} <= tagged.types()
