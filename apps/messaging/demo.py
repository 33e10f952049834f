"""The messaging demo step: a month of mail, board posts and events, so every role has
something to read at the first login.

Appended to DEMO_STEPS; runs after the structure and the journal. Deterministic (demo.rng),
written with bulk inserts: each class teacher wrote to the parents of their class, some
families answered; the administration wrote to the teachers; the demo parent and student
wrote to their class teacher; the board holds the deputy's daily posts, the nurse's and the
psychologist's; the calendar holds the month's school and class events.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Q

from apps.accounts.models import RoleGrant
from apps.accounts.policy import STAFF_ROLES, Role
from apps.messaging.models import Announcement, Delivery, Event, Message
from apps.students.models import Enrollment, Guardianship

CLASS_LETTERS = [
    (
        "Родительское собрание",
        "Уважаемые родители! Собрание {cls} — в четверг в 18:00, кабинет {room}. "
        "Повестка: итоги четверти, экскурсия, питание. Прошу подтвердить участие ответом.",
    ),
    (
        "Экскурсия",
        "Планируем экскурсию в краеведческий музей. Стоимость билета — 250 руб. "
        "Напишите, пожалуйста, поедет ли ваш ребёнок.",
    ),
    (
        "Итоги контрольной работы",
        "Результаты контрольной работы выставлены в журнал. Обратите внимание на отметки "
        "в дневнике; при вопросах пишите.",
    ),
]
REPLIES = [
    "Спасибо, будем обязательно.",
    "Добрый день! Ребёнок поедет, деньги передадим в понедельник.",
    "Не сможем прийти, можно ли получить информацию письменно?",
    "Спасибо за информацию.",
    "Подскажите, пожалуйста, что нужно взять с собой?",
]
STAFF_LETTERS = [
    ("director", "Педагогический совет", "Коллеги, педсовет — в среду в 15:00 в актовом зале."),
    ("deputy", "Проверка журналов", "До 20 числа заполните темы уроков и домашние задания."),
    (
        "deputy",
        "График контрольных работ",
        "Прошу внести контрольные работы второй четверти в график.",
    ),
]
BOARD = [
    (
        "deputy",
        "Расписание на неделю изменено",
        "Во вторник уроки по сокращённому расписанию: 40 минут.",
        (),
        (),
        True,
    ),
    (
        "director",
        "День открытых дверей",
        "Приглашаем родителей будущих первоклассников в субботу в 11:00.",
        (),
        (),
        False,
    ),
    (
        "medic",
        "Вакцинация против гриппа",
        "Вакцинация учащихся 1–4 классов — по согласию родителей; бланки у классных руководителей.",
        (),
        (1, 2, 3, 4),
        False,
    ),
    (
        "psychologist",
        "Консультации психолога",
        "Приём родителей по четвергам 14:00–17:00, каб. 105, по записи.",
        (Role.PARENT,),
        (),
        False,
    ),
    (
        "deputy",
        "Школьный этап олимпиад",
        "Школьный этап всероссийской олимпиады: график на стенде и на сайте.",
        (Role.STUDENT, Role.PARENT),
        (5, 6, 7, 8, 9, 10, 11),
        False,
    ),
    (
        "deputy",
        "Совещание при директоре",
        "В понедельник в 8:00 — совещание для всех сотрудников.",
        tuple(STAFF_ROLES),
        (),
        False,
    ),
    (
        "medic",
        "Медосмотр 9 классов",
        "Профилактический медосмотр 9 классов — в пятницу в поликлинике № 2.",
        (),
        (9,),
        False,
    ),
    (
        "deputy",
        "Сдача учебников",
        "Библиотека принимает учебники 11 классов до конца месяца.",
        (),
        (11,),
        False,
    ),
]
EVENTS = [
    (3, 11, "Школьный концерт", "Актовый зал", (), ()),
    (
        6,
        15,
        "Школьный этап олимпиады по математике",
        "Кабинеты 201–205",
        (),
        (5, 6, 7, 8, 9, 10, 11),
    ),
    (8, 10, "Медосмотр 9 классов", "Поликлиника № 2", (), (9,)),
    (12, 18, "Общешкольное родительское собрание", "Актовый зал", (Role.PARENT,), ()),
    (-4, 14, "Соревнования по мини-футболу", "Спортзал", (), (5, 6, 7)),
    (-10, 9, "Совещание при директоре", "Кабинет директора", tuple(STAFF_ROLES), ()),
    (17, 12, "День здоровья", "Стадион", (), ()),
]


def _school_day(day):
    """Saturday and Sunday move to the next Monday: events are on school days."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _at(school, day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=school.tz)


def populate(demo) -> None:
    school, rng, today = demo.school, demo.rng, demo.today
    if not demo.classes:
        return
    users = demo.users
    # One query each: the parents and the students of every class today, with their family.
    parents: dict[int, list[tuple[int, str]]] = defaultdict(list)
    pupils: dict[int, list[tuple[int, str]]] = defaultdict(list)
    enrolments = Enrollment.objects.filter(
        school=school, school_class__in=demo.classes, starts_on__lte=today
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    class_of = dict(enrolments.values_list("student_id", "school_class_id"))
    for guardian_user, student_id in Guardianship.objects.filter(
        student_id__in=list(class_of), guardian__user__isnull=False
    ).values_list("guardian__user_id", "student_id"):
        parents[class_of[student_id]].append((guardian_user, f"s{student_id}"))
    for student in demo.students:
        if student.user_id and student.pk in class_of:
            pupils[class_of[student.pk]].append((student.user_id, f"s{student.pk}"))

    pending: list[tuple[Message, list]] = []  # written by the next flush
    written: list[tuple[Message, list]] = []

    def letter(author_id, subject, body, people, sent_at, read_share, root=None, key="", label=""):
        seen, rows = set(), []
        for uid, family_key in people:
            if uid not in seen and uid != author_id:
                seen.add(uid)
                rows.append((uid, family_key, rng.random() < read_share))
        message = Message(
            school=school,
            author_id=author_id,
            subject=subject,
            body=body,
            sent_at=sent_at,
            root=root,
            family_key=key,
            audience_label=label,
            recipient_count=len(rows),
            read_count=sum(1 for r in rows if r[2]),
        )
        pending.append((message, rows))
        return message

    def flush():
        Message.objects.bulk_create([m for m, _rows in pending])
        written.extend(pending)
        pending.clear()

    # Class teachers to the parents of their class: the demo teacher three letters, others one.
    for school_class in demo.classes:
        if not school_class.class_teacher_id or not parents.get(school_class.pk):
            continue
        own = school_class.class_teacher_id == users["teacher"].pk
        for n, (subject, body) in enumerate(CLASS_LETTERS if own else rng.sample(CLASS_LETTERS, 1)):
            day = today - timedelta(days=rng.randint(2, 9) + 9 * n)
            letter(
                school_class.class_teacher_id,
                subject,
                body.format(cls=school_class.name, room=rng.randint(101, 312)),
                parents[school_class.pk],
                _at(school, day, rng.choice([15, 16, 17]), rng.choice([0, 20, 40])),
                0.75,
                label=f"родителям {school_class.name}",
            )
    # The administration to the teachers.
    teachers = [(t.pk, f"u{t.pk}") for t in demo.teachers]
    for login, subject, body in STAFF_LETTERS:
        if login in users:
            day = today - timedelta(days=rng.randint(1, 20))
            letter(
                users[login].pk,
                subject,
                body,
                teachers,
                _at(school, day, 9),
                0.8,
                label="всем: Учитель",
            )
    # The demo parent and student write to their class teacher.
    teacher = users["teacher"]
    asked = letter(
        users["parent"].pk,
        "Справка о болезни",
        "Добрый день! Сын болел с понедельника, справку принесём завтра.",
        [(teacher.pk, f"u{users['parent'].pk}")],
        _at(school, today - timedelta(days=1), 19),
        1.0,
        label=teacher.full_name,
    )
    letter(
        users["student"].pk,
        "Домашнее задание",
        "Здравствуйте! Подскажите, какие номера задали на четверг?",
        [(teacher.pk, f"u{users['student'].pk}")],
        _at(school, today - timedelta(days=2), 17),
        1.0,
        label=teacher.full_name,
    )
    flush()

    # Answers of some families, each in the thread of their family.
    class_teachers = {
        c.class_teacher_id: c.class_teacher.full_name for c in demo.classes if c.class_teacher_id
    }
    for root, rows in list(written):
        if not root.audience_label.startswith("родителям"):
            continue
        answering = [r for r in rows if r[2]]
        for uid, key, _read in rng.sample(answering, min(len(answering), rng.randint(0, 3))):
            sent = root.sent_at + timedelta(hours=rng.randint(1, 30))
            if sent.date() < today:
                letter(
                    uid,
                    f"Re: {root.subject}",
                    rng.choice(REPLIES),
                    [(root.author_id, key)],
                    sent,
                    0.6,
                    root=root,
                    key=key,
                    label=class_teachers.get(root.author_id, ""),
                )
    # The class teacher's answer to the demo parent waits to be read.
    letter(
        teacher.pk,
        "Re: Справка о болезни",
        "Спасибо, что предупредили. Выздоравливайте!",
        [(users["parent"].pk, asked.family_key)],
        _at(school, today, 8, 15),
        0.0,
        root=asked,
        key=f"u{users['parent'].pk}",
        label=users["parent"].full_name,
    )
    flush()
    Delivery.objects.bulk_create(
        [
            Delivery(
                school=school,
                message=message,
                recipient_id=uid,
                family_key=key or message.family_key,
                read_at=message.sent_at + timedelta(hours=rng.randint(1, 12)) if read else None,
            )
            for message, rows in written
            for uid, key, read in rows
        ],
        batch_size=5000,
    )

    _board(demo)
    _events(demo)


def _board(demo) -> None:
    school, rng, today = demo.school, demo.rng, demo.today
    users = demo.users
    grades = {c.grade for c in demo.classes}
    rows = []
    for n, (login, title, body, roles, for_grades, pinned) in enumerate(BOARD):
        author = users.get(login) or users["director"]
        picked = sorted(set(for_grades) & grades)
        rows.append(
            Announcement(
                school=school,
                author=author,
                title=title,
                body=body,
                roles=sorted(roles),
                grades=picked,
                publish_on=today - timedelta(days=n * 2 + rng.randint(0, 1)),
                ends_on=today + timedelta(days=rng.randint(7, 30)),
                pinned=pinned,
                audience_label=_label(picked, roles),
            )
        )
    demo_class = next((c for c in demo.classes if c.class_teacher_id == users["teacher"].pk), None)
    if demo_class is not None:
        rows.append(
            Announcement(
                school=school,
                author=users["teacher"],
                title=f"{demo_class.name}: сбор на экскурсию",
                body="Сбор в 9:00 у главного входа. С собой — сменная обувь и перекус.",
                class_ids=[demo_class.pk],
                publish_on=today - timedelta(days=1),
                ends_on=today + timedelta(days=6),
                audience_label=demo_class.name,
            )
        )
    Announcement.objects.bulk_create(rows)


def _events(demo) -> None:
    school, today = demo.school, demo.today
    users = demo.users
    grades = {c.grade for c in demo.classes}
    responsible = (
        RoleGrant.objects.filter(school=school, role=Role.DEPUTY)
        .values_list("user_id", flat=True)
        .first()
    )
    rows = []
    for offset, hour, title, place, roles, for_grades in EVENTS:
        starts = _at(school, _school_day(today + timedelta(days=offset)), hour)
        picked = sorted(set(for_grades) & grades)
        rows.append(
            Event(
                school=school,
                title=title,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                place=place,
                responsible_id=responsible,
                roles=sorted(roles),
                grades=picked,
                audience_label=_label(picked, roles),
                created_by=users["director"],
            )
        )
    for school_class in demo.classes:
        if school_class.class_teacher_id:
            starts = _at(school, _school_day(today + timedelta(days=(school_class.pk % 9) + 1)), 14)
            rows.append(
                Event(
                    school=school,
                    title=f"Классный час {school_class.name}",
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=45),
                    place="Классный кабинет",
                    responsible_id=school_class.class_teacher_id,
                    class_ids=[school_class.pk],
                    audience_label=school_class.name,
                    created_by_id=school_class.class_teacher_id,
                )
            )
    Event.objects.bulk_create(rows)


def _label(grades, roles) -> str:
    where = f"{', '.join(map(str, grades))} классы" if grades else "вся школа"
    if not roles:
        return where
    if set(roles) == set(STAFF_ROLES):
        return f"{where} (сотрудникам)"
    names = {Role.PARENT: "родителям", Role.STUDENT: "ученикам"}
    return f"{where} ({', '.join(names[r] for r in roles if r in names)})"
