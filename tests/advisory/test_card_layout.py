"""The advisory card as printed and signed: addresses, signature fields, pages, tagged PDF/UA."""

import pytest

from advisory.documents import advisory_card_pdf
from advisory.models import AdvisoryRequest, Consultation
from tests.factories import FundingProjectFactory, RegionFactory
from tests.pdfs import assert_accessible_pdf, pdf_page_texts, pdf_text

from .test_card import completed_case

pytestmark = pytest.mark.django_db

CLOSING = "Potwierdzenie realizacji doradztwa"


def card_case(cases):
    region = RegionFactory(centre_short_name="ROPS", address="ul. Okopowa 21/27\n80-810 Gdańsk")
    case = completed_case(cases)
    AdvisoryRequest.objects.filter(pk=case.pk).update(
        funding_project=FundingProjectFactory(region=region)
    )
    organisation = case.organisation
    organisation.street, organisation.postal_code, organisation.city = (
        "ul. Długa 1",
        "80-001",
        "Gdańsk",
    )
    organisation.save()
    case.refresh_from_db()
    return case


def test_card_addresses_have_a_comma_before_the_postcode(cases):
    text = pdf_text(advisory_card_pdf(request=card_case(cases)))
    assert "ul. Długa 1, 80-001 Gdańsk" in text
    assert "ul. Okopowa 21/27, 80-810 Gdańsk" in text


def test_card_has_signature_fields_with_dates_for_expert_jst_and_rops(cases):
    case = card_case(cases)
    text = pdf_text(advisory_card_pdf(request=case))
    closing = text[text.index(CLOSING) :]
    expert = closing.index("Ekspert")
    jst = closing.index("W imieniu wnioskodawcy (JST)")
    rops = closing.index("W imieniu ROPS")
    assert expert < jst < rops
    assert case.expert.full_name in closing[expert:jst]
    for part in (closing[expert:jst], closing[jst:rops], closing[rops:]):
        assert "data" in part and "podpis" in part


def test_no_page_of_the_card_holds_only_the_signatures_and_footer(cases):
    case = card_case(cases)
    consultation = Consultation.objects.filter(request=case).order_by("pk").last()
    sentence = "Opracować harmonogram wdrożenia rekomendacji wraz z podziałem zadań między wydziały urzędu. "
    seen_pages = set()
    # Grow the recommendations line by line so the page break falls at every place near the end.
    for lines in range(0, 40, 3):
        Consultation.objects.filter(pk=consultation.pk).update(
            recommendations=sentence * lines or "Brak."
        )
        case.refresh_from_db()
        pages = pdf_page_texts(advisory_card_pdf(request=case))
        seen_pages.add(len(pages))
        for number, page in enumerate(pages[1:], 2):
            before_closing = page.split(CLOSING)[0].split("Strona")[0].strip()
            assert before_closing, (
                f"page {number} of {len(pages)} (at {lines} lines) holds only the closing part"
            )
    assert seen_pages >= {1, 2}, (
        seen_pages
    )  # a typical card fits one page; longer ones cross the boundary


def test_card_is_a_tagged_pdf_with_title_language_and_table(cases):
    case = card_case(cases)
    tagged = assert_accessible_pdf(
        advisory_card_pdf(request=case), title_contains=f"Karta doradztwa {case.number}"
    )
    assert {"Table", "TR", "TH", "TD", "H2", "L"} <= tagged.types()
