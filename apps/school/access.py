"""Per-request school context and the view preconditions built on the policy table.

`school_view` resolves the school of the URL, loads the user's roles in every school in one
query (the menu's school switcher reads the others) and answers 404 when the user has none
in this one: another school's pages do not exist for them.
A permission the user's roles lack answers 403 (they may see the school, not do this).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Perm, Role, perms_of, roles_may
from apps.school.models import AcademicYear, School


@dataclass
class SchoolContext:
    school: School
    user: object
    roles: frozenset[str]
    other_schools: tuple[tuple[int, str], ...] = ()  # (id, short name) of the user's other schools

    def may(self, perm: Perm) -> bool:
        return roles_may(self.roles, perm)

    @cached_property
    def perms(self) -> frozenset[Perm]:
        return perms_of(self.roles)

    @cached_property
    def open_year(self) -> AcademicYear | None:
        return AcademicYear.objects.filter(school=self.school).open().first()

    @cached_property
    def led_classes(self):
        """Classes this user leads as class teacher in the open year (derived, not granted)."""
        if Role.TEACHER not in self.roles or self.open_year is None:
            return []
        return list(
            self.open_year.classes.filter(class_teacher=self.user).order_by("grade", "letter")
        )

    @property
    def is_class_teacher(self) -> bool:
        return bool(self.led_classes)


def school_context_for(user, school_id: int) -> SchoolContext:
    """Fetch the user's roles in every school (one query); 404 when none is in this school."""
    grants = list(
        RoleGrant.objects.filter(user=user).select_related("school").order_by("school__short_name")
    )
    here = [g for g in grants if g.school_id == school_id]
    if not here:
        raise Http404
    others = dict.fromkeys(
        (g.school_id, g.school.short_name) for g in grants if g.school_id != school_id
    )
    return SchoolContext(
        school=here[0].school,
        user=user,
        roles=frozenset(g.role for g in here),
        other_schools=tuple(others),
    )


def school_view(perm: Perm | None = None, *, check: Callable[[SchoolContext], bool] | None = None):
    """Precondition for every view under /s/<school_id>/.

    `perm` is a row of the policy table; `check` an extra rule on the context (for access
    derived from data, such as being a class teacher). Either one passing is enough. The
    view runs with the school's time zone active.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, school_id: int, *args, **kwargs):
            ctx = school_context_for(request.user, school_id)
            allowed = (perm is None and check is None) or (perm is not None and ctx.may(perm))
            if not allowed and check is not None:
                allowed = check(ctx)
            if not allowed:
                raise PermissionDenied
            request.school_ctx = ctx
            # Every moment on a school's pages is shown in its own time zone (Russia spans eleven).
            with timezone.override(ctx.school.tz):
                return view(request, *args, **kwargs)

        # Read by the permission matrix test: every view declares what it requires.
        wrapper.required_perm = perm
        wrapper.required_check = check
        return wrapper

    return decorator
