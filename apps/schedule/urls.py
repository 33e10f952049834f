from django.urls import path

from apps.schedule import views

app_name = "timetable"

urlpatterns = [
    path("s/<int:school_id>/timetable/", views.timetable_page, name="page"),
    path("s/<int:school_id>/timetable/class/<int:class_id>/add/", views.timetable_add, name="add"),
    path("s/<int:school_id>/timetable/entry/<int:pk>/remove/", views.timetable_remove, name="remove"),
    path("s/<int:school_id>/timetable/generate/", views.generate, name="generate"),
]
