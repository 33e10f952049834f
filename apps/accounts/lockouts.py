"""Failed logins: who is locked out, the per-address throttle, lifting a lockout.

django-axes counts failures per login *and* address (AXES_LOCKOUT_PARAMETERS): nobody can
lock a teacher out from elsewhere, and the school's shared address is not locked by one
person's typos. A spray of a few passwords over many logins from one address is stopped
here: more than LOGIN_FAILURES_PER_ADDRESS failures from one address within the cool-off
time refuse every login from it until the time passes or the administrator lifts it.
Every failure stays in axes' failure log (AccessFailureLog) whatever is lifted.
"""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Sum

from apps.accounts.models import User


def _since(now: datetime) -> datetime:
    return now - settings.AXES_COOLOFF_TIME


def address_throttled(*, ip_address: str | None, now: datetime) -> bool:
    """More failed logins from this address (any logins) than the throttle allows."""
    if not ip_address:
        return False
    failures = (
        AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=_since(now))
        .aggregate(n=Sum("failures_since_start"))
        .get("n")
        or 0
    )
    return failures >= settings.LOGIN_FAILURES_PER_ADDRESS


@dataclass
class Lockout:
    username: str
    ip_address: str
    failures: int
    last_attempt: datetime
    last_name: str = ""


@dataclass
class AddressThrottle:
    ip_address: str
    failures: int
    last_attempt: datetime
    logins: int


def lockouts_of_school(*, school, now: datetime) -> tuple[list[Lockout], list[AddressThrottle]]:
    """Logins of this school's people locked out now, and throttled addresses from which a
    login of this school was tried (two queries)."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=_since(now))
    school_logins = User.objects.filter(role_grants__school=school).values("username")
    names = dict(
        User.objects.filter(role_grants__school=school)
        .filter(
            username__in=recent.filter(
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT
            ).values("username")
        )
        .distinct()
        .values_list("username", "last_name")
    )
    locked = [
        Lockout(a.username, a.ip_address, a.failures_since_start, a.attempt_time, names[a.username])
        for a in recent.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, username__in=list(names)
        ).order_by("-attempt_time")
    ]
    addresses = [
        AddressThrottle(row["ip_address"], row["n"], row["last"], row["logins"])
        for row in recent.filter(
            ip_address__in=recent.filter(username__in=school_logins).values("ip_address")
        )
        .values("ip_address")
        .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"), logins=Count("pk"))
        .filter(n__gte=settings.LOGIN_FAILURES_PER_ADDRESS)
        .order_by("-last")
    ]
    return locked, addresses


@transaction.atomic
def lockout_lift(*, acting_user, school, username: str = "", ip_address: str = "") -> int:
    """Lift a login's lockout (from every address) or an address's throttle. The failures
    stay in the failure log; only the counters go. Returns how many counters were removed."""
    qs = AccessAttempt.objects.none()
    if username:
        if not User.objects.filter(role_grants__school=school, username=username).exists():
            return 0
        qs = AccessAttempt.objects.filter(username=username)
    elif ip_address:
        qs = AccessAttempt.objects.filter(ip_address=ip_address)
    deleted, _details = qs.delete()
    return deleted
