from django.urls import path

from apps.portfolio import views

app_name = "portfolio"
S = "s/<int:school_id>/portfolio/"
ST = f"{S}student/<int:student_id>/"
T = f"{S}teacher/<int:teacher_id>/"

urlpatterns = [
    path(S, views.index, name="index"),
    path(ST, views.student, name="student"),
    path(f"{ST}add/", views.achievement_add, name="achievement-add"),
    path(
        f"{ST}a/<int:achievement_id>/confirm/",
        views.achievement_confirm,
        name="achievement-confirm",
    ),
    path(
        f"{ST}a/<int:achievement_id>/delete/", views.achievement_delete, name="achievement-delete"
    ),
    path(f"{ST}a/<int:achievement_id>/diploma/", views.diploma, name="diploma"),
    path(f"{ST}portrait/", views.portrait, name="portrait"),
    path(f"{ST}characteristic/", views.characteristic, name="characteristic"),
    path(f"{ST}photo/", views.photo, name="photo"),
    path(f"{ST}pdf/", views.student_pdf, name="student-pdf"),
    path(f"{S}teachers/", views.teachers, name="teachers"),
    path(T, views.teacher, name="teacher"),
    path(f"{T}category/", views.teacher_category, name="teacher-category"),
    path(f"{T}entry/", views.teacher_entry_add, name="teacher-entry"),
    path(f"{T}entry/<int:entry_id>/file/", views.teacher_file, name="teacher-file"),
]
