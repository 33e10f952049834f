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
    expected_status: str = "200"  # what every answer must be, or the run measured nothing
    cold: str = ""  # a fragment kind dropped before the run (no warm-up): the hit rate is measured

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
        parents = User.objects.filter(
            role_grants__school=school, role_grants__role="parent"
        ).order_by("pk")
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
    return Scenario(
        "teacher landing page",
        [_get(ctx, "teacher", ctx.url("school:home"))],
        rate=100,
        duration=duration,
    )


def deputy_classes(ctx, duration):
    if "deputy" not in ctx.cookies:
        return None
    return Scenario(
        "deputy class list",
        [_get(ctx, "deputy", ctx.url("school:classes-list"))],
        rate=50,
        duration=duration,
    )


SCENARIOS = [teacher_landing, deputy_classes]


def _cookie_for(ctx, login: str) -> str | None:
    if login not in ctx.cookies:
        user = User.objects.filter(username=login).first()
        if user is None:
            return None
        ctx.cookies[login] = session_cookie(user)
    return ctx.cookies[login]


def secretary_order_register(ctx, duration):
    """The secretary's register of orders (contingent), opened many times a day."""
    if _cookie_for(ctx, "secretary") is None:
        return None
    return Scenario(
        "secretary order register",
        [_get(ctx, "secretary", ctx.url("orders:register"))],
        rate=20,
        duration=duration,
    )


def class_teacher_student_list(ctx, duration):
    """The class teacher's list of their class's personal files."""
    if "teacher" not in ctx.cookies:
        return None
    return Scenario(
        "class teacher student list",
        [_get(ctx, "teacher", ctx.url("students:list"))],
        rate=30,
        duration=duration,
    )


def parents_landing(ctx, duration):
    """Many different parents open the school's home page (their children's cards)."""
    if not ctx.parent_cookies:
        return None
    path = ctx.url("school:home")
    requests = [{"method": "GET", "path": path, "cookie": cookie} for cookie in ctx.parent_cookies]
    return Scenario(
        f"{len(requests)} parents' landing pages", requests, rate=100, duration=duration
    )


SCENARIOS.append(parents_landing)

SCENARIOS += [secretary_order_register, class_teacher_student_list]

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
        .values_list("guardian__user_id", "student_id")
        .order_by("pk")[:DIARY_PARENTS]
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
    conditional = [
        {
            "method": r["method"],
            "path": r["path"],
            "cookie": r["cookie"],
            "headers": {"If-None-Match": r["etag"]},
        }
        for r in requests
    ]
    return Scenario(
        "diary week 304",
        conditional,
        rate=800,
        threads=16,
        duration=duration,
        expected_status="304",
    )


def diary_week_unsaturated(ctx, duration):
    """The week at a rate this shared 2-core machine sustains: latency without queueing."""
    plain = diary_week_parents(ctx, duration)
    return plain and replace(plain, name="diary week 40/s", rate=40, threads=4)


def diary_week_not_modified_unsaturated(ctx, duration):
    conditional = diary_week_not_modified(ctx, duration)
    return conditional and replace(conditional, name="diary week 304 100/s", rate=100, threads=4)


WEEKS_PER_PARENT = 4  # this week twice, last week, and one week earlier in the year


def diary_weeks_mixed(ctx, duration):
    """Many parents, several weeks each: this week (most read), last week and an earlier one.

    The honest cache scenario: the distinct pages are many (parents × weeks), so the first
    read of each is a miss; the run reports the measured hit rate beside the figures.
    """
    import random
    from datetime import timedelta

    from apps.school.clock import school_today

    requests = _diary_requests(ctx)
    if not requests:
        return None
    today = school_today(ctx.school)
    rng = random.Random(7)
    mixed = []
    for r in requests:
        plain = {k: v for k, v in r.items() if k != "etag"}
        earlier = today - timedelta(weeks=rng.randint(2, 12))
        for day in (today, today, today - timedelta(weeks=1), earlier):
            mixed.append({**plain, "path": f"{r['path']}?d={day.isoformat()}", "tag": "week"})
    return Scenario(
        "diary weeks mixed", mixed, rate=600, threads=16, duration=duration, cold="diary-week"
    )


def diary_weeks_mixed_at_300(ctx, duration):
    """The aim's load point: 300 req/s of the mixed weeks (p95 ≤ 50 ms)."""
    scenario = diary_weeks_mixed(ctx, duration)
    return scenario and replace(scenario, name="diary weeks mixed 300/s", rate=300)


def diary_week_not_modified_at_300(ctx, duration):
    """The aim's load point for the 304: 300 req/s (p95 ≤ 5 ms)."""
    conditional = diary_week_not_modified(ctx, duration)
    return conditional and replace(conditional, name="diary week 304 300/s", rate=300, threads=8)


SCENARIOS += [
    diary_week_parents,
    diary_week_not_modified,
    diary_week_unsaturated,
    diary_week_not_modified_unsaturated,
    diary_weeks_mixed,
    diary_weeks_mixed_at_300,
    diary_week_not_modified_at_300,
]


# --- the ceiling: what this stack serves on this machine with no page behind it -------------


def trivial_page(ctx, duration):
    """The same middleware, session and login as the diary, and nothing else (healthz/session)."""
    requests = _diary_requests(ctx)
    if not requests:
        return None
    path = reverse("healthz-session")
    plain = [{"method": "GET", "path": path, "cookie": r["cookie"]} for r in requests]
    return Scenario("trivial page (ceiling)", plain, rate=2000, threads=16, duration=duration)


def static_file(ctx, duration):
    """A static file served by whitenoise in the same process."""
    from django.templatetags.static import static

    req = {"method": "GET", "path": static("css/journal.css"), "cookie": ""}
    return Scenario("static file (ceiling)", [req], rate=3000, threads=16, duration=duration)


SCENARIOS += [trivial_page, static_file]


# --- the class journal: the 8 a.m. peak of teachers (issue 3) -----------------------------------

JOURNAL_TEACHERS = 20  # teachers with a session, each opening the grids of their journals
JOURNAL_SAVE_CELLS = (
    4000  # distinct empty cells a save may hit (a repeated one is an idempotent retry)
)
JOURNAL_WORK_TYPE = "Проверочная работа"  # the demo gives none: each save is a new mark


def _journal_requests(ctx) -> dict[str, list[dict]]:
    """Grid views of this period's journals and cell saves of new marks, per teacher session."""
    if "journal" in ctx.cookies:
        return ctx.cookies["journal"]
    import random

    from django.middleware.csrf import _get_new_csrf_string

    from apps.classes.models import TeachingAssignment
    from apps.gradebook.models import WorkType
    from apps.gradebook.selectors import periods_for
    from apps.schedule.models import Lesson
    from apps.school.clock import school_today
    from apps.students.models import Enrollment

    today = school_today(ctx.school)
    rng = random.Random(3)
    work_type = WorkType.objects.filter(school=ctx.school, name=JOURNAL_WORK_TYPE).first()
    teachers = list(
        User.objects.filter(assignments__year__status="open", assignments__school=ctx.school)
        .distinct()
        .order_by("pk")[:JOURNAL_TEACHERS]
    )
    views, saves = [], []
    for teacher in teachers:
        csrf = _get_new_csrf_string()
        cookie = f"{session_cookie(teacher)}; {settings.CSRF_COOKIE_NAME}={csrf}"
        assignments = TeachingAssignment.objects.filter(
            teacher=teacher, year__status="open"
        ).select_related("school_class", "year")
        for a in assignments:
            period = next((p for p in periods_for(a) if p.starts_on <= today <= p.ends_on), None)
            if period is None:
                continue
            views.append(
                {
                    "method": "GET",
                    "path": ctx.url("journal:grid", assignment_id=a.pk) + f"?period={period.pk}",
                    "cookie": cookie,
                    "tag": "grid",
                }
            )
            if work_type is None or a.school_class.grade == 1:  # grade 1 is taught without marks
                continue
            lessons = list(
                Lesson.objects.filter(assignment=a, date__range=(period.starts_on, today))
                .exclude(status=Lesson.Status.CANCELLED)
                .values_list("pk", "date")
            )
            students = list(
                # In the class for the whole period: a save for a date outside one's enrolment is refused.
                Enrollment.objects.filter(
                    school_class=a.school_class_id,
                    ends_on__isnull=True,
                    starts_on__lte=period.starts_on,
                ).values_list("student_id", flat=True)
            )
            if a.subgroup_id:
                members = set(a.subgroup.members.values_list("pk", flat=True))
                students = [s for s in students if s in members]
            for lesson_id, _day in lessons:
                for student_id in students:
                    saves.append(
                        {
                            "method": "POST",
                            "path": ctx.url("journal:cell"),
                            "cookie": cookie,
                            "tag": "cell save",
                            "headers": {"X-CSRFToken": csrf},
                            "body": f"lesson={lesson_id}&student={student_id}&value={rng.choice('345')}"
                            f"&token=a%3A0&work_type={work_type.pk}",
                        }
                    )
    rng.shuffle(saves)
    ctx.cookies["journal"] = {"views": views, "saves": saves[:JOURNAL_SAVE_CELLS]}
    return ctx.cookies["journal"]


def journal_grid_views(ctx, duration):
    views = _journal_requests(ctx)["views"]
    if not views:
        return None
    return Scenario("journal grid views", views, rate=150, threads=12, duration=duration)


def journal_grid_with_saves(ctx, duration):
    """150 grid views a second while 50 cells a second are saved, from the same load process."""
    requests = _journal_requests(ctx)
    if not requests["views"] or not requests["saves"]:
        return None
    mixed = (
        requests["views"] * max(1, 3 * len(requests["saves"]) // max(1, len(requests["views"])))
        + requests["saves"]
    )
    return Scenario(
        "journal grid 150/s + cell saves 50/s", mixed, rate=200, threads=16, duration=duration
    )


def journal_grid_with_saves_unsaturated(ctx, duration):
    """The same mix at a rate this shared 2-core machine sustains: latency without queueing."""
    scenario = journal_grid_with_saves(ctx, duration)
    return (
        replace(scenario, name="journal grid 30/s + cell saves 10/s", rate=40, threads=8)
        if scenario
        else None
    )


SCENARIOS += [journal_grid_views, journal_grid_with_saves, journal_grid_with_saves_unsaturated]


# --- control and reports ---------------------------------------------------------------------


def _latest_run(ctx):
    from apps.reports.models import AuditRun

    return (
        AuditRun.objects.filter(school=ctx.school, kind=AuditRun.Kind.MONTH)
        .order_by("-starts_on")
        .first()
    )


def deputy_audit_summary(ctx, duration):
    """The stored audit of a whole school month: the page the issue holds to ≤ 50 ms."""
    if "deputy" not in ctx.cookies or _latest_run(ctx) is None:
        return None
    return Scenario(
        "deputy audit month summary",
        [_get(ctx, "deputy", ctx.url("reports:audit"))],
        rate=40,
        duration=duration,
    )


def teacher_audit_lines(ctx, duration):
    if "teacher" not in ctx.cookies or _latest_run(ctx) is None:
        return None
    return Scenario(
        "teacher own audit lines",
        [_get(ctx, "teacher", ctx.url("reports:audit"))],
        rate=40,
        duration=duration,
    )


def deputy_progress_report(ctx, duration):
    """Progress and quality of the whole school for the current period, computed live."""
    if "deputy" not in ctx.cookies:
        return None
    return Scenario(
        "deputy progress report (school)",
        [_get(ctx, "deputy", ctx.url("reports:progress"))],
        rate=4,
        threads=2,
        duration=duration,
    )


def deputy_attendance_report(ctx, duration):
    if "deputy" not in ctx.cookies:
        return None
    return Scenario(
        "deputy attendance report (year)",
        [_get(ctx, "deputy", ctx.url("reports:attendance") + "?span=year")],
        rate=4,
        threads=2,
        duration=duration,
    )


SCENARIOS += [
    deputy_audit_summary,
    teacher_audit_lines,
    deputy_progress_report,
    deputy_attendance_report,
]
