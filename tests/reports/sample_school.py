"""A small school with three months of a kept — and sometimes badly kept — journal, for the
browser pages and their screenshots. Deterministic (a seeded random), written in bulk."""

import random
from datetime import date, datetime, time, timedelta

from apps.accounts.models import ActivityEvent, RoleGrant
from apps.attendance.models import AttendanceMark
from apps.gradebook.models import Mark, PeriodMark
from apps.gradebook.services import work_types_ensure
from apps.homework.models import Homework
from apps.schedule.models import Lesson, PlanTopic
from apps.school.models import StudyPeriod
from apps.students.models import Enrollment, Guardian, Guardianship, Student
from tests import factories as f

PASSWORD = "пароль-для-тестов"
BELLS = [
    (time(8, 30), time(9, 15)),
    (time(9, 25), time(10, 10)),
    (time(10, 25), time(11, 10)),
    (time(11, 25), time(12, 10)),
    (time(12, 20), time(13, 5)),
]
SURNAMES = [
    "Алексеев",
    "Борисова",
    "Васильев",
    "Григорьева",
    "Дмитриев",
    "Егорова",
    "Жуков",
    "Зайцева",
    "Ильин",
    "Киселёва",
    "Лебедев",
    "Морозова",
    "Никитин",
    "Орлова",
    "Павлов",
    "Романова",
]
TOPICS = [
    "Натуральные числа",
    "Сложение и вычитание",
    "Умножение",
    "Деление с остатком",
    "Дроби",
    "Проценты",
    "Уравнения",
    "Периметр и площадь",
    "Повторение",
    "Контрольная работа",
]


SUBJECT_NAMES = (
    "Математика",
    "Русский язык",
    "История",
    "Биология",
    "Литература",
    "Английский язык",
    "География",
    "Физика",
    "Информатика",
    "Физическая культура",
)


def build_sample_school(
    *,
    seed: int = 7,
    until: date = date(2026, 11, 20),
    students_per_class: int = 12,
    classes: int = 3,
    subjects: int = 4,
):
    """`classes` > 3 and `subjects` > 4 make a school of benchmark size (28 × 10 is ~700 students)."""
    rng = random.Random(seed)
    school = f.SchoolFactory(
        full_name="Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 7»",
        short_name="СОШ № 7",
        time_zone="Asia/Yekaterinburg",
    )
    year = f.AcademicYearFactory(school=school)
    tz = school.tz
    users = {}
    for login, role, last, first, patronymic in (
        ("deputy", "deputy", "Кузнецова", "Елена", "Викторовна"),
        ("director", "director", "Смирнов", "Андрей", "Павлович"),
        ("t-math", "teacher", "Соколова", "Мария", "Ивановна"),
        ("t-rus", "teacher", "Попова", "Ольга", "Сергеевна"),
        ("t-hist", "teacher", "Петров", "Игорь", "Николаевич"),
        ("t-bio", "teacher", "Волкова", "Анна", "Дмитриевна"),
        ("parent", "parent", "Алексеева", "Светлана", "Юрьевна"),
    ):
        users[login] = f.UserFactory(
            username=login,
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            email=f"{login}@example.org",
        )
        RoleGrant.objects.create(user=users[login], school=school, role=role)
    school.director = users["director"]
    school.save(update_fields=["director"])
    shift = f.ShiftFactory(school=school)
    q1 = StudyPeriod.objects.create(
        school=school,
        year=year,
        scheme="quarter",
        number=1,
        name="1 четверть",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 10, 24),
    )
    StudyPeriod.objects.create(
        school=school,
        year=year,
        scheme="quarter",
        number=2,
        name="2 четверть",
        starts_on=date(2026, 11, 5),
        ends_on=date(2026, 12, 28),
    )
    f.HolidayFactory(year=year, starts_on=date(2026, 10, 26), ends_on=date(2026, 11, 4))
    work_types = {wt.name: wt for wt in work_types_ensure(school=school)}
    subject_count, class_count = subjects, classes
    subjects = [
        f.SubjectFactory(school=school, name=n, order=i)
        for i, n in enumerate(SUBJECT_NAMES[:subject_count], start=1)
    ]
    staff = [users["t-math"], users["t-rus"], users["t-hist"], users["t-bio"]]
    for i in range(max(0, subject_count - 4)):
        extra = f.UserFactory(
            username=f"t-extra{i}", last_name=f"Учителев{i}", first_name="Пётр", patronymic="Ильич"
        )
        RoleGrant.objects.create(user=extra, school=school, role="teacher")
        staff.append(extra)
    teacher_of = dict(zip(subjects, staff, strict=False))
    classes = [
        f.SchoolClassFactory(
            year=year, grade=5, letter="А", class_teacher=users["t-math"], shift=shift
        ),
        f.SchoolClassFactory(
            year=year, grade=5, letter="Б", class_teacher=users["t-rus"], shift=shift
        ),
        f.SchoolClassFactory(
            year=year, grade=9, letter="А", class_teacher=users["t-hist"], shift=shift
        ),
    ][:class_count]
    for i in range(max(0, class_count - 3)):
        classes.append(
            f.SchoolClassFactory(year=year, grade=5 + i % 7, letter="ВГДЕЖ"[i // 7], shift=shift)
        )
    careless = {users["t-hist"]: 0.35, users["t-bio"]: 0.15}  # share of lessons left unkept
    lessons, marks, absences, homework, period_marks, plan = [], [], [], [], [], []
    students_of = {}
    n = 0
    for cls in classes:
        kids = Student.objects.bulk_create(
            Student(
                school=school,
                last_name=SURNAMES[(i + n) % len(SURNAMES)] + ("" if i < len(SURNAMES) else str(i)),
                first_name=rng.choice(["Иван", "Мария", "Артём", "Софья", "Дарья", "Максим"]),
                patronymic=rng.choice(["Сергеевич", "Андреевна", "Олегович", "Ильинична"]),
                birth_date=date(2015 - (cls.grade - 5), 3, 1 + i),
                sex="m",
            )
            for i in range(students_per_class)
        )
        n += 3
        Enrollment.objects.bulk_create(
            Enrollment(school=school, student=s, school_class=cls, starts_on=year.starts_on)
            for s in kids
        )
        students_of[cls.pk] = kids
        for number, subject in enumerate(subjects):
            a = f.TeachingAssignmentFactory(
                school_class=cls, subject=subject, teacher=teacher_of[subject]
            )
            if teacher_of[subject] != users["t-bio"]:
                plan += [
                    PlanTopic(
                        school=school,
                        assignment=a,
                        position=p + 1,
                        title=TOPICS[p],
                        hours=6,
                        planned_on=date(2026, 9, 1) + timedelta(days=9 * p),
                    )
                    for p in range(len(TOPICS))
                ]
            day = year.starts_on
            while day <= until:
                if day.isoweekday() <= 5 and not (date(2026, 10, 26) <= day <= date(2026, 11, 4)):
                    starts, ends = BELLS[number % len(BELLS)]
                    if number >= len(BELLS) and (day.toordinal() + number) % 2:
                        day += timedelta(days=1)
                        continue  # six or seven lessons a day at most: the later subjects every other day
                    lessons.append(
                        (
                            a,
                            Lesson(
                                school=school,
                                assignment=a,
                                date=day,
                                lesson_number=number + 1,
                                starts_at=starts,
                                ends_at=ends,
                                status=Lesson.Status.HELD,
                            ),
                        )
                    )
                day += timedelta(days=1)
    PlanTopic.objects.bulk_create(plan)
    Lesson.objects.bulk_create([lesson for _a, lesson in lessons])
    cancelled = set(rng.sample(range(len(lessons)), 6))
    for index, (a, lesson) in enumerate(lessons):
        start = datetime.combine(lesson.date, lesson.starts_at, tzinfo=tz)
        if index in cancelled:
            lesson.status, lesson.cancel_reason = Lesson.Status.CANCELLED, "Карантин по гриппу"
            continue
        sloppy = rng.random() < careless.get(a.teacher, 0.03)
        lesson.topic = "" if sloppy else TOPICS[(index // 12) % len(TOPICS)]
        if lesson.topic:
            lesson.topic_set_at = start + timedelta(minutes=20)
        if not sloppy:
            late = rng.random() < 0.08
            lesson.attendance_taken_at = start + timedelta(
                minutes=14 if late else rng.randint(1, 8)
            )
            lesson.attendance_taken_by = a.teacher
        kids = students_of[a.school_class_id]
        control = index % 12 == 11
        for s in rng.sample(kids, 4 if not control else len(kids)):
            kind = "Контрольная работа" if control else "Ответ на уроке"
            delay = (
                timedelta(days=rng.choice([1, 2, 3, 5]))
                if control
                else timedelta(hours=1 if rng.random() > 0.05 else 30)
            )
            marks.append(
                Mark(
                    school=school,
                    lesson=lesson,
                    student=s,
                    work_type=work_types[kind],
                    value=rng.choices("5432", weights=[35, 40, 20, 5])[0],
                    entered_at=start + delay,
                    entered_by=a.teacher,
                )
            )
        for s in rng.sample(kids, 1):
            if rng.random() < 0.35:
                absences.append(
                    AttendanceMark(
                        school=school,
                        lesson=lesson,
                        student=s,
                        kind=rng.choice(["н", "б", "б", "уп", "оп"]),
                        entered_at=start + timedelta(minutes=5),
                        entered_by=a.teacher,
                    )
                )
        if not sloppy and rng.random() < 0.9:
            homework.append(
                Homework(
                    school=school,
                    lesson=lesson,
                    text=f"§ {index % 30 + 1}, упражнения {index % 7 + 1}–{index % 7 + 3}",
                    minutes=rng.choice([20, 30, 40, 45]),
                    set_at=start
                    + (timedelta(hours=7) if rng.random() < 0.05 else timedelta(minutes=40)),
                    set_by=a.teacher,
                )
            )
    Lesson.objects.bulk_update(
        [lesson for _a, lesson in lessons],
        [
            "status",
            "cancel_reason",
            "topic",
            "topic_set_at",
            "attendance_taken_at",
            "attendance_taken_by",
        ],
    )
    Mark.objects.bulk_create(marks, ignore_conflicts=True)
    AttendanceMark.objects.bulk_create(absences, ignore_conflicts=True)
    Homework.objects.bulk_create(homework)
    deadline = datetime.combine(date(2026, 10, 30), time(15, 0), tzinfo=tz)
    for a, _lesson in {a.pk: (a, None) for a, _l in lessons}.values():
        if a.teacher == users["t-bio"] and a.school_class.grade == 9:
            continue  # never set: shows as missing
        for s in students_of[a.school_class_id]:
            late = a.teacher == users["t-hist"] and rng.random() < 0.3
            period_marks.append(
                PeriodMark(
                    school=school,
                    assignment=a,
                    kind="period",
                    period=q1,
                    student=s,
                    value=rng.choices("5432", weights=[30, 45, 22, 3])[0],
                    set_by=a.teacher,
                    entered_at=deadline + timedelta(days=6 if late else 0),
                    set_at=deadline,
                )
            )
    PeriodMark.objects.bulk_create(period_marks)
    guardian = Guardian.objects.create(
        school=school, user=users["parent"], last_name="Алексеева", first_name="Светлана"
    )
    Guardianship.objects.create(
        school=school,
        student=students_of[classes[0].pk][0],
        guardian=guardian,
        relationship="mother",
    )
    events = []
    for d in range(1, 30):
        day = date(2026, 10, d)
        for login in ("t-math", "t-rus", "t-hist", "deputy", "parent"):
            if rng.random() < 0.7:
                events.append(
                    (
                        users[login],
                        "login",
                        None,
                        datetime.combine(day, time(8, rng.randint(0, 59)), tzinfo=tz),
                    )
                )
        if rng.random() < 0.5:
            events.append(
                (
                    users["parent"],
                    "diary_view",
                    students_of[classes[0].pk][0],
                    datetime.combine(day, time(19, 5), tzinfo=tz),
                )
            )
    created = ActivityEvent.objects.bulk_create(
        ActivityEvent(user=u, kind=k, school=school if k == "diary_view" else None, student=s)
        for u, k, s, _at in events
    )
    for event, (_u, _k, _s, at) in zip(created, events, strict=True):
        ActivityEvent.objects.filter(pk=event.pk).update(at=at)
    return {
        "school": school,
        "year": year,
        "users": users,
        "classes": classes,
        "q1": q1,
        "students": students_of,
        "subjects": subjects,
    }
