from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.school import clock

# How often the last-seen moment of a shared-computer session is written (a session save).
_TOUCH_EVERY = 60


class ForcePasswordChangeMiddleware:
    """A password issued by the school must be replaced before anything else is opened."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:password_change")
        return self.get_response(request)


def start_shared_session(request) -> None:
    """«Чужой компьютер»: the session cookie dies with the browser, and the session ends
    after SHARED_COMPUTER_IDLE_MINUTES without a request (SharedComputerMiddleware)."""
    request.session.set_expiry(0)
    request.session["shared_computer"] = True
    request.session["seen_at"] = int(clock.now().timestamp())


class SharedComputerMiddleware:
    """Ends a shared-computer session that stayed idle; the next person sees the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("shared_computer"):
            now = int(clock.now().timestamp())
            seen = session.get("seen_at", 0)
            if now - seen > settings.SHARED_COMPUTER_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("Вход закончился: на чужом компьютере он длится, пока с ним работают."),
                )
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if now - seen >= _TOUCH_EVERY:
                session["seen_at"] = now
        return self.get_response(request)
