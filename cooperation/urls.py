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
    path("grupy/<int:pk>/czlonkowie/<int:member_pk>/usun/", views.member_remove, name="member_remove"),
    path("grupy/<int:pk>/dokumenty/dodaj/", views.document_add, name="document_add"),
    path("grupy/<int:pk>/dokumenty/<int:doc_pk>/", views.document_download, name="document_download"),
]
