"""Demo step of the portfolios: portraits and achievements for part of the students (a few
waiting for the class teacher), teacher categories (two expiring within six months) with
courses, awards, publications and open lessons. Bulk inserts, no files."""

from datetime import datetime, time, timedelta

from django.db import transaction

from apps.portfolio.models import Achievement, Portrait, TeacherCategory, TeacherEntry
from apps.students.models import Enrollment

EVENTS = [
    (
        "olympiad",
        "Всероссийская олимпиада школьников, школьный этап",
        ["математика", "русский язык", "биология", "история", "английский язык"],
    ),
    (
        "olympiad",
        "Всероссийская олимпиада школьников, муниципальный этап",
        ["математика", "физика", "обществознание", "литература"],
    ),
    ("olympiad", "Олимпиада «Высшая проба»", ["математика", "информатика"]),
    ("contest", "Конкурс чтецов «Живая классика»", ["литература"]),
    ("contest", "Конкурс рисунков «Мир глазами детей»", ["ИЗО"]),
    ("competition", "Президентские состязания", ["физическая культура"]),
    ("sport", "Первенство города по лёгкой атлетике", ["физическая культура"]),
    (
        "project",
        "Научно-практическая конференция «Шаг в будущее»",
        ["биология", "физика", "история"],
    ),
    ("creative", "Фестиваль детского творчества «Радуга талантов»", ["музыка"]),
]
# Events whose level follows from their name keep it; the others are held at any level.
FIXED_LEVELS = {
    "Всероссийская олимпиада школьников, школьный этап": "school",
    "Всероссийская олимпиада школьников, муниципальный этап": "municipal",
    "Президентские состязания": "school",
    "Первенство города по лёгкой атлетике": "municipal",
}
LEVEL_WEIGHTS = [
    ("school", 50),
    ("municipal", 28),
    ("regional", 14),
    ("national", 6),
    ("international", 2),
]
RESULT_WEIGHTS = [("participant", 55), ("prize", 30), ("winner", 15)]
ESSAYS = [
    "Люблю математику и шахматы, занимаюсь в секции по плаванию. Хочу стать инженером.",
    "Читаю фантастику, пишу стихи, пою в школьном хоре. Мечтаю поступить в художественную школу.",
    "Увлекаюсь программированием и робототехникой; летом собирал своего первого робота.",
    "Занимаюсь лёгкой атлетикой, помогаю младшему брату с уроками, люблю походы с семьёй.",
]
CHARACTERISTIC = (
    "Учится старательно, ответственно относится к поручениям, пользуется уважением "
    "одноклассников. Активно участвует в жизни класса и школы."
)
COURSES = [
    (
        "Реализация требований обновлённых ФГОС ООО и ФГОС СОО",
        "ГАУ ДПО «Институт развития образования»",
        36,
    ),
    ("Функциональная грамотность школьников", "Академия Минпросвещения России", 72),
    ("Оказание первой помощи", "Учебный центр «Профессионал»", 16),
    ("Цифровая образовательная среда: ФГИС «Моя школа»", "Академия Минпросвещения России", 24),
]
AWARDS = [
    "Почётная грамота Министерства просвещения",
    "Благодарность главы города",
    "Грамота управления образования",
]
PUBLICATIONS = [
    "Статья «Проектная работа на уроках» в сборнике конференции",
    "Методическая разработка на портале «Инфоурок»",
]
OPEN_LESSONS = ["Открытый урок для методического объединения", "Урок в рамках недели предмета"]


def _weighted(rng, pairs):
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


def _moment(school, day, hour=15):
    return datetime.combine(day, time(hour, 0), tzinfo=school.tz)


@transaction.atomic
def populate(demo) -> None:
    school, year, rng, today = demo.school, demo.year, demo.rng, demo.today
    students = list(demo.students)
    if not students:
        return
    class_of = {
        e.student_id: e.school_class
        for e in Enrollment.objects.filter(school_class__year=year)
        .select_related("school_class")
        .order_by("starts_on")
    }
    teachers_of: dict[int, list] = {}
    for a in demo.assignments:
        teachers_of.setdefault(a.school_class_id, []).append(a.teacher)
    last_day = min(today, year.ends_on)
    span = max((last_day - year.starts_on).days, 1)
    own = demo.users.get("student")
    portraits, achievements = [], []
    for s in students:
        school_class = class_of.get(s.pk)
        if school_class is None:
            continue
        chosen = s.user_id == getattr(own, "pk", None)
        if not chosen and rng.random() > 0.45:
            continue
        class_teacher = school_class.class_teacher
        if chosen or rng.random() < 0.7:
            portraits.append(
                Portrait(
                    school=school,
                    student=s,
                    essay=rng.choice(ESSAYS),
                    characteristic=CHARACTERISTIC if class_teacher and rng.random() < 0.5 else "",
                    characteristic_by=class_teacher if class_teacher else None,
                    updated_at=_moment(school, last_day),
                )
            )
        for i in range(3 if chosen else rng.randint(1, 3)):
            kind, event, subjects = rng.choice(EVENTS)
            day = year.starts_on + timedelta(days=rng.randint(0, span))
            pending = (chosen and i == 0) or rng.random() < 0.12
            mentor = (
                rng.choice(teachers_of.get(school_class.pk) or [class_teacher])
                if kind in ("olympiad", "project")
                else None
            )
            adder = s.user if (pending and s.user_id) else (mentor or class_teacher)
            if adder is None:
                continue
            confirmed = not pending and class_teacher is not None
            achievements.append(
                Achievement(
                    school=school,
                    student=s,
                    year=year,
                    kind=kind,
                    event=event,
                    subject=rng.choice(subjects),
                    level=FIXED_LEVELS.get(event) or _weighted(rng, LEVEL_WEIGHTS),
                    result=_weighted(rng, RESULT_WEIGHTS),
                    happened_on=day,
                    teacher=mentor,
                    added_by=adder,
                    added_at=_moment(school, day, 17),
                    confirmed_by=(mentor or class_teacher) if confirmed else None,
                    confirmed_at=_moment(school, min(day + timedelta(days=2), last_day), 18)
                    if confirmed
                    else None,
                )
            )
    Portrait.objects.bulk_create(portraits)
    Achievement.objects.bulk_create(achievements)

    categories, entries = [], []
    for i, teacher in enumerate(demo.teachers):
        if rng.random() < 0.85 or teacher == demo.users.get("teacher"):
            # Two teachers' categories expire within six months: the reminders have work.
            expires = (
                today + timedelta(days=rng.randint(60, 170))
                if i < 2
                else today + timedelta(days=rng.randint(200, 1700))
            )
            categories.append(
                TeacherCategory(
                    school=school,
                    teacher=teacher,
                    category=rng.choice(["first", "first", "highest", "fits"]),
                    assigned_on=expires.replace(year=expires.year - 5),
                    expires_on=expires,
                    order_ref=f"Приказ министерства образования области № {rng.randint(100, 2999)}-о",
                )
            )
        for title, organisation, hours in rng.sample(COURSES, rng.randint(1, 3)):
            day = today - timedelta(days=rng.randint(10, 700))
            entries.append(
                TeacherEntry(
                    school=school,
                    teacher=teacher,
                    kind="course",
                    title=title,
                    organisation=organisation,
                    hours=hours,
                    happened_on=day,
                    added_at=_moment(school, today),
                )
            )
        for kind, titles, share in (
            ("award", AWARDS, 0.3),
            ("publication", PUBLICATIONS, 0.25),
            ("open_lesson", OPEN_LESSONS, 0.5),
        ):
            if rng.random() < share:
                day = year.starts_on + timedelta(days=rng.randint(0, span))
                entries.append(
                    TeacherEntry(
                        school=school,
                        teacher=teacher,
                        kind=kind,
                        title=rng.choice(titles),
                        happened_on=day,
                        added_at=_moment(school, today),
                    )
                )
    TeacherCategory.objects.bulk_create(categories)
    TeacherEntry.objects.bulk_create(entries)
