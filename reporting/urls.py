from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("wskazniki/", views.indicators, name="indicators"),
    path("pokrycie/", views.coverage, name="coverage"),
    path("sprawozdania/", views.reports, name="reports"),
    path("sprawozdania/<int:pk>/pdf/", views.report_download, name="report_download"),
    path("sprawozdania/<int:pk>/ponow/", views.report_retry, name="report_retry"),
    path("monitorowanie/", views.monitoring, name="monitoring"),
    path(
        "monitorowanie/<str:file_format>",
        views.monitoring_download,
        name="monitoring_download",
    ),
    path("<str:kind>.xlsx", views.xlsx_download, name="xlsx"),
]
