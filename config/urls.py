from django.urls import include, path
from django.views.generic import RedirectView

from config.health import healthz, session_ping

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
    path("", include("apps.care.urls")),
    path("healthz", healthz, name="healthz"),
    path("healthz/session", session_ping, name="healthz-session"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", RedirectView.as_view(url="/static/img/favicon.svg", permanent=True)),
]
