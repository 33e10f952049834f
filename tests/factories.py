"""factory-boy factories for the school structure. Every factory keeps rows in one school."""

from datetime import date, time
from zoneinfo import ZoneInfo

import factory

from apps.accounts.models import RoleGrant, User
from apps.classes.models import CurriculumLine, SchoolClass, Subgroup, Subject, TeachingAssignment
from apps.school import clock
from apps.school.models import AcademicYear, Bell, Holiday, Licence, School, Shift, StudyPeriod
from apps.staff.models import StaffMember
from apps.students.models import Enrollment, Guardian, Guardianship, Student


def year_start() -> date:
    """1 September of the school year around the clock's today (tests/clock.py keeps the run's
    today in 2026/2027, the year whose days the tests name)."""
    today = clock.now().astimezone(ZoneInfo("Europe/Moscow")).date()
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def in_year(month: int, day: int) -> factory.LazyFunction:
    """A day of the school year around today: September–December of its first calendar
    year, January–August of the second."""

    def build() -> date:
        start = year_start()
        return date(start.year + (month < 9), month, day)

    return factory.LazyFunction(build)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    full_name = factory.Sequence(
        lambda n: (
            f"Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № {n + 1}»"
        )
    )
    short_name = factory.Sequence(lambda n: f"СОШ № {n + 1}")
    time_zone = "Europe/Moscow"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "Иванова"
    first_name = "Анна"
    patronymic = "Петровна"
    password = factory.PostGenerationMethodCall("set_password", "пароль-для-тестов")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = "teacher"


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear

    school = factory.SubFactory(SchoolFactory)
    name = factory.LazyFunction(lambda: f"{year_start().year}/{year_start().year + 1}")
    starts_on = in_year(9, 1)
    ends_on = in_year(5, 31)
    status = AcademicYear.Status.OPEN
    half_year_grades = [10, 11]


class StudyPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyPeriod

    year = factory.SubFactory(AcademicYearFactory)
    school = factory.SelfAttribute("year.school")
    scheme = StudyPeriod.Scheme.QUARTER
    number = 1
    name = "1 четверть"
    starts_on = in_year(9, 1)
    ends_on = in_year(10, 24)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    year = factory.SubFactory(AcademicYearFactory)
    school = factory.SelfAttribute("year.school")
    name = "Осенние каникулы"
    starts_on = in_year(10, 26)
    ends_on = in_year(11, 3)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    school = factory.SubFactory(SchoolFactory)
    number = 1
    name = "1 смена"


class BellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bell

    shift = factory.SubFactory(ShiftFactory)
    school = factory.SelfAttribute("shift.school")
    lesson_number = 1
    starts_at = time(8, 30)
    ends_at = time(9, 15)


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    school = factory.SubFactory(SchoolFactory)
    kind = Licence.Kind.LICENCE
    number = factory.Sequence(lambda n: f"Л035-{n:05d}")
    issued_on = date(2016, 3, 1)


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Предмет {n}")


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    year = factory.SubFactory(AcademicYearFactory)
    school = factory.SelfAttribute("year.school")
    grade = 5
    letter = factory.Sequence(lambda n: "АБВГДЕЖЗИКЛМН"[n % 13] + ("" if n < 13 else str(n)))
    capacity = 25


class CurriculumLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CurriculumLine

    year = factory.SubFactory(AcademicYearFactory)
    school = factory.SelfAttribute("year.school")
    grade = 5
    subject = factory.SubFactory(SubjectFactory, school=factory.SelfAttribute("..school"))
    hours_per_week = 5


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    last_name = factory.Sequence(lambda n: f"Смирнов{n}")
    first_name = "Иван"
    patronymic = "Сергеевич"
    birth_date = date(2015, 4, 12)
    sex = "m"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    school = factory.SubFactory(SchoolFactory)
    last_name = factory.Sequence(lambda n: f"Смирнова{n}")
    first_name = "Ольга"
    patronymic = "Викторовна"


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.school")
    guardian = factory.SubFactory(GuardianFactory, school=factory.SelfAttribute("..school"))
    relationship = Guardianship.Relationship.MOTHER


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.SelfAttribute("school_class.school")
    student = factory.SubFactory(StudentFactory, school=factory.SelfAttribute("..school"))
    starts_on = factory.SelfAttribute("school_class.year.starts_on")


class SubgroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subgroup

    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.SelfAttribute("school_class.school")
    subject = factory.SubFactory(SubjectFactory, school=factory.SelfAttribute("..school"))
    name = "1 группа"


class TeachingAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingAssignment

    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.SelfAttribute("school_class.school")
    year = factory.SelfAttribute("school_class.year")
    teacher = factory.SubFactory(UserFactory)
    subject = factory.SubFactory(SubjectFactory, school=factory.SelfAttribute("..school"))
    hours_per_week = 4


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    position = "teacher"


# --- journal: timetable, lessons, work types ---------------------------------------------


class TimetableEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "schedule.TimetableEntry"

    assignment = factory.SubFactory(TeachingAssignmentFactory)
    school = factory.SelfAttribute("assignment.school")
    year = factory.SelfAttribute("assignment.year")
    weekday = 1
    lesson_number = 1
    starts_on = factory.SelfAttribute("year.starts_on")
    ends_on = factory.SelfAttribute("year.ends_on")


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "schedule.Lesson"

    assignment = factory.SubFactory(TeachingAssignmentFactory)
    school = factory.SelfAttribute("assignment.school")
    date = in_year(9, 7)
    lesson_number = 1
    starts_at = time(8, 30)
    ends_at = time(9, 15)


class WorkTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "gradebook.WorkType"
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    name = "Ответ на уроке"
    weight = 1
