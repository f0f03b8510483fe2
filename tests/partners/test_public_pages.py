"""Public pages show only publicly visible organisations; powiats in Polish order; OWES per powiat."""

import pytest
from django.urls import reverse

from partners.admin import PowiatListFilter
from partners.forms import OrganisationProposeForm, OwesPowiatForm
from partners.models import Organisation, PolishCollate, TerritorialUnit, polish_sorted
from tests.factories import RoleUserFactory, UserFactory

from .factories import (
    CooperationFactory,
    GminaFactory,
    MembershipFactory,
    OrganisationFactory,
    PowiatFactory,
    SubregionFactory,
)


@pytest.fixture
def partners_of_owes(db):
    """A public OWES cooperating with a visible, an unverified and an unpublished organisation."""
    owes = OrganisationFactory(name="OWES Jawny")
    visible = OrganisationFactory(name="LGD Widoczna", kind="lgd")
    unverified = OrganisationFactory(name="LGD Niezweryfikowana", kind="lgd", is_verified=False)
    unpublished = OrganisationFactory(name="LGD Niepubliczna", kind="lgd", is_public=False)
    CooperationFactory(source=owes, target=visible)
    CooperationFactory(source=owes, target=unverified)
    CooperationFactory(source=unpublished, target=owes)
    CooperationFactory(source=unverified, target=owes, kind="partnership")
    return owes


def test_one_rule_defines_a_publicly_visible_organisation(partners_of_owes):
    assert set(Organisation.objects.publicly_visible().values_list("name", flat=True)) == {
        "OWES Jawny",
        "LGD Widoczna",
    }


def test_organisation_page_lists_only_publicly_visible_cooperation_partners(
    client, partners_of_owes
):
    response = client.get(reverse("partners:organisation_detail", args=[partners_of_owes.pk]))
    html = response.content.decode()
    assert "LGD Widoczna" in html
    assert "LGD Niezweryfikowana" not in html and "LGD Niepubliczna" not in html
    # Staff allowed to see unverified organisations still get the public list on the public page.
    client.force_login(RoleUserFactory(role="Administrator ROPS"))
    html = client.get(
        reverse("partners:organisation_detail", args=[partners_of_owes.pk])
    ).content.decode()
    assert "LGD Niezweryfikowana" not in html


@pytest.fixture
def owes_map(db):
    powiat = PowiatFactory(name="kościerski")
    subregion = SubregionFactory(name="Kaszuby", powiats=[powiat])
    gmina = GminaFactory(parent=powiat)
    OrganisationFactory(name="OWES Zweryfikowany", seat_gmina=gmina, served_subregion=subregion)
    OrganisationFactory(
        name="OWES Niezweryfikowany",
        seat_gmina=gmina,
        served_subregion=subregion,
        is_verified=False,
    )
    OrganisationFactory(
        name="OWES Niepubliczny", seat_gmina=gmina, served_subregion=subregion, is_public=False
    )
    return {"powiat": powiat, "subregion": subregion}


def test_owes_pages_show_only_publicly_visible_owes(client, owes_map):
    url = reverse("partners:owes_by_subregion")
    for params in ({}, {"powiat": owes_map["powiat"].pk}):
        html = client.get(url, params).content.decode()
        assert "OWES Zweryfikowany" in html
        assert "OWES Niezweryfikowany" not in html and "OWES Niepubliczny" not in html


def test_owes_per_powiat_lists_the_owes_serving_the_chosen_powiat(client, owes_map):
    other = PowiatFactory(name="pucki")
    url = reverse("partners:owes_by_subregion")
    response = client.get(url, {"powiat": owes_map["powiat"].pk})
    assert response.status_code == 200
    assert [o.name for o in response.context["owes_in_powiat"]] == ["OWES Zweryfikowany"]
    assert "OWES obsługujące: powiat kościerski" in response.content.decode()
    response = client.get(url, {"powiat": other.pk})
    assert response.context["owes_in_powiat"] == []
    assert "W katalogu nie ma jeszcze OWES obsługującego ten powiat." in response.content.decode()


def test_owes_per_powiat_answers_a_nul_byte_with_the_polish_bad_request_page(client, owes_map):
    response = client.get(reverse("partners:owes_by_subregion"), {"powiat": "99999\x00"})
    assert response.status_code == 400 and "niedozwolony znak" in response.content.decode()


@pytest.mark.parametrize("value", ["999999", "abc", "x" * 500])
def test_owes_per_powiat_refuses_bad_values_with_a_message(client, owes_map, value):
    response = client.get(reverse("partners:owes_by_subregion"), {"powiat": value})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["form"].errors["powiat"]
    assert "Wybierz powiat z listy." in html or "Znaki null są niedozwolone." in html
    assert 'aria-invalid="true"' in html and response.context["owes_in_powiat"] == []


def test_home_page_button_opens_the_owes_per_powiat_page(client, db):
    html = client.get("/").content.decode()
    owes_url = reverse("partners:owes_by_subregion")
    assert f'href="{owes_url}">Znajdź OWES w swoim powiecie</a>' in html
    assert 'id="powiat-finder"' in client.get(owes_url).content.decode()


@pytest.fixture
def pomeranian_powiats(db):
    names = ["sztumski", "słupski", "starogardzki", "Gdynia"]
    powiats = {name: PowiatFactory(name=name) for name in names}
    powiats["Gdynia"].kind_name = TerritorialUnit.CITY_COUNTY
    powiats["Gdynia"].save()
    return powiats


EXPECTED_ORDER = ["Gdynia", "słupski", "starogardzki", "sztumski"]


def test_powiats_sort_with_polish_collation_in_the_database(pomeranian_powiats):
    ordered = TerritorialUnit.objects.filter(level="pow").order_by(PolishCollate("name"))
    assert [p.name for p in ordered] == EXPECTED_ORDER
    assert [p.name for p in polish_sorted(pomeranian_powiats.values())] == EXPECTED_ORDER


def test_powiats_in_polish_order_in_the_catalogue_filter_the_owes_form_and_the_admin(
    client, pomeranian_powiats
):
    catalogue = (
        client.get(reverse("partners:organisation_list")).context["filter"].form.fields["powiat"]
    )
    assert [p.name for p in catalogue.queryset] == EXPECTED_ORDER
    assert [p.name for p in OwesPowiatForm().fields["powiat"].queryset] == EXPECTED_ORDER
    client.force_login(RoleUserFactory(role="Redaktor rejestru partnerów"))
    response = client.get(reverse("admin:partners_organisation_changelist"))
    powiat_filter = next(
        f for f in response.context["cl"].filter_specs if isinstance(f, PowiatListFilter)
    )
    assert [label for _pk, label in powiat_filter.lookup_choices] == [
        "Gdynia (miasto na prawach powiatu)",
        "powiat słupski",
        "powiat starogardzki",
        "powiat sztumski",
    ]
    served = (
        client.get(reverse("admin:partners_organisation_add"))
        .context["adminform"]
        .form.fields["served_powiats"]
    )
    assert [p.name for p in served.queryset] == EXPECTED_ORDER


def test_gminas_sort_with_polish_collation_in_the_proposal_form(db):
    for name in ("Sztum", "Słupsk", "Stegna"):
        GminaFactory(name=name)
    names = [g.name for g in OrganisationProposeForm().fields["seat_gmina"].queryset]
    assert names == ["Słupsk", "Stegna", "Sztum"]


def test_city_with_powiat_rights_is_named_once(client, pomeranian_powiats):
    gdynia = GminaFactory(
        parent=pomeranian_powiats["Gdynia"],
        name="Gdynia",
        kind_code="1",
        kind_name="gmina miejska, miasto na prawach powiatu",
    )
    ustka = GminaFactory(
        parent=pomeranian_powiats["słupski"], name="Ustka", kind_code="1", kind_name="gmina miejska"
    )
    in_gdynia = OrganisationFactory(name="CIS Gdynia", seat_gmina=gdynia, city="Gdynia")
    OrganisationFactory(name="Spółdzielnia Ustka", seat_gmina=ustka, city="Ustka")
    html = client.get(reverse("partners:organisation_list")).content.decode()
    assert "Gdynia (miasto na prawach powiatu)" in html and "Gdynia, powiat Gdynia" not in html
    assert "Ustka, powiat słupski" in html
    detail = client.get(
        reverse("partners:organisation_detail", args=[in_gdynia.pk])
    ).content.decode()
    assert "Gdynia (miasto na prawach powiatu)" in detail and "powiat Gdynia" not in detail
    label = OrganisationProposeForm().fields["seat_gmina"].label_from_instance(gdynia)
    assert label.startswith("Gdynia (miasto na prawach powiatu)") and "pow. Gdynia" not in label


def test_members_still_see_their_unpublished_organisation(client, db):
    hidden = OrganisationFactory(is_public=False)
    client.force_login(UserFactory())
    assert client.get(reverse("partners:organisation_detail", args=[hidden.pk])).status_code == 404
    client.force_login(MembershipFactory(organisation=hidden).user)
    assert client.get(reverse("partners:organisation_detail", args=[hidden.pk])).status_code == 200
