"""A pupil moved to another class is not left out of that class's subgroups (issue 12,
item 17): the class teacher is reminded every school day until the pupil is placed, and
the subgroup page marks who is in no group."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.messaging.models import Notification
from apps.reports.reminders import reminders_send
from apps.students.models import Enrollment
from tests import factories as f
from tests.reports.conftest import MONDAY, build_audit_world


@pytest.fixture
def split(db):
    """5А with English in two subgroups; everyone placed but a pupil transferred in today."""
    rw = build_audit_world("Europe/Moscow", prefix="sg")
    english = f.SubjectFactory(school=rw.school, name="Английский язык")
    first = f.SubgroupFactory(school_class=rw.school_class, subject=english, name="1 группа")
    second = f.SubgroupFactory(school_class=rw.school_class, subject=english, name="2 группа")
    half = len(rw.students) // 2
    first.members.set(rw.students[:half])
    second.members.set(rw.students[half:])
    newcomer = f.StudentFactory(school=rw.school, last_name="Переведённый", first_name="Олег")
    Enrollment.objects.create(
        school=rw.school, student=newcomer, school_class=rw.school_class, starts_on=MONDAY
    )
    rw.extra.update(first=first, newcomer=newcomer)
    return rw


def _reminders(rw):
    return Notification.objects.filter(user=rw.teacher, title="Распределите учеников по подгруппам")


def test_the_class_teacher_is_reminded_each_day_until_the_pupil_is_placed(split):
    reminders_send(school=split.school, now=split.at(MONDAY, 10, 0))
    note = _reminders(split).get()
    assert "Переведённый Олег" in note.body and "английский язык" in note.body
    assert (
        note.link.endswith(f"/subgroups/{split.extra['first'].pk}/")
        or str(split.extra["first"].pk) in note.link
    )
    reminders_send(school=split.school, now=split.at(MONDAY, 11, 0))
    assert _reminders(split).count() == 1  # once a day
    tuesday = MONDAY + timedelta(days=1)
    reminders_send(school=split.school, now=split.at(tuesday, 10, 0))
    assert _reminders(split).count() == 2  # and again the next day while the gap lasts

    split.extra["first"].members.add(split.extra["newcomer"])
    reminders_send(school=split.school, now=split.at(tuesday + timedelta(days=1), 10, 0))
    assert _reminders(split).count() == 2  # placed: no more reminders


def test_the_subgroup_page_marks_the_pupil_in_no_group(client, split):
    client.force_login(split.teacher)
    url = reverse("school:subgroup-members", args=[split.school.pk, split.extra["first"].pk])
    page = client.get(url).content.decode()
    assert 'data-testid="unplaced"' in page and page.count('data-testid="unplaced-pupil"') == 1
    newcomer = split.extra["newcomer"]
    members = [str(s.pk) for s in split.extra["first"].members.all()] + [str(newcomer.pk)]
    client.post(url, {"members": members})
    assert 'data-testid="unplaced"' not in client.get(url).content.decode()
