"""Data for the landing page: what needs this person now, what a teacher teaches, which
children a parent follows."""

from django.db.models import Q

from apps.accounts.policy import Perm
from apps.classes.models import TeachingAssignment
from apps.facilities.selectors import repairs_open_for_landing
from apps.messaging.models import Notification
from apps.orders.models import Order
from apps.school.clock import school_today
from apps.students.models import Enrollment, Guardianship, Student
from apps.students.selectors import children_of


def teacher_cards(ctx) -> dict:
    """A teacher opens on today's lessons (what is still missing in each), then the load."""
    from apps.gradebook.selectors import lessons_of_teacher_on

    today = school_today(ctx.school)
    lessons = lessons_of_teacher_on(school=ctx.school, user=ctx.user, day=today)
    year = ctx.open_year
    if year is None:
        return {"assignments": [], "led_classes": [], "today": today, "lessons": lessons}
    assignments = TeachingAssignment.objects.filter(year=year, teacher=ctx.user).select_related(
        "school_class", "subgroup", "subject"
    )
    return {
        "assignments": list(assignments),
        "led_classes": ctx.led_classes,
        "today": today,
        "lessons": lessons,
    }


def family_cards(ctx) -> list[dict]:
    """The children a parent follows (or the student themselves) with today's class."""
    today = school_today(ctx.school)
    students = list(
        Student.objects.filter(school=ctx.school)
        .filter(Q(user=ctx.user) | Q(pk__in=children_of(user=ctx.user, school=ctx.school)))
        .order_by("last_name", "first_name")
    )
    enrolments = {
        e.student_id: e
        for e in Enrollment.objects.filter(student__in=students)
        .active_on(today)
        .select_related("school_class__class_teacher")
    }
    relation = {
        g.student_id: g.get_relationship_display()
        for g in Guardianship.objects.filter(student__in=students, guardian__user=ctx.user)
    }
    return [
        {"student": s, "enrolment": enrolments.get(s.pk), "relationship": relation.get(s.pk)}
        for s in students
    ]


ATTENTION_NOTIFICATIONS = 5  # the newest unread; the rest are one click away


def attention(ctx) -> dict:
    """What waits for this person: unread reminders and, for whoever signs, the drafts."""
    unread = list(
        Notification.objects.filter(user=ctx.user, school=ctx.school)
        .unread()
        .order_by("-created_at")[:ATTENTION_NOTIFICATIONS]
    )
    to_sign = (
        Order.objects.filter(school=ctx.school, status=Order.Status.DRAFT).count()
        if ctx.may(Perm.SIGN_ORDERS)
        else 0
    )
    repairs, repairs_open = (
        repairs_open_for_landing(school=ctx.school) if ctx.may(Perm.HANDLE_REPAIRS) else ([], 0)
    )
    return {
        "notifications": unread,
        "orders_to_sign": to_sign,
        "repairs": repairs,
        "repairs_open": repairs_open,
    }


BOARD_ON_LANDING = 3  # the newest announcements for this person; the board has the rest


def board_newest(ctx) -> list:
    from apps.messaging.board import board_for

    return list(board_for(ctx)[:BOARD_ON_LANDING])
