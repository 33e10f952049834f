"""The mail table (apps/accounts/mail_policy.py), row by row: who may write to whom, and the
refusals. Each case sends a real letter through the service, or is refused by it."""

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.mail_policy import MAIL_POLICY, Reach, Writer, reaches_of
from apps.messaging.mail import message_send
from apps.messaging.models import Delivery


def _who(mw, name):
    w = mw.w
    people = {
        "class_teacher_5a": w.users["teacher"],
        "teacher_b": mw.teacher_b,
        "subject_teacher_b": mw.subject_teacher_b,
        "parent_5a": w.users["parent"],
        "student_5a": w.users["student"],
        "parent_5b": mw.parent_b,
        "student_5b": mw.student_b_user,
    }
    return people.get(name) or w.users[name]


def _group(mw, code):
    return code.replace("5A", str(mw.w.school_class.pk)).replace("5B", str(mw.class_b.pk))


PEOPLE_CASES = [
    # writer, recipient, allowed
    ("class_teacher_5a", "parent_5a", True),  # teacher → parents of a class they teach
    ("class_teacher_5a", "student_5a", True),  # teacher → students of a class they teach
    ("class_teacher_5a", "teacher_b", True),  # colleagues
    ("class_teacher_5a", "director", True),  # administration
    ("class_teacher_5a", "parent_5b", False),  # another class's family
    ("subject_teacher_b", "parent_5b", True),  # subject teacher → a class they teach
    ("subject_teacher_b", "student_5b", True),
    ("subject_teacher_b", "parent_5a", False),  # a class they do not teach
    ("parent_5a", "class_teacher_5a", True),  # parent → class teacher and teacher of the child
    ("parent_5a", "director", True),  # parent → administration
    ("parent_5a", "deputy", True),
    ("parent_5a", "teacher_b", False),  # a teacher of another class, no child there
    ("parent_5a", "subject_teacher_b", False),
    ("parent_5a", "parent_5b", False),  # another family
    ("parent_5a", "student_5b", False),
    ("parent_5a", "medic", False),
    ("student_5a", "class_teacher_5a", True),  # student → their teachers and class teacher
    ("student_5a", "teacher_b", False),
    ("student_5a", "student_5b", False),
    ("student_5a", "director", False),
    ("director", "parent_5b", True),  # administration → anyone
    ("deputy", "student_5b", True),
    ("admin", "parent_5a", True),
    ("medic", "parent_5b", True),  # the nurse and the psychologist → parents of any class
    ("psychologist", "parent_5a", True),
    ("medic", "student_5b", False),
    ("medic", "class_teacher_5a", True),
    ("secretary", "teacher_b", True),  # other staff → colleagues and administration
    ("secretary", "parent_5a", False),
    ("technical", "deputy", True),
    ("technical", "parent_5a", False),
    ("dispatcher", "class_teacher_5a", True),
]


@pytest.mark.parametrize(("writer", "recipient", "allowed"), PEOPLE_CASES)
def test_person_to_person(mw, writer, recipient, allowed):
    author, to = _who(mw, writer), _who(mw, recipient)
    send = lambda: message_send(  # noqa: E731
        ctx=mw.ctx(author), subject="Вопрос", body="Текст", addresses=[f"u:{to.pk}"]
    )
    if allowed:
        message = send()
        assert Delivery.objects.filter(message=message, recipient=to).exists()
    else:
        with pytest.raises(ValidationError, match="нельзя"):
            send()
        assert not Delivery.objects.filter(recipient=to).exists()


GROUP_CASES = [
    ("class_teacher_5a", "class_parents:5A", True),  # «родителям 5А»
    ("class_teacher_5a", "class_students:5A", True),
    ("class_teacher_5a", "class_parents:5B", False),  # not their class
    ("class_teacher_5a", "role:parent", False),
    ("subject_teacher_b", "class_parents:5B", False),  # only the class teacher addresses the class
    ("parent_5a", "role:parent", False),  # a parent → the whole school: refused
    ("parent_5a", "class_parents:5A", False),
    ("student_5a", "class_students:5A", False),
    ("medic", "role:parent", False),
    ("director", "role:parent", True),  # administration → by role, grade, class
    ("deputy", "grade_parents:5", True),
    ("director", "class_students:5B", True),
    ("admin", "role:teacher", True),
]


@pytest.mark.parametrize(("writer", "code", "allowed"), GROUP_CASES)
def test_groups(mw, writer, code, allowed):
    author = _who(mw, writer)
    send = lambda: message_send(  # noqa: E731
        ctx=mw.ctx(author), subject="Всем", body="Текст", addresses=[f"g:{_group(mw, code)}"]
    )
    if allowed:
        assert send().recipient_count >= 1
    else:
        with pytest.raises(ValidationError, match="нельзя"):
            send()


def test_the_group_expands_to_the_families_of_the_class_on_the_day_it_is_sent(mw):
    w = mw.w
    message = message_send(
        ctx=mw.ctx(w.users["teacher"]),
        subject="Собрание",
        body="В четверг в 18:00",
        addresses=[f"g:class_parents:{w.school_class.pk}"],
    )
    assert message.audience_label == "родителям 5А"
    assert list(
        Delivery.objects.filter(message=message).values_list("recipient_id", flat=True)
    ) == [w.users["parent"].pk]
    assert not Delivery.objects.filter(recipient=mw.parent_b).exists()


def test_every_writer_has_a_row_and_a_parent_never_reaches_groups():
    assert set(MAIL_POLICY) == set(Writer)
    parent = reaches_of(frozenset({"parent"}), class_teacher=False)
    assert not parent & {Reach.ANY_GROUP, Reach.LED_CLASS_GROUPS, Reach.ANYONE}
