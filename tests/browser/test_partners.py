"""The partner catalogue and joining an organisation in headless Chromium, checked with axe-core."""

import pytest
from playwright.sync_api import expect

from partners.models import Membership, Organisation
from tests.factories import UserFactory
from tests.partners.factories import (
    ContactPersonFactory,
    GminaFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationStatusFactory,
    PowiatFactory,
    SubregionFactory,
)

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def region():
    chojnicki = PowiatFactory(teryt="2202", name="chojnicki")
    kwidzynski = PowiatFactory(teryt="2207", name="kwidzyński")
    south = SubregionFactory(name="Południowy", slug="poludniowy", powiats=[chojnicki])
    wisla = SubregionFactory(name="Nadwiślański", slug="nadwislanski", powiats=[kwidzynski])
    chojnice = GminaFactory(
        parent=chojnicki, teryt="2202011", name="Chojnice", kind_code="1", kind_name="gmina miejska"
    )
    kwidzyn = GminaFactory(
        parent=kwidzynski, teryt="2207011", name="Kwidzyn", kind_code="1", kind_name="gmina miejska"
    )
    owes_south = OrganisationFactory(
        name="OWES Subregionu Południowego",
        seat_gmina=chojnice,
        served_subregion=south,
        city="Chojnice",
        description="Wspieramy spółdzielnie socjalne.",
        email="owes@example.org",
        phone="58 600 00 00",
    )
    OrganisationStatusFactory(
        organisation=owes_south, kind="owes_accreditation", decision_number="AKR/3/2024"
    )
    ContactPersonFactory(
        organisation=owes_south, first_name="Katarzyna", last_name="Wiśniewska", is_public=True
    )
    owes_wisla = OrganisationFactory(
        name="Nadwiślański OWES", seat_gmina=kwidzyn, served_subregion=wisla, city="Kwidzyn"
    )
    lgd = OrganisationFactory(
        name="LGD Sandrowy Brzeg", kind=Organisation.Kind.LGD, seat_gmina=chojnice, city="Czersk"
    )
    for number in range(3):
        OrganisationFactory(
            name=f"Spółdzielnia Socjalna {number}",
            kind="pes",
            legal_form="spoldzielnia_socjalna",
            seat_gmina=kwidzyn,
        )
    return {"owes_south": owes_south, "owes_wisla": owes_wisla, "lgd": lgd, "chojnicki": chojnicki}


def test_catalogue_filters_find_the_owes_serving_a_powiat(page, region):
    page.goto("/partnerzy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Katalog partnerów")
    expect(page.locator(".org-card")).to_have_count(6)
    assert_accessible(page, "partners-catalogue")

    page.get_by_label("Rodzaj").select_option(label="Ośrodek Wsparcia Ekonomii Społecznej (OWES)")
    page.get_by_label("Powiat").select_option(label="powiat chojnicki")
    page.get_by_role("button", name="Pokaż").click()
    cards = page.locator(".org-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("OWES Subregionu Południowego")
    expect(cards.first).to_contain_text("Obsługuje subregion: Południowy")
    expect(page.get_by_role("heading", name="Znaleziono 1 organizację")).to_be_visible()
    assert_accessible(page, "partners-catalogue-filtered")

    page.get_by_label("Nazwa zawiera").fill("sandrowy")
    page.get_by_label("Rodzaj").select_option(label="wszystkie rodzaje")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.locator(".org-card")).to_have_count(1)
    expect(page.locator(".org-card").first).to_contain_text("LGD Sandrowy Brzeg")

    page.get_by_role("link", name="Wyczyść filtry").click()
    page.get_by_label("Subregion").select_option(label="Nadwiślański")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.locator(".org-card")).to_have_count(4)

    page.goto("/partnerzy/owes/")
    section = page.get_by_role("region", name="Subregion Południowy")
    expect(section).to_contain_text("OWES Subregionu Południowego")
    expect(section).to_contain_text("chojnicki")
    assert_accessible(page, "partners-owes-by-subregion")


def test_home_button_opens_the_owes_of_a_chosen_powiat(page, region):
    page.goto("/")
    page.get_by_role("link", name="Znajdź OWES w swoim powiecie").click()
    expect(page.get_by_role("heading", name="Znajdź OWES w swoim powiecie")).to_be_visible()
    page.get_by_label("Powiat").select_option(label="kwidzyński")
    page.get_by_role("button", name="Pokaż").click()
    results = page.locator("#powiat-results")
    expect(results).to_contain_text("OWES obsługujące: powiat kwidzyński")
    expect(results).to_contain_text("Nadwiślański OWES")
    expect(results).not_to_contain_text("OWES Subregionu Południowego")
    assert_accessible(page, "partners-owes-in-powiat")


def test_user_asks_to_join_and_organisation_admin_approves(page, chromium, live_server, region):
    owes = region["owes_south"]
    admin = MembershipFactory(organisation=owes, role=Membership.Role.ADMIN).user
    user = UserFactory(first_name="Joanna", last_name="Nowak")
    login(page, user)
    page.goto(f"/partnerzy/{owes.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("OWES Subregionu Południowego")
    expect(page.get_by_text("AKR/3/2024")).to_be_visible()
    assert_accessible(page, "partners-detail")
    page.get_by_role("link", name="Dołącz do tej organizacji").click()
    assert_accessible(page, "partners-join-request")
    page.get_by_label("Stanowisko lub funkcja w organizacji").fill("doradczyni kluczowa")
    page.get_by_role("button", name="Wyślij prośbę o dołączenie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moje organizacje")
    expect(page.get_by_text("Wysłano prośbę o dołączenie")).to_be_visible()
    row = page.get_by_role("row", name="OWES Subregionu Południowego")
    expect(row).to_contain_text("oczekuje na zatwierdzenie")
    assert_accessible(page, "partners-my-organisations-pending")

    admin_context = chromium.new_context(locale="pl-PL", base_url=live_server.url)
    admin_page = admin_context.new_page()
    try:
        login(admin_page, admin)
        admin_page.goto("/partnerzy/moje/")
        admin_page.get_by_role("link", name="Prośby o dołączenie").click()
        expect(admin_page.get_by_text(user.email).first).to_be_visible()
        assert_accessible(admin_page, "partners-membership-requests")
        admin_page.get_by_role("button", name=f"Zatwierdź {user.email}").click()
        expect(admin_page.get_by_text(f"Zatwierdzono: {user.email}")).to_be_visible()
        expect(admin_page.get_by_text("Nie ma próśb oczekujących na decyzję.")).to_be_visible()
    finally:
        admin_context.close()

    page.reload()
    expect(page.get_by_role("row", name="OWES Subregionu Południowego")).to_contain_text(
        "zatwierdzone"
    )
    assert Membership.objects.get(user=user, organisation=owes).status == Membership.Status.APPROVED


def test_admin_edits_public_profile_and_proposal_form_shows_errors(page, region):
    owes = region["owes_south"]
    admin = MembershipFactory(organisation=owes, role=Membership.Role.ADMIN).user
    login(page, admin)
    page.goto(f"/partnerzy/{owes.pk}/profil/")
    assert_accessible(page, "partners-profile-edit")
    page.get_by_label("Opis działalności").fill("Doradztwo, dotacje i szkolenia dla spółdzielni.")
    page.get_by_role("button", name="Zapisz profil").click()
    expect(page.get_by_text("Zapisano profil organizacji.")).to_be_visible()
    expect(page.get_by_text("Doradztwo, dotacje i szkolenia dla spółdzielni.")).to_be_visible()

    page.goto("/partnerzy/zaproponuj/")
    page.get_by_label("Rodzaj").select_option(label="Podmiot ekonomii społecznej (PES)")
    page.locator("main form input[name=name]").fill("Spółdzielnia Nowa")
    page.get_by_label("Gmina siedziby").select_option(index=1)
    page.get_by_label("NIP").fill("123-456-78-90")
    page.get_by_role("button", name="Wyślij propozycję").click()
    expect(page.get_by_text("NIP „1234567890” jest niepoprawny").first).to_be_visible()
    expect(
        page.get_by_text("Podaj formę prawną podmiotu ekonomii społecznej.").first
    ).to_be_visible()
    assert_accessible(page, "partners-propose-errors")
