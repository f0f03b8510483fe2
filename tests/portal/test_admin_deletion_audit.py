"""Every deletion in the admin leaves an audit entry with the person who deleted."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import RequestFactory
from django.urls import reverse

from events.models import Event
from portal.models import AuditLogEntry
from tests.events.factories import EventFactory
from tests.factories import StaffUserFactory, staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = StaffUserFactory()
    staff_login(client, user)
    return user


def test_deleting_an_event_on_its_page_is_audited_with_the_actor(client, staff):
    event = EventFactory(title="Forum ekonomii społecznej")
    url = reverse("admin:events_event_delete", args=[event.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()
    entry = AuditLogEntry.objects.get(action="events.event.delete")
    assert entry.actor == staff
    assert entry.object_id == str(event.pk)
    assert entry.summary == "Usunięto: Forum ekonomii społecznej"


def test_deleting_events_with_the_bulk_action_audits_each_one(client, staff):
    events = EventFactory.create_batch(3)
    url = reverse("admin:events_event_changelist")
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [event.pk for event in events]}
    client.post(url, {**data, "post": "yes"})
    assert not Event.objects.filter(pk__in=[event.pk for event in events]).exists()
    entries = AuditLogEntry.objects.filter(action="events.event.delete")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(
        str(event.pk) for event in events
    )
    assert {entry.actor for entry in entries} == {staff}


def test_every_admin_that_can_delete_audits_single_and_bulk_deletions():
    superuser = StaffUserFactory.build()
    request = RequestFactory().get("/admin/")
    request.user = superuser
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_delete_permission(request):
            continue
        for method in ("delete_model", "delete_queryset"):
            if getattr(type(model_admin), method) is getattr(admin.ModelAdmin, method):
                unaudited.append(f"{model._meta.label}.{method}")
    assert unaudited == []
