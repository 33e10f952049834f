from django.urls import path

from apps.care import views

app_name = "care"
S = "s/<int:school_id>/care/"

urlpatterns = [
    path(f"{S}health/", views.health_index, name="health"),
    path(f"{S}health/class/<int:class_id>/", views.health_class, name="health-class"),
    path(
        f"{S}health/class/<int:class_id>/export/",
        views.health_class_export,
        name="health-class-export",
    ),
    path(f"{S}health/student/<int:student_id>/", views.health_student, name="health-student"),
    path(f"{S}social/", views.social_index, name="social"),
    path(f"{S}social/class/<int:class_id>/", views.social_class, name="social-class"),
    path(
        f"{S}social/class/<int:class_id>/export/",
        views.social_class_export,
        name="social-class-export",
    ),
    path(f"{S}social/student/<int:student_id>/", views.social_student, name="social-student"),
    path(f"{S}social/summary/", views.social_summary, name="social-summary"),
    path(f"{S}meals/", views.meals_index, name="meals"),
    path(f"{S}meals/class/<int:class_id>/", views.meals_class, name="meals-class"),
    path(f"{S}meals/order/", views.meals_order, name="meals-order"),
    path(f"{S}meals/benefits/", views.meals_benefits, name="meals-benefits"),
    path(
        f"{S}meals/benefits/<int:benefit_id>/", views.meals_benefit_edit, name="meals-benefit-edit"
    ),
    path(f"{S}meals/tabel/", views.meals_tabel, name="meals-tabel"),
    path(f"{S}meals/summary/", views.meals_summary, name="meals-summary"),
    path(f"{S}read-log/", views.read_log, name="read-log"),
    path(f"{S}read-log/students/", views.read_log_search, name="read-log-search"),
    path(f"{S}read-log/student/<int:student_id>/", views.read_log_student, name="read-log-student"),
]
