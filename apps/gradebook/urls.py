from django.urls import path

from apps.gradebook import control_views, views

app_name = "journal"

urlpatterns = [
    path("s/<int:school_id>/journal/", views.journal_index, name="index"),
    path("s/<int:school_id>/journal/a/<int:assignment_id>/", views.journal_page, name="grid"),
    path(
        "s/<int:school_id>/journal/a/<int:assignment_id>/period-mark/",
        views.period_mark_save,
        name="period-mark",
    ),
    path(
        "s/<int:school_id>/journal/a/<int:assignment_id>/student/<int:student_id>/history/",
        views.history_student,
        name="history-student",
    ),
    path("s/<int:school_id>/journal/cell/", views.cell_save, name="cell"),
    path("s/<int:school_id>/journal/cell/comment/", views.cell_comment, name="cell-comment"),
    path("s/<int:school_id>/journal/lesson/<int:lesson_id>/", views.lesson_page, name="lesson"),
    path(
        "s/<int:school_id>/journal/lesson/<int:lesson_id>/present/",
        views.lesson_present,
        name="lesson-present",
    ),
    path(
        "s/<int:school_id>/journal/lesson/<int:lesson_id>/history/",
        views.history_lesson,
        name="history-lesson",
    ),
    path("s/<int:school_id>/journal/file/<int:pk>/", views.attachment_download, name="attachment"),
    path(
        "s/<int:school_id>/journal/file/<int:pk>/delete/",
        views.attachment_delete,
        name="attachment-delete",
    ),
    path("s/<int:school_id>/journal/locks/", control_views.locks_page, name="locks"),
    path(
        "s/<int:school_id>/journal/locks/<int:period_id>/",
        control_views.period_lock_toggle,
        name="lock-toggle",
    ),
    path("s/<int:school_id>/journal/locks/grant/", control_views.unlock_grant, name="unlock-grant"),
    path(
        "s/<int:school_id>/journal/locks/grant/<int:pk>/revoke/",
        control_views.unlock_revoke,
        name="unlock-revoke",
    ),
    path(
        "s/<int:school_id>/journal/class/<int:class_id>/", control_views.class_journal, name="class"
    ),
    path(
        "s/<int:school_id>/journal/class/<int:class_id>/attendance/",
        control_views.attendance_register_page,
        name="register",
    ),
]
