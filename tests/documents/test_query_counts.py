"""The document list, the open page and the catalogue answer in a constant number of
queries, whatever the number of documents, versions and materials."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.documents import services

pytestmark = pytest.mark.django_db


def _fill(world, n):
    for i in range(n):
        document = services.document_upload(
            acting_user=world.users[("secretary", "deputy")[i % 2]],
            school=world.school,
            title=f"Положение {i}",
            category=("regulations", "public", "templates")[i % 3],
            visibility=("staff", "public", "roles")[i % 3],
            roles=["teacher", "parent"],
            dated=date(2026, 9, 1),
            file=SimpleUploadedFile("p.pdf", b"%PDF-1.4"),
        )
        services.document_new_version(
            acting_user=world.users["secretary"],
            document=document,
            file=SimpleUploadedFile("p2.pdf", b"%PDF-1.4 2"),
            expected_version=1,
        )
        services.resource_add(
            acting_user=world.users[("teacher", "deputy")[i % 2]],
            school=world.school,
            title=f"Материал {i}",
            subject=world.subject,
            grades=[5, 6],
            url=f"https://example.org/{i}",
            shared=True,
        )


PAGES = [
    ("secretary", lambda w: reverse("documents:index", args=[w.school.pk])),
    ("parent", lambda w: reverse("documents:index", args=[w.school.pk])),
    ("teacher", lambda w: reverse("documents:index", args=[w.school.pk]) + "?q=Положение"),
    (None, lambda w: reverse("documents:public", args=[w.school.pk])),
    ("teacher", lambda w: reverse("documents:resources", args=[w.school.pk])),
    ("deputy", lambda w: reverse("documents:resources", args=[w.school.pk]) + "?grade=5"),
]


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_pages_do_not_grow(client, world, django_assert_max_num_queries, role, url):
    if role:
        client.force_login(world.users[role])
    _fill(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(world)).status_code == 200
    _fill(world, 20)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url(world)).status_code == 200


def test_a_document_with_many_versions(client, world, django_assert_max_num_queries):
    client.force_login(world.users["secretary"])
    _fill(world, 1)
    document = world.school.documents.first()
    url = reverse("documents:detail", args=[world.school.pk, document.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for version in range(2, 12):
        services.document_new_version(
            acting_user=world.users["deputy"],
            document=document,
            file=SimpleUploadedFile("p.pdf", b"%PDF-1.4"),
            expected_version=version,
        )
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
