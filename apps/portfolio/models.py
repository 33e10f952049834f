"""Portfolios of students and teachers (SPEC §8; seed 000 item 21, seed 002).

A student's portfolio: the portrait (an essay «о себе», a photo, the class teacher's
characteristic) and the achievements. An achievement the student or a parent adds waits
for the class teacher's confirmation; one a teacher adds is confirmed by that teacher.
A teacher's portfolio: the qualification category with its expiry, and entries (courses,
awards, publications, open lessons) — the results of their students are read from the
students' confirmed achievements that name the teacher.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.school.models import AcademicYear, School
from apps.school.uploads import RandomName
from apps.students.models import Student


class Level(models.TextChoices):
    SCHOOL = "school", _("школьный")
    MUNICIPAL = "municipal", _("муниципальный")
    REGIONAL = "regional", _("региональный")
    NATIONAL = "national", _("всероссийский")
    INTERNATIONAL = "international", _("международный")


class Result(models.TextChoices):
    PARTICIPANT = "participant", _("участник")
    PRIZE = "prize", _("призёр")
    WINNER = "winner", _("победитель")


class Portrait(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="portrait")
    essay = models.TextField(_("эссе «О себе»"), blank=True, max_length=8000)
    photo = models.FileField(_("фотография"), upload_to=RandomName("portfolio"), blank=True)
    characteristic = models.TextField(
        _("характеристика классного руководителя"), blank=True, max_length=8000
    )
    characteristic_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("изменён"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("портрет обучающегося")
        verbose_name_plural = _("портреты обучающихся")

    def __str__(self) -> str:
        return str(self.student)

    @property
    def academic_year(self):
        return None

    @property
    def is_filled(self) -> bool:
        return bool(self.essay.strip() or self.photo)


class Achievement(models.Model):
    class Kind(models.TextChoices):
        OLYMPIAD = "olympiad", _("олимпиада")
        CONTEST = "contest", _("конкурс")
        COMPETITION = "competition", _("соревнование")
        PROJECT = "project", _("проект")
        SPORT = "sport", _("спорт")
        CREATIVE = "creative", _("творчество")
        OTHER = "other", _("другое")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="achievements")
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("вид"), max_length=12, choices=Kind.choices, default=Kind.OLYMPIAD)
    event = models.CharField(_("мероприятие"), max_length=300)
    subject = models.CharField(_("предмет, направление"), max_length=150, blank=True)
    level = models.CharField(_("уровень"), max_length=14, choices=Level.choices)
    result = models.CharField(_("результат"), max_length=12, choices=Result.choices)
    happened_on = models.DateField(_("дата"))
    diploma = models.FileField(_("скан диплома"), upload_to=RandomName("portfolio"), blank=True)
    diploma_name = models.CharField(max_length=200, blank=True)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("педагог-наставник"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_achievements",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("добавлено"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("подтверждено"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("достижение")
        verbose_name_plural = _("достижения")
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["school", "year", "confirmed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False),
                name="achievement_confirmed_by_someone",
            )
        ]

    def __str__(self) -> str:
        return self.event

    @property
    def academic_year(self):
        return self.year

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class TeacherCategory(models.Model):
    """A teacher's qualification category (attestation every five years, Приказ № 196)."""

    class Category(models.TextChoices):
        FIRST = "first", _("первая")
        HIGHEST = "highest", _("высшая")
        METHODIST = "methodist", _("педагог-методист")
        MENTOR = "mentor", _("педагог-наставник")
        FITS = "fits", _("соответствие занимаемой должности")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="categories"
    )
    category = models.CharField(_("категория"), max_length=10, choices=Category.choices)
    assigned_on = models.DateField(_("присвоена"))
    expires_on = models.DateField(_("действует до"))
    order_ref = models.CharField(_("приказ"), max_length=200, blank=True)
    # The reminder six months ahead is sent once per expiry date.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("квалификационная категория")
        verbose_name_plural = _("квалификационные категории")
        constraints = [
            models.UniqueConstraint(fields=["school", "teacher"], name="category_one_per_teacher"),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("assigned_on")),
                name="category_expires_after_assigned",
                violation_error_message=_("Срок действия должен быть позже даты присвоения."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_category_display()

    @property
    def academic_year(self):
        return None


class TeacherEntry(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("курсы повышения квалификации")
        AWARD = "award", _("награда")
        PUBLICATION = "publication", _("публикация")
        OPEN_LESSON = "open_lesson", _("открытый урок")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_entries"
    )
    kind = models.CharField(_("раздел"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("название"), max_length=300)
    organisation = models.CharField(_("организация"), max_length=300, blank=True)
    hours = models.PositiveSmallIntegerField(_("часов"), null=True, blank=True)
    happened_on = models.DateField(_("дата"))
    file = models.FileField(_("документ"), upload_to=RandomName("portfolio"), blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(_("добавлено"))

    class Meta:
        verbose_name = _("запись портфолио педагога")
        verbose_name_plural = _("записи портфолио педагога")
        ordering = ["kind", "-happened_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def academic_year(self):
        return None
