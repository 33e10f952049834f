"""Who reads and writes which portfolio, derived from the policy table and from data.

A student's portfolio is read by the student, their parents, the teachers who teach their
class this year and the administration (VIEW_PORTFOLIOS); anyone else — another family,
another school, a teacher of other classes — gets 404, «missing» and «not yours» alike.
The student adds their own achievements; for a younger student (up to the grade the school's
rules set) a parent does. Those wait for the class teacher; a teacher adds confirmed entries
for the students they teach. Nobody confirms their own entry.
A teacher's portfolio is read by the teacher and the administration.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Perm, Role
from apps.classes.models import SchoolClass, TeachingAssignment
from apps.school.policy import school_policy
from apps.students.models import Enrollment, Guardianship, Student


def taught_class_ids(ctx) -> set[int]:
    """Classes of the open year this user teaches or leads (one query, cached per request)."""
    if not hasattr(ctx, "_portfolio_taught"):
        ids: set[int] = set()
        if Role.TEACHER in ctx.roles and ctx.open_year is not None:
            ids = set(
                TeachingAssignment.objects.filter(year=ctx.open_year, teacher=ctx.user).values_list(
                    "school_class_id", flat=True
                )
            ) | {c.pk for c in ctx.led_classes}
        ctx._portfolio_taught = ids
    return ctx._portfolio_taught


def _enrolled_in(class_ids) -> QuerySet:
    return Enrollment.objects.filter(school_class_id__in=class_ids).values("student_id")


def students_visible_to(ctx) -> QuerySet[Student]:
    """The students whose portfolio this user reads, as a queryset."""
    qs = Student.objects.filter(school=ctx.school)
    if ctx.may(Perm.VIEW_PORTFOLIOS):
        return qs
    q = Q(pk__in=[])
    if Role.STUDENT in ctx.roles:
        q |= Q(user=ctx.user)
    if Role.PARENT in ctx.roles:
        q |= Q(
            pk__in=Guardianship.objects.filter(guardian__user=ctx.user, school=ctx.school).values(
                "student_id"
            )
        )
    if taught_class_ids(ctx):
        q |= Q(pk__in=_enrolled_in(taught_class_ids(ctx)))
    return qs.filter(q)


@dataclass
class PortfolioAccess:
    student: Student
    school_class: SchoolClass | None
    is_self: bool
    is_parent: bool
    teaches: bool
    leads: bool
    may_add: bool

    @property
    def may_confirm(self) -> bool:
        """The class teacher confirms; the student never confirms their own entries."""
        return self.leads and not self.is_self

    @property
    def may_write_characteristic(self) -> bool:
        return self.leads

    @property
    def may_edit_portrait(self) -> bool:
        return self.may_add and (self.is_self or self.is_parent)

    @property
    def adds_confirmed(self) -> bool:
        """A teacher's entry needs nobody else's confirmation."""
        return self.teaches and not self.is_self


def current_class(student: Student, year) -> SchoolClass | None:
    if year is None:
        return None
    enrolment = (
        Enrollment.objects.filter(student=student, school_class__year=year)
        .select_related("school_class__class_teacher")
        .order_by("-starts_on")
        .first()
    )
    return enrolment.school_class if enrolment else None


def portfolio_access(ctx, student_id: int) -> PortfolioAccess:
    """Fetch and check in one step: the student's portfolio as this user may use it; 404 else."""
    student = students_visible_to(ctx).filter(pk=student_id).first()
    if student is None:
        raise Http404
    school_class = current_class(student, ctx.open_year)
    is_self = student.user_id == ctx.user.pk
    is_parent = Role.PARENT in ctx.roles and (
        Guardianship.objects.filter(student=student, guardian__user=ctx.user).exists()
    )
    class_ids = taught_class_ids(ctx)
    teaches = bool(
        Enrollment.objects.filter(student=student, school_class_id__in=class_ids).exists()
        if class_ids
        else False
    )
    leads = school_class is not None and school_class.class_teacher_id == ctx.user.pk
    younger = school_class is not None and (
        school_class.grade <= school_policy(ctx.school).portfolio_parent_until_grade
    )
    may_add = is_self or (is_parent and younger) or teaches
    return PortfolioAccess(
        student=student,
        school_class=school_class,
        is_self=is_self,
        is_parent=is_parent,
        teaches=teaches,
        leads=leads,
        may_add=may_add,
    )


def teacher_visible(ctx, teacher_id: int):
    """A teacher of this school whose portfolio this user reads: their own, or any for the
    administration; 404 otherwise."""
    if teacher_id != ctx.user.pk and not ctx.may(Perm.VIEW_PORTFOLIOS):
        raise Http404
    grant = (
        RoleGrant.objects.filter(school=ctx.school, user_id=teacher_id, role=Role.TEACHER)
        .select_related("user")
        .first()
    )
    if grant is None:
        raise Http404
    return grant.user


def may_edit_teacher_portfolio(ctx, teacher) -> bool:
    return teacher.pk == ctx.user.pk or ctx.may(Perm.VIEW_PORTFOLIOS)


# Preconditions of the views (`school_view(check=...)`).
def may_open_portfolios(ctx) -> bool:
    return bool(ctx.roles & {Role.TEACHER, Role.STUDENT, Role.PARENT}) or ctx.may(
        Perm.VIEW_PORTFOLIOS
    )


def is_teacher(ctx) -> bool:
    return Role.TEACHER in ctx.roles
