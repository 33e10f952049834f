"""The board and the events: who posts where, who sees what, in the landing page, the diary
week and the calendar feed, and query counts that do not grow with the board."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.messaging import board
from apps.messaging.board import AudienceChoice
from apps.messaging.models import Announcement, Event
from tests.messaging.conftest import MSK

TODAY = date(2026, 10, 14)


def _post(mw, user, title, choice=None, **kwargs):
    values = {"publish_on": TODAY, "ends_on": None, "pinned": False, **kwargs}
    return board.announcement_save(
        ctx=mw.ctx(user),
        announcement=None,
        title=title,
        body="Текст",
        choice=choice or AudienceChoice([], [], []),
        **values,
    )


def _titles(client, mw, user, name="messaging:board"):
    client.force_login(user)
    return client.get(reverse(name, args=[mw.w.school.pk])).content.decode()


def test_who_posts_where(mw):
    w = mw.w
    _post(mw, w.users["deputy"], "Всем", pinned=True)
    _post(mw, w.users["medic"], "Прививки 5 классов", AudienceChoice([], [5], []))
    _post(mw, w.users["teacher"], "Экскурсия 5А", AudienceChoice([], [], [w.school_class.pk]))
    with pytest.raises(ValidationError, match="только для своего класса"):
        _post(mw, w.users["teacher"], "Всей школе")
    with pytest.raises(ValidationError, match="только для своего класса"):
        _post(mw, w.users["teacher"], "Чужому классу", AudienceChoice([], [], [mw.class_b.pk]))
    with pytest.raises(ValidationError, match="нельзя"):
        _post(mw, mw.subject_teacher_b, "Не классный руководитель")
    with pytest.raises(ValidationError, match="нельзя"):
        _post(mw, w.users["parent"], "Родитель")
    # Only the administration pins.
    assert not _post(mw, w.users["medic"], "Закреп", pinned=True).pinned


def test_each_reader_sees_their_audience_pinned_first(client, mw):
    w = mw.w
    _post(mw, w.users["deputy"], "Обычное для всех")
    _post(mw, w.users["deputy"], "Закреплённое", pinned=True, publish_on=TODAY - timedelta(days=5))
    _post(mw, w.users["teacher"], "Экскурсия 5А", AudienceChoice([], [], [w.school_class.pk]))
    _post(mw, w.users["deputy"], "Только сотрудникам", AudienceChoice(["staff"], [], []))
    _post(mw, w.users["deputy"], "Завтрашнее", publish_on=TODAY + timedelta(days=1))
    _post(
        mw,
        w.users["deputy"],
        "Снятое",
        publish_on=TODAY - timedelta(days=9),
        ends_on=TODAY - timedelta(days=1),
    )

    parent_a = _titles(client, mw, w.users["parent"])
    assert parent_a.index("Закреплённое") < parent_a.index("Обычное для всех")
    assert "Экскурсия 5А" in parent_a and "Только сотрудникам" not in parent_a
    assert "Завтрашнее" not in parent_a and "Снятое" not in parent_a
    parent_b = _titles(client, mw, mw.parent_b)
    assert "Обычное для всех" in parent_b and "Экскурсия 5А" not in parent_b
    technical = _titles(client, mw, w.users["technical"])
    assert "Только сотрудникам" in technical and "Экскурсия 5А" not in technical
    assert "Экскурсия 5А" in _titles(client, mw, w.users["deputy"])

    hidden = Announcement.objects.get(title="Экскурсия 5А")
    client.force_login(mw.parent_b)
    assert (
        client.get(reverse("messaging:board-item", args=[w.school.pk, hidden.pk])).status_code
        == 404
    )


def test_the_landing_page_shows_the_newest_three(client, mw):
    w = mw.w
    for n in range(5):
        _post(mw, w.users["deputy"], f"Объявление {n}", publish_on=TODAY - timedelta(days=5 - n))
    page = _titles(client, mw, w.users["technical"], "school:home")
    assert all(f"Объявление {n}" in page for n in (2, 3, 4))
    assert "Объявление 1" not in page


def _event(mw, user, title, day, choice=None, hour=18):
    starts = datetime.combine(day, datetime.min.time(), tzinfo=MSK).replace(hour=hour)
    return board.event_save(
        ctx=mw.ctx(user),
        event=None,
        title=title,
        description="",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Актовый зал",
        responsible=user,
        choice=choice or AudienceChoice([], [], []),
    )


def test_events_in_the_calendar_the_diary_week_and_the_feed(client, mw):
    w = mw.w
    _event(mw, w.users["deputy"], "Осенний концерт", TODAY + timedelta(days=1))
    _event(
        mw,
        w.users["teacher"],
        "Классный час 5А",
        TODAY,
        AudienceChoice([], [], [w.school_class.pk]),
    )
    _event(mw, mw.teacher_b, "Поход 5Б", TODAY, AudienceChoice([], [], [mw.class_b.pk]))
    _event(mw, w.users["deputy"], "Совещание", TODAY, AudienceChoice(["staff"], [], []))

    calendar = _titles(client, mw, w.users["parent"], "messaging:events")
    assert "Осенний концерт" in calendar and "Классный час 5А" in calendar
    assert "Поход 5Б" not in calendar and "Совещание" not in calendar
    listing = client.get(
        reverse("messaging:events", args=[w.school.pk]), {"view": "list"}
    ).content.decode()
    assert "Осенний концерт" in listing and "Актовый зал" in listing

    week = client.get(reverse("diary:week", args=[w.school.pk, w.student.pk])).content.decode()
    assert "Мероприятия недели" in week and "Классный час 5А" in week and "Поход 5Б" not in week

    from apps.diary.ical import feed_for_token
    from apps.diary.services import calendar_feed_issue

    feed = calendar_feed_issue(acting_user=w.users["parent"], student=w.student)
    text = feed_for_token(token=feed.token)
    assert "SUMMARY:Осенний концерт" in text and "SUMMARY:Классный час 5А" in text
    assert "Поход 5Б" not in text and "Совещание" not in text
    assert "DTSTART:20261015T150000Z" in text  # 18:00 in Moscow


def test_the_diary_week_shows_the_board_and_changes_its_etag(client, mw):
    w = mw.w
    client.force_login(w.users["parent"])
    url = reverse("diary:week", args=[w.school.pk, w.student.pk])
    first = client.get(url)
    _post(
        mw,
        w.users["teacher"],
        "Родителям 5А: сдать анкеты",
        AudienceChoice(["parent"], [], [w.school_class.pk]),
    )
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and "сдать анкеты" in again.content.decode()
    client.force_login(w.users["student"])
    assert "сдать анкеты" not in client.get(url).content.decode()


def test_an_event_cannot_end_before_it_starts(mw):
    w = mw.w
    starts = datetime(2026, 10, 20, 18, tzinfo=MSK)
    with pytest.raises(ValidationError, match="Окончание раньше начала"):
        board.event_save(
            ctx=mw.ctx(w.users["deputy"]),
            event=None,
            title="Концерт",
            description="",
            starts_at=starts,
            ends_at=starts - timedelta(hours=1),
            place="",
            responsible=None,
            choice=AudienceChoice([], [], []),
        )


def test_a_stale_edit_of_an_announcement_is_refused(mw):
    w = mw.w
    item = _post(mw, w.users["deputy"], "Педсовет")
    values = {
        "title": "Педсовет 2",
        "body": "",
        "choice": AudienceChoice([], [], []),
        "publish_on": TODAY,
        "ends_on": None,
        "pinned": False,
    }
    board.announcement_save(ctx=mw.ctx(w.users["deputy"]), announcement=item, version=1, **values)
    with pytest.raises(ValidationError, match="изменил кто-то другой"):
        board.announcement_save(
            ctx=mw.ctx(w.users["director"]), announcement=item, version=1, **values
        )


def test_another_school_finds_nothing(client, mw):
    w = mw.w
    item = _post(mw, w.users["deputy"], "Педсовет")
    event = _event(mw, w.users["deputy"], "Концерт", TODAY)
    client.force_login(w.other.users["deputy"])
    for name, pk in (
        ("messaging:board-item", item.pk),
        ("messaging:event", event.pk),
        ("messaging:board-edit", item.pk),
    ):
        assert client.get(reverse(name, args=[w.other.school.pk, pk])).status_code == 404


BOARD_QUERIES = 12
CALENDAR_QUERIES = 12


@pytest.mark.parametrize("n", [2, 30])
def test_the_board_and_the_calendar_are_constant(client, mw, django_assert_max_num_queries, n):
    w = mw.w
    for i in range(n):
        Announcement.objects.create(
            school=w.school, author=w.users["deputy"], title=f"Объявление {i}", publish_on=TODAY
        )
        Event.objects.create(
            school=w.school,
            title=f"Событие {i}",
            created_by=w.users["deputy"],
            responsible=w.users["teacher"],
            starts_at=datetime(2026, 10, 1 + i % 28, 15, tzinfo=MSK),
        )
    for user in (w.users["parent"], w.users["teacher"], w.users["deputy"]):
        client.force_login(user)
        with django_assert_max_num_queries(BOARD_QUERIES):
            assert client.get(reverse("messaging:board", args=[w.school.pk])).status_code == 200
        with django_assert_max_num_queries(CALENDAR_QUERIES):
            assert client.get(reverse("messaging:events", args=[w.school.pk])).status_code == 200
        with django_assert_max_num_queries(CALENDAR_QUERIES):
            assert (
                client.get(
                    reverse("messaging:events", args=[w.school.pk]), {"view": "list"}
                ).status_code
                == 200
            )
