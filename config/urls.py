from django.urls import include, path
from django.views.generic import RedirectView

from config import health

urlpatterns = [
    path("", include("apps.school.urls")),
    path("", include("apps.accounts.urls")),
    path("", include("apps.messaging.urls")),
    path("", include("apps.schedule.urls")),
    path("", include("apps.schedule.ktp_urls")),
    path("", include("apps.gradebook.urls")),
    path("", include("apps.students.urls")),
    path("", include("apps.staff.urls")),
    path("", include("apps.orders.urls")),
    path("", include("apps.diary.urls")),
    path("", include("apps.reports.urls")),
    path("", include("apps.privacy.urls")),
    path("", include("apps.care.urls")),
    path("", include("apps.portfolio.urls")),
    path("", include("apps.exams.urls")),
    path("", include("apps.facilities.urls")),
    path("", include("apps.documents.urls")),
    path("healthz", health.ready, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    path("healthz/ready", health.ready, name="healthz-ready"),
    path("healthz/session", health.session_ping, name="healthz-session"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", RedirectView.as_view(url="/static/img/favicon.svg", permanent=True)),
]
