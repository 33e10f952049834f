"""Logins and temporary passwords for students and parents (seed 001 items 18–19).

Accounts are created in bulk for a class or the whole school: a login transliterated
from the ФИО, unique in the system, a temporary password that must be changed at the
first login. The credentials go on paper (login slips, PDF) or by e-mail. Every issue
is logged — who issued what to whom — and the password is never stored anywhere: a slip
is printed from memory, an e-mail is sent by a worker that sets a fresh password at the
moment of sending.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import LoginIssue, RoleGrant, User
from apps.accounts.policy import Role
from apps.accounts.services import temporary_password
from apps.school import clock

logger = logging.getLogger(__name__)

# Transliteration of Russian names as in the passport (приказ МВД № 889, ICAO Doc 9303).
_TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}


def transliterate(text: str) -> str:
    out = "".join(_TRANSLIT.get(ch, ch) for ch in (text or "").lower())
    return re.sub(r"[^a-z0-9]", "", out)


def login_base(last_name: str, first_name: str, patronymic: str = "") -> str:
    """«Иванова Анна Петровна» → «ivanova.ap»."""
    surname = transliterate(last_name) or "user"
    initials = "".join(transliterate(p)[:1] for p in (first_name, patronymic) if p)
    return f"{surname}.{initials}" if initials else surname


class LoginAllocator:
    """Hands out unique logins «base», «base2», «base3»… among those already taken."""

    def __init__(self, taken: set[str] | None = None):
        self.taken: set[str] = {login.lower() for login in taken or ()}

    @classmethod
    def from_database(cls, bases: set[str]) -> "LoginAllocator":
        """Knows every existing login that any of these bases could collide with: one query."""
        if not bases:
            return cls()
        pattern = r"^({})\d*$".format("|".join(re.escape(b) for b in sorted(bases)))
        return cls(
            set(User.objects.filter(username__iregex=pattern).values_list("username", flat=True))
        )

    def take(self, base: str) -> str:
        login, n = base, 1
        while login in self.taken:
            n += 1
            login = f"{base}{n}"
        self.taken.add(login)
        return login


@dataclass
class Credential:
    """What goes on one slip; the password lives only in this object."""

    user: User
    password: str
    full_name: str
    role: str
    class_name: str = ""
    child_name: str = ""


@dataclass
class Person:
    """A student or a parent to give a login to."""

    record: object  # Student or Guardian
    role: str
    class_name: str = ""
    child_name: str = ""
    email: str = ""
    student_id: int | None = None


def _new_user(person: Person, login: str, password: str | None) -> User:
    r = person.record
    user = User(
        username=login,
        last_name=r.last_name,
        first_name=r.first_name,
        patronymic=r.patronymic,
        email=person.email,
        must_change_password=True,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return user


LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


def site_address_problem() -> str | None:
    """Why slips and letters must not be made now, or None.

    They carry SITE_URL: a family types it at home. In production (SITE_URL_MUST_BE_PUBLIC)
    an address of the server itself, such as localhost, would lead them nowhere.
    """
    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    if settings.SITE_URL_MUST_BE_PUBLIC and (host in LOCAL_HOSTS or host.startswith("127.")):
        return _(
            "Адрес журнала для бланков не настроен: сейчас это «%(url)s», по нему семьи "
            "не попадут в журнал. Администратор сервера должен указать SITE_URL — адрес, "
            "который открывается из дома (например, https://journal.school17.ru)."
        ) % {"url": settings.SITE_URL}
    return None


def ensure_site_address_public() -> None:
    problem = site_address_problem()
    if problem:
        raise ValidationError(problem)


@transaction.atomic
def logins_issue(*, acting_user, school, people: list[Person], channel: str) -> list[Credential]:
    """Create accounts for the people who have none (a student's, a parent's).

    For a slip the temporary passwords are returned to print; for e-mail the accounts get
    no usable password yet — the worker sets one when it sends the letter, after commit.
    People who already have an account are skipped: that is a reissue, one by one.
    """
    if channel not in LoginIssue.Channel.values:
        raise ValidationError(_("Неизвестный способ выдачи."))
    ensure_site_address_public()
    people = [p for p in people if p.record.user_id is None]
    if channel == LoginIssue.Channel.EMAIL:
        without = [p.record.full_name for p in people if not p.email]
        if without:
            raise ValidationError(
                _("Нет адреса электронной почты: %(names)s. Выдайте им логины на бланке.")
                % {"names": ", ".join(without[:10])}
            )
    # A parent with two children in the list gets one account.
    unique: dict[tuple[str, int], Person] = {}
    for p in people:
        unique.setdefault((type(p.record).__name__, p.record.pk), p)
    people = list(unique.values())
    allocator = LoginAllocator.from_database(
        {login_base(p.record.last_name, p.record.first_name, p.record.patronymic) for p in people}
    )
    credentials, users = [], []
    for p in people:
        login = allocator.take(
            login_base(p.record.last_name, p.record.first_name, p.record.patronymic)
        )
        password = temporary_password() if channel == LoginIssue.Channel.SLIP else None
        user = _new_user(p, login, password)
        users.append(user)
        credentials.append(
            Credential(
                user=user,
                password=password or "",
                full_name=p.record.full_name,
                role=p.role,
                class_name=p.class_name,
                child_name=p.child_name,
            )
        )
    with pghistory.context(user=acting_user.pk):
        User.objects.bulk_create(users)
        RoleGrant.objects.bulk_create(
            [
                RoleGrant(user=u, school=school, role=p.role, granted_by=acting_user)
                for u, p in zip(users, people, strict=True)
            ],
            ignore_conflicts=True,
        )
        by_model: dict[type, list] = {}
        for u, p in zip(users, people, strict=True):
            p.record.user = u
            by_model.setdefault(type(p.record), []).append(p.record)
        for model, records in by_model.items():
            model.objects.bulk_update(records, ["user"])
        issues = LoginIssue.objects.bulk_create(
            [
                LoginIssue(
                    school=school,
                    user=u,
                    role=p.role,
                    student_id=p.student_id,
                    action=LoginIssue.Action.CREATED,
                    channel=channel,
                    issued_by=acting_user,
                )
                for u, p in zip(users, people, strict=True)
            ]
        )
    if channel == LoginIssue.Channel.EMAIL:
        _queue_emails([i.pk for i in issues])
    return credentials


@transaction.atomic
def parent_children_elsewhere(*, user: User, class_ids: list[int], on) -> bool:
    """Whether a parent's account reaches a child outside these classes (in this school or
    another): then a new password would open more than the class teacher's own class."""
    from apps.students.models import Enrollment, Student

    children = Student.objects.filter(guardianships__guardian__user=user)
    in_classes = (
        Enrollment.objects.filter(school_class_id__in=class_ids).active_on(on).values("student_id")
    )
    return children.exclude(pk__in=in_classes).exists()


def login_reissue(
    *,
    acting_user,
    school,
    person: Person,
    channel: str,
    class_teacher_of: list[int] | None = None,
    today=None,
) -> Credential:
    """A new temporary password for one person who lost theirs (forced change again).

    A class teacher (`class_teacher_of`: their classes) reissues only for parents whose
    children are all in those classes; otherwise the administrator does. The person is
    told in the app (and by e-mail when known) every time, so a reissue they did not ask
    for does not pass unnoticed.
    """
    ensure_site_address_public()
    user = User.objects.select_for_update().get(pk=person.record.user_id)
    if (
        class_teacher_of is not None
        and person.role == Role.PARENT
        and parent_children_elsewhere(user=user, class_ids=class_teacher_of, on=today)
    ):
        raise ValidationError(
            _(
                "У этого родителя есть дети в других классах: новый пароль ему выдаёт "
                "администратор школы."
            )
        )
    if channel == LoginIssue.Channel.EMAIL and not (person.email or user.email):
        raise ValidationError(_("Нет адреса электронной почты. Выдайте пароль на бланке."))
    password = ""
    if channel == LoginIssue.Channel.SLIP:
        password = temporary_password()
        user.set_password(password)
    if person.email and not user.email:
        user.email = person.email
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password", "email"])
    issue = LoginIssue.objects.create(
        school=school,
        user=user,
        role=person.role,
        student_id=person.student_id,
        action=LoginIssue.Action.REISSUED,
        channel=channel,
        issued_by=acting_user,
    )
    if channel == LoginIssue.Channel.EMAIL:
        _queue_emails([issue.pk])
    _reissue_notify(issue=issue, acting_user=acting_user)
    return Credential(
        user=user,
        password=password,
        full_name=person.record.full_name,
        role=person.role,
        class_name=person.class_name,
        child_name=person.child_name,
    )


def _reissue_notify(*, issue: LoginIssue, acting_user) -> None:
    from apps.messaging.services import notify

    who = acting_user.full_name or acting_user.username
    when = timezone.localtime(issue.issued_at, issue.school.tz)
    notify(
        school=issue.school,
        user=issue.user,
        title=_("Вам выдан новый временный пароль"),
        body=_(
            "%(when)s %(who)s выдал(а) новый временный пароль к вашей учётной записи "
            "(%(login)s). Если вы его не просили, сразу сообщите в школу."
        )
        % {"when": f"{when:%d.%m.%Y %H:%M}", "who": who, "login": issue.user.username},
        dedupe_key=f"login-reissued:{issue.pk}",
        email=issue.channel != LoginIssue.Channel.EMAIL,
    )


def _queue_emails(issue_ids: list[int]) -> None:

    def queue():
        for pk in issue_ids:
            login_email_queue(pk)

    transaction.on_commit(queue, robust=True)


def login_email_queue(issue_id: int) -> bool:
    """Hand one login e-mail to the worker; a broker that is down leaves it for the sweep
    (`login_emails_pending`), and the page that asked for it still answers."""
    from apps.accounts.tasks import send_login_email

    try:
        send_login_email.delay(issue_id)
    except Exception:  # kombu's OperationalError family when Redis is away
        logger.warning("login e-mail %s: broker unavailable, left for the next sweep", issue_id)
        return False
    return True


def login_emails_pending(*, now, older_than=timedelta(minutes=5)) -> int:
    """Queue again every login e-mail not sent yet (broker down, worker lost); the send
    itself stays once-only (the issue row is locked and marked sent)."""
    pending = LoginIssue.objects.filter(
        channel=LoginIssue.Channel.EMAIL, emailed_at__isnull=True, issued_at__lte=now - older_than
    ).values_list("pk", flat=True)[:1000]
    return sum(login_email_queue(pk) for pk in pending)


def login_email_send(*, issue_id: int) -> bool:
    """Set a fresh temporary password and e-mail it, at most once per issue.

    The password is made here, in the worker, so it never travels through the queue; the
    issue row is locked and marked sent in the same transaction as the new password.
    """
    with transaction.atomic():
        issue = (
            LoginIssue.objects.select_for_update()
            .select_related("user", "school")
            .filter(pk=issue_id, channel=LoginIssue.Channel.EMAIL)
            .first()
        )
        if issue is None or issue.emailed_at is not None or not issue.user.email:
            return False
        password = temporary_password()
        issue.user.set_password(password)
        issue.user.must_change_password = True
        issue.user.save(update_fields=["password", "must_change_password"])
        body = render_to_string(
            "accounts/login_email.txt",
            {
                "issue": issue,
                "school": issue.school,
                "login": issue.user.username,
                "password": password,
                "site": settings.SITE_URL,
            },
        )
        send_mail(
            subject=_("Вход в электронный журнал: %(school)s")
            % {"school": issue.school.short_name},
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[issue.user.email],
        )
        issue.emailed_at = clock.now()
        issue.save(update_fields=["emailed_at"])
        return True
