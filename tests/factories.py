"""Factories shared by every app's tests."""

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sites.models import Site

from portal.models import FundingProject, Region, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"osoba{n}@example.org")
    first_name = factory.Faker("first_name", locale="pl_PL")
    last_name = factory.Faker("last_name", locale="pl_PL")
    password = factory.PostGenerationMethodCall("set_password", "haslo-testowe-123")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Give the user a verified e-mail address (as after sign-up), unless verified=False."""
        if create and extracted is not False:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffUserFactory(UserFactory):
    """A ROPS superuser: every permission. Prefer RoleUserFactory where the role matters."""

    is_staff = True
    is_superuser = True


# The staff roles as the migrations made them: {group name: [(app_label, codename), ...]}.
# Taken once per test session (tests/conftest.py), because a transactional test empties every
# table when it ends, and the groups, unlike permissions, are not recreated by post_migrate.
ROLE_SNAPSHOT: dict[str, list[tuple[str, str]]] = {}


def role_group(name: str):
    """The group of a staff role, recreated with its migrated permissions if a flush removed it."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, created = Group.objects.get_or_create(name=name)
    if created:
        pairs = ROLE_SNAPSHOT.get(name)
        if pairs is None:
            raise LookupError(f"No staff role named {name!r} was created by the migrations.")
        condition = Q(pk__in=[])
        for app_label, codename in pairs:
            condition |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(condition))
    return group


class RoleUserFactory(UserFactory):
    """A staff account in one role (a group from portal.roles), e.g.
    ``RoleUserFactory(role=roles.EVENTS_COORDINATOR)``; ``role=None`` gives staff with no
    permissions at all, the account every permission test must refuse."""

    is_staff = True
    is_superuser = False

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(role_group(extracted))


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("site",)

    site = factory.LazyFunction(lambda: Site.objects.get(pk=settings.SITE_ID))
    name = "województwo testowe"
    centre_name = "Regionalny Ośrodek Polityki Społecznej w Testowie"
    cofinancing_notice = "Projekt współfinansowany ze środków Europejskiego Funduszu Społecznego Plus."


class FundingProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingProject

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"Koordynacja ekonomii społecznej {n}")
    programme = "Fundusze Europejskie dla Regionu 2021–2027"
    priority_axis = "Priorytet 5"
    measure = "Działanie 5.17"
    sub_measure = "Poddziałanie 5.17.2"
    cofinancing_notice = "Projekt współfinansowany przez Unię Europejską z Europejskiego Funduszu Społecznego Plus."
