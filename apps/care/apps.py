from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "apps.care"
    label = "care"
    verbose_name = "Здоровье, социальный паспорт, питание"
