"""The category reminder (once, six months ahead, in the school's time zone); the deputy's
fill report, summary and winners; query counts that do not grow with the school."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import RoleGrant
from apps.messaging.models import Notification
from apps.portfolio.models import Achievement, Portrait, TeacherCategory
from apps.portfolio.services import category_reminders_send
from apps.portfolio.tasks import category_reminders_tick
from apps.school import clock
from apps.school.clock import frozen
from tests import factories as f
from tests.pdf import pdf_text

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


@pytest.fixture
def far_east(world):
    world.school.time_zone = "Asia/Vladivostok"
    world.school.save(update_fields=["time_zone"])
    TeacherCategory.objects.create(
        school=world.school,
        teacher=world.users["teacher"],
        category="first",
        assigned_on=date(2022, 4, 15),
        expires_on=date(2027, 4, 15),
    )
    return world


def _reminded_users(world):
    return set(
        Notification.objects.filter(
            school=world.school, dedupe_key__startswith="category:"
        ).values_list("user__username", flat=True)
    )


def test_the_category_reminder_fires_once_six_months_ahead_in_school_time(far_east):
    w = far_east
    # 14 October, 10:00 in Vladivostok: six months before is 15 October — not yet.
    with frozen(datetime(2026, 10, 14, 10, 0, tzinfo=VLADIVOSTOK)):
        assert category_reminders_tick() == 0
    # 15 October 06:00 in Vladivostok (still 14 October in Moscow and UTC): night, no reminder.
    with frozen(datetime(2026, 10, 15, 6, 0, tzinfo=VLADIVOSTOK)):
        assert category_reminders_tick() == 0
    # 15 October 09:00 school time (14 October 23:00 UTC): the teacher and the deputy.
    with frozen(datetime(2026, 10, 15, 9, 0, tzinfo=VLADIVOSTOK)):
        assert category_reminders_tick() == 2
        assert category_reminders_tick() == 0
    assert _reminded_users(w) == {w.users["teacher"].username, w.users["deputy"].username}
    with frozen(datetime(2026, 11, 20, 12, 0, tzinfo=VLADIVOSTOK)):
        assert category_reminders_send(school=w.school, now=clock.now()) == 0
    assert Notification.objects.filter(dedupe_key__startswith="category:").count() == 2


def test_a_renewed_category_is_reminded_again_for_its_new_expiry(far_east, client):
    w = far_east
    with frozen(datetime(2026, 10, 15, 9, 0, tzinfo=VLADIVOSTOK)):
        category_reminders_tick()
        client.force_login(w.users["deputy"])
        row = TeacherCategory.objects.get()
        client.post(
            reverse(
                "portfolio:teacher-category",
                kwargs={"school_id": w.school.pk, "teacher_id": row.teacher_id},
            ),
            {
                "category": "highest",
                "assigned_on": "2026-10-10",
                "expires_on": "2027-03-10",
                "version": row.version,
            },
        )
        assert TeacherCategory.objects.get().reminded_for is None
        assert category_reminders_tick() == 2


def _school_with_portfolios(world, n_students: int):
    school_class = world.school_class
    now = timezone.now()
    for i in range(n_students):
        s = f.StudentFactory(school=world.school, last_name=f"Ученик{i:03d}")
        f.EnrollmentFactory(school_class=school_class, student=s)
        Portrait.objects.create(school=world.school, student=s, essay="О себе")
        for level in ("school", "regional"):
            Achievement.objects.create(
                school=world.school,
                student=s,
                year=world.year,
                event=f"Конкурс {i}",
                level=level,
                result="winner" if i % 2 else "participant",
                happened_on=date(2026, 10, 1),
                teacher=world.users["teacher"],
                added_by=world.users["teacher"],
                added_at=now,
                confirmed_by=world.users["teacher"],
                confirmed_at=now,
            )


@pytest.mark.parametrize("n_students", [2, 25])
def test_fill_report_and_roster_query_counts_do_not_grow(
    client, world, n_students, django_assert_max_num_queries
):
    _school_with_portfolios(world, n_students)
    for i in range(n_students // 5):
        t = f.UserFactory(username=f"t{i}")
        RoleGrant.objects.create(user=t, school=world.school, role="teacher")
    client.force_login(world.users["deputy"])
    fill = reverse("reports:portfolio-fill", kwargs={"school_id": world.school.pk})
    with django_assert_max_num_queries(20):
        response = client.get(fill)
    page = response.content.decode()
    assert response.status_code == 200 and "5А" in page
    with django_assert_max_num_queries(20):
        client.get(reverse("portfolio:index", kwargs={"school_id": world.school.pk}))
    client.force_login(world.users["teacher"])
    with django_assert_max_num_queries(24):
        response = client.get(
            reverse(
                "portfolio:student",
                kwargs={"school_id": world.school.pk, "student_id": world.student.pk},
            )
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse(
                "portfolio:teacher",
                kwargs={"school_id": world.school.pk, "teacher_id": world.users["teacher"].pk},
            )
        )
    assert response.status_code == 200


def test_fill_report_counts_and_exports(client, world):
    _school_with_portfolios(world, 3)
    client.force_login(world.users["deputy"])
    fill = reverse("reports:portfolio-fill", kwargs={"school_id": world.school.pk})
    page = client.get(fill).content.decode()
    assert "Наполняемость портфолио" in page and "Ждут подтв." in page
    response = client.get(fill, {"format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "Наполняемость портфолио" in pdf_text(response.content)
    response = client.get(fill, {"format": "xlsx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    winners = reverse("reports:portfolio-honours", kwargs={"school_id": world.school.pk})
    page = client.get(winners).content.decode()
    assert "Ученик001" in page and "Ученик000" not in page  # participants are not listed
    client.force_login(world.users["teacher"])
    assert client.get(fill).status_code == 403
