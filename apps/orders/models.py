"""Orders on student movement (приказы о движении обучающихся, SPEC §5; seed 000 items 5–8, 19).

The secretary drafts an order, the director signs it. Signing gives it the next number of
the school's year and applies every line to the class history in one transaction. A
signed order is never changed again: it is undone by a cancellation order.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.school.models import AcademicYear, School
from apps.school.uploads import RandomName


class OrderKind(models.TextChoices):
    ENROLMENT = "enrolment", _("О зачислении")
    LEAVING = "leaving", _("О выбытии")
    TRANSFER = "transfer", _("О переводе в другой класс")
    YEAR_TRANSFER = "year_transfer", _("О переводе в следующий класс")
    GRADUATION = "graduation", _("О выпуске")
    CANCELLATION = "cancellation", _("Об отмене приказа")


# The default title written under «ПРИКАЗ».
KIND_TITLES = {
    OrderKind.ENROLMENT: _("О зачислении обучающихся"),
    OrderKind.LEAVING: _("О выбытии обучающихся"),
    OrderKind.TRANSFER: _("О переводе обучающихся в другой класс"),
    OrderKind.YEAR_TRANSFER: _("О переводе обучающихся в следующий класс"),
    OrderKind.GRADUATION: _("О выпуске обучающихся"),
    OrderKind.CANCELLATION: _("Об отмене приказа"),
}


class OrderQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(status__in=[Order.Status.SIGNED, Order.Status.CANCELLED])


@pghistory.track()
class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Проект")
        SIGNED = "signed", _("Подписан")
        CANCELLED = "cancelled", _("Отменён")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="orders")
    year = models.ForeignKey(
        AcademicYear, verbose_name=_("учебный год"), on_delete=models.PROTECT, related_name="orders"
    )
    kind = models.CharField(_("вид приказа"), max_length=20, choices=OrderKind.choices)
    status = models.CharField(
        _("состояние"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("заголовок"), max_length=300)
    number = models.CharField(_("номер"), max_length=40, blank=True)
    sequence = models.PositiveIntegerField(
        _("порядковый номер"), null=True, blank=True, editable=False
    )
    order_date = models.DateField(_("дата приказа"))
    effective_on = models.DateField(
        _("дата движения"),
        help_text=_("С этого дня обучающиеся числятся (или не числятся) в классах по приказу."),
    )
    basis = models.CharField(
        _("основание"),
        max_length=500,
        blank=True,
        help_text=_("Например, «заявление родителя (законного представителя)»"),
    )
    cancels = models.OneToOneField(
        "self",
        verbose_name=_("отменяемый приказ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cancelled_by",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("подписан"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("приказ")
        verbose_name_plural = _("приказы")
        ordering = ["-order_date", "-sequence", "-pk"]
        indexes = [models.Index(fields=["school", "year", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "sequence"],
                name="order_unique_sequence",
                violation_error_message=_("Приказ с таким номером уже есть."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(sequence__isnull=False) & ~Q(number="")),
                name="order_signed_has_number",
            ),
        ]
        # The database itself keeps a signed order as it was signed: only its state may go
        # from «signed» to «cancelled» (by a cancellation order); it is never deleted.
        triggers = [
            pgtrigger.Protect(
                name="signed_order_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "OLD.status IN ('signed', 'cancelled') AND (NEW.status <> 'cancelled' OR "
                    "(NEW.kind, NEW.number, NEW.sequence, NEW.order_date, NEW.effective_on, NEW.title, NEW.basis, "
                    "NEW.year_id, NEW.school_id, NEW.cancels_id, NEW.signed_by_id, NEW.signed_at) IS DISTINCT FROM "
                    "(OLD.kind, OLD.number, OLD.sequence, OLD.order_date, OLD.effective_on, OLD.title, OLD.basis, "
                    "OLD.year_id, OLD.school_id, OLD.cancels_id, OLD.signed_by_id, OLD.signed_at))"
                ),
            ),
            pgtrigger.Protect(
                name="signed_order_kept",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__status__in=["signed", "cancelled"]),
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return f"№ {self.number} от {self.order_date:%d.%m.%Y}"
        return f"{_('Проект приказа')} «{self.title}»"

    @property
    def academic_year(self):
        # Orders are written in the open year and may move students into the next one.
        return None

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class OrderItem(models.Model):
    """One line of an order: one student, from which class to which, from where, to where.

    What applying the line did to the class history is kept on it (`created_enrollment`,
    `closed_enrollment` with its previous end, or the removed enrolment's class and start),
    so that a cancellation order can put the history back exactly.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("обучающийся"),
        on_delete=models.PROTECT,
        related_name="order_items",
    )
    from_class = models.ForeignKey(
        "classes.SchoolClass",
        verbose_name=_("из класса"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_class = models.ForeignKey(
        "classes.SchoolClass",
        verbose_name=_("в класс"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin = models.CharField(_("откуда прибыл"), max_length=300, blank=True)
    destination = models.CharField(
        _("куда выбыл"),
        max_length=300,
        blank=True,
        help_text=_("Образовательная организация, в которую выбывает обучающийся (обязательно)."),
    )
    reason = models.CharField(_("причина"), max_length=300, blank=True)
    conditional = models.BooleanField(
        _("условно"), default=False, help_text=_("Условный перевод: академическая задолженность.")
    )
    position = models.PositiveIntegerField(default=0)
    # What signing did, for an exact reversal.
    created_enrollment = models.ForeignKey(
        "students.Enrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_enrollment = models.ForeignKey(
        "students.Enrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_previous_end = models.DateField(null=True, blank=True)
    removed_class = models.ForeignKey(
        "classes.SchoolClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_starts_on = models.DateField(null=True, blank=True)
    removed_ends_on = models.DateField(null=True, blank=True)
    removed_note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("строка приказа")
        verbose_name_plural = _("строки приказа")
        ordering = ["order", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "student"],
                name="orderitem_student_once",
                violation_error_message=_("Обучающийся уже есть в этом приказе."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.student_id}"

    @property
    def academic_year(self):
        return None


class OrderCounter(models.Model):
    """The last number given in a school's year; locked while an order is being signed."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="ordercounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year_id}: {self.last}"


class OrderSettings(models.Model):
    """How a school numbers its orders on students: «45-о», «01-09/45»…"""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="order_settings")
    number_pattern = models.CharField(
        _("шаблон номера"),
        max_length=40,
        default="{n}-о",
        help_text=_(
            "{n} — порядковый номер в учебном году, {year} — год начала учебного года. Например, «{n}-о»."
        ),
    )
    city = models.CharField(
        _("населённый пункт"),
        max_length=100,
        blank=True,
        help_text=_("Пишется под заголовком приказа."),
    )

    class Meta:
        verbose_name = _("нумерация приказов")
        verbose_name_plural = _("нумерация приказов")

    def __str__(self) -> str:
        return self.number_pattern

    @property
    def academic_year(self):
        return None


class SchoolDocument(models.Model):
    """The school document store (хранилище школьных документов, seed 002): signed orders
    land here when signed; other documents are uploaded on the store's pages
    (apps/documents), each upload a new version that keeps the previous ones."""

    class Category(models.TextChoices):
        ORDERS = "orders", _("Приказы")
        REGULATIONS = "regulations", _("Локальные акты")
        NORMATIVE = "normative", _("Нормативные документы")
        PUBLIC = "public", _("Общедоступные документы")
        TEMPLATES = "templates", _("Шаблоны и бланки")

    class Visibility(models.TextChoices):
        """Who may open the document (apps/documents/selectors.py reads them)."""

        PUBLIC = "public", _("все, на открытой странице школы")
        STAFF = "staff", _("все сотрудники школы")
        ROLES = "roles", _("выбранные роли")
        ORDERS = "orders", _("кто работает с приказами")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="documents")
    category = models.CharField(_("раздел"), max_length=20, choices=Category.choices)
    # An order on movement names children, their classes and where they went: it is read
    # by the roles that read orders, not by every member of staff.
    visibility = models.CharField(
        _("кому виден"), max_length=10, choices=Visibility.choices, default=Visibility.ORDERS
    )
    # For Visibility.ROLES: the roles (apps.accounts.policy.Role values) that read it.
    roles = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    title = models.CharField(_("название"), max_length=500)
    order = models.OneToOneField(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="document"
    )
    file = models.FileField(_("файл"), upload_to=RandomName("documents"), blank=True)
    dated = models.DateField(_("дата документа"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # The current version's number: an upload made against an older one is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("документ")
        verbose_name_plural = _("хранилище документов")
        ordering = ["-dated", "-pk"]

    def __str__(self) -> str:
        return self.title


class ImportBatch(models.Model):
    """An uploaded contingent spreadsheet between its preview and its confirmation."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Проверен, ждёт подтверждения")
        IMPORTED = "imported", _("Загружен")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=300)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
