from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "apps.school"
    label = "school"
    verbose_name = "Школа"
