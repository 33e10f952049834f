"""The substitutions page stays light (issue 12, item 13): a day of a whole school is rows
only; a lesson's forms come when its «Изменить» is opened, with the teachers free at that
lesson first. Timings are measured by bench/substitutions.py, not here."""

from datetime import date

from django.urls import reverse

from apps.accounts.models import RoleGrant
from tests import factories as f

MONDAY = date(2026, 9, 7)


def _teacher(world, username, last_name):
    user = f.UserFactory(username=username, last_name=last_name)
    RoleGrant.objects.create(user=user, school=world.school, role="teacher")
    return user


def _school_day(world, classes=8):
    lessons = []
    for i in range(classes):
        cls = f.SchoolClassFactory(year=world.year, grade=6 + i % 5, letter="АБВГДЕЖЗ"[i])
        teacher = _teacher(world, f"t{i}", f"Учитель{i:02d}")
        assignment = f.TeachingAssignmentFactory(school_class=cls, teacher=teacher)
        for number in range(1, 7):
            lessons.append(
                f.LessonFactory(assignment=assignment, date=MONDAY, lesson_number=number)
            )
    return lessons


def test_the_day_page_carries_no_forms_and_its_size_does_not_grow_with_forms(
    client, world, django_assert_max_num_queries
):
    _school_day(world)
    client.force_login(world.users["dispatcher"])
    url = reverse("timetable:changes", args=[world.school.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"day": MONDAY.isoformat()})
    page = response.content.decode()
    assert page.count('data-testid="lesson-forms-link"') == 48
    assert 'data-testid="substitute-form"' not in page and "data-load-on-open" in page
    # 48 rows: well under a kilobyte each, not one select of every teacher per row.
    assert len(response.content) < 30_000 + 48 * 800


def test_opening_a_lesson_loads_its_forms_with_free_teachers_first(client, world):
    lessons = _school_day(world, classes=3)
    free = _teacher(world, "free", "Свободнова")
    lesson = lessons[0]  # 6А, first lesson; the teachers of 7Б and 8В teach then too
    client.force_login(world.users["dispatcher"])
    url = reverse("timetable:lesson-forms", args=[world.school.pk, lesson.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'data-testid="substitute-form"' in partial
    assert "position-absolute" in partial  # a pop-up under its row
    free_group, busy_group = partial.split('label="Заняты на этом уроке"')
    assert free.full_name in free_group.split('label="Свободны на этом уроке"')[1]
    assert "Учитель01" in busy_group and "— 7Б" in busy_group
    page = client.get(url)  # without script: a page of its own
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_another_schools_lesson_forms_are_not_found(client, world):
    lesson = f.LessonFactory(assignment=world.assignment, date=MONDAY)
    client.force_login(world.other.users["dispatcher"])
    url = reverse("timetable:lesson-forms", args=[world.other.school.pk, lesson.pk])
    assert client.get(url).status_code == 404
