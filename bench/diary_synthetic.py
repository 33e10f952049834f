"""A synthetic school for the diary benchmark while the demo school is not available.

`python bench/diary_synthetic.py` fills the database of DATABASE_URL (meant for a scratch
database): 20 classes × 25 students, each with a parent account (password demo12345),
ten subjects, a five-day timetable of six lessons, the dated lessons of the autumn, marks,
absences and homework. The benchmark prefers the demo school when it exists.
"""

import os
import random
import sys
from datetime import date, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.models import RoleGrant, User  # noqa: E402
from apps.attendance.models import AttendanceMark  # noqa: E402
from apps.classes.models import SchoolClass, Subject, TeachingAssignment  # noqa: E402
from apps.gradebook.models import Mark  # noqa: E402
from apps.gradebook.services import work_types_ensure  # noqa: E402
from apps.homework.models import Homework  # noqa: E402
from apps.schedule.models import Lesson, TimetableEntry  # noqa: E402
from apps.schedule.services import lessons_generate  # noqa: E402
from apps.school.models import AcademicYear, Bell, School, Shift, StudyPeriod  # noqa: E402
from apps.students.models import Enrollment, Guardian, Guardianship, Student  # noqa: E402

SUBJECTS = [
    "Русский язык",
    "Литература",
    "Математика",
    "Английский язык",
    "История",
    "Обществознание",
    "География",
    "Биология",
    "Физика",
    "Физкультура",
]


@transaction.atomic
def build(classes: int = 20, per_class: int = 25, seed: int = 7) -> School:
    rng = random.Random(seed)
    password = make_password("demo12345")
    school = School.objects.create(
        full_name="МБОУ «Синтетическая школа № 1»", short_name="Синт. школа № 1"
    )
    year = AcademicYear.objects.create(
        school=school,
        name="2026/2027",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31),
        status=AcademicYear.Status.OPEN,
    )
    for n, (a, b) in enumerate(
        [((9, 1), (10, 24)), ((11, 5), (12, 28)), ((1, 12), (3, 20)), ((3, 30), (5, 31))], 1
    ):
        StudyPeriod.objects.create(
            school=school,
            year=year,
            scheme="quarter",
            number=n,
            name=f"{n} четверть",
            starts_on=date(2026 + (a[0] < 9), *a),
            ends_on=date(2026 + (b[0] < 9), *b),
        )
    shift = Shift.objects.create(school=school, number=1, name="1 смена")
    for n in range(1, 8):
        start = time(8 + (n - 1), 30)
        Bell.objects.create(
            school=school,
            shift=shift,
            lesson_number=n,
            starts_at=start,
            ends_at=time(start.hour + 1, 15),
        )
    admin = User.objects.create(username="synth-admin", password=password, last_name="Админ")
    subjects = [
        Subject.objects.create(school=school, name=name, order=i) for i, name in enumerate(SUBJECTS)
    ]
    teachers = [
        User.objects.create(
            username=f"synth-teacher-{i}",
            password=password,
            last_name=f"Учитель{i}",
            first_name="Анна",
            patronymic="Петровна",
        )
        for i in range(20)
    ]
    RoleGrant.objects.bulk_create(
        RoleGrant(user=t, school=school, role="teacher") for t in teachers
    )
    work_types = work_types_ensure(school=school)
    student_no = 0
    for c in range(classes):
        school_class = SchoolClass.objects.create(
            school=school,
            year=year,
            grade=5 + c % 5,
            letter="АБВГ"[c // 5],
            class_teacher=teachers[c],
            shift=shift,
        )
        assignments = [
            TeachingAssignment.objects.create(
                school=school,
                year=year,
                teacher=teachers[(c + i) % 20],
                school_class=school_class,
                subject=s,
            )
            for i, s in enumerate(subjects)
        ]
        TimetableEntry.objects.bulk_create(
            TimetableEntry(
                school=school,
                year=year,
                assignment=assignments[(wd * 6 + n) % len(assignments)],
                weekday=wd + 1,
                lesson_number=n + 1,
                starts_on=year.starts_on,
                ends_on=year.ends_on,
            )
            for wd in range(5)
            for n in range(6)
        )
        students = Student.objects.bulk_create(
            Student(
                school=school,
                last_name=f"Ученик{student_no + i:04d}",
                first_name="Иван",
                birth_date=date(2014, 1, 1),
                sex="m",
            )
            for i in range(per_class)
        )
        parents = User.objects.bulk_create(
            User(
                username=f"synth-parent-{student_no + i}",
                password=password,
                last_name=f"Родитель{student_no + i}",
                first_name="Ольга",
            )
            for i in range(per_class)
        )
        student_no += per_class
        RoleGrant.objects.bulk_create(
            RoleGrant(user=p, school=school, role="parent") for p in parents
        )
        guardians = Guardian.objects.bulk_create(
            Guardian(school=school, user=p, last_name=p.last_name, first_name="Ольга")
            for p in parents
        )
        Guardianship.objects.bulk_create(
            Guardianship(school=school, student=s, guardian=g, relationship="mother")
            for s, g in zip(students, guardians, strict=True)
        )
        Enrollment.objects.bulk_create(
            Enrollment(
                school=school, student=s, school_class=school_class, starts_on=year.starts_on
            )
            for s in students
        )
    lessons_generate(
        acting_user=admin, year=year, date_from=year.starts_on, date_to=date(2026, 12, 28)
    )
    today = timezone.localdate()
    now = timezone.now()
    held = list(
        Lesson.objects.filter(school=school, date__lte=today).values_list(
            "pk", "assignment__school_class_id", "assignment__teacher_id"
        )
    )
    roster: dict[int, list[int]] = {}
    for e in Enrollment.objects.filter(school=school).values_list("school_class_id", "student_id"):
        roster.setdefault(e[0], []).append(e[1])
    marks, absences = [], []
    for pk, class_id, teacher_id in held:
        for sid in rng.sample(roster[class_id], 6):
            marks.append(
                Mark(
                    school=school,
                    lesson_id=pk,
                    student_id=sid,
                    work_type=rng.choice(work_types[:4]),
                    value=rng.choice("55443332"),
                    entered_at=now,
                    entered_by_id=teacher_id,
                    comment=rng.choice(["", "", "", "Молодец", "Ошибка в вычислениях"]),
                )
            )
        for sid in rng.sample(roster[class_id], 1):
            absences.append(
                AttendanceMark(
                    school=school,
                    lesson_id=pk,
                    student_id=sid,
                    kind=rng.choice("нбуп"[:3]),
                    entered_at=now,
                    entered_by_id=teacher_id,
                )
            )
    Mark.objects.bulk_create(marks, batch_size=5000)
    AttendanceMark.objects.bulk_create(absences, batch_size=5000)
    Homework.objects.bulk_create(
        (
            Homework(
                school=school,
                lesson_id=pk,
                text="Параграф 12, вопросы 1–4; упражнение 56",
                minutes=20,
                due_date=None,
                set_at=now,
                set_by_id=teacher_id,
            )
            for pk, _c, teacher_id in held
        ),
        batch_size=5000,
    )
    Lesson.objects.filter(school=school, date__lte=today).update(status=Lesson.Status.HELD)
    return school


if __name__ == "__main__":
    print(build())
