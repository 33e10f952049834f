from django.urls import path

from apps.messaging import views

app_name = "messaging"

urlpatterns = [
    path("s/<int:school_id>/notifications/", views.notification_list, name="notifications"),
    path(
        "s/<int:school_id>/notifications/read/", views.notifications_read, name="notifications-read"
    ),
]
