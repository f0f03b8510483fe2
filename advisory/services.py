"""Writes of the advisory app: drafts, the guarded case workflow, timeline, consultations, digests."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation
from partners.selectors import membership_is_approved
from portal.audit import audit_record, field_changes
from portal.jobs import job_admit
from portal.services import email_enqueue
from portal.uploads import DOCUMENT_KINDS, validate_upload

from . import selectors
from .exceptions import (
    ConcurrentChange,
    IncompleteRequest,
    NotJstMember,
    PermissionDenied,
    TransitionNotAllowed,
)
from .models import (
    AdvisoryRequest,
    AdvisorySettings,
    AdvisoryTopic,
    CaseAttachment,
    CaseEvent,
    Consultation,
    Expert,
)
from .workdays import add_working_days

Status = AdvisoryRequest.Status

STAFF = "staff"
EXPERT = "expert"
REQUESTER = "requester"


@dataclass(frozen=True)
class Transition:
    """One step of the workflow and who may take it: staff holding `permission`, the case's
    expert (`expert`), or a member of the requesting JST (`requester`)."""

    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str | None = None
    expert: bool = False
    requester: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "submit",
            gettext_lazy("Złóż wniosek"),
            (Status.DRAFT,),
            Status.SUBMITTED,
            requester=True,
        ),
        Transition(
            "accept",
            gettext_lazy("Przyjmij wniosek"),
            (Status.SUBMITTED,),
            Status.ACCEPTED,
            permission="advisory.decide_request",
        ),
        Transition(
            "reject",
            gettext_lazy("Odrzuć wniosek"),
            (Status.SUBMITTED,),
            Status.REJECTED,
            permission="advisory.decide_request",
        ),
        Transition(
            "assign_expert",
            gettext_lazy("Przydziel eksperta"),
            (Status.ACCEPTED, Status.EXPERT_ASSIGNED),
            Status.EXPERT_ASSIGNED,
            permission="advisory.assign_expert",
        ),
        Transition(
            "schedule",
            gettext_lazy("Ustal termin konsultacji"),
            (Status.EXPERT_ASSIGNED, Status.SCHEDULED),
            Status.SCHEDULED,
            permission="advisory.handle_case",
            expert=True,
        ),
        Transition(
            "start",
            gettext_lazy("Rozpocznij realizację"),
            (Status.SCHEDULED,),
            Status.IN_PROGRESS,
            permission="advisory.handle_case",
            expert=True,
        ),
        Transition(
            "wait_for_jst",
            gettext_lazy("Poproś JST o uzupełnienie"),
            (Status.IN_PROGRESS,),
            Status.WAITING_FOR_JST,
            permission="advisory.handle_case",
            expert=True,
        ),
        Transition(
            "resume",
            gettext_lazy("Wznów realizację"),
            (Status.WAITING_FOR_JST,),
            Status.IN_PROGRESS,
            permission="advisory.handle_case",
            expert=True,
        ),
        Transition(
            "complete",
            gettext_lazy("Zakończ jako zrealizowany"),
            (Status.IN_PROGRESS,),
            Status.COMPLETED,
            permission="advisory.handle_case",
            expert=True,
        ),
        Transition(
            "close",
            gettext_lazy("Zamknij sprawę"),
            (Status.COMPLETED,),
            Status.CLOSED,
            permission="advisory.handle_case",
        ),
        Transition(
            "withdraw",
            gettext_lazy("Wycofaj wniosek"),
            AdvisoryRequest.OPEN_STATUSES,
            Status.WITHDRAWN,
            requester=True,
        ),
    ]
}

# Statuses in which the parties may still write to each other and add files.
CONVERSATION_STATUSES = (*AdvisoryRequest.OPEN_STATUSES, Status.COMPLETED)
CONSULTATION_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS, Status.WAITING_FOR_JST)

REQUIRED_FOR_SUBMISSION = {
    "topics": gettext_lazy("Wybierz co najmniej jeden temat."),
    "description": gettext_lazy("Opisz potrzebę doradczą."),
    "contact_name": gettext_lazy("Podaj osobę do kontaktu."),
    "contact_email": gettext_lazy("Podaj e-mail osoby do kontaktu."),
    "rodo_consent_at": gettext_lazy(
        "Prosimy potwierdzić zapoznanie się z informacją o przetwarzaniu danych osobowych."
    ),
}


def is_requester(*, request: AdvisoryRequest, user) -> bool:
    """An approved member of the requesting JST (every member acts for it)."""
    return (
        user.is_authenticated
        and request.organisation.kind == Organisation.Kind.JST
        and membership_is_approved(user=user, organisation=request.organisation)
    )


def may_perform(*, transition: Transition, request: AdvisoryRequest, user) -> bool:
    """Whether the user's role or relation to the case allows this transition (any status)."""
    if not user.is_authenticated:
        return False
    if transition.permission and user.has_perm(transition.permission):
        return True
    if transition.expert and selectors.is_assigned_expert(user=user, request=request):
        return True
    return transition.requester and is_requester(request=request, user=user)


def may_message_requester(*, request: AdvisoryRequest, user) -> bool:
    return user.is_authenticated and (
        user.has_perm("advisory.handle_case")
        or selectors.is_assigned_expert(user=user, request=request)
    )


def may_add_internal_note(*, request: AdvisoryRequest, user) -> bool:
    return user.is_authenticated and (
        user.has_perm("advisory.add_internal_note")
        or selectors.is_assigned_expert(user=user, request=request)
    )


def may_record_consultation(*, request: AdvisoryRequest, user) -> bool:
    return user.is_authenticated and (
        user.has_perm("advisory.record_consultation")
        or selectors.is_assigned_expert(user=user, request=request)
    )


def may_request_card(*, request: AdvisoryRequest, user) -> bool:
    """Staff with generate_card and the case's expert; the JST only while no card exists yet."""
    if not user.is_authenticated:
        return False
    if user.has_perm("advisory.generate_card") or selectors.is_assigned_expert(
        user=user, request=request
    ):
        return True
    return not request.card_pdf and is_requester(request=request, user=user)


def transitions_available(*, request: AdvisoryRequest, user) -> list[Transition]:
    """Transitions the user could perform now (for showing buttons; the service re-checks)."""
    return [
        t
        for t in TRANSITIONS.values()
        if t.action != "submit"
        and request.status in t.sources
        and may_perform(transition=t, request=request, user=user)
    ]


# --- drafts and submission ------------------------------------------------------------------


def request_draft_save(
    *,
    actor,
    organisation: Organisation,
    request: AdvisoryRequest | None = None,
    expected_version: int | None = None,
    topics: list[AdvisoryTopic],
    description: str = "",
    documents_concerned: str = "",
    preferred_form: str = AdvisoryRequest.Form.ON_SITE,
    preferred_dates: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    rodo_consent: bool = False,
    attachments: tuple[UploadedFile, ...] = (),
) -> AdvisoryRequest:
    """Create or update a draft request of a JST the actor acts for."""
    if organisation.kind != Organisation.Kind.JST or not membership_is_approved(
        user=actor, organisation=organisation
    ):
        raise NotJstMember()
    for upload in attachments:
        validate_upload(upload, kinds=DOCUMENT_KINDS)
    with transaction.atomic():
        created = request is None
        if request is None:
            request = AdvisoryRequest(organisation=organisation, requester=actor)
            request.funding_project = AdvisorySettings.load().funding_project
        else:
            request = AdvisoryRequest.objects.select_for_update().get(pk=request.pk)
            if request.status != Status.DRAFT:
                raise TransitionNotAllowed(_("Złożonego wniosku nie można już edytować."))
            if expected_version is not None and request.version != expected_version:
                raise ConcurrentChange()
            if request.organisation_id != organisation.pk:
                raise PermissionDenied()
            request.version += 1
        request.description = description
        request.documents_concerned = documents_concerned
        request.preferred_form = preferred_form
        request.preferred_dates = preferred_dates
        request.contact_name = contact_name
        request.contact_email = contact_email
        request.contact_phone = contact_phone
        if rodo_consent and request.rodo_consent_at is None:
            request.rodo_consent_at = timezone.now()
        elif not rodo_consent:
            request.rodo_consent_at = None
        request.save()
        request.topics.set(topics)
        stored = [
            _attachment_store(
                request=request, upload=upload, actor=actor, is_internal=False, event=None
            )
            for upload in attachments
        ]
        audit_record(
            actor=actor,
            action="advisory.advisoryrequest.draft_create"
            if created
            else "advisory.advisoryrequest.draft_update",
            target=request,
            summary=(
                _("Utworzono szkic wniosku o doradztwo")
                if created
                else _("Zmieniono szkic wniosku o doradztwo")
            )
            + f" ({organisation.name})",
            changes={"version": request.version, "files": [a.original_name for a in stored]},
        )
    return request


def request_classification_update(
    *, request_id: int, actor, topics: list[AdvisoryTopic], funding_project
) -> AdvisoryRequest:
    """Staff correct a case's topics and funding project (the only fields the admin edits)."""
    if not actor.has_perm("advisory.change_advisoryrequest"):
        raise PermissionDenied()
    with transaction.atomic():
        request = AdvisoryRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
        before_topics = sorted(topic.name for topic in request.topics.all())
        before_project = request.funding_project
        AdvisoryRequest.objects.filter(pk=request.pk).update(funding_project=funding_project)
        request.funding_project = funding_project
        request.topics.set(topics)
        after_topics = sorted(topic.name for topic in topics)
        changes = {}
        if before_topics != after_topics:
            changes["topics"] = [before_topics, after_topics]
        if before_project != funding_project:
            changes["funding_project"] = [before_project, funding_project]
        if changes:
            audit_record(
                actor=actor,
                action="advisory.advisoryrequest.classify",
                target=request,
                summary=_("Zmieniono tematy lub projekt finansujący sprawy"),
                changes=changes,
            )
    return request


def request_missing_fields(*, request: AdvisoryRequest) -> dict[str, str]:
    """Return {field: Polish message} for whatever still blocks submission."""
    missing = {}
    for field, message in REQUIRED_FOR_SUBMISSION.items():
        value = request.topics.exists() if field == "topics" else getattr(request, field)
        if not value or (isinstance(value, str) and not value.strip()):
            missing[field] = str(message)
    return missing


def request_submit(*, request_id: int, expected_version: int, actor) -> AdvisoryRequest:
    """Submit a complete draft: give it a number and its deadlines."""
    return request_transition(
        request_id=request_id, action="submit", expected_version=expected_version, actor=actor
    )


def _next_number(today: date) -> str:
    prefix = f"DOR/{today.year}/"
    last = (
        AdvisoryRequest.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("/", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


# --- the workflow ---------------------------------------------------------------------------


def request_transition(
    *,
    request_id: int,
    action: str,
    expected_version: int,
    actor,
    reason: str = "",
    expert: Expert | None = None,
    scheduled_for: datetime | None = None,
) -> AdvisoryRequest:
    """Move a case along one allowed transition, refusing stale forms and wrong states or roles."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(_("Nieznana czynność: %(action)s.") % {"action": action})
    with transaction.atomic():
        request = (
            AdvisoryRequest.objects.select_for_update(of=("self",))
            .select_related("organisation", "expert")
            .get(pk=request_id)
        )
        if not may_perform(transition=transition, request=request, user=actor):
            raise PermissionDenied()
        if request.version != expected_version:
            raise ConcurrentChange()
        if request.status not in transition.sources:
            raise TransitionNotAllowed(
                _("Nie można wykonać czynności „%(action)s”, gdy wniosek ma status „%(status)s”.")
                % {"action": transition.label, "status": request.get_status_display()}
            )
        before = copy(request)
        previous_expert = request.expert
        previous = request.status
        now = timezone.now()
        today = timezone.localdate()
        body = reason.strip()
        if action == "submit":
            missing = request_missing_fields(request=request)
            if missing:
                raise IncompleteRequest(
                    _("Wniosek jest niekompletny: %(fields)s")
                    % {"fields": " ".join(missing.values())}
                )
            AdvisorySettings.load()
            # The settings row doubles as the lock that serialises case numbering.
            limits = AdvisorySettings.objects.select_for_update().get(pk=1)
            request.number = _next_number(today)
            request.submitted_at = now
            request.first_response_due = add_working_days(today, limits.first_response_working_days)
            request.resolution_due = add_working_days(today, limits.resolution_working_days)
            request.due_on = request.first_response_due
        elif action == "accept":
            request.first_responded_at = now
            request.due_on = request.resolution_due
        elif action == "reject":
            if not body:
                raise TransitionNotAllowed(_("Podaj powód odrzucenia wniosku."))
            request.rejection_reason = body
            request.first_responded_at = now
            request.due_on = None
        elif action == "assign_expert":
            if expert is None or not expert.is_active:
                raise TransitionNotAllowed(_("Wybierz aktywnego eksperta."))
            if request.expert_id == expert.pk:
                raise TransitionNotAllowed(_("Ten ekspert jest już przydzielony do sprawy."))
            request.expert = expert
            body = body or _assignment_body(expert)
        elif action == "schedule":
            if scheduled_for is None:
                raise TransitionNotAllowed(_("Podaj termin konsultacji."))
            request.scheduled_for = scheduled_for
            when = timezone.localtime(scheduled_for).strftime("%d.%m.%Y %H:%M")
            body = _("Termin: %(when)s. %(note)s") % {"when": when, "note": body}
        elif action == "wait_for_jst":
            if not body:
                raise TransitionNotAllowed(_("Napisz, czego potrzebujesz od JST."))
        elif action == "complete":
            if not request.consultations.exists():
                raise TransitionNotAllowed(
                    _("Nie można zakończyć sprawy bez co najmniej jednej zapisanej konsultacji.")
                )
            request.completed_at = now
            request.due_on = None
        elif action == "close":
            request.closed_at = now
        elif action == "withdraw":
            request.due_on = None
        request.status = transition.target
        request.version += 1
        request.save()
        event = CaseEvent.objects.create(
            request=request,
            kind=CaseEvent.Kind.STATUS,
            author=actor,
            from_status=previous,
            to_status=request.status,
            body=body.strip(),
        )
        audit_record(
            actor=actor,
            action=f"advisory.advisoryrequest.{action}",
            target=request,
            summary=_("%(action)s: %(before)s → %(after)s")
            % {
                "action": transition.label,
                "before": before.get_status_display(),
                "after": request.get_status_display(),
            },
            changes=field_changes(before, request, _AUDITED_CASE_FIELDS),
        )
        _notify(request=request, event=event, actor=actor)
        if (
            action == "assign_expert"
            and previous_expert is not None
            and previous_expert != request.expert
        ):
            _notify_expert_unassigned(request=request, expert=previous_expert, event=event)
        if action == "complete":
            _card_enqueue_after_commit(request=request)
    return request


_AUDITED_CASE_FIELDS = [
    "status",
    "number",
    "expert",
    "scheduled_for",
    "rejection_reason",
    "due_on",
    "submitted_at",
    "first_responded_at",
    "completed_at",
    "closed_at",
]


def _assignment_body(expert: Expert | None) -> str:
    return _("Ekspert: %(expert)s") % {"expert": expert.full_name} if expert else ""


def request_assign_expert_bulk(
    *, versions: dict[int, int], expert: Expert, actor
) -> tuple[list[AdvisoryRequest], list[tuple[int, str]]]:
    """Assign one expert to many cases; each case on its own, so one refusal does not undo others."""
    done, refused = [], []
    for request_id, version in versions.items():
        try:
            done.append(
                request_transition(
                    request_id=request_id,
                    action="assign_expert",
                    expected_version=version,
                    actor=actor,
                    expert=expert,
                )
            )
        except (TransitionNotAllowed, ConcurrentChange, PermissionDenied) as error:
            refused.append((request_id, error.message))
    return done, refused


# --- timeline ---------------------------------------------------------------------------------


def _lock_for_conversation(*, request_id: int) -> AdvisoryRequest:
    request = (
        AdvisoryRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "expert")
        .get(pk=request_id)
    )
    if request.status not in CONVERSATION_STATUSES:
        raise TransitionNotAllowed(
            _("W sprawie o statusie „%(status)s” nie można już dodawać wpisów.")
            % {"status": request.get_status_display()}
        )
    return request


def case_message_post(
    *,
    request_id: int,
    actor,
    body: str,
    internal: bool = False,
    attachments: tuple[UploadedFile, ...] = (),
) -> CaseEvent:
    """Add a message (requester reply, message to the requester, or internal note) to the timeline."""
    body = body.strip()
    if not body and not attachments:
        raise TransitionNotAllowed(_("Wpisz treść wiadomości albo dodaj plik."))
    for upload in attachments:
        validate_upload(upload, kinds=DOCUMENT_KINDS)
    with transaction.atomic():
        request = _lock_for_conversation(request_id=request_id)
        if internal:
            if not may_add_internal_note(request=request, user=actor):
                raise PermissionDenied()
            kind = CaseEvent.Kind.NOTE
        elif may_message_requester(request=request, user=actor):
            kind = CaseEvent.Kind.MESSAGE
        elif is_requester(request=request, user=actor):
            kind = CaseEvent.Kind.REPLY
        else:
            raise PermissionDenied()
        if not body:
            kind = CaseEvent.Kind.ATTACHMENT
        event = CaseEvent.objects.create(
            request=request, kind=kind, is_internal=internal, author=actor, body=body
        )
        stored = [
            _attachment_store(
                request=request, upload=upload, actor=actor, is_internal=internal, event=event
            )
            for upload in attachments
        ]
        audit_record(
            actor=actor,
            action=f"advisory.caseevent.{event.kind}",
            target=request,
            summary=_("%(kind)s w sprawie %(number)s")
            % {"kind": event.get_kind_display(), "number": request.number},
            changes={
                "event": event.pk,
                "internal": internal,
                "files": [a.original_name for a in stored],
            },
        )
        _notify(request=request, event=event, actor=actor)
    return event


def _attachment_store(
    *, request, upload, actor, is_internal: bool, event: CaseEvent | None
) -> CaseAttachment:
    if event is None:
        event = CaseEvent.objects.create(
            request=request, kind=CaseEvent.Kind.ATTACHMENT, is_internal=is_internal, author=actor
        )
    upload.seek(0)
    attachment = CaseAttachment(
        request=request,
        event=event,
        original_name=upload.name[:255],
        size=upload.size,
        is_internal=is_internal,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def consultation_record(
    *,
    request_id: int,
    actor,
    held_on: date,
    form: str,
    duration_minutes: int,
    notes: str = "",
    recommendations: str = "",
) -> Consultation:
    """Record a consultation held by the assigned expert (or by staff on the expert's behalf)."""
    if duration_minutes <= 0 or duration_minutes > 24 * 60:
        raise ValidationError(_("Czas trwania musi mieścić się między 1 minutą a 24 godzinami."))
    if held_on > timezone.localdate():
        raise TransitionNotAllowed(_("Nie można zapisać konsultacji z datą w przyszłości."))
    with transaction.atomic():
        request = (
            AdvisoryRequest.objects.select_for_update(of=("self",))
            .select_related("organisation", "expert")
            .get(pk=request_id)
        )
        if not may_record_consultation(request=request, user=actor):
            raise PermissionDenied()
        if request.status not in CONSULTATION_STATUSES:
            raise TransitionNotAllowed(
                _(
                    "Konsultację można zapisać dopiero po ustaleniu terminu i przed zakończeniem sprawy."
                )
            )
        consultation = Consultation.objects.create(
            request=request,
            expert=request.expert,
            held_on=held_on,
            form=form,
            duration_minutes=duration_minutes,
            notes=notes.strip(),
            recommendations=recommendations.strip(),
            recorded_by=actor,
        )
        hours, minutes = divmod(duration_minutes, 60)
        event = CaseEvent.objects.create(
            request=request,
            kind=CaseEvent.Kind.CONSULTATION,
            author=actor,
            body=_("Konsultacja %(date)s (%(form)s), czas: %(hours)d h %(minutes)02d min.")
            % {
                "date": held_on.strftime("%d.%m.%Y"),
                "form": consultation.get_form_display(),
                "hours": hours,
                "minutes": minutes,
            },
        )
        audit_record(
            actor=actor,
            action="advisory.consultation.record",
            target=request,
            summary=event.body,
            changes={
                "consultation": consultation.pk,
                "held_on": held_on,
                "form": form,
                "duration_minutes": duration_minutes,
            },
        )
        _notify(request=request, event=event, actor=actor)
    return consultation


# --- the advisory card ------------------------------------------------------------------------


def _enqueue_card(request_id: int) -> None:
    """Render the card in the background once the transaction commits (never failing the caller)."""
    from portal.tasks import enqueue_on_commit

    from .tasks import advisory_card_generate

    enqueue_on_commit(advisory_card_generate, request_id)


def _card_enqueue_after_commit(*, request: AdvisoryRequest) -> None:
    """Mark the card as requested now and queue its rendering once the transaction commits."""
    request.card_requested_at = timezone.now()
    AdvisoryRequest.objects.filter(pk=request.pk).update(
        card_requested_at=request.card_requested_at
    )
    _enqueue_card(request.pk)


def card_generate(*, request_id: int) -> bool:
    """Render the advisory card of a completed case and overwrite the stored file (a system task)."""
    from .documents import advisory_card_pdf

    request = AdvisoryRequest.objects.filter(
        pk=request_id, status__in=[Status.COMPLETED, Status.CLOSED]
    ).first()
    if request is None:
        return False
    content = advisory_card_pdf(request=request)
    old_name = request.card_pdf.name if request.card_pdf else None
    with transaction.atomic():
        request.card_pdf.save(
            f"karta-doradztwa-{request.public_id}.pdf", ContentFile(content), save=False
        )
        request.card_generated_at = timezone.now()
        AdvisoryRequest.objects.filter(pk=request.pk).update(
            card_pdf=request.card_pdf.name, card_generated_at=request.card_generated_at
        )
        audit_record(
            actor=None,
            action="advisory.advisoryrequest.card_generate",
            target=request,
            summary=_("Przygotowano kartę doradztwa"),
            changes={"file": request.card_pdf.name},
        )
    if old_name and old_name != request.card_pdf.name:
        request.card_pdf.storage.delete(old_name)
    return True


def cards_generate_missing(*, limit: int = 20) -> int:
    """Render the cards of completed cases that have none yet (a lost task, a broker outage)."""
    missing = (
        AdvisoryRequest.objects.filter(status__in=[Status.COMPLETED, Status.CLOSED], card_pdf="")
        .order_by("completed_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(card_generate(request_id=request_id) for request_id in list(missing))


# How long an ordered card counts as on its way: later a new order queues it again (its task
# may have been lost with the broker).
CARD_PENDING_FOR = timedelta(minutes=10)


def card_request(*, request_id: int, actor) -> AdvisoryRequest:
    """Ask for the card of a completed case to be (re)rendered in the background (a POST, never a GET)."""
    with transaction.atomic():
        request = (
            AdvisoryRequest.objects.select_for_update(of=("self",))
            .select_related("organisation", "expert")
            .get(pk=request_id)
        )
        if not may_request_card(request=request, user=actor):
            raise PermissionDenied()
        if request.status not in (Status.COMPLETED, Status.CLOSED):
            raise TransitionNotAllowed(
                _("Kartę doradztwa można przygotować dopiero po zakończeniu sprawy.")
            )
        # A card ordered a moment ago and not rendered yet is the one this request would get.
        pending = job_admit(
            actor=actor,
            action="advisory.advisoryrequest.card_request",
            pending=AdvisoryRequest.objects.filter(
                pk=request.pk,
                card_requested_at__gte=timezone.now() - CARD_PENDING_FOR,
            ).filter(
                Q(card_generated_at__isnull=True) | Q(card_generated_at__lt=F("card_requested_at"))
            ),
        )
        if pending is not None:
            return request
        _card_enqueue_after_commit(request=request)
        audit_record(
            actor=actor,
            action="advisory.advisoryrequest.card_request",
            target=request,
            summary=_("Zlecono przygotowanie karty doradztwa"),
        )
    return request


def card_download_record(*, request: AdvisoryRequest, actor) -> None:
    """Record that someone outside the requesting JST (staff, the expert) downloaded the card."""
    if is_requester(request=request, user=actor):
        return
    audit_record(
        actor=actor,
        action="advisory.advisoryrequest.card_download",
        target=request,
        summary=_("Pobrano kartę doradztwa sprawy %(number)s") % {"number": request.number},
    )


def attachment_download_record(*, attachment: CaseAttachment, actor) -> None:
    """Record that someone outside the requesting JST downloaded a file of the case."""
    request = attachment.request
    if is_requester(request=request, user=actor):
        return
    audit_record(
        actor=actor,
        action="advisory.caseattachment.download",
        target=attachment,
        summary=_("Pobrano plik „%(name)s” ze sprawy %(number)s%(internal)s")
        % {
            "name": attachment.original_name,
            "number": request.number or _("(szkic)"),
            "internal": _(" (plik wewnętrzny)") if attachment.is_internal else "",
        },
        changes={"request": request.pk, "internal": attachment.is_internal},
    )


# --- the catalogue and settings edited in the admin --------------------------------------------


def catalogue_object_save(
    *, obj, actor, created: bool, changed_fields: list[str] | None = None
) -> None:
    """Save a topic, an expert or the settings edited in the admin, with its author in the trail."""
    with transaction.atomic():
        obj.save()
        audit_record(
            actor=actor,
            action=f"advisory.{obj._meta.model_name}.{'create' if created else 'update'}",
            target=obj,
            summary=(_("Dodano: %(object)s") if created else _("Zmieniono: %(object)s"))
            % {"object": obj},
            changes={"fields": list(changed_fields or [])},
        )


def catalogue_object_delete(*, obj, actor) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"advisory.{obj._meta.model_name}.delete",
            target=obj,
            summary=_("Usunięto: %(object)s") % {"object": obj},
        )
        obj.delete()


def request_export_record(*, requests, actor, file_format: str) -> None:
    """Record a staff export of cases (names of JSTs, contact people and experts leave the portal)."""
    if not actor.has_perm("advisory.export_advisoryrequest"):
        raise PermissionDenied()
    with transaction.atomic():
        job_admit(actor=actor, action="advisory.advisoryrequest.export")
        audit_record(
            actor=actor,
            action="advisory.advisoryrequest.export",
            summary=_("Eksport spraw doradczych (%(format)s)") % {"format": file_format},
            changes={"cases": [case.number for case in requests]},
        )


# --- e-mail -----------------------------------------------------------------------------------


def _recipients(*, request: AdvisoryRequest, event: CaseEvent, actor) -> list[tuple[str, str]]:
    """Return (e-mail, side) pairs; the actor is never told about their own action."""
    recipients: list[tuple[str, str]] = []
    actor_email = (getattr(actor, "email", "") or "").lower()
    if event.kind == CaseEvent.Kind.STATUS and event.to_status == Status.SUBMITTED:
        # A submission is confirmed to the requester and announced to the ROPS contact point.
        actor_email = ""
        contact_point = AdvisorySettings.load().contact_email
        if contact_point:
            recipients.append((contact_point.lower(), STAFF))
    if not event.is_internal:
        for email in {request.requester.email.lower(), (request.contact_email or "").lower()} - {
            "",
            actor_email,
        }:
            if event.kind != CaseEvent.Kind.REPLY:
                recipients.append((email, REQUESTER))
    expert = request.expert
    if expert and expert.email and expert.email.lower() != actor_email:
        if expert.user_id is None or expert.user_id != getattr(actor, "pk", None):
            recipients.append((expert.email.lower(), EXPERT))
    return sorted(set(recipients))


def _notify(*, request: AdvisoryRequest, event: CaseEvent, actor) -> None:
    for email, side in _recipients(request=request, event=event, actor=actor):
        if side == REQUESTER:
            path = reverse("advisory:request_detail", args=[request.pk])
        elif side == STAFF:
            path = reverse("admin:advisory_advisoryrequest_change", args=[request.pk])
        else:
            path = reverse("advisory:case_detail", args=[request.pk])
        template = "advisory_case_update"
        if (
            side == EXPERT
            and event.kind == CaseEvent.Kind.STATUS
            and event.to_status == Status.EXPERT_ASSIGNED
        ):
            # The expert's own message: what the assignment means and what to do next.
            template = "advisory_expert_assigned"
            subject = _("Nowa sprawa doradcza do poprowadzenia: %(number)s") % {
                "number": request.number
            }
        elif event.kind == CaseEvent.Kind.STATUS:
            subject = _("Wniosek %(number)s: %(status)s") % {
                "number": request.number,
                "status": event.get_to_status_display(),
            }
        else:
            subject = _("Wniosek %(number)s: %(kind)s") % {
                "number": request.number,
                "kind": event.get_kind_display(),
            }
        email_enqueue(
            to=email,
            subject=subject,
            template=template,
            context={
                "request": request,
                "event": event,
                "path": path,
                "side": side,
                "topics": list(request.topics.all()),
                "settings_row": AdvisorySettings.load(),
                # The assignment's automatic entry is not a comment from ROPS.
                "staff_comment": ""
                if event.body == _assignment_body(request.expert)
                else event.body,
            },
            dedup_key=f"advisory:event:{event.pk}:{email}",
        )


def _notify_expert_unassigned(
    *, request: AdvisoryRequest, expert: Expert, event: CaseEvent
) -> None:
    """Tell the previous expert that the case went to someone else, so they stop working on it."""
    if not expert.email:
        return
    email_enqueue(
        to=expert.email,
        subject=_("Sprawa %(number)s została przekazana innemu ekspertowi")
        % {"number": request.number},
        template="advisory_expert_unassigned",
        context={"request": request, "settings_row": AdvisorySettings.load()},
        dedup_key=f"advisory:event:{event.pk}:unassigned:{expert.email.lower()}",
    )


def deadline_digest_send(*, today: date | None = None) -> int:
    """E-mail everyone who runs cases (advisory.handle_case) the open cases near or past their deadline."""
    from django.contrib.auth.backends import ModelBackend

    today = today or timezone.localdate()
    cases = list(selectors.request_list_near_deadline(today=today))
    if not cases:
        return 0
    overdue = [case for case in cases if case.due_on < today]
    near = [case for case in cases if case.due_on >= today]
    staff = (
        ModelBackend()
        .with_perm("advisory.handle_case", is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    sent = 0
    for member in staff:
        email_enqueue(
            to=member.email,
            subject=_("Doradztwo: sprawy z terminem do pilnowania (%(date)s)")
            % {"date": today.strftime("%d.%m.%Y")},
            template="advisory_digest",
            context={"overdue": overdue, "near": near, "today": today},
            dedup_key=f"advisory:digest:{member.pk}:{today.isoformat()}",
        )
        sent += 1
    audit_record(
        actor=None,
        action="advisory.advisoryrequest.digest_send",
        summary=_("Wysłano dzienne zestawienie terminów: %(people)d odbiorców, %(cases)d spraw")
        % {"people": sent, "cases": len(cases)},
        changes={
            "recipients": [member.email for member in staff],
            "cases": [case.number for case in cases],
        },
    )
    return sent
