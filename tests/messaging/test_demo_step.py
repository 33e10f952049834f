"""The messaging demo step: every role finds letters, announcements and events."""

import random

from django.urls import reverse

from apps.messaging.demo import populate
from apps.messaging.models import Announcement, Delivery, Event, Message
from apps.school.clock import school_today
from apps.school.demo import DEMO_STEPS, DemoSchool


def test_demo_step_is_registered_and_gives_everyone_something_to_read(client, mw):
    w = mw.w
    assert "apps.messaging.demo.populate" in DEMO_STEPS
    demo = DemoSchool(
        school=w.school,
        year=w.year,
        last_year=None,
        today=school_today(w.school),
        rng=random.Random(1),
        users={role: user for role, user in w.users.items()},
        teachers=[w.users["teacher"], mw.teacher_b, mw.subject_teacher_b],
        students=[w.student, mw.student_b],
        classes=[w.school_class, mw.class_b],
    )
    populate(demo)
    assert Message.objects.filter(school=w.school, root__isnull=True).count() >= 5
    assert Announcement.objects.filter(school=w.school).count() >= 8
    assert Event.objects.filter(school=w.school).count() >= 7
    # The demo parent has an unread answer from the class teacher.
    assert Delivery.objects.filter(recipient=w.users["parent"], read_at__isnull=True).exists()
    for role in ("parent", "teacher", "deputy", "medic", "technical", "student"):
        client.force_login(w.users[role])
        home = client.get(reverse("school:home", args=[w.school.pk])).content.decode()
        assert 'data-testid="announcement"' in home, role
        assert client.get(reverse("messaging:mail", args=[w.school.pk])).status_code == 200
    # Threads built by the demo open for their people.
    reply = Message.objects.filter(school=w.school, root__isnull=False).first()
    client.force_login(reply.author)
    assert (
        client.get(reverse("messaging:mail-message", args=[w.school.pk, reply.pk])).status_code
        == 200
    )
