from django.urls import path

from apps.schedule import ktp_views

app_name = "ktp"

urlpatterns = [
    path("s/<int:school_id>/ktp/a/<int:assignment_id>/", ktp_views.ktp_page, name="page"),
    path(
        "s/<int:school_id>/ktp/a/<int:assignment_id>/import/", ktp_views.ktp_import, name="import"
    ),
    path(
        "s/<int:school_id>/ktp/a/<int:assignment_id>/import/confirm/",
        ktp_views.ktp_import_confirm,
        name="import-confirm",
    ),
    path(
        "s/<int:school_id>/ktp/a/<int:assignment_id>/export.xlsx",
        ktp_views.ktp_export,
        name="export",
    ),
    path("s/<int:school_id>/ktp/topic/<int:pk>/", ktp_views.ktp_topic_edit, name="topic"),
    path(
        "s/<int:school_id>/ktp/topic/<int:pk>/delete/",
        ktp_views.ktp_topic_delete,
        name="topic-delete",
    ),
    path("s/<int:school_id>/ktp/topic/<int:pk>/move/", ktp_views.ktp_topic_move, name="topic-move"),
    path("s/<int:school_id>/ktp/template.xlsx", ktp_views.ktp_template_download, name="template"),
]
