"""The regional action plan: progress, what is late, and its XLSX and PDF exports."""

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
from portal.jobs import JobLimitReached
from reporting.charts import bar_chart_svg

from . import selectors, services
from .models import ActionPlan, PlanExport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def plan_list(request):
    selectors.require_perm(request.user, "cooperation.view_actionplan")
    return render(request, "cooperation/plan_list.html", {"plans": ActionPlan.objects.all()})


@login_required
def plan_detail(request, pk: int):
    plan = selectors.plan_get_for_viewer(user=request.user, pk=pk)
    overview = selectors.plan_overview(plan)
    return render(
        request,
        "cooperation/plan_detail.html",
        {
            "plan": plan,
            "overview": overview,
            "status_chart": bar_chart_svg(overview["by_status"]),
            "today": timezone.localdate(),
            "exports": plan.exports.select_related("requested_by")[:5],
        },
    )


@login_required
@require_POST
def plan_pdf_request(request, pk: int):
    plan = selectors.plan_get_for_viewer(user=request.user, pk=pk)
    try:
        services.plan_pdf_request(plan=plan, actor=request.user)
    except JobLimitReached as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Plik PDF planu jest przygotowywany. Link do pobrania pojawi się w części „Plan w PDF”."
            ),
        )
    return redirect(f"{plan.get_absolute_url()}#pdf-title")


@login_required
def plan_pdf_download(request, pk: int, export_pk: int):
    plan = selectors.plan_get_for_viewer(user=request.user, pk=pk)
    export = get_object_or_404(PlanExport, plan=plan, pk=export_pk, status=PlanExport.Status.READY)
    audit_record(
        actor=request.user,
        action="cooperation.actionplan.pdf_download",
        target=plan,
        summary=f"PDF nr {export.pk}",
    )
    return private_file_response(
        export.pdf, download_name=f"plan-dzialan-{plan.pk}-{export.pk}.pdf"
    )


@login_required
def plan_export(request, pk: int):
    from openpyxl import Workbook

    plan = selectors.plan_get_for_viewer(user=request.user, pk=pk)
    overview = selectors.plan_overview(plan)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(
        [
            "Priorytet",
            "Działanie",
            "Zadanie",
            "Organizacje odpowiedzialne",
            "Początek",
            "Termin",
            "Stan",
            "Opóźnione",
            "Wydarzenia",
            "Sprawy doradcze",
            "Wskaźniki",
            "Ankiety",
        ]
    )
    for priority in overview["priorities"]:
        for measure in priority.measures.all():
            for action in measure.actions.all():
                row = [
                    priority.title,
                    measure.title,
                    action.title,
                    "; ".join(o.name for o in action.organisations.all()),
                    action.starts_on.isoformat(),
                    action.ends_on.isoformat(),
                    action.get_status_display(),
                    "tak" if action.is_late else "nie",
                    "; ".join(e.title for e in action.events.all()),
                    "; ".join(str(c) for c in action.advisory_cases.all()),
                    "; ".join(i.name for i in action.indicators.all()),
                    "; ".join(s.title for s in action.surveys.all()),
                ]
                sheet.append([escape_formula(str(cell)) for cell in row])
    output = io.BytesIO()
    workbook.save(output)
    audit_record(
        actor=request.user, action="cooperation.actionplan.export", target=plan, summary="XLSX"
    )
    response = HttpResponse(output.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="plan-dzialan-{plan.pk}.xlsx"'
    return response
