"""A staff session opens nothing on the site or in the admin until it has passed the second factor.

The walk below requests every URL pattern of the project (the resolver's own list, so a view
added later is walked too) as a staff account without an authenticator and as one whose
session passed the password only, with GET and POST, and gets only the redirect to the
second-factor pages.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from advisory.models import AdvisoryRequest, CaseEvent
from portal import roles
from portal.mfa import (
    ENROLMENT_CODE_VIEW,
    ENROLMENT_VIEWS,
    OPEN_BEFORE_SECOND_FACTOR,
    SECOND_FACTOR_STEP_VIEWS,
    is_staff_account,
)
from portal.models import AuditLogEntry
from tests.factories import RoleUserFactory, StaffUserFactory, UserFactory, give_totp
from tests.reporting.factories import PERIOD, build_world

pytestmark = pytest.mark.django_db

PASSWORD = "haslo-testowe-123"
# The pages that ask for or set up the second factor (tested in test_staff_mfa*.py).
SECOND_FACTOR_PAGES = (
    SECOND_FACTOR_STEP_VIEWS | ENROLMENT_VIEWS | {ENROLMENT_CODE_VIEW, "account_reauthenticate"}
)
STEP_PAGES = (reverse("mfa_enrolment_code"), reverse("mfa_reauthenticate"))


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield prefix + str(pattern.pattern), name


def _fill(route: str, values: dict[str, str]) -> str:
    """A concrete path for a route or regex pattern, with real objects' keys where known."""

    def value(name: str, converter: str = "") -> str:
        if name in values:
            return values[name]
        return {"int": "1", "slug": "x"}.get(converter, "1")

    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m.group(1)), route)
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: value(m.group(2), m.group(1) or ""), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


@pytest.fixture
def world():
    world = build_world()
    case = AdvisoryRequest.objects.exclude(status=AdvisoryRequest.Status.DRAFT).first()
    world.case = case
    world.values = {
        "pk": str(case.pk),
        "slug": world.events["e1"].slug,
        "file_format": "osoby.csv",
        "kind": "wskazniki",
        "object_id": str(case.pk),
    }
    return world


def _every_path(world):
    for route, name in _walk(get_resolver().url_patterns):
        if name in OPEN_BEFORE_SECOND_FACTOR | SECOND_FACTOR_PAGES:
            continue
        yield _fill(route, world.values)


def _without_authenticator(client):
    staff = StaffUserFactory(totp=False)
    client.force_login(staff)
    return staff


def _password_only(client):
    staff = StaffUserFactory()
    assert client.login(email=staff.email, password=PASSWORD)
    return staff


@pytest.mark.parametrize("sign_in", [_without_authenticator, _password_only])
def test_no_url_of_the_project_opens_to_a_staff_session_without_the_second_factor(
    client, world, sign_in
):
    sign_in(client)
    paths = list(_every_path(world))
    assert len(paths) > 100  # the site's and the admin's patterns, not a hand-kept list
    audit_before = AuditLogEntry.objects.count()
    for path in paths:
        for method in (client.get, client.post):
            response = method(path, {"internal": "on", "body": "Notatka"})
            assert response.status_code == 302, (method.__name__, path, response.status_code)
            assert response["Location"].startswith(STEP_PAGES), (path, response["Location"])
    assert AuditLogEntry.objects.count() == audit_before


@pytest.mark.parametrize("sign_in", ["no_authenticator", "password_only"])
def test_reporting_role_gets_no_personal_data_export_without_the_second_factor(
    client, world, sign_in
):
    staff = RoleUserFactory(role=roles.REPORTING, totp=sign_in == "password_only")
    if sign_in == "password_only":
        assert client.login(email=staff.email, password=PASSWORD)
    else:
        client.force_login(staff)
    response = client.get(
        reverse("reporting:monitoring_download", args=["osoby.csv"]),
        {"start": PERIOD[0].isoformat(), "end": PERIOD[1].isoformat()},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(STEP_PAGES)


def test_advisory_officer_reads_and_writes_no_case_without_the_second_factor(client, world):
    officer = RoleUserFactory(role=roles.ADVISORY_OFFICER, totp=False)
    client.force_login(officer)
    case = world.case
    assert client.get(reverse("advisory:case_detail", args=[case.pk])).status_code == 302
    notes_before = CaseEvent.objects.filter(request=case).count()
    response = client.post(
        reverse("advisory:case_message", args=[case.pk]),
        {"body": "Notatka wewnętrzna", "internal": "on"},
    )
    assert response.status_code == 302
    assert CaseEvent.objects.filter(request=case).count() == notes_before


def test_the_same_officer_after_the_second_factor_reads_the_case(client, world):
    officer = RoleUserFactory(role=roles.ADVISORY_OFFICER)
    client.force_login(officer)  # both factors, as after the real sign-in
    assert client.get(reverse("advisory:case_detail", args=[world.case.pk])).status_code == 200


def test_staff_without_authenticator_is_sent_to_set_one_up_from_a_public_page(client):
    _without_authenticator(client)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_enrolment_code"))
    # Signing out and switching the language stay open.
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_staff_is_one_rule_for_site_and_admin():
    assert is_staff_account(RoleUserFactory(role=None))
    assert is_staff_account(RoleUserFactory(role=roles.REPORTING))
    assert is_staff_account(StaffUserFactory())
    person = UserFactory()
    assert not is_staff_account(person)
    # A group of a staff role grants nothing to an account that is not staff (the permission
    # backend's rule), so such an account is no staff session either.
    from tests.factories import role_group

    person.groups.add(role_group(roles.REPORTING))
    assert not is_staff_account(type(person).objects.get(pk=person.pk))


def test_non_staff_account_opens_its_pages_without_a_second_factor(client):
    person = UserFactory()
    assert client.login(email=person.email, password=PASSWORD)
    assert client.get(reverse("account_profile")).status_code == 200
    give_totp(person)  # an account that chose a second factor but is not staff
    assert client.get(reverse("account_profile")).status_code == 200
