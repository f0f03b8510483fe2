from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("kalendarz.ics", views.events_feed, name="events_feed"),
    path("moje-zgloszenia/", views.my_registrations, name="my_registrations"),
    path("zgloszenia/<int:pk>/anuluj/", views.registration_cancel, name="registration_cancel"),
    path("<slug:slug>/", views.event_detail, name="event_detail"),
    path("<slug:slug>/zapisy/", views.registration_create, name="registration_create"),
    path("<slug:slug>/wydarzenie.ics", views.event_ics, name="event_ics"),
]
