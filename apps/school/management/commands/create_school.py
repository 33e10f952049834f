"""`manage.py create_school`: a school with its card and time zone, and its administrator."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.school.first_run import school_with_administrator_create
from apps.school.models import RUSSIAN_TIME_ZONES


class Command(BaseCommand):
    help = (
        "Creates a school (card and time zone) and its administrator, who then builds the "
        "rest in the browser: years, classes, staff, students. Prints the administrator's "
        "login and temporary password."
    )

    def add_arguments(self, parser):
        school = parser.add_argument_group("the school card")
        school.add_argument("--full-name", required=True, help="полное наименование")
        school.add_argument("--short-name", required=True, help="краткое наименование")
        school.add_argument(
            "--time-zone",
            default="Europe/Moscow",
            choices=[tz for tz, _label in RUSSIAN_TIME_ZONES],
            help="the school's time zone (default Europe/Moscow)",
        )
        for name in ("address", "inn", "kpp", "ogrn", "phone", "email", "website"):
            school.add_argument(f"--{name}", default="")
        admin = parser.add_argument_group("the administrator")
        admin.add_argument("--admin-login", required=True)
        admin.add_argument("--admin-last-name", default="")
        admin.add_argument("--admin-first-name", default="")
        admin.add_argument("--admin-patronymic", default="")
        admin.add_argument("--admin-email", default="")
        admin.add_argument(
            "--existing-user",
            action="store_true",
            help="make an existing account (e.g. one made by createsuperuser) the administrator",
        )

    def handle(self, *args, **o):
        existing = None
        if o["existing_user"]:
            existing = User.objects.filter(username=o["admin_login"]).first()
            if existing is None:
                raise CommandError(f"Учётной записи «{o['admin_login']}» нет.")
        elif not (o["admin_last_name"] and o["admin_first_name"]):
            raise CommandError("Укажите --admin-last-name и --admin-first-name администратора.")
        card = {
            "full_name": o["full_name"],
            "short_name": o["short_name"],
            "time_zone": o["time_zone"],
            **{n: o[n] for n in ("address", "inn", "kpp", "ogrn", "phone", "email", "website")},
        }
        try:
            school, user, password = school_with_administrator_create(
                card=card,
                username=o["admin_login"],
                last_name=o["admin_last_name"],
                first_name=o["admin_first_name"],
                patronymic=o["admin_patronymic"],
                email=o["admin_email"],
                existing_user=existing,
            )
        except ValidationError as error:
            details = (
                [f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()]
                if hasattr(error, "error_dict")
                else error.messages
            )
            raise CommandError("Школа не создана. " + "; ".join(details)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Школа «{school.short_name}» создана (id {school.pk}).")
        )
        self.stdout.write(f"Администратор: {user.username}")
        if password:
            self.stdout.write(f"Временный пароль: {password} (при первом входе его нужно сменить)")
