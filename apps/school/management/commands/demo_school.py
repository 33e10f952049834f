"""`manage.py demo_school [--scale X] [--seed N]`: build the demo school in an empty database."""

import time

from django.core.management.base import BaseCommand, CommandError

from apps.school.models import School


class Command(BaseCommand):
    help = (
        "Builds the demo school (about 700 students at scale 1.0) in a database that has no school."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1.0 is a school of about 700 students"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="the same seed gives the same school"
        )

    def handle(self, *args, scale: float, seed: int, **options):
        from apps.school.demo import build_demo_school

        existing = School.objects.order_by("pk").first()
        if existing is not None:
            raise CommandError(
                f"В базе уже есть школа «{existing.short_name}»: демо-школа создаётся только в пустой базе. "
                "Создайте новую базу данных или укажите другую в DATABASE_URL."
            )
        if not 0 < scale <= 10:
            raise CommandError("--scale должен быть больше 0 и не больше 10.")
        started = time.monotonic()
        demo = build_demo_school(seed=seed, scale=scale)
        self.stdout.write(
            self.style.SUCCESS(
                f"Демо-школа {demo.school.short_name} создана за {time.monotonic() - started:.1f} с: "
                f"классов: {len(demo.classes)}, обучающихся: {len(demo.students)}, учителей: {len(demo.teachers)}."
            )
        )
