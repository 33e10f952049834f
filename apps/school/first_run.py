"""A school of a new installation and its first administrator, without the demo.

`manage.py create_school` creates them from the server's shell; `manage.py first_run_link`
prints a one-time link to a page that does the same in the browser. The link is signed with
SECRET_KEY, expires after a day and works only while the installation has no school: the
school it creates uses it up. Everything else (years, classes, staff, students) the
administrator then builds through the product's own pages.
"""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from apps.accounts import services as accounts
from apps.accounts.models import User
from apps.accounts.policy import Role
from apps.school.models import School

FIRST_RUN_SALT = "journal.school.first-run"
FIRST_RUN_MAX_AGE = timedelta(days=1)
SCHOOL_CARD_FIELDS = (
    "full_name",
    "short_name",
    "time_zone",
    "address",
    "inn",
    "kpp",
    "ogrn",
    "phone",
    "email",
    "website",
)


def first_run_token() -> str:
    return signing.TimestampSigner(salt=FIRST_RUN_SALT).sign(get_random_string(12))


def first_run_token_valid(token: str) -> bool:
    try:
        signing.TimestampSigner(salt=FIRST_RUN_SALT).unsign(token, max_age=FIRST_RUN_MAX_AGE)
    except signing.BadSignature:
        return False
    return True


def installation_is_empty() -> bool:
    return not School.objects.exists()


@transaction.atomic
def school_with_administrator_create(
    *,
    card: dict,
    username: str,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    email: str = "",
    password: str | None = None,
    only_if_empty: bool = False,
    existing_user: User | None = None,
) -> tuple[School, User, str | None]:
    """The school with its card and time zone, and its administrator.

    With `password` (chosen by the administrator on the first-run page) the account is
    ready; without it a temporary password is issued and must be changed at first login.
    Returns the school, the administrator and the temporary password (None if not issued).
    """
    # Two first-run forms sent at once must not make two schools.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [FIRST_RUN_SALT])
    if only_if_empty and not installation_is_empty():
        raise ValidationError(_("Школа уже создана: эта ссылка больше не действует."))
    school = School(**{name: value for name, value in card.items() if name in SCHOOL_CARD_FIELDS})
    school.full_clean()
    school.save()
    issued = None
    if existing_user is not None:
        user = existing_user
    else:
        user, issued = accounts.user_create(
            acting_user=None,
            username=username,
            last_name=last_name,
            first_name=first_name,
            patronymic=patronymic,
            email=email,
            password=password,
        )
        if password:
            accounts.password_changed(user=user)
            issued = None
    accounts.role_grant(acting_user=user, school=school, user=user, role=Role.ADMIN)
    return school, user, issued
