from django.apps import AppConfig


class StampsConfig(AppConfig):
    name = "apps.stamps"
    label = "stamps"
    verbose_name = "Отметки изменений"
