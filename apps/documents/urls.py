from django.urls import path

from apps.documents import views

app_name = "documents"

S = "s/<int:school_id>/"
urlpatterns = [
    path(f"{S}store/", views.index, name="index"),
    path(f"{S}store/new/", views.upload, name="upload"),
    path(f"{S}store/<int:pk>/", views.detail, name="detail"),
    path(f"{S}store/<int:pk>/settings/", views.settings_change, name="settings"),
    path(f"{S}store/<int:pk>/version/", views.version_add, name="version-add"),
    path(f"{S}store/<int:pk>/file/", views.document_file, name="file"),
    path(f"{S}store/versions/<int:pk>/file/", views.version_file, name="version-file"),
    path(f"{S}resources/", views.resources, name="resources"),
    path(f"{S}resources/new/", views.resource_add, name="resource-add"),
    path(f"{S}resources/attach/", views.resource_attach, name="resource-attach"),
    path(f"{S}resources/<int:pk>/file/", views.resource_file, name="resource-file"),
    path(f"{S}resources/<int:pk>/share/", views.resource_share, name="resource-share"),
    path(f"{S}resources/<int:pk>/delete/", views.resource_delete, name="resource-delete"),
    # The school's open page: no account needed (public documents only).
    path("school/<int:school_id>/", views.public_page, name="public"),
    path("school/<int:school_id>/documents/<int:pk>/", views.public_file, name="public-file"),
]
