"""Benchmark scenarios: each is a function (context, duration) -> Scenario or None.

Add a scenario for every page a teacher, parent or deputy opens at the 8 a.m. peak.
"""

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from apps.accounts.models import User
from apps.school.models import School
from apps.students.models import Student

PARENT_SESSIONS = 200  # distinct parents logged in at the 8 a.m. peak


@dataclass
class Scenario:
    name: str
    requests: list[dict]
    rate: float
    threads: int = 8
    duration: float = 15.0

    def warmup(self) -> "Scenario":
        return replace(self, duration=min(3.0, self.duration), rate=self.rate / 2)


@dataclass
class BenchContext:
    school: School
    student_count: int
    cookies: dict[str, str] = field(default_factory=dict)
    parent_cookies: list[str] = field(default_factory=list)  # many parents, one session each

    @classmethod
    def prepare(cls) -> "BenchContext":
        if not School.objects.exists():
            from apps.school.demo import build_demo_school

            build_demo_school()
        school = School.objects.order_by("pk").first()
        ctx = cls(school=school, student_count=Student.objects.filter(school=school).count())
        for login in ("teacher", "deputy", "parent", "director"):
            user = User.objects.filter(username=login).first()
            if user is not None:
                ctx.cookies[login] = session_cookie(user)
        parents = User.objects.filter(role_grants__school=school, role_grants__role="parent").order_by("pk")
        ctx.parent_cookies = [session_cookie(u) for u in parents[:PARENT_SESSIONS]]
        return ctx

    def url(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs={"school_id": self.school.pk, **kwargs})


def session_cookie(user) -> str:
    """A logged-in session made directly, so the benchmark measures pages, not logins."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _get(ctx: BenchContext, who: str, path: str) -> dict:
    return {"method": "GET", "path": path, "cookie": ctx.cookies[who]}


def teacher_landing(ctx, duration):
    if "teacher" not in ctx.cookies:
        return None
    return Scenario("teacher landing page", [_get(ctx, "teacher", ctx.url("school:home"))], rate=100, duration=duration)


def deputy_classes(ctx, duration):
    if "deputy" not in ctx.cookies:
        return None
    return Scenario("deputy class list", [_get(ctx, "deputy", ctx.url("school:classes-list"))], rate=50, duration=duration)


SCENARIOS = [teacher_landing, deputy_classes]


def parents_landing(ctx, duration):
    """Many different parents open the school's home page (their children's cards)."""
    if not ctx.parent_cookies:
        return None
    path = ctx.url("school:home")
    requests = [{"method": "GET", "path": path, "cookie": cookie} for cookie in ctx.parent_cookies]
    return Scenario(f"{len(requests)} parents' landing pages", requests, rate=100, duration=duration)


SCENARIOS.append(parents_landing)


# --- the e-diary: the evening peak of parents ---------------------------------------------------

DIARY_PARENTS = 200


def _diary_requests(ctx) -> list[dict]:
    """One request per parent: many sessions, each reading their own child's week."""
    if "diary" in ctx.cookies:
        return ctx.cookies["diary"]
    from django.db.models import Q
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from apps.students.models import Guardianship

    requests = []
    pairs = (
        Guardianship.objects.filter(school=ctx.school, guardian__user__isnull=False)
        .filter(Q(student__enrollments__ends_on__isnull=True))
        .values_list("guardian__user_id", "student_id").order_by("pk")[:DIARY_PARENTS]
    )
    users = User.objects.in_bulk([u for u, _s in pairs])
    client = Client(HTTP_HOST="127.0.0.1")
    for user_id, student_id in pairs:
        csrf = _get_new_csrf_string()
        cookie = f"{session_cookie(users[user_id])}; {settings.CSRF_COOKIE_NAME}={csrf}"
        path = ctx.url("diary:week", student_id=student_id)
        client.cookies.load(cookie)
        etag = client.get(path)["ETag"]  # what the parent's browser holds after its first visit
        requests.append({"method": "GET", "path": path, "cookie": cookie, "etag": etag})
    ctx.cookies["diary"] = requests
    return requests


def diary_week_parents(ctx, duration):
    requests = _diary_requests(ctx)
    if not requests:
        return None
    plain = [{k: v for k, v in r.items() if k != "etag"} for r in requests]
    return Scenario("diary week many parents", plain, rate=600, threads=16, duration=duration)


def diary_week_not_modified(ctx, duration):
    requests = _diary_requests(ctx)
    if not requests:
        return None
    conditional = [{"method": r["method"], "path": r["path"], "cookie": r["cookie"],
                    "headers": {"If-None-Match": r["etag"]}} for r in requests]
    return Scenario("diary week 304", conditional, rate=800, threads=16, duration=duration)


SCENARIOS += [diary_week_parents, diary_week_not_modified]
