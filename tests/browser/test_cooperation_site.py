"""The cooperation pages on the demo data: every page each role reaches passes axe-core
and reflows at 360 px, and the "done when" of the issue is walked through in Chromium."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import expect

from advisory import demo as advisory_demo
from cooperation import demo as cooperation_demo
from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo

from .conftest import BLOCKING_IMPACTS, SCREENSHOT_DIR, assert_accessible
from .site_pages import (
    NOT_PAGES,
    PASSWORD_PARTNER,
    PASSWORD_STAFF,
    ROLES,
    crawl_role,
    public_page_patterns,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    advisory_demo.load()
    cooperation_demo.load()


def _context(chromium, live_server, width=1280):
    context = chromium.new_context(
        locale="pl-PL",
        timezone_id="Europe/Warsaw",
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
    )
    context.set_default_timeout(15_000)
    return context


def test_every_cooperation_page_of_every_role_passes_axe_and_reflows(
    chromium, live_server, demo_data
):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    visited = []
    for role, email, password in ROLES:
        context = _context(chromium, live_server)
        page = context.new_page()
        if email:
            sign_in(page, email, password)

        def check(page, path, role=role):
            name = f"coop-{role}-" + path.strip("/").replace("/", "-")
            page.set_viewport_size({"width": 1280, "height": 900})
            violations = [
                v
                for v in Axe().run(page).response["violations"]
                if v.get("impact") in BLOCKING_IMPACTS
            ]
            for v in violations:
                targets = [n["target"] for n in v["nodes"]][:3]
                problems.append(f"{role} {path}: axe {v['id']} ({v['impact']}) {targets}")
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-1280.png"), full_page=True)
            page.set_viewport_size({"width": 360, "height": 740})
            extra = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if extra > 0:
                problems.append(f"{role} {path}: scrolls sideways at 360 px (+{extra} px)")
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-360.png"), full_page=True)

        visited += crawl_role(page, role, check, within="/wspolpraca/")
        context.close()
    assert not problems, "\n".join(problems)
    cooperation_pages = {
        name for name in public_page_patterns() if name.startswith("cooperation:")
    } - NOT_PAGES
    assert cooperation_pages, "the crawl does not check the cooperation namespace"
    missing = cooperation_pages - {page.view_name for page in visited}
    assert not missing, f"no role reached these cooperation pages: {sorted(missing)}"
    by_role = {(page.role, page.view_name) for page in visited}
    # Each role sees what the issue says it should: the public platform for everybody, the
    # partner's survey for the partner, the staff pages for staff only.
    assert ("anonim", "cooperation:group_detail") in by_role
    assert ("partner", "cooperation:response_fill") in by_role
    assert ("pracownik-rops", "cooperation:plan_detail") in by_role
    assert not any(
        role != "pracownik-rops"
        and view in ("cooperation:survey_results", "cooperation:plan_detail")
        for role, view in by_role
    )


def test_demo_partner_answers_the_demo_survey_and_it_is_in_the_staff_export(
    chromium, live_server, demo_data
):
    """The platform with members, two meetings and open tasks is shown to its
    members; the survey sent to the region's OWES is answered by the demo partner in the browser and
    appears in the staff export; the action plan shows its progress."""
    from cooperation.models import SurveyResponse

    context = _context(chromium, live_server)
    page = context.new_page()
    try:
        sign_in(page, partners_demo.DEMO_PARTNER_EMAIL, PASSWORD_PARTNER)
        page.get_by_role("navigation", name="Menu główne").get_by_role(
            "link", name="Współpraca"
        ).click()
        page.get_by_role("link", name=cooperation_demo.PLATFORM_NAME).click()
        expect(page.locator("#spotkania article.meeting")).to_have_count(2)
        expect(page.locator("#zadania tbody tr")).to_have_count(3)
        expect(page.get_by_text("Ustalenia i decyzje").first).to_be_visible()
        page.go_back()
        page.get_by_role("link", name="Ankiety").click()
        page.get_by_role("link", name=cooperation_demo.SURVEY_TITLE).click()
        page.get_by_label("Liczba nowych miejsc pracy w PES utworzonych z Państwa wsparciem").fill(
            "kilkanaście"
        )
        page.get_by_label("Uwagi i potrzeby").fill("Potrzebujemy szkoleń z zamówień publicznych.")
        page.get_by_role("button", name="Wyślij ankietę").click()
        expect(page.get_by_text("Proszę wpisać liczbę", exact=False).first).to_be_visible()
        expect(page.get_by_label("Uwagi i potrzeby")).to_have_value(
            "Potrzebujemy szkoleń z zamówień publicznych."
        )
        page.get_by_label("Liczba nowych miejsc pracy w PES utworzonych z Państwa wsparciem").fill(
            "14"
        )
        page.get_by_role("radio", name="szkolenia").check()
        page.get_by_role("button", name="Wyślij ankietę").click()
        expect(page.get_by_text("Dziękujemy. Ankieta została wysłana.")).to_be_visible()
        assert_accessible(page, "coop-demo-partner-submitted")
    finally:
        context.close()
    response = SurveyResponse.objects.get(
        survey__title=cooperation_demo.SURVEY_TITLE,
        organisation__memberships__user__email=partners_demo.DEMO_PARTNER_EMAIL,
    )
    assert response.status == "submitted" and response.submitted_by.email == (
        partners_demo.DEMO_PARTNER_EMAIL
    )

    context = _context(chromium, live_server)
    page = context.new_page()
    try:
        sign_in(page, portal_demo.DEMO_STAFF_EMAIL, PASSWORD_STAFF)
        page.goto("/wspolpraca/")
        page.get_by_role("link", name="Ankiety").click()
        page.get_by_role("link", name=f"wyniki: {cooperation_demo.SURVEY_TITLE}").click()
        expect(page.get_by_text("Odsetek odpowiedzi według subregionu")).to_be_visible()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Pobierz odpowiedzi (XLSX)").click()
        rows = list(
            load_workbook(
                io.BytesIO(open(download_info.value.path(), "rb").read())
            ).active.iter_rows(values_only=True)
        )
        answered = [row for row in rows if row[0] == response.organisation.name]
        assert answered and "14" in answered[0] and "szkolenia" in answered[0]
        assert "Potrzebujemy szkoleń z zamówień publicznych." in answered[0]
        page.goto("/wspolpraca/")
        page.get_by_role("link", name="Regionalne plany działań").click()
        page.get_by_role("link", name=cooperation_demo.PLAN_TITLE).click()
        expect(page.get_by_text("Zrealizowano 1 z 4 zadań (25%)", exact=False)).to_be_visible()
        expect(page.locator("progress")).to_have_attribute("value", "25")
        page.get_by_role("button", name="Przygotuj plan w PDF").click()
        expect(page.get_by_text("Plik PDF planu jest przygotowywany", exact=False)).to_be_visible()
        assert_accessible(page, "coop-demo-plan")
    finally:
        context.close()


def test_a_file_answer_uploaded_in_the_browser_is_linked_on_the_staff_results(
    chromium, live_server, demo_data, tmp_path
):
    from cooperation.models import Question, Survey

    survey = Survey.objects.get(title=cooperation_demo.SURVEY_TITLE)
    section = survey.sections.order_by("position").last()
    Question.objects.create(
        section=section, position=9, kind="file", text="Sprawozdanie z działalności (PDF)"
    )
    report = tmp_path / "sprawozdanie-owes.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"0" * 2000)
    context = _context(chromium, live_server)
    page = context.new_page()
    try:
        sign_in(page, partners_demo.DEMO_PARTNER_EMAIL, PASSWORD_PARTNER)
        page.goto("/wspolpraca/ankiety/")
        page.get_by_role("link", name=cooperation_demo.SURVEY_TITLE).click()
        page.get_by_label("Liczba nowych miejsc pracy w PES utworzonych z Państwa wsparciem").fill(
            "9"
        )
        page.get_by_role("radio", name="dotacje na miejsca pracy").check()
        page.get_by_label("Sprawozdanie z działalności (PDF)").set_input_files(str(report))
        page.get_by_role("button", name="Wyślij ankietę").click()
        expect(page.get_by_text("Dziękujemy. Ankieta została wysłana.")).to_be_visible()
        expect(page.get_by_role("link", name="sprawozdanie-owes.pdf")).to_be_visible()
    finally:
        context.close()
    for width in (1280, 360):
        context = _context(chromium, live_server, width=width)
        page = context.new_page()
        try:
            sign_in(page, portal_demo.DEMO_STAFF_EMAIL, PASSWORD_STAFF)
            page.goto(f"/wspolpraca/ankiety/{survey.pk}/wyniki/")
            link = page.get_by_role("link", name="sprawozdanie-owes.pdf")
            expect(link).to_be_visible()
            with page.expect_download() as download_info:
                link.click()
            assert open(download_info.value.path(), "rb").read().startswith(b"%PDF")
            assert page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
            assert_accessible(page, f"coop-results-with-file-{width}")
        finally:
            context.close()
