"""The fault suite: Redis stopped, database connections killed, a worker killed, two
directors signing at once. Each test prints the counts it checks."""

import random
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.urls import reverse

from apps.attendance.models import AttendanceMark
from apps.gradebook.models import Mark
from apps.gradebook.selectors import journal_cell
from apps.gradebook.services import work_types_ensure
from apps.messaging.models import Notification
from apps.messaging.services import notification_emails_pending, notify
from apps.orders import services as order_services
from apps.orders.models import Order, OrderKind
from apps.reports.models import ExportJob
from apps.reports.services import export_job_start
from config.cache import GuardedRedisCache
from tests import factories as f
from tests.conftest import build_school_world
from tests.faults.conftest import Browser
from tests.integration.conftest import (
    TRANSPORT_OPTIONS,
    VISIBILITY_TIMEOUT,
    Worker,
    _configure_producer,
    wait_until,
)

PASSWORD = "пароль-для-тестов"
MONDAY = "2026-09-07"


def _journal(world, students: int, lessons: int):
    from datetime import date

    work_type = work_types_ensure(school=world.school)[0]
    roster = [world.student] + [
        f.EnrollmentFactory(school_class=world.school_class).student for _i in range(students - 1)
    ]
    days = [date(2026, 9, 7) + timedelta(days=7 * i) for i in range(lessons)]
    held = [f.LessonFactory(assignment=world.assignment, date=d) for d in days]
    return work_type, roster, held


def _cell(client_post, world, lesson, student, value, work_type):
    token = journal_cell(lesson=lesson, student=student).token
    return client_post(
        reverse("journal:cell", args=[world.school.pk]),
        {
            "lesson": lesson.pk,
            "student": student.pk,
            "value": value,
            "token": token,
            "work_type": work_type.pk,
        },
    )


# --- Redis stopped -----------------------------------------------------------------------


@pytest.fixture
def app_on_private_redis(settings, private_redis, tmp_path):
    """The app's cache and broker on a Redis of our own, as production has them."""
    from config.celery import app as celery_app

    keys = ("broker_url", "task_always_eager", "task_default_queue", "broker_transport_options")
    previous = {key: celery_app.conf[key] for key in keys}
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.GuardedRedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.REDIS_URL = private_redis.url
    queue = f"faults-{private_redis.port}"
    _configure_producer(
        broker_url=private_redis.url,
        task_always_eager=False,
        task_default_queue=queue,
        broker_transport_options=TRANSPORT_OPTIONS,
        broker_connection_timeout=1,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )
    GuardedRedisCache.reset()
    yield private_redis, queue
    GuardedRedisCache.reset()
    _configure_producer(**previous)


def test_teachers_and_parents_keep_working_while_redis_is_down(
    client, transactional_db, app_on_private_redis, tmp_path
):
    redis, queue = app_on_private_redis
    world = build_school_world("fr")
    work_type, roster, lessons = _journal(world, students=6, lessons=3)
    grid = reverse("journal:grid", args=[world.school.pk, world.assignment.pk])
    diary = reverse("diary:week", args=[world.school.pk, world.student.pk]) + f"?d={MONDAY}"
    login = reverse("accounts:login")
    saved: dict[tuple[int, int], str] = {}
    answers = {"before": 0, "during": 0, "after": 0}

    def save_round(phase, lesson, values):
        for student, value in zip(roster, values, strict=False):
            response = _cell(client.post, world, lesson, student, value, work_type)
            assert response.status_code == 200, (phase, response.status_code)
            saved[(lesson.pk, student.pk)] = value
            answers[phase] += 1

    assert client.post(login, {"username": "fr-teacher", "password": PASSWORD}).status_code == 302
    assert client.get(grid).status_code == 200
    save_round("before", lessons[0], ["5", "4", "н", "3", "5", "б"])

    redis.stop()  # Redis crashes in the middle of the lesson
    down_started = time.monotonic()
    assert client.get(grid).status_code == 200
    save_round("during", lessons[1], ["4", "н", "5", "5", "оп", "2"])
    client.logout()
    # A teacher who logs in now gets in: sessions live in the database.
    assert client.post(login, {"username": "fr-teacher", "password": PASSWORD}).status_code == 302
    assert client.get(grid).status_code == 200
    save_round("during", lessons[2], ["3", "3", "5"])
    # A parent reads the diary.
    client.logout()
    assert client.post(login, {"username": "fr-parent", "password": PASSWORD}).status_code == 302
    week = client.get(diary)
    assert week.status_code == 200 and "Математика" in week.content.decode()
    answers["during"] += 2
    # Mail meant for the worker is kept, not lost and not an error.
    world.users["parent"].email = "parent@example.org"
    world.users["parent"].save(update_fields=["email"])
    notification = notify(
        school=world.school,
        user=world.users["parent"],
        title="Новая отметка",
        dedupe_key="faults:redis-down",
        email=True,
    )
    # The deputy's export waits with a notice instead of «0 %» forever.
    client.logout()
    assert client.post(login, {"username": "fr-deputy", "password": PASSWORD}).status_code == 302
    job = export_job_start(
        acting_user=world.users["deputy"],
        school=world.school,
        kind=ExportJob.Kind.SCHOOL_YEAR,
        params={"year": world.year.pk},
    )
    status_page = client.get(reverse("reports:export", args=[world.school.pk, job.pk]))
    assert "Сервер фоновых задач сейчас недоступен" in status_page.content.decode()
    down_for = time.monotonic() - down_started
    health = client.get("/healthz/ready").json()
    assert health == {"status": "degraded", "database": "ok", "redis": "unavailable"}

    redis.start()  # Redis is back
    GuardedRedisCache.reset()
    assert client.get("/healthz/ready").json()["redis"] == "ok"
    worker = Worker(redis.url, queue, tmp_path / "mail")
    worker.mail_dir.mkdir()
    worker.start()
    try:
        assert notification_emails_pending(older_than=timedelta(0)) == 1
        assert wait_until(
            lambda: Notification.objects.get(pk=notification.pk).emailed_at is not None, 60
        )
        client.get(reverse("reports:export", args=[world.school.pk, job.pk]))  # offered again
        from apps.reports.services import export_jobs_requeue
        from apps.school import clock

        export_jobs_requeue(now=clock.now() + timedelta(minutes=2))
        assert wait_until(
            lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE, 90
        ), ExportJob.objects.get(pk=job.pk).status
    finally:
        worker.stop()
    client.logout()
    assert client.post(login, {"username": "fr-teacher", "password": PASSWORD}).status_code == 302
    save_round("after", lessons[0], ["4"])
    # Nothing saved is lost: every acknowledged cell is in the journal.
    for (lesson_id, student_id), value in saved.items():
        if value in ("н", "б", "уп", "оп"):
            assert AttendanceMark.objects.filter(
                lesson_id=lesson_id, student_id=student_id
            ).exists()
        else:
            assert Mark.objects.filter(
                lesson_id=lesson_id, student_id=student_id, value=value
            ).exists(), (lesson_id, student_id, value)
    print(
        f"\nredis down {down_for:.1f}s: saves before {answers['before']}, during "
        f"{answers['during']} (+ logins, a diary read), after {answers['after']}; "
        f"{len(saved)} cells checked in the database, 1 e-mail kept and sent later, "
        f"1 export waited and was built"
    )


# --- database connections killed -----------------------------------------------------------


def _kill_web_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity "
            "WHERE application_name = 'faults-web' AND pid <> pg_backend_pid() "
            "ORDER BY random() LIMIT 1) AS victim"
        )
        return cursor.fetchone()[0]


def test_killed_database_connections_lose_no_acknowledged_write(web_server, transactional_db):
    world = build_school_world("fd")
    work_type, roster, lessons = _journal(world, students=8, lessons=4)
    cells = [(lesson, student) for lesson in lessons for student in roster]
    values = ["5", "4", "3", "2", "н"]
    results: list[tuple[int, int, str, int, str]] = []
    lock = threading.Lock()

    thread_errors = []

    def teacher(browser, cells_part):
        try:
            _teacher(browser, cells_part)
        except Exception as error:  # reported by the main thread
            thread_errors.append(repr(error))
        finally:
            connections.close_all()

    def _teacher(browser, cells_part):
        for n, (lesson, student) in enumerate(cells_part):
            value = values[n % len(values)]
            status, body = _cell(
                lambda url, data: browser.request(url, data),
                world,
                lesson,
                student,
                value,
                work_type,
            )
            with lock:
                results.append((lesson.pk, student.pk, value, status, body))

    killed = []
    stop = threading.Event()

    def killer():
        while not stop.is_set():
            killed.append(_kill_web_connections())
            time.sleep(random.uniform(0.2, 1.2))
        connections.close_all()

    parts = [cells[i::2] for i in range(2)]
    browsers = [Browser(web_server.url) for _p in parts]
    assert all(b.login("fd-teacher", PASSWORD) == 302 for b in browsers)
    threads = [
        threading.Thread(target=teacher, args=(b, p)) for b, p in zip(browsers, parts, strict=True)
    ]
    murderer = threading.Thread(target=killer)
    murderer.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    murderer.join()

    assert not thread_errors, thread_errors
    acknowledged = [r for r in results if r[3] == 200]
    refused = [r for r in results if r[3] != 200]
    # An error is shown as an error: never a 2xx page without the saved cell.
    for _l, _s, _v, status, _b in refused:
        assert status >= 400, status
    for _l, _s, _v, _status, body in acknowledged:
        assert "<td" in body or "data-" in body
    # No acknowledged write is lost.
    for lesson_id, student_id, value, _status, _body in acknowledged:
        if value == "н":
            assert AttendanceMark.objects.filter(
                lesson_id=lesson_id, student_id=student_id
            ).exists()
        else:
            assert Mark.objects.filter(
                lesson_id=lesson_id, student_id=student_id, value=value
            ).exists(), (lesson_id, student_id, value)
    print(
        f"\nkilled {sum(killed)} database connections during {len(results)} cell saves: "
        f"{len(acknowledged)} acknowledged and found in the database, {len(refused)} "
        f"answered as errors ({sorted({r[3] for r in refused})})"
    )
    assert sum(killed) > 0 and acknowledged


# --- a worker killed while building an export --------------------------------------------


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture
def worker_sharing_media(transactional_db, request, monkeypatch, settings):
    """The real worker writing its files where this test reads them."""
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    return request.getfixturevalue("celery_worker_process")


def test_an_export_whose_worker_is_killed_is_built_once_on_redelivery(
    worker_sharing_media, settings
):
    from django.db import transaction

    world = build_school_world("fw")
    f.EnrollmentFactory(school_class=world.school_class)
    worker = worker_sharing_media
    job = ExportJob.objects.create(
        school=world.school,
        kind=ExportJob.Kind.SCHOOL_YEAR,
        params={"year": world.year.pk},
        created_by=world.users["deputy"],
    )
    # The worker claims the job, then waits for the class list we hold: kill it there.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE classes_schoolclass IN ACCESS EXCLUSIVE MODE")
        from apps.reports.tasks import export_build

        export_build.delay(job.pk)
        assert wait_until(
            lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING, 90
        ), worker.log.read_text()[-3000:] if worker.log.exists() else "no worker log"
        assert wait_until(_waiting_on_a_lock, timeout=60)
        worker.kill()  # in the middle of the build
    running = ExportJob.objects.get(pk=job.pk)
    assert running.status == ExportJob.Status.RUNNING and not running.file
    time.sleep(VISIBILITY_TIMEOUT + 1)
    worker.start()
    assert wait_until(
        lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE, 120
    ), ExportJob.objects.get(pk=job.pk).status
    done = ExportJob.objects.get(pk=job.pk)
    files = list((settings.MEDIA_ROOT / "exports" / str(world.school.pk)).glob("*.xlsx"))
    assert len(files) == 1 and done.file.name.endswith(files[0].name)
    # Delivered again (a retry, a second click): nothing is built twice.
    export_build.delay(job.pk)
    time.sleep(3)
    assert len(list((settings.MEDIA_ROOT / "exports" / str(world.school.pk)).glob("*.xlsx"))) == 1
    print(f"\nworker killed mid-export; redelivered task built it: 1 job done, {len(files)} file")


# --- two directors signing at once -----------------------------------------------------------


def test_two_directors_signing_at_once_get_unique_gapless_numbers(transactional_db):
    world = build_school_world("fs")
    second = f.UserFactory(username="fs-director-2")
    f.RoleGrantFactory(user=second, school=world.school, role="director")
    directors = [world.users["director"], second]
    rounds = 6
    orders = []
    for _i in range(rounds * 2):
        student = f.EnrollmentFactory(school_class=world.school_class).student
        order = order_services.order_draft(
            acting_user=world.users["secretary"],
            school=world.school,
            year=world.year,
            kind=OrderKind.LEAVING,
            order_date=world.year.starts_on + timedelta(days=30),
        )
        order_services.order_item_add(
            acting_user=world.users["secretary"],
            order=order,
            student=student,
            destination="СОШ № 5",
        )
        orders.append(order)
    errors = []

    def sign(order, director, barrier):
        try:
            barrier.wait(timeout=30)
            order_services.order_sign(acting_user=director, order=order)
        except Exception as error:  # collected and reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    for r in range(rounds):
        barrier = threading.Barrier(2)
        pair = orders[2 * r : 2 * r + 2]
        threads = [
            threading.Thread(target=sign, args=(o, d, barrier))
            for o, d in zip(pair, directors, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    numbers = list(
        Order.objects.filter(school=world.school)
        .order_by("sequence")
        .values_list("sequence", "number")
    )
    sequences = [s for s, _n in numbers]
    assert sequences == list(range(1, rounds * 2 + 1))
    assert len({n for _s, n in numbers}) == rounds * 2
    print(
        f"\n{rounds} rounds of two directors signing at once: {len(sequences)} numbers, unique and gapless"
    )
