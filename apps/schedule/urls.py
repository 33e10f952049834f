from django.urls import path

from apps.schedule import views

app_name = "timetable"

urlpatterns = [
    path("s/<int:school_id>/timetable/", views.timetable_page, name="page"),
    path("s/<int:school_id>/timetable/class/<int:class_id>/add/", views.timetable_add, name="add"),
    path(
        "s/<int:school_id>/timetable/entry/<int:pk>/remove/", views.timetable_remove, name="remove"
    ),
    path("s/<int:school_id>/timetable/generate/", views.generate, name="generate"),
    path("s/<int:school_id>/timetable/end-early/", views.end_early, name="end-early"),
    path("s/<int:school_id>/timetable/changes/", views.changes_page, name="changes"),
    path(
        "s/<int:school_id>/timetable/lesson/<int:lesson_id>/substitute/",
        views.lesson_substitute,
        name="substitute",
    ),
    path(
        "s/<int:school_id>/timetable/lesson/<int:lesson_id>/cancel/",
        views.lesson_cancel,
        name="cancel",
    ),
    path(
        "s/<int:school_id>/timetable/lesson/<int:lesson_id>/move/", views.lesson_move, name="move"
    ),
    path(
        "s/<int:school_id>/timetable/lesson/<int:lesson_id>/forms/",
        views.lesson_forms,
        name="lesson-forms",
    ),
]
