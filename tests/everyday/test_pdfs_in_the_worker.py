"""Long PDFs are built by a worker (issue 12, item 14): the whole school's audit and a
class's diary printouts; the page follows the progress and a notice says when it is ready."""

from django.urls import reverse

from apps.messaging.models import Notification
from apps.reports.models import ExportJob
from tests.diary.conftest import MONDAY
from tests.pdf import pdf_pages, pdf_text


def _start(client, school, path, capture):
    with capture(execute=True):
        return client.post(reverse("reports:pdf-start", args=[school.pk]), {"path": path})


def test_the_class_printout_is_built_in_the_worker_one_page_per_student(
    client, dw, django_capture_on_commit_callbacks
):
    client.force_login(dw.teacher)
    page = client.get(
        reverse("diary:printout-class", args=[dw.school.pk, dw.school_class.pk]),
        {"week": MONDAY.isoformat()},
    ).content.decode()
    assert reverse("reports:pdf-start", args=[dw.school.pk]) in page
    path = (
        reverse("diary:printout-pdf", args=[dw.school.pk, dw.school_class.pk])
        + f"?week={MONDAY.isoformat()}&all=1"
    )
    response = _start(client, dw.school, path, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.url == reverse("reports:export", args=[dw.school.pk, job.pk])
    assert job.status == ExportJob.Status.DONE and job.filename.startswith("Дневник 5А")
    status = client.get(response.url).content.decode()
    assert "Файл готов" in status
    download = client.get(response.url, {"download": "1"})
    content = b"".join(download.streaming_content) if download.streaming else download.content
    students = dw.school_class.enrollments.count()
    assert len(pdf_pages(content)) == students
    assert dw.student.last_name in pdf_text(content)
    note = Notification.objects.get(user=dw.teacher)
    assert note.title.startswith("Файл готов") and note.link == response.url


def test_a_page_outside_the_reports_or_of_another_school_is_refused(
    client, dw, django_capture_on_commit_callbacks
):
    client.force_login(dw.teacher)
    for path in (
        reverse("accounts:users", args=[dw.school.pk]),
        reverse("diary:printout-pdf", args=[dw.other.school.pk, dw.other.school_class.pk]),
        "https://example.org/",
    ):
        response = _start(client, dw.school, path, django_capture_on_commit_callbacks)
        assert response.status_code == 302
    assert not ExportJob.objects.exists()


def test_a_class_teacher_cannot_have_another_class_built(
    client, dw, django_capture_on_commit_callbacks
):
    client.force_login(dw.teacher)
    path = reverse("diary:printout-pdf", args=[dw.school.pk, dw.class_b.pk]) + "?all=1"
    _start(client, dw.school, path, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and not job.file
