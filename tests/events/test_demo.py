import pytest

from events import demo, selectors
from events.models import (
    AgendaItem,
    Attendance,
    Event,
    Material,
    Postulate,
    Question,
    Registration,
    Report,
    ReportPhoto,
)

MODELS = (
    Event,
    AgendaItem,
    Question,
    Registration,
    Attendance,
    Material,
    Report,
    ReportPhoto,
    Postulate,
)


@pytest.mark.django_db
def test_demo_load_is_idempotent_and_works_alone(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo.load()
    counts = [Model.objects.count() for Model in MODELS]
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    demo.load()
    assert [Model.objects.count() for Model in MODELS] == counts
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == files
    visit = Event.objects.get(slug="wizyta-studyjna-wielkopolska")
    assert visit.is_multi_day and visit.agenda_items.count() >= 8
    full = Event.objects.get(slug="spotkanie-konwentu-ops")
    assert full.registrations.filter(status=Registration.Status.CONFIRMED).count() == full.capacity
    assert full.registrations.filter(status=Registration.Status.WAITLISTED).exists()


@pytest.mark.django_db
def test_demo_finished_forum_has_materials_report_postulates_and_certificates(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo.load()
    forum = Event.objects.get(slug="forum-lgd-owes-jesien")
    assert forum.state == Event.State.FINISHED
    assert {m.visibility for m in forum.materials.all()} == {"public", "participants"}
    assert all(m.file.read(5) == b"%PDF-" for m in forum.materials.all())
    assert forum.report.is_published and forum.report.photos.count() == 10
    assert all(
        photo.alt_text and photo.credit and photo.width == 1200 and photo.is_published
        for photo in forum.report.photos.all()
    )
    assert all(photo.thumbnail for photo in forum.report.photos.all())
    assert forum.postulates.filter(institution__isnull=True).count() == 0
    assert forum.postulates.values("institution").distinct().count() == 3
    assert forum.postulates.count() == 5 and forum.postulates.filter(status="accepted").exists()
    from portal.models import User

    partner = User.objects.get(email=demo.DEMO_PARTNER_EMAIL)
    mine = [r for r in selectors.registration_list_for_user(user=partner) if r.event_id == forum.pk]
    assert mine and selectors.registration_certificate_eligible(mine[0])
    assert forum.registrations.filter(attendances__is_present=False).exists()  # someone was absent


@pytest.mark.django_db
def test_demo_study_visit_is_a_three_date_series_with_speakers(settings, tmp_path, client):
    """The series page shows the three dates with free places; speakers are listed."""
    import html

    from django.urls import reverse
    from django.utils import timezone

    from events.models import EventSeries

    settings.MEDIA_ROOT = tmp_path
    demo.load()
    series = EventSeries.objects.get(slug="wizyty-studyjne-wielkopolska")
    dates = list(series.events.order_by("starts_at"))
    assert len(dates) == 3 and all(e.state == Event.State.PUBLISHED for e in dates)
    first = timezone.localdate(dates[0].starts_at)
    assert [(timezone.localdate(e.starts_at) - first).days for e in dates] == [0, 28, 56]
    assert all(e.agenda_items.count() == dates[0].agenda_items.count() for e in dates)
    assert all(e.questions.count() == dates[0].questions.count() for e in dates)
    assert all(e.places_reserved == 1 and e.reminder_hours == [168, 24] for e in dates)
    page = html.unescape(
        client.get(reverse("events:series_detail", args=[series.slug])).content.decode()
    )
    assert page.count('class="card"') == 3
    assert "24 wolne miejsca" in page or "Wolne miejsca: 24" in page
    meeting = html.unescape(
        client.get(
            reverse("events:event_detail", args=["spotkanie-robocze-owes-lgd-ops"])
        ).content.decode()
    )
    assert "Przedstawicielka instytucji zarządzającej" in meeting
    assert "Prowadzi: Przedstawicielka instytucji zarządzającej" in meeting


@pytest.mark.django_db
def test_demo_working_meeting_has_three_parallel_workshops_of_ten(settings, tmp_path, client):
    """One slot, three workshops of 10 places; demo registrations each have one."""
    import html

    from events.models import EventSession, SessionPlace, SessionSlot

    settings.MEDIA_ROOT = tmp_path
    demo.load()
    demo.load()
    meeting = Event.objects.get(slug="spotkanie-robocze-owes-lgd-ops")
    slot = SessionSlot.objects.get(event=meeting)
    sessions = EventSession.objects.filter(event=meeting)
    assert sessions.count() == 3 and {s.capacity for s in sessions} == {10}
    assert {s.slot_id for s in sessions} == {slot.pk}
    active = meeting.registrations.filter(status__in=Registration.ACTIVE)
    assert SessionPlace.objects.filter(registration__in=active).count() == active.count() > 0
    assert not meeting.agenda_items.filter(title="Warsztaty w grupach mieszanych").exists()
    page = html.unescape(client.get(meeting.get_absolute_url()).content.decode())
    assert page.count('class="session-card"') == 3


@pytest.mark.django_db
def test_demo_working_meeting_description_is_formatted(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo.load()
    meeting = Event.objects.get(slug="spotkanie-robocze-owes-lgd-ops")
    assert "<h3>Trzy równoległe warsztaty</h3>" in meeting.description
    assert meeting.description.count("<li>") == 3 and "<strong>" in meeting.description
