"""ГИА: registration, choices, results by the conversion scale, the 10-day deadline, the
identity document kept from those who may not read it, reports and the certificate sheet."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.exams import services
from apps.exams.models import Candidate, ConversionScale, Exam
from apps.gradebook.models import PeriodMark
from apps.messaging.models import Notification
from apps.school import clock
from apps.school.clock import frozen
from tests import factories as f
from tests.pdf import pdf_text

MSK = ZoneInfo("Europe/Moscow")
JUNE = datetime(2027, 6, 20, 10, 0, tzinfo=MSK)


def url(world, name, **kwargs):
    return reverse(f"exams:{name}", kwargs={"school_id": world.school.pk, **kwargs})


@pytest.fixture
def gia(world):
    """A 9А of three students registered, Russian chosen by all, its scale for the year."""
    nine = f.SchoolClassFactory(year=world.year, grade=9, letter="А", shift=world.shift)
    russian = f.SubjectFactory(school=world.school, name="Русский язык")
    assignment = f.TeachingAssignmentFactory(
        school_class=nine, subject=russian, teacher=world.users["teacher"]
    )
    students = []
    for i in range(3):
        s = f.StudentFactory(school=world.school, last_name=f"Девятов{i}")
        f.EnrollmentFactory(school_class=nine, student=s)
        students.append(s)
    with frozen(datetime(2026, 10, 14, 10, 0, tzinfo=MSK)):
        assert (
            services.candidates_register(
                acting_user=world.users["deputy"],
                school=world.school,
                year=world.year,
                on=date(2026, 10, 14),
            )
            == 3
        )
    scale = ConversionScale.objects.create(
        school=world.school,
        year=world.year,
        grade=9,
        subject=russian,
        max_primary=37,
        min_3=15,
        min_4=26,
        min_5=33,
    )
    for c in Candidate.objects.all():
        services.exam_choose(acting_user=world.users["deputy"], candidate=c, subject=russian)
    return world, russian, scale, students, assignment


def _enter(world, exam, primary, when, published=date(2027, 6, 9)):
    with frozen(when):
        return services.result_enter(
            acting_user=world.users["deputy"],
            exam=exam,
            exam_on=date(2027, 5, 27),
            published_on=published,
            primary_score=primary,
            version=None,
        )


def test_registration_puts_every_ninth_and_eleventh_grader_once(gia):
    world = gia[0]
    with frozen(datetime(2026, 10, 15, 10, 0, tzinfo=MSK)):
        assert (
            services.candidates_register(
                acting_user=world.users["deputy"],
                school=world.school,
                year=world.year,
                on=date(2026, 10, 15),
            )
            == 0
        )
    assert set(Candidate.objects.values_list("form", flat=True)) == {"oge"}


def test_a_result_gets_its_mark_and_a_scale_change_recomputes_every_mark(gia):
    world, russian, scale, students, _ = gia
    exams = list(Exam.objects.order_by("candidate__student__last_name"))
    for exam, primary in zip(exams, (14, 26, 33), strict=True):
        _enter(world, exam, primary, JUNE)
    assert [e.mark for e in Exam.objects.order_by("candidate__student__last_name")] == [2, 4, 5]
    scale.min_3, scale.min_4, scale.min_5 = 10, 20, 30
    assert (
        services.scale_save(acting_user=world.users["deputy"], scale=scale, version=scale.version)
        == 3
    )
    assert [e.mark for e in Exam.objects.order_by("candidate__student__last_name")] == [3, 4, 5]


def test_a_scale_changed_through_the_page_recomputes(client, gia):
    world, russian, scale, students, _ = gia
    _enter(world, Exam.objects.first(), 25, JUNE)
    client.force_login(world.users["deputy"])
    response = client.post(
        url(world, "scales"),
        {
            "scale": scale.pk,
            "grade": 9,
            "subject": russian.pk,
            "level": "",
            "max_primary": 37,
            "min_3": 15,
            "min_4": 25,
            "min_5": 33,
            "version": scale.version,
        },
    )
    assert response.status_code == 302
    assert Exam.objects.get(primary_score=25).mark == 4
    # A stale form (another deputy changed it meanwhile) is refused.
    response = client.post(
        url(world, "scales"),
        {
            "scale": scale.pk,
            "grade": 9,
            "subject": russian.pk,
            "level": "",
            "max_primary": 37,
            "min_3": 15,
            "min_4": 20,
            "min_5": 33,
            "version": 1,
        },
    )
    assert (
        response.status_code == 400 and "изменил другой пользователь" in response.content.decode()
    )
    # Thresholds out of order: a Russian message, nothing saved.
    response = client.post(
        url(world, "scales"),
        {
            "grade": 9,
            "subject": russian.pk,
            "level": "profile",
            "max_primary": 10,
            "min_3": 8,
            "min_4": 5,
            "min_5": 9,
        },
    )
    assert response.status_code == 400 and "Пороги должны возрастать" in response.content.decode()


def test_a_result_entered_on_day_11_is_late_in_the_audit(client, gia):
    world = gia[0]
    on_time, late, missing = list(Exam.objects.order_by("candidate__student__last_name"))
    _enter(world, on_time, 30, datetime(2027, 6, 19, 18, 0, tzinfo=MSK))  # day 10
    _enter(world, late, 30, datetime(2027, 6, 20, 9, 0, tzinfo=MSK))  # day 11
    Exam.objects.filter(pk=missing.pk).update(published_on=date(2027, 6, 9))
    client.force_login(world.users["director"])
    with frozen(datetime(2027, 6, 21, 10, 0, tzinfo=MSK)):
        response = client.get(url(world, "audit"))
    page = response.content.decode()
    assert page.count('data-testid="status-late"') == 1
    assert page.count('data-testid="status-overdue"') == 1
    assert on_time.candidate.student.last_name not in page
    assert late.candidate.student.last_name in page


def test_results_reminder_before_the_deadline_once(gia):
    world = gia[0]
    Exam.objects.update(published_on=date(2027, 6, 9))
    with frozen(datetime(2027, 6, 15, 10, 0, tzinfo=MSK)):  # deadline 19 June, reminders from 16
        assert services.results_reminders_send(school=world.school, now=clock.now()) == 0
    with frozen(datetime(2027, 6, 16, 10, 0, tzinfo=MSK)):
        assert services.results_reminders_send(school=world.school, now=clock.now()) == 2
        assert services.results_reminders_send(school=world.school, now=clock.now()) == 0
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "a-deputy",
        "a-secretary",
    }


def test_the_identity_document_is_shown_to_secretary_deputy_director_only(client, gia):
    world = gia[0]
    candidate = Candidate.objects.first()
    Candidate.objects.filter(pk=candidate.pk).update(
        document_type="passport", document_number="4510 123456"
    )
    for role in ("secretary", "deputy", "director"):
        client.force_login(world.users[role])
        assert (
            "4510 123456"
            in client.get(url(world, "candidate", candidate_id=candidate.pk)).content.decode()
        )
    for role in ("teacher", "medic", "admin"):
        client.force_login(world.users[role])
        response = client.get(url(world, "candidate", candidate_id=candidate.pk))
        assert response.status_code in (403, 404) or "4510 123456" not in response.content.decode()
    # The director reads, but may not change the application.
    client.force_login(world.users["director"])
    response = client.post(url(world, "candidate", candidate_id=candidate.pk), {"form": "gve"})
    assert response.status_code == 403


def test_an_application_after_the_deadline_is_flagged(client, gia):
    world = gia[0]
    candidate = Candidate.objects.first()
    client.force_login(world.users["secretary"])
    response = client.post(
        url(world, "candidate", candidate_id=candidate.pk),
        {
            "form": "oge",
            "applied_on": "2027-03-02",
            "admission_result": "pass",
            "admission_on": "2027-02-11",
            "version": candidate.version,
        },
    )
    assert response.status_code == 302
    page = client.get(url(world, "index")).content.decode()
    assert "после срока" in page


def test_maths_of_grade_11_needs_its_level(gia):
    world = gia[0]
    maths = f.SubjectFactory(school=world.school, name="Математика (ГИА)")
    student = f.StudentFactory(school=world.school)
    candidate = Candidate.objects.create(
        school=world.school, year=world.year, student=student, grade=11, form="ege"
    )
    with pytest.raises(Exception, match="базовый или профильный"):
        services.exam_choose(acting_user=world.users["deputy"], candidate=candidate, subject=maths)
    exam = services.exam_choose(
        acting_user=world.users["deputy"], candidate=candidate, subject=maths, level="profile"
    )
    assert exam.level == "profile"


def test_reports_and_the_certificate_sheet(client, gia):
    world, russian, scale, students, assignment = gia
    for exam, primary in zip(
        Exam.objects.order_by("candidate__student__last_name"), (14, 26, 33), strict=True
    ):
        _enter(world, exam, primary, JUNE)
    now = timezone.now()
    for s, value in zip(students, ("3", "4", "4"), strict=True):
        PeriodMark.objects.create(
            school=world.school,
            assignment=assignment,
            kind="year",
            student=s,
            value=value,
            set_by=world.users["teacher"],
            entered_at=now,
            set_at=now,
        )
    client.force_login(world.users["deputy"])
    choices = client.get(
        reverse("reports:gia-choices", kwargs={"school_id": world.school.pk})
    ).content.decode()
    assert "Русский язык" in choices and "100,0" in choices
    results = client.get(reverse("reports:gia-results", kwargs={"school_id": world.school.pk}))
    page = results.content.decode()
    assert "3,67" in page  # average of 2, 4, 5 against the annual 3,67
    response = client.get(
        reverse("reports:gia-results", kwargs={"school_id": world.school.pk}), {"format": "pdf"}
    )
    assert "Русский язык" in pdf_text(response.content)
    # The certificate of the third student: year 4, ГИА 5 → the rule suggests 5 (4,5 rounds up).
    candidate = Candidate.objects.get(student=students[2])
    page = client.get(url(world, "certificate", candidate_id=candidate.pk)).content.decode()
    assert "ГИА" in page
    response = client.get(url(world, "certificate", candidate_id=candidate.pk), {"format": "pdf"})
    text = pdf_text(response.content)
    assert "Русский язык 4 5 (ГИА) 5" in text


@pytest.mark.parametrize("extra", [0, 20])
def test_gia_pages_query_counts_do_not_grow(client, gia, extra, django_assert_max_num_queries):
    world, russian, scale, students, _ = gia
    nine = Candidate.objects.first()
    school_class = students[0].enrollments.first().school_class
    for i in range(extra):
        s = f.StudentFactory(school=world.school, last_name=f"Доп{i}")
        f.EnrollmentFactory(school_class=school_class, student=s)
    with frozen(JUNE):
        services.candidates_register(
            acting_user=world.users["deputy"],
            school=world.school,
            year=world.year,
            on=date(2027, 5, 1),
        )
    for c in Candidate.objects.exclude(exams__subject=russian):
        services.exam_choose(acting_user=world.users["deputy"], candidate=c, subject=russian)
    for exam in Exam.objects.all():
        _enter(world, exam, 20, JUNE)
    client.force_login(world.users["deputy"])
    for name, kwargs in (
        ("index", {}),
        ("audit", {}),
        ("scales", {}),
        ("candidate", {"candidate_id": nine.pk}),
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url(world, name, **kwargs)).status_code == 200
    for name in ("gia-choices", "gia-results"):
        with django_assert_max_num_queries(12):
            assert (
                client.get(
                    reverse(f"reports:{name}", kwargs={"school_id": world.school.pk})
                ).status_code
                == 200
            )


def test_the_oge_in_mathematics_is_the_exam_mark_of_algebra_and_geometry(client, gia):
    world, russian, scale, students, assignment = gia
    nine = assignment.school_class
    algebra = f.SubjectFactory(school=world.school, name="Алгебра")
    f.TeachingAssignmentFactory(school_class=nine, subject=algebra, teacher=world.users["teacher"])
    maths = world.subject  # «Математика»
    ConversionScale.objects.create(
        school=world.school,
        year=world.year,
        grade=9,
        subject=maths,
        max_primary=31,
        min_3=8,
        min_4=15,
        min_5=22,
    )
    candidate = Candidate.objects.get(student=students[0])
    exam = services.exam_choose(
        acting_user=world.users["deputy"], candidate=candidate, subject=maths
    )
    _enter(world, exam, 23, JUNE)
    client.force_login(world.users["secretary"])
    response = client.get(url(world, "certificate", candidate_id=candidate.pk), {"format": "pdf"})
    assert "Алгебра — 5 (ГИА) 5" in pdf_text(response.content)


def test_ovz_from_the_health_sheet_for_the_secretary_with_the_read_logged(client, gia):
    from apps.care.models import HealthRecord, SpecialReadLog

    world, russian, scale, students, _ = gia
    candidate = Candidate.objects.get(student=students[0])
    HealthRecord.objects.create(
        school=world.school,
        year=world.year,
        student=students[0],
        health_group="2",
        pe_group="main",
        ovz=True,
        pmpk_number="ПМПК-17",
        pmpk_conditions="Увеличение времени на 1,5 часа",
        updated_at=timezone.now(),
        updated_by=world.users["medic"],
    )
    client.force_login(world.users["deputy"])  # keeps the ГИА, reads no health data
    assert (
        "Увеличение времени"
        not in client.get(url(world, "candidate", candidate_id=candidate.pk)).content.decode()
    )
    assert not SpecialReadLog.objects.exists()
    client.force_login(world.users["secretary"])
    page = client.get(url(world, "candidate", candidate_id=candidate.pk)).content.decode()
    assert "Увеличение времени на 1,5 часа" in page and "ПМПК-17" in page
    assert SpecialReadLog.objects.filter(reader=world.users["secretary"]).count() == 1


def test_the_audit_of_a_past_year(client, gia):
    world = gia[0]
    exam = Exam.objects.first()
    _enter(world, exam, 30, datetime(2027, 6, 25, 9, 0, tzinfo=MSK))
    past = f.AcademicYearFactory(
        school=world.school,
        name="2025/2026",
        starts_on=date(2025, 9, 1),
        ends_on=date(2026, 5, 31),
        status="closed",
    )
    client.force_login(world.users["deputy"])
    page = client.get(url(world, "audit"), {"year": world.year.pk}).content.decode()
    assert 'data-testid="status-late"' in page
    page = client.get(url(world, "audit"), {"year": past.pk}).content.decode()
    assert 'data-testid="status-late"' not in page and "2025/2026" in page
