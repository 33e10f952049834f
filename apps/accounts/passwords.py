"""Password rules beyond Django's: a password must not be the person's login or name."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NOT_LETTERS = re.compile(r"[\W_]+")


def _plain(text: str) -> str:
    return _NOT_LETTERS.sub("", (text or "").lower().replace("ё", "е"))


class NotLoginOrNameValidator:
    """Refuses the login and the ФИО (any part of three letters or more) inside the password:
    logins are transliterated ФИО, printed on slips and known to the whole class."""

    def validate(self, password, user=None):
        if user is None:
            return
        plain = _plain(password)
        login = _plain(getattr(user, "username", ""))
        if login and (login in plain or plain in login):
            raise ValidationError(
                _("Пароль не должен совпадать с логином или содержать его."),
                code="password_is_login",
            )
        parts = [
            _plain(getattr(user, name, "")) for name in ("last_name", "first_name", "patronymic")
        ]
        if any(len(part) >= 3 and part in plain for part in parts):
            raise ValidationError(
                _("Пароль не должен содержать фамилию, имя или отчество."),
                code="password_is_name",
            )

    def get_help_text(self):
        return _("Пароль не должен содержать ваш логин, фамилию, имя или отчество.")
