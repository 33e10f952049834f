"""Who reads whose diary: own children only, a student only themselves, 404 for everyone else."""

from datetime import date

import pytest
from django.urls import reverse

from apps.accounts.models import ActivityEvent
from apps.students.models import Enrollment
from tests import factories as f
from tests.diary.conftest import MONDAY, THURSDAY

PAGES = [
    "diary:week",
    "diary:marks",
    "diary:year",
    "diary:homework",
    "diary:timetable",
    "diary:stats",
    "diary:calendar",
]


def url(name, school, student):
    return reverse(name, args=[school.pk, student.pk])


@pytest.mark.parametrize("page", PAGES)
def test_parent_reads_both_own_children(client, dw, page):
    client.force_login(dw.users["parent"])
    assert client.get(url(page, dw.school, dw.student)).status_code == 200
    assert client.get(url(page, dw.school, dw.sibling)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_parent_switching_to_another_familys_child_gets_404(client, dw, page):
    client.force_login(dw.users["parent"])
    assert client.get(url(page, dw.school, dw.stranger)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_student_reads_only_themselves(client, dw, page):
    client.force_login(dw.users["student"])
    assert client.get(url(page, dw.school, dw.student)).status_code == 200
    assert client.get(url(page, dw.school, dw.sibling)).status_code == 404
    assert client.get(url(page, dw.school, dw.stranger)).status_code == 404


def test_another_schools_student_is_not_found_even_in_own_school_url(client, dw):
    client.force_login(dw.users["parent"])
    assert client.get(url("diary:week", dw.school, dw.other.student)).status_code == 404
    # And another school's pages do not exist for this parent at all.
    assert client.get(url("diary:week", dw.other.school, dw.other.student)).status_code == 404


def test_staff_do_not_read_the_diary(client, dw):
    for role in ("teacher", "deputy", "director", "admin"):
        client.force_login(dw.users[role])
        assert client.get(url("diary:week", dw.school, dw.student)).status_code == 403


def test_switcher_lists_own_children_and_no_one_else(client, dw):
    client.force_login(dw.users["parent"])
    html = client.get(url("diary:week", dw.school, dw.student)).content.decode()
    assert dw.sibling.first_name in html and dw.student.last_name in html
    assert dw.stranger.last_name not in html


def test_index_lists_the_children(client, dw):
    client.force_login(dw.users["parent"])
    response = client.get(reverse("diary:index", args=[dw.school.pk]))
    assert {c.pk for c in response.context["family"]} == {dw.student.pk, dw.sibling.pk}
    assert dw.stranger.last_name not in response.content.decode()


def test_a_child_in_another_school_is_in_the_switcher(client, dw):
    from apps.accounts.models import RoleGrant

    other = dw.other
    RoleGrant.objects.create(user=dw.users["parent"], school=other.school, role="parent")
    guardian = f.GuardianFactory(school=other.school, user=dw.users["parent"])
    f.GuardianshipFactory(student=other.student, guardian=guardian)
    client.force_login(dw.users["parent"])
    html = client.get(url("diary:week", dw.school, dw.student)).content.decode()
    assert reverse("diary:week", args=[other.school.pk, other.student.pk]) in html
    assert client.get(url("diary:week", other.school, other.student)).status_code == 200


def test_left_students_diary_ends_at_the_leave_date(client, dw):
    Enrollment.objects.filter(student=dw.student).update(ends_on=date(2026, 9, 8))
    client.force_login(dw.users["parent"])
    response = client.get(url("diary:week", dw.school, dw.student), {"d": MONDAY.isoformat()})
    week = response.context["week"]
    subjects_by_day = {d.day: [dl.subject for dl in d.lessons] for d in week.days}
    assert subjects_by_day[MONDAY] == ["Русский язык", "Математика"]
    assert subjects_by_day[THURSDAY] == []  # after the leave date: nothing
    assert not next(d for d in week.days if d.day == THURSDAY).enrolled
    assert "Выбыл(а) из школы" in response.content.decode()
    later = client.get(url("diary:week", dw.school, dw.student), {"d": "2026-09-21"}).context[
        "week"
    ]
    assert all(not d.lessons for d in later.days)


def test_every_read_is_logged_for_the_activity_report(client, dw):
    client.force_login(dw.users["parent"])
    client.get(url("diary:marks", dw.school, dw.sibling))
    event = ActivityEvent.objects.get(kind=ActivityEvent.Kind.DIARY_VIEW)
    assert (event.user, event.school, event.student_id, event.page) == (
        dw.users["parent"],
        dw.school,
        dw.sibling.pk,
        "marks",
    )
    client.get(url("diary:marks", dw.school, dw.stranger))  # refused: not logged
    assert ActivityEvent.objects.filter(kind=ActivityEvent.Kind.DIARY_VIEW).count() == 1
