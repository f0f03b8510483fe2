"""The public contact form: one e-mail to the ROPS, a copy only to a confirmed sender; bots get nothing."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal import antispam
from portal.models import AuditLogEntry, ContactMessage, OutboundEmail
from tests.factories import RegionFactory, RoleUserFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("contact")


@pytest.fixture(autouse=True)
def _region(settings):
    settings.CONTACT_FORM_MIN_SECONDS = 0
    # The limit is kept in Redis across requests: each test starts with a fresh count.
    cache.delete("ratelimit:contact:127.0.0.1")
    return RegionFactory(email="rops@example.org", contact_form_email="")


def _form(**overrides):
    data = {
        "name": "Maria Nowak",
        "email": "maria.nowak@example.org",
        "subject": "Wizyta studyjna",
        "message": "Czy są jeszcze wolne miejsca na wizytę w Koźminie?",
        "website": "",
        "started": antispam.form_started_token(),
    }
    data.update(overrides)
    return data


def test_message_reaches_staff_once_and_an_anonymous_sender_gets_no_copy(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form())

    assert response.status_code == 302
    assert response["Location"] == reverse("contact_sent")
    contact = ContactMessage.objects.get()
    assert contact.recipient == "rops@example.org"
    # Anyone may type any address: the portal must not mail a stranger's text to it.
    assert [message.to for message in mail.outbox] == [["rops@example.org"]]
    assert not OutboundEmail.objects.filter(to="maria.nowak@example.org").exists()
    staff_copy = mail.outbox[0]
    assert "Wizyta studyjna" in staff_copy.subject
    assert "Czy są jeszcze wolne miejsca na wizytę w Koźminie?" in staff_copy.body
    assert "maria.nowak@example.org" in staff_copy.body
    assert AuditLogEntry.objects.filter(action="portal.contactmessage.send").count() == 1


def test_a_signed_in_sender_gets_a_copy_at_their_confirmed_address(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="maria.nowak@example.org")
    client.force_login(user)
    assert "maria.nowak@example.org" in client.get(URL).content.decode()  # filled in

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form(email="Maria.Nowak@example.org"), follow=True)

    by_recipient = {message.to[0].lower(): message for message in mail.outbox}
    assert set(by_recipient) == {"rops@example.org", "maria.nowak@example.org"}
    assert "Czy są jeszcze wolne miejsca" in by_recipient["maria.nowak@example.org"].body
    assert "Kopię wiadomości wysłaliśmy" in response.content.decode()


@pytest.mark.parametrize("verified", [True, False])
def test_a_signed_in_sender_gets_no_copy_at_an_address_not_confirmed_as_theirs(
    client, django_capture_on_commit_callbacks, verified
):
    client.force_login(UserFactory(email="maria.nowak@example.org", verified=verified))
    typed = "ktos.inny@example.org" if verified else "maria.nowak@example.org"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(email=typed))

    assert ContactMessage.objects.get().email == typed
    assert [message.to for message in mail.outbox] == [["rops@example.org"]]


def test_messages_go_to_the_contact_form_address_when_it_is_set(
    client, _region, django_capture_on_commit_callbacks
):
    _region.contact_form_email = "sekretariat@example.org"
    _region.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form())
    assert [message.to for message in mail.outbox] == [["sekretariat@example.org"]]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "maria.nowak@", "Proszę podać poprawny adres e-mail"),
        ("message", "   ", "Proszę wpisać treść wiadomości."),
        ("name", "", "To pole jest wymagane."),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_stored(
    client, field, value, error
):
    response = client.post(URL, _form(**{field: value}))

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert error in html
    # What the person typed stays in the form.
    assert "Wizyta studyjna" in html
    assert not ContactMessage.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_filled_trap_field_is_refused_silently(client):
    response = client.post(URL, _form(website="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == reverse("contact_sent")
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


def test_a_form_sent_faster_than_a_person_types_is_refused_silently(client, settings):
    settings.CONTACT_FORM_MIN_SECONDS = 3
    response = client.post(URL, _form())
    assert response.status_code == 302
    assert not ContactMessage.objects.exists()


@pytest.mark.parametrize("started", ["", "1700000000:forged"])
def test_a_missing_or_forged_time_stamp_is_refused_silently(client, started):
    client.post(URL, _form(started=started))
    assert not ContactMessage.objects.exists()


def test_one_address_may_send_only_a_few_messages_an_hour(client, settings):
    settings.CONTACT_FORM_HOURLY_LIMIT = 2
    for _ in range(2):
        assert client.post(URL, _form()).status_code == 302

    response = client.post(URL, _form(message="Trzecia wiadomość"))

    assert response.status_code == 429
    assert "w ciągu ostatniej godziny" in response.content.decode()
    assert ContactMessage.objects.count() == 2


def test_form_shows_the_rodo_notice_and_the_region_contacts(client):
    html = client.get(URL).content.decode()
    assert "art. 6 ust. 1 lit. e RODO" in html
    assert reverse("page", args=["rodo"]) in html
    assert "rops@example.org" in html


def test_messages_are_readable_only_by_the_rops_administrator(client):
    ContactMessage.objects.create(
        name="Jan", email="jan@example.org", message="Pytanie", recipient="rops@example.org"
    )
    url = reverse("admin:portal_contactmessage_changelist")
    client.force_login(RoleUserFactory(role="Koordynator wydarzeń"))
    assert client.get(url).status_code == 403
    client.force_login(RoleUserFactory(role="Administrator ROPS"))
    response = client.get(url)
    assert response.status_code == 200
    assert "Pytanie" in response.content.decode() or "jan@example.org" in response.content.decode()
