from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Учётные записи"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from apps.accounts.models import ActivityEvent
        from apps.accounts.services import activity_record

        def record_login(sender, request, user, **kwargs):
            activity_record(user=user, kind=ActivityEvent.Kind.LOGIN)

        user_logged_in.connect(record_login, dispatch_uid="accounts.record_login", weak=False)
