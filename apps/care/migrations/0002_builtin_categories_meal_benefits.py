"""The common social categories, and the free-meal categories that personal files held
(`Student.meal_category`) moved into meal benefits before that column is removed."""

from datetime import date

from django.db import migrations
from django.utils import timezone

BUILTIN = [
    ("large_family", "многодетная семья"),
    ("low_income", "малоимущая семья"),
    ("single_parent", "неполная семья"),
    ("foster", "опекаемый"),
    ("disabled_child", "ребёнок-инвалид"),
    ("svo", "семья участника СВО"),
]
# «1–4 классы» follows from the grade and is not a benefit of its own.
MOVED = {"low_income", "large_family", "disabled", "orphan", "svo"}


def forwards(apps, schema_editor):
    SocialCategory = apps.get_model("care", "SocialCategory")
    for order, (code, name) in enumerate(BUILTIN, start=1):
        SocialCategory.objects.get_or_create(
            school=None, code=code, defaults={"name": name, "order": order * 10}
        )
    Student = apps.get_model("students", "Student")
    AcademicYear = apps.get_model("school", "AcademicYear")
    MealBenefit = apps.get_model("care", "MealBenefit")
    starts = dict(
        AcademicYear.objects.filter(status="open").values_list("school_id", "starts_on")
    )
    now = timezone.now()
    MealBenefit.objects.bulk_create(
        MealBenefit(
            school_id=school_id,
            student_id=student_id,
            category=category,
            basis="из личного дела",
            valid_from=starts.get(school_id, date(now.year, 1, 1)),
            recorded_at=now,
        )
        for student_id, school_id, category in Student.objects.filter(
            meal_category__in=MOVED
        ).values_list("pk", "school_id", "meal_category")
    )


def backwards(apps, schema_editor):
    Student = apps.get_model("students", "Student")
    MealBenefit = apps.get_model("care", "MealBenefit")
    for benefit in MealBenefit.objects.filter(valid_until__isnull=True):
        Student.objects.filter(pk=benefit.student_id).update(meal_category=benefit.category)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        ("school", "0003_rules_care"),
    ]
    # The personal files' column is removed by students 0003, after this copied it.
    run_before = [("students", "0003_consent_covers_meal_category_to_care")]

    operations = [migrations.RunPython(forwards, backwards)]
