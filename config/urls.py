from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("apps.school.urls")),
    path("", include("apps.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", RedirectView.as_view(url="/static/img/favicon.svg", permanent=True)),
]
