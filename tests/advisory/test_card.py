"""The advisory card PDF: content, safety against what the requester typed, the background task."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

import portal.pdf
from advisory import services
from advisory.documents import advisory_card_pdf
from advisory.models import AdvisoryRequest
from tests.factories import FundingProjectFactory
from tests.waiting import wait_for_row

from .conftest import CaseBuilder
from .factories import AdvisoryTopicFactory

Status = AdvisoryRequest.Status

HOSTILE = (
    '<img src="file:///etc/passwd"> <img src="http://127.0.0.1:9/tracker.png"> '
    '<link rel="stylesheet" href="http://example.invalid/x.css"> '
    "<style>@import url(file:///etc/hostname);</style> http://example.invalid/ad"
)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_images(content: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(content)).pages)


def completed_case(builder: CaseBuilder, **draft_fields) -> AdvisoryRequest:
    case = builder.draft(**draft_fields)
    for action in ("submit", "accept", "assign_expert", "schedule", "start"):
        case = builder.step(case, action)
    for minutes, advice in ((90, "Dopisać cel dotyczący PES."), (45, "Powołać radę pożytku.")):
        services.consultation_record(
            request_id=case.pk,
            actor=builder.expert.user,
            held_on=timezone.localdate(),
            form="online",
            duration_minutes=minutes,
            recommendations=advice,
        )
    return builder.step(case, "complete")


@pytest.mark.django_db
def test_card_lists_requester_topics_expert_hours_and_cofinancing(cases):
    project = FundingProjectFactory(
        cofinancing_notice="Współfinansowane ze środków EFS+ (test karty)."
    )
    topic = AdvisoryTopicFactory(name="Rady działalności pożytku publicznego")
    case = completed_case(cases, topics=[topic])
    AdvisoryRequest.objects.filter(pk=case.pk).update(funding_project=project)
    case.refresh_from_db()

    text = pdf_text(advisory_card_pdf(request=case))

    assert "Karta doradztwa" in text and case.number in text
    assert case.organisation.name in text and "Rady działalności pożytku publicznego" in text
    assert cases.expert.full_name in text
    assert "1:30" in text and "0:45" in text and "2:15" in text  # each consultation and the total
    assert "Powołać radę pożytku." in text
    assert "Współfinansowane ze środków EFS+ (test karty)." in text


@pytest.mark.django_db
def test_requester_text_neither_fetches_nor_embeds_anything(cases, monkeypatch):
    requested = []
    real_fetcher = portal.pdf.safe_url_fetcher

    def recording_fetcher(url, *args, **kwargs):
        requested.append(url)
        return real_fetcher(url, *args, **kwargs)

    monkeypatch.setattr(portal.pdf, "safe_url_fetcher", recording_fetcher)
    case = completed_case(
        cases,
        description=HOSTILE,
        documents_concerned=HOSTILE,
        contact_name='<img src="file:///etc/passwd">',
    )

    content = advisory_card_pdf(request=case)

    # Only the project's own stylesheet was asked for: nothing the requester typed.
    assert requested, "the fetcher was not used"
    assert all(url.startswith("static:") and url.endswith("css/pdf.css") for url in requested), (
        requested
    )
    assert pdf_images(content) == 0
    text = pdf_text(content)
    assert "root:" not in text
    assert '<img src="file:///etc/passwd">' in text  # shown as text, escaped, not interpreted


@pytest.mark.django_db(transaction=True)
def test_completion_renders_the_card_in_the_real_worker(celery_worker):
    AdvisoryTopicFactory()
    builder = CaseBuilder()
    case = completed_case(builder)  # completing enqueues the task after commit

    wait_for_row(
        case,
        lambda case: case.card_pdf,
        timeout=60,
        message="the worker did not produce the advisory card",
    )
    with case.card_pdf.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF") and "2:15" in pdf_text(content)
    first_name = case.card_pdf.name

    # Running it again overwrites the output instead of piling up files.
    assert services.card_generate(request_id=case.pk)
    case.refresh_from_db()
    assert case.card_pdf.storage.exists(case.card_pdf.name)
    if case.card_pdf.name != first_name:
        assert not case.card_pdf.storage.exists(first_name)
