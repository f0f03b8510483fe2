"""The JST official's side in Chromium: submitting with an attachment, following the timeline."""

import re

import pytest
from playwright.sync_api import expect

from advisory import services
from advisory.models import AdvisoryRequest, CaseEvent
from tests.advisory.conftest import CaseBuilder
from tests.advisory.factories import AdvisoryTopicFactory, jst_member

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_official_submits_a_request_with_a_pdf(page):
    topic = AdvisoryTopicFactory(name="Lokalny plan rozwoju ekonomii społecznej")
    AdvisoryTopicFactory(name="Rady działalności pożytku publicznego")
    official = jst_member()
    login(page, official)

    page.goto("/doradztwo/")
    assert_accessible(page, "advisory-home")
    page.get_by_role("link", name="Nowy wniosek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nowy wniosek o doradztwo")
    assert_accessible(page, "advisory-request-form")

    # Submitting an incomplete form keeps what was typed and explains what is missing.
    page.get_by_label("Opis potrzeby").fill("")
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(
        page.get_by_text("Opisz potrzebę doradczą.").first
    ).to_be_visible()  # also in the error summary
    assert_accessible(page, "advisory-request-form-errors")

    page.get_by_label(topic.name).check()
    page.get_by_label("Opis potrzeby").fill(
        "Prosimy o pomoc w przygotowaniu lokalnego planu rozwoju ES."
    )
    page.get_by_label("spotkanie online").check()
    page.get_by_label("Załącznik").set_input_files(
        {"name": "diagnoza.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_label(re.compile("Przyjmuję do wiadomości informację")).check()
    page.get_by_role("button", name="Złóż wniosek").click()

    expect(page.get_by_text(re.compile(r"Wniosek DOR/\d{4}/0001 został złożony"))).to_be_visible()
    expect(page.get_by_role("link", name="diagnoza.pdf").first).to_be_visible()
    case = AdvisoryRequest.objects.get()
    assert case.status == AdvisoryRequest.Status.SUBMITTED
    assert case.attachments.get().original_name == "diagnoza.pdf"
    assert case.preferred_form == "online"
    assert_accessible(page, "advisory-request-detail")

    page.get_by_role("link", name="Moje wnioski").first.click()
    expect(page.get_by_role("cell", name=case.number)).to_be_visible()
    assert_accessible(page, "advisory-request-list")


def test_requester_timeline_shows_their_side_and_accepts_a_reply(page):
    AdvisoryTopicFactory()
    builder = CaseBuilder()
    case = builder.at(AdvisoryRequest.Status.IN_PROGRESS)
    services.case_message_post(
        request_id=case.pk, actor=builder.expert.user, body="Proszę o projekt uchwały."
    )
    services.case_message_post(
        request_id=case.pk,
        actor=builder.staff,
        body="NOTATKA-WEWNETRZNA: sprawdzić budżet",
        internal=True,
    )
    login(page, case.requester)

    page.goto(f"/doradztwo/wnioski/{case.pk}/")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Proszę o projekt uchwały.")
    expect(timeline).to_contain_text("w realizacji")
    expect(page.locator("body")).not_to_contain_text("NOTATKA-WEWNETRZNA")
    assert_accessible(page, "advisory-requester-timeline")

    page.get_by_label("Treść wiadomości").fill("Przesyłamy projekt uchwały w sprawie programu.")
    page.get_by_label(re.compile("Załącznik")).set_input_files(
        {"name": "projekt-uchwaly.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Wyślij").click()
    expect(page.get_by_text("Wiadomość została dodana do sprawy.")).to_be_visible()
    expect(timeline).to_contain_text("Przesyłamy projekt uchwały w sprawie programu.")
    expect(page.get_by_role("link", name="projekt-uchwaly.pdf")).to_be_visible()
    assert case.events.filter(kind=CaseEvent.Kind.REPLY).count() == 1

    # A file of the wrong type is refused with a Polish message.
    page.get_by_label(re.compile("Załącznik")).set_input_files(
        {"name": "wirus.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 not a pdf"}
    )
    page.get_by_role("button", name="Wyślij").click()
    expect(
        page.get_by_text(re.compile("niedozwolony typ")).first
    ).to_be_visible()  # also in the error summary
    assert case.attachments.count() == 1


def test_expert_workspace_is_accessible(page):
    AdvisoryTopicFactory()
    builder = CaseBuilder()
    case = builder.at(AdvisoryRequest.Status.IN_PROGRESS)
    services.case_message_post(
        request_id=case.pk, actor=builder.staff, body="Notatka dla eksperta", internal=True
    )
    login(page, builder.expert.user)
    page.goto("/doradztwo/sprawy/")
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    assert_accessible(page, "advisory-expert-case-list")
    page.get_by_role("link", name=case.number).click()
    expect(page.locator(".timeline")).to_contain_text("Notatka dla eksperta")
    assert_accessible(page, "advisory-expert-case-detail")


def test_card_pending_page_does_not_refresh_itself_and_the_button_orders_the_card(page):
    """It reloaded every 5 s with no way to stop it (WCAG 2.2.1); now the person checks again."""
    AdvisoryTopicFactory()
    builder = CaseBuilder()
    case = builder.at(AdvisoryRequest.Status.COMPLETED)
    AdvisoryRequest.objects.filter(pk=case.pk).update(
        card_pdf="", card_requested_at=None
    )  # as if lost
    login(page, builder.staff)
    page.goto(f"/doradztwo/wnioski/{case.pk}/karta-doradztwa.pdf")
    expect(page.get_by_role("status")).to_contain_text("nie została jeszcze przygotowana")
    assert page.locator('meta[http-equiv="refresh" i]').count() == 0
    assert_accessible(page, "advisory-card-pending")  # axe's meta-refresh rule included
    assert (
        AdvisoryRequest.objects.get(pk=case.pk).card_requested_at is None
    )  # the GET queued nothing

    # Tasks run in-process here, so the card is ready at once and the redirect downloads it.
    with page.expect_download() as download:
        page.get_by_role("button", name="Przygotuj kartę").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    assert AdvisoryRequest.objects.get(pk=case.pk).card_requested_at is not None
