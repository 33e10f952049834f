"""304 for an unchanged diary page, and the activity log of every page read.

`diary_page(name)` wraps a diary view that takes `student_id`:
  1. one query fetches the student, checks the user may read them, and returns the change
     stamps of everything the page shows (selectors.diary_access) — 404 otherwise;
  2. Django's `condition` answers 304 when the ETag (or Last-Modified) the browser holds is
     still current, without rendering anything;
  3. the read is counted for the monthly activity report (a 304 is a read too), off the
     request path when Redis is there (apps/accounts/activity.py).

The ETag covers, besides the stamps: the user (the child switcher differs), the language,
the school's today (the highlighted day), the CSRF secret (forms on the page), the
templates' content (a deploy) and the query string.
"""

import hashlib
from datetime import datetime, time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import condition

from apps.accounts.activity import diary_read_record
from apps.diary.selectors import DiaryAccess, diary_access
from apps.school.clock import school_today


def _templates_digest() -> str:
    digest = hashlib.sha1()
    roots = [
        Path(__file__).parent / "templates",
        Path(settings.BASE_DIR) / "templates" / "base.html",
    ]
    for root in roots:
        for path in sorted(root.rglob("*.html")) if root.is_dir() else [root]:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RENDER_VERSION = _templates_digest()


def access_for(request, student_id: int) -> DiaryAccess:
    """The access check of this request, made once (the ETag, Last-Modified and the view share it)."""
    cached = getattr(request, "_diary_access", None)
    if cached is None or cached.student.pk != int(student_id):
        cached = diary_access(ctx=request.school_ctx, student_id=int(student_id))
        request._diary_access = cached
    return cached


def _etag(request, student_id, **kwargs) -> str:
    access = access_for(request, student_id)
    ctx = request.school_ctx
    get_token(request)  # the page's forms carry it: a new secret (first visit) is part of the tag
    csrf = request.META.get("CSRF_COOKIE", "")
    parts = [
        access.version,
        str(ctx.user.pk),
        get_language() or "",
        school_today(ctx.school).isoformat(),
        hashlib.sha1(csrf.encode()).hexdigest()[:8],
        RENDER_VERSION,
        request.get_full_path(),
    ]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:20]


def _last_modified(request, student_id, **kwargs) -> datetime:
    access = access_for(request, student_id)
    school = request.school_ctx.school
    midnight = datetime.combine(school_today(school), time.min, tzinfo=school.tz)
    return max(access.changed_at, midnight) if access.changed_at else midnight


def diary_page(name: str, *, conditional: bool = True):
    """Access, 304 and the activity log for a diary page (see the module docstring)."""

    def decorator(view):
        inner = (
            condition(etag_func=_etag, last_modified_func=_last_modified)(view)
            if conditional
            else view
        )

        @wraps(view)
        def wrapper(request, student_id: int, **kwargs):
            access = access_for(request, student_id)
            response = inner(request, student_id=student_id, **kwargs)
            if response.status_code in (200, 304):
                patch_cache_control(response, private=True, no_cache=True)
                ctx = request.school_ctx
                diary_read_record(
                    user=ctx.user, school=ctx.school, student=access.student, page=name
                )
            return response

        return wrapper

    return decorator
