"""End to end on the demo data: a JST request becomes a completed case with an advisory card (QA)."""

import io
import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from advisory import demo as advisory_demo
from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JST_EMAIL = "jst@demo.rops.local"
EXPERT_EMAIL = "ekspert@demo.rops.local"
STAFF_EMAIL = "staff@demo.rops.local"
PARTNER_PASSWORD = "demo-partner-2026"
STAFF_PASSWORD = "demo-rops-2026"
EXPERT_NAME = "Tomasz Zielonka"
TOPIC = "Programy dedykowane ekonomii społecznej"
DESCRIPTION = "E2E-J3: prosimy o wsparcie w przygotowaniu gminnego programu ekonomii społecznej na lata 2027–2030."
INTERNAL_NOTE = "NOTATKA-WEWNETRZNA-J3: JST ma mało czasu, skrócić rekomendacje"
CONSULTATION_NOTES = "NOTATKI-KONSULTACJI-J3: omówiono diagnozę"


@pytest.fixture
def demo_data():
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    advisory_demo.load()


def _new_page(chromium, live_server):
    context = chromium.new_context(
        locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _sign_in(page, email: str, password: str) -> None:
    from portal.demo import DEMO_STAFF_TOTP_SECRET

    from .conftest import sign_in

    sign_in(page, email, password, totp_secret=DEMO_STAFF_TOTP_SECRET)


def _transition(page, button: str, **fields) -> None:
    form = page.locator("form.transition-form").filter(has=page.get_by_role("button", name=button))
    for label, value in fields.items():
        control = form.get_by_label(label)
        if label == "Ekspert":
            control.select_option(label=value)
        else:
            control.fill(value)
    form.get_by_role("button", name=button).click()
    expect(page.get_by_text("Status sprawy został zmieniony.")).to_be_visible()


def _record_consultation(page, *, held_on, form_label, minutes, notes, recommendations) -> None:
    section = page.get_by_role("region", name="Zapisz konsultację")
    section.get_by_label("Data konsultacji").fill(held_on.isoformat())
    section.get_by_label("Forma").select_option(label=form_label)
    section.get_by_label("Czas trwania (minuty)").fill(str(minutes))
    section.get_by_label("Przebieg i ustalenia").fill(notes)
    section.get_by_label("Rekomendacje dla JST").fill(recommendations)
    section.get_by_role("button", name="Zapisz konsultację").click()
    expect(page.get_by_text("Konsultacja została zapisana.")).to_be_visible()


def test_jst_request_to_completed_case_with_advisory_card(
    page, chromium, live_server, demo_data, tmp_path
):
    from django.core import mail
    from django.utils import timezone
    from pypdf import PdfReader
    from weasyprint import HTML

    from advisory.models import AdvisoryRequest, CaseEvent
    from portal.models import OutboundEmail

    started = time.monotonic()
    pdf_path = tmp_path / "uchwala-rady-gminy.pdf"
    pdf_path.write_bytes(HTML(string="<p>Uchwała Rady Gminy w sprawie programu</p>").write_pdf())

    # (1) The JST official submits a new request with a real PDF attached.
    _sign_in(page, JST_EMAIL, PARTNER_PASSWORD)
    page.goto("/doradztwo/")
    assert_accessible(page, "j3-advisory-home")
    page.goto("/doradztwo/wnioski/nowy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nowy wniosek o doradztwo")
    page.get_by_label(TOPIC).check()
    page.get_by_label("Opis potrzeby").fill(DESCRIPTION)
    page.get_by_label("Dokumenty, których dotyczy doradztwo").fill("Uchwała Rady Gminy (projekt)")
    page.get_by_label("spotkanie online").check()
    page.get_by_label("Preferowane terminy").fill("wtorki przed południem")
    page.get_by_label("Osoba do kontaktu").fill("Joanna Sołtysiak")
    page.get_by_label("E-mail osoby do kontaktu").fill(JST_EMAIL)
    page.get_by_label("Telefon osoby do kontaktu").fill("58 000 11 22")
    page.get_by_label("Załącznik").set_input_files(str(pdf_path))
    page.get_by_label(re.compile("Przyjmuję do wiadomości informację")).check()
    assert_accessible(page, "j3-request-form")
    page.get_by_role("button", name="Złóż wniosek").click()

    expect(page.get_by_text(re.compile(r"Wniosek DOR/\d{4}/\d{4} został złożony"))).to_be_visible()
    expect(page.get_by_role("link", name="uchwala-rady-gminy.pdf").first).to_be_visible()
    assert_accessible(page, "j3-request-submitted")
    pk = int(re.search(r"/doradztwo/wnioski/(\d+)/", page.url).group(1))

    case = AdvisoryRequest.objects.get(pk=pk)
    assert case.status == AdvisoryRequest.Status.SUBMITTED
    assert case.description == DESCRIPTION
    assert case.preferred_form == "online"
    assert [t.name for t in case.topics.all()] == [TOPIC]
    assert case.rodo_consent_at is not None
    attachment = case.attachments.get()
    assert attachment.original_name == "uchwala-rady-gminy.pdf"
    assert attachment.file.open("rb").read(4) == b"%PDF"
    assert any(JST_EMAIL in m.to and case.number in (m.subject + m.body) for m in mail.outbox)

    # (2) Staff accept the request and assign the demo expert on the case page.
    staff_context, staff = _new_page(chromium, live_server)
    _sign_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto("/doradztwo/sprawy/")
    staff.get_by_role("link", name=case.number).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Sprawa {case.number}")
    assert_accessible(staff, "j3-staff-case-submitted")
    _transition(staff, "Przyjmij wniosek")
    _transition(staff, "Przydziel eksperta", Ekspert=EXPERT_NAME)
    case.refresh_from_db()
    assert case.status == AdvisoryRequest.Status.EXPERT_ASSIGNED
    assert case.expert.full_name == EXPERT_NAME
    assert_accessible(staff, "j3-staff-case-assigned")
    assert any(EXPERT_EMAIL in m.to and case.number in (m.subject + m.body) for m in mail.outbox)
    # The admin queue lists the case with its expert.
    staff.goto("/admin/advisory/advisoryrequest/")
    expect(staff.get_by_role("link", name=case.number)).to_be_visible()
    staff_context.close()

    # (3) The expert schedules, starts, records two consultations, adds an internal note, completes.
    expert_context, expert = _new_page(chromium, live_server)
    _sign_in(expert, EXPERT_EMAIL, PARTNER_PASSWORD)
    expert.goto("/doradztwo/sprawy/")
    expect(expert.get_by_role("link", name=case.number)).to_be_visible()
    assert_accessible(expert, "j3-expert-case-list")
    expert.get_by_role("link", name=case.number).click()
    when = timezone.localtime() + timedelta(days=3)
    _transition(
        expert,
        "Ustal termin konsultacji",
        **{"Termin konsultacji": when.strftime("%Y-%m-%dT10:00")},
    )
    _transition(expert, "Rozpocznij realizację")
    today = timezone.localdate()
    _record_consultation(
        expert,
        held_on=today - timedelta(days=1),
        form_label="spotkanie online",
        minutes=90,
        notes=CONSULTATION_NOTES,
        recommendations="Wpisać spółdzielnie socjalne do celów programu.",
    )
    _record_consultation(
        expert,
        held_on=today,
        form_label="spotkanie online",
        minutes=45,
        notes="Druga konsultacja: wskaźniki.",
        recommendations="Dodać wskaźnik liczby zleconych zadań.",
    )
    expert.get_by_label("Treść wiadomości").fill(INTERNAL_NOTE)
    expert.get_by_label("Notatka wewnętrzna (niewidoczna dla wnioskodawcy)").check()
    expert.get_by_role("button", name="Dodaj wpis").click()
    expect(expert.get_by_text("Wpis został dodany do sprawy.")).to_be_visible()
    expect(expert.locator(".timeline")).to_contain_text(INTERNAL_NOTE)
    assert_accessible(expert, "j3-expert-case-in-progress")
    _transition(expert, "Zakończ jako zrealizowany")
    expect(expert.get_by_role("link", name="Karta doradztwa (PDF)")).to_be_visible()
    assert_accessible(expert, "j3-expert-case-completed")
    expert_context.close()

    case.refresh_from_db()
    assert case.status == AdvisoryRequest.Status.COMPLETED
    assert case.consultations.count() == 2
    assert sorted(c.duration_minutes for c in case.consultations.all()) == [45, 90]
    assert case.events.filter(kind=CaseEvent.Kind.CONSULTATION).count() == 2
    assert case.events.filter(is_internal=True, body=INTERNAL_NOTE).count() == 1

    # (4) The official sees the completed case and its consultations, not the internal note, and gets the card.
    page.goto("/doradztwo/wnioski/")
    page.get_by_role("link", name=case.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Wniosek {case.number}")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Status: zrealizowany")
    consultations = page.get_by_role("table", name="Konsultacje")
    expect(consultations.locator("tbody tr")).to_have_count(2)
    expect(consultations).to_contain_text("1:30")
    expect(consultations).to_contain_text("0:45")
    expect(consultations).to_contain_text("Dodać wskaźnik liczby zleconych zadań.")
    expect(page.locator("body")).not_to_contain_text("NOTATKA-WEWNETRZNA")
    expect(page.locator("body")).not_to_contain_text("NOTATKI-KONSULTACJI")
    assert_accessible(page, "j3-requester-completed")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pobierz kartę doradztwa (PDF)").click()
    card = download_info.value.path().read_bytes()
    assert card.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(card)).pages)
    assert EXPERT_NAME in text
    assert "2:15" in text  # 90 + 45 minutes
    assert case.number in text
    assert "NOTATKA-WEWNETRZNA" not in text

    # E-mails: the official was told about the progress but never about the internal note.
    to_official = [m for m in mail.outbox if JST_EMAIL in m.to]
    assert len(to_official) >= 2
    assert not any("NOTATKA-WEWNETRZNA" in m.body for m in to_official)
    assert not OutboundEmail.objects.filter(
        to=JST_EMAIL, body_text__contains="NOTATKA-WEWNETRZNA"
    ).exists()

    elapsed = time.monotonic() - started
    assert elapsed < 60, elapsed
