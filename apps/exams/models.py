"""The state final attestation (ГИА) of grades 9 and 11 (SPEC §9; seed 000 item 16).

Why an app of its own and not the gradebook: the ГИА is run by the region, not kept by the
teacher — its own calendar (applications by 1 February / 1 March, results within 10 days
of publication), its own people (the deputy and the secretary register, not the subject
teacher), personal documents that go to the regional base, and conversion scales that are
data of a year. The gradebook keeps the school's marks and knows nothing of exams; this app
reads its year marks for the certificate sheet and the comparison, and the ГИА mark of grade
9 enters the certificate's final mark by the gradebook's own rule (the mean of the year and
exam marks).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.classes.models import Subject
from apps.school.models import AcademicYear, School
from apps.students.models import IdentityDocument, Student


class Level(models.TextChoices):
    """The form of the mathematics exam of grade 11; other subjects have one form."""

    NONE = "", _("—")
    BASE = "base", _("базовый уровень")
    PROFILE = "profile", _("профильный уровень")


class Candidate(models.Model):
    """A student of grade 9 or 11 registered for the ГИА of a year."""

    class Form(models.TextChoices):
        OGE = "oge", _("ОГЭ")
        EGE = "ege", _("ЕГЭ")
        GVE = "gve", _("ГВЭ")

    class Admission(models.TextChoices):
        NONE = "", _("нет результата")
        PASS = "pass", _("зачёт")
        FAIL = "fail", _("незачёт")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="gia")
    grade = models.PositiveSmallIntegerField(_("класс"), choices=[(9, "9"), (11, "11")])
    form = models.CharField(_("форма"), max_length=3, choices=Form.choices)
    # Итоговое собеседование (9) / итоговое сочинение (изложение) (11): the admission.
    admission_on = models.DateField(
        _("дата допуска (собеседование / сочинение)"), null=True, blank=True
    )
    admission_result = models.CharField(
        _("результат допуска"), max_length=4, choices=Admission.choices, blank=True, default=""
    )
    applied_on = models.DateField(_("дата заявления"), null=True, blank=True)
    # The identity document of the application: personal data, FieldGroup.GIA_DOCUMENT.
    document_type = models.CharField(
        _("документ"), max_length=20, choices=IdentityDocument.choices, blank=True
    )
    document_series = models.CharField(_("серия"), max_length=20, blank=True)
    document_number = models.CharField(_("номер"), max_length=30, blank=True)
    special_conditions = models.TextField(
        _("специальные условия (ОВЗ)"), blank=True, max_length=2000
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("участник ГИА")
        verbose_name_plural = _("участники ГИА")
        constraints = [
            models.UniqueConstraint(fields=["year", "student"], name="gia_candidate_once_a_year")
        ]

    def __str__(self) -> str:
        return str(self.student)

    @property
    def academic_year(self):
        return self.year

    @property
    def admission_label(self) -> str:
        return _("итоговое собеседование") if self.grade == 9 else _("итоговое сочинение")


class Exam(models.Model):
    """A chosen subject of a candidate, and its result once published."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="exams")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(
        _("уровень"), max_length=8, choices=Level.choices, blank=True, default=""
    )
    exam_on = models.DateField(_("дата экзамена"), null=True, blank=True)
    published_on = models.DateField(_("результат опубликован"), null=True, blank=True)
    primary_score = models.PositiveSmallIntegerField(_("первичный балл"), null=True, blank=True)
    test_score = models.PositiveSmallIntegerField(_("тестовый балл"), null=True, blank=True)
    mark = models.PositiveSmallIntegerField(_("отметка"), null=True, blank=True)
    entered_at = models.DateTimeField(_("результат внесён"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("экзамен ГИА")
        verbose_name_plural = _("экзамены ГИА")
        ordering = ["subject__order", "subject__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "subject"], name="gia_exam_once_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | Q(mark__gte=2, mark__lte=5),
                name="gia_exam_mark_2_to_5",
            ),
        ]

    def __str__(self) -> str:
        return str(self.subject)

    @property
    def academic_year(self):
        return self.candidate.year


class ConversionScale(models.Model):
    """The scale of a subject in a year: the lowest primary score of «3», «4», «5» (and the
    primary → test score table of the ЕГЭ). Data the school enters from the region's letter."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("класс"), choices=[(9, "9"), (11, "11")])
    subject = models.ForeignKey(
        Subject, verbose_name=_("предмет"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(
        _("уровень"), max_length=8, choices=Level.choices, blank=True, default=""
    )
    max_primary = models.PositiveSmallIntegerField(_("максимальный первичный балл"))
    min_3 = models.PositiveSmallIntegerField(_("«3» от первичного балла"))
    min_4 = models.PositiveSmallIntegerField(_("«4» от"))
    min_5 = models.PositiveSmallIntegerField(_("«5» от"))
    # Test score for each primary score 0..max (ЕГЭ); empty where the exam has none.
    test_scores = models.JSONField(_("тестовые баллы"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("шкала перевода баллов")
        verbose_name_plural = _("шкалы перевода баллов")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "grade", "subject", "level"], name="gia_scale_unique"
            ),
            models.CheckConstraint(
                condition=Q(min_3__lte=models.F("min_4"))
                & Q(min_4__lte=models.F("min_5"))
                & Q(min_5__lte=models.F("max_primary")),
                name="gia_scale_ordered",
                violation_error_message=_(
                    "Пороги должны возрастать: «3» ≤ «4» ≤ «5» ≤ максимальный балл."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.grade}"

    @property
    def academic_year(self):
        return self.year

    def mark_for(self, primary: int) -> int:
        if primary >= self.min_5:
            return 5
        if primary >= self.min_4:
            return 4
        if primary >= self.min_3:
            return 3
        return 2

    def test_for(self, primary: int) -> int | None:
        if self.test_scores and 0 <= primary < len(self.test_scores):
            return int(self.test_scores[primary])
        return None
