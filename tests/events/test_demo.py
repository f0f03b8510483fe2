import pytest

from events import demo
from events.models import AgendaItem, Event, Question, Registration


@pytest.mark.django_db
def test_demo_load_is_idempotent_and_works_alone():
    demo.load()
    counts = [Model.objects.count() for Model in (Event, AgendaItem, Question, Registration)]
    demo.load()
    assert [Model.objects.count() for Model in (Event, AgendaItem, Question, Registration)] == counts
    visit = Event.objects.get(slug="wizyta-studyjna-wielkopolska")
    assert visit.is_multi_day and visit.agenda_items.count() >= 8
    full = Event.objects.get(slug="spotkanie-konwentu-ops")
    assert full.registrations.filter(status=Registration.Status.CONFIRMED).count() == full.capacity
    assert full.registrations.filter(status=Registration.Status.WAITLISTED).exists()
