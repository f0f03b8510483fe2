"""Staff in the admin: likely duplicates, history with the author, filters, membership decisions, export."""

import pytest
from django.urls import reverse

from partners.models import Membership, Organisation
from tests.factories import StaffUserFactory

from .factories import (
    GminaFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationStatusFactory,
    SubregionFactory,
)


@pytest.fixture
def staff_client(client, db):
    staff = StaffUserFactory()
    client.force_login(staff)
    client.staff = staff
    return client


def _form_data(gmina, **overrides):
    data = {
        "kind": "lgd",
        "name": "LGD Wspólna",
        "seat_gmina": gmina.pk,
        "city": "Testowo",
        "is_verified": "on",
        "statuses-TOTAL_FORMS": "0",
        "statuses-INITIAL_FORMS": "0",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "cooperations_out-TOTAL_FORMS": "0",
        "cooperations_out-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_likely_duplicate_is_shown_before_saving_and_needs_confirmation(staff_client):
    gmina = GminaFactory()
    OrganisationFactory(name="LGD Wspólna", seat_gmina=gmina, kind="lgd")
    url = reverse("admin:partners_organisation_add")
    response = staff_client.post(url, _form_data(gmina, name="lgd  wspólna"))
    assert response.status_code == 200
    assert "W tej gminie jest już organizacja o tej samej nazwie" in response.content.decode()
    assert Organisation.objects.count() == 1
    response = staff_client.post(url, _form_data(gmina, name="lgd wspólna", confirm_duplicate="on"))
    assert response.status_code == 302
    assert Organisation.objects.count() == 2
    # The same name in another gmina is not a likely duplicate.
    response = staff_client.post(url, _form_data(GminaFactory(), name="LGD Wspólna"))
    assert response.status_code == 302


def test_invalid_nip_in_admin_form_has_polish_message_and_saves_nothing(staff_client):
    gmina = GminaFactory()
    response = staff_client.post(
        reverse("admin:partners_organisation_add"), _form_data(gmina, nip="1234567890")
    )
    assert response.status_code == 200
    assert "NIP „1234567890” jest niepoprawny" in response.content.decode()
    assert not Organisation.objects.exists()


def test_admin_change_is_in_history_with_its_author(staff_client):
    organisation = OrganisationFactory(kind="lgd")
    url = reverse("admin:partners_organisation_change", args=[organisation.pk])
    response = staff_client.post(url, _form_data(organisation.seat_gmina, name="LGD po zmianie"))
    assert response.status_code == 302
    latest = organisation.history.latest()
    assert latest.name == "LGD po zmianie" and latest.history_user == staff_client.staff
    response = staff_client.get(
        reverse("admin:partners_organisation_history", args=[organisation.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200 and (
        staff_client.staff.email in html or str(staff_client.staff) in html
    )


def test_admin_filters_by_subregion_powiat_kind_and_status(staff_client):
    gmina = GminaFactory()
    subregion = SubregionFactory(powiats=[gmina.parent])
    inside = OrganisationFactory(seat_gmina=gmina, kind="pes", legal_form="cis", name="W środku")
    OrganisationStatusFactory(organisation=inside, kind="social_enterprise")
    OrganisationFactory(name="Poza")
    url = reverse("admin:partners_organisation_changelist")
    for params in (
        {"subregion": subregion.pk},
        {"powiat": gmina.parent.pk},
        {"kind__exact": "pes"},
        {"status": "social_enterprise"},
        {"q": "środku"},
    ):
        response = staff_client.get(url, params)
        assert [o.name for o in response.context["cl"].result_list] == ["W środku"], params


def test_membership_admin_actions_use_the_same_rules(staff_client):
    proposed = OrganisationFactory(is_verified=False)
    pending = MembershipFactory(organisation=proposed, status="pending", role="admin")
    decided = MembershipFactory(status="rejected")
    response = staff_client.post(
        reverse("admin:partners_membership_changelist"),
        {"action": "approve_selected", "_selected_action": [pending.pk, decided.pk]},
        follow=True,
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    proposed.refresh_from_db()
    decided.refresh_from_db()
    assert pending.status == Membership.Status.APPROVED and proposed.is_verified
    assert decided.status == Membership.Status.REJECTED
    assert "Ta prośba została już rozpatrzona." in response.content.decode()


def test_admin_export_page_and_import_page_open(staff_client):
    OrganisationFactory(name="Do eksportu")
    assert staff_client.get(reverse("admin:partners_organisation_import")).status_code == 200
    assert staff_client.get(reverse("admin:partners_organisation_export")).status_code == 200


def test_territorial_units_cannot_be_deleted_in_admin(staff_client):
    gmina = GminaFactory()
    response = staff_client.get(reverse("admin:partners_territorialunit_delete", args=[gmina.pk]))
    assert response.status_code == 403


def test_admin_pages_open(staff_client):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, status="pending")
    for name, args in (
        ("admin:partners_organisation_add", []),
        ("admin:partners_organisation_change", [organisation.pk]),
        ("admin:partners_organisation_changelist", []),
        ("admin:partners_membership_changelist", []),
        ("admin:partners_territorialunit_changelist", []),
        ("admin:partners_subregion_add", []),
        ("admin:partners_cooperation_add", []),
        ("admin:partners_organisationstatus_add", []),
        ("admin:partners_contactperson_add", []),
    ):
        assert staff_client.get(reverse(name, args=args)).status_code == 200, name


def test_changes_of_served_powiats_and_tags_are_in_history(staff_client):
    from partners.models import Tag

    gmina = GminaFactory()
    subregion = SubregionFactory(powiats=[gmina.parent])
    organisation = OrganisationFactory(seat_gmina=gmina, served_subregion=subregion)
    tag = Tag.objects.create(name="catering", slug="catering")
    url = reverse("admin:partners_organisation_change", args=[organisation.pk])
    data = _form_data(
        gmina,
        kind="owes",
        name=organisation.name,
        served_subregion=subregion.pk,
        served_powiats=[gmina.parent.pk],
        tags=[tag.pk],
    )
    assert staff_client.post(url, data).status_code == 302
    latest = organisation.history.latest()
    assert [p.territorialunit_id for p in latest.served_powiats.all()] == [gmina.parent.pk]
    assert [t.tag_id for t in latest.tags.all()] == [tag.pk]
    assert latest.history_user == staff_client.staff
