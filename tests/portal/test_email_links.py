"""Every link in every e-mail points at the configured site address.

The portal ran on another port than 8000 and the e-mails still sent people to
http://127.0.0.1:8000. Here the site runs at http://localhost:8123 while requests arrive for
"testserver": each e-mail the suite can trigger must link only to http://localhost:8123.
"""

import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from advisory.models import AdvisoryRequest
from portal.links import absolute_url, site_url
from tests.advisory.conftest import CaseBuilder
from tests.events.factories import ConsentTextFactory, EventFactory, member
from tests.factories import RegionFactory, StaffUserFactory, UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SITE = "http://localhost:8123"
URL = re.compile(r"""https?://[^\s"'<>)]+""")


@pytest.fixture(autouse=True)
def _other_site_address(settings):
    settings.SITE_URL = SITE + "/"  # a trailing slash must not double the slash in links
    RegionFactory()


def committed(service, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


def _links(message) -> list[str]:
    parts = [message.body]
    parts += [content for content, _mimetype in getattr(message, "alternatives", [])]
    for _name, content, _mimetype in message.attachments:
        text = content.decode() if isinstance(content, bytes) else str(content)
        parts.append(re.sub(r"\r?\n[ \t]", "", text))  # unfold iCalendar lines
    return [link for part in parts for link in URL.findall(part)]


def _assert_links_to_site(messages, *, expect_at_least: int = 1) -> None:
    assert messages, "no e-mail was sent"
    linked = 0
    for message in messages:
        links = _links(message)
        wrong = [link for link in links if not link.startswith(SITE + "/")]
        assert not wrong, f"{message.subject}: {wrong}"
        assert not [link for link in links if link.startswith(SITE + "//")], message.subject
        linked += bool(links)
    assert linked >= expect_at_least


def test_the_one_place_that_builds_absolute_urls():
    assert site_url() == SITE
    assert absolute_url("/wydarzenia/1/") == f"{SITE}/wydarzenia/1/"
    assert absolute_url("wydarzenia/1/") == f"{SITE}/wydarzenia/1/"


def test_sign_up_verification_and_password_reset_links(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Ola",
                "last_name": "Nowak",
                "email": "ola@example.org",
                "password1": "Bezpieczne-Haslo-2026",
                "password2": "Bezpieczne-Haslo-2026",
            },
        )
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    _assert_links_to_site(mail.outbox, expect_at_least=2)
    assert any("/konto/confirm-email/" in link for link in _links(mail.outbox[0]))


def test_event_registration_confirmation_cancellation_and_event_cancelled_links():
    from events import services

    ConsentTextFactory()
    event = EventFactory(capacity=5)
    user, organisation = member()
    registration = committed(
        services.registration_create,
        event=event,
        participant=user,
        organisation=organisation,
        answers={},
        actor=user,
    )
    committed(services.registration_cancel, registration=registration, actor=user)
    other, other_organisation = member()
    committed(
        services.registration_create,
        event=event,
        participant=other,
        organisation=other_organisation,
        answers={},
        actor=other,
    )
    committed(services.event_cancel, event=event, actor=StaffUserFactory())
    assert len(mail.outbox) >= 4
    _assert_links_to_site(mail.outbox, expect_at_least=4)


def test_join_request_and_decision_links():
    from partners import services

    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, role="admin")
    user = UserFactory()
    membership = committed(
        services.membership_request, user=user, organisation=organisation, actor=user
    )
    committed(services.membership_approve, membership=membership, actor=StaffUserFactory())
    _assert_links_to_site(mail.outbox, expect_at_least=2)


def test_advisory_case_links():
    from advisory import services

    builder = CaseBuilder()
    with TestCase.captureOnCommitCallbacks(execute=True):
        case = builder.at(AdvisoryRequest.Status.EXPERT_ASSIGNED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.case_message_post(
            request_id=case.pk, actor=builder.staff, body="Prosimy o dokumenty."
        )
    _assert_links_to_site(mail.outbox, expect_at_least=3)
