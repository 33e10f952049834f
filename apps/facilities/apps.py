from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "apps.facilities"
    verbose_name = "Заявки АХР"
