"""Refusals shared by the journal services."""

from django.utils.translation import gettext as _


class ConflictError(Exception):
    """A stale write: the row changed since the client read it.

    Carries the stored row (or None when it was removed) so the page can show the
    current value next to what the user typed; nothing is overwritten silently.
    """

    def __init__(self, current=None, message: str | None = None):
        self.current = current
        self.message = message or _(
            "Запись уже изменил другой пользователь. Проверьте текущее значение."
        )
        super().__init__(self.message)
