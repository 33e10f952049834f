"""Demo step of the document store and the catalogue: the documents a school publishes and
keeps (the charter, the licence, local acts with an earlier edition, forms), and a month of
teaching materials of the demo teacher and colleagues, shared and private. Files are small
real PDFs; materials are mostly links, bulk inserted."""

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile

from apps.documents import services
from apps.documents.models import Resource
from apps.orders.models import SchoolDocument

C, V = SchoolDocument.Category, SchoolDocument.Visibility
# (title, category, visibility, roles, days before today, editions)
DOCUMENTS = [
    ("Устав МБОУ «СОШ № 17»", C.PUBLIC, V.PUBLIC, [], 400, 2),
    ("Лицензия на осуществление образовательной деятельности", C.PUBLIC, V.PUBLIC, [], 380, 1),
    ("Отчёт о результатах самообследования за 2025 год", C.PUBLIC, V.PUBLIC, [], 60, 1),
    ("Правила приёма на обучение", C.PUBLIC, V.PUBLIC, [], 90, 1),
    ("Положение о текущем контроле и промежуточной аттестации", C.REGULATIONS, V.STAFF, [], 95, 2),
    ("Положение о ведении электронного журнала", C.REGULATIONS, V.STAFF, [], 95, 1),
    ("Правила внутреннего распорядка обучающихся", C.REGULATIONS, V.PUBLIC, [], 95, 1),
    ("Положение о школьной форме", C.REGULATIONS, V.ROLES, ["parent", "teacher", "student"], 30, 1),
    (
        "ФГОС основного общего образования (приказ Минпросвещения № 287)",
        C.NORMATIVE,
        V.STAFF,
        [],
        120,
        1,
    ),
    ("СП 2.4.3648-20: выдержки для классных руководителей", C.NORMATIVE, V.STAFF, [], 110, 1),
    (
        "План работы медицинского кабинета",
        C.REGULATIONS,
        V.ROLES,
        ["medic", "director", "deputy"],
        20,
        1,
    ),
    ("Заявление о приёме в 1 класс (бланк)", C.TEMPLATES, V.PUBLIC, [], 70, 1),
    ("Заявление об отсутствии ребёнка (бланк)", C.TEMPLATES, V.ROLES, ["parent", "teacher"], 25, 1),
    ("Акт осмотра помещения (бланк)", C.TEMPLATES, V.ROLES, ["technical", "director"], 15, 1),
]
# (subject, grades, topic, title, link or None for a file)
RESOURCES = [
    ("Математика", [5], "Обыкновенные дроби", "Карточки: сложение дробей", None),
    (
        "Математика",
        [5, 6],
        "Обыкновенные дроби",
        "Видеоурок «Сравнение дробей»",
        "https://resh.edu.ru/subject/12/5/",
    ),
    (
        "Математика",
        [5],
        "Натуральные числа",
        "Тренажёр устного счёта",
        "https://resh.edu.ru/subject/12/5/",
    ),
    ("Математика", [5], "Площадь прямоугольника", "Самостоятельная работа, 2 варианта", None),
    ("Русский язык", [5, 6, 7], "Орфография", "Словарные диктанты на четверть", None),
    (
        "Русский язык",
        [5],
        "Морфемика",
        "Презентация «Состав слова»",
        "https://resh.edu.ru/subject/13/5/",
    ),
    ("Литература", [5], "Сказки", "Список чтения на каникулы", None),
    ("История", [5], "Древний Египет", "Контурная карта «Древний Египет»", None),
    (
        "Биология",
        [5, 6],
        "Клетка",
        "Лабораторная работа «Строение клетки»",
        "https://resh.edu.ru/subject/5/5/",
    ),
    ("География", [5], "План и карта", "Практическая работа с картой", None),
    (
        "Английский язык",
        [5],
        "Present Simple",
        "Worksheet: Present Simple",
        "https://resh.edu.ru/subject/11/5/",
    ),
    ("Физика", [7], "Плотность вещества", "Задачи на плотность", None),
]


def demo_pdf(title: str) -> bytes:
    """A one-page PDF naming the document (ASCII text: the demo needs no fonts)."""
    text = "".join(ch if ord(ch) < 128 else "" for ch in title).strip() or "Demo document"
    stream = (
        f"BT /F1 14 Tf 72 770 Td (School No 17 - demo document) Tj 0 -24 Td ({text}) Tj ET".encode()
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def populate(demo) -> None:
    school, tz = demo.school, demo.school.tz
    secretary, deputy = demo.users.get("secretary"), demo.users.get("deputy")
    if secretary is None or deputy is None:
        return
    for title, category, visibility, roles, days_ago, editions in DOCUMENTS:
        document = services.document_upload(
            acting_user=secretary,
            school=school,
            title=title,
            category=category,
            visibility=visibility,
            roles=roles,
            dated=demo.today - timedelta(days=days_ago),
            file=ContentFile(demo_pdf(title), name="document.pdf"),
        )
        for edition in range(2, editions + 1):
            services.document_new_version(
                acting_user=deputy,
                document=document,
                file=ContentFile(demo_pdf(f"{title} (edition {edition})"), name="document.pdf"),
                note="новая редакция по решению педагогического совета",
                expected_version=edition - 1,
            )
    _resources(demo, tz)


def _resources(demo, tz) -> None:
    teacher = demo.users.get("teacher")
    by_subject: dict[str, list] = {}
    for assignment in demo.assignments:
        by_subject.setdefault(assignment.subject.name, []).append(assignment.teacher)
    links = []
    for i, (subject_name, grades, topic, title, url) in enumerate(RESOURCES):
        subject = demo.subjects.get(subject_name)
        if subject is None:
            continue
        owner = (
            teacher
            if subject_name == "Математика"
            else (by_subject.get(subject_name) or [teacher])[0]
        )
        shared = i % 4 != 3  # one in four stays private to its author
        if url is None:
            resource = services.resource_add(
                acting_user=owner,
                school=demo.school,
                title=title,
                subject=subject,
                grades=grades,
                topic=topic,
                file=ContentFile(demo_pdf(title), name="material.pdf"),
                shared=shared,
            )
            resource.file_name = f"{title[:180]}.pdf"
            Resource.objects.filter(pk=resource.pk).update(file_name=resource.file_name)
            continue
        links.append(
            Resource(
                school=demo.school,
                owner=owner,
                title=title,
                subject=subject,
                grades=grades,
                topic=topic,
                kind=Resource.Kind.LINK,
                url=url,
                shared=shared,
                created_at=datetime.combine(
                    demo.today - timedelta(days=30 - 2 * i), time(15, 0), tz
                ),
            )
        )
    Resource.objects.bulk_create(links)
