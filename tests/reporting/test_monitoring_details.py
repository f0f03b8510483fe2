"""Personal details a funding project requires (sex, year of birth, PESEL) at event registration.

Asked only when the event's project requires them, kept once per person and offered again,
checked with python-stdnum, in the person's data export and erased by anonymisation.
"""

import json

import pytest
from django.urls import reverse

from events.models import Registration
from portal.models import AuditLogEntry
from portal.services import user_anonymise
from reporting.models import MonitoringDetails
from tests.events.factories import ConsentTextFactory, EventFactory, member
from tests.factories import FundingProjectFactory
from tests.partners.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FEMALE_1985 = "85010112345"  # born 1985-01-01, female (10th digit even)
MALE_1944 = "44051401359"  # born 1944-05-14, male


@pytest.fixture(autouse=True)
def _consent():
    return ConsentTextFactory()


def _event(**flags):
    return EventFactory(funding_project=FundingProjectFactory(**flags))


def _url(event):
    return reverse("events:registration_create", args=[event.slug])


def _post(client, event, organisation, participant, **details):
    data = {"organisation": organisation.pk, "participant": participant.pk}
    data.update({f"monitoring_{key}": value for key, value in details.items()})
    return client.post(_url(event), data)


def test_a_project_without_requirements_asks_nothing(client):
    event = _event()
    user, organisation = member()
    client.force_login(user)
    html = client.get(_url(event)).content.decode()
    assert "monitoring_" not in html and "PESEL" not in html
    response = _post(client, event, organisation, user, pesel="12345")
    assert response.status_code == 302
    assert not MonitoringDetails.objects.exists()


def test_only_the_required_details_are_asked_and_they_are_required(client):
    event = _event(requires_sex=True, requires_birth_year=True)
    user, organisation = member()
    client.force_login(user)
    html = client.get(_url(event)).content.decode()
    assert 'name="monitoring_sex"' in html and 'name="monitoring_birth_year"' in html
    assert 'name="monitoring_pesel"' not in html
    assert "Dane uczestnika do sprawozdań projektu" in html

    response = _post(client, event, organisation, user)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Projekt finansujący to wydarzenie wymaga tej informacji." in html
    assert 'id="id_monitoring_sex_error"' in html and 'id="id_monitoring_birth_year_error"' in html
    assert not Registration.objects.exists() and not MonitoringDetails.objects.exists()

    response = _post(client, event, organisation, user, sex="K", birth_year="1985")
    assert response.status_code == 302
    details = MonitoringDetails.objects.get(person=user)
    assert (details.sex, details.birth_year, details.pesel) == ("K", 1985, "")


@pytest.mark.parametrize(
    ("pesel", "message"),
    [
        ("85010112346", "Numer PESEL jest nieprawidłowy (nie zgadza się cyfra kontrolna)"),
        ("8501011234", "Numer PESEL ma 11 cyfr."),
        ("8501O112345", "Numer PESEL może zawierać tylko cyfry."),
        ("85133112347", "niemożliwą datę urodzenia"),
    ],
)
def test_a_bad_pesel_gets_a_polish_message_next_to_the_field_and_nothing_is_saved(
    client, pesel, message
):
    event = _event(requires_pesel=True)
    user, organisation = member()
    client.force_login(user)
    response = _post(client, event, organisation, user, pesel=pesel)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_monitoring_pesel_error"' in html
    assert message in html
    assert not Registration.objects.exists() and not MonitoringDetails.objects.exists()


def test_pesel_must_agree_with_sex_and_year_of_birth(client):
    event = _event(requires_sex=True, requires_birth_year=True, requires_pesel=True)
    user, organisation = member()
    client.force_login(user)
    response = _post(
        client, event, organisation, user, sex="M", birth_year="1985", pesel=FEMALE_1985
    )
    assert "Numer PESEL nie zgadza się z podaną płcią" in response.content.decode()
    response = _post(
        client, event, organisation, user, sex="K", birth_year="1986", pesel=FEMALE_1985
    )
    assert "Numer PESEL nie zgadza się z podanym rokiem urodzenia" in response.content.decode()
    assert not MonitoringDetails.objects.exists()
    # A non-binary person is never contradicted by the PESEL's legal sex.
    response = _post(
        client, event, organisation, user, sex="N", birth_year="1985", pesel=FEMALE_1985
    )
    assert response.status_code == 302
    details = MonitoringDetails.objects.get(person=user)
    assert details.pesel == FEMALE_1985 and str(details.birth_date) == "1985-01-01"


def test_details_are_given_once_and_offered_again_at_the_next_registration(client):
    user, organisation = member()
    client.force_login(user)
    first = _event(requires_pesel=True, requires_birth_year=True)
    _post(client, first, organisation, user, pesel="850101 12345", birth_year="1985")
    second = EventFactory(funding_project=first.funding_project)
    form = client.get(_url(second)).context["form"]
    assert form["monitoring_pesel"].value() == FEMALE_1985
    assert form["monitoring_birth_year"].value() == 1985
    response = _post(client, second, organisation, user, pesel=FEMALE_1985, birth_year="1985")
    assert response.status_code == 302
    assert MonitoringDetails.objects.count() == 1
    # One audit entry for the details (the second registration changed nothing), without values.
    entries = AuditLogEntry.objects.filter(action="reporting.monitoring_details.update")
    assert entries.count() == 1
    assert FEMALE_1985 not in entries.get().summary + json.dumps(entries.get().changes)


def test_a_colleague_with_kept_details_may_be_registered_without_retyping_them(client):
    user, organisation = member()
    colleague = MembershipFactory(organisation=organisation).user
    MonitoringDetails.objects.create(person=colleague, pesel=MALE_1944)
    event = _event(requires_pesel=True)
    client.force_login(user)
    # The registering person never sees the colleague's number...
    assert MALE_1944 not in client.get(_url(event)).content.decode()
    # ...and may leave it empty: the kept one is used.
    response = _post(client, event, organisation, colleague, pesel="")
    assert response.status_code == 302
    assert Registration.objects.get().participant == colleague
    assert MonitoringDetails.objects.get(person=colleague).pesel == MALE_1944
    assert not MonitoringDetails.objects.filter(person=user).exists()


def test_the_service_refuses_a_registration_without_the_required_details():
    from events import exceptions, services

    user, organisation = member()
    event = _event(requires_sex=True)
    with pytest.raises(exceptions.MonitoringDetailsInvalid) as error:
        services.registration_create(
            event=event, participant=user, organisation=organisation, answers={}, actor=user
        )
    assert set(error.value.errors) == {"sex"}
    assert not Registration.objects.exists()


def test_the_persons_data_export_includes_the_details(client):
    user, _organisation = member()
    MonitoringDetails.objects.create(person=user, sex="K", birth_year=1985, pesel=FEMALE_1985)
    client.force_login(user)
    data = json.loads(client.get(reverse("my_data_download")).content)
    (row,) = data["reporting.monitoringdetails:person"]
    assert (row["sex"], row["birth_year"], row["pesel"]) == ("K", 1985, FEMALE_1985)
    page = client.get(reverse("my_data")).content.decode()
    assert "Dane do sprawozdań projektów finansujących (płeć, rok urodzenia, PESEL)" in page


def test_anonymising_the_account_erases_the_details():
    user, _organisation = member()
    MonitoringDetails.objects.create(person=user, sex="M", pesel=MALE_1944)
    user_anonymise(user=user, actor=user)
    assert not MonitoringDetails.objects.exists()
