"""Per-request school context and the view preconditions built on the policy table.

`school_view` resolves the school of the URL, loads the user's roles there in one query
and answers 404 when the user has none: another school's pages do not exist for them.
A permission the user's roles lack answers 403 (they may see the school, not do this).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Perm, Role, perms_of, roles_may
from apps.school.models import AcademicYear, School


@dataclass
class SchoolContext:
    school: School
    user: object
    roles: frozenset[str]

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
        return list(self.open_year.classes.filter(class_teacher=self.user).order_by("grade", "letter"))

    @property
    def is_class_teacher(self) -> bool:
        return bool(self.led_classes)


def school_context_for(user, school_id: int) -> SchoolContext:
    """Fetch the school and the user's roles in it; 404 when the user has no role there."""
    grants = list(
        RoleGrant.objects.filter(user=user, school_id=school_id).select_related("school")
    )
    if not grants:
        raise Http404
    return SchoolContext(school=grants[0].school, user=user, roles=frozenset(g.role for g in grants))


def school_view(perm: Perm | None = None, *, check: Callable[[SchoolContext], bool] | None = None):
    """Precondition for every view under /s/<school_id>/.

    `perm` is a row of the policy table; `check` an extra rule on the context (for access
    derived from data, such as being a class teacher). Either one passing is enough.
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
            return view(request, *args, **kwargs)

        # Read by the permission matrix test: every view declares what it requires.
        wrapper.required_perm = perm
        wrapper.required_check = check
        return wrapper

    return decorator
