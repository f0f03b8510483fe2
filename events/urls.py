from django.urls import path

from . import postulate_views, report_views, views, views_organiser

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("kalendarz.ics", views.events_feed, name="events_feed"),
    path("moje-zgloszenia/", views.my_registrations, name="my_registrations"),
    path("zgloszenia/<int:pk>/anuluj/", views.registration_cancel, name="registration_cancel"),
    path(
        "zgloszenia/<int:pk>/zaswiadczenie.pdf",
        views.certificate_download,
        name="certificate_download",
    ),
    path("relacje/", views.report_list, name="report_list"),
    path("cykle/<slug:slug>/", views_organiser.series_detail, name="series_detail"),
    path("postulaty/", postulate_views.postulate_register, name="postulate_register"),
    path(
        "postulaty/eksport.xlsx",
        postulate_views.postulate_register_export,
        name="postulate_register_export",
    ),
    path("<slug:slug>/", views.event_detail, name="event_detail"),
    path("<slug:slug>/wiadomosci/", views_organiser.event_messages, name="event_messages"),
    path("<slug:slug>/zapisy/", views.registration_create, name="registration_create"),
    path("<slug:slug>/wydarzenie.ics", views.event_ics, name="event_ics"),
    path("<slug:slug>/obecnosc/", views.checkin, name="checkin"),
    path("<slug:slug>/obecnosc/spoza-listy/", views.checkin_walk_in, name="checkin_walk_in"),
    path("<slug:slug>/obecnosc/lista.pdf", views.attendance_list_pdf, name="attendance_list_pdf"),
    path("<slug:slug>/zaswiadczenia/wystaw/", views.certificates_issue, name="certificates_issue"),
    path("<slug:slug>/materialy/<int:pk>/", views.material_download, name="material_download"),
    path("<slug:slug>/zdjecia/<int:pk>/", views.photo, name="photo"),
    path(
        "<slug:slug>/zdjecia/<int:pk>/miniatura/",
        report_views.photo_thumbnail,
        name="photo_thumbnail",
    ),
    path("<slug:slug>/relacja/zdjecia/", report_views.report_photos, name="report_photos"),
]
