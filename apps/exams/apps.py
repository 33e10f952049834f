from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "apps.exams"
    label = "exams"
    verbose_name = "Государственная итоговая аттестация"
