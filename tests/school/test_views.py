from datetime import date, timedelta

from django.urls import reverse

from apps.classes.models import SchoolClass
from apps.school.models import AcademicYear
from tests import factories as f


def test_deputy_creates_a_class_and_sees_vacancies(client, world):
    client.force_login(world.users["deputy"])
    response = client.post(
        reverse("school:classes-create", args=[world.school.pk]),
        {
            "grade": 6,
            "letter": "б",
            "class_teacher": world.users["teacher"].pk,
            "capacity": 27,
            "shift": world.shift.pk,
            "programme": "ООП ООО",
        },
    )
    assert response.status_code == 302
    created = SchoolClass.objects.get(school=world.school, grade=6)
    assert created.letter == "Б" and created.year == world.year
    listing = client.get(reverse("school:classes-list", args=[world.school.pk])).content.decode()
    assert "6Б" in listing


def test_a_duplicate_class_shows_the_error_and_keeps_the_input(client, world):
    client.force_login(world.users["deputy"])
    response = client.post(
        reverse("school:classes-create", args=[world.school.pk]),
        {
            "grade": 5,
            "letter": "А",
            "capacity": 29,
            "programme": "Программа, которую жалко потерять",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Такой класс в этом году уже есть." in page
    assert "Программа, которую жалко потерять" in page
    assert 'value="29"' in page


def test_bad_dates_are_explained_next_to_the_form(client, world):
    client.force_login(world.users["deputy"])
    response = client.post(
        reverse("school:periods-create", args=[world.school.pk]),
        {
            "scheme": "quarter",
            "number": 2,
            "name": "2 четверть",
            "starts_on": "2026-12-28",
            "ends_on": "2026-11-05",
        },
    )
    assert response.status_code == 200
    assert "Окончание периода не может быть раньше начала." in response.content.decode()


def test_the_form_offers_only_this_schools_teachers(client, world):
    client.force_login(world.users["deputy"])
    page = client.get(reverse("school:assignments-create", args=[world.school.pk])).content.decode()
    assert world.users["teacher"].full_name in page
    assert f'value="{world.other.users["teacher"].pk}"' not in page
    assert f'value="{world.other.school_class.pk}"' not in page


def test_a_closed_year_shows_read_only_and_refuses_edits(client, world):
    nxt = f.AcademicYearFactory(
        school=world.school,
        name="2027/2028",
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 5, 31),
        status=AcademicYear.Status.PLANNED,
    )
    client.force_login(world.users["deputy"])
    assert (
        client.post(reverse("school:year-open", args=[world.school.pk, nxt.pk])).status_code == 302
    )
    listing = client.get(
        reverse("school:classes-list", args=[world.school.pk]) + f"?year={world.year.pk}"
    )
    page = listing.content.decode()
    assert "только для чтения" in page
    assert reverse("school:classes-create", args=[world.school.pk]) not in page
    response = client.post(
        reverse("school:classes-edit", args=[world.school.pk, world.school_class.pk]),
        {
            "grade": 5,
            "letter": "Я",
            "capacity": 25,
        },
    )
    assert response.status_code == 200
    assert "закрыт" in response.content.decode()
    world.school_class.refresh_from_db()
    assert world.school_class.letter == "А"


def test_class_teacher_sets_subgroup_members_of_their_class(client, world):
    client.force_login(world.users["teacher"])
    url = reverse("school:subgroup-members", args=[world.school.pk, world.subgroup.pk])
    assert client.post(url, {"members": [world.student.pk]}).status_code == 302
    assert list(world.subgroup.members.all()) == [world.student]


def test_another_teacher_cannot_change_subgroups(client, world):
    other_teacher = f.RoleGrantFactory(school=world.school, role="teacher").user
    client.force_login(other_teacher)
    url = reverse("school:subgroup-members", args=[world.school.pk, world.subgroup.pk])
    assert client.post(url, {"members": [world.student.pk]}).status_code == 403


def test_parent_sees_own_child_on_landing_and_not_others(client, world):
    client.force_login(world.users["parent"])
    page = client.get(reverse("school:home", args=[world.school.pk])).content.decode()
    assert world.student.full_name in page
    assert world.other.student.full_name not in page


def test_admin_creates_a_staff_account_with_a_temporary_password(client, world):
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("accounts:users", args=[world.school.pk]),
        {
            "last_name": "Орлова",
            "first_name": "Вера",
            "patronymic": "Ильинична",
            "username": "orlova.vi",
            "email": "",
            "role": "teacher",
        },
    )
    page = response.content.decode()
    assert "orlova.vi" in page and "временный пароль" in page
    from apps.accounts.models import User

    user = User.objects.get(username="orlova.vi")
    assert user.must_change_password
    assert user.role_grants.get().school == world.school


def test_adding_a_role_preselects_none_and_refuses_an_empty_choice(client, world):
    """One click on «+» next to a parent must not make them the school's administrator."""
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:users", args=[world.school.pk])).content.decode()
    assert '<option value="" selected>роль…</option>' in page
    parent = world.users["parent"]
    response = client.post(
        reverse("accounts:user-roles", args=[world.school.pk, parent.pk]), {"role": ""}, follow=True
    )
    assert "Выберите роль, которую нужно добавить." in response.content.decode()
    assert sorted(parent.role_grants.values_list("role", flat=True)) == ["parent"]


def test_section_lists_cost_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users["deputy"])
    for grade in range(6, 12):
        cls = f.SchoolClassFactory(
            year=world.year, grade=grade, class_teacher=world.users["teacher"]
        )
        for _ in range(5):
            f.EnrollmentFactory(school_class=cls)
        f.TeachingAssignmentFactory(school_class=cls, teacher=world.users["teacher"])
    # Students and staff have their own pages (tests/orders/test_query_counts.py).
    for slug in ("classes", "assignments", "subgroups"):
        with django_assert_max_num_queries(12):
            assert (
                client.get(reverse(f"school:{slug}-list", args=[world.school.pk])).status_code
                == 200
            )


def test_admin_edits_the_school_card_and_a_teacher_only_reads_it(client, world):
    url = reverse("school:card", args=[world.school.pk])
    client.force_login(world.users["admin"])
    response = client.post(
        url,
        {
            "full_name": world.school.full_name,
            "short_name": "Гимназия № 2",
            "address": "г. Мегион, ул. Свободы, 6",
            "inn": "8605012345",
            "kpp": "860501001",
            "ogrn": "1028601358290",
            "time_zone": "Asia/Yekaterinburg",
        },
    )
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert (
        world.school.short_name == "Гимназия № 2" and world.school.time_zone == "Asia/Yekaterinburg"
    )
    bad = client.post(
        url, {"full_name": "x", "short_name": "y", "inn": "12", "time_zone": "Europe/Moscow"}
    )
    assert "ИНН — 10 или 12 цифр." in bad.content.decode()
    client.force_login(world.users["teacher"])
    page = client.get(url).content.decode()
    assert "г. Мегион, ул. Свободы, 6" in page and "<form" not in page.split("</nav>", 1)[1]
    assert client.post(url, {"short_name": "Взлом"}).status_code == 403


def test_the_roster_names_a_newcomer_who_is_in_no_group_of_a_divided_subject(client, world):
    world.subgroup.members.add(world.student)
    newcomer = f.EnrollmentFactory(
        school_class=world.school_class, student__last_name="Новенькая"
    ).student
    client.force_login(world.users["teacher"])  # the class teacher
    roster = reverse("school:class-detail", args=[world.school.pk, world.school_class.pk])
    page = client.get(roster).content.decode()
    assert 'data-testid="unplaced"' in page and newcomer.full_name in page
    assert reverse("school:subgroup-members", args=[world.school.pk, world.subgroup.pk]) in page
    world.subgroup.members.add(newcomer)
    assert 'data-testid="unplaced"' not in client.get(roster).content.decode()


def test_class_page_and_class_list_count_the_same_pupils_after_a_june_order(client, world):
    """A transfer order signed in June ends the pupils' enrolment in June: both pages still
    count them on the year's days (the class list and the class page once disagreed)."""
    from apps.students.models import Enrollment

    Enrollment.objects.filter(student=world.student).update(
        ends_on=world.year.ends_on + timedelta(days=15)
    )
    client.force_login(world.users["deputy"])
    page = client.get(reverse("school:class-detail", args=[world.school.pk, world.school_class.pk]))
    listing = client.get(reverse("school:classes-list", args=[world.school.pk]))
    listed = next(obj for obj, _cells in listing.context["rows"] if obj.pk == world.school_class.pk)
    assert page.context["current_count"] == listed.roster_size == 1
    assert page.context["vacancies"] == world.school_class.capacity - 1
