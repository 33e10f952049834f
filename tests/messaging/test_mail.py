"""The internal mail as people use it: a letter to a class, one thread per family, receipts,
folders and search, attachments that never open in the product's origin, the hourly limit,
e-mail copies, the unread counter and query counts that do not grow with the mailbox."""

import pytest
from django.core import mail as outbox
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.messaging import mail
from apps.messaging.models import Delivery, MailPreference, Message, MessageAttachment
from apps.school import clock
from apps.school.policy import MAIL_MESSAGES_PER_HOUR
from tests.messaging.conftest import family


def _to_class(mw, body="Собрание в четверг в 18:00", **kwargs):
    w = mw.w
    return mail.message_send(
        ctx=mw.ctx(w.users["teacher"]),
        subject="Родительское собрание",
        body=body,
        addresses=[f"g:class_parents:{w.school_class.pk}"],
        **kwargs,
    )


def _url(mw, name, **kwargs):
    return reverse(f"messaging:{name}", kwargs={"school_id": mw.w.school.pk, **kwargs})


def test_a_letter_to_the_class_is_answered_in_a_thread_per_family(client, mw):
    w = mw.w
    _student2, _s2_user, parent2 = family(w, w.school_class, "А2")
    letter = _to_class(mw)
    assert letter.recipient_count == 2

    client.force_login(w.users["parent"])
    page = client.get(_url(mw, "mail-message", pk=letter.pk)).content.decode()
    assert "Собрание в четверг" in page
    client.post(_url(mw, "mail-message", pk=letter.pk), {"body": "Придём вдвоём"})
    reply = Message.objects.get(root=letter)
    # The answer goes to the class teacher only, never to the other family.
    assert list(reply.deliveries.values_list("recipient_id", flat=True)) == [w.users["teacher"].pk]

    client.force_login(parent2)
    page = client.get(_url(mw, "mail-message", pk=letter.pk)).content.decode()
    assert "Придём вдвоём" not in page
    assert client.get(_url(mw, "mail-message", pk=reply.pk)).status_code == 404

    client.force_login(w.users["teacher"])
    page = client.get(_url(mw, "mail-message", pk=letter.pk)).content.decode()
    assert "прочитали 2 из 2" in page and "Придём вдвоём" in page
    thread = client.get(_url(mw, "mail-message", pk=reply.pk)).content.decode()
    client.post(_url(mw, "mail-message", pk=reply.pk), {"body": "Ждём!"})
    assert "Придём вдвоём" in thread
    answer = Message.objects.get(root=letter, author=w.users["teacher"])
    assert list(answer.deliveries.values_list("recipient_id", flat=True)) == [w.users["parent"].pk]


def test_receipts_count_each_reader_once(client, mw):
    w = mw.w
    letter = _to_class(mw)
    client.force_login(w.users["parent"])
    client.get(_url(mw, "mail-message", pk=letter.pk))
    client.get(_url(mw, "mail-message", pk=letter.pk))
    letter.refresh_from_db()
    assert letter.read_count == 1
    assert Delivery.objects.get(message=letter).read_at is not None


def test_a_parent_of_another_class_sees_nothing(client, mw):
    letter = _to_class(mw)
    client.force_login(mw.parent_b)
    assert client.get(_url(mw, "mail-message", pk=letter.pk)).status_code == 404
    assert "Родительское собрание" not in client.get(_url(mw, "mail")).content.decode()


def test_folders_search_and_archive(client, mw):
    w = mw.w
    _to_class(mw)
    mail.message_send(
        ctx=mw.ctx(w.users["director"]),
        subject="Субботник",
        body="В субботу",
        addresses=[f"u:{w.users['parent'].pk}"],
    )
    client.force_login(w.users["parent"])
    inbox = client.get(_url(mw, "mail")).content.decode()
    assert "Родительское собрание" in inbox and "Субботник" in inbox
    found = client.get(_url(mw, "mail"), {"q": "субботу"}).content.decode()
    assert "Субботник" in found and "Родительское собрание" not in found
    by_sender = client.get(_url(mw, "mail"), {"q": w.users["director"].last_name}).content.decode()
    assert "Субботник" in by_sender and "Родительское собрание" not in by_sender

    subbotnik = Message.objects.get(subject="Субботник")
    client.post(_url(mw, "mail-archive", pk=subbotnik.pk))
    assert "Субботник" not in client.get(_url(mw, "mail")).content.decode()
    assert "Субботник" in client.get(_url(mw, "mail"), {"folder": "archive"}).content.decode()

    client.force_login(w.users["teacher"])
    sent = client.get(_url(mw, "mail"), {"folder": "sent"}).content.decode()
    assert "Родительское собрание" in sent and "прочитали 0 из 1" in sent


def test_a_draft_is_kept_and_an_edit_from_an_old_copy_is_refused(client, mw):
    w = mw.w
    client.force_login(w.users["teacher"])
    client.post(
        _url(mw, "mail-compose"),
        {
            "subject": "Экскурсия",
            "body": "Черновик",
            "to": [f"u:{w.users['parent'].pk}"],
            "save_draft": "1",
        },
    )
    draft = Message.objects.get(subject="Экскурсия")
    assert draft.sent_at is None
    assert "Экскурсия" in client.get(_url(mw, "mail"), {"folder": "drafts"}).content.decode()
    ctx = mw.ctx(w.users["teacher"])
    mail.draft_save(ctx=ctx, draft=draft, subject="Экскурсия 2", body="", addresses=[], version=1)
    with pytest.raises(ValidationError, match="в другом окне"):
        mail.draft_save(ctx=ctx, draft=draft, subject="Старое", body="", addresses=[], version=1)
    response = client.post(
        _url(mw, "mail-compose"),
        {
            "draft": draft.pk,
            "version": 2,
            "subject": "Экскурсия",
            "body": "В музей",
            "to": [f"u:{w.users['parent'].pk}"],
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.sent_at is not None and draft.deliveries.count() == 1


def test_a_parent_writing_to_another_class_teacher_gets_a_clear_refusal(client, mw):
    client.force_login(mw.w.users["parent"])
    response = client.post(
        _url(mw, "mail-compose"),
        {"subject": "Вопрос", "body": "Текст", "to": [f"u:{mw.teacher_b.pk}"]},
        follow=True,
    )
    page = response.content.decode()
    assert "Писать этому адресату вам нельзя" in page
    assert "Текст" in page  # what was typed is still on the form
    assert not Message.objects.filter(sent_at__isnull=False, subject="Вопрос").exists()


def test_the_hourly_limit_refuses_with_a_clear_message_and_keeps_the_draft(client, mw):
    w = mw.w
    ctx = mw.ctx(w.users["teacher"])
    for n in range(MAIL_MESSAGES_PER_HOUR):
        mail.message_send(
            ctx=ctx, subject=f"№{n}", body="", addresses=[f"u:{w.users['parent'].pk}"]
        )
    client.force_login(w.users["teacher"])
    response = client.post(
        _url(mw, "mail-compose"),
        {"subject": "Ещё одно", "body": "Важное", "to": [f"u:{w.users['parent'].pk}"]},
    )
    page = response.content.decode()
    assert "это предел" in page and "Следующее можно будет отправить в 11:00" in page
    assert Message.objects.filter(subject="Ещё одно", sent_at__isnull=True).exists()


# --- attachments ---------------------------------------------------------------------------------


def _attached(mw, letter, name, content):
    attachment = MessageAttachment(school=mw.w.school, message=letter, name=name, size=len(content))
    attachment.file.save(name, ContentFile(content), save=True)
    return attachment


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_an_html_or_svg_attachment_is_only_ever_a_download(client, mw, name, content):
    w = mw.w
    letter = _to_class(mw)
    attachment = _attached(mw, letter, name, content)
    url = _url(mw, "mail-file", pk=attachment.pk)

    client.force_login(w.users["parent"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"

    client.force_login(mw.parent_b)
    assert client.get(url).status_code == 404
    client.force_login(w.other.users["parent"])
    assert client.get(url).status_code == 404
    other = reverse(
        "messaging:mail-file", kwargs={"school_id": w.other.school.pk, "pk": attachment.pk}
    )
    client.force_login(w.other.users["director"])
    assert client.get(other).status_code == 404


def test_uploads_outside_the_allow_list_or_too_big_are_refused(client, mw):
    w = mw.w
    client.force_login(w.users["teacher"])
    page = client.post(
        _url(mw, "mail-compose"),
        {
            "subject": "Файл",
            "body": "Смотрите",
            "to": [f"u:{w.users['parent'].pk}"],
            "files": [SimpleUploadedFile("page.html", b"<html></html>", "text/html")],
        },
    ).content.decode()
    assert "такой тип файла не принимается" in page
    assert not Message.objects.filter(subject="Файл").exists()

    big = SimpleUploadedFile("scan.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 1), "application/pdf")
    with pytest.raises(ValidationError, match="больше 10 МБ"):
        mail.check_attachments([big])


def test_attachments_reach_the_recipients_and_live_outside_the_web_root(client, mw, settings):
    w = mw.w
    client.force_login(w.users["teacher"])
    client.post(
        _url(mw, "mail-compose"),
        {
            "subject": "Программа",
            "body": "",
            "to": [f"g:class_parents:{w.school_class.pk}"],
            "files": [SimpleUploadedFile("Программа.pdf", b"%PDF-1.4 test", "application/pdf")],
        },
    )
    attachment = MessageAttachment.objects.get(message__subject="Программа")
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert "Программа" not in attachment.file.name  # stored under a random name
    client.force_login(w.users["parent"])
    response = client.get(_url(mw, "mail-file", pk=attachment.pk))
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]


# --- e-mail copies and the counter ----------------------------------------------------------------


def test_email_copies_after_commit_link_only_and_opt_out(mw, django_capture_on_commit_callbacks):
    w = mw.w
    _student2, _s2, parent2 = family(w, w.school_class, "А2")
    w.users["parent"].email = "mother@example.org"
    w.users["parent"].save(update_fields=["email"])
    MailPreference.objects.create(user=parent2, email_copies=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        letter = _to_class(mw, body="Секретный текст письма")
        assert outbox.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in outbox.outbox] == [["mother@example.org"]]
    sent = outbox.outbox[0]
    assert "Секретный текст" not in sent.body and f"/mail/{letter.pk}/" in sent.body
    assert sent.attachments == []
    mail.mail_copies_send(message_id=letter.pk)
    assert len(outbox.outbox) == 1  # once only


def test_the_unread_counter_is_in_the_menu(client, mw):
    w = mw.w
    _to_class(mw)
    client.force_login(w.users["parent"])
    page = client.get(reverse("school:home", args=[w.school.pk])).content.decode()
    assert 'data-testid="unread-mail">1<' in page


# --- query counts ---------------------------------------------------------------------------------

INBOX_QUERIES = 8
THREAD_QUERIES = 16
SEND_QUERIES = 20


def _fill(mw, n):
    w = mw.w
    for i in range(n):
        message = Message.objects.create(
            school=w.school,
            author=w.users["director"],
            subject=f"Письмо {i}",
            body="…",
            sent_at=clock.now(),
            recipient_count=1,
        )
        Delivery.objects.create(
            school=w.school, message=message, recipient=w.users["parent"], family_key="x"
        )


@pytest.mark.parametrize("n", [3, 40])
def test_the_inbox_is_constant_in_the_number_of_letters(
    client, mw, django_assert_max_num_queries, n
):
    _fill(mw, n)
    client.force_login(mw.w.users["parent"])
    with django_assert_max_num_queries(INBOX_QUERIES):
        assert client.get(_url(mw, "mail")).status_code == 200


@pytest.mark.parametrize("n_families", [1, 12])
def test_a_thread_and_its_overview_are_constant(
    client, mw, django_assert_max_num_queries, n_families
):
    w = mw.w
    for i in range(n_families):
        family(w, w.school_class, f"Q{i}")
    letter = _to_class(mw)
    for delivery in Delivery.objects.filter(message=letter).select_related("recipient"):
        ctx = mw.ctx(delivery.recipient)
        thread = mail.thread_of(ctx=ctx, message=letter)
        mail.reply_send(ctx=ctx, thread=thread, body="Спасибо")
    client.force_login(w.users["teacher"])
    with django_assert_max_num_queries(THREAD_QUERIES):
        assert client.get(_url(mw, "mail-message", pk=letter.pk)).status_code == 200
    reply = Message.objects.filter(root=letter).first()
    client.force_login(reply.author)
    with django_assert_max_num_queries(THREAD_QUERIES):
        assert client.get(_url(mw, "mail-message", pk=reply.pk)).status_code == 200


@pytest.mark.parametrize("n_families", [2, 30])
def test_sending_to_a_class_is_constant_and_one_insert_of_copies(
    mw, django_assert_max_num_queries, n_families
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = mw.w
    for i in range(n_families):
        family(w, w.school_class, f"S{i}")
    with django_assert_max_num_queries(SEND_QUERIES), CaptureQueriesContext(connection) as captured:
        letter = _to_class(mw)
    assert letter.recipient_count == n_families + 1
    inserts = [
        q
        for q in captured.captured_queries
        if q["sql"].startswith('INSERT INTO "messaging_delivery"')
    ]
    assert len(inserts) == 1


def test_the_benchmark_of_a_letter_to_every_parent_runs(mw):
    from bench.mail_send import measure_mail_send

    result = measure_mail_send(school=mw.w.school, rounds=2)
    assert result["recipients"] == 2 and result["delivery_inserts"] == 1
    assert not Message.objects.filter(subject="Родительское собрание").exists()  # rolled back


COMPOSE_QUERIES = 14


@pytest.mark.parametrize("n_families", [1, 20])
def test_the_compose_page_is_constant_in_the_school_size(
    client, mw, django_assert_max_num_queries, n_families
):
    w = mw.w
    for i in range(n_families):
        family(w, w.school_class, f"C{i}")
    for role in ("director", "teacher", "parent"):
        client.force_login(w.users[role])
        with django_assert_max_num_queries(COMPOSE_QUERIES):
            page = client.get(_url(mw, "mail-compose"))
        assert page.status_code == 200
    assert "Родители" in page.content.decode() or "Учителя" in page.content.decode()


def test_a_person_turns_email_copies_off_on_the_settings_page(client, mw):
    w = mw.w
    client.force_login(w.users["parent"])
    assert "checked" in client.get(_url(mw, "mail-settings")).content.decode()
    client.post(_url(mw, "mail-settings"), {})
    assert MailPreference.objects.get(user=w.users["parent"]).email_copies is False
    assert "checked" not in client.get(_url(mw, "mail-settings")).content.decode()


def test_a_draft_is_deleted_by_its_author_only(client, mw):
    w = mw.w
    draft = mail.draft_save(
        ctx=mw.ctx(w.users["teacher"]), draft=None, subject="Черновик", body="", addresses=[]
    )
    client.force_login(w.users["parent"])
    assert client.post(_url(mw, "mail-draft-delete", pk=draft.pk)).status_code == 404
    assert client.get(_url(mw, "mail-message", pk=draft.pk)).status_code == 404
    client.force_login(w.users["teacher"])
    client.post(_url(mw, "mail-draft-delete", pk=draft.pk))
    assert not Message.objects.filter(pk=draft.pk).exists()


def test_an_archived_thread_can_be_restored(client, mw):
    w = mw.w
    letter = _to_class(mw)
    client.force_login(w.users["parent"])
    client.post(_url(mw, "mail-archive", pk=letter.pk))
    assert "Родительское собрание" not in client.get(_url(mw, "mail")).content.decode()
    client.post(_url(mw, "mail-archive", pk=letter.pk), {"restore": "1"})
    assert "Родительское собрание" in client.get(_url(mw, "mail")).content.decode()
