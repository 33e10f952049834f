"""The resource catalogue: a teacher adds a file or a link with subject, grades and topic,
keeps it private or shares it with the school, and gives it as homework without uploading
it again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.documents import services
from apps.documents.models import Resource
from apps.homework.models import Homework
from apps.homework.services import homework_set
from tests.documents.permission_samples import shared_resource
from tests.journal.conftest import jw, other_teacher  # noqa: F401  (the journal's fixture)

pytestmark = pytest.mark.django_db


def _url(name, w, **kwargs):
    return reverse(f"documents:{name}", kwargs={"school_id": w.school.pk, **kwargs})


def test_a_teacher_adds_a_file_privately(client, world):
    client.force_login(world.users["teacher"])
    response = client.post(
        _url("resource-add", world),
        {
            "title": "Карточки: сложение дробей",
            "subject": world.subject.pk,
            "grades": ["5", "6"],
            "topic": "Обыкновенные дроби",
            "file": SimpleUploadedFile("kartochki.pdf", b"%PDF-1.4 cards"),
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.kind, resource.grades, resource.shared) == ("file", [5, 6], False)
    page = client.get(_url("resources", world)).content.decode()
    assert "Карточки: сложение дробей" in page
    download = client.get(_url("resource-file", world, pk=resource.pk))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    # private: the deputy does not find it
    client.force_login(world.users["deputy"])
    assert "Карточки" not in client.get(_url("resources", world)).content.decode()
    assert client.get(_url("resource-file", world, pk=resource.pk)).status_code == 404


def test_a_link_and_refusals(client, world):
    client.force_login(world.users["teacher"])
    base = {"title": "Видеоурок", "subject": world.subject.pk, "grades": ["5"]}
    both = client.post(
        _url("resource-add", world),
        {**base, "url": "https://example.org/v", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
    )
    assert both.status_code == 422 and "что-то одно" in both.content.decode()
    neither = client.post(_url("resource-add", world), base)
    assert neither.status_code == 422
    page = client.post(
        _url("resource-add", world), {**base, "file": SimpleUploadedFile("x.html", b"<script>")}
    )
    assert page.status_code == 422 and "такой тип файла не принимается" in page.content.decode()
    assert not Resource.objects.exists()
    link = client.post(
        _url("resource-add", world), {**base, "url": "https://example.org/v", "shared": "on"}
    )
    assert link.status_code == 302
    assert Resource.objects.get().kind == "link"


def test_sharing_and_only_the_author_changes_it(client, world):
    resource = shared_resource(world)
    client.force_login(world.users["deputy"])
    assert resource.title in client.get(_url("resources", world)).content.decode()
    client.post(_url("resource-share", world, pk=resource.pk), {"shared": "0"})
    client.post(_url("resource-delete", world, pk=resource.pk))
    resource.refresh_from_db()
    assert resource.shared is True
    client.force_login(world.users["teacher"])
    client.post(_url("resource-share", world, pk=resource.pk), {"shared": "0"})
    resource.refresh_from_db()
    assert resource.shared is False
    client.force_login(world.users["deputy"])
    assert client.get(_url("resource-file", world, pk=resource.pk)).status_code == 404


def test_filters(client, world):
    shared_resource(world)
    client.force_login(world.users["teacher"])
    assert "Дроби" in client.get(_url("resources", world) + "?grade=5").content.decode()
    assert "Дроби" not in client.get(_url("resources", world) + "?grade=9").content.decode()
    assert "Дроби" in client.get(_url("resources", world) + "?q=обыкновенные").content.decode()


def test_another_schools_material_is_not_found(client, world):
    foreign = shared_resource(world.other)
    client.force_login(world.users["teacher"])
    assert client.get(_url("resource-file", world, pk=foreign.pk)).status_code == 404
    assert client.post(_url("resource-delete", world, pk=foreign.pk)).status_code == 404
    assert Resource.objects.filter(pk=foreign.pk).exists()


def test_a_catalogue_file_becomes_a_homework_attachment(client, jw):  # noqa: F811
    resource = shared_resource(jw)
    teacher = jw.users["teacher"]
    homework_set(acting_user=teacher, lesson=jw.lesson, text="№ 245", expected_version=0)
    client.force_login(teacher)
    lesson_url = reverse("journal:lesson", args=[jw.school.pk, jw.lesson.pk])
    assert 'data-testid="from-catalogue"' in client.get(lesson_url).content.decode()
    response = client.post(
        _url("resource-attach", jw), {"lesson": jw.lesson.pk, "resource": resource.pk}
    )
    assert response.status_code == 302 and response.url == lesson_url
    attachment = Homework.objects.get(lesson=jw.lesson).attachments.get()
    assert attachment.name == "drobi.pdf"
    assert attachment.file.name != resource.file.name  # the homework keeps its own copy
    with attachment.file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4 drobi"
    # the author removes the catalogue item: the homework still has its file
    services.resource_delete(acting_user=teacher, resource=resource)
    assert Homework.objects.get(lesson=jw.lesson).attachments.count() == 1


def test_a_link_goes_into_the_homework_text(client, jw):  # noqa: F811
    teacher = jw.users["teacher"]
    link = services.resource_add(
        acting_user=teacher,
        school=jw.school,
        title="Тренажёр",
        subject=jw.subject,
        grades=[5],
        url="https://example.org/trenazher",
    )
    client.force_login(teacher)
    client.post(_url("resource-attach", jw), {"lesson": jw.lesson.pk, "resource": link.pk})
    assert Homework.objects.get(lesson=jw.lesson).text == "Тренажёр: https://example.org/trenazher"


def test_a_file_needs_a_homework_text_first(client, jw):  # noqa: F811
    resource = shared_resource(jw)
    client.force_login(jw.users["teacher"])
    response = client.post(
        _url("resource-attach", jw), {"lesson": jw.lesson.pk, "resource": resource.pk}, follow=True
    )
    assert "Сначала напишите текст задания" in response.content.decode()
    assert not Homework.objects.exists()


def test_another_teachers_lesson_is_refused(client, jw):  # noqa: F811
    resource = shared_resource(jw)
    homework_set(acting_user=jw.users["teacher"], lesson=jw.lesson, text="№ 1", expected_version=0)
    stranger = other_teacher(jw)
    client.force_login(stranger)
    client.post(_url("resource-attach", jw), {"lesson": jw.lesson.pk, "resource": resource.pk})
    assert not Homework.objects.get(lesson=jw.lesson).attachments.exists()
