"""Factories shared by every app's tests."""

import time

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


# Every staff account needs a second factor before the admin opens (portal.mfa). Staff
# factories give the account an authenticator app with this secret; pass ``totp=False`` for a
# staff account that has not set one up yet.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_totp(user, secret: str = TEST_TOTP_SECRET):
    """Activate an authenticator app (TOTP) for the user, as allauth.mfa does on enrolment."""
    from allauth.mfa.totp.internal.auth import TOTP

    return TOTP.activate(user, secret).instance


def totp_code(user=None, secret: str = TEST_TOTP_SECRET) -> str:
    """A TOTP code the portal accepts now and that this user has not used yet.

    allauth accepts each code once per account (it remembers used codes in the cache) and, with
    MFA_TOTP_TOLERANCE = 1, the codes of the neighbouring 30-second steps too; a test that signs
    the same account in twice gets the next step's code. If all were used, wait for a new step.
    """
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.core.cache import cache

    while True:
        counter = int(time.time()) // app_settings.TOTP_PERIOD
        for candidate in (counter, counter + 1):
            code = format_hotp_value(hotp_value(secret, candidate))
            if user is None or not cache.get(f"allauth.mfa.totp.used?user={user.pk}&code={code}"):
                return code
        time.sleep(1)


def record_second_factor(client, user) -> None:
    """Mark the test client's session as having passed password and TOTP, as allauth records it.

    This is what allauth's login stages leave in the session after the code form
    (``account_authentication_methods``), so the admin's second-factor check lets the session in.
    """
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def staff_login(client, user) -> None:
    """Sign a (staff) user in on the test client with both factors, like the real sign-in."""
    client.force_login(user)
    record_second_factor(client, user)


class StaffUserFactory(UserFactory):
    """A ROPS superuser: every permission. Prefer RoleUserFactory where the role matters."""

    is_staff = True
    is_superuser = True

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Give the account an authenticator app (TEST_TOTP_SECRET), unless totp=False."""
        if create and extracted is not False:
            give_totp(self)


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

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Give the account an authenticator app (TEST_TOTP_SECRET), unless totp=False."""
        if create and extracted is not False:
            give_totp(self)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("site",)

    site = factory.LazyFunction(lambda: Site.objects.get(pk=settings.SITE_ID))
    name = "województwo testowe"
    centre_name = "Regionalny Ośrodek Polityki Społecznej w Testowie"
    cofinancing_notice = (
        "Projekt współfinansowany ze środków Europejskiego Funduszu Społecznego Plus."
    )


class FundingProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingProject

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"Koordynacja ekonomii społecznej {n}")
    programme = "Fundusze Europejskie dla Regionu 2021–2027"
    priority_axis = "Priorytet 5"
    measure = "Działanie 5.17"
    sub_measure = "Poddziałanie 5.17.2"
    cofinancing_notice = (
        "Projekt współfinansowany przez Unię Europejską z Europejskiego Funduszu Społecznego Plus."
    )
