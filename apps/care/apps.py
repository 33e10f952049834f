from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_builtin_social_categories(sender, using="default", **kwargs) -> None:
    """The common social categories exist in every database, like content types: created
    after migrations and again after a flush (the test runner's transactional tests)."""
    from django.db import connections

    from apps.care.models import SocialCategory

    if SocialCategory._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated backwards past the table
    for order, (code, _label) in enumerate(SocialCategory.Builtin.choices, start=1):
        SocialCategory.objects.using(using).get_or_create(
            school=None, code=code, defaults={"name": str(_label), "order": order * 10}
        )


class CareConfig(AppConfig):
    name = "apps.care"
    label = "care"
    verbose_name = "Здоровье, социальный паспорт, питание"

    def ready(self) -> None:
        post_migrate.connect(ensure_builtin_social_categories, sender=self)
