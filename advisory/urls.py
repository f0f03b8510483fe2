from django.urls import path

from . import views

app_name = "advisory"

urlpatterns = [
    path("", views.advisory_home, name="advisory_home"),
    path("wnioski/", views.request_list, name="request_list"),
    path("wnioski/nowy/", views.request_create, name="request_create"),
    path("wnioski/<int:pk>/", views.request_detail, name="request_detail"),
    path("wnioski/<int:pk>/edycja/", views.request_edit, name="request_edit"),
    path("wnioski/<int:pk>/wiadomosc/", views.request_message, name="request_message"),
    path("wnioski/<int:pk>/wycofaj/", views.request_withdraw, name="request_withdraw"),
    path(
        "wnioski/<int:pk>/pliki/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("wnioski/<int:pk>/karta-doradztwa.pdf", views.card_download, name="card_download"),
    path("wnioski/<int:pk>/karta-doradztwa/przygotuj/", views.card_request, name="card_request"),
    path("sprawy/", views.case_list, name="case_list"),
    path("sprawy/<int:pk>/", views.case_detail, name="case_detail"),
    path("sprawy/<int:pk>/status/", views.case_transition, name="case_transition"),
    path("sprawy/<int:pk>/wpis/", views.case_message, name="case_message"),
    path("sprawy/<int:pk>/konsultacje/", views.consultation_create, name="consultation_create"),
]
