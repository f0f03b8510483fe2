"""Catalogue, detail, joining, my organisations, profile editing and request decisions in the browser-facing views."""

import pytest
from django.urls import reverse

from partners.models import Membership, Organisation
from tests.factories import StaffUserFactory, UserFactory

from .factories import (
    ContactPersonFactory,
    GminaFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationStatusFactory,
    PowiatFactory,
    SubregionFactory,
)


@pytest.fixture
def region_map(db):
    """Two subregions with a powiat each, an OWES serving each, and an LGD seated in the south."""
    north_powiat, south_powiat = PowiatFactory(name="północny"), PowiatFactory(name="południowy")
    north = SubregionFactory(name="Północ", powiats=[north_powiat])
    south = SubregionFactory(name="Południe", powiats=[south_powiat])
    north_gmina, south_gmina = GminaFactory(parent=north_powiat), GminaFactory(parent=south_powiat)
    owes_north = OrganisationFactory(
        name="OWES Północ", seat_gmina=north_gmina, served_subregion=north
    )
    owes_south = OrganisationFactory(
        name="OWES Południe", seat_gmina=north_gmina, served_subregion=south
    )
    lgd = OrganisationFactory(
        name="LGD Jeziora", kind=Organisation.Kind.LGD, seat_gmina=south_gmina
    )
    hidden = OrganisationFactory(name="Niepubliczna", is_public=False, seat_gmina=south_gmina)
    unverified = OrganisationFactory(
        name="Niezweryfikowana", is_verified=False, seat_gmina=south_gmina
    )
    return locals()


def names(response):
    return [o.name for o in response.context["page_obj"].object_list]


def test_catalogue_shows_only_public_verified_organisations(client, region_map):
    response = client.get(reverse("partners:organisation_list"))
    assert response.status_code == 200
    assert set(names(response)) == {"OWES Północ", "OWES Południe", "LGD Jeziora"}
    assert "Niepubliczna" not in response.content.decode()


def test_catalogue_filters_by_kind_name_subregion_and_powiat(client, region_map):
    url = reverse("partners:organisation_list")
    assert names(client.get(url, {"kind": "lgd"})) == ["LGD Jeziora"]
    assert names(client.get(url, {"q": "połud"})) == ["OWES Południe"]
    # A subregion lists organisations seated there and the OWES serving it.
    assert set(names(client.get(url, {"subregion": region_map["south"].pk}))) == {
        "LGD Jeziora",
        "OWES Południe",
    }
    # The OWES serving a powiat is found by that powiat even though its seat is elsewhere.
    response = client.get(url, {"kind": "owes", "powiat": region_map["south_powiat"].pk})
    assert names(response) == ["OWES Południe"]


def test_catalogue_refuses_unknown_filter_values_without_error(client, region_map):
    response = client.get(
        reverse("partners:organisation_list"), {"kind": "bank", "powiat": "999999"}
    )
    assert response.status_code == 200
    assert response.context["filter"].form.errors


def test_catalogue_paginates(client, db):
    OrganisationFactory.create_batch(23)
    url = reverse("partners:organisation_list")
    assert len(names(client.get(url))) == 20
    response = client.get(url, {"strona": 2, "kind": "owes"})
    assert len(names(response)) == 3
    assert "kind=owes&amp;strona=1" in response.content.decode()


def test_owes_by_subregion_page_lists_area_served(client, region_map):
    response = client.get(reverse("partners:owes_by_subregion"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "OWES Południe" in html and "Obsługiwane powiaty: południowy" in html
    subregions = dict(
        (s.name, [o.name for o in owes]) for s, owes in response.context["subregions"]
    )
    assert subregions == {"Północ": ["OWES Północ"], "Południe": ["OWES Południe"]}


def test_detail_shows_public_data_and_hides_what_was_not_agreed(client, region_map):
    owes = region_map["owes_south"]
    ContactPersonFactory(organisation=owes, last_name="Jawna", is_public=True)
    ContactPersonFactory(organisation=owes, last_name="Ukryta", is_public=False)
    OrganisationStatusFactory(
        organisation=owes, kind="owes_accreditation", decision_number="AKR/9/2024"
    )
    response = client.get(reverse("partners:organisation_detail", args=[owes.pk]))
    html = response.content.decode()
    assert "Jawna" in html and "Ukryta" not in html and "AKR/9/2024" in html
    assert "Zaloguj się, aby dołączyć" in html


def test_detail_of_hidden_organisation_is_404_except_for_members_and_staff(client, region_map):
    hidden = region_map["hidden"]
    url = reverse("partners:organisation_detail", args=[hidden.pk])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory(organisation=hidden).user)
    assert client.get(url).status_code == 200
    client.force_login(StaffUserFactory())
    assert client.get(url).status_code == 200
    assert (
        client.get(
            reverse("partners:organisation_detail", args=[region_map["unverified"].pk])
        ).status_code
        == 200
    )


def test_join_requires_login(client, region_map):
    url = reverse("partners:membership_request", args=[region_map["lgd"].pk])
    response = client.get(url)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    assert client.post(url, {"position": "x"}).status_code == 302
    assert not Membership.objects.exists()


def test_join_request_and_my_organisations(client, region_map):
    user = UserFactory()
    client.force_login(user)
    lgd = region_map["lgd"]
    response = client.post(
        reverse("partners:membership_request", args=[lgd.pk]), {"position": "animatorka"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "partners:my_organisations"
    )
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.status, membership.position) == (
        lgd,
        "pending",
        "animatorka",
    )
    response = client.get(reverse("partners:my_organisations"))
    assert (
        "LGD Jeziora" in response.content.decode()
        and "oczekuje na zatwierdzenie" in response.content.decode()
    )
    # A second request shows a message instead of an error page.
    response = client.post(reverse("partners:membership_request", args=[lgd.pk]), {}, follow=True)
    assert "czeka już na decyzję" in response.content.decode(), response.redirect_chain
    assert Membership.objects.filter(user=user).count() == 1


def test_join_hidden_organisation_is_404(client, region_map):
    client.force_login(UserFactory())
    assert (
        client.post(
            reverse("partners:membership_request", args=[region_map["hidden"].pk])
        ).status_code
        == 404
    )
    assert not Membership.objects.exists()


def test_propose_organisation_form_validates_identifiers_in_polish(client, region_map):
    user = UserFactory()
    client.force_login(user)
    url = reverse("partners:organisation_propose")
    data = {
        "kind": "pes",
        "legal_form": "",
        "name": "Nowa spółdzielnia",
        "seat_gmina": region_map["south_gmina"].pk,
        "nip": "123-456-78-90",
        "regon": "1",
        "krs": "12",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "nip" in form.errors and "regon" in form.errors and "krs" in form.errors
    assert "Podaj formę prawną podmiotu ekonomii społecznej." in form.errors["legal_form"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Organisation.objects.filter(name="Nowa spółdzielnia").exists()
    data.update(
        {
            "legal_form": "spoldzielnia_socjalna",
            "nip": "526-025-09-95",
            "regon": "012100784",
            "krs": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Nowa spółdzielnia")
    assert not organisation.is_verified and organisation.nip == "5260250995"
    assert Membership.objects.get(user=user).role == Membership.Role.ADMIN


def test_profile_edit_only_for_organisation_admin_and_recorded(client, region_map):
    owes = region_map["owes_north"]
    url = reverse("partners:organisation_profile_edit", args=[owes.pk])
    assert client.get(url).status_code == 302  # anonymous -> login
    client.force_login(MembershipFactory(organisation=owes).user)
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory(role="admin").user)
    assert client.get(url).status_code == 404
    admin = MembershipFactory(organisation=owes, role="admin").user
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200 and "nip" not in response.context["form"].fields
    response = client.post(
        url,
        {
            "description": "Pomagamy spółdzielniom.",
            "email": "owes@example.org",
            "is_public": "on",
            "nip": "5260250995",
            "name": "Podmieniona",
        },
    )
    assert response.status_code == 302
    owes.refresh_from_db()
    assert (
        owes.description == "Pomagamy spółdzielniom."
        and owes.nip is None
        and owes.name == "OWES Północ"
    )
    assert owes.history.latest().history_user == admin
    response = client.post(url, {"email": "zły adres", "website": "nie-url"})
    assert response.status_code == 200 and "email" in response.context["form"].errors


def test_membership_requests_page_and_decisions(client, region_map):
    owes = region_map["owes_north"]
    pending = MembershipFactory(organisation=owes, status="pending")
    admin = MembershipFactory(organisation=owes, role="admin").user
    page_url = reverse("partners:membership_requests", args=[owes.pk])
    decide_url = reverse("partners:membership_decide", args=[pending.pk])
    # Refusals: a plain member and the admin of another organisation get 404 and change nothing.
    for outsider in (
        MembershipFactory(organisation=owes).user,
        MembershipFactory(role="admin").user,
    ):
        client.force_login(outsider)
        assert client.get(page_url).status_code == 404
        assert client.post(decide_url, {"decision": "approve"}).status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.force_login(admin)
    response = client.get(page_url)
    assert pending.user.email in response.content.decode()
    assert client.get(decide_url).status_code == 405
    response = client.post(decide_url, {"decision": "approve", "role": "admin"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.role, pending.decided_by) == ("approved", "admin", admin)
    # Deciding again: the request is no longer pending.
    assert client.post(decide_url, {"decision": "reject"}).status_code == 404


def test_reject_with_note(client, region_map):
    owes = region_map["owes_north"]
    pending = MembershipFactory(organisation=owes, status="pending")
    client.force_login(MembershipFactory(organisation=owes, role="admin").user)
    client.post(
        reverse("partners:membership_decide", args=[pending.pk]),
        {"decision": "reject", "note": "Nieznana osoba"},
    )
    pending.refresh_from_db()
    assert (pending.status, pending.decision_note) == ("rejected", "Nieznana osoba")


def test_my_organisations_requires_login_and_lists_only_own(client, db):
    url = reverse("partners:my_organisations")
    assert client.get(url).status_code == 302
    mine = MembershipFactory(role="admin")
    MembershipFactory(organisation=mine.organisation, status="pending")
    MembershipFactory()
    client.force_login(mine.user)
    response = client.get(url)
    assert [m.organisation for m in response.context["memberships"]] == [mine.organisation]
    assert response.context["memberships"][0].pending_count == 1
