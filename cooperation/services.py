"""Writes of the cooperation platform; each records an audit entry with its actor."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Membership, Organisation
from portal.audit import audit_record
from portal.jobs import job_admit
from portal.models import OutboundEmail
from portal.services import email_enqueue

from .exceptions import CooperationError
from .models import (
    AnswerFile,
    GroupDocument,
    GroupMeeting,
    GroupMember,
    GroupTask,
    Question,
    Survey,
    SurveyResponse,
    SurveySection,
    WorkingGroup,
)

GROUP_FIELDS = ["kind", "name", "description", "coordinator", "starts_on", "ends_on", "is_public"]


def group_save(*, group: WorkingGroup, actor) -> WorkingGroup:
    """Create or change a working group (the admin's form fills the instance, this stores it)."""
    if group.ends_on and group.starts_on and group.ends_on < group.starts_on:
        raise CooperationError(
            _("Koniec działania nie może być wcześniejszy niż jego początek."), field="ends_on"
        )
    with transaction.atomic():
        creating = group.pk is None
        changes = {}
        if not creating:
            before = WorkingGroup.objects.select_for_update().get(pk=group.pk)
            changes = {
                name: [str(getattr(before, name)), str(getattr(group, name))]
                for name in GROUP_FIELDS
                if getattr(before, name) != getattr(group, name)
            }
        group.save()
        audit_record(
            actor=actor,
            action=f"cooperation.group.{'create' if creating else 'update'}",
            target=group,
            summary=_("Utworzono grupę roboczą") if creating else _("Zmieniono grupę roboczą"),
            changes=changes,
        )
    return group


def member_add(*, group: WorkingGroup, organisation: Organisation, actor) -> GroupMember:
    with transaction.atomic():
        WorkingGroup.objects.select_for_update().get(pk=group.pk)
        if GroupMember.objects.filter(group=group, organisation=organisation).exists():
            raise CooperationError(_("Ta organizacja już należy do grupy."), field="organisation")
        member = GroupMember.objects.create(group=group, organisation=organisation)
        audit_record(
            actor=actor, action="cooperation.member.add", target=group, summary=str(organisation)
        )
    return member


def member_remove(*, member: GroupMember, actor) -> None:
    with transaction.atomic():
        if (
            member.organisation.group_tasks.filter(group=member.group)
            .exclude(status=GroupTask.Status.DONE)
            .exists()
        ):
            raise CooperationError(
                _(
                    "Ta organizacja ma niezakończone zadania w grupie. Proszę najpierw przekazać je innej organizacji."
                )
            )
        group, organisation = member.group, member.organisation
        member.delete()
        audit_record(
            actor=actor, action="cooperation.member.remove", target=group, summary=str(organisation)
        )


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
            _(
                "Delegatem może być tylko osoba z zatwierdzonym członkostwem w organizacji: %(names)s."
            )
            % {"names": ", ".join(user.email for user in outsiders)},
            field="delegates",
        )
    with transaction.atomic():
        before = sorted(member.delegates.values_list("email", flat=True))
        member.delegates.set(users)
        after = sorted(user.email for user in users)
        audit_record(
            actor=actor,
            action="cooperation.member.delegates",
            target=member.group,
            summary=str(member.organisation),
            changes={"delegates": [before, after]},
        )
    return member


def meeting_save(*, meeting: GroupMeeting, actor) -> GroupMeeting:
    """Link an event to the group or change its minutes and decisions."""
    with transaction.atomic():
        creating = meeting.pk is None
        if (
            creating
            and GroupMeeting.objects.filter(group=meeting.group, event=meeting.event).exists()
        ):
            raise CooperationError(_("To wydarzenie jest już spotkaniem tej grupy."), field="event")
        meeting.save()
        audit_record(
            actor=actor,
            action=f"cooperation.meeting.{'create' if creating else 'update'}",
            target=meeting.group,
            summary=str(meeting.event),
        )
    return meeting


def document_add(
    *, group: WorkingGroup, title: str, upload, file_type: str, actor
) -> GroupDocument:
    """Store a document already checked by portal.uploads.validate_upload (the form does that)."""
    with transaction.atomic():
        document = GroupDocument(
            group=group,
            title=title.strip(),
            file_type=file_type,
            file_size=upload.size,
            uploaded_by=actor,
        )
        document.file.save(upload.name, upload, save=False)
        document.save()
        audit_record(
            actor=actor, action="cooperation.document.add", target=group, summary=document.title
        )
    return document


def document_delete(*, document: GroupDocument, actor) -> None:
    with transaction.atomic():
        group, title = document.group, document.title
        document.delete()
        audit_record(actor=actor, action="cooperation.document.delete", target=group, summary=title)


def _check_owner(group: WorkingGroup, owner: Organisation | None) -> None:
    if owner is None:
        raise CooperationError(
            _("Proszę wskazać organizację odpowiedzialną za zadanie."), field="owner"
        )
    if not group.members.filter(organisation=owner).exists():
        raise CooperationError(
            _("Organizacja odpowiedzialna musi należeć do grupy."), field="owner"
        )


def task_create(
    *, group: WorkingGroup, title: str, owner: Organisation | None, deadline: date, actor
) -> GroupTask:
    title = (title or "").strip()
    if not title:
        raise CooperationError(_("Proszę opisać zadanie."), field="title")
    _check_owner(group, owner)
    with transaction.atomic():
        task = GroupTask.objects.create(
            group=group, title=title, owner=owner, deadline=deadline, created_by=actor
        )
        audit_record(
            actor=actor,
            action="cooperation.task.create",
            target=task,
            summary=f"{group}: {title}",
            changes={"owner": str(owner), "deadline": str(deadline)},
        )
    return task


def task_update(
    *,
    task: GroupTask,
    actor,
    status: str | None = None,
    owner: Organisation | None = None,
    deadline: date | None = None,
) -> GroupTask:
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
            audit_record(
                actor=actor,
                action="cooperation.task.update",
                target=locked,
                summary=locked.title,
                changes=changes,
            )
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
                subject=_("Zaległe zadania grup roboczych (tydzień %(week)s/%(year)s)")
                % {"week": week, "year": year},
                template="cooperation_overdue_digest",
                context={"coordinator": coordinator, "tasks": tasks, "today": today},
                dedup_key=key,
            )
            audit_record(
                actor=None,
                action="cooperation.task.digest",
                target=coordinator,
                summary=f"{len(tasks)} zaległych zadań, tydzień {year}-W{week:02d}",
            )
        queued += 1
    return queued


def meeting_delete(*, meeting: GroupMeeting, actor) -> None:
    with transaction.atomic():
        group, event = meeting.group, meeting.event
        meeting.delete()
        audit_record(
            actor=actor, action="cooperation.meeting.delete", target=group, summary=str(event)
        )


# --- surveys ---------------------------------------------------------------------------------

REMINDER_BEFORE = timedelta(days=7)
REMINDER_LAST_CALL = timedelta(days=1)


def survey_recipients(*, kinds=(), subregion=None, group=None):
    """Verified organisations chosen by kind, subregion (served or seat) and working group."""
    organisations = Organisation.objects.filter(is_verified=True)
    if kinds:
        organisations = organisations.filter(kind__in=kinds)
    if subregion is not None:
        organisations = organisations.filter(
            Q(served_subregion=subregion) | Q(seat_gmina__parent__subregions=subregion)
        )
    if group is not None:
        organisations = organisations.filter(working_group_memberships__group=group)
    return organisations.distinct()


def _administrators(organisation) -> list:
    return list(
        Membership.objects.filter(
            organisation=organisation,
            status=Membership.Status.APPROVED,
            role=Membership.Role.ADMIN,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )


def survey_send(*, survey: Survey, deadline, actor, kinds=(), subregion=None, group=None) -> int:
    """Send the survey to the chosen organisations (again: only to new ones); return how many were added."""
    if deadline is None or deadline <= timezone.now():
        raise CooperationError(
            _("Termin odpowiedzi musi przypadać w przyszłości."), field="deadline"
        )
    if not survey.questions().exists():
        raise CooperationError(_("Ankieta nie ma jeszcze pytań. Proszę je dodać w panelu ROPS."))
    organisations = list(survey_recipients(kinds=kinds, subregion=subregion, group=group))
    if not organisations:
        raise CooperationError(
            _("Wybranym kryteriom nie odpowiada żadna zweryfikowana organizacja."), field="kinds"
        )
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        added = 0
        for organisation in organisations:
            response, created = SurveyResponse.objects.get_or_create(
                survey=survey, organisation=organisation
            )
            if not created:
                continue
            added += 1
            for membership in _administrators(organisation):
                email_enqueue(
                    to=membership.user.email,
                    subject=_("Prośba o wypełnienie ankiety: %(title)s") % {"title": survey.title},
                    template="cooperation_survey_invitation",
                    context={
                        "survey": survey,
                        "organisation": organisation,
                        "response": response,
                        "deadline": deadline,
                    },
                    dedup_key=f"cooperation:survey:{survey.pk}:invite:{organisation.pk}:{membership.user_id}",
                )
        survey.deadline = deadline
        survey.status = Survey.Status.SENT
        survey.sent_at = survey.sent_at or timezone.now()
        survey.save(update_fields=["deadline", "status", "sent_at"])
        audit_record(
            actor=actor,
            action="cooperation.survey.send",
            target=survey,
            summary=f"Wysłano do {added} organizacji",
            changes={
                "kinds": list(kinds),
                "subregion": str(subregion or ""),
                "group": str(group or ""),
                "deadline": deadline.isoformat(),
            },
        )
    return added


def survey_copy(*, survey: Survey, title: str, actor) -> Survey:
    """Copy a survey's sections and questions into a new draft (e.g. for the next year)."""
    with transaction.atomic():
        copy = Survey.objects.create(
            title=title.strip() or survey.title,
            description=survey.description,
            copied_from=survey,
            created_by=actor,
        )
        for section in survey.sections.prefetch_related("questions"):
            new_section = SurveySection.objects.create(
                survey=copy, title=section.title, position=section.position
            )
            Question.objects.bulk_create(
                [
                    Question(
                        section=new_section,
                        text=q.text,
                        kind=q.kind,
                        required=q.required,
                        help_text=q.help_text,
                        choices=q.choices,
                        position=q.position,
                    )
                    for q in section.questions.all()
                ]
            )
        audit_record(
            actor=actor,
            action="cooperation.survey.copy",
            target=copy,
            summary=f"Kopia ankiety „{survey}”",
        )
    return copy


def _store_files(response: SurveyResponse, files: dict) -> dict:
    stored = {}
    for question_id, upload in files.items():
        answer_file = AnswerFile.objects.filter(response=response, question_id=question_id).first()
        if answer_file is None:
            answer_file = AnswerFile(response=response, question_id=question_id)
        answer_file.original_name = upload.name[:255]
        answer_file.file.save(upload.name, upload, save=False)
        answer_file.save()
        stored[str(question_id)] = answer_file.original_name
    return stored


def _lock_open_response(response: SurveyResponse) -> SurveyResponse:
    locked = SurveyResponse.objects.select_for_update().select_related("survey").get(pk=response.pk)
    if locked.status == SurveyResponse.Status.SUBMITTED:
        raise CooperationError(
            _(
                "Ta ankieta została już wysłana. Poprawki są możliwe po otwarciu jej do poprawy przez ośrodek."
            )
        )
    if locked.is_past_deadline:
        raise CooperationError(
            _(
                "Termin odpowiedzi minął %(date)s. Ankiety nie można już zapisać ani wysłać; prosimy o kontakt z ośrodkiem."
            )
            % {"date": timezone.localtime(locked.deadline).strftime("%d.%m.%Y %H:%M")}
        )
    return locked


def _merge_answers(locked: SurveyResponse, answers: dict, files: dict) -> dict:
    merged = {**locked.answers, **{str(key): value for key, value in answers.items()}}
    merged.update(_store_files(locked, files))
    return merged


def response_save_draft(
    *, response: SurveyResponse, answers: dict, files: dict | None = None, actor
) -> SurveyResponse:
    """Keep what was typed so far; nothing is checked for completeness."""
    with transaction.atomic():
        locked = _lock_open_response(response)
        before = dict(locked.answers)
        locked.answers = _merge_answers(locked, answers, files or {})
        locked.status = SurveyResponse.Status.DRAFT
        locked.updated_at, locked.updated_by = timezone.now(), actor
        locked.save()
        audit_record(
            actor=actor,
            action="cooperation.response.draft",
            target=locked,
            summary=str(locked),
            changes={
                key: [before.get(key), value]
                for key, value in locked.answers.items()
                if before.get(key) != value
            },
        )
    return locked


def response_submit(
    *, response: SurveyResponse, answers: dict, files: dict | None = None, actor
) -> SurveyResponse:
    """Submit once: the row is locked, so two administrators at once give exactly one submission.

    With a required answer missing, what was typed is kept as a draft and MissingAnswers is raised.
    """
    with transaction.atomic():
        locked = _lock_open_response(response)
        before = dict(locked.answers)
        merged = _merge_answers(locked, answers, files or {})
        missing = [
            q.pk
            for q in locked.survey.questions()
            if q.required and merged.get(str(q.pk)) in (None, "", [])
        ]
        now = timezone.now()
        locked.answers = merged
        locked.updated_at, locked.updated_by = now, actor
        if missing:
            locked.status = SurveyResponse.Status.DRAFT
            summary = "Wysyłka odrzucona: brak odpowiedzi na pytania obowiązkowe; zapisano szkic"
        else:
            locked.status = SurveyResponse.Status.SUBMITTED
            locked.submitted_at, locked.submitted_by = now, actor
            summary = str(locked)
        locked.save()
        audit_record(
            actor=actor,
            action="cooperation.response.draft" if missing else "cooperation.response.submit",
            target=locked,
            summary=summary,
            changes={
                key: [before.get(key), value]
                for key, value in merged.items()
                if before.get(key) != value
            },
        )
    if missing:
        raise MissingAnswers(missing)
    return locked


class MissingAnswers(CooperationError):
    def __init__(self, question_ids: list[int]):
        super().__init__(
            _("To pytanie jest obowiązkowe. Proszę odpowiedzieć przed wysłaniem ankiety.")
        )
        self.question_ids = question_ids


CORRECTION_PERIOD = timedelta(days=7)


def response_reopen(*, response: SurveyResponse, actor, until=None) -> SurveyResponse:
    """Staff open a submitted response for correction; it goes back to a draft.

    A correction usually comes after the deadline, so the organisation gets until ``until``
    (default: 7 days from now, never earlier than the survey's deadline) and its administrators
    are told by e-mail, once per reopening.
    """
    now = timezone.now()
    until = until or now + CORRECTION_PERIOD
    if until <= now:
        raise CooperationError(
            _("Termin poprawki musi przypadać w przyszłości."), field="correction_until"
        )
    with transaction.atomic():
        locked = (
            SurveyResponse.objects.select_for_update(of=("self",))
            .select_related("survey", "organisation")
            .get(pk=response.pk)
        )
        if locked.status != SurveyResponse.Status.SUBMITTED:
            raise CooperationError(_("Ta odpowiedź nie została jeszcze wysłana."))
        locked.status = SurveyResponse.Status.DRAFT
        if locked.survey.deadline is None or until > locked.survey.deadline:
            locked.correction_until = until
        locked.save(update_fields=["status", "correction_until"])
        entry = audit_record(
            actor=actor,
            action="cooperation.response.reopen",
            target=locked,
            summary=str(locked),
            changes={"correction_until": str(locked.deadline or "")},
        )
        reopening = entry.pk if entry is not None else int(now.timestamp())
        for membership in _administrators(locked.organisation):
            email_enqueue(
                to=membership.user.email,
                subject=_("Ankieta otwarta do poprawy: %(title)s") % {"title": locked.survey.title},
                template="cooperation_survey_reopened",
                context={"survey": locked.survey, "response": locked, "deadline": locked.deadline},
                dedup_key=f"cooperation:survey:{locked.survey_id}:reopen:{locked.pk}:{reopening}:{membership.user_id}",
            )
    return locked


def survey_reminders_send(*, now=None) -> int:
    """Remind administrators of organisations that have not submitted: 7 days and 1 day before the deadline.

    Each reminder has its own dedup key, so running this again sends nothing twice.
    """
    now = now or timezone.now()
    queued = 0
    surveys = Survey.objects.filter(
        status=Survey.Status.SENT, deadline__gt=now, deadline__lte=now + REMINDER_BEFORE
    )
    for survey in surveys:
        stage = "last-call" if survey.deadline - now <= REMINDER_LAST_CALL else "before"
        waiting = survey.responses.exclude(status=SurveyResponse.Status.SUBMITTED).select_related(
            "organisation"
        )
        for response in waiting:
            for membership in _administrators(response.organisation):
                key = f"cooperation:survey:{survey.pk}:{stage}:{response.organisation_id}:{membership.user_id}"
                if OutboundEmail.objects.filter(dedup_key=key).exists():
                    continue
                with transaction.atomic():
                    email_enqueue(
                        to=membership.user.email,
                        subject=(
                            _("Ostatni dzień na odpowiedź: %(title)s")
                            if stage == "last-call"
                            else _("Przypomnienie o ankiecie: %(title)s")
                        )
                        % {"title": survey.title},
                        template="cooperation_survey_reminder",
                        context={"survey": survey, "response": response, "stage": stage},
                        dedup_key=key,
                    )
                    audit_record(
                        actor=None,
                        action="cooperation.survey.remind",
                        target=response,
                        summary=f"{stage}: {membership.user.email}",
                    )
                queued += 1
    return queued


def survey_save(*, survey: Survey, actor) -> Survey:
    """Create or change a survey's title and description (the admin's form fills the instance)."""
    with transaction.atomic():
        creating = survey.pk is None
        if creating:
            survey.created_by = actor
        survey.save()
        audit_record(
            actor=actor,
            action=f"cooperation.survey.{'create' if creating else 'update'}",
            target=survey,
            summary=survey.title,
        )
    return survey


def survey_questions_save(*, section: SurveySection, questions, deleted, actor) -> None:
    """Store the questions of one part of a survey as edited in the admin."""
    with transaction.atomic():
        for question in questions:
            if (
                question.kind in (Question.Kind.CHOICE, Question.Kind.MULTIPLE)
                and not question.choice_list()
            ):
                raise CooperationError(
                    _("Pytanie wyboru musi mieć odpowiedzi do wyboru (jedna w wierszu).")
                )
            question.section = section
            question.save()
        for question in deleted:
            question.delete()
        audit_record(
            actor=actor,
            action="cooperation.survey.questions",
            target=section.survey,
            summary=f"{section.title}: {len(questions)} zmienionych, {len(deleted)} usuniętych pytań",
        )


def plan_item_save(*, item, actor):
    """Store a plan, priority, measure or action edited in the admin, with an audit entry."""
    with transaction.atomic():
        creating = item.pk is None
        if (
            getattr(item, "ends_on", None)
            and getattr(item, "starts_on", None)
            and item.ends_on < item.starts_on
        ):
            raise CooperationError(
                _("Termin realizacji nie może być wcześniejszy niż początek."), field="ends_on"
            )
        changes = {}
        if not creating:
            before = type(item).objects.filter(pk=item.pk).first()
            changes = {
                field.name: [str(getattr(before, field.name)), str(getattr(item, field.name))]
                for field in item._meta.concrete_fields
                if before is not None
                and not field.primary_key
                and getattr(before, field.attname) != getattr(item, field.attname)
            }
        item.save()
        audit_record(
            actor=actor,
            action=f"cooperation.{item._meta.model_name}.{'create' if creating else 'update'}",
            target=item,
            summary=str(item),
            changes=changes,
        )
    return item


# --- the action plan as a PDF (prepared by a worker) ------------------------------------------


def plan_pdf_request(*, plan, actor):
    """Store the request for the plan's PDF and have a worker render it after commit.

    Asked again by the same person while it is being prepared, it is the same PDF; each account
    may ask for a limited number per window (portal.jobs.job_admit).
    """
    from portal.tasks import enqueue_on_commit

    from .models import PlanExport
    from .tasks import plan_pdf_generate

    with transaction.atomic():
        pending = job_admit(
            actor=actor,
            action="cooperation.actionplan.pdf_request",
            pending=PlanExport.objects.filter(
                plan=plan, requested_by=actor, status=PlanExport.Status.PENDING
            ).order_by("-pk"),
        )
        if pending is not None:
            return pending
        export = PlanExport.objects.create(plan=plan, requested_by=actor)
        audit_record(
            actor=actor,
            action="cooperation.actionplan.pdf_request",
            target=plan,
            summary=f"PDF nr {export.pk}",
        )
        enqueue_on_commit(plan_pdf_generate, export.pk)
    return export


def plan_pdf_render(*, export_id: int) -> bool:
    """Render a requested PDF of the plan; running it again simply renders it again."""
    import logging

    from django.core.files.base import ContentFile

    from . import documents
    from .models import PlanExport

    with transaction.atomic():
        export = (
            PlanExport.objects.select_for_update(of=("self",))
            .select_related("plan")
            .filter(pk=export_id)
            .first()
        )
        if export is None:
            return False
        try:
            content = documents.plan_pdf(export.plan)
        except Exception as error:  # noqa: BLE001 - the page shows the failure instead of waiting forever
            logging.getLogger(__name__).exception("Action plan PDF %s failed", export_id)
            export.status = PlanExport.Status.FAILED
            export.error = str(error)[:2000]
            export.save(update_fields=["status", "error"])
            return False
        export.pdf.save(
            f"plan-dzialan-{export.plan_id}-{export.pk}.pdf", ContentFile(content), save=False
        )
        export.status = PlanExport.Status.READY
        export.finished_at = timezone.now()
        export.error = ""
        export.save(update_fields=["pdf", "status", "finished_at", "error"])
        audit_record(
            actor=None,
            action="cooperation.actionplan.pdf_render",
            target=export.plan,
            summary=f"PDF nr {export.pk} gotowy",
        )
    return True


def plan_pdfs_render_stale(*, older_than_minutes: int = 5) -> int:
    """Render plan PDFs still pending after a while (their task was lost with the broker)."""
    from .models import PlanExport

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    pending = PlanExport.objects.filter(
        status=PlanExport.Status.PENDING, requested_at__lt=cutoff
    ).order_by("pk")
    return sum(plan_pdf_render(export_id=pk) for pk in pending.values_list("pk", flat=True)[:20])


def plan_item_delete(*, item, actor) -> None:
    """Delete a priority, measure or action removed in the admin, with an audit entry."""
    with transaction.atomic():
        label, model_name = str(item), item._meta.model_name
        parent = getattr(item, "plan", None) or getattr(item, "priority", None)
        parent = parent or getattr(item, "measure", None)
        item.delete()
        audit_record(
            actor=actor,
            action=f"cooperation.{model_name}.delete",
            target=parent,
            summary=label,
        )


PLAN_ACTION_LINKS = ("organisations", "events", "advisory_cases", "indicators", "surveys")


def plan_action_links_set(*, action, links: dict, actor):
    """Set an action's responsible organisations and the records documenting it; audit the change."""
    with transaction.atomic():
        changes = {}
        for name in PLAN_ACTION_LINKS:
            if name not in links:
                continue
            manager = getattr(action, name)
            before = {obj.pk: str(obj) for obj in manager.all()}
            after = {obj.pk: str(obj) for obj in links[name]}
            if set(before) != set(after):
                manager.set(list(links[name]))
                changes[name] = [sorted(before.values()), sorted(after.values())]
        if changes:
            audit_record(
                actor=actor,
                action="cooperation.planaction.links",
                target=action,
                summary=str(action),
                changes=changes,
            )
    return action


def plan_action_status_set(*, action, status: str, actor):
    """Move a plan action to another status (the admin's actions call this; the field is read-only)."""
    from .models import PlanAction

    if status not in PlanAction.Status.values:
        raise CooperationError(_("Nieznany stan zadania."), field="status")
    with transaction.atomic():
        locked = PlanAction.objects.select_for_update().get(pk=action.pk)
        if locked.status == status:
            return locked
        before = locked.get_status_display()
        locked.status = status
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="cooperation.planaction.status",
            target=locked,
            summary=str(locked),
            changes={"status": [before, locked.get_status_display()]},
        )
    return locked


def survey_sections_save(*, survey: Survey, sections, deleted, actor) -> None:
    """Store the parts of a survey as edited in the admin."""
    with transaction.atomic():
        for section in sections:
            section.survey = survey
            section.save()
        for section in deleted:
            section.delete()
        if sections or deleted:
            audit_record(
                actor=actor,
                action="cooperation.survey.sections",
                target=survey,
                summary=f"{len(sections)} zmienionych, {len(deleted)} usuniętych części",
                changes={
                    "sections": [s.title for s in sections],
                    "deleted": [str(s) for s in deleted],
                },
            )
