"""Personal files: who fills them, duplicates refused and reported, merging two files."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.attendance.models import AttendanceMark
from apps.gradebook.models import Mark
from apps.gradebook.services import work_types_ensure
from apps.school import clock
from apps.students import services
from apps.students.merge import student_relations, students_merge
from apps.students.models import Enrollment, Guardianship, Student, StudentMerge
from apps.students.selectors import duplicate_groups
from tests import factories as f

CARD = {
    "last_name": "Соколова",
    "first_name": "Алёна",
    "patronymic": "Игоревна",
    "birth_date": date(2015, 3, 14),
    "sex": "f",
    "snils": "112-233-445 95",
    "document_type": "birth_certificate",
    "document_series": "IV-МЮ",
    "document_number": "512345",
}


def test_secretary_opens_a_personal_file(client, world):
    client.force_login(world.users["secretary"])
    response = client.post(
        reverse("students:create", args=[world.school.pk]),
        {
            **CARD,
            "birth_date": "2015-03-14",
            "registration_address": "г. Сыктывкар, ул. Ленина, 1",
        },
    )
    assert response.status_code == 302
    student = Student.objects.get(last_name="Соколова")
    assert student.snils == "112-233-445 95"
    card = client.get(reverse("students:card", args=[world.school.pk, student.pk])).content.decode()
    assert "г. Сыктывкар, ул. Ленина, 1" in card


@pytest.mark.parametrize(
    "variant",
    [
        {
            "last_name": "  СОКОЛОВА ",
            "first_name": "Алена",
            "snils": "",
            "document_number": "",
        },  # case, ё/е, spaces
        {
            "last_name": "Петрова",
            "birth_date": date(2014, 1, 1),
            "snils": "11223344595",
            "document_number": "",
        },  # SNILS
        {
            "last_name": "Петрова",
            "birth_date": date(2014, 1, 1),
            "snils": "",
            "document_series": "iv мю",
        },  # document
    ],
)
def test_a_second_record_of_the_same_person_is_refused(world, variant):
    first = services.student_create(
        acting_user=world.users["secretary"], school=world.school, data=CARD
    )
    with pytest.raises(services.DuplicateStudentError) as error:
        services.student_create(
            acting_user=world.users["secretary"], school=world.school, data={**CARD, **variant}
        )
    assert error.value.existing == first
    assert "уже есть" in error.value.messages[0]


def test_the_same_child_in_another_school_is_not_a_duplicate(world):
    services.student_create(acting_user=world.users["secretary"], school=world.school, data=CARD)
    services.student_create(
        acting_user=world.other.users["secretary"], school=world.other.school, data=CARD
    )


def test_the_form_points_to_the_existing_file(client, world):
    first = services.student_create(
        acting_user=world.users["secretary"], school=world.school, data=CARD
    )
    client.force_login(world.users["secretary"])
    response = client.post(
        reverse("students:create", args=[world.school.pk]),
        {**CARD, "birth_date": "2015-03-14", "first_name": "АЛЁНА"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Такой обучающийся уже есть" in page
    assert reverse("students:card", args=[world.school.pk, first.pk]) in page
    assert Student.objects.filter(last_name="Соколова").count() == 1


def test_a_bad_snils_is_explained_next_to_the_field(client, world):
    client.force_login(world.users["secretary"])
    response = client.post(
        reverse("students:create", args=[world.school.pk]),
        {**CARD, "birth_date": "2015-03-14", "snils": "123-456-789 00"},
    )
    assert "контрольным числом" in response.content.decode()


def test_class_teacher_fills_the_cards_of_own_class(client, world):
    client.force_login(world.users["teacher"])
    url = reverse("students:edit", args=[world.school.pk, world.student.pk])
    data = {
        **CARD,
        "last_name": world.student.last_name,
        "first_name": "Иван",
        "patronymic": "Сергеевич",
        "birth_date": "2015-04-12",
        "sex": "m",
        "snils": "",
        "document_number": "",
        "residence_address": "ул. Мира, 7",
        "version": world.student.version,
    }
    assert client.post(url, data).status_code == 302
    world.student.refresh_from_db()
    assert world.student.residence_address == "ул. Мира, 7"
    assert (
        client.get(
            reverse("students:guardian-add", args=[world.school.pk, world.student.pk])
        ).status_code
        == 200
    )


def test_class_teacher_does_not_see_another_class(client, world):
    stranger = f.EnrollmentFactory(
        school_class=f.SchoolClassFactory(year=world.year, grade=7)
    ).student
    client.force_login(world.users["teacher"])
    assert (
        client.get(reverse("students:card", args=[world.school.pk, stranger.pk])).status_code == 404
    )
    assert (
        client.get(reverse("students:edit", args=[world.school.pk, stranger.pk])).status_code == 404
    )
    listing = client.get(reverse("students:list", args=[world.school.pk])).content.decode()
    assert world.student.full_name in listing and stranger.full_name not in listing


def test_a_teacher_without_a_class_cannot_open_cards(client, world):
    plain = f.RoleGrantFactory(school=world.school, role="teacher").user
    client.force_login(plain)
    assert client.get(reverse("students:list", args=[world.school.pk])).status_code == 403
    assert (
        client.get(reverse("students:card", args=[world.school.pk, world.student.pk])).status_code
        == 403
    )


def test_director_reads_but_does_not_change_cards(client, world):
    client.force_login(world.users["director"])
    assert (
        client.get(reverse("students:card", args=[world.school.pk, world.student.pk])).status_code
        == 200
    )
    assert (
        client.post(
            reverse("students:edit", args=[world.school.pk, world.student.pk]), {}
        ).status_code
        == 403
    )


def test_concurrent_edits_do_not_overwrite_each_other(world):
    s = world.student
    services.student_update(
        acting_user=world.users["secretary"],
        student=s,
        changes={"residence_address": "A"},
        expected_version=s.version,
    )
    with pytest.raises(ValidationError, match="другой пользователь"):
        services.student_update(
            acting_user=world.users["teacher"],
            student=s,
            changes={"residence_address": "B"},
            expected_version=s.version,
        )
    s.refresh_from_db()
    assert s.residence_address == "A"


def test_consent_is_recorded_and_withdrawn_with_history(client, world):
    client.force_login(world.users["teacher"])
    url = reverse("students:consent-add", args=[world.school.pk, world.student.pk])
    response = client.post(
        url, {"guardian": world.guardian.pk, "given_on": "2026-09-01", "document": "Согласие № 12"}
    )
    assert response.status_code == 302
    consent = world.student.consents.get()
    assert (
        consent.given_by == world.guardian.full_name
        and consent.recorded_by == world.users["teacher"]
    )
    other_parent = f.GuardianFactory(school=world.school)
    with pytest.raises(ValidationError):
        services.consent_record(
            acting_user=world.users["teacher"],
            student=world.student,
            guardian=other_parent,
            given_on=date(2026, 9, 1),
            document="x",
        )
    client.post(
        reverse("students:consent-withdraw", args=[world.school.pk, consent.pk]),
        {"withdrawn_on": "2026-10-01"},
    )
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 10, 1)
    assert consent.pgh_event_model.objects.filter(pgh_obj=consent).count() == 2


def test_parent_added_from_the_card(client, world):
    client.force_login(world.users["secretary"])
    url = reverse("students:guardian-add", args=[world.school.pk, world.student.pk])
    response = client.post(
        url,
        {
            "create": "1",
            "last_name": "Смирнов",
            "first_name": "Олег",
            "patronymic": "Ильич",
            "relationship": "father",
            "phone": "+7 900 000-00-01",
            "email": "oleg@example.ru",
        },
    )
    assert response.status_code == 302
    link = Guardianship.objects.get(student=world.student, guardian__first_name="Олег")
    assert link.relationship == "father"


def test_duplicates_report_finds_near_duplicates(client, world):
    a = f.StudentFactory(
        school=world.school,
        last_name="Ёлкина",
        first_name="Мария",
        patronymic="",
        birth_date=date(2016, 5, 5),
    )
    b = f.StudentFactory(
        school=world.school,
        last_name="елкина ",
        first_name=" МАРИЯ",
        patronymic="",
        birth_date=date(2016, 5, 5),
    )
    c = f.StudentFactory(school=world.school, last_name="Другая", snils="112-233-445 95")
    d = f.StudentFactory(school=world.school, last_name="Совсем другая", snils="11223344595")
    f.StudentFactory(
        school=world.other.school,
        last_name="Ёлкина",
        first_name="Мария",
        patronymic="",
        birth_date=date(2016, 5, 5),
    )
    groups = [{s.pk for s in g} for g in duplicate_groups(school=world.school)]
    assert {a.pk, b.pk} in groups and {c.pk, d.pk} in groups and len(groups) == 2
    client.force_login(world.users["secretary"])
    page = client.get(reverse("students:duplicates", args=[world.school.pk])).content.decode()
    assert "Ёлкина Мария" in page and "елкина" in page


def test_every_foreign_key_to_student_is_found_by_the_meta_api():
    labels = {fk.model._meta.label for fk in student_relations()}
    assert {
        "students.Enrollment",
        "gradebook.Mark",
        "attendance.AttendanceMark",
        "students.Guardianship",
        "orders.OrderItem",
        "students.PersonalDataConsent",
    } <= labels
    assert any(
        "members" in fk.model._meta.label.lower() or "subgroup" in fk.model._meta.label.lower()
        for fk in student_relations()
    )


def test_merge_keeps_all_history(world):
    from apps.schedule.models import Lesson

    deputy = world.users["deputy"]
    wt = work_types_ensure(school=world.school)[0]
    dup = f.StudentFactory(
        school=world.school,
        last_name=world.student.last_name,
        first_name="иван",
        snils="112-233-445 95",
    )
    # The duplicate has the class history of 5Б before 5А, marks, attendance, a parent and a subgroup.
    five_b = f.SchoolClassFactory(year=world.year, grade=5, letter="Б")
    Enrollment.objects.filter(student=world.student).update(starts_on=date(2026, 10, 1))
    f.EnrollmentFactory(
        school_class=five_b, student=dup, starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 30)
    )
    lesson = Lesson.objects.create(
        school=world.school, assignment=world.assignment, date=date(2026, 9, 7), lesson_number=1
    )
    Mark.objects.create(
        school=world.school,
        lesson=lesson,
        student=dup,
        work_type=wt,
        value="5",
        entered_by=deputy,
        entered_at=lesson_time(),
    )
    AttendanceMark.objects.create(
        school=world.school,
        lesson=lesson,
        student=dup,
        kind="н",
        entered_by=deputy,
        entered_at=lesson_time(),
    )
    f.GuardianshipFactory(
        student=dup, guardian=world.guardian
    )  # the same parent: merged into one link
    world.subgroup.members.add(dup)
    merge = students_merge(acting_user=deputy, keep=world.student, remove=dup)
    assert not Student.objects.filter(pk=dup.pk).exists()
    assert Enrollment.objects.filter(student=world.student).count() == 2
    assert Mark.objects.get().student == world.student
    assert AttendanceMark.objects.get().student == world.student
    assert Guardianship.objects.filter(student=world.student).count() == 1
    assert list(world.subgroup.members.all()) == [world.student]
    world.student.refresh_from_db()
    assert world.student.snils == "112-233-445 95"  # a blank field filled from the duplicate
    assert StudentMerge.objects.get() == merge and merge.removed_data["first_name"] == "иван"
    assert merge.moved["gradebook.Mark"] == 1


def test_merge_refuses_two_different_marks_in_one_cell(world):
    from apps.schedule.models import Lesson

    deputy = world.users["deputy"]
    wt = work_types_ensure(school=world.school)[0]
    dup = f.StudentFactory(school=world.school)
    lesson = Lesson.objects.create(
        school=world.school, assignment=world.assignment, date=date(2026, 9, 7), lesson_number=1
    )
    for student, value in ((world.student, "5"), (dup, "3")):
        Mark.objects.create(
            school=world.school,
            lesson=lesson,
            student=student,
            work_type=wt,
            value=value,
            entered_by=deputy,
            entered_at=lesson_time(),
        )
    with pytest.raises(ValidationError, match="автоматически"):
        students_merge(acting_user=deputy, keep=world.student, remove=dup)
    assert Student.objects.filter(pk=dup.pk).exists() and Mark.objects.count() == 2


def test_merge_page_previews_then_merges(client, world):
    dup = f.StudentFactory(school=world.school)
    client.force_login(world.users["secretary"])
    url = reverse("students:merge", args=[world.school.pk])
    page = client.get(f"{url}?keep={world.student.pk}&remove={dup.pk}").content.decode()
    assert dup.full_name in page and "Объединить" in page
    assert (
        client.get(f"{url}?keep={world.student.pk}&remove={world.other.student.pk}").status_code
        == 404
    )
    assert client.post(url, {"keep": world.student.pk, "remove": dup.pk}).status_code == 302
    assert not Student.objects.filter(pk=dup.pk).exists()


def lesson_time():

    return clock.now()


@pytest.mark.parametrize("n", [3, 60])
def test_student_list_and_card_cost_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries, n
):
    for _ in range(n):
        s = f.EnrollmentFactory(school_class=world.school_class).student
        f.GuardianshipFactory(student=s)
    client.force_login(world.users["secretary"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("students:list", args=[world.school.pk])).status_code == 200
    client.force_login(world.users["teacher"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("students:list", args=[world.school.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert (
            client.get(
                reverse("students:card", args=[world.school.pk, world.student.pk])
            ).status_code
            == 200
        )
    client.force_login(world.users["director"])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("students:guardians", args=[world.school.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("staff:list", args=[world.school.pk])).status_code == 200
