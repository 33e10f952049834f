"""Demo step of repair requests: a month of what breaks in a school, filed by the staff and
worked by the caretaker, so the technical staff find a queue on their first login and the
authors find the answers in their notifications. Bulk inserts."""

from datetime import datetime, time, timedelta

from django.urls import reverse

from apps.facilities.models import RepairRequest
from apps.messaging.models import Notification

FAULTS = [
    ("каб. 204", "Не включается проектор, индикатор мигает красным", "urgent"),
    ("каб. 112", "Не закрывается окно, дует на первую парту", "normal"),
    ("спортзал", "Порвана сетка на баскетбольном кольце", "low"),
    ("2 этаж, туалет для девочек", "Течёт смеситель, вода на полу", "urgent"),
    ("каб. 305", "Перегорели две лампы над доской", "normal"),
    ("столовая", "Сломан замок на двери в моечную", "normal"),
    ("каб. 218", "Шатается парта у окна, отклеилась столешница", "low"),
    ("медкабинет", "Не работает розетка у кушетки", "normal"),
    ("каб. 101", "Интерактивная доска не реагирует на касания", "normal"),
    ("лестница у главного входа", "Отошла плитка на третьей ступени", "urgent"),
    ("каб. 407 (информатика)", "Не работает сетевая розетка у места № 6", "normal"),
    ("актовый зал", "Не открывается штора на окне сцены", "low"),
    ("каб. 210", "Скрипит и не закрывается дверь класса", "low"),
    ("гардероб", "Сломаны три крючка в секции 5-х классов", "low"),
    ("каб. 120", "Батарея холодная, в классе +16", "urgent"),
    ("библиотека", "Сломалась полка стеллажа с учебниками", "normal"),
]
COMMENTS = {
    RepairRequest.Status.DONE: [
        "Заменили лампу проектора.",
        "Отремонтировано.",
        "Заменили смеситель.",
        "Сделано, проверьте, пожалуйста.",
    ],
    RepairRequest.Status.REFUSED: [
        "Нужна замена окна целиком: включено в план ремонта на лето.",
    ],
    RepairRequest.Status.IN_WORK: ["Заказали деталь, ждём поставку."],
}


def populate(demo) -> None:
    school, rng, tz = demo.school, demo.rng, demo.school.tz
    caretaker = demo.users.get("technical")
    if caretaker is None:
        return
    authors = [
        demo.users[k] for k in ("teacher", "secretary", "medic", "deputy") if k in demo.users
    ]
    authors += demo.teachers[:10]
    rows = []
    span = 30
    for i, (room, problem, urgency) in enumerate(FAULTS):
        days_ago = span - i * span // len(FAULTS)
        created = datetime.combine(
            demo.today - timedelta(days=days_ago), time(8 + rng.randrange(8), rng.randrange(60)), tz
        )
        if days_ago > 10:
            status = RepairRequest.Status.REFUSED if i == 1 else RepairRequest.Status.DONE
        elif days_ago > 4:
            status = rng.choice([RepairRequest.Status.DONE, RepairRequest.Status.IN_WORK])
        else:
            status = rng.choice(
                [RepairRequest.Status.NEW, RepairRequest.Status.NEW, RepairRequest.Status.IN_WORK]
            )
        closed = status in (RepairRequest.Status.DONE, RepairRequest.Status.REFUSED)
        changed = created + timedelta(hours=rng.randrange(2, 48)) if status != "new" else created
        rows.append(
            RepairRequest(
                school=school,
                author=demo.users["teacher"] if i in (0, 9) else rng.choice(authors),
                room=room,
                problem=problem,
                urgency=urgency,
                status=status,
                comment=rng.choice(COMMENTS[status]) if status in COMMENTS else "",
                handled_by=caretaker if status != "new" else None,
                created_at=created,
                changed_at=changed,
                closed_at=changed if closed else None,
                version=1 if status == "new" else 2,
            )
        )
    rows = RepairRequest.objects.bulk_create(rows)
    Notification.objects.bulk_create(
        Notification(
            school=school,
            user=r.author,
            title=f"Заявка «{r.room}»: {r.get_status_display()}"[:200],
            body=r.comment,
            link=reverse("facilities:detail", kwargs={"school_id": school.pk, "pk": r.pk}),
            dedupe_key=f"repair:{r.pk}:v{r.version}",
            read_at=r.changed_at
            if r.closed_at and r.changed_at.date() < demo.today - timedelta(days=7)
            else None,
        )
        for r in rows
        if r.status != RepairRequest.Status.NEW and r.author_id != caretaker.pk
    )
