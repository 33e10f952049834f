"""`manage.py first_run_link`: the one-time link to the first-run page of a new installation."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from apps.school.first_run import FIRST_RUN_MAX_AGE, first_run_token, installation_is_empty


class Command(BaseCommand):
    help = (
        "Prints a link, valid for a day and only while there is no school, to the page that "
        "creates the first school and its administrator."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="print nothing (and succeed) when a school exists: for a container's start",
        )
        parser.add_argument("--base-url", default="", help="default: SITE_URL")

    def handle(self, *args, if_empty: bool, base_url: str, **options):
        if not installation_is_empty():
            if if_empty:
                return
            raise CommandError(
                "В системе уже есть школа: первый запуск выполнен. Новую школу создаёт "
                "manage.py create_school."
            )
        base = (base_url or settings.SITE_URL).rstrip("/")
        link = base + reverse("school:first-run", kwargs={"token": first_run_token()})
        hours = int(FIRST_RUN_MAX_AGE.total_seconds() // 3600)
        self.stdout.write(
            f"Первый запуск: откройте ссылку и создайте школу и её администратора "
            f"(действует {hours} ч, один раз):\n{link}"
        )
