"""The regional action plan: progress, what is late, and an XLSX export."""

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal.audit import audit_record
from portal.exports import escape_formula
from reporting.charts import bar_chart_svg

from . import selectors
from .models import ActionPlan

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
        },
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
