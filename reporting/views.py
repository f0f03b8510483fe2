"""Staff pages of the reporting app: dashboard, indicators, coverage and reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import audit_record
from portal.files import private_file_response
from portal.jobs import JobLimitReached

from . import boundaries, charts, documents, metrics, selectors, services
from . import monitoring as monitoring_details
from .forms import MonitoringExportForm, ReportRequestForm, ReportScopeForm
from .metrics import Scope
from .models import Metric
from .selectors import require_perm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request) -> tuple[ReportScopeForm, Scope]:
    form = ReportScopeForm(request.GET or None)
    return form, Scope(**form.scope_values())


@login_required
def dashboard(request):
    require_perm(request.user, "reporting.view_dashboard")
    form, scope = _scope(request)
    data = selectors.dashboard(scope)
    chart_keys = (
        "events_by_type",
        "by_kind",
        "by_subregion",
        "by_powiat",
        "advisory_by_topic",
        "advisory_by_status",
        "postulates_by_status",
        "postulates_by_addressee",
    )
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "data": data,
            "charts": {key: charts.bar_chart_svg(data[key]) for key in chart_keys},
            "can_generate": request.user.has_perm("reporting.generate_report"),
            "can_export_monitoring": request.user.has_perm("reporting.export_monitoring"),
        },
    )


@login_required
def indicators(request):
    require_perm(request.user, "reporting.view_dashboard")
    form, scope = _scope(request)
    progress = selectors.indicators_with_progress(
        funding_project=scope.funding_project,
        start=scope.start if form.is_bound else None,
        end=scope.end if form.is_bound else None,
    )
    return render(
        request, "reporting/indicators.html", {"form": form, "scope": scope, "progress": progress}
    )


@login_required
def coverage(request):
    require_perm(request.user, "reporting.view_dashboard")
    form, scope = _scope(request)
    level = "gmina" if request.GET.get("poziom") == "gmina" else "powiat"
    sort = request.GET.get("sort", "name")
    descending = request.GET.get("kierunek") == "malejaco"
    rows = selectors.coverage(scope, level=level, sort=sort, descending=descending)
    query = request.GET.copy()
    for key in ("sort", "kierunek"):
        query.pop(key, None)
    return render(
        request,
        "reporting/coverage.html",
        {
            "form": form,
            "scope": scope,
            "rows": rows,
            "level": level,
            "sort": sort,
            "descending": descending,
            "white_spots": [row for row in rows if not row["reached"]],
            "base_query": query.urlencode(),
            "map_svg": boundaries.coverage_map_svg(rows),
            "map_geojson": boundaries.coverage_map_geojson(rows),
        },
    )


@login_required
def reports(request):
    require_perm(request.user, "reporting.generate_report")
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_request(
                kind=data["kind"],
                start=data["start"],
                end=data["end"],
                funding_project=data.get("funding_project"),
                subregion=data.get("subregion"),
                actor=request.user,
            )
        except JobLimitReached as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Sprawozdanie jest przygotowywane. Pojawi się na liście poniżej.")
            )
            return redirect("reporting:reports")
    return render(
        request,
        "reporting/reports.html",
        {
            "form": form,
            "reports": selectors.reports_for_user(request.user),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def report_download(request, pk: int):
    report = selectors.report_get_for_download(user=request.user, pk=pk)
    audit_record(
        actor=request.user, action="reporting.report.download", target=report, summary=str(report)
    )
    return private_file_response(report.pdf, download_name=f"sprawozdanie-{report.pk}.pdf")


@login_required
@require_POST
def report_retry(request, pk: int):
    require_perm(request.user, "reporting.generate_report")
    from django.shortcuts import get_object_or_404

    from .models import GeneratedReport

    try:
        services.report_retry(report=get_object_or_404(GeneratedReport, pk=pk), actor=request.user)
    except JobLimitReached as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Ponowiono przygotowanie sprawozdania."))
    return redirect("reporting:reports")


@login_required
def xlsx_download(request, kind: str):
    require_perm(request.user, "reporting.generate_report")
    if kind not in ("sprawozdanie", "postulaty"):
        raise Http404
    form, scope = _scope(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Popraw okres sprawozdania."))
        return redirect("reporting:dashboard")
    content = (
        documents.postulates_xlsx(scope) if kind == "postulaty" else documents.activity_xlsx(scope)
    )
    audit_record(
        actor=request.user,
        action="reporting.xlsx.download",
        summary=f"{kind} {scope.start}–{scope.end}",
    )
    response = HttpResponse(content, content_type=XLSX)
    name = "postulaty" if kind == "postulaty" else "sprawozdanie"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{scope.start}-{scope.end}.xlsx"'
    )
    return response


@login_required
def monitoring(request):
    """Choose a funding project and a period; see how many institutions and people it exports."""
    require_perm(request.user, "reporting.export_monitoring")
    form = MonitoringExportForm(request.GET or None)
    counts = None
    required_details = []
    if form.is_bound and form.is_valid():
        scope = Scope(**form.scope_values())
        labels = {"sex": _("płeć"), "birth_year": _("rok urodzenia"), "pesel": _("PESEL")}
        required_details = [
            labels[field] for field in monitoring_details.required_fields(scope.funding_project)
        ]
        counts = {
            "institutions": metrics.supported_organisations(scope).count(),
            "people": metrics.metric_value(Metric.PEOPLE_ATTENDED, scope),
        }
    return render(
        request,
        "reporting/monitoring.html",
        {
            "form": form,
            "counts": counts,
            "required_details": required_details,
            "query": request.GET.urlencode(),
            "project": form.cleaned_data.get("funding_project") if counts is not None else None,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def monitoring_download(request, file_format: str):
    require_perm(request.user, "reporting.export_monitoring")
    if file_format not in services.MONITORING_FILES:
        raise Http404
    form = MonitoringExportForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        messages.error(request, _("Prosimy wybrać projekt finansujący i poprawny okres."))
        return redirect(f"{reverse('reporting:monitoring')}?{request.GET.urlencode()}")
    name, content_type, content = services.monitoring_export(
        scope=Scope(**form.scope_values()), file_format=file_format, actor=request.user
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
