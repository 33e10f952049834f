"""`manage.py demo` (what `make demo` runs): migrate, build the demo school, print the logins, serve."""

import signal
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.accounts.models import User
from apps.school.models import School


def login_table() -> list[tuple[str, str, str, str]]:
    """One row per demo login that exists: login, password, role, what to try."""
    from apps.classes.models import SchoolClass
    from apps.school.demo import DEMO_PASSWORD
    from apps.school.demo.structure import DEMO_LOGINS
    from apps.students.models import Enrollment

    users = {
        u.username: u for u in User.objects.filter(username__in=[row[0] for row in DEMO_LOGINS])
    }
    if not users:
        return []

    def classes_of(**lookup) -> str:
        names = Enrollment.objects.filter(ends_on__isnull=True, **lookup).select_related(
            "school_class"
        )
        return (
            ", ".join(sorted({e.school_class.name for e in names}, key=lambda n: (len(n), n)))
            or "—"
        )

    led = SchoolClass.objects.filter(class_teacher=users.get("teacher"), year__status="open")
    facts = {
        "teacher_class": ", ".join(c.name for c in led) or "—",
        "parent_classes": classes_of(student__guardianships__guardian__user=users.get("parent")),
        "student_class": classes_of(student__user=users.get("student")),
    }
    return [
        (login, DEMO_PASSWORD, role.label, hint.format(**facts))
        for login, role, hint in DEMO_LOGINS
        if login in users
    ]


def format_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(v).ljust(w) for v, w in zip(header, widths, strict=True)).rstrip(), line]
    out += [
        "  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    return "\n".join(out)


class Command(BaseCommand):
    help = "Migrates, builds the demo school when the database is empty, prints the logins and runs the server."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument(
            "--no-server", action="store_true", help="prepare and print the logins only"
        )

    def handle(self, *args, addrport: str, scale: float, no_server: bool, **options):
        self.stdout.write("Применяю миграции…")
        call_command("migrate", interactive=False, verbosity=0)
        if not School.objects.exists():
            self.stdout.write("База пуста: создаю демо-школу…")
            started = time.monotonic()
            from apps.school.demo import build_demo_school

            demo = build_demo_school(scale=scale)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Демо-школа {demo.school.short_name} готова за {time.monotonic() - started:.1f} с."
                )
            )
        rows = login_table()
        if rows:
            self.stdout.write(f"\nВход в демо-школу (http://{addrport}/):\n")
            self.stdout.write(
                format_table(rows, ("логин", "пароль", "роль", "что попробовать")) + "\n"
            )
        else:
            self.stdout.write(
                "В базе есть школа без демо-пользователей: войдите своими учётными данными."
            )
        if not no_server:
            # `kill` stops the server like Ctrl-C does: exit handlers run, so the embedded
            # PostgreSQL (when DATABASE_URL is unset) shuts down with it.
            signal.signal(signal.SIGTERM, _exit_quietly)
            call_command("runserver", addrport, use_reloader=False)


def _exit_quietly(signum, frame):
    raise SystemExit(0)
