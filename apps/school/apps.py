from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "apps.school"
    label = "school"
    verbose_name = "Школа"

    def ready(self):
        # What this machine lacks for the PDFs, said by `manage.py check` and `make demo`.
        from config import checks  # noqa: F401
