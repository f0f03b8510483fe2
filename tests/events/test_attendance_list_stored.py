"""The attendance list rendered ahead and stored privately: served only while current."""

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse

from events import services, services_attendance_list, tasks
from events.models import Registration, SessionPlace
from tests.factories import StaffUserFactory, UserFactory
from tests.pdfs import assert_accessible_pdf, pdf_page_texts, pdf_text

from .factories import (
    EventFactory,
    EventSessionFactory,
    RegistrationFactory,
    SessionSlotFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_lists(event) -> list[str]:
    folder = f"{services_attendance_list.STORAGE_DIR}/event-{event.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def download(client, event) -> bytes:
    response = client.get(reverse("events:attendance_list_pdf", args=[event.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def replace_stored(event, content: bytes) -> None:
    """Overwrite the stored list, so that a download proves where its bytes came from."""
    (name,) = stored_lists(event)
    path = default_storage.path(f"{services_attendance_list.STORAGE_DIR}/event-{event.pk}/{name}")
    with open(path, "wb") as file:
        file.write(content)


def test_download_is_stored_privately_and_served_until_the_list_changes(client, private_media):
    event = EventFactory()
    first = RegistrationFactory(event=event, participant=UserFactory(last_name="Abacka"))
    RegistrationFactory(event=event, participant=UserFactory(last_name="Babacka"))
    client.force_login(StaffUserFactory())

    assert "Abacka" in pdf_text(download(client, event))
    assert len(stored_lists(event)) == 1
    assert str(private_media) in default_storage.location  # under the private uploads
    replace_stored(event, b"%PDF- stored")
    assert download(client, event) == b"%PDF- stored"

    # Anything printed on the list changing makes the stored file stale: it is never served.
    first.participant.last_name = "Cabacka"
    first.participant.save()
    text = pdf_text(download(client, event))
    assert "Cabacka" in text and "Abacka" not in text
    assert len(stored_lists(event)) == 1  # the stale file went

    services.attendance_mark(
        registration=first,
        day=services.event_days(event)[0],
        is_present=True,
        actor=StaffUserFactory(),
    )
    assert "Obecność w systemie" in pdf_text(download(client, event))


def test_workshop_lists_are_stored_apart_from_the_event_list(client):
    slot = SessionSlotFactory()
    event = slot.event
    workshop = EventSessionFactory(slot=slot, title="Klauzule społeczne")
    inside = RegistrationFactory(event=event, participant=UserFactory(last_name="Wewnątrz"))
    RegistrationFactory(event=event, participant=UserFactory(last_name="Gdzieindziej"))
    SessionPlace.objects.create(registration=inside, slot=slot, session=workshop)
    client.force_login(StaffUserFactory())
    url = reverse("events:attendance_list_pdf", args=[event.slug])

    everybody = pdf_text(client.get(url).content)
    per_workshop = pdf_text(client.get(url, {"warsztat": workshop.pk}).content)
    assert "Gdzieindziej" in everybody and "Gdzieindziej" not in per_workshop
    assert sorted(name.split("-")[0] for name in stored_lists(event)) == ["all", "session"]
    # Served again from storage, each list stays its own.
    assert "Gdzieindziej" not in pdf_text(client.get(url, {"warsztat": workshop.pk}).content)
    assert "Gdzieindziej" in pdf_text(client.get(url).content)


def test_large_event_is_rendered_ahead_after_a_registration_change(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services_attendance_list, "PRERENDER_MIN_PEOPLE", 2)
    event = EventFactory(capacity=10)
    registrations = [RegistrationFactory(event=event) for _ in range(3)]
    cache.delete(f"events:attendance-list-prerender:{event.pk}")

    # The worker (eager here) renders once the cancellation has committed.
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(
            registration=registrations[0], actor=registrations[0].participant
        )
    assert len(stored_lists(event)) == 1
    client.force_login(StaffUserFactory())
    replace_stored(event, b"%PDF- rendered ahead")
    assert download(client, event) == b"%PDF- rendered ahead"

    # Within the debounce window a further change queues nothing; the download renders it.
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(
            registration=registrations[1], actor=registrations[1].participant
        )
    text = pdf_text(download(client, event))
    assert registrations[1].participant.last_name not in text
    assert registrations[2].participant.last_name in text


def test_small_event_keeps_no_file_ahead_of_a_download():
    event = EventFactory()
    RegistrationFactory(event=event)
    assert tasks.attendance_list_prerender(event.pk) is False
    assert stored_lists(event) == []


def test_long_list_prints_every_name_under_a_repeated_header_with_a_signature_column(client):
    event = EventFactory(capacity=100)
    people = [
        RegistrationFactory(
            event=event, participant=UserFactory(first_name="Maria", last_name=f"Nowak{n:03d}")
        )
        for n in range(70)
    ]
    assert Registration.objects.filter(event=event).count() == 70
    client.force_login(StaffUserFactory())
    content = download(client, event)

    tagged = assert_accessible_pdf(content, title_contains="Lista obecności")
    # WeasyPrint tags the table once per page, each part with its header row; a list per day.
    tables = tagged.root.find_all("Table")
    assert all(table.find_all("TR")[0].children[-1].type == "TH" for table in tables)
    rows = [row for table in tables for row in table.find_all("TR")[1:]]
    assert len(rows) == 70 * len(services.event_days(event))
    assert all(row.children[0].type == "TH" and row.children[-1].type == "TD" for row in rows)
    pages = pdf_page_texts(content)
    assert len(pages) >= 2
    assert all("Podpis" in page for page in pages)  # the column header on every page
    text = pdf_text(content)
    assert all(f"Nowak{n:03d}" in text for n in range(len(people)))
