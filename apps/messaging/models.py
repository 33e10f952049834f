from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.school.models import School
from apps.school.uploads import RandomName


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notification, optionally mirrored by e-mail.

    `dedupe_key` makes a reminder idempotent: a deadline check that runs every few
    minutes, or a retried task, creates the notification once and e-mails it once.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("заголовок"), max_length=200)
    body = models.TextField(_("текст"), blank=True)
    link = models.CharField(_("ссылка"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    wants_email = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "user", "dedupe_key"], name="notification_once"
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


# --- internal mail -------------------------------------------------------------------------


class Message(models.Model):
    """A letter: a draft of its author until `sent_at`, then delivered to people.

    A thread is a first message (`root` empty) and the replies that name it as `root`, kept
    apart per recipient family (`family_key`): a letter «родителям 5А» becomes one thread per
    family for the answers. `recipient_count` and `read_count` are counters kept by the
    services, so «прочитали 18 из 26» costs no count over the deliveries.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mail_written"
    )
    subject = models.CharField(_("тема"), max_length=200)
    body = models.TextField(_("текст"), blank=True)
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    family_key = models.CharField(max_length=24, blank=True)
    audience_label = models.CharField(_("кому"), max_length=500, blank=True)
    # A draft keeps whom it is for: "u:<user id>" and "g:<group code>" (recipients.py).
    draft_to = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    read_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("сообщение")
        verbose_name_plural = _("сообщения")
        indexes = [
            models.Index(fields=["author", "school", "sent_at"]),
            models.Index(fields=["root", "family_key", "sent_at"]),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def thread_root_id(self) -> int:
        return self.root_id or self.pk


class Delivery(models.Model):
    """One recipient's copy of a message: read or not, in the inbox or the archive."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_received"
    )
    family_key = models.CharField(max_length=24, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    archived = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("доставка сообщения")
        verbose_name_plural = _("доставки сообщений")
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient"], name="delivery_once"),
        ]
        indexes = [
            # The unread counter of the menu reads only this index's unread part.
            models.Index(
                fields=["recipient", "school"],
                condition=models.Q(read_at__isnull=True, archived=False),
                name="delivery_unread",
            ),
            models.Index(fields=["recipient", "school", "archived"]),
            models.Index(fields=["message", "family_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.message} → {self.recipient}"


class MessageAttachment(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("файл"), upload_to=RandomName("mail"))
    name = models.CharField(_("название"), max_length=200)
    size = models.PositiveIntegerField(_("размер, байт"))

    class Meta:
        verbose_name = _("вложение")
        verbose_name_plural = _("вложения")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class MailPreference(models.Model):
    """A person's choice about e-mail copies of their letters (on by default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    email_copies = models.BooleanField(
        _("присылать копии писем на электронную почту"), default=True
    )

    class Meta:
        verbose_name = _("настройка почты")
        verbose_name_plural = _("настройки почты")

    def __str__(self) -> str:
        return str(self.user)


# --- the board and the events: an audience inside a school ---------------------------------


class AudienceQuerySet(models.QuerySet):
    def visible_to(self, profile):
        """Rows whose audience includes this reader (an `AudienceProfile`, recipients.py)."""
        roles = Q(roles=[]) | Q(roles__overlap=sorted(profile.roles))
        if profile.sees_every_class:
            return self.filter(roles)
        scope = (
            Q(grades=[], class_ids=[])
            | Q(grades__overlap=sorted(profile.grades))
            | Q(class_ids__overlap=sorted(profile.class_ids))
        )
        return self.filter(roles & scope)


class Audience(models.Model):
    """Whom a post or an event is for: roles (empty: everyone), grades and classes (both
    empty: the whole school). `audience_label` is how the audience reads, set by the service."""

    roles = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    grades = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    class_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    audience_label = models.CharField(_("для кого"), max_length=300, blank=True)

    objects = AudienceQuerySet.as_manager()

    class Meta:
        abstract = True


class Announcement(Audience):
    """An announcement on the board (доска объявлений), shown from `publish_on` to `ends_on`."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("заголовок"), max_length=200)
    body = models.TextField(_("текст"), blank=True)
    publish_on = models.DateField(_("опубликовать с"))
    ends_on = models.DateField(_("показывать по"), null=True, blank=True)
    pinned = models.BooleanField(_("закрепить вверху"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("объявление")
        verbose_name_plural = _("объявления")
        indexes = [models.Index(fields=["school", "publish_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("publish_on")),
                name="announcement_ends_after_start",
                violation_error_message=_("Дата окончания раньше даты публикации."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementAttachment(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("файл"), upload_to=RandomName("board"))
    name = models.CharField(_("название"), max_length=200)
    size = models.PositiveIntegerField(_("размер, байт"))

    class Meta:
        verbose_name = _("файл объявления")
        verbose_name_plural = _("файлы объявлений")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Event(Audience):
    """A class or school event (мероприятие): a moment in the school's time zone, a place."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("название"), max_length=200)
    description = models.TextField(_("описание"), blank=True)
    starts_at = models.DateTimeField(_("начало"))
    ends_at = models.DateTimeField(_("окончание"), null=True, blank=True)
    place = models.CharField(_("место"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ответственный"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("мероприятие")
        verbose_name_plural = _("мероприятия")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["school", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("Окончание раньше начала."),
            )
        ]

    def __str__(self) -> str:
        return self.title
