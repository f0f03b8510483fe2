"""Writes of the cooperation platform; each records an audit entry with its actor."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Membership, Organisation
from portal.audit import audit_record
from portal.models import OutboundEmail
from portal.services import email_enqueue

from .exceptions import CooperationError
from .models import GroupDocument, GroupMeeting, GroupMember, GroupTask, WorkingGroup

GROUP_FIELDS = ["kind", "name", "description", "coordinator", "starts_on", "ends_on", "is_public"]


def group_save(*, group: WorkingGroup, actor) -> WorkingGroup:
    """Create or change a working group (the admin's form fills the instance, this stores it)."""
    if group.ends_on and group.starts_on and group.ends_on < group.starts_on:
        raise CooperationError(_("Koniec działania nie może być wcześniejszy niż jego początek."), field="ends_on")
    with transaction.atomic():
        creating = group.pk is None
        changes = {}
        if not creating:
            before = WorkingGroup.objects.select_for_update().get(pk=group.pk)
            changes = {
                name: [str(getattr(before, name)), str(getattr(group, name))]
                for name in GROUP_FIELDS if getattr(before, name) != getattr(group, name)
            }
        group.save()
        audit_record(
            actor=actor, action=f"cooperation.group.{'create' if creating else 'update'}", target=group,
            summary=_("Utworzono grupę roboczą") if creating else _("Zmieniono grupę roboczą"), changes=changes,
        )
    return group


def member_add(*, group: WorkingGroup, organisation: Organisation, actor) -> GroupMember:
    with transaction.atomic():
        WorkingGroup.objects.select_for_update().get(pk=group.pk)
        if GroupMember.objects.filter(group=group, organisation=organisation).exists():
            raise CooperationError(_("Ta organizacja już należy do grupy."), field="organisation")
        member = GroupMember.objects.create(group=group, organisation=organisation)
        audit_record(actor=actor, action="cooperation.member.add", target=group, summary=str(organisation))
    return member


def member_remove(*, member: GroupMember, actor) -> None:
    with transaction.atomic():
        if member.organisation.group_tasks.filter(group=member.group).exclude(status=GroupTask.Status.DONE).exists():
            raise CooperationError(
                _("Ta organizacja ma niezakończone zadania w grupie. Proszę najpierw przekazać je innej organizacji.")
            )
        group, organisation = member.group, member.organisation
        member.delete()
        audit_record(actor=actor, action="cooperation.member.remove", target=group, summary=str(organisation))


def delegates_set(*, member: GroupMember, users, actor) -> GroupMember:
    """Replace the delegates of a member organisation; each must belong to it (approved membership)."""
    users = list(users)
    approved = set(
        Membership.objects.filter(
            organisation=member.organisation, status=Membership.Status.APPROVED, user__in=users
        ).values_list("user_id", flat=True)
    )
    outsiders = [user for user in users if user.pk not in approved]
    if outsiders:
        raise CooperationError(
            _("Delegatem może być tylko osoba z zatwierdzonym członkostwem w organizacji: %(names)s.")
            % {"names": ", ".join(user.email for user in outsiders)},
            field="delegates",
        )
    with transaction.atomic():
        before = sorted(member.delegates.values_list("email", flat=True))
        member.delegates.set(users)
        after = sorted(user.email for user in users)
        audit_record(
            actor=actor, action="cooperation.member.delegates", target=member.group,
            summary=str(member.organisation), changes={"delegates": [before, after]},
        )
    return member


def meeting_save(*, meeting: GroupMeeting, actor) -> GroupMeeting:
    """Link an event to the group or change its minutes and decisions."""
    with transaction.atomic():
        creating = meeting.pk is None
        if creating and GroupMeeting.objects.filter(group=meeting.group, event=meeting.event).exists():
            raise CooperationError(_("To wydarzenie jest już spotkaniem tej grupy."), field="event")
        meeting.save()
        audit_record(
            actor=actor, action=f"cooperation.meeting.{'create' if creating else 'update'}", target=meeting.group,
            summary=str(meeting.event),
        )
    return meeting


def document_add(*, group: WorkingGroup, title: str, upload, file_type: str, actor) -> GroupDocument:
    """Store a document already checked by portal.uploads.validate_upload (the form does that)."""
    with transaction.atomic():
        document = GroupDocument(
            group=group, title=title.strip(), file_type=file_type, file_size=upload.size, uploaded_by=actor
        )
        document.file.save(upload.name, upload, save=False)
        document.save()
        audit_record(actor=actor, action="cooperation.document.add", target=group, summary=document.title)
    return document


def document_delete(*, document: GroupDocument, actor) -> None:
    with transaction.atomic():
        group, title = document.group, document.title
        document.delete()
        audit_record(actor=actor, action="cooperation.document.delete", target=group, summary=title)


def _check_owner(group: WorkingGroup, owner: Organisation | None) -> None:
    if owner is None:
        raise CooperationError(_("Proszę wskazać organizację odpowiedzialną za zadanie."), field="owner")
    if not group.members.filter(organisation=owner).exists():
        raise CooperationError(_("Organizacja odpowiedzialna musi należeć do grupy."), field="owner")


def task_create(*, group: WorkingGroup, title: str, owner: Organisation | None, deadline: date, actor) -> GroupTask:
    title = (title or "").strip()
    if not title:
        raise CooperationError(_("Proszę opisać zadanie."), field="title")
    _check_owner(group, owner)
    with transaction.atomic():
        task = GroupTask.objects.create(group=group, title=title, owner=owner, deadline=deadline, created_by=actor)
        audit_record(
            actor=actor, action="cooperation.task.create", target=task,
            summary=f"{group}: {title}", changes={"owner": str(owner), "deadline": str(deadline)},
        )
    return task


def task_update(*, task: GroupTask, actor, status: str | None = None, owner: Organisation | None = None,
                deadline: date | None = None) -> GroupTask:
    if status is not None and status not in GroupTask.Status.values:
        raise CooperationError(_("Nieznany stan zadania."), field="status")
    if owner is not None:
        _check_owner(task.group, owner)
    with transaction.atomic():
        locked = GroupTask.objects.select_for_update().get(pk=task.pk)
        changes = {}
        for name, value in (("status", status), ("owner", owner), ("deadline", deadline)):
            if value is not None and getattr(locked, name) != value:
                changes[name] = [str(getattr(locked, name)), str(value)]
                setattr(locked, name, value)
        if changes:
            locked.save()
            audit_record(actor=actor, action="cooperation.task.update", target=locked, summary=locked.title, changes=changes)
    return locked


def overdue_digest_send(*, today: date | None = None) -> int:
    """E-mail every coordinator the overdue tasks of their groups, at most once per ISO week.

    The outbox's dedup key (coordinator + ISO week) makes a second run in the same week send nothing.
    """
    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    overdue = (
        GroupTask.objects.filter(deadline__lt=today)
        .exclude(status=GroupTask.Status.DONE)
        .filter(group__starts_on__lte=today)
        .exclude(group__ends_on__lt=today)
        .select_related("group__coordinator", "owner")
        .order_by("group__coordinator_id", "group__name", "deadline")
    )
    by_coordinator: dict = {}
    for task in overdue:
        by_coordinator.setdefault(task.group.coordinator, []).append(task)
    queued = 0
    for coordinator, tasks in by_coordinator.items():
        key = f"cooperation:overdue-digest:{coordinator.pk}:{year}-W{week:02d}"
        if not coordinator.is_active or OutboundEmail.objects.filter(dedup_key=key).exists():
            continue
        with transaction.atomic():
            email_enqueue(
                to=coordinator.email,
                subject=_("Zaległe zadania grup roboczych (tydzień %(week)s/%(year)s)") % {"week": week, "year": year},
                template="cooperation_overdue_digest",
                context={"coordinator": coordinator, "tasks": tasks, "today": today},
                dedup_key=key,
            )
            audit_record(
                actor=None, action="cooperation.task.digest", target=coordinator,
                summary=f"{len(tasks)} zaległych zadań, tydzień {year}-W{week:02d}",
            )
        queued += 1
    return queued


def meeting_delete(*, meeting: GroupMeeting, actor) -> None:
    with transaction.atomic():
        group, event = meeting.group, meeting.event
        meeting.delete()
        audit_record(actor=actor, action="cooperation.meeting.delete", target=group, summary=str(event))
