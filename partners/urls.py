from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("owes/", views.owes_by_subregion, name="owes_by_subregion"),
    path("moje/", views.my_organisations, name="my_organisations"),
    path("zaproponuj/", views.organisation_propose, name="organisation_propose"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/dolacz/", views.membership_request, name="membership_request"),
    path("<int:pk>/profil/", views.organisation_profile_edit, name="organisation_profile_edit"),
    path("<int:pk>/prosby/", views.membership_requests, name="membership_requests"),
    path("prosby/<int:pk>/decyzja/", views.membership_decide, name="membership_decide"),
]
