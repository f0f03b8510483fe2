"""Working groups: services, permissions, pages and the weekly overdue digest."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperation import services
from cooperation.exceptions import CooperationError
from cooperation.models import GroupMeeting, GroupMember, GroupTask, WorkingGroup
from portal import roles
from portal.models import AuditLogEntry, OutboundEmail
from tests.events.factories import EventFactory
from tests.factories import RoleUserFactory, UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory

from .factories import GroupMemberFactory, GroupTaskFactory, WorkingGroupFactory, group_with_member

pytestmark = pytest.mark.django_db


def pdf_upload(name="protokol.pdf"):
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- services ------------------------------------------------------------------------------


def test_group_save_creates_and_records_changes():
    staff = RoleUserFactory(role=roles.REGISTRY_EDITOR)
    group = WorkingGroup(
        kind=WorkingGroup.Kind.CONVENTION, name="Konwent OPS", coordinator=UserFactory()
    )
    services.group_save(group=group, actor=staff)
    group.name = "Konwent Dyrektorów OPS"
    services.group_save(group=group, actor=staff)
    entries = AuditLogEntry.objects.filter(action__startswith="cooperation.group").order_by("pk")
    assert [entry.action for entry in entries] == [
        "cooperation.group.create",
        "cooperation.group.update",
    ]
    assert entries[1].changes["name"] == ["Konwent OPS", "Konwent Dyrektorów OPS"]
    assert entries[1].actor == staff


def test_group_end_before_start_is_refused():
    group = WorkingGroup(
        kind="platform",
        name="X",
        coordinator=UserFactory(),
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 1, 1),
    )
    with pytest.raises(CooperationError) as error:
        services.group_save(group=group, actor=UserFactory())
    assert error.value.field == "ends_on"
    assert not WorkingGroup.objects.exists()


def test_member_added_once_and_delegates_must_belong_to_the_organisation():
    group = WorkingGroupFactory()
    organisation = OrganisationFactory(is_verified=True)
    member = services.member_add(group=group, organisation=organisation, actor=group.coordinator)
    with pytest.raises(CooperationError):
        services.member_add(group=group, organisation=organisation, actor=group.coordinator)
    insider = MembershipFactory(organisation=organisation).user
    outsider = MembershipFactory().user
    pending = MembershipFactory(organisation=organisation, status="pending").user
    for wrong in (outsider, pending):
        with pytest.raises(CooperationError) as error:
            services.delegates_set(member=member, users=[insider, wrong], actor=group.coordinator)
        assert error.value.field == "delegates"
    assert not member.delegates.exists()
    services.delegates_set(member=member, users=[insider], actor=group.coordinator)
    assert list(member.delegates.all()) == [insider]
    assert AuditLogEntry.objects.filter(
        action="cooperation.member.delegates", actor=group.coordinator
    ).exists()


def test_task_needs_an_owner_from_the_group():
    group, member, _person = group_with_member()
    with pytest.raises(CooperationError) as error:
        services.task_create(
            group=group,
            title="Raport",
            owner=None,
            deadline=date(2026, 12, 1),
            actor=group.coordinator,
        )
    assert error.value.field == "owner"
    with pytest.raises(CooperationError):
        services.task_create(
            group=group,
            title="Raport",
            owner=OrganisationFactory(),
            deadline=date(2026, 12, 1),
            actor=group.coordinator,
        )
    task = services.task_create(
        group=group,
        title="Raport",
        owner=member.organisation,
        deadline=date(2026, 12, 1),
        actor=group.coordinator,
    )
    services.task_update(task=task, status=GroupTask.Status.DONE, actor=group.coordinator)
    task.refresh_from_db()
    assert task.status == "done"
    entry = AuditLogEntry.objects.get(action="cooperation.task.update")
    assert entry.changes == {"status": ["open", "done"]} and entry.actor == group.coordinator


def test_member_with_open_tasks_cannot_be_removed():
    group, member, _person = group_with_member()
    GroupTaskFactory(group=group, owner=member.organisation)
    with pytest.raises(CooperationError):
        services.member_remove(member=member, actor=group.coordinator)
    assert GroupMember.objects.filter(pk=member.pk).exists()


# --- the weekly digest ---------------------------------------------------------------------


def test_overdue_digest_goes_once_per_coordinator_and_week():
    group, member, _person = group_with_member()
    today = date(2026, 11, 23)  # a Monday
    late = GroupTaskFactory(
        group=group,
        owner=member.organisation,
        deadline=today - timedelta(days=3),
        title="Zaległe sprawozdanie",
    )
    GroupTaskFactory(
        group=group,
        owner=member.organisation,
        deadline=today - timedelta(days=3),
        status="done",
        title="Zrobione",
    )
    GroupTaskFactory(
        group=group, owner=member.organisation, deadline=today + timedelta(days=3), title="Przyszłe"
    )
    group.starts_on = date(2026, 1, 1)
    group.save()
    assert services.overdue_digest_send(today=today) == 1
    assert services.overdue_digest_send(today=today) == 0
    assert services.overdue_digest_send(today=today + timedelta(days=4)) == 0  # same ISO week
    emails = OutboundEmail.objects.filter(to=group.coordinator.email)
    assert emails.count() == 1
    body = emails.get().body_text
    assert late.title in body and "Zrobione" not in body and "Przyszłe" not in body
    assert services.overdue_digest_send(today=today + timedelta(days=7)) == 1  # next week again
    assert OutboundEmail.objects.filter(to=group.coordinator.email).count() == 2


def test_no_digest_without_overdue_tasks():
    group, member, _person = group_with_member()
    GroupTaskFactory(group=group, owner=member.organisation, deadline=date(2030, 1, 1))
    assert services.overdue_digest_send(today=date(2026, 11, 23)) == 0
    assert not OutboundEmail.objects.exists()


# --- pages and permissions -----------------------------------------------------------------


def test_members_see_minutes_tasks_and_documents(client):
    group, member, person = group_with_member()
    event = EventFactory()
    GroupMeeting.objects.create(
        group=group, event=event, minutes="Protokół: ustalono harmonogram", decisions="Decyzja 1"
    )
    GroupTaskFactory(group=group, owner=member.organisation, title="Przygotować mapę PES")
    client.force_login(person)
    page = client.get(reverse("cooperation:group_detail", args=[group.pk])).content.decode()
    assert "Protokół: ustalono harmonogram" in page and "Przygotować mapę PES" in page
    assert event.title in page
    assert 'action="/wspolpraca/grupy/' not in page  # a member is not the coordinator
    assert group.name in client.get(reverse("cooperation:group_list")).content.decode()


@pytest.mark.parametrize(
    "who", ["anonymous", "outsider", "other_org_member", "staff_without_role", "pending_member"]
)
def test_a_private_group_is_hidden_from_everyone_else(client, who):
    group, member, _person = group_with_member()
    if who == "outsider":
        client.force_login(UserFactory())
    elif who == "other_org_member":
        client.force_login(MembershipFactory().user)
    elif who == "staff_without_role":
        client.force_login(RoleUserFactory(role=None))
    elif who == "pending_member":
        client.force_login(
            MembershipFactory(organisation=member.organisation, status="pending").user
        )
    assert client.get(reverse("cooperation:group_detail", args=[group.pk])).status_code == 404
    assert group.name not in client.get(reverse("cooperation:group_list")).content.decode()


def test_a_public_group_shows_only_verified_public_members_and_no_internals(client):
    group, member, _person = group_with_member()
    group.is_public = True
    group.save()
    hidden = GroupMemberFactory(
        group=group,
        organisation=OrganisationFactory(is_verified=False, name="Nieweryfikowana Fundacja"),
    )
    GroupTaskFactory(group=group, owner=member.organisation, title="Zadanie wewnętrzne")
    page = client.get(reverse("cooperation:group_detail", args=[group.pk])).content.decode()
    assert member.organisation.name in page
    assert hidden.organisation.name not in page and "Zadanie wewnętrzne" not in page


def test_reporting_staff_see_every_group_but_cannot_manage(client):
    group, member, _person = group_with_member()
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    assert client.get(reverse("cooperation:group_detail", args=[group.pk])).status_code == 200
    response = client.post(
        reverse("cooperation:task_add", args=[group.pk]),
        {"task-title": "X", "task-owner": member.organisation.pk, "task-deadline": "2026-12-01"},
    )
    assert response.status_code == 404
    assert not GroupTask.objects.exists()


@pytest.mark.parametrize("who", ["member", "staff_without_role", "outsider"])
def test_only_the_coordinator_or_group_managers_change_anything(client, who):
    group, member, person = group_with_member()
    task = GroupTaskFactory(group=group, owner=member.organisation)
    user = {
        "member": person,
        "staff_without_role": RoleUserFactory(role=None),
        "outsider": UserFactory(),
    }[who]
    client.force_login(user)
    urls_and_data = [
        (
            reverse("cooperation:task_add", args=[group.pk]),
            {
                "task-title": "X",
                "task-owner": member.organisation.pk,
                "task-deadline": "2026-12-01",
            },
        ),
        (reverse("cooperation:task_status", args=[group.pk, task.pk]), {"status": "done"}),
        (
            reverse("cooperation:member_add", args=[group.pk]),
            {"member-organisation": OrganisationFactory(is_verified=True).pk},
        ),
        (reverse("cooperation:member_remove", args=[group.pk, member.pk]), {}),
        (
            reverse("cooperation:document_add", args=[group.pk]),
            {"doc-title": "Plik", "doc-file": pdf_upload()},
        ),
    ]
    for url, data in urls_and_data:
        assert client.post(url, data).status_code == 404, url
    task.refresh_from_db()
    assert task.status == "open" and GroupTask.objects.count() == 1 and group.members.count() == 1
    assert not group.documents.exists()


def test_coordinator_adds_a_task_and_a_missing_owner_keeps_what_was_typed(client):
    group, member, _person = group_with_member()
    client.force_login(group.coordinator)
    url = reverse("cooperation:task_add", args=[group.pk])
    response = client.post(
        url, {"task-title": "Zebrać dane o PES", "task-owner": "", "task-deadline": "2026-12-01"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Proszę wskazać organizację odpowiedzialną za zadanie." in page
    assert 'value="Zebrać dane o PES"' in page and 'value="2026-12-01"' in page
    response = client.post(
        url,
        {
            "task-title": "Zebrać dane o PES",
            "task-owner": member.organisation.pk,
            "task-deadline": "2026-12-01",
        },
    )
    assert response.status_code == 302
    task = GroupTask.objects.get()
    assert task.owner == member.organisation and task.created_by == group.coordinator


def test_manager_role_adds_a_member_and_delegates(client):
    group = WorkingGroupFactory()
    organisation = OrganisationFactory(is_verified=True)
    person = MembershipFactory(organisation=organisation).user
    client.force_login(RoleUserFactory(role=roles.REGISTRY_EDITOR))
    response = client.post(
        reverse("cooperation:member_add", args=[group.pk]), {"member-organisation": organisation.pk}
    )
    member = GroupMember.objects.get(group=group)
    assert response.status_code == 302
    response = client.post(
        reverse("cooperation:member_edit", args=[group.pk, member.pk]), {"delegates": [person.pk]}
    )
    assert response.status_code == 302
    assert list(member.delegates.all()) == [person]


def test_documents_are_checked_and_served_only_to_members(client):
    group, member, person = group_with_member()
    client.force_login(group.coordinator)
    url = reverse("cooperation:document_add", args=[group.pk])
    fake = SimpleUploadedFile(
        "protokol.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = client.post(url, {"doc-title": "Protokół", "doc-file": fake})
    assert response.status_code == 400 and "niedozwolony typ" in response.content.decode()
    assert client.post(url, {"doc-title": "Protokół", "doc-file": pdf_upload()}).status_code == 302
    document = group.documents.get()
    download = reverse("cooperation:document_download", args=[group.pk, document.pk])
    client.force_login(person)
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(MembershipFactory().user)
    assert client.get(download).status_code == 404
    group.is_public = True
    group.save()
    assert client.get(download).status_code == 404  # public page, but documents stay with members
