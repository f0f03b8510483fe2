"""The postulates register: staff only, filters (addressee from the institutions list, status,
area, period, meeting), status history with who and when, the reply, XLSX export, pagination."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Event, Institution, Postulate
from portal import roles
from tests.factories import RoleUserFactory, StaffUserFactory

from .factories import EventFactory, PostulateFactory

pytestmark = pytest.mark.django_db

URL = reverse("events:postulate_register")
EXPORT = reverse("events:postulate_register_export")


def at(day: date):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


@pytest.fixture
def data():
    iz = Institution.objects.create(
        name="Instytucja Zarządzająca FEP 2021–2027", short_name="IZ FEP"
    )
    board = Institution.objects.create(name="Zarząd Województwa")
    spring = EventFactory(
        title="Forum wiosenne",
        state=Event.State.FINISHED,
        starts_at=at(date(2026, 4, 10)),
        ends_at=at(date(2026, 4, 10)) + timedelta(hours=4),
    )
    autumn = EventFactory(
        title="Forum jesienne",
        state=Event.State.FINISHED,
        starts_at=at(date(2026, 10, 5)),
        ends_at=at(date(2026, 10, 5)) + timedelta(hours=4),
    )
    return {
        "iz": iz,
        "board": board,
        "spring": spring,
        "autumn": autumn,
        "a": PostulateFactory(
            event=spring,
            text="Kalendarz wspólnych wydarzeń",
            institution=iz,
            addressee=iz.name,
            topic=Postulate.Topic.JOINT_EVENTS,
        ),
        "b": PostulateFactory(
            event=spring,
            text="Stoiska PES na festynach",
            institution=board,
            addressee=board.name,
            topic=Postulate.Topic.FINANCING,
            status=Postulate.Status.FORWARDED,
            forwarded_on=date(2026, 4, 20),
        ),
        # Written with the name only (no link to the list): still found under the institution.
        "c": PostulateFactory(
            event=autumn,
            text="Klauzule społeczne w zamówieniach gmin",
            addressee="instytucja zarządzająca fep 2021–2027",
            topic=Postulate.Topic.COMMISSIONING,
            status=Postulate.Status.ACCEPTED,
            forwarded_on=date(2026, 10, 12),
            decided_on=date(2026, 11, 2),
            decision_note="Uwzględnimy w naborze.",
        ),
    }


def texts(response):
    return [postulate.text for postulate, _history in response.context["rows"]]


def test_staff_only(client, data):
    assert "/konto/login/" in client.get(URL)["Location"]
    client.force_login(RoleUserFactory(role=None))
    assert client.get(URL).status_code == 404
    assert client.get(EXPORT).status_code == 404
    for role in (roles.EVENTS_COORDINATOR, roles.REPORTING, roles.ROPS_ADMINISTRATOR):
        client.force_login(RoleUserFactory(role=role))
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"a", "b", "c"}),
        ({"adresat": "iz"}, {"a", "c"}),
        ({"adresat": "board"}, {"b"}),
        ({"status": "forwarded"}, {"b"}),
        ({"obszar": "commissioning"}, {"c"}),
        ({"od": "2026-09-01"}, {"c"}),
        ({"od": "2026-04-01", "do": "2026-04-30"}, {"a", "b"}),
        ({"spotkanie": "autumn"}, {"c"}),
        ({"szukaj": "naborze"}, {"c"}),
        ({"adresat": "iz", "status": "proposed"}, {"a"}),
    ],
)
def test_filters(client, data, query, expected):
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    params = {
        key: data[value].pk if key in ("adresat", "spotkanie") else value
        for key, value in query.items()
    }
    response = client.get(URL, params)
    assert set(texts(response)) == {data[key].text for key in expected}


def test_period_ending_before_it_starts_is_a_polish_error(client, data):
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    response = client.get(URL, {"od": "2026-05-01", "do": "2026-04-01"})
    assert response.status_code == 200 and texts(response) == []
    assert "Koniec okresu nie może być wcześniejszy niż jego początek." in response.content.decode()


def test_status_history_with_who_and_when_and_the_reply(client, data):
    staff = StaffUserFactory(first_name="Ewa", last_name="Lis")
    client.force_login(staff)
    postulate = data["a"]
    base = {
        "event": postulate.event.pk,
        "position": 0,
        "text": postulate.text,
        "topic": postulate.topic,
        "institution": data["iz"].pk,
        "addressee": "",
        "decision_note": "",
    }
    change = reverse("admin:events_postulate_change", args=[postulate.pk])
    response = client.post(change, {**base, "status": "forwarded", "forwarded_on": "2026-04-15"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(
        change,
        {
            **base,
            "status": "rejected",
            "forwarded_on": "2026-04-15",
            "decided_on": "2026-05-02",
            "decision_note": "Poza zakresem programu.",
        },
    )
    response = client.get(URL, {"adresat": data["iz"].pk, "szukaj": "Kalendarz"})
    ((row, history),) = response.context["rows"]
    assert [change["status"] for change in history] == ["proposed", "forwarded", "rejected"]
    assert history[1]["by"] == "Ewa Lis" and history[2]["by"] == "Ewa Lis"
    assert history[1]["at"] <= history[2]["at"]
    content = response.content.decode()
    assert "Poza zakresem programu." in content and "Ewa Lis" in content


def test_choosing_an_institution_sets_the_addressee_text(client, data):
    client.force_login(StaffUserFactory())
    response = client.post(
        reverse("admin:events_postulate_add"),
        {
            "event": data["spring"].pk,
            "position": 3,
            "text": "Nowy postulat",
            "topic": "other",
            "institution": data["board"].pk,
            "addressee": "",
            "status": "proposed",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Postulate.objects.get(text="Nowy postulat")
    assert created.institution == data["board"] and created.addressee == "Zarząd Województwa"
    # Renaming the institution renames the text the reports group by.
    client.post(
        reverse("admin:events_institution_change", args=[data["board"].pk]),
        {"name": "Zarząd Województwa Pomorskiego", "short_name": "", "is_active": "on"},
    )
    created.refresh_from_db()
    assert created.addressee == "Zarząd Województwa Pomorskiego"


def test_export_xlsx_of_the_filtered_list_escapes_formulas(client, data):
    PostulateFactory(
        event=data["spring"], text='=HYPERLINK("http://zly.example")', institution=data["iz"]
    )
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    response = client.get(EXPORT, {"adresat": data["iz"].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Adresat", "Status", "Postulat")
    postulates = {row[2] for row in rows[1:]}
    assert (
        "Kalendarz wspólnych wydarzeń" in postulates
        and "Stoiska PES na festynach" not in postulates
    )
    assert '\'=HYPERLINK("http://zly.example")' in postulates


def test_paginated_25_per_page(client, data):
    PostulateFactory.create_batch(30, event=data["autumn"])
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    first = client.get(URL)
    assert len(first.context["rows"]) == 25 and first.context["page_obj"].paginator.count == 33
    assert len(client.get(URL, {"strona": 2}).context["rows"]) == 8


def test_admin_postulate_list_links_to_the_register(client, data):
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    content = client.get(reverse("admin:events_postulate_changelist")).content.decode()
    assert f'href="{URL}"' in content and "export" in content
