from django.urls import path

from apps.students import views

app_name = "students"

S = "s/<int:school_id>/"
urlpatterns = [
    path(f"{S}students/", views.student_list, name="list"),
    path(f"{S}students/new/", views.student_create, name="create"),
    path(f"{S}students/<int:pk>/", views.student_card, name="card"),
    path(f"{S}students/<int:pk>/edit/", views.student_edit, name="edit"),
    path(f"{S}students/<int:pk>/guardians/add/", views.guardian_add, name="guardian-add"),
    path(
        f"{S}students/<int:pk>/guardians/<int:guardian_id>/unlink/",
        views.guardian_unlink,
        name="guardian-unlink",
    ),
    path(f"{S}students/<int:pk>/consents/add/", views.consent_add, name="consent-add"),
    path(f"{S}consents/<int:pk>/scan/", views.consent_scan, name="consent-scan"),
    path(f"{S}consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path(f"{S}guardians/", views.guardian_list, name="guardians"),
    path(f"{S}guardians/<int:pk>/edit/", views.guardian_edit, name="guardian-edit"),
    path(f"{S}students/duplicates/", views.duplicates, name="duplicates"),
    path(f"{S}students/merge/", views.merge, name="merge"),
    path(f"{S}students/import/", views.import_upload, name="import"),
    path(f"{S}students/import/template.xlsx", views.import_template, name="import-template"),
    path(f"{S}students/import/<int:pk>/", views.import_preview, name="import-preview"),
]
