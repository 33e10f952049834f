from django.urls import path

from apps.facilities import views

app_name = "facilities"

S = "s/<int:school_id>/repairs/"
urlpatterns = [
    path(S, views.index, name="index"),
    path(f"{S}new/", views.create, name="create"),
    path(f"{S}month.xlsx", views.month_xlsx, name="month-xlsx"),
    path(f"{S}<int:pk>/", views.detail, name="detail"),
    path(f"{S}<int:pk>/move/", views.move, name="move"),
    path(f"{S}<int:pk>/photo/", views.photo, name="photo"),
]
