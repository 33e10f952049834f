from django.urls import path

from apps.gradebook import views

app_name = "journal"

urlpatterns = [
    path("s/<int:school_id>/journal/", views.journal_index, name="index"),
    path("s/<int:school_id>/journal/a/<int:assignment_id>/", views.journal_page, name="grid"),
    path("s/<int:school_id>/journal/a/<int:assignment_id>/period-mark/", views.period_mark_save, name="period-mark"),
    path("s/<int:school_id>/journal/cell/", views.cell_save, name="cell"),
    path("s/<int:school_id>/journal/lesson/<int:lesson_id>/", views.lesson_page, name="lesson"),
]
