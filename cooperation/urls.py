from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("grupy/<int:pk>/", views.group_detail, name="group_detail"),
    path("grupy/<int:pk>/zadania/dodaj/", views.task_add, name="task_add"),
    path("grupy/<int:pk>/zadania/<int:task_pk>/stan/", views.task_status, name="task_status"),
    path("grupy/<int:pk>/czlonkowie/dodaj/", views.member_add, name="member_add"),
    path("grupy/<int:pk>/czlonkowie/<int:member_pk>/", views.member_edit, name="member_edit"),
    path(
        "grupy/<int:pk>/czlonkowie/<int:member_pk>/usun/", views.member_remove, name="member_remove"
    ),
    path("grupy/<int:pk>/dokumenty/dodaj/", views.document_add, name="document_add"),
    path(
        "grupy/<int:pk>/dokumenty/<int:doc_pk>/", views.document_download, name="document_download"
    ),
]

from . import survey_views  # noqa: E402

urlpatterns += [
    path("ankiety/", survey_views.survey_list, name="survey_list"),
    path("ankiety/odpowiedz/<int:pk>/", survey_views.response_fill, name="response_fill"),
    path(
        "ankiety/odpowiedz/<int:pk>/pliki/<int:file_pk>/",
        survey_views.answer_file_download,
        name="answer_file",
    ),
    path("ankiety/<int:pk>/wyniki/", survey_views.survey_results, name="survey_results"),
    path("ankiety/<int:pk>/wyslij/", survey_views.survey_send, name="survey_send"),
    path("ankiety/<int:pk>/kopia/", survey_views.survey_copy, name="survey_copy"),
    path(
        "ankiety/<int:pk>/odpowiedzi/<int:response_pk>/otworz/",
        survey_views.response_reopen,
        name="response_reopen",
    ),
    path(
        "ankiety/<int:pk>/odpowiedzi.csv",
        survey_views.survey_export,
        {"fmt": "csv"},
        name="survey_export_csv",
    ),
    path(
        "ankiety/<int:pk>/odpowiedzi.xlsx",
        survey_views.survey_export,
        {"fmt": "xlsx"},
        name="survey_export_xlsx",
    ),
]

from . import plan_views  # noqa: E402

urlpatterns += [
    path("plany/", plan_views.plan_list, name="plan_list"),
    path("plany/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("plany/<int:pk>/plan.xlsx", plan_views.plan_export, name="plan_export"),
    path("plany/<int:pk>/pdf/", plan_views.plan_pdf_request, name="plan_pdf_request"),
    path(
        "plany/<int:pk>/pdf/<int:export_pk>/plan.pdf",
        plan_views.plan_pdf_download,
        name="plan_pdf_download",
    ),
]
