from django.urls import path

from apps.privacy import views

app_name = "privacy"

urlpatterns = [
    path("s/<int:school_id>/privacy/reads/", views.reads, name="reads"),
]
