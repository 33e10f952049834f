"""One person in two schools: each school shows its own data, the switcher leads to the other."""

from django.urls import reverse

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Role
from tests import factories as f


def _home(client, school) -> str:
    response = client.get(reverse("school:home", args=[school.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_teacher_of_two_schools_sees_each_school_apart(client, world):
    teacher, other = world.users["teacher"], world.other
    RoleGrant.objects.create(user=teacher, school=other.school, role=Role.TEACHER)
    physics = f.SubjectFactory(school=other.school, name="Физика")
    seven_v = f.SchoolClassFactory(year=other.year, grade=7, letter="В")
    f.TeachingAssignmentFactory(school_class=seven_v, subject=physics, teacher=teacher)
    client.force_login(teacher)

    # The root page offers both schools; each home page switches to the other one.
    choose = client.get(reverse("school:choose")).content.decode()
    assert world.school.full_name in choose and other.school.full_name in choose
    home_a, home_b = _home(client, world.school), _home(client, other.school)
    assert 'data-testid="school-switcher"' in home_a
    assert reverse("school:home", args=[other.school.pk]) in home_a
    assert reverse("school:home", args=[world.school.pk]) in home_b

    # Each school's landing page lists only the load taught there.
    assert "Математика" in home_a and "Физика" not in home_a and "7В" not in home_a
    assert "Физика" in home_b and "7В" in home_b and "Математика" not in home_b
    # The class teacher's class belongs to the first school only.
    assert reverse("school:class-detail", args=[world.school.pk, world.school_class.pk]) in home_a
    assert "Классное руководство" not in home_b

    # Lists are the school's own, and an id of the other school is not found.
    classes_a = client.get(reverse("school:classes-list", args=[world.school.pk])).content.decode()
    assert "7В" not in classes_a
    classes_b = client.get(reverse("school:classes-list", args=[other.school.pk])).content.decode()
    assert "7В" in classes_b
    foreign = reverse("school:class-detail", args=[world.school.pk, seven_v.pk])
    assert client.get(foreign).status_code == 404
    journals_a = client.get(reverse("journal:index", args=[world.school.pk])).content.decode()
    assert "Физика" not in journals_a
    assert "Физика" in client.get(reverse("journal:index", args=[other.school.pk])).content.decode()


def test_a_parent_with_children_in_two_schools_sees_each_child_in_its_school(client, world):
    parent, other = world.users["parent"], world.other
    RoleGrant.objects.create(user=parent, school=other.school, role=Role.PARENT)
    younger = f.StudentFactory(school=other.school, last_name="Младшая", first_name="Ева")
    f.EnrollmentFactory(school_class=other.school_class, student=younger)
    record_b = f.GuardianFactory(school=other.school, user=parent)
    f.GuardianshipFactory(student=younger, guardian=record_b)
    client.force_login(parent)

    home_a, home_b = _home(client, world.school), _home(client, other.school)
    assert world.student.full_name in home_a and younger.full_name not in home_a
    assert younger.full_name in home_b and world.student.full_name not in home_b
    assert home_a.count('data-testid="child-card"') == home_b.count('data-testid="child-card"') == 1
    assert reverse("school:home", args=[other.school.pk]) in home_a
    # Being a parent in the second school opens nothing of its staff pages.
    assert client.get(reverse("school:classes-list", args=[other.school.pk])).status_code == 403
