from django.urls import path

from apps.staff import views

app_name = "staff"

urlpatterns = [
    path("s/<int:school_id>/staff/", views.staff_list, name="list"),
    path("s/<int:school_id>/staff/new/", views.staff_create, name="create"),
    path("s/<int:school_id>/staff/<int:pk>/", views.staff_card, name="card"),
]
