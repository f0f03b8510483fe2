"""Pages of the working groups: what members see and what the coordinator manages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.files import private_file_response

from . import selectors, services
from .exceptions import CooperationError
from .forms import DelegatesForm, DocumentForm, MemberAddForm, TaskForm, TaskStatusForm
from .models import GroupTask


def _to_form(form, error: CooperationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def group_list(request):
    groups = selectors.group_list_for_user(user=request.user)
    return render(request, "cooperation/group_list.html", {"groups": groups})


def _detail(request, group, *, status=200, **forms):
    user = request.user
    internals = selectors.can_see_internals(user=user, group=group)
    manager = selectors.can_manage_group(user=user, group=group)
    tasks = group.tasks.select_related("owner") if internals else GroupTask.objects.none()
    context = {
        "group": group,
        "internals": internals,
        "manager": manager,
        "members": selectors.group_members_for_viewer(user=user, group=group),
        "meetings": selectors.group_meetings(user=user, group=group),
        "documents": group.documents.all() if internals else [],
        "open_tasks": [task for task in tasks if task.status != GroupTask.Status.DONE],
        "done_tasks": [task for task in tasks if task.status == GroupTask.Status.DONE],
        "today": timezone.localdate(),
        "status_choices": GroupTask.Status.choices,
    }
    if manager:
        context["task_form"] = forms.get("task_form") or TaskForm(group=group, prefix="task")
        context["member_form"] = forms.get("member_form") or MemberAddForm(prefix="member")
        context["document_form"] = forms.get("document_form") or DocumentForm(prefix="doc")
    return render(request, "cooperation/group_detail.html", context, status=status)


def group_detail(request, pk: int):
    group = selectors.group_get_for_viewer(user=request.user, pk=pk)
    return _detail(request, group)


@login_required
@require_POST
def task_add(request, pk: int):
    group = selectors.group_get_for_manager(user=request.user, pk=pk)
    form = TaskForm(request.POST, group=group, prefix="task")
    if form.is_valid():
        try:
            services.task_create(group=group, actor=request.user, **form.cleaned_data)
        except CooperationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("Dodano zadanie."))
            return redirect(group.get_absolute_url() + "#zadania")
    return _detail(request, group, status=400, task_form=form)


@login_required
@require_POST
def task_status(request, pk: int, task_pk: int):
    task = selectors.task_get_for_manager(user=request.user, group_pk=pk, pk=task_pk)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        services.task_update(task=task, status=form.cleaned_data["status"], actor=request.user)
        messages.success(request, _("Zmieniono stan zadania."))
    else:
        messages.error(request, _("Proszę wybrać stan zadania z listy."))
    return redirect(task.group.get_absolute_url() + "#zadania")


@login_required
@require_POST
def member_add(request, pk: int):
    group = selectors.group_get_for_manager(user=request.user, pk=pk)
    form = MemberAddForm(request.POST, prefix="member")
    if form.is_valid():
        try:
            member = services.member_add(
                group=group, organisation=form.cleaned_data["organisation"], actor=request.user
            )
        except CooperationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("Dodano organizację. Proszę wskazać jej delegatów."))
            return redirect("cooperation:member_edit", pk=group.pk, member_pk=member.pk)
    return _detail(request, group, status=400, member_form=form)


@login_required
def member_edit(request, pk: int, member_pk: int):
    member = selectors.member_get_for_manager(user=request.user, group_pk=pk, pk=member_pk)
    candidates = selectors.delegate_candidates(member=member)
    form = DelegatesForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"delegates": list(member.delegates.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.delegates_set(
                member=member, users=form.cleaned_data["delegates"], actor=request.user
            )
        except CooperationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("Zapisano delegatów."))
            return redirect(member.group.get_absolute_url() + "#czlonkowie")
    return render(
        request,
        "cooperation/member_edit.html",
        {"member": member, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def member_remove(request, pk: int, member_pk: int):
    member = selectors.member_get_for_manager(user=request.user, group_pk=pk, pk=member_pk)
    group = member.group
    try:
        services.member_remove(member=member, actor=request.user)
    except CooperationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Organizacja nie należy już do grupy."))
    return redirect(group.get_absolute_url() + "#czlonkowie")


@login_required
@require_POST
def document_add(request, pk: int):
    group = selectors.group_get_for_manager(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES, prefix="doc")
    if form.is_valid():
        services.document_add(
            group=group,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            file_type=form.file_kind.label,
            actor=request.user,
        )
        messages.success(request, _("Dodano dokument."))
        return redirect(group.get_absolute_url() + "#dokumenty")
    return _detail(request, group, status=400, document_form=form)


@login_required
def document_download(request, pk: int, doc_pk: int):
    document = selectors.document_get_for_viewer(user=request.user, group_pk=pk, pk=doc_pk)
    return private_file_response(document.file)
