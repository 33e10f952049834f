"""The queue, one's own requests and the caretaker's landing page answer in a constant
number of queries, whatever the number of requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.facilities import services

pytestmark = pytest.mark.django_db


def _fill(world, n):
    authors = [world.users[r] for r in ("teacher", "medic", "secretary", "director")]
    for i in range(n):
        services.repair_request_file(
            acting_user=authors[i % len(authors)],
            school=world.school,
            room=f"каб. {100 + i}",
            problem=f"Поломка {i}",
            urgency=("urgent", "normal", "low")[i % 3],
        )


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("technical", lambda w: reverse("facilities:index", args=[w.school.pk])),
        ("teacher", lambda w: reverse("facilities:index", args=[w.school.pk])),
        ("teacher", lambda w: reverse("facilities:index", args=[w.school.pk]) + "?scope=all"),
        ("technical", lambda w: reverse("school:home", args=[w.school.pk])),
        ("technical", lambda w: reverse("facilities:month-xlsx", args=[w.school.pk])),
    ],
)
def test_pages_do_not_grow_with_the_requests(
    client, world, django_assert_max_num_queries, role, url
):
    client.force_login(world.users[role])
    _fill(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(world)).status_code == 200
    _fill(world, 30)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url(world)).status_code == 200
