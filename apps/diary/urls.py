from django.urls import path

from apps.diary import views

app_name = "diary"

_student = "s/<int:school_id>/diary/<int:student_id>/"

urlpatterns = [
    path("s/<int:school_id>/diary/", views.index, name="index"),
    path(_student, views.week, name="week"),
    path(f"{_student}marks/", views.marks, name="marks"),
    path(f"{_student}marks/year/", views.year, name="year"),
    path(f"{_student}homework/", views.homework, name="homework"),
    path(f"{_student}homework/<int:homework_id>/done/", views.homework_done, name="homework-done"),
    path(f"{_student}files/<int:attachment_id>/", views.homework_file, name="file"),
    path(f"{_student}timetable/", views.timetable, name="timetable"),
    path(f"{_student}week/pdf/", views.week_pdf, name="week-pdf"),
    path(f"{_student}stats/", views.stats, name="stats"),
    path(f"{_student}calendar/", views.calendar, name="calendar"),
    path("s/<int:school_id>/diary/digest/", views.digest, name="digest"),
    path("s/<int:school_id>/diary/printouts/", views.printouts, name="printouts"),
    path(
        "s/<int:school_id>/diary/printouts/<int:class_id>/",
        views.printout_class,
        name="printout-class",
    ),
    path(
        "s/<int:school_id>/diary/printouts/<int:class_id>/pdf/",
        views.printout_pdf,
        name="printout-pdf",
    ),
    # Outside any school and without login: the secret token or the signature is the key.
    path("diary/ical/<str:token>.ics", views.ical_feed, name="ical-feed"),
    path("diary/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
