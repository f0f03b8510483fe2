"""Survey pages: an organisation's administrator fills in; staff send, follow, export and copy."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import audit_record
from portal.exports import escape_formula
from portal.files import private_file_response
from reporting.charts import bar_chart_svg

from . import selectors, services
from .exceptions import CooperationError
from .forms import SurveyAnswerForm, SurveyCopyForm, SurveySendForm
from .models import AnswerFile, Survey, SurveyResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def survey_list(request):
    user = request.user
    staff = user.has_perm("cooperation.view_results") or user.has_perm("cooperation.manage_survey")
    return render(
        request,
        "cooperation/survey_list.html",
        {
            "responses": selectors.responses_for_administrator(user=user),
            "surveys": Survey.objects.all() if staff else None,
            "can_manage": user.has_perm("cooperation.manage_survey"),
        },
    )


def _answer_form(request, response, data=None, files=None):
    file_names = dict(
        AnswerFile.objects.filter(response=response).values_list("question_id", "original_name")
    )
    return SurveyAnswerForm(
        data,
        files,
        questions=list(response.survey.questions()),
        answers=response.answers,
        file_names={str(key): value for key, value in file_names.items()},
    )


def _answer_display(response) -> list[tuple]:
    """Each question with the organisation's answer as text (lists joined) and its stored file."""
    files = {f.question_id: f for f in AnswerFile.objects.filter(response=response)}
    rows = []
    for question in response.survey.questions():
        value = response.answers.get(str(question.pk), "")
        rows.append(
            (
                question,
                ", ".join(value) if isinstance(value, list) else str(value),
                files.get(question.pk),
            )
        )
    return rows


@login_required
def response_fill(request, pk: int):
    response = selectors.response_get_for_administrator(user=request.user, pk=pk)
    if request.method != "POST":
        return render(
            request,
            "cooperation/response_fill.html",
            {
                "response": response,
                "form": _answer_form(request, response),
                "submitted_answers": _answer_display(response),
                "closed": response.is_past_deadline
                and response.status != SurveyResponse.Status.SUBMITTED,
            },
        )
    form = _answer_form(request, response, request.POST, request.FILES)
    submitting = "submit" in request.POST
    if form.is_valid():
        answers, files = form.answers_and_files()
        try:
            if submitting:
                services.response_submit(
                    response=response, answers=answers, files=files, actor=request.user
                )
                messages.success(request, _("Dziękujemy. Ankieta została wysłana."))
            else:
                services.response_save_draft(
                    response=response, answers=answers, files=files, actor=request.user
                )
                messages.success(
                    request, _("Zapisano szkic odpowiedzi. Można wrócić do niego później.")
                )
            return redirect("cooperation:response_fill", pk=response.pk)
        except services.MissingAnswers as error:
            for question_id in error.question_ids:
                form.add_error(f"q_{question_id}", error.message)
            response.refresh_from_db()
            form.file_names = {}
        except CooperationError as error:
            form.add_error(None, error.message)
    response.refresh_from_db()
    return render(
        request, "cooperation/response_fill.html", {"response": response, "form": form}, status=400
    )


@login_required
def answer_file_download(request, pk: int, file_pk: int):
    """The organisation's administrators and staff who may see results."""
    if request.user.has_perm("cooperation.view_results"):
        response = get_object_or_404(SurveyResponse, pk=pk)
    else:
        response = selectors.response_get_for_administrator(user=request.user, pk=pk)
    answer_file = get_object_or_404(AnswerFile, response=response, pk=file_pk)
    audit_record(
        actor=request.user,
        action="cooperation.response.file_download",
        target=response,
        summary=answer_file.original_name,
    )
    return private_file_response(answer_file.file, download_name=answer_file.original_name)


@login_required
def survey_results(request, pk: int):
    survey = selectors.survey_get_for_staff(
        user=request.user, pk=pk, permission="cooperation.view_results"
    )
    results = selectors.survey_results(survey)
    audit_record(
        actor=request.user,
        action="cooperation.survey.results_view",
        target=survey,
        summary=survey.title,
    )
    return render(
        request,
        "cooperation/survey_results.html",
        {
            "survey": survey,
            "results": results,
            "kind_chart": bar_chart_svg(results["by_kind"]),
            "subregion_chart": bar_chart_svg(results["by_subregion"]),
            "sums_chart": bar_chart_svg(results["sums"]),
            "can_manage": request.user.has_perm("cooperation.manage_survey"),
        },
    )


@login_required
def survey_send(request, pk: int):
    survey = selectors.survey_get_for_staff(
        user=request.user, pk=pk, permission="cooperation.manage_survey"
    )
    form = SurveySendForm(
        request.POST if request.method == "POST" else None,
        initial={"deadline": survey.deadline and timezone.localtime(survey.deadline)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.survey_send(
                survey=survey,
                deadline=data["deadline"],
                kinds=data["kinds"],
                subregion=data["subregion"],
                group=data["group"],
                actor=request.user,
            )
        except CooperationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("Wysłano ankietę do %(count)s organizacji.") % {"count": added}
            )
            return redirect("cooperation:survey_results", pk=survey.pk)
    return render(
        request,
        "cooperation/survey_send.html",
        {"survey": survey, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def survey_copy(request, pk: int):
    survey = selectors.survey_get_for_staff(
        user=request.user, pk=pk, permission="cooperation.manage_survey"
    )
    form = SurveyCopyForm(
        request.POST if request.method == "POST" else None, initial={"title": survey.title}
    )
    if request.method == "POST" and form.is_valid():
        copy = services.survey_copy(
            survey=survey, title=form.cleaned_data["title"], actor=request.user
        )
        messages.success(
            request, _("Utworzono kopię ankiety. Można ją poprawić w panelu ROPS i wysłać.")
        )
        return redirect("cooperation:survey_send", pk=copy.pk)
    return render(
        request,
        "cooperation/survey_copy.html",
        {"survey": survey, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def response_reopen(request, pk: int, response_pk: int):
    survey = selectors.survey_get_for_staff(
        user=request.user, pk=pk, permission="cooperation.manage_survey"
    )
    response = get_object_or_404(SurveyResponse, survey=survey, pk=response_pk)
    try:
        services.response_reopen(response=response, actor=request.user)
    except CooperationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Odpowiedź otwarto do poprawy."))
    return redirect("cooperation:survey_results", pk=survey.pk)


def export_rows(survey) -> list[list]:
    """One row per organisation: header first; every text cell is formula-safe."""
    questions = list(survey.questions())
    header = [_("Organizacja"), _("Rodzaj"), _("Stan"), _("Wysłano")] + [q.text for q in questions]
    rows = [header]
    for response in survey.responses.select_related("organisation").order_by("organisation__name"):
        row = [
            response.organisation.name,
            response.organisation.get_kind_display(),
            response.get_status_display(),
            timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M")
            if response.submitted_at
            else "",
        ]
        for question in questions:
            value = response.answers.get(str(question.pk), "")
            row.append("; ".join(value) if isinstance(value, list) else value)
        rows.append(row)
    return [[escape_formula(str(cell)) for cell in row] for row in rows]


@login_required
def survey_export(request, pk: int, fmt: str):
    survey = selectors.survey_get_for_staff(
        user=request.user, pk=pk, permission="cooperation.view_results"
    )
    rows = export_rows(survey)
    audit_record(actor=request.user, action="cooperation.survey.export", target=survey, summary=fmt)
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Odpowiedzi"
        for row in rows:
            sheet.append(row)
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(output.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ankieta-{survey.pk}.{fmt}"'
    return response
