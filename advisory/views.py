from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.files import private_file_response
from portal.jobs import JobLimitReached

from . import selectors, services
from .exceptions import AdvisoryError, PermissionDenied
from .forms import ConsultationForm, MessageForm, RequestForm, TransitionForm
from .models import AdvisoryRequest, AdvisorySettings

Status = AdvisoryRequest.Status


def advisory_home(request):
    context = {
        "topics": selectors.topic_list_active(),
        "settings_row": AdvisorySettings.load(),
        "is_jst_member": request.user.is_authenticated
        and selectors.user_is_jst_member(user=request.user),
        "is_case_worker": selectors.user_is_case_worker(user=request.user),
    }
    return render(request, "advisory/advisory_home.html", context)


def _not_a_member(request):
    return render(request, "advisory/not_a_member.html", status=403)


@login_required
def request_list(request):
    if not selectors.user_is_jst_member(user=request.user):
        return _not_a_member(request)
    page = Paginator(selectors.request_list_for_requester(user=request.user), 20).get_page(
        request.GET.get("strona")
    )
    return render(request, "advisory/request_list.html", {"page_obj": page})


def _request_form_save(request, *, instance: AdvisoryRequest | None):
    organisations = selectors.jst_list_for_member(user=request.user)
    submitting = bool(request.POST.get("submit"))
    initial = {"organisation": organisations.first()}
    if instance is not None:
        initial = {
            "organisation": instance.organisation,
            "topics": list(instance.topics.all()),
            "description": instance.description,
            "documents_concerned": instance.documents_concerned,
            "preferred_form": instance.preferred_form,
            "preferred_dates": instance.preferred_dates,
            "contact_name": instance.contact_name,
            "contact_email": instance.contact_email,
            "contact_phone": instance.contact_phone,
            "rodo_consent": instance.rodo_consent_at is not None,
        }
    elif request.method == "GET":
        initial.update(
            contact_name=request.user.get_full_name(),
            contact_email=request.user.email,
            contact_phone=request.user.phone,
        )
    if request.method == "POST":
        form = RequestForm(
            request.POST, request.FILES, organisations=organisations, submitting=submitting
        )
        if form.is_valid():
            data = form.cleaned_data
            saved = None
            try:
                saved = services.request_draft_save(
                    actor=request.user,
                    request=instance,
                    expected_version=_posted_version(request) if instance else None,
                    organisation=data["organisation"],
                    topics=list(data["topics"]),
                    description=data["description"],
                    documents_concerned=data["documents_concerned"],
                    preferred_form=data["preferred_form"],
                    preferred_dates=data["preferred_dates"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    rodo_consent=data["rodo_consent"],
                    attachments=(data["attachment"],) if data.get("attachment") else (),
                )
                if submitting:
                    saved = services.request_submit(
                        request_id=saved.pk, expected_version=saved.version, actor=request.user
                    )
                    messages.success(
                        request,
                        _("Wniosek %(number)s został złożony. Potwierdzenie wysłaliśmy e-mailem.")
                        % {"number": saved.number},
                    )
                    return redirect("advisory:request_detail", pk=saved.pk)
                messages.success(
                    request, _("Szkic wniosku został zapisany. Można wrócić do niego później.")
                )
                return redirect("advisory:request_edit", pk=saved.pk)
            except AdvisoryError as error:
                messages.error(request, error.message)
                if saved is not None:  # the draft itself was stored; nothing is lost
                    return redirect("advisory:request_edit", pk=saved.pk)
            except ValidationError as error:
                form.add_error("attachment", error)
    else:
        form = RequestForm(initial=initial, organisations=organisations)
    upload = request.FILES.get("attachment") if request.method == "POST" else None
    kept_file = lost_file = None
    if upload is not None and form.errors and "attachment" not in form.errors:
        # A browser cannot fill a file field again: keep the file in the draft when the rest can
        # be saved as a draft, otherwise say plainly that it has to be chosen again.
        draft = _keep_upload_in_draft(request, instance=instance, organisations=organisations)
        if draft is not None:
            instance, kept_file = draft, upload.name
        else:
            lost_file = upload.name
    attachments = instance.attachments.filter(is_internal=False) if instance else []
    return render(
        request,
        "advisory/request_form.html",
        {
            "form": form,
            "case": instance,
            "attachments": attachments,
            "kept_file": kept_file,
            "lost_file": lost_file,
        },
    )


def _keep_upload_in_draft(
    request, *, instance: AdvisoryRequest | None, organisations
) -> AdvisoryRequest | None:
    """Save what was posted as a draft with its file, if it is valid as a draft; the draft, or None."""
    draft_form = RequestForm(
        request.POST, request.FILES, organisations=organisations, submitting=False
    )
    if not draft_form.is_valid() or not draft_form.cleaned_data.get("attachment"):
        return None
    data = draft_form.cleaned_data
    try:
        return services.request_draft_save(
            actor=request.user,
            request=instance,
            expected_version=_posted_version(request) if instance else None,
            organisation=data["organisation"],
            topics=list(data["topics"]),
            description=data["description"],
            documents_concerned=data["documents_concerned"],
            preferred_form=data["preferred_form"],
            preferred_dates=data["preferred_dates"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            rodo_consent=data["rodo_consent"],
            attachments=(data["attachment"],),
        )
    except (AdvisoryError, ValidationError):
        return None


@login_required
def request_create(request):
    if not selectors.user_is_jst_member(user=request.user):
        return _not_a_member(request)
    return _request_form_save(request, instance=None)


@login_required
def request_edit(request, pk: int):
    case = selectors.request_get_for_requester(user=request.user, pk=pk)
    if case.status != Status.DRAFT:
        messages.info(request, _("Złożonego wniosku nie można już edytować."))
        return redirect("advisory:request_detail", pk=case.pk)
    return _request_form_save(request, instance=case)


@login_required
def request_detail(request, pk: int):
    case = selectors.request_get_for_requester(user=request.user, pk=pk)
    if case.status == Status.DRAFT:
        return redirect("advisory:request_edit", pk=case.pk)
    return render(request, "advisory/request_detail.html", _requester_context(case, MessageForm()))


def _requester_context(case, form):
    return {
        "case": case,
        "timeline": selectors.timeline_for_requester(request=case),
        "consultations": case.consultations.all(),
        "can_write": case.status in services.CONVERSATION_STATUSES,
        "can_withdraw": case.status in services.TRANSITIONS["withdraw"].sources,
        "form": form,
    }


@login_required
@require_POST
def request_message(request, pk: int):
    case = selectors.request_get_for_requester(user=request.user, pk=pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = form.cleaned_data.get("attachment")
            services.case_message_post(
                request_id=case.pk,
                actor=request.user,
                body=form.cleaned_data["body"],
                attachments=(upload,) if upload else (),
            )
            messages.success(request, _("Wiadomość została dodana do sprawy."))
            return redirect("advisory:request_detail", pk=case.pk)
        except AdvisoryError as error:
            messages.error(request, error.message)
    return render(
        request, "advisory/request_detail.html", _requester_context(case, form), status=400
    )


@login_required
@require_POST
def request_withdraw(request, pk: int):
    case = selectors.request_get_for_requester(user=request.user, pk=pk)
    try:
        services.request_transition(
            request_id=case.pk,
            action="withdraw",
            expected_version=_posted_version(request),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Wniosek został wycofany."))
    except AdvisoryError as error:
        messages.error(request, error.message)
    return redirect("advisory:request_detail", pk=case.pk)


def _posted_version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    attachment = selectors.attachment_get_for_user(
        user=request.user, request_pk=pk, pk=attachment_pk
    )
    services.attachment_download_record(attachment=attachment, actor=request.user)
    return private_file_response(attachment.file, download_name=attachment.original_name)


def _case_for_card(request, pk: int) -> AdvisoryRequest:
    try:
        case = selectors.request_get_for_requester(user=request.user, pk=pk)
    except Http404:
        case = selectors.request_get_for_case_worker(user=request.user, pk=pk)
    if case.status not in (Status.COMPLETED, Status.CLOSED):
        raise Http404
    return case


@login_required
def card_download(request, pk: int):
    """Serve the advisory card; until it exists, say so (a GET never queues anything)."""
    case = _case_for_card(request, pk)
    if case.card_pdf and case.card_pdf.storage.exists(case.card_pdf.name):
        services.card_download_record(request=case, actor=request.user)
        return private_file_response(
            case.card_pdf, download_name=f"karta-doradztwa-{case.number.replace('/', '-')}.pdf"
        )
    context = {
        "case": case,
        "can_request_card": services.may_request_card(request=case, user=request.user),
    }
    return render(request, "advisory/card_pending.html", context, status=202)


@login_required
@require_POST
def card_request(request, pk: int):
    """Queue the card's rendering (the button on the pending page and on the case page)."""
    case = _case_for_card(request, pk)
    try:
        services.card_request(request_id=case.pk, actor=request.user)
    except PermissionDenied as error:
        raise Forbidden(error.message) from error
    except (AdvisoryError, JobLimitReached) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Zlecono przygotowanie karty doradztwa. Zwykle trwa to kilka sekund – prosimy sprawdzić za chwilę."
            ),
        )
    return redirect("advisory:card_download", pk=case.pk)


# --- the expert's and staff's side -----------------------------------------------------------


def _case_worker_or_404(request):
    if not selectors.user_is_case_worker(user=request.user):
        raise Http404


@login_required
def case_list(request):
    _case_worker_or_404(request)
    cases = selectors.request_list_for_case_worker(user=request.user).order_by(
        "due_on", "-submitted_at"
    )
    show = request.GET.get("pokaz", "otwarte")
    if show != "wszystkie":
        cases = cases.filter(status__in=(*AdvisoryRequest.OPEN_STATUSES, Status.COMPLETED))
    page = Paginator(cases, 25).get_page(request.GET.get("strona"))
    return render(request, "advisory/case_list.html", {"page_obj": page, "show": show})


def _case_context(request, case, **forms):
    user = request.user
    transitions = services.transitions_available(request=case, user=user)
    may_note = services.may_add_internal_note(request=case, user=user)
    may_message = services.may_message_requester(request=case, user=user)
    return {
        "case": case,
        "timeline": selectors.timeline_for_case_worker(request=case, user=user),
        "files": selectors.attachment_list_for_case_worker(request=case, user=user),
        "consultations": case.consultations.all(),
        "transitions": transitions,
        "transition_form": forms.get("transition_form")
        or TransitionForm(initial={"version": case.version}),
        "message_form": forms.get("message_form")
        or MessageForm(allow_internal=may_note, internal_only=not may_message),
        "consultation_form": forms.get("consultation_form")
        or ConsultationForm(initial={"form": case.preferred_form}),
        "can_record": case.status in services.CONSULTATION_STATUSES
        and services.may_record_consultation(request=case, user=user),
        "can_write": case.status in services.CONVERSATION_STATUSES and (may_note or may_message),
        "can_request_card": services.may_request_card(request=case, user=user),
        "can_open_admin": user.is_staff and user.has_perm("advisory.view_advisoryrequest"),
        "overdue": selectors.is_overdue(case),
    }


@login_required
def case_detail(request, pk: int):
    case = selectors.request_get_for_case_worker(user=request.user, pk=pk)
    return render(request, "advisory/case_detail.html", _case_context(request, case))


@login_required
@require_POST
def case_transition(request, pk: int):
    case = selectors.request_get_for_case_worker(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_transition(
                request_id=case.pk,
                action=data["action"],
                expected_version=data["version"],
                actor=request.user,
                reason=data["reason"],
                expert=data["expert"],
                scheduled_for=data["scheduled_for"],
            )
            messages.success(request, _("Status sprawy został zmieniony."))
        except PermissionDenied as error:
            raise Forbidden(error.message) from error
        except AdvisoryError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Formularz zawiera błędy: sprawdź termin i pozostałe pola."))
    return redirect("advisory:case_detail", pk=case.pk)


@login_required
@require_POST
def case_message(request, pk: int):
    case = selectors.request_get_for_case_worker(user=request.user, pk=pk)
    may_note = services.may_add_internal_note(request=case, user=request.user)
    may_message = services.may_message_requester(request=case, user=request.user)
    if not (may_note or may_message):
        raise Forbidden
    form = MessageForm(
        request.POST, request.FILES, allow_internal=may_note, internal_only=not may_message
    )
    if form.is_valid():
        upload = form.cleaned_data.get("attachment")
        try:
            services.case_message_post(
                request_id=case.pk,
                actor=request.user,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data.get("internal", False),
                attachments=(upload,) if upload else (),
            )
            messages.success(request, _("Wpis został dodany do sprawy."))
            return redirect("advisory:case_detail", pk=case.pk)
        except PermissionDenied as error:
            raise Forbidden(error.message) from error
        except AdvisoryError as error:
            messages.error(request, error.message)
    return render(
        request,
        "advisory/case_detail.html",
        _case_context(request, case, message_form=form),
        status=400,
    )


@login_required
@require_POST
def consultation_create(request, pk: int):
    case = selectors.request_get_for_case_worker(user=request.user, pk=pk)
    if not services.may_record_consultation(request=case, user=request.user):
        raise Forbidden
    form = ConsultationForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_record(
                request_id=case.pk, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("Konsultacja została zapisana."))
            return redirect("advisory:case_detail", pk=case.pk)
        except PermissionDenied as error:
            raise Forbidden(error.message) from error
        except AdvisoryError as error:
            messages.error(request, error.message)
    return render(
        request,
        "advisory/case_detail.html",
        _case_context(request, case, consultation_form=form),
        status=400,
    )
