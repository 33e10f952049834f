"""The daily digest: off by default, at the parent's hour in the school's time zone, once a day."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.diary import digest
from apps.diary.models import DigestSubscription
from apps.diary.services import digest_save, unsubscribe_token
from apps.gradebook.services import mark_set
from apps.homework.services import homework_set
from apps.school import clock


def _now_at_moscow_hour(hour: int) -> datetime:
    today = timezone.localtime(clock.now(), timezone.get_fixed_timezone(180)).date()
    return datetime(today.year, today.month, today.day, hour - 3, 5, tzinfo=UTC)


def test_off_by_default_and_the_parent_turns_it_on(client, dw):
    client.force_login(dw.users["parent"])
    page = reverse("diary:digest", args=[dw.school.pk])
    response = client.get(page)
    assert response.status_code == 200 and not response.context["form"].initial["enabled"]
    assert digest.due_subscriptions(now=clock.now()) == []
    response = client.post(page, {"enabled": "on", "hour": "18", "email": ""})
    assert (
        "Укажите адрес" in response.content.decode()
    )  # the message next to the field, nothing saved
    assert not DigestSubscription.objects.exists()
    client.post(page, {"enabled": "on", "hour": "18", "email": "mama@example.org"})
    sub = DigestSubscription.objects.get()
    assert (sub.enabled, sub.hour, sub.email) == (True, 18, "mama@example.org")


def test_due_only_from_the_chosen_hour_and_once_a_day(dw):
    sub = digest_save(
        acting_user=dw.users["parent"],
        school=dw.school,
        enabled=True,
        hour=19,
        email="p@example.org",
    )
    # The digest's evening lies ahead of the real clock, whenever the suite runs, and its
    # window starts just before the entries below are made (they are stamped with now).
    evening = _now_at_moscow_hour(19)
    if evening <= clock.now():
        evening += timedelta(days=1)
    DigestSubscription.objects.filter(pk=sub.pk).update(
        covered_until=clock.now() - timedelta(minutes=1)
    )
    assert digest.due_subscriptions(now=evening - timedelta(hours=1)) == []
    assert digest.due_subscriptions(now=evening) == [sub.pk]
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.control,
        value="5",
        expected_version=0,
        comment="Отлично",
    )
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.stranger,
        work_type=dw.control,
        value="2",
        expected_version=0,
        comment="Чужая отметка",
    )
    homework_set(
        acting_user=dw.teacher, lesson=dw.math_b_mon, text="Сестре: № 7", expected_version=0
    )
    assert digest.send_digest(subscription_id=sub.pk, now=evening + timedelta(minutes=1))
    assert (
        digest.send_digest(subscription_id=sub.pk, now=evening + timedelta(minutes=2)) is False
    )  # a retry
    assert digest.due_subscriptions(now=evening + timedelta(hours=2)) == []
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["p@example.org"]
    assert (
        "Отлично" in message.body
        and "Сестре: № 7" in message.body
        and "Чужая отметка" not in message.body
    )
    assert "/diary/unsubscribe/" in message.body and message.extra_headers[
        "List-Unsubscribe"
    ].startswith("<http")
    # The next day's digest starts where this one ended: nothing new, no letter.
    assert digest.send_digest(subscription_id=sub.pk, now=evening + timedelta(days=1)) is False
    assert len(mail.outbox) == 1


def test_unsubscribe_link_works_without_login(client, dw):
    sub = digest_save(
        acting_user=dw.users["parent"],
        school=dw.school,
        enabled=True,
        hour=19,
        email="p@example.org",
    )
    url = reverse("diary:unsubscribe", args=[unsubscribe_token(sub)])
    assert client.get(url).status_code == 200
    assert DigestSubscription.objects.get(pk=sub.pk).enabled is True
    assert client.post(url).status_code == 200
    assert DigestSubscription.objects.get(pk=sub.pk).enabled is False
    assert client.get(reverse("diary:unsubscribe", args=["forged:token"])).status_code == 404


@pytest.mark.parametrize("role", ["student", "teacher", "deputy"])
def test_digest_settings_are_for_parents(client, dw, role):
    client.force_login(dw.users[role])
    assert client.get(reverse("diary:digest", args=[dw.school.pk])).status_code == 403
