from django.urls import path

from . import views

app_name = "advisory"

urlpatterns = [
    path("", views.advisory_home, name="advisory_home"),
]
