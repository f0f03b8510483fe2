"""Factories of the partner registry, used by every app's tests."""

import factory

from partners.models import Membership, Organisation, Subregion, TerritorialUnit
from tests.factories import UserFactory


class VoivodeshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialUnit
        django_get_or_create = ("teryt",)

    teryt = "22"
    level = TerritorialUnit.Level.VOIVODESHIP
    name = "POMORSKIE"


class PowiatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialUnit

    parent = factory.SubFactory(VoivodeshipFactory)
    teryt = factory.Sequence(lambda n: f"22{(n % 90) + 10:02d}")
    level = TerritorialUnit.Level.POWIAT
    name = factory.Sequence(lambda n: f"powiat testowy {n}")


class GminaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialUnit

    parent = factory.SubFactory(PowiatFactory)
    teryt = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.teryt}{(n % 90) + 1:02d}2")
    level = TerritorialUnit.Level.GMINA
    name = factory.Sequence(lambda n: f"Gmina Testowa {n}")
    kind_code = "2"
    kind_name = "gmina wiejska"


class SubregionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subregion
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Subregion {n}")
    slug = factory.Sequence(lambda n: f"subregion-{n}")

    @factory.post_generation
    def powiats(self, create, extracted, **kwargs):
        if create and extracted:
            self.powiats.set(extracted)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.OWES
    name = factory.Sequence(lambda n: f"Organizacja Testowa {n}")
    seat_gmina = factory.SubFactory(GminaFactory)
    city = "Testowo"
    is_public = True


class JstFactory(OrganisationFactory):
    kind = Organisation.Kind.JST
    name = factory.Sequence(lambda n: f"Gmina Testowa {n} (urząd)")


class MembershipFactory(factory.django.DjangoModelFactory):
    """An approved membership unless status says otherwise."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.APPROVED
