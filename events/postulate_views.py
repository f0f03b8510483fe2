"""The postulates register (staff): filters, status history, the addressee's reply, XLSX export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from reporting.documents import postulates_workbook

from .postulate_register import (
    PAGE_SIZE,
    PostulateRegisterFilter,
    postulate_register_base,
    postulate_status_histories,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request):
    register = PostulateRegisterFilter(
        request.GET or None, queryset=postulate_register_base(user=request.user)
    )
    # An invalid filter (e.g. the period ends before it starts) shows its error and no results.
    postulates = register.qs if register.is_bound else register.queryset
    if register.is_bound and not register.is_valid():
        postulates = postulates.none()
    return register, postulates


@login_required
def postulate_register(request):
    register, postulates = _filtered(request)
    page = Paginator(postulates, PAGE_SIZE).get_page(request.GET.get("strona"))
    histories = postulate_status_histories(postulate.pk for postulate in page)
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [value for value in values if value]
        if key != "strona" and kept:
            query.setlist(key, kept)
    return render(
        request,
        "events/postulate_register.html",
        {
            "filter": register,
            "page_obj": page,
            "rows": [(postulate, histories.get(postulate.pk, [])) for postulate in page],
            "query_string": query.urlencode(),
        },
    )


@login_required
def postulate_register_export(request):
    register, postulates = _filtered(request)
    response = HttpResponse(postulates_workbook(postulates), content_type=XLSX)
    filename = f"postulaty-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
