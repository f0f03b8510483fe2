"""Writes of the advisory app: drafts, the guarded case workflow, timeline, consultations, digests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation
from partners.selectors import membership_is_approved
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
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("submit", gettext_lazy("Złóż wniosek"), (Status.DRAFT,), Status.SUBMITTED, frozenset({REQUESTER})),
        Transition("accept", gettext_lazy("Przyjmij wniosek"), (Status.SUBMITTED,), Status.ACCEPTED, frozenset({STAFF})),
        Transition("reject", gettext_lazy("Odrzuć wniosek"), (Status.SUBMITTED,), Status.REJECTED, frozenset({STAFF})),
        Transition(
            "assign_expert",
            gettext_lazy("Przydziel eksperta"),
            (Status.ACCEPTED, Status.EXPERT_ASSIGNED),
            Status.EXPERT_ASSIGNED,
            frozenset({STAFF}),
        ),
        Transition(
            "schedule",
            gettext_lazy("Ustal termin konsultacji"),
            (Status.EXPERT_ASSIGNED, Status.SCHEDULED),
            Status.SCHEDULED,
            frozenset({STAFF, EXPERT}),
        ),
        Transition("start", gettext_lazy("Rozpocznij realizację"), (Status.SCHEDULED,), Status.IN_PROGRESS, frozenset({STAFF, EXPERT})),
        Transition(
            "wait_for_jst",
            gettext_lazy("Poproś JST o uzupełnienie"),
            (Status.IN_PROGRESS,),
            Status.WAITING_FOR_JST,
            frozenset({STAFF, EXPERT}),
        ),
        Transition("resume", gettext_lazy("Wznów realizację"), (Status.WAITING_FOR_JST,), Status.IN_PROGRESS, frozenset({STAFF, EXPERT})),
        Transition("complete", gettext_lazy("Zakończ jako zrealizowany"), (Status.IN_PROGRESS,), Status.COMPLETED, frozenset({STAFF, EXPERT})),
        Transition("close", gettext_lazy("Zamknij sprawę"), (Status.COMPLETED,), Status.CLOSED, frozenset({STAFF})),
        Transition("withdraw", gettext_lazy("Wycofaj wniosek"), AdvisoryRequest.OPEN_STATUSES, Status.WITHDRAWN, frozenset({REQUESTER})),
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
    "rodo_consent_at": gettext_lazy("Zgoda na przetwarzanie danych osobowych jest wymagana."),
}


def actor_roles(*, request: AdvisoryRequest, user) -> set[str]:
    """Return the roles the user has in this case."""
    roles: set[str] = set()
    if not user.is_authenticated:
        return roles
    if user.is_staff:
        roles.add(STAFF)
    if request.expert_id and request.expert.user_id == user.pk and request.expert.is_active:
        roles.add(EXPERT)
    if request.organisation.kind == Organisation.Kind.JST and membership_is_approved(
        user=user, organisation=request.organisation
    ):
        roles.add(REQUESTER)
    return roles


def transitions_available(*, request: AdvisoryRequest, user) -> list[Transition]:
    """Transitions the user could perform now (for showing buttons; the service re-checks)."""
    roles = actor_roles(request=request, user=user)
    return [
        t
        for t in TRANSITIONS.values()
        if t.action != "submit" and request.status in t.sources and roles & t.roles
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
        for upload in attachments:
            _attachment_store(request=request, upload=upload, actor=actor, is_internal=False, event=None)
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
    return request_transition(request_id=request_id, action="submit", expected_version=expected_version, actor=actor)


def _next_number(today: date) -> str:
    prefix = f"DOR/{today.year}/"
    last = (
        AdvisoryRequest.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
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
        if request.version != expected_version:
            raise ConcurrentChange()
        if request.status not in transition.sources:
            raise TransitionNotAllowed(
                _("Nie można wykonać czynności „%(action)s”, gdy wniosek ma status „%(status)s”.")
                % {"action": transition.label, "status": request.get_status_display()}
            )
        roles = actor_roles(request=request, user=actor)
        if not roles & transition.roles:
            raise PermissionDenied()
        previous = request.status
        now = timezone.now()
        today = timezone.localdate()
        body = reason.strip()
        if action == "submit":
            missing = request_missing_fields(request=request)
            if missing:
                raise IncompleteRequest(
                    _("Wniosek jest niekompletny: %(fields)s") % {"fields": " ".join(missing.values())}
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
            body = body or _("Ekspert: %(expert)s") % {"expert": expert.full_name}
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
        _notify(request=request, event=event, actor=actor)
        if action == "complete":
            _enqueue_card(request.pk)
    return request


def request_assign_expert_bulk(
    *, versions: dict[int, int], expert: Expert, actor
) -> tuple[list[AdvisoryRequest], list[tuple[int, str]]]:
    """Assign one expert to many cases; each case on its own, so one refusal does not undo others."""
    done, refused = [], []
    for request_id, version in versions.items():
        try:
            done.append(
                request_transition(
                    request_id=request_id, action="assign_expert", expected_version=version, actor=actor, expert=expert
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
        roles = actor_roles(request=request, user=actor)
        if roles & {STAFF, EXPERT}:
            kind = CaseEvent.Kind.NOTE if internal else CaseEvent.Kind.MESSAGE
        elif REQUESTER in roles and not internal:
            kind = CaseEvent.Kind.REPLY
        else:
            raise PermissionDenied()
        if not body:
            kind = CaseEvent.Kind.ATTACHMENT
        event = CaseEvent.objects.create(
            request=request, kind=kind, is_internal=internal, author=actor, body=body
        )
        for upload in attachments:
            _attachment_store(request=request, upload=upload, actor=actor, is_internal=internal, event=event)
        _notify(request=request, event=event, actor=actor)
    return event


def _attachment_store(*, request, upload, actor, is_internal: bool, event: CaseEvent | None) -> CaseAttachment:
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
        if not actor_roles(request=request, user=actor) & {STAFF, EXPERT}:
            raise PermissionDenied()
        if request.status not in CONSULTATION_STATUSES:
            raise TransitionNotAllowed(
                _("Konsultację można zapisać dopiero po ustaleniu terminu i przed zakończeniem sprawy.")
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
        _notify(request=request, event=event, actor=actor)
    return consultation


# --- the advisory card ------------------------------------------------------------------------


def _enqueue_card(request_id: int) -> None:
    """Render the card in the background once the transaction commits (never failing the caller)."""
    from portal.tasks import enqueue_on_commit

    from .tasks import advisory_card_generate

    enqueue_on_commit(advisory_card_generate, request_id)


def card_generate(*, request_id: int) -> bool:
    """Render the advisory card of a completed case and overwrite the stored file."""
    from .documents import advisory_card_pdf

    request = AdvisoryRequest.objects.filter(
        pk=request_id, status__in=[Status.COMPLETED, Status.CLOSED]
    ).first()
    if request is None:
        return False
    content = advisory_card_pdf(request=request)
    old_name = request.card_pdf.name if request.card_pdf else None
    request.card_pdf.save(f"karta-doradztwa-{request.public_id}.pdf", ContentFile(content), save=False)
    request.card_generated_at = timezone.now()
    AdvisoryRequest.objects.filter(pk=request.pk).update(
        card_pdf=request.card_pdf.name, card_generated_at=request.card_generated_at
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


def card_request(*, request: AdvisoryRequest) -> None:
    """Ask for the card to be (re)rendered in the background."""
    if request.status in (Status.COMPLETED, Status.CLOSED):
        _enqueue_card(request.pk)


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
        for email in {request.requester.email.lower(), (request.contact_email or "").lower()} - {"", actor_email}:
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
        if event.kind == CaseEvent.Kind.STATUS:
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
            template="advisory_case_update",
            context={"request": request, "event": event, "path": path, "side": side},
            dedup_key=f"advisory:event:{event.pk}:{email}",
        )


def deadline_digest_send(*, today: date | None = None) -> int:
    """E-mail each ROPS staff member the open cases near or past their deadline (once a day)."""
    from portal.models import User

    today = today or timezone.localdate()
    cases = list(selectors.request_list_near_deadline(today=today))
    if not cases:
        return 0
    overdue = [case for case in cases if case.due_on < today]
    near = [case for case in cases if case.due_on >= today]
    perm = {"codename": "view_advisoryrequest", "content_type__app_label": "advisory"}
    staff = (
        User.objects.filter(is_staff=True, is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(**{f"user_permissions__{key}": value for key, value in perm.items()})
            | Q(**{f"groups__permissions__{key}": value for key, value in perm.items()})
        )
        .distinct()
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
    return sent
