from django.apps import apps as django_apps
from django.db.models import Q, QuerySet

from apps.accounts.models import User


def people_of_school(*, school) -> QuerySet[User]:
    """Everyone who holds a role in the school or held one: a person whose last role was
    removed stays findable, so the administrator can give a role back."""
    role_history = django_apps.get_model("accounts", "RoleGrantEvent")
    former = role_history.objects.filter(school_id=school.pk).values("user_id")
    return User.objects.filter(Q(role_grants__school=school) | Q(pk__in=former)).distinct()
