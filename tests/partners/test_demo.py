"""The demo region loads twice without change and gives every subregion its OWES."""

import pytest
from django.contrib.auth import authenticate

from partners import demo
from partners.models import Membership, Organisation, Subregion, TerritorialUnit
from partners.selectors import membership_is_admin, owes_list_by_subregion
from portal import demo as portal_demo


@pytest.mark.django_db
def test_demo_loads_twice_and_is_believable():
    portal_demo.load()
    demo.load()
    counts = (
        TerritorialUnit.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    )
    demo.load()
    assert (
        TerritorialUnit.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert Subregion.objects.count() == 4
    for subregion, owes in owes_list_by_subregion():
        assert len(owes) == 1, subregion
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"owes", "lgd", "ops", "pcpr", "jst", "pes", "cus", "rops"} <= kinds
    assert Organisation.objects.filter(kind="pes").values("legal_form").distinct().count() >= 6
    for organisation in Organisation.objects.all():
        organisation.full_clean()  # identifiers have valid checksums, JST types are set
    partner = authenticate(email=demo.DEMO_PARTNER_EMAIL, password=demo.DEMO_PASSWORD)
    jst_user = authenticate(email=demo.DEMO_JST_EMAIL, password=demo.DEMO_PASSWORD)
    assert partner is not None and jst_user is not None
    owes = Organisation.objects.get(memberships__user=partner)
    assert owes.kind == "owes" and membership_is_admin(user=partner, organisation=owes)
    jst = Organisation.objects.get(memberships__user=jst_user, memberships__status="approved")
    assert jst.kind == "jst" and jst.jst_type == Organisation.JstType.GMINA_MIXED
    assert partner.emailaddress_set.get().verified
