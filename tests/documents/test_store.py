"""The document store: upload with a category and visibility, versions that keep the old
file, visibility by role, search by title, the school's open page without login; every file
as an attachment with nosniff; another school's documents answer 404."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.documents import services
from apps.orders.models import SchoolDocument
from tests.documents.permission_samples import public_document

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 test"


def _url(name, w, **kwargs):
    return reverse(f"documents:{name}", kwargs={"school_id": w.school.pk, **kwargs})


def _upload(client, w, **extra):
    data = {
        "title": "Положение о текущем контроле",
        "category": "regulations",
        "visibility": "staff",
        "dated": "2026-09-01",
        "file": SimpleUploadedFile("polozhenie.pdf", PDF),
        **extra,
    }
    return client.post(_url("upload", w), data)


def _doc(w, *, title, visibility, roles=(), category="regulations", content=PDF):
    return services.document_upload(
        acting_user=w.users["secretary"],
        school=w.school,
        title=title,
        category=category,
        visibility=visibility,
        roles=list(roles),
        dated=date(2026, 9, 1),
        file=SimpleUploadedFile("f.pdf", content),
    )


def test_the_secretary_uploads_a_document(client, world):
    client.force_login(world.users["secretary"])
    response = _upload(client, world)
    assert response.status_code == 302
    document = SchoolDocument.objects.get(title="Положение о текущем контроле")
    assert (document.category, document.visibility, document.version) == ("regulations", "staff", 1)
    assert document.versions.get().file.name == document.file.name
    download = client.get(_url("file", world, pk=document.pk))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%D0%9F%D0%BE%D0%BB" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script>"),
        ("pic.svg", b"<svg onload=alert(1)>"),
        ("fake.pdf", b"<html>"),
    ],
)
def test_a_page_or_a_picture_that_runs_is_refused(client, world, name, content):
    client.force_login(world.users["secretary"])
    response = _upload(client, world, file=SimpleUploadedFile(name, content))
    assert response.status_code == 422
    assert "Положение о текущем контроле" in response.content.decode()  # the title stays
    assert not SchoolDocument.objects.exists()


def test_roles_visibility_needs_roles(client, world):
    client.force_login(world.users["secretary"])
    response = _upload(client, world, visibility="roles")
    assert response.status_code == 422
    assert "Отметьте роли" in response.content.decode()


def test_a_new_version_keeps_the_old_one(client, world):
    document = _doc(world, title="Правила внутреннего распорядка", visibility="staff")
    first_file = document.file.name
    client.force_login(world.users["deputy"])
    response = client.post(
        _url("version-add", world, pk=document.pk),
        {
            "file": SimpleUploadedFile("v2.pdf", b"%PDF-1.4 second"),
            "note": "новая редакция",
            "version": 1,
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.version == 2 and document.file.name != first_file
    versions = list(document.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].file.name == first_file
    old = client.get(_url("version-file", world, pk=versions[0].pk))
    assert b"".join(old.streaming_content if old.streaming else [old.content]) == PDF
    current = client.get(_url("file", world, pk=document.pk))
    assert current.content == b"%PDF-1.4 second"
    page = client.get(_url("detail", world, pk=document.pk)).content.decode()
    assert "новая редакция" in page and "текущая" in page


def test_a_version_uploaded_against_an_old_one_is_refused(client, world):
    document = _doc(world, title="Положение", visibility="staff")
    client.force_login(world.users["secretary"])
    version_add = _url("version-add", world, pk=document.pk)
    client.post(version_add, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"), "version": 1})
    response = client.post(
        version_add, {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 b"), "version": 1}
    )
    assert response.status_code == 422
    assert "загрузили версию 2" in response.content.decode()
    document.refresh_from_db()
    assert document.version == 2


def test_a_signed_order_takes_no_new_version(client, world):
    from tests.orders.permission_samples import _document

    order_document = _document(world)
    client.force_login(world.users["secretary"])
    response = client.post(
        _url("version-add", world, pk=order_document.pk),
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"), "version": 1},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Подписанный приказ не изменяется" in page
    assert not order_document.versions.exists()


def test_visibility_by_role(client, world):
    _doc(world, title="Инструкция по охране труда", visibility="staff")
    _doc(world, title="Памятка для родителей", visibility="roles", roles=["parent"])
    _doc(world, title="План работы медкабинета", visibility="roles", roles=["medic", "director"])
    _doc(world, title="Устав школы", visibility="public", category="public")
    sees = {
        "teacher": {"Инструкция по охране труда", "Устав школы"},
        "parent": {"Памятка для родителей", "Устав школы"},
        "student": {"Устав школы"},
        "medic": {"Инструкция по охране труда", "План работы медкабинета", "Устав школы"},
    }
    titles = set(SchoolDocument.objects.values_list("title", flat=True))
    for role, expected in sees.items():
        client.force_login(world.users[role])
        page = client.get(_url("index", world)).content.decode()
        assert {t for t in titles if t in page} == expected, role
        hidden = SchoolDocument.objects.exclude(title__in=expected)
        for document in hidden:
            assert client.get(_url("file", world, pk=document.pk)).status_code == 404, (
                role,
                document,
            )


def test_the_uploaders_see_everything_they_filed(client, world):
    _doc(world, title="План работы медкабинета", visibility="roles", roles=["medic"])
    client.force_login(world.users["deputy"])
    assert "План работы медкабинета" in client.get(_url("index", world)).content.decode()


def test_changing_visibility(client, world):
    document = _doc(world, title="Положение об олимпиадах", visibility="staff")
    client.force_login(world.users["secretary"])
    response = client.post(
        _url("settings", world, pk=document.pk),
        {
            "title": "Положение об олимпиадах",
            "category": "public",
            "visibility": "public",
            "version": 1,
        },
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(reverse("documents:public", args=[world.school.pk])).content.decode()
    assert "Положение об олимпиадах" in page


def test_search_by_title(client, world):
    _doc(world, title="Положение о школьной форме", visibility="staff")
    _doc(world, title="Правила приёма", visibility="staff")
    client.force_login(world.users["teacher"])
    page = client.get(_url("index", world) + "?q=школьной+форм").content.decode()
    assert "Положение о школьной форме" in page and "Правила приёма" not in page


def test_categories(client, world):
    _doc(world, title="Бланк заявления", visibility="staff", category="templates")
    _doc(world, title="ФГОС ООО", visibility="staff", category="normative")
    client.force_login(world.users["teacher"])
    page = client.get(_url("index", world) + "?category=templates").content.decode()
    assert "Бланк заявления" in page and "ФГОС ООО" not in page


def test_only_the_administration_and_secretaries_upload(client, world):
    for role in ("teacher", "technical", "parent", "medic"):
        client.force_login(world.users[role])
        assert _upload(client, world).status_code == 403, role
    assert not SchoolDocument.objects.exists()


def test_the_open_page_without_login(client, world):
    public = public_document(world)
    _doc(world, title="Инструкция по охране труда", visibility="staff")
    page = client.get(reverse("documents:public", args=[world.school.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Устав школы" in text and "Инструкция по охране труда" not in text
    download = client.get(reverse("documents:public-file", args=[world.school.pk, public.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    staff_only = SchoolDocument.objects.get(title="Инструкция по охране труда")
    assert (
        client.get(
            reverse("documents:public-file", args=[world.school.pk, staff_only.pk])
        ).status_code
        == 404
    )


def test_another_schools_documents_are_not_found(client, world):
    foreign = public_document(world.other)
    foreign_staff = _doc(world.other, title="Чужое положение", visibility="staff")
    # through this school's open page, another school's public document does not exist
    assert (
        client.get(reverse("documents:public-file", args=[world.school.pk, foreign.pk])).status_code
        == 404
    )
    client.force_login(world.users["secretary"])
    for document in (foreign, foreign_staff):
        for name in ("detail", "file"):
            assert client.get(_url(name, world, pk=document.pk)).status_code == 404
        assert (
            client.get(_url("version-file", world, pk=document.versions.get().pk)).status_code
            == 404
        )
    assert client.get(reverse("documents:index", args=[world.other.school.pk])).status_code == 404


def test_signed_orders_are_still_filed_and_listed(client, world):
    from tests.orders.permission_samples import _document

    order_document = _document(world)
    client.force_login(world.users["director"])
    page = client.get(_url("index", world) + "?category=orders").content.decode()
    assert order_document.title in page
    client.force_login(world.users["teacher"])
    assert 'data-testid="document-row"' not in client.get(_url("index", world)).content.decode()
