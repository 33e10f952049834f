"""Request and response guards that apply to every page.

- SecurityHeadersMiddleware: Content-Security-Policy and Permissions-Policy (Django 5.2 has
  no CSP of its own; the policy is one fixed string, so a few lines do instead of a
  dependency), and `Cache-Control: no-store` on what a logged-in user is shown.
- RequestLimitsMiddleware: a body larger than MAX_REQUEST_MB is refused before it is read
  (413), and a NUL character in a query or form value is refused (400): PostgreSQL cannot
  store it, and no field of the product needs it.
- BadInputMiddleware: the last line for crafted input that reaches the database or date
  arithmetic anyway (a year 9999 plus a week, an id beyond bigint): 400 with a page that
  says so, never a 500.
"""

import logging

from django.conf import settings
from django.db import DataError
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from apps.school.inputs import BadInput

logger = logging.getLogger(__name__)


def bad_request(request, reason: str = ""):
    return render(request, "400.html", {"reason": reason}, status=400)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The static 500 page carries its own small <style>: it is all that page is.
        if response.status_code != 500:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            shared = request.session.get("shared_computer", False)
            # A page a view chose to cache privately (the diary's 304 answers) keeps its
            # choice, except on a shared computer, where nothing personal stays on disk.
            if shared or "Cache-Control" not in response.headers:
                response.headers.pop("Cache-Control", None)
                patch_cache_control(response, private=True, no_store=True)
        return response


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit_mb = settings.MAX_REQUEST_MB
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit_mb * 1024 * 1024:
            logger.warning("request body of %s bytes refused: %s", length, request.path)
            response = render(request, "413.html", {"limit": limit_mb}, status=413)
            # The body is not read: the connection must not be reused for a next request.
            response["Connection"] = "close"
            return response
        if self._has_nul(request):
            return bad_request(
                request,
                _("В запросе есть недопустимый символ (NUL). Уберите его и попробуйте ещё раз."),
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return True
        if request.method == "POST":
            content_type = request.META.get("CONTENT_TYPE", "")
            if content_type.startswith(
                ("multipart/form-data", "application/x-www-form-urlencoded")
            ):
                return any(
                    "\x00" in key or any("\x00" in v for v in values)
                    for key, values in request.POST.lists()
                )
        return False


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadInput):
            reason = str(exception)
        elif isinstance(exception, OverflowError):
            reason = _("Дата или число в запросе вне допустимого диапазона.")
        elif isinstance(exception, DataError):
            reason = _("Значение в запросе нельзя обработать: проверьте даты и числа.")
        else:
            return None
        logger.warning("bad input refused: %s %s (%s)", request.method, request.path, exception)
        return bad_request(request, reason)
