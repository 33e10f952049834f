from django.urls import path

from apps.reports import attainment, views

app_name = "reports"

urlpatterns = [
    path("s/<int:school_id>/reports/", views.reports_index, name="index"),
    path("s/<int:school_id>/reports/audit/", views.audit_page, name="audit"),
    path("s/<int:school_id>/reports/audit/new/", views.audit_new, name="audit-new"),
    path(
        "s/<int:school_id>/reports/audit/line/<int:line_id>/",
        views.audit_line_page,
        name="audit-line",
    ),
    path("s/<int:school_id>/reports/progress/", views.progress_page, name="progress"),
    path("s/<int:school_id>/reports/attendance/", views.attendance_page, name="attendance"),
    path("s/<int:school_id>/reports/activity/", views.activity_page, name="activity"),
    path("s/<int:school_id>/reports/archive/", views.archive_page, name="archive"),
    path("s/<int:school_id>/reports/exports/new/", views.export_start, name="export-start"),
    path("s/<int:school_id>/reports/exports/pdf/", views.pdf_start, name="pdf-start"),
    path("s/<int:school_id>/reports/exports/<int:job_id>/", views.export_status, name="export"),
    path("s/<int:school_id>/reports/portfolio/", attainment.portfolio_fill, name="portfolio-fill"),
    path(
        "s/<int:school_id>/reports/winners/", attainment.portfolio_honours, name="portfolio-honours"
    ),
    path("s/<int:school_id>/reports/gia/choices/", attainment.gia_choices, name="gia-choices"),
    path("s/<int:school_id>/reports/gia/results/", attainment.gia_results, name="gia-results"),
]
